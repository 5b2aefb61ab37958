"""/position end to end: the real bot (in process) against the fake Discord, one behaviour per test."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.debates import DebateRepo, Format, build_spec
from core.positions import ensure_debate_topic
from core.store import Store
from tests.fakediscord import FakeDiscord, InvalidOptions, Member, P
from tests.fakediscord.world import Overwrite

from .debate_helpers import db_write, debate_id, open_debate, organizer, reply_to

pytestmark = pytest.mark.usefixtures("chapter_bot")


# -- helpers -----------------------------------------------------------------------------------------------------

async def run(fake: FakeDiscord, who: Member, command: str, **options):
    """The bot's response to `/position <command>`, with the message it sent."""
    return await (await fake.slash(who, f"position {command}", **options)).response()


async def sentence(fake: FakeDiscord, who: Member, command: str, **options) -> str:
    """The one ephemeral sentence the bot answers a bad request with."""
    reply = await run(fake, who, command, **options)
    assert reply.ephemeral and not reply.embeds and not reply.components, reply
    return reply.content


async def rows(tmp_path: Path, sql: str, params=()) -> list[tuple]:
    async with await Store.open(tmp_path / "bot.sqlite3") as store:
        return [tuple(row) for row in await store.fetchall(sql, params)]


async def entries(tmp_path: Path) -> list[tuple]:
    return await rows(tmp_path, "SELECT t.name, e.member_id, e.stance, e.reason, e.passage FROM position_entries e"
                                " JOIN position_topics t ON t.id = e.topic_id ORDER BY e.id")


async def add_debate_topic(tmp_path: Path, fake: FakeDiscord, at: datetime | None = None) -> None:
    """The topic of debate 7, "Tax the rich", held in #general: every member sees it."""
    async with await Store.open(tmp_path / "bot.sqlite3") as store, store.transaction() as db:
        await db.execute("INSERT INTO debates (id, guild_id, channel_id, author_id, motion, format, created_at)"
                         " VALUES (7, ?, ?, 1, 'Tax the rich', 'poll', '2026-01-01T00:00:00.000000Z')",
                         (fake.guild.id, fake.default_channel.id))
        await ensure_debate_topic(db, guild_id=fake.guild.id, debate_id=7, motion="Tax the rich",
                                  stances=["For", "Against", "Undecided"], at=at)


def members(fake: FakeDiscord, *names: str) -> list[Member]:
    return [fake.world.add_member(fake.guild, name) for name in names]


# -- /position set -----------------------------------------------------------------------------------------------

async def test_set_on_a_new_topic_records_the_stance_privately(fake, member, tmp_path):
    reply = await run(fake, member, "set", topic="China policy", stance="Lean support", reason="trade unions agree")
    assert reply.ephemeral and reply.embeds[0]["title"] == "Position recorded"
    assert "**lean support**" in reply.embeds[0]["description"]
    assert await entries(tmp_path) == [("China policy", member.id, "lean support", "trade unions agree", None)]


async def test_set_with_a_cited_passage_shows_its_citation(fake, member, tmp_path, library):
    [passage] = (await library.search("nationalist exclusion", limit=1))
    reply = await run(fake, member, "set", topic="Borders", stance="oppose", passage=passage.passage_id)
    cited = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}["Cited"]
    assert passage.title in cited and passage.passage_id in cited
    assert (await entries(tmp_path))[0][4] == passage.passage_id


async def test_a_passage_of_an_essay_this_server_removed_can_be_neither_cited_nor_suggested(fake, member, tmp_path,
                                                                                            library):
    [passage] = await library.search("nationalist exclusion", limit=1)
    async with await Store.open(tmp_path / "bot.sqlite3") as store:
        await store.execute("INSERT INTO hidden_essays (guild_id, slug) VALUES (?, ?)", (fake.guild.id, passage.essay_slug))
    assert "no passage" in await sentence(fake, member, "set", topic="Borders", stance="oppose",
                                          passage=passage.passage_id)
    choices = await (await fake.autocomplete(member, "position set", focused="passage", topic="x", stance="support",
                                             typed="nationalist exclusion")).choices()
    assert all(not c["value"].startswith(f"{passage.essay_slug}:") for c in choices)


