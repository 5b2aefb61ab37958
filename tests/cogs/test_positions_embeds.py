"""/position embeds stay within Discord's limits whatever members typed and however much there is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import discord
import pytest

from cogs.positions._embeds import (bars, build_history_embed, build_mine_embed, build_summary_embed,
                                    build_topics_embed, cited)
from cogs.utils import limits
from core.passage_records import PassageRecord
from core.positions import SCALE, Entry, Topic, TopicCount
from core.positions._privacy import breakdown
from core.positions._summary import summarize

NOW = datetime(2026, 6, 30, tzinfo=UTC)
LONG_NAME = "A" * 100
REASON = "why " * 125  # 500 characters
PASSAGE = PassageRecord("essay:1", "essay", "T" * 300, "Author " * 20, "Section " * 30, 1, "text")


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert len(field.name) <= limits.EMBED_FIELD_NAME and 0 < len(field.value) <= limits.EMBED_FIELD_VALUE
    assert len(embed) <= limits.EMBED_TOTAL


def many_entries(count: int) -> list[Entry]:
    return [Entry(f"{LONG_NAME[:90]} {n}", 5, "lean support", REASON, "essay:1", "member", NOW - timedelta(hours=n))
            for n in range(count)]


@pytest.mark.parametrize("count", [1, 40, 1000])
def test_mine_and_history_fit_however_many_entries(count):
    entries = many_entries(count)
    citations = {"essay:1": PASSAGE}
    mine = build_mine_embed(entries, citations)
    history = build_history_embed(entries, citations, whose="someone-with-a-long-name's" * 5, topic=LONG_NAME)
    for embed in (mine, history):
        assert_within_limits(embed)
    if count == 1000:
        assert history.description.endswith("\u2026 older stances left out: /position export has them all.")


def test_topics_fit_however_many_topics():
    topics = [TopicCount(f"{LONG_NAME[:95]} {n}", n, n % 2 == 0) for n in range(500)]
    assert_within_limits(build_topics_embed(topics))


def test_summary_of_a_25_option_debate_with_long_labels_fits():
    options = tuple(f"{'Option ' * 7}{n:02d}"[:55] for n in range(25))
    topic = Topic(1, 1, LONG_NAME, options, 7, NOW - timedelta(days=3))
    entries = []
    for member in range(300):
        entries.append(Entry(topic.name, member, options[member % 25], None, None, "debate:7", NOW - timedelta(days=2)))
        entries.append(Entry(topic.name, member, options[(member + 1) % 25], None, None, "member",
                             NOW - timedelta(days=1)))
    visible = set(range(0, 300, 2))
    embed = build_summary_embed(summarize(topic, entries, visible, NOW), chart="distribution.png")
    assert_within_limits(embed)
    assert embed.image.url == "attachment://distribution.png"


def test_long_lists_of_visible_members_end_in_whole_mentions_and_a_count():
    topic = Topic(1, 1, "China policy", SCALE, None, NOW - timedelta(days=3))
    members = range(10**17, 10**17 + 300)  # ids as long as Discord's
    entries = [Entry(topic.name, member, stance, None, None, "member", NOW - timedelta(days=days))
               for days, stance in ((2, "oppose"), (1, "support")) for member in members]
    embed = build_summary_embed(summarize(topic, entries, set(members), NOW), chart=None)
    assert_within_limits(embed)
    fields = {field.name: field.value for field in embed.fields}
    for name in ("Changed since their first stance", "Visible members now"):
        shown = re.findall(r"<@\d+>", fields[name])
        assert fields[name].count("<@") == len(shown) and shown
        assert fields[name].endswith(f" and {300 - len(shown)} more" + (")" if name.startswith("Changed") else ""))


def bar_labels(options: list[str], members: int) -> list[str]:
    """The labels of the bars for `members` visible members spread over the options."""
    counts = breakdown({member: options[member % len(options)] for member in range(members)}, options,
                       visible=range(members))
    value = bars(counts)
    assert len(value) <= limits.EMBED_FIELD_VALUE
    return [line.rsplit(" ", 2)[0].rstrip() for line in value.splitlines()[1:-1]]


def test_poll_options_that_differ_only_at_the_end_are_shown_whole():
    options = ["Endorse candidate A", "Endorse candidate B", "Abstain"]
    assert bar_labels(options, 5) == options


@pytest.mark.parametrize("options", [
    [f"{'Option ' * 7}{n:02d}"[:55] for n in range(25)],  # told apart by their end
    [f"{n:02d} {'option ' * 8}"[:55] for n in range(25)],  # by their start
    [f"Endorse {name} for the {'steering ' * 3}committee" for name in ("Ana", "Bea", "Cy")],  # in the middle
])
def test_long_labels_are_shortened_but_every_stance_stays_distinct(options):
    labels = bar_labels(options, 99_999)
    assert len(labels) == len(options) and len(set(labels)) == len(options)


@pytest.mark.parametrize("key, expected", [
    ("essay:1", "Title \u2014 Author, \u00a7 Section, \u00b61 (essay:1)"),
    ("gone:3", "gone:3"),
    (None, None),
])
def test_a_cited_passage_reads_as_the_bots_citation_with_its_id(key, expected):
    citations = {"essay:1": PassageRecord("essay:1", "essay", "Title", "Author", "Section", 1, "text")}
    assert cited(key, citations) == expected
