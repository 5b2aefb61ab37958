"""/quote, Find passages and /compare end to end: the real bot (in process) against the fake Discord."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.fakediscord import FakeDiscord, Member, P
from tests.fakediscord.errors import InvalidOptions

pytestmark = pytest.mark.usefixtures("chapter_bot")

CONTRADICTIONS = "contradictions-of-internationalism-from-above"
TRAUMA = "dubble trauma of nationalist exlusion"  # a remembered phrase, with typos


async def search(fake: FakeDiscord, who: Member, query: str, **options):
    """The ephemeral browser message /quote answers with."""
    ix = await fake.slash(who, "quote", query=query, **options)
    response = await ix.response()
    assert response.deferred and response.ephemeral
    return await ix.message()  # the first follow-up fills in the deferred reply


async def press(fake: FakeDiscord, who: Member, message, label: str):
    ix = await fake.click(who, message, message.button(label=label)["custom_id"])
    return ix, await ix.response()


async def test_quote_shows_the_passage_with_matched_words_bold_and_a_citation(fake: FakeDiscord, member: Member):
    message = await search(fake, member, TRAUMA)
    assert message.ephemeral
    embed = message.embeds[0]
    assert embed["title"].startswith("Result 1 of ")
    assert "**double** **trauma** of **nationalist** **exclusion**" in embed["description"]
    assert message.content == ("No essay uses \u201cdubble\u201d (searched for \u201cdouble\u201d)"
                               " or \u201cexlusion\u201d (searched for \u201cexclusion\u201d).")
    assert "The contradictions of internationalism from above \u2014 Travis S." in embed["footer"]["text"]
    assert embed["footer"]["text"].endswith(f"\u00a7 Coalitions with transnational communities, \u00b616 \u00b7 id {CONTRADICTIONS}:16")
    labels = [c.get("label") for c in message.iter_components() if c["type"] == 2]
    assert labels == ["\u25c0", "\u25b6", "Context", "Post here", "Post to new thread"]


async def test_count_limits_the_results_and_arrows_move_through_them(fake: FakeDiscord, member: Member):
    message = await search(fake, member, "China", count=2)
    assert message.embeds[0]["title"].startswith("Result 1 of 2")
    assert not message.content  # every word as typed: nothing to explain
    assert message.button(label="\u25c0")["disabled"] is True
    _, response = await press(fake, member, message, "\u25b6")
    assert response.type == 7 and response.embeds[0]["title"].startswith("Result 2 of 2")
    assert response.message.button(label="\u25b6")["disabled"] is True


async def test_context_shows_the_paragraphs_around_the_result_and_hides_them_again(fake: FakeDiscord, member: Member):
    message = await search(fake, member, TRAUMA, count=1)
    _, shown = await press(fake, member, message, "Context")
    description = shown.embeds[0]["description"]
    assert "implicit condescension of internationalism from above" in description  # paragraph 15
    assert "absolutely imperative that we organize" in description                # paragraph 17
    _, hidden = await press(fake, member, shown.message, "Hide context")
    assert "implicit condescension" not in hidden.embeds[0]["description"]


async def test_post_here_quotes_publicly_credits_the_member_and_pings_no_one(fake: FakeDiscord, member: Member):
    message = await search(fake, member, TRAUMA, count=1)
    _, response = await press(fake, member, message, "Post here")
    posted = response.message
    assert not posted.ephemeral and posted.channel_id == fake.default_channel.id
    assert posted.content == f"Quoted by <@{member.id}>"
    assert posted.mentions == [] and posted.mention_roles == []
    assert "double trauma of nationalist exclusion" in posted.embeds[0]["description"]
    assert posted.embeds[0]["footer"]["text"].endswith(f"\u00b7 id {CONTRADICTIONS}:16")  # what /position set takes
    assert posted.custom_ids == [f"quote:ctx:{CONTRADICTIONS}:16"]


async def test_context_on_a_posted_quote_works_for_any_member(fake: FakeDiscord, member: Member):
    message = await search(fake, member, TRAUMA, count=1)
    _, response = await press(fake, member, message, "Post here")
    other = fake.world.add_member(fake.guild, "bob")
    ix = await fake.click(other, response.message, f"quote:ctx:{CONTRADICTIONS}:16")
    context = await ix.response()
    assert context.ephemeral and context.embeds[0]["title"].startswith("In context")
    assert "implicit condescension" in context.embeds[0]["description"]


async def test_post_to_new_thread_opens_a_thread_named_after_the_essay_on_the_quote(fake: FakeDiscord, member: Member):
    message = await search(fake, member, TRAUMA, count=1)
    ix, response = await press(fake, member, message, "Post to new thread")
    thread = await fake.wait_for_thread(fake.default_channel)
    assert thread.id == response.message.id  # a thread opened on the posted quote
    assert thread.name == "The contradictions of internationalism from above \u2014 Coalitions with transnational communities"
    (note,) = await ix.followups()
    assert note.ephemeral and f"<#{thread.id}>" in note.content


async def test_post_in_a_thread_quotes_there_without_opening_another(fake: FakeDiscord, member: Member):
    thread = fake.world.add_thread(fake.default_channel, "convention prep", owner=member)
    ix = await fake.slash(member, "quote", query=TRAUMA, count=1, in_channel=thread)
    message = await ix.message()
    _, response = await press(fake, member, message, "Post in this thread")
    assert response.message.channel_id == thread.id
    assert fake.threads_of(fake.default_channel) == [thread]


async def test_no_results_is_one_ephemeral_line_without_an_embed(fake: FakeDiscord, member: Member):
    message = await search(fake, member, "zzzz qqqq")
    assert message.embeds == [] and message.components == []
    said, no_match = message.content.split("\n")
    assert said == "No essay uses \u201czzzz\u201d or \u201cqqqq\u201d." and no_match.startswith("No passages match")


@pytest.mark.parametrize(("options", "sentence"), [
    ({"query": "   "}, "Type a few words"),
    ({"query": "China", "essay": "the collected works of nobody"}, "I don't know that essay"),
])
async def test_bad_quote_requests_get_one_ephemeral_sentence(fake: FakeDiscord, member: Member, options, sentence):
    response = await (await fake.slash(member, "quote", **options)).response()
    assert response.ephemeral and sentence in response.content and not response.embeds


async def test_queries_over_300_characters_are_refused_by_discord_itself(fake: FakeDiscord, member: Member):
    with pytest.raises(InvalidOptions, match="length"):
        await fake.slash(member, "quote", query="x" * 10_000)


async def test_essay_option_narrows_results_and_autocompletes_titles(fake: FakeDiscord, member: Member):
    choices = await (await fake.autocomplete(member, "quote", focused="essay", typed="buildng")).choices()
    assert choices[0]["value"] == "building-international-socialism-in-a-new-era"
    assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)
    message = await search(fake, member, "China", essay=choices[0]["value"], count=5)
    assert all("Building International Socialism" in m for m in [message.embeds[0]["footer"]["text"]])
    elsewhere = await search(fake, member, "Kayapó", essay=choices[0]["value"])  # only the other essay has it
    assert elsewhere.content.startswith("No passages match") and "leave `essay` empty" in elsewhere.content


async def test_find_passages_backs_a_members_message_with_the_essays(fake: FakeDiscord, member: Member):
    said = fake.post(member, fake.default_channel, "Don't forget the Kayapó blockades of shipping routes! @everyone")
    other = fake.world.add_member(fake.guild, "bob")
    ix = await fake.message_command(other, "Find passages", said)
    message = await ix.message()
    assert message.ephemeral and message.embeds[0]["title"].startswith("Result 1 of 3")
    assert "Kayap" in message.embeds[0]["description"]
    assert not message.content  # a message's rare words are not the member's typos: no spelling note
    assert message.button(label="Post here")


async def test_find_passages_on_a_posted_quote_reads_the_quote(fake: FakeDiscord, member: Member):
    browser = await search(fake, member, TRAUMA, count=1)
    _, posted = await press(fake, member, browser, "Post here")
    found = await (await fake.message_command(member, "Find passages", posted.message)).message()
    assert "**double** **trauma**" in found.embeds[0]["description"]  # the quoted passage itself comes first


async def test_find_passages_on_a_message_without_text_says_so(fake: FakeDiscord, member: Member):
    said = fake.post(member, fake.default_channel, "https://example.org/picture.png")
    response = await (await fake.message_command(member, "Find passages", said)).response()
    assert response.ephemeral and "no text" in response.content


async def test_compare_gives_one_field_per_essay(fake: FakeDiscord, member: Member):
    ix = await fake.slash(member, "compare", topic="China")
    message = await ix.message()
    fields = message.embeds[0]["fields"]
    assert message.ephemeral
    assert {f["name"] for f in fields} == {"The contradictions of internationalism from above \u2014 Travis S.",
                                           "Building International Socialism In A New Era \u2014 Red Star caucus of DSA"}
    assert all(len(f["value"]) <= 1024 and "\u00b6" in f["value"] for f in fields)


async def test_compare_can_be_posted_publicly(fake: FakeDiscord, member: Member):
    ix = await fake.slash(member, "compare", topic="Cuba delegations", public=True)
    message = await ix.message()
    assert not message.ephemeral and message.mentions == []


async def test_post_to_thread_without_thread_permission_still_posts_and_says_why(fake: FakeDiscord, member: Member):
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.CREATE_PUBLIC_THREADS)
    message = await search(fake, member, TRAUMA, count=1)
    ix, response = await press(fake, member, message, "Post to new thread")
    assert response.message.content == f"Quoted by <@{member.id}>"
    (note,) = await ix.followups()
    assert note.ephemeral and "Create Public Threads" in note.content
    assert fake.threads_of(fake.default_channel) == []


async def test_post_to_thread_where_discord_refuses_a_thread_still_posts_and_says_so(fake: FakeDiscord,
                                                                                       member: Member):
    fake.faults.server_error('/channels/{channel_id}/messages/{message_id}/threads', method='POST', status=400)
    message = await search(fake, member, TRAUMA, count=1)
    ix, response = await press(fake, member, message, "Post to new thread")
    assert response.message.content == f"Quoted by <@{member.id}>"
    (note,) = await ix.followups()
    assert note.ephemeral and note.content == "The quote is posted, but Discord would not open a thread on it here."


async def test_a_member_who_may_not_write_in_a_channel_cannot_make_the_bot_post_there(fake: FakeDiscord,
                                                                                       member: Member):
    fake.world.deny(fake.default_channel, member, P.SEND_MESSAGES)  # an announcements channel, say
    message = await search(fake, member, TRAUMA, count=1)
    for label in ("Post here", "Post to new thread"):
        _, refused = await press(fake, member, message, label)
        assert refused.ephemeral and "can't post in this channel" in refused.content
    compare = await (await fake.slash(member, "compare", topic="Cuba delegations", public=True)).response()
    assert compare.ephemeral and "can't post in this channel" in compare.content
    assert fake.messages_in(fake.default_channel) == [] and fake.threads_of(fake.default_channel) == []


async def test_a_member_who_may_not_open_threads_is_offered_post_here_instead(fake: FakeDiscord, member: Member):
    fake.world.deny(fake.default_channel, member, P.CREATE_PUBLIC_THREADS)
    message = await search(fake, member, TRAUMA, count=1)
    _, refused = await press(fake, member, message, "Post to new thread")
    assert refused.ephemeral and "use Post here instead" in refused.content
    assert fake.messages_in(fake.default_channel) == [] and fake.threads_of(fake.default_channel) == []


async def test_the_result_browser_greys_out_before_its_token_runs_out_however_often_it_is_used(
        fake: FakeDiscord, member: Member, monkeypatch):
    monkeypatch.setattr(sys.modules["cogs.utils.views"], "TOKEN_USABLE", timedelta(seconds=3))
    monkeypatch.setattr(sys.modules["cogs.quotes._views"], "BROWSE_TIMEOUT", 4.0)
    clock = asyncio.get_running_loop().time
    message = await search(fake, member, "China", count=3)
    opened = clock()
    await asyncio.sleep(1.5)
    await press(fake, member, message, "\u25b6")  # each click restarts the 4 s countdown: 5.5 s, past the token

    def greyed_out() -> bool:
        browser = fake.messages.ephemeral[message.id]
        return all(c.get("disabled") for c in browser.iter_components() if c["type"] == 2)

    await fake.wait_for(greyed_out, 10, "the browser never expired")
    assert clock() - opened < 4.5  # with the token's 3 s, not the countdown's 5.5 s
    assert fake.messages.ephemeral[message.id].embeds[0]["title"].startswith("Result 2 of 3")  # content stays


async def test_the_bot_encodes_the_library_in_the_background_then_answers_questions_by_meaning(
        fake: FakeDiscord, member: Member, tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    await fake.wait_for(lambda: _unencoded(database) == 0, 60.0, "passages not encoded in the background")
    about = await (await fake.slash(member, "about")).response()
    assert {f["name"]: f["value"] for f in about.embeds[0]["fields"]}["Search by meaning"] == "On"
    # "The top-down camp" is the essay's "internationalism from above"; the words alone rank another paragraph first.
    message = await search(fake, member, "what did the top-down camp tell US socialists to do about Ecuador?", count=1)
    assert "\u00b634" in message.embeds[0]["footer"]["text"]
    assert "show no open solidarity with the Indigenous movement" in message.embeds[0]["description"]


def _unencoded(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM passages WHERE id NOT IN (SELECT passage_id FROM passage_vectors)"
                          ).fetchone()[0]