async def test_passage_suggestions_show_each_passages_paragraph_and_the_start_of_its_text(fake, member, library):
    choices = await (await fake.autocomplete(member, "position set", focused="passage", topic="x", stance="support",
                                             typed="international solidarity")).choices()
    assert len(choices) > 1
    for choice in choices:
        passage = await library.passage(choice["value"])
        assert choice["name"].startswith(f"\u00b6{passage.paragraph} ") and len(choice["name"]) <= 100
        assert passage.text[:20] in choice["name"]  # the bundled essays' long titles no longer crowd it out


@pytest.mark.parametrize(("options", "says"), [
    ({"stance": "maybe"}, "is not a stance"),
    ({"stance": "support", "reason": "x" * 5000}, "500 characters"),
    ({"stance": "support", "passage": "no-such-essay:3"}, "no passage"),
    ({"stance": "support", "passage": "not a passage id"}, "not a passage id"),
    ({"stance": "support", "passage": "essay:" + "9" * 40}, "not a passage id"),  # more than SQLite holds
    ({"stance": "support", "passage": "essay:\u00b2"}, "not a passage id"),  # a digit to Python, not a number
])
async def test_set_with_bad_input_answers_one_sentence_and_changes_nothing(fake, member, tmp_path, options, says):
    assert says in await sentence(fake, member, "set", topic="China policy", **options)
    assert await rows(tmp_path, "SELECT * FROM position_topics") == []


async def test_discord_refuses_a_passage_longer_than_any_passage_id(fake, member, tmp_path):
    with pytest.raises(InvalidOptions, match="length"):
        await fake.slash(member, "position set", topic="China policy", stance="support", passage="x" * 3000)
    assert "no passage" in await sentence(fake, member, "set", topic="China policy", stance="support",
                                          passage="an-essay-slug-of-forty-eight-characters-in-all-x:123456")


@pytest.mark.parametrize(("command", "options"), [
    ("set", {"topic": "t" * 6000, "stance": "support"}),
    ("set", {"topic": "China policy", "stance": "s" * 6000}),
    ("set", {"topic": "China policy", "stance": "support", "reason": "r" * 6000}),
    ("history", {"topic": "t" * 6000}),
    ("summary", {"topic": "t" * 6000}),
    ("forget", {"topic": "t" * 6000}),
])
async def test_refusing_the_longest_input_discord_allows_still_fits_in_one_message(fake, member, command, options):
    assert len(await sentence(fake, member, command, **options)) <= 300


async def test_a_close_topic_name_asks_which_and_using_the_existing_one_records_there(fake, member, tmp_path):
    await run(fake, member, "set", topic="China policy", stance="support")
    question = await run(fake, member, "set", topic="Chinas policy", stance="oppose")
    assert question.ephemeral and "Which one do you mean?" in question.content
    button = question.message.button(label="Use \u201cChina policy\u201d")
    done = await (await fake.click(member, question.message, button["custom_id"])).response()
    assert done.type == 7 and all(b.get("disabled") for b in done.message.iter_components() if b["type"] == 2)
    assert [e[0] for e in await entries(tmp_path)] == ["China policy", "China policy"]


async def test_a_close_topic_name_can_still_become_a_new_topic(fake, member, tmp_path):
    await run(fake, member, "set", topic="China policy", stance="support")
    question = await run(fake, member, "set", topic="Chinas policy", stance="oppose")
    button = question.message.button(label="New topic \u201cChinas policy\u201d")
    await (await fake.click(member, question.message, button["custom_id"])).response()
    assert sorted(r[0] for r in await rows(tmp_path, "SELECT name FROM position_topics")) == [
        "China policy", "Chinas policy"]


async def test_the_same_name_in_other_case_offers_only_the_existing_topic(fake, member):
    await run(fake, member, "set", topic="China policy", stance="support")
    question = await run(fake, member, "set", topic="china POLICY", stance="oppose")
    labels = [c["label"] for c in question.message.iter_components() if c["type"] == 2]
    assert labels == ["Use \u201cChina policy\u201d", "Cancel"]


