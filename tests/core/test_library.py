from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from core.errors import Conflict, InvalidInput, NotFound
from core.library import Library
from core.store import Store

from ..conftest import SEEDS


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


async def test_unchanged_essays_are_not_reindexed_on_the_next_start(store: Store, seeds: Path):
    first = await Library(store).sync_folder(seeds)
    rowids = await store.fetchall("SELECT id FROM passages ORDER BY id")
    second = await Library(store).sync_folder(seeds)
    assert len(first.indexed) == 2 and second.indexed == [] and second.unchanged == 2
    assert await store.fetchall("SELECT id FROM passages ORDER BY id") == rowids


async def test_a_changed_essay_is_reindexed_and_keeps_its_passage_ids(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    path = seeds / "contradictions-of-internationalism-from-above.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA brand new closing paragraph about zebras.\n", encoding="utf-8")
    report = await library.sync_folder(seeds)
    assert report.indexed == ["contradictions-of-internationalism-from-above"]
    assert (await library.passage("contradictions-of-internationalism-from-above:16")).text.startswith("Some migrant")
    assert "zebras" in (await library.search("zebras", limit=1))[0].text


async def test_a_deleted_file_removes_its_essay_and_its_words(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    (seeds / "building-international-socialism-in-a-new-era.md").unlink()
    report = await library.sync_folder(seeds)
    assert report.removed == ["building-international-socialism-in-a-new-era"]
    assert await library.search("Comintern", limit=3) == []
    assert "comintern" not in await library.vocabulary()
    assert await store.fetchone("SELECT word FROM vocabulary WHERE word = 'comintern'") is None



async def test_a_file_broken_by_an_edit_keeps_its_last_good_version_and_says_so(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    path = seeds / "building-international-socialism-in-a-new-era.md"
    path.write_bytes(path.read_bytes() + b"\nA paragraph saved as Latin-1: caf\xe9.\n")
    report = await library.sync_folder(seeds)
    assert report.removed == []
    [problem] = report.problems
    assert problem.source == path.name and "stays" in problem.reason
    assert (await library.search("Comintern", limit=1))[0].essay_slug == "building-international-socialism-in-a-new-era"



async def test_a_new_file_claiming_an_indexed_essays_slug_is_the_one_skipped(store: Store, tmp_path: Path):
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "zeta.md").write_text("# Housing First\n\nTenant unions win.\n", encoding="utf-8")
    library = Library(store)
    await library.sync_folder(folder)
    (folder / "alpha.md").write_text("---\nslug: zeta\n---\n# Newcomer\n\nAbout weather.\n",
                                     encoding="utf-8")  # sorts first, and claims the same slug
    report = await library.sync_folder(folder)
    assert [(p.source, "already used by zeta.md" in p.reason) for p in report.problems] == [("alpha.md", True)]
    assert (await library.passage("zeta:1")).text == "Tenant unions win."


async def test_a_seed_file_taking_an_uploads_id_is_skipped_and_the_upload_kept(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    await library.add_upload(b"Dual power grows in tenant unions.\n", filename="t.txt", title="Tenant Notes",
                             guild_id=CHAPTER_A)
    (seeds / "tenant-notes.md").write_text("# Tenant Notes\n\nA bundled text about weather.\n", encoding="utf-8")
    report = await library.sync_folder(seeds)
    assert [(p.source, "taken by an uploaded essay" in p.reason) for p in report.problems] == [("tenant-notes.md", True)]
    assert (await library.passage("tenant-notes:1", guild=CHAPTER_A)).text == "Dual power grows in tenant unions."

async def test_a_missing_folder_drops_no_essay(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    report = await library.sync_folder(seeds.parent / "mistyped")
    assert report.removed == []
    [problem] = report.problems
    assert "does not exist" in problem.reason and "the 2 essays indexed from it stay" in problem.reason
    assert len(await library.essays()) == 2

async def test_uploads_survive_a_restart_and_a_folder_sync(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    info = await library.add_upload(b"Dual power grows in tenant unions.\n", filename="notes.txt",
                                    title="Tenant Notes", author="Organizer")
    restarted = Library(store)
    await restarted.sync_folder(seeds)
    assert info.slug == "tenant-notes"
    assert (await restarted.search("tenant unions", limit=1))[0].essay_slug == "tenant-notes"


@pytest.mark.parametrize(
    ("raw", "title", "error"),
    [(b"Some text.\n", "The contradictions of internationalism from above", Conflict),
     (b"Some text.\n", "   ", InvalidInput),
     (b"\x89PNG\r\n\x1a\n\x00\x00", "Picture", InvalidInput)],
)
async def test_bad_uploads_change_nothing(library: Library, raw: bytes, title: str, error):
    before = await library.counts()
    with pytest.raises(error):
        await library.add_upload(raw, filename="x.txt", title=title)
    assert await library.counts() == before


async def test_context_returns_neighbouring_paragraphs(library: Library):
    around = await library.context("contradictions-of-internationalism-from-above:16", around=1)
    assert [p.paragraph for p in around] == [15, 16, 17]


@pytest.mark.parametrize("key", ["nope", "no-such-essay:1", "contradictions-of-internationalism-from-above:999",
                                 "contradictions-of-internationalism-from-above:" + "9" * 40,
                                 "contradictions-of-internationalism-from-above:\u00b2"])
async def test_unknown_passages_are_reported(library: Library, key: str):
    with pytest.raises((NotFound, InvalidInput)):
        await library.passage(key)


async def test_remove_deletes_an_essay(library: Library):
    await library.remove("building-international-socialism-in-a-new-era")
    assert [e.slug for e in await library.essays()] == ["contradictions-of-internationalism-from-above"]


async def test_title_lookup_tolerates_typos(library: Library):
    found = await library.find_titles("buildng internatonal")
    assert found[0].slug == "building-international-socialism-in-a-new-era"


@pytest.mark.parametrize("key", ["x" * 3000, "y" * 3000 + ":1"])
async def test_errors_quote_at_most_a_short_piece_of_what_was_typed(library: Library, key: str):
    with pytest.raises((NotFound, InvalidInput)) as caught:
        await library.passage(key)
    assert len(caught.value.message) < 200


CHAPTER_A, CHAPTER_B = 111, 222


async def test_the_unknown_words_note_never_names_a_word_only_another_servers_upload_uses(library: Library):
    await library.add_upload(b"Operation Zorbak begins at the depot.\n", filename="z.txt", title="Plans",
                             guild_id=CHAPTER_A)
    query = "zorbek China"
    mine = await library.search(query, limit=3, guild=CHAPTER_A)
    assert "zorbak" in (await library.unknown_words_note(query, mine))
    theirs = await library.search(query, limit=3, guild=CHAPTER_B)
    assert theirs and await library.unknown_words_note(query, theirs, guild=CHAPTER_B) == (
        "No essay uses \u201czorbek\u201d.")
    for guess in ("zorbak China", "zorbaks", "qwzyx"):  # a word only they hold reads like any unknown word here
        said = await library.unknown_words_note(guess, await library.search(guess, limit=3, guild=CHAPTER_B),
                                                guild=CHAPTER_B)
        assert said == f"No essay uses \u201c{guess.split()[0].lower()}\u201d."
    assert await library.unknown_words_note("zorbak depot", mine, guild=CHAPTER_A) is None


async def test_an_upload_is_seen_only_by_the_server_that_added_it(library: Library):
    await library.add_upload(b"Dual power grows in tenant unions.\n", filename="t.txt", title="Tenant Notes",
                             guild_id=CHAPTER_A)
    assert "tenant-notes" in [e.slug for e in await library.essays(guild=CHAPTER_A)]
    assert "tenant-notes" not in [e.slug for e in await library.essays(guild=CHAPTER_B)]
    assert (await library.search("tenant unions", limit=1, guild=CHAPTER_A))[0].essay_slug == "tenant-notes"
    assert all(r.essay_slug != "tenant-notes" for r in await library.search("tenant unions", limit=5, guild=CHAPTER_B))
    with pytest.raises(NotFound):
        await library.passage("tenant-notes:1", guild=CHAPTER_B)
    with pytest.raises(NotFound):
        await library.remove("tenant-notes", guild=CHAPTER_B)
    assert await library.counts(guild=CHAPTER_B) == (2, 83)


async def test_an_upload_indexed_by_an_older_parser_is_indexed_again_from_its_stored_file(library: Library,
                                                                                         store: Store):
    await library.add_upload(b"Dual power in the U.S. grows in tenant unions.\n", filename="t.txt",
                             title="Convention Notes", guild_id=CHAPTER_B)
    second = await library.add_upload(b"The U.S. tenant movement.\n", filename="t.txt", title="Convention Notes",
                                      guild_id=CHAPTER_A, added_by=42)  # stored as convention-notes-2
    before = await store.fetchone("SELECT added_at FROM essays WHERE slug = ?", (second.slug,))
    # As an older version left it: another parser, and "U.S." indexed as two letters.
    await store.execute("UPDATE essays SET parser_version = '2' WHERE slug = ?", (second.slug,))
    await store.execute("UPDATE passages SET body = 'the u s tenant movement' WHERE essay_id ="
                        " (SELECT id FROM essays WHERE slug = ?)", (second.slug,))
    stale = (await library.search("US tenant movement", limit=1, guild=CHAPTER_A))[0]
    assert stale.passage_id == f"{second.slug}:1" and "us" not in stale.matched
    report = await library.sync_folder(SEEDS)
    assert report.indexed == [second.slug]
    fresh = (await library.search("US tenant movement", limit=1, guild=CHAPTER_A))[0]
    assert fresh.passage_id == f"{second.slug}:1" and "us" in fresh.matched
    row = await store.fetchone("SELECT guild_id, added_by, added_at FROM essays WHERE slug = ?", (second.slug,))
    assert (row["guild_id"], row["added_by"], row["added_at"]) == (CHAPTER_A, 42, before["added_at"])
    assert (await library.sync_folder(SEEDS)).indexed == []



async def test_another_servers_uploads_never_crowd_this_servers_essays_out_of_a_search(library: Library):
    for n in range(70):
        await library.add_upload(f"China, China and China again: note {n}.\n".encode(), filename=f"n{n}.txt",
                                 title=f"China note {n}", guild_id=CHAPTER_B)
    for search in (library.search("China", limit=5, guild=CHAPTER_A),
                   library.best_per_essay("China", guild=CHAPTER_A)):
        found = {r.essay_slug for r in await search}
        assert found == {"building-international-socialism-in-a-new-era",
                         "contradictions-of-internationalism-from-above"}

async def test_two_servers_can_upload_essays_with_the_same_title(library: Library):
    first = await library.add_upload(b"One.\n", filename="a.txt", title="Convention Notes", guild_id=CHAPTER_A)
    second = await library.add_upload(b"Two.\n", filename="b.txt", title="Convention Notes", guild_id=CHAPTER_B)
    assert (first.slug, second.slug) == ("convention-notes", "convention-notes-2")
    assert (await library.passage("convention-notes-2:1", guild=CHAPTER_B)).text == "Two."
    with pytest.raises(Conflict):
        await library.add_upload(b"Again.\n", filename="c.txt", title="convention notes", guild_id=CHAPTER_A)



async def test_two_uploads_with_one_title_at_the_same_moment_both_stay(library: Library):
    await asyncio.gather(*(library.add_upload(f"Notes from chapter {guild}.\n".encode(), filename="s.md",
                                              title="Strategy", guild_id=guild) for guild in (CHAPTER_A, CHAPTER_B)))
    for guild in (CHAPTER_A, CHAPTER_B):
        [upload] = [e for e in await library.essays(guild=guild) if e.origin == "upload"]
        assert (await library.passage(f"{upload.slug}:1", guild=guild)).text == f"Notes from chapter {guild}."


async def test_the_same_title_uploaded_twice_at_once_in_one_server_is_added_once(library: Library):
    outcomes = await asyncio.gather(*(library.add_upload(b"Same.\n", filename="s.md", title="Strategy",
                                                         guild_id=CHAPTER_A) for _ in range(2)),
                                    return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "EssayInfo"]
    assert [e.slug for e in await library.essays(guild=CHAPTER_A) if e.origin == "upload"] == ["strategy"]

async def test_removing_a_bundled_essay_hides_it_for_that_server_and_stays_removed_after_a_restart(
        store: Store, library: Library):
    slug = "building-international-socialism-in-a-new-era"
    await library.remove(slug, guild=CHAPTER_A)
    restarted = Library(store)
    await restarted.sync_folder(SEEDS)
    assert slug not in [e.slug for e in await restarted.essays(guild=CHAPTER_A)]
    assert all(r.essay_slug != slug for r in await restarted.search("Comintern", limit=5, guild=CHAPTER_A))
    assert slug in [e.slug for e in await restarted.essays(guild=CHAPTER_B)]
    assert (await restarted.search("Comintern", limit=1, guild=CHAPTER_B))[0].essay_slug == slug


async def test_compare_gives_every_essay_its_say_even_behind_passage_rich_ones(store: Store, tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(3):  # three essays that talk of little else, with more passages than /compare re-ranks
        paragraphs = [f"Tenant unions and the rent strike, part {i}: tenant unions win rent strikes."
                      for i in range(300)]
        (folder / f"rich-{n}.md").write_text(f"# Rich {n}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    for n in range(12):  # twelve that mention it once
        (folder / f"brief-{n}.md").write_text(f"# Brief {n}\n\nOn housing, a rent strike by tenant unions helps.\n\n"
                                              "Elsewhere we discuss the weather at length.\n", encoding="utf-8")
    library = Library(store)
    await library.sync_folder(folder)
    best = await library.best_per_essay("tenant unions rent strike")
    assert len(best) == 15 and len({r.essay_slug for r in best}) == 15


async def test_a_debate_is_grounded_in_each_essays_best_passage_topped_up_to_a_few(store: Store, seeds: Path):
    library = Library(store)
    await library.sync_folder(seeds)
    one_essay = await library.best_per_essay("Ecuador", essays=10, at_least=3)
    assert len(one_essay) == 3 and len({r.essay_slug for r in one_essay}) == 1
    both = await library.best_per_essay("China", essays=10, at_least=3)
    assert len({r.essay_slug for r in both[:2]}) == 2 and len(both) == 3
