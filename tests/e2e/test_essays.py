"""/essay and /settings organizer-role end to end: reading the library, and organizers changing it."""

from __future__ import annotations

import sqlite3

import pytest

from tests.fakediscord import FakeDiscord, Member, P

from .debate_helpers import open_debate

pytestmark = pytest.mark.usefixtures("chapter_bot")

BUILDING = "building-international-socialism-in-a-new-era"
NEW_ESSAY = "# ignored heading\n\nTenant unions are the schools of dual power.\n\n## Tactics\n\nRent strikes work @everyone.\n"


@pytest.fixture
def organizer(fake: FakeDiscord) -> Member:
    return fake.world.add_member(fake.guild, "olga", permissions=P.MANAGE_GUILD | P.SEND_MESSAGES
                                 | P.USE_APPLICATION_COMMANDS | P.VIEW_CHANNEL)


async def upload(fake: FakeDiscord, who: Member, filename: str, data: bytes, **options):
    file = fake.world.add_attachment(filename, data, "text/plain")
    ix = await fake.slash(who, "essay add", file=file, **options)
    response = await ix.response()
    return ix, response


async def test_list_shows_every_essay_with_its_size(fake: FakeDiscord, member: Member):
    response = await (await fake.slash(member, "essay list")).response()
    embed = response.embeds[0]
    assert response.ephemeral and embed["title"] == "Essay library (2)"
    assert "**Building International Socialism In A New Era** \u2014 Red Star caucus of DSA" in embed["description"]
    assert "44 passages \u00b7 5 sections" in embed["description"]


async def test_read_pages_through_sections_and_can_start_at_one(fake: FakeDiscord, member: Member):
    response = await (await fake.slash(member, "essay read", essay=BUILDING)).response()
    assert response.embeds[0]["footer"]["text"].startswith("Opening \u00b7 page 1 of")
    assert "`\u00b61` Previous generations" in response.embeds[0]["description"]
    ix = await fake.click(member, response.message, response.message.button(label="\u25b6")["custom_id"])
    turned = await ix.response()
    assert turned.embeds[0]["footer"]["text"].startswith("Peaceful Development")
    section = "Moving DSA\u2019s Internationalism Work Forward"
    jumped = await (await fake.slash(member, "essay read", essay=BUILDING, section=section)).response()
    assert jumped.embeds[0]["footer"]["text"].startswith(section)


async def test_section_autocomplete_follows_the_chosen_essay(fake: FakeDiscord, member: Member):
    choices = await (await fake.autocomplete(member, "essay read", focused="section", typed="tasks",
                                             essay=BUILDING)).choices()
    assert [c["name"] for c in choices] == ["The Tasks of American Socialists In The New Era"]


async def test_read_an_unknown_section_says_so(fake: FakeDiscord, member: Member):
    response = await (await fake.slash(member, "essay read", essay=BUILDING, section="Appendix")).response()
    assert response.ephemeral and "no section called" in response.content and "pick one" in response.content


async def test_an_organizer_adds_an_essay_that_is_searchable_at_once(fake: FakeDiscord, organizer: Member):
    ix, response = await upload(fake, organizer, "tenants.md", NEW_ESSAY.encode(), title="Tenant Power",
                                author="Local 12")
    reply = await ix.message()
    assert "Added \u201cTenant Power\u201d: 2 passages in 2 sections" in reply.content
    found = await (await fake.slash(organizer, "quote", query="rent strikes")).message()
    assert found.embeds[0]["footer"]["text"].startswith("Tenant Power \u2014 Local 12, \u00a7 Tactics, \u00b62")



async def test_a_section_with_a_name_longer_than_a_choice_can_still_be_opened(fake: FakeDiscord, organizer: Member):
    heading = "The long road from tenant unions to dual power, " * 3  # 147 characters; choices hold 100
    body = f"# Long Sections\n\nOpening words.\n\n## {heading}\n\nThe paragraph under it.\n"
    await (await upload(fake, organizer, "long.md", body.encode(), title="Long Sections"))[0].message()
    [choice] = await (await fake.autocomplete(organizer, "essay read", focused="section", typed="",
                                              essay="long-sections")).choices()
    assert len(choice["value"]) == 100
    page = await (await fake.slash(organizer, "essay read", essay="long-sections", section=choice["value"])).response()
    assert "The paragraph under it." in page.embeds[0]["description"]