async def test_cancelling_the_topic_question_records_nothing(fake, member, tmp_path):
    await run(fake, member, "set", topic="China policy", stance="support")
    question = await run(fake, member, "set", topic="Chinas policy", stance="oppose")
    cancel = question.message.button(label="Cancel")
    done = await (await fake.click(member, question.message, cancel["custom_id"])).response()
    assert "nothing was recorded" in done.message.content
    assert len(await entries(tmp_path)) == 1


async def test_an_unanswered_topic_question_expires_and_disables_its_buttons(fake, member, monkeypatch):
    monkeypatch.setattr(sys.modules["cogs.positions._views"], "TIMEOUT", 0.5)
    await run(fake, member, "set", topic="China policy", stance="support")
    question = await run(fake, member, "set", topic="Chinas policy", stance="oppose")

    def expired() -> bool:
        message = fake.messages.ephemeral[question.message.id]
        return "expired" in message.content and all(c.get("disabled") for c in message.iter_components()
                                                    if c["type"] == 2)

    await fake.wait_for(expired, 10, "the question never expired")


async def test_a_close_topic_the_stance_does_not_fit_is_not_offered(fake, member, tmp_path):
    await add_debate_topic(tmp_path, fake)
    question = await run(fake, member, "set", topic="Tax the richer", stance="support")
    labels = [c["label"] for c in question.message.iter_components() if c["type"] == 2]
    assert labels == ["New topic \u201cTax the richer\u201d", "Cancel"]
    assert question.content == ("There is already a topic close to \u201cTax the richer\u201d: \u201cTax the rich\u201d, "
                                "but \u201csupport\u201d is not a stance on it. Start the new topic \u201cTax the richer\u201d?")


async def test_a_stance_fitting_no_close_topic_nor_the_scale_is_refused_before_asking(fake, member, tmp_path):
    await add_debate_topic(tmp_path, fake)
    refusal = await sentence(fake, member, "set", topic="Tax the richer", stance="maybe")
    assert refusal.startswith("'maybe' is not a stance on 'Tax the rich' (For, Against, Undecided) nor a new topic")
    assert await entries(tmp_path) == []


# -- autocomplete ------------------------------------------------------------------------------------------------

async def test_topic_autocomplete_offers_this_servers_topics(fake, member):
    await run(fake, member, "set", topic="China policy", stance="support")
    await run(fake, member, "set", topic="Housing", stance="oppose")
    choices = await (await fake.autocomplete(member, "position set", focused="topic", typed="chin")).choices()
    assert [c["value"] for c in choices] == ["China policy"]


async def test_stance_autocomplete_follows_the_topic(fake, member, tmp_path):
    await add_debate_topic(tmp_path, fake)
    debate = await (await fake.autocomplete(member, "position set", focused="stance", topic="Tax the rich")).choices()
    assert [c["value"] for c in debate] == ["For", "Against", "Undecided"]
    scale = await (await fake.autocomplete(member, "position set", focused="stance", topic="New thing",
                                           typed="lean")).choices()
    assert [c["value"] for c in scale] == ["lean support", "lean oppose"]


async def test_passage_autocomplete_suggests_passage_ids(fake, member):
    choices = await (await fake.autocomplete(member, "position set", focused="passage", topic="x", stance="support",
                                             typed="nationalist exclusion")).choices()
    assert choices and all(":" in c["value"] and len(c["name"]) <= 100 for c in choices)


# -- /position mine and history ----------------------------------------------------------------------------------

async def test_mine_lists_current_stances_only_to_me(fake, member):
    await run(fake, member, "set", topic="China policy", stance="oppose")
    await run(fake, member, "set", topic="China policy", stance="support")
    reply = await run(fake, member, "mine")
    assert reply.ephemeral
    description = reply.embeds[0]["description"]
    assert "**China policy**: support" in description and "oppose" not in description


async def test_mine_with_nothing_says_how_to_start(fake, member):
    assert await sentence(fake, member, "mine") == "You have not recorded a stance here yet; use /position set."


async def test_history_shows_my_timeline_newest_first(fake, member):
    await run(fake, member, "set", topic="China policy", stance="oppose")
    await run(fake, member, "set", topic="China policy", stance="support", reason="changed my mind")
    reply = await run(fake, member, "history", topic="China policy")
    description = reply.embeds[0]["description"]
    assert reply.ephemeral and description.index("support") < description.index("oppose")
    assert "changed my mind" in description


