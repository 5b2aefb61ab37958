"""Debate output for Discord: passage messages within Discord's limits however long the titles, names and
sections an upload may carry and however many essays; core's refusals shown with timestamps and role mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest

from cogs.debates._cog import LIST_CLOSED, LIST_OPEN, MAX_PASSAGES
from cogs.debates._embeds import (build_list_embed, build_passage_embeds, build_results_embed, pack_embeds,
                                  worded_for_discord)
from cogs.utils import limits
from core.debates import DebateClosed, DebateRepo, Format, RoleRequired, build_spec
from core.errors import Conflict, Forbidden
from core.passage_records import SearchResult


def passage(n: int, *, title: int = 200, author: int = 100, section: int = 3000, text: int = 5000) -> SearchResult:
    return SearchResult(passage_id=f"essay-{n:02d}-{'s' * 80}:{n}", essay_slug=f"essay-{n}", title="T" * title,
                        author="A" * author, section="S" * section, paragraph=1000 + n, score=1.0 / (n + 1),
                        text="word " * (text // 5), matched=())


def assert_embed_within_limits(embed: discord.Embed) -> None:
    assert 0 < len(embed.title) <= limits.EMBED_TITLE
    assert 0 < len(embed.description) <= limits.EMBED_DESCRIPTION
    assert 0 < len(embed.footer.text) <= limits.EMBED_FOOTER
    assert len(embed) <= limits.EMBED_TOTAL


@pytest.mark.parametrize("essays", [1, 3, 5, 10, 12, 25])
def test_every_passage_message_stays_within_6000_characters_and_10_embeds(essays):
    embeds = build_passage_embeds([passage(n) for n in range(essays)][:MAX_PASSAGES])
    messages = pack_embeds(embeds)
    for embed in embeds:
        assert_embed_within_limits(embed)
    assert [e for message in messages for e in message] == embeds  # nothing lost, order kept
    for message in messages:
        assert 1 <= len(message) <= 10
        assert sum(len(embed) for embed in message) <= limits.EMBED_TOTAL


def test_short_passages_share_a_message_up_to_ten_embeds():
    embeds = build_passage_embeds([passage(n, title=10, author=5, section=5, text=50) for n in range(12)])
    assert [len(message) for message in pack_embeds(embeds)] == [10, 2]


def test_a_passage_embed_cites_section_and_paragraph_and_names_the_passage():
    [embed] = build_passage_embeds([SearchResult("essay:7", "essay", "Title", "Author", "Part two", 7, 1.0, "Text", ())])
    assert embed.title == "Title \u2014 Author"
    assert embed.footer.text == "Title \u2014 Author, \u00a7 Part two, \u00b67 \u00b7 id essay:7"


def test_core_refusals_are_worded_for_discord_as_timestamps_and_role_mentions():
    closed_at = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    cases = [(DebateClosed(closed_at), Conflict,
              f"This debate closed on <t:{int(closed_at.timestamp())}:f>; votes are no longer taken."),
             (DebateClosed(closed_at, already=True), Conflict,
              f"This debate already closed on <t:{int(closed_at.timestamp())}:f>."),
             (RoleRequired(77), Forbidden, "Only members with the <@&77> role can vote in this debate.")]
    for error, kind, shown in cases:
        with pytest.raises(kind) as raised:
            with worded_for_discord():
                raise error
        assert raised.value.message == shown


@pytest.mark.parametrize(("quorum", "winner"), [(3, "None: the quorum was not met (gained most: **For**)"),
                                                (2, "**For** (gained most)")])
async def test_an_oxford_debate_short_of_its_quorum_names_no_winner(store, quorum, winner):
    repo, t0 = DebateRepo(store), datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    spec = build_spec(motion="Join the coalition", format=Format.OXFORD, quorum=quorum)
    debate = await repo.start(spec, guild_id=1, channel_id=2, author_id=3, now=t0)

    async def vote(member: int, choice: int) -> None:
        await repo.vote(1, debate.id, member_id=member, member_roles=set(), choices=(choice,), now=t0)

    await vote(5, 1)
    await vote(6, 2)
    await repo.advance(1, debate.id)
    await vote(5, 0)  # from Against to For
    await vote(6, 2)
    closed = await repo.close(1, debate.id, now=t0 + timedelta(hours=1))
    fields = {f.name: f.value for f in build_results_embed(await repo.results(closed)).fields}
    assert fields["Winner"] == winner


@pytest.mark.parametrize(("voters", "quorum", "shown"), [(5, 3, "Met: 5 voted, 3 needed"),
                                                        (3, 3, "Met: 3 voted, 3 needed"),
                                                        (2, 3, "Not met: 2 voted, 3 needed")])
async def test_the_quorum_field_says_how_many_voted_and_how_many_were_needed(store, voters, quorum, shown):
    repo = DebateRepo(store)
    spec = build_spec(motion="Fund the food bank", format=Format.POLL, options="Yes | No", quorum=quorum)
    debate = await repo.start(spec, guild_id=1, channel_id=2, author_id=3)
    for member in range(voters):
        await repo.vote(1, debate.id, member_id=10 + member, member_roles=set(), choices=(0,))
    fields = {f.name: f.value for f in build_results_embed(await repo.results(await repo.close(1, debate.id))).fields}
    assert fields["Quorum"] == shown


@pytest.mark.parametrize("opened", [3, 40])
async def test_the_list_shows_whole_entries_counts_the_open_debates_left_out_and_keeps_closed_ones(store, opened):
    repo = DebateRepo(store)
    # The longest entries there are: Oxford debates with 120-character motions, links and four-digit turnouts.
    spec = build_spec(motion="Endorse the rent strike " * 12, format=Format.OXFORD)
    ids = []
    for n in range(opened + 6):
        debate = await repo.start(spec, guild_id=123456789012345678, channel_id=223456789012345678, author_id=3)
        await repo.attach_message(debate.id, message_id=323456789012345678 + n)  # every entry has its link
        ids.append(debate.id)
    for debate_id in ids[:6]:
        await repo.close(123456789012345678, debate_id)
    debates = await repo.recent(123456789012345678, opened=LIST_OPEN, closed=LIST_CLOSED)
    embed = build_list_embed(debates, {d.id: 1234 for d in debates},
                             open_total=await repo.count_open(123456789012345678))
    entries = embed.description.split("\n\n")
    assert len(embed.description) <= limits.EMBED_DESCRIPTION and len(embed) <= limits.EMBED_TOTAL
    assert all(entry.endswith(")") for entry in entries if entry.startswith("**#"))  # none cut mid-link
    assert sum("\nOxford-style debate \u00b7 closed" in e for e in entries) == LIST_CLOSED  # the five most recent
    shown_open = sum("\nOxford-style debate \u00b7 open" in e for e in entries)
    if shown_open < opened:
        assert f"\u2026and {opened - shown_open} more open debate" in embed.description
        assert len(embed.description) > limits.EMBED_DESCRIPTION - 300  # full: one more entry would not fit
    else:
        assert "more open" not in embed.description
