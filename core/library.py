"""The essay library: essays in the database, kept in step with the seeds folder, listed and read per server.

Searching it is `core.passage_search`'s job; the library owns the search and keeps its vocabulary current.

Syncing compares each file's content hash with the stored one, so only changed essays are re-indexed; a restart
with a thousand unchanged essays touches none of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from .errors import Conflict, InvalidInput, NotFound
from .essays import MAX_SLUG, PARSER_VERSION, Essay, LoadProblem, load_folder, parse_essay
from .meaning.vectors import PassageVectors
from .passage_records import PASSAGE_SELECT, PassageRecord, SearchResult, passage_record, visible_to
from .passage_search import MAX_RESULTS, PassageSearch
from .search import index_text
from .store import MAX_ROWID, Store
from .text import echo, fold
from .vocabulary import Vocabulary

log = logging.getLogger(__name__)

# Essays indexed per transaction at start-up: FTS5 writes one index segment per transaction.
BATCH_PASSAGES = 5000


@dataclass(frozen=True)
class EssayInfo:
    slug: str
    title: str
    author: str
    publication: str
    year: str
    origin: str
    passages: int
    sections: int


@dataclass(frozen=True)
class FolderPlan:
    essays: list[Essay]  # every file that loaded
    changed: list[Essay]  # new or edited: to index
    unchanged: int
    removed: list[str]  # slugs whose file is gone
    problems: list[LoadProblem]


@dataclass(frozen=True)
class SyncReport:
    indexed: list[str]
    unchanged: int
    removed: list[str]
    problems: list[LoadProblem]


class Library:
    def __init__(self, store: Store, vectors: PassageVectors | None = None) -> None:
        self._store = store
        self._vocabulary: Vocabulary | None = None
        self._adding = asyncio.Lock()
        self.vectors = vectors  # None: search matches words only
        self._search = PassageSearch(store, vectors, self.vocabulary)

    async def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            rows = await self._store.fetchall("SELECT word, df FROM vocabulary")
            _, passages = await self.counts()
            self._vocabulary = Vocabulary(((row["word"], row["df"]) for row in rows), passages=passages)
        return self._vocabulary

    async def warm(self) -> None:
        """Load the vocabulary and build its spelling tables, so the first /quote is as fast as the rest."""
        (await self.vocabulary()).prepare()

    # -- keeping the index current ---------------------------------------------------------------------------

    async def sync_folder(self, folder: Path) -> SyncReport:
        """Index new and changed essays from the folder; drop folder essays whose file is gone. Uploads stay."""
        plan = await self.plan_folder(folder)
        for batch in _batches(plan.changed, BATCH_PASSAGES):
            await self._write_essays(batch, origin="folder")
        for slug in plan.removed:
            await self._delete_essay(slug)
        indexed = [essay.slug for essay in plan.changed] + await self._reparse_uploads()
        for problem in plan.problems:
            log.warning("essay skipped: %s", problem)
        return SyncReport(indexed, plan.unchanged, plan.removed, plan.problems)

    async def plan_folder(self, folder: Path) -> FolderPlan:
        """What a sync of the folder would do, changing nothing (`check` says it; `sync_folder` does it).

        A file that now fails to load keeps the version indexed before, and a missing folder drops nothing: an edit
        gone wrong or a mistyped SEEDS_DIR should not pull quotes out from under the discussions that cite them."""
        stored = {row["slug"]: row
                  for row in await self._store.fetchall("SELECT slug, source, origin, content_hash FROM essays")}
        essays, problems = load_folder(folder, first={row["source"] for row in stored.values()})
        changed, unchanged = [], 0
        for essay in essays:
            row = stored.get(essay.slug)
            if row is not None and row["origin"] == "upload":
                problems.append(LoadProblem(essay.source, f"slug '{essay.slug}' is taken by an uploaded essay"))
            elif row is not None and row["content_hash"] == essay.content_hash:
                unchanged += 1
            else:
                changed.append(essay)
        on_disk = {essay.slug for essay in essays}
        gone = [row for slug, row in stored.items() if row["origin"] == "folder" and slug not in on_disk]
        if not folder.is_dir():
            problems = [_noting(p, f"the {len(gone)} essays indexed from it stay") if gone else p for p in problems]
            return FolderPlan(essays, changed, unchanged, [], problems)
        kept = {row["source"] for row in gone} & {problem.source for problem in problems}
        problems = [_noting(p, "the version indexed before stays") if p.source in kept else p for p in problems]
        removed = [row["slug"] for row in gone if row["source"] not in kept]
        return FolderPlan(essays, changed, unchanged, removed, problems)

    async def _reparse_uploads(self) -> list[str]:
        """Parse uploads indexed by an older parser again, from their stored file, under the same slug and server."""
        rows = await self._store.fetchall(
            "SELECT slug, title, author, publication, source, raw, guild_id, added_by, added_at FROM essays"
            " WHERE origin = 'upload' AND parser_version IS NOT ?", (PARSER_VERSION,))
        done = []
        for row in rows:
            try:
                essay = parse_essay(row["raw"], source=row["source"], title=row["title"], author=row["author"],
                                    publication=row["publication"])
            except InvalidInput as exc:  # a newer parser refusing an old upload: it stays as it was indexed
                log.warning("upload %s could not be parsed again: %s", row["slug"], exc.message)
                continue
            await self._write_essays([_renamed(essay, row["slug"])], origin="upload", raw=row["raw"],
                                     guild_id=row["guild_id"], added_by=row["added_by"], added_at=row["added_at"])
            done.append(row["slug"])
        return done

    async def add_upload(self, raw: bytes, *, filename: str, title: str, author: str = "", publication: str = "",
                         guild_id: int | None = None, added_by: int | None = None) -> EssayInfo:
        """Index an essay an organizer uploaded. The file is kept in the database, so it survives restarts."""
        title = title.strip()
        if not title:
            raise InvalidInput("Give the essay a title.")
        try:
            essay = parse_essay(raw, source=filename, title=title, author=author.strip(),
                                publication=publication.strip())
        except InvalidInput as exc:
            raise InvalidInput(f"That file can't be added: {exc.message}.") from None
        visible, params = visible_to(guild_id)
        # One at a time: two uploads checked at once could take one slug, the second replacing the first.
        async with self._adding:
            duplicate = await self._store.fetchone(
                f"SELECT e.slug FROM essays e WHERE (e.slug = ? OR lower(e.title) = lower(?)) AND {visible}",
                (essay.slug, essay.title, *params))
            if duplicate is not None:
                raise Conflict(f"An essay with that title is already in the library ({duplicate['slug']}): give this one"
                               " another title, or remove the old one first with /essay remove.")
            essay = await self._free_slug(essay)
            await self._write_essays([essay], origin="upload", raw=raw, guild_id=guild_id, added_by=added_by)
        return await self.essay(essay.slug, guild=guild_id)

    async def remove(self, slug: str, *, guild: int | None = None) -> EssayInfo:
        """Remove an essay from a server's library: its own uploads are deleted; a bundled essay is hidden for that
        server only, since its file would bring it back at the next start. With no server, delete outright."""
        info = await self.essay(slug, guild=guild)
        if guild is None or info.origin == "upload":
            await self._delete_essay(slug)
        else:
            await self._store.execute("INSERT OR IGNORE INTO hidden_essays (guild_id, slug) VALUES (?, ?)",
                                      (guild, slug))
        return info

    async def _free_slug(self, essay: Essay) -> Essay:
        """The essay under a slug no other server's essay uses ("title", then "title-2", ...)."""
        slug, number = essay.slug, 1
        while await self._store.fetchone("SELECT 1 FROM essays WHERE slug = ?", (slug,)) is not None:
            number += 1
            slug = f"{essay.slug[: MAX_SLUG - 4]}-{number}"
        return _renamed(essay, slug)

    async def _write_essays(self, essays: list[Essay], *, origin: str, raw: bytes | None = None,
                            guild_id: int | None = None, added_by: int | None = None,
                            added_at: str | None = None) -> None:
        """(Re-)index essays in one transaction: one index flush and one vocabulary update for the whole batch."""
        vocabulary = await self.vocabulary()
        delta: Counter[str] = Counter()
        passages_added = 0
        async with self._store.transaction() as db:
            for essay in essays:
                indexed = [index_text(p.text) for p in essay.passages]
                old_counts, old_passages = await self._unindex(db, essay.slug)
                cursor = await db.execute(
                    "INSERT INTO essays (slug, title, author, publication, year, source, origin, content_hash, raw,"
                    " guild_id, added_by, parser_version, added_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?, coalesce(?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
                    (essay.slug, essay.title, essay.author, essay.publication, essay.year, essay.source, origin,
                     essay.content_hash, raw, guild_id, added_by, PARSER_VERSION, added_at))
                await db.executemany(
                    "INSERT INTO passages (essay_id, paragraph, section, text, body) VALUES (?,?,?,?,?)",
                    [(cursor.lastrowid, p.paragraph, p.section, p.text, item.body)
                     for p, item in zip(essay.passages, indexed)])
                delta.update(term for item in indexed for term in item.terms)
                delta.subtract(old_counts)
                passages_added += len(essay.passages) - old_passages
            changes = {word: count for word, count in delta.items() if count}
            await _apply_vocabulary(db, changes)
        vocabulary.update(changes, passages=passages_added)
        if self.vectors is not None:
            self.vectors.wanted()
        log.info("indexed %d essays (%d passages)", len(essays), sum(len(e.passages) for e in essays))

    async def _delete_essay(self, slug: str) -> None:
        vocabulary = await self.vocabulary()
        async with self._store.transaction() as db:
            old_counts, old_passages = await self._unindex(db, slug)
            delta = {word: -count for word, count in old_counts.items()}
            await _apply_vocabulary(db, delta)
        vocabulary.update(delta, passages=-old_passages)
        log.info("removed essay %s", slug)

    @staticmethod
    async def _unindex(db, slug: str) -> tuple[dict[str, int], int]:
        """Delete an essay inside the caller's transaction; returns its word and passage counts."""
        async with db.execute(
            "SELECT p.body FROM passages p JOIN essays e ON e.id = p.essay_id WHERE e.slug = ?", (slug,)
        ) as cursor:
            rows = list(await cursor.fetchall())
        await db.execute("DELETE FROM essays WHERE slug = ?", (slug,))  # passages and their index rows follow
        return dict(Counter(term for row in rows for term in set(row["body"].split()))), len(rows)

    # -- reading ---------------------------------------------------------------------------------------------

    # Reading methods take the server (`guild`) whose view of the library to use; None means every essay.

    async def essays(self, *, guild: int | None = None) -> list[EssayInfo]:
        visible, params = visible_to(guild)
        rows = await self._store.fetchall(
            "SELECT e.slug, e.title, e.author, e.publication, e.year, e.origin, COUNT(p.id) AS passages,"
            " COUNT(DISTINCT p.section) AS sections FROM essays e LEFT JOIN passages p ON p.essay_id = e.id"
            f" WHERE {visible} GROUP BY e.id ORDER BY lower(e.title)", params)
        return [EssayInfo(**dict(row)) for row in rows]

    async def essay(self, slug: str, *, guild: int | None = None) -> EssayInfo:
        for info in await self.essays(guild=guild):
            if info.slug == slug:
                return info
        raise NotFound(f"There is no essay '{echo(slug)}' in the library.")

    async def counts(self, *, guild: int | None = None) -> tuple[int, int]:
        visible, params = visible_to(guild)
        row = await self._store.fetchone(
            f"SELECT COUNT(DISTINCT e.id), COUNT(p.id) FROM essays e LEFT JOIN passages p ON p.essay_id = e.id"
            f" WHERE {visible}", params)
        return int(row[0]), int(row[1])

    async def meaning_progress(self) -> tuple[int, int] | None:
        """(passages encoded for search by meaning, passages in all), or None when search by meaning is off."""
        return None if self.vectors is None else await self.vectors.progress()

    async def passages(self, slug: str, *, section: str | None = None, guild: int | None = None) -> list[PassageRecord]:
        visible, params = visible_to(guild)
        rows = await self._store.fetchall(
            PASSAGE_SELECT + f" WHERE e.slug = ? AND (? IS NULL OR p.section = ?) AND {visible} ORDER BY p.paragraph",
            (slug, section, section, *params))
        if not rows:
            await self.essay(slug, guild=guild)
            raise NotFound(f"That essay has no section called '{echo(section)}'.")
        return [passage_record(row) for row in rows]

    async def passage(self, key: str, *, guild: int | None = None) -> PassageRecord:
        slug, _, number = key.rpartition(":")
        # ASCII digits only ("²" is a digit to Python), and no number SQLite cannot hold.
        if not slug or not (number.isascii() and number.isdigit()) or int(number) > MAX_ROWID:
            raise InvalidInput(f"'{echo(key)}' is not a passage id (they look like essay-slug:12).")
        visible, params = visible_to(guild)
        row = await self._store.fetchone(PASSAGE_SELECT + f" WHERE e.slug = ? AND p.paragraph = ? AND {visible}",
                                         (slug, int(number), *params))
        if row is None:
            raise NotFound(f"There is no passage {echo(key)} in the library.")
        return passage_record(row)

    async def context(self, key: str, *, around: int = 1, guild: int | None = None) -> list[PassageRecord]:
        """The passage with up to `around` paragraphs before and after it."""
        centre = await self.passage(key, guild=guild)
        rows = await self._store.fetchall(
            PASSAGE_SELECT + " WHERE e.slug = ? AND p.paragraph BETWEEN ? AND ? ORDER BY p.paragraph",
            (centre.essay_slug, centre.paragraph - around, centre.paragraph + around))
        return [passage_record(row) for row in rows]

    async def search(self, query: str, *, essay: str | None = None, limit: int = 5,
                     guild: int | None = None) -> list[SearchResult]:
        return await self._search.search(query, essay=essay, limit=limit, guild=guild)

    async def unknown_words_note(self, query: str, results: Sequence[SearchResult], *,
                                 guild: int | None = None) -> str | None:
        return await self._search.unknown_words_note(query, results, guild=guild)

    async def best_per_essay(self, topic: str, *, guild: int | None = None, essays: int = MAX_RESULTS,
                             at_least: int = 0) -> list[SearchResult]:
        return await self._search.best_per_essay(topic, guild=guild, essays=essays, at_least=at_least)

    async def find_titles(self, text: str, *, limit: int = 25, guild: int | None = None) -> list[EssayInfo]:
        """Essays whose title or slug matches what was typed so far, best first (for autocomplete)."""
        essays = await self.essays(guild=guild)
        if not text.strip():
            return essays[:limit]
        choices = {info.slug: fold(f"{info.title} {info.author}") for info in essays}
        best = process.extract(fold(text), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
        by_slug = {info.slug: info for info in essays}
        return [by_slug[slug] for _, _, slug in best]

def _noting(problem: LoadProblem, note: str) -> LoadProblem:
    return LoadProblem(problem.source, f"{problem.reason}; {note}")


def _renamed(essay: Essay, slug: str) -> Essay:
    if slug == essay.slug:
        return essay
    return replace(essay, slug=slug, passages=tuple(replace(p, essay_slug=slug) for p in essay.passages))


def _batches(essays: list[Essay], passages: int) -> list[list[Essay]]:
    """Essays grouped so that each group holds about `passages` passages."""
    batches: list[list[Essay]] = [[]]
    size = 0
    for essay in essays:
        if batches[-1] and size + len(essay.passages) > passages:
            batches.append([])
            size = 0
        batches[-1].append(essay)
        size += len(essay.passages)
    return [batch for batch in batches if batch]


async def _apply_vocabulary(db, delta: dict[str, int]) -> None:
    await db.executemany(
        "INSERT INTO vocabulary (word, df) VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET df = df + excluded.df",
        list(delta.items()))
    await db.execute("DELETE FROM vocabulary WHERE df <= 0")