async def test_history_names_the_debate_a_vote_was_cast_in_as_the_bot_numbers_debates(fake, member):
    message, _ = await open_debate(fake, organizer(fake), motion="Tax the rich", format="poll", options="Yes | No")
    did = debate_id(message)
    await reply_to(await fake.click(member, message, f"debate:vote:{did}:0"))
    description = (await run(fake, member, "history")).embeds[0]["description"]
    assert description.endswith(f"**Tax the rich**: **Yes** (vote in Debate #{did})")  # named as /debate names it


async def test_another_members_private_history_is_refused(fake, member):
    [bob] = members(fake, "bob")
    await run(fake, bob, "set", topic="China policy", stance="oppose")
    assert await sentence(fake, member, "history", member=bob) == "bob keeps their positions private."


async def test_another_members_history_is_shown_once_they_make_it_visible(fake, member):
    [bob] = members(fake, "bob")
    await run(fake, bob, "set", topic="China policy", stance="oppose")
    await run(fake, bob, "privacy", setting="visible")
    reply = await run(fake, member, "history", member=bob)
    assert reply.embeds[0]["title"] == "bob's positions" and "oppose" in reply.embeds[0]["description"]


async def test_history_of_an_unknown_topic_is_one_sentence(fake, member):
    assert "There is no topic 'Nothing'" in await sentence(fake, member, "history", topic="Nothing")


# -- /position summary and topics --------------------------------------------------------------------------------

async def test_summary_is_public_with_bars_and_a_chart_and_pings_nobody(fake, member):
    voters = members(fake, "bob", "carol", "dan", "erin")
    for voter in voters:
        await run(fake, voter, "set", topic="China policy", stance="support")
    await run(fake, voters[0], "privacy", setting="visible")
    ix = await fake.slash(member, "position summary", topic="China policy")
    message = await ix.message()
    assert not message.ephemeral
    [embed] = message.embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "support" in fields["Now \u2014 4 members"]
    assert f"<@{voters[0].id}>" in fields["Visible members now"]
    assert [a.filename for a in message.attachments] == ["distribution.png"]
    assert message.attachments[0].data.startswith(b"\x89PNG")
    assert message.mentions == []


async def test_summary_in_a_channel_the_member_can_only_read_is_shown_to_them_alone(fake, member):
    await run(fake, member, "set", topic="China policy", stance="support")
    fake.world.deny(fake.default_channel, member, P.SEND_MESSAGES)
    message = await (await fake.slash(member, "position summary", topic="China policy")).message()
    assert message.ephemeral and message.embeds and message.attachments
    assert fake.messages_in(fake.default_channel) == []


async def test_summary_never_counts_fewer_than_three_private_members(fake, member):
    for voter in members(fake, "bob", "carol"):
        await run(fake, voter, "set", topic="China policy", stance="oppose")
    message = await (await fake.slash(member, "position summary", topic="China policy")).message()
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert "Now \u2014 0 members" in fields
    assert "at least 3" in message.embeds[0]["footer"]["text"]


async def test_summary_of_an_unknown_topic_is_an_ephemeral_sentence(fake, member):
    reply = await run(fake, member, "summary", topic="Nothing")
    assert (reply.type, reply.flags) == (4, 64) and "There is no topic" in reply.content


@pytest.mark.parametrize("slow", [False, True])
async def test_a_summary_whose_chart_fails_still_arrives_without_it(fake, member, monkeypatch, slow):
    cog = sys.modules["cogs.positions._cog"]

    def broken(*args, **kwargs):
        time.sleep(0.3 if slow else 0)
        raise RuntimeError("the chart broke")

    monkeypatch.setattr(cog, "render_timeline", broken)
    # A chart that fails at once is answered at once; one still running past the budget is answered after a defer.
    monkeypatch.setattr(cog, "CHART_BUDGET", 0.05 if slow else 2.0)
    await run(fake, member, "set", topic="China policy", stance="support")
    ix = await fake.slash(member, "position summary", topic="China policy")
    assert (await ix.response()).type == (5 if slow else 4)
    message = await ix.message()
    assert not message.ephemeral and message.attachments == [] and "image" not in message.embeds[0]
    assert any(f["name"].startswith("Now") for f in message.embeds[0]["fields"])