async def test_an_uploaded_essay_posts_without_pinging_anyone(fake: FakeDiscord, organizer: Member):
    await (await upload(fake, organizer, "tenants.md", NEW_ESSAY.encode(), title="Tenant Power"))[0].message()
    found = await (await fake.slash(organizer, "quote", query="rent strikes work")).message()
    ix = await fake.click(organizer, found, found.button(label="Post here")["custom_id"])
    posted = (await ix.response()).message
    assert "@everyone" in posted.embeds[0]["description"]
    assert posted.mentions == [] and posted.mention_roles == [] and posted.raw["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(("filename", "data", "sentence"), [
    ("essay.pdf", b"%PDF-1.4", "Upload the essay as a .md or .txt file."),
    ("essay.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("essay.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "not UTF-8"),
    ("essay.txt", b"x" * 1_000_001, "over 1 MB"),
    ("essay.md", b"Some text.\n", "already in the library (building-international-socialism-in-a-new-era): give"),
])
async def test_bad_uploads_get_one_sentence_and_change_nothing(fake: FakeDiscord, organizer: Member, filename,
                                                               data, sentence):
    ix, response = await upload(fake, organizer, filename, data,
                                title="Building International Socialism In A New Era")
    text = response.content if not response.deferred else (await ix.message()).content
    assert sentence in text
    listing = await (await fake.slash(organizer, "essay list")).response()
    assert listing.embeds[0]["title"] == "Essay library (2)"


async def test_members_who_are_not_organizers_cannot_add_or_remove(fake: FakeDiscord, member: Member):
    _, response = await upload(fake, member, "x.md", b"Text.\n", title="Mine")
    assert response.ephemeral and "Only organizers" in response.content
    removal = await (await fake.slash(member, "essay remove", essay=BUILDING)).response()
    assert "Only organizers" in removal.content


async def test_remove_asks_first_and_cancel_keeps_the_essay(fake: FakeDiscord, organizer: Member):
    question = await (await fake.slash(organizer, "essay remove", essay=BUILDING)).response()
    assert question.ephemeral and "Remove \u201cBuilding International Socialism In A New Era\u201d" in question.content
    ix = await fake.click(organizer, question.message, question.message.button(label="Cancel")["custom_id"])
    assert "the essay stays" in (await ix.response()).content
    listing = await (await fake.slash(organizer, "essay list")).response()
    assert listing.embeds[0]["title"] == "Essay library (2)"


async def test_confirmed_removal_keeps_posted_quotes_readable(fake: FakeDiscord, organizer: Member):
    found = await (await fake.slash(organizer, "quote", query="Comintern")).message()
    posted = (await (await fake.click(organizer, found, found.button(label="Post here")["custom_id"])).response()).message
    question = await (await fake.slash(organizer, "essay remove", essay=BUILDING)).response()
    ix = await fake.click(organizer, question.message, question.message.button(label="Remove it")["custom_id"])
    assert "Removed" in (await ix.response()).content
    listing = await (await fake.slash(organizer, "essay list")).response()
    assert listing.embeds[0]["title"] == "Essay library (1)"
    assert "Comintern" in fake.world.find_message(posted.id).embeds[0]["description"]
    context = await (await fake.click(organizer, posted, posted.custom_ids[0])).response()
    assert context.ephemeral and "no longer in the library" in context.content


async def test_organizer_role_lets_its_members_manage_essays(fake: FakeDiscord, organizer: Member):
    role = fake.world.add_role(fake.guild, "Steering")
    helper = fake.world.add_member(fake.guild, "hana", roles=[role])
    set_role = await (await fake.slash(organizer, "settings organizer-role", role=role)).response()
    assert set_role.ephemeral and "are now organizers" in set_role.content and set_role.message.mention_roles == []
    ix, _ = await upload(fake, helper, "notes.txt", b"Short notes for the convention.\n", title="Convention Notes")
    assert "Added" in (await ix.message()).content


async def test_only_server_managers_choose_the_organizer_role(fake: FakeDiscord, organizer: Member, tmp_path):
    steering = fake.world.add_role(fake.guild, "Steering")
    await (await fake.slash(organizer, "settings organizer-role", role=steering)).response()
    helper = fake.world.add_member(fake.guild, "hana", roles=[steering])
    for who in (fake.world.add_member(fake.guild, "plain"), helper):  # an organizer by role is not enough
        response = await (await fake.slash(who, "settings organizer-role", role=fake.guild.everyone)).response()
        assert response.ephemeral
        assert response.content == "You are missing Manage Server permission(s) to run this command."
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT organizer_role_id FROM guild_settings").fetchall() == [(steering.id,)]


async def test_an_essay_removed_here_is_not_quoted_in_a_new_debate_thread(fake: FakeDiscord, organizer: Member):
    question = await (await fake.slash(organizer, "essay remove", essay=BUILDING)).response()
    ix = await fake.click(organizer, question.message, question.message.button(label="Remove it")["custom_id"])
    assert "Removed" in (await ix.response()).content
    await open_debate(fake, organizer, motion="Build international socialism through mass parties", format="poll",
                      options="Yes | No")
    thread = await fake.wait_for_thread(fake.default_channel)
    embeds = await fake.wait_for(lambda: [e for m in thread.visible_messages() for e in m.embeds])
    assert embeds and all("Building International Socialism" not in e.get("title", "") for e in embeds)