async def test_a_slow_chart_defers_publicly_and_the_summary_still_arrives(fake, member, monkeypatch):
    cog = sys.modules["cogs.positions._cog"]
    draw = cog.render_timeline

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return draw(*args, **kwargs)

    monkeypatch.setattr(cog, "render_timeline", slow)
    monkeypatch.setattr(cog, "CHART_BUDGET", 0.05)
    await run(fake, member, "set", topic="China policy", stance="support")
    ix = await fake.slash(member, "position summary", topic="China policy")
    assert (await ix.response()).type == 5
    message = await ix.message()
    assert not message.ephemeral and [a.filename for a in message.attachments] == ["distribution.png"]


async def test_topics_lists_topics_with_privacy_safe_counts(fake, member, tmp_path):
    await add_debate_topic(tmp_path, fake)
    for voter in members(fake, "bob", "carol", "dan"):
        await run(fake, voter, "set", topic="China policy", stance="support")
    reply = await run(fake, member, "topics")
    assert reply.ephemeral
    lines = reply.embeds[0]["description"].splitlines()
    assert lines == ["**China policy** \u2014 3 members", "**Tax the rich** \u2014 0 members \u00b7 debate"]


async def test_a_debate_topic_in_a_private_channel_is_no_topic_to_those_who_cannot_see_the_channel(fake, member,
                                                                                               tmp_path):
    org, insider, outsider = organizer(fake), fake.world.add_member(fake.guild, "insider"), member
    private = fake.world.add_channel(fake.guild, "leadership", overwrites=[
        Overwrite(fake.guild.id, 0, deny=int(P.VIEW_CHANNEL)),
        *(Overwrite(who.id, 1, allow=int(P.VIEW_CHANNEL)) for who in (fake.world.bot_member(fake.guild), org, insider))])
    motion = "Expel the treasurer"
    message, _ = await open_debate(fake, org, in_channel=private, motion=motion, format="poll", options="Yes | No")
    did = debate_id(message)
    await reply_to(await fake.click(insider, message, f"debate:vote:{did}:0"))
    await run(fake, outsider, "set", topic="China policy", stance="support")
    unknown = "There is no topic 'Expel the treasurer' in this server. See /position topics."

    async def sees(who: Member) -> bool:
        shown = motion in (await run(fake, who, "topics")).embeds[0]["description"]
        typed = await (await fake.autocomplete(who, "position summary", focused="topic", typed="treasurer")).choices()
        summary = await fake.slash(who, "position summary", topic=motion)
        debates = (await (await fake.slash(who, "debate list")).response()).embeds[0]["description"]
        assert ([c["value"] for c in typed] == [motion]) == shown == (motion in debates)  # as /debate shows it
        if shown:
            assert motion in (await summary.message()).embeds[0]["title"]
        else:
            assert (await summary.response()).content == unknown
        return shown

    assert await sees(insider) and await sees(org) and not await sees(outsider)
    assert await sentence(fake, outsider, "history", topic=motion) == unknown
    await run(fake, insider, "privacy", setting="visible")
    assert await sentence(fake, outsider, "history", member=insider) == "insider's history is empty."
    # Typing the hidden motion starts the outsider's own topic, as if there were none; the debate's takes its number.
    reply = await run(fake, outsider, "set", topic=motion, stance="oppose")
    assert reply.embeds[0]["title"] == "Position recorded" and not reply.components
    numbered = f"{motion} (debate {did})"
    assert numbered in (await run(fake, insider, "topics")).embeds[0]["description"]
    assert numbered not in (await run(fake, outsider, "topics")).embeds[0]["description"]

    db_write(tmp_path, "UPDATE debates SET channel_id = 999 WHERE id = ?", (did,))  # the insider loses access
    assert f"**{numbered}**: Yes" in (await run(fake, insider, "mine")).embeds[0]["description"]
    assert "There is no topic" in await sentence(fake, insider, "summary", topic=numbered)
    assert "Yes" in (await run(fake, insider, "history", topic=numbered)).embeds[0]["description"]
    question = await run(fake, insider, "forget", topic=numbered)
    confirm = question.message.button(label="Forget")["custom_id"]
    assert "Erased 1 stance;" in (await (await fake.click(insider, question.message, confirm)).response()).content


# -- /position privacy, export, forget ---------------------------------------------------------------------------

async def test_privacy_is_private_by_default_and_can_be_switched(fake, member, tmp_path):
    assert await rows(tmp_path, "SELECT * FROM position_privacy") == []
    assert "now visible" in (await run(fake, member, "privacy", setting="visible")).content
    assert await rows(tmp_path, "SELECT visible FROM position_privacy") == [(1,)]
    private = (await run(fake, member, "privacy", setting="private")).content
    assert "now private" in private and "only secret debates keep votes anonymous" in private
    assert await rows(tmp_path, "SELECT visible FROM position_privacy") == [(0,)]


async def test_export_sends_my_data_as_json_and_csv(fake, member):
    [bob] = members(fake, "bob")
    await run(fake, member, "set", topic="China policy", stance="support", reason="=cmd")
    await run(fake, bob, "set", topic="China policy", stance="oppose")
    reply = await run(fake, member, "export")
    assert reply.ephemeral and "1 stance, 0 debate votes" in reply.content
    files = {a.filename: a.data for a in reply.attachments}
    data = json.loads(files["positions.json"])
    assert data["member_id"] == str(member.id) and [e["stance"] for e in data["entries"]] == ["support"]
    table = list(csv.DictReader(io.StringIO(files["positions.csv"].decode())))
    assert [(r["topic"], r["reason"]) for r in table] == [("China policy", "'=cmd")]


async def test_export_includes_my_multiple_choice_poll_ballots(fake, member, tmp_path):
    async with await Store.open(tmp_path / "bot.sqlite3") as store:
        debates = DebateRepo(store)
        spec = build_spec(motion="Which campaigns", format=Format.POLL, options="Rent | Transit | Childcare",
                          max_choices=2)
        debate = await debates.start(spec, guild_id=fake.guild.id, channel_id=1, author_id=1)
        await debates.vote(fake.guild.id, debate.id, member_id=member.id, member_roles=frozenset(), choices=(0, 2))
    reply = await run(fake, member, "export")
    assert "Your data in this server: 0 stances, 1 debate vote, and your privacy choice." == reply.content
    files = {a.filename: a.data for a in reply.attachments}
    assert [b["choices"] for b in json.loads(files["positions.json"])["ballots"]] == [["Rent", "Childcare"]]
    table = list(csv.DictReader(io.StringIO(files["ballots.csv"].decode())))
    assert [(r["motion"], r["choices"]) for r in table] == [("Which campaigns", "Rent; Childcare")]


async def test_forget_with_nothing_to_forget_is_one_sentence(fake, member):
    assert await sentence(fake, member, "forget") == "You have no positions here to forget."


async def test_forget_erases_my_entries_after_the_confirm_button(fake, member, tmp_path):
    [bob] = members(fake, "bob")
    await run(fake, member, "set", topic="China policy", stance="support")
    await run(fake, bob, "set", topic="China policy", stance="oppose")
    question = await run(fake, member, "forget")
    assert question.ephemeral and "cannot be undone" in question.content
    assert len(await entries(tmp_path)) == 2  # nothing erased before the click
    button = question.message.button(label="Forget")
    done = await (await fake.click(member, question.message, button["custom_id"])).response()
    assert done.message.content == "Erased 1 stance; 0 debate votes withdrawn or made anonymous."
    assert [e[1] for e in await entries(tmp_path)] == [bob.id]


async def test_a_privacy_choice_alone_can_be_forgotten(fake, member, tmp_path):
    await run(fake, member, "privacy", setting="visible")
    question = await run(fake, member, "forget")
    assert "your privacy choice" in question.content
    done = await (await fake.click(member, question.message, question.message.button(label="Forget")["custom_id"])
                  ).response()
    assert "Erased 0 stances and your privacy choice;" in done.message.content
    assert await rows(tmp_path, "SELECT * FROM position_privacy") == []


async def test_forget_one_topic_keeps_the_others(fake, member, tmp_path):
    await run(fake, member, "set", topic="China policy", stance="support")
    await run(fake, member, "set", topic="Housing", stance="oppose")
    question = await run(fake, member, "forget", topic="Housing")
    await (await fake.click(member, question.message, question.message.button(label="Forget")["custom_id"])).response()
    assert [e[0] for e in await entries(tmp_path)] == ["China policy"]


async def test_forgetting_a_debates_topic_says_what_becomes_of_the_vote_in_that_debate_open_or_closed(fake, member):
    org = organizer(fake)
    message, _ = await open_debate(fake, org, motion="Tax the rich", format="poll", options="Yes | No")
    did = debate_id(message)
    await reply_to(await fake.click(member, message, f"debate:vote:{did}:0"))
    while_open = (await run(fake, member, "forget", topic="Tax the rich")).content
    assert f"Debate #{did} is still open: your vote in it, if any, is withdrawn." in while_open
    await reply_to(await fake.slash(org, "debate close", debate=str(did)))
    once_closed = (await run(fake, member, "forget", topic="Tax the rich")).content
    assert f"Debate #{did} has closed: your vote in it, if any, stays only as an anonymous count." in once_closed
    assert "open debates" not in while_open + once_closed  # only this topic's debate is touched, not every one


async def test_forgetting_a_members_topic_says_nothing_about_debate_votes(fake, member):
    await run(fake, member, "set", topic="Housing", stance="oppose")
    question = (await run(fake, member, "forget", topic="Housing")).content
    assert question == "This erases your positions on \u201cHousing\u201d. This cannot be undone."
    assert "Your votes in open debates are withdrawn" in (await run(fake, member, "forget")).content


async def test_cancelling_forget_erases_nothing(fake, member, tmp_path):
    await run(fake, member, "set", topic="China policy", stance="support")
    question = await run(fake, member, "forget")
    await (await fake.click(member, question.message, question.message.button(label="Cancel")["custom_id"])).response()
    assert len(await entries(tmp_path)) == 1


# -- /position report --------------------------------------------------------------------------------------------

async def test_report_is_for_organizers_only(fake, member):
    await run(fake, member, "set", topic="China policy", stance="support")
    assert "Only organizers" in await sentence(fake, member, "report", topic="China policy")


async def test_report_names_only_members_who_chose_visible(fake, member):
    organizer = fake.world.add_member(fake.guild, "olga", permissions=P.MANAGE_GUILD)
    bob, carol, dan, erin = members(fake, "bob", "carol", "dan", "erin")
    for voter in (bob, carol, dan, erin):
        await run(fake, voter, "set", topic="China policy", stance="support")
    await run(fake, bob, "privacy", setting="visible")
    message = await (await fake.slash(organizer, "position report", topic="China policy")).message()
    assert message.ephemeral
    [attachment] = message.attachments
    table = list(csv.DictReader(io.StringIO(attachment.data.decode())))
    today = [r for r in table if r["stance"] == "support"][-1]
    assert (today["members"], today["visible_members"]) == ("4", "bob")
    assert not any("carol" in r["visible_members"] or "dan" in r["visible_members"] for r in table)


async def test_report_has_a_row_for_every_utc_day_of_a_long_history(fake, member, tmp_path):
    organizer = fake.world.add_member(fake.guild, "olga", permissions=P.MANAGE_GUILD)
    started = datetime.now(UTC) - timedelta(days=200)
    await add_debate_topic(tmp_path, fake, at=started)
    await run(fake, member, "set", topic="Tax the rich", stance="For")
    message = await (await fake.slash(organizer, "position report", topic="Tax the rich")).message()
    assert "(UTC)" in message.content
    table = list(csv.DictReader(io.StringIO(message.attachments[0].data.decode())))
    days = sorted({date.fromisoformat(row["date_utc"]) for row in table})
    assert days[0] == started.date() and len(days) >= 201  # 202 if the test ran across midnight
    assert all(later - earlier == timedelta(days=1) for earlier, later in zip(days, days[1:]))
