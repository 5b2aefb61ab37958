"""Embeds and text for /position, each built by a function that keeps within Discord's limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from core.passage_records import PassageRecord
from core.positions import MIN_GROUP, Breakdown, Entry, Summary, TopicCount

from ..utils import limits
from ..utils.limits import cap

COLOUR = discord.Colour.dark_red()
BAR_WIDTH = 12
LABEL_WIDTH = 32  # a bar's label at most; a wider line wraps on a phone
DASH, DOT, FULL, ELLIPSIS = "\u2014", "\u00b7", "\u2588", "\u2026"
EXPORT_HINT = f"{ELLIPSIS} older stances left out: /position export has them all."
FENCE = "```"
BARS_ROOM = limits.EMBED_FIELD_VALUE - 2 * len(FENCE) - 2  # a field's code block less its fences and line breaks
PRIVACY_NOTE = f"Members who keep their stances private are counted only in groups of at least {MIN_GROUP}."


def cited(key: str | None, citations: Mapping[str, PassageRecord]) -> str | None:
    """How a stored passage id is shown: 'Title — Author, § Section, ¶12 (slug:12)', or the bare id if the essay
    left the library."""
    if key is None:
        return None
    return f"{citations[key].citation} ({key})" if key in citations else key


def build_stance_embed(entry: Entry, citations: Mapping[str, PassageRecord], *, new_topic: bool) -> discord.Embed:
    text = f"Your stance on **{entry.topic}** is now **{entry.stance}**."
    if new_topic:
        text += "\nThis is a new topic; others can now take a stance on it too."
    embed = discord.Embed(title="Position recorded", description=cap(text, limits.EMBED_DESCRIPTION), colour=COLOUR)
    if entry.reason:
        embed.add_field(name="Reason", value=cap(entry.reason, limits.EMBED_FIELD_VALUE), inline=False)
    if entry.passage:
        embed.add_field(name="Cited", value=cap(cited(entry.passage, citations), limits.EMBED_FIELD_VALUE),
                        inline=False)
    embed.set_footer(text="Private unless you chose /position privacy visible.")
    return embed


def build_mine_embed(entries: Sequence[Entry], citations: Mapping[str, PassageRecord]) -> discord.Embed:
    lines = []
    for entry in entries:
        line = f"**{entry.topic}**: {entry.stance} \u00b7 {discord.utils.format_dt(entry.at, 'd')}"
        lines.append(line + _notes(entry, citations))
    embed = discord.Embed(title="Your positions", colour=COLOUR,
                          description=_fit(lines, f"{ELLIPSIS} more topics: /position export has them all."))
    embed.set_footer(text="Only you can see this.")
    return embed


def build_history_embed(entries: Sequence[Entry], citations: Mapping[str, PassageRecord], *, whose: str,
                        topic: str | None) -> discord.Embed:
    """A timeline, newest first; the oldest are left out (and counted) if they do not fit."""
    lines = []
    for entry in reversed(entries):
        where = "" if topic else f"**{entry.topic}**: "
        line = f"{discord.utils.format_dt(entry.at, 'f')} \u2014 {where}**{entry.stance}**"
        if entry.debate_id is not None:
            line += f" (vote in Debate #{entry.debate_id})"
        lines.append(line + _notes(entry, citations))
    title = f"{whose} positions" + (f" on {topic}" if topic else "")
    return discord.Embed(title=cap(title, limits.EMBED_TITLE), colour=COLOUR, description=_fit(lines, EXPORT_HINT))


def build_topics_embed(topics: Sequence[TopicCount]) -> discord.Embed:
    lines = [f"**{t.name}** {DASH} {_members(t.members)}" + (f" {DOT} debate" if t.from_debate else "") for t in topics]
    embed = discord.Embed(title="Topics", colour=COLOUR, description=_fit(lines, f"{ELLIPSIS} and more."))
    embed.set_footer(text=PRIVACY_NOTE)
    return embed


def build_summary_embed(summary: Summary, *, chart: str | None) -> discord.Embed:
    """Distribution now and at the baseline as text bars, who changed and how; names only of visible members."""
    topic = summary.topic
    embed = discord.Embed(title=cap(f"Where we stand: {topic.name}", limits.EMBED_TITLE), colour=COLOUR)
    since = ("30 days ago" if summary.baseline_at is not None else "at first stances")
    embed.add_field(name=f"Now \u2014 {_members(summary.current.total)}", value=bars(summary.current), inline=False)
    embed.add_field(name=f"{since.capitalize()} \u2014 {_members(summary.baseline.total)}",
                    value=bars(summary.baseline), inline=False)
    embed.add_field(name=f"Changed since {'then' if summary.baseline_at else 'their first stance'}",
                    value=changes(summary.changes), inline=False)
    if summary.after_debate is not None:
        embed.add_field(name="Changed after their debate vote", value=changes(summary.after_debate), inline=False)
    named = _named(summary.current)
    if named:
        embed.add_field(name="Visible members now", value=named, inline=False)
    if chart:
        embed.set_image(url=f"attachment://{chart}")
    embed.set_footer(text=PRIVACY_NOTE)
    return embed


def bars(counts: Breakdown) -> str:
    """A code block of text bars: one row per stance (and the pooled private row when there is one)."""
    widest = max((row.count for row in counts.rows), default=0) or 1
    # Labels as wide as the longest, up to LABEL_WIDTH, and narrower only as far as every row needs to fit
    # (_fit keeps room for an ellipsis line).
    room = (BARS_ROOM - 2) // max(1, len(counts.rows)) - len(f" {FULL * BAR_WIDTH} {widest}\n")
    width = min(LABEL_WIDTH, room, max((len(row.label) for row in counts.rows), default=0))
    lines = []
    for row, label in zip(counts.rows, _shortened([row.label for row in counts.rows], width), strict=True):
        filled = round(BAR_WIDTH * row.count / widest)
        lines.append(f"{label.ljust(width)} {FULL * filled}{DOT * (BAR_WIDTH - filled)} {row.count}")
    return _code_block(lines)


def _shortened(labels: list[str], width: int) -> list[str]:
    """Labels of at most `width` characters, long ones cut in the middle ("Endorse c…date A") where that keeps
    distinct labels distinct: the start and end of a poll option usually tell it apart."""
    def cut(label: str, tail: int) -> str:
        return label if len(label) <= width else label[: width - 1 - tail] + ELLIPSIS + label[len(label) - tail:]

    for tail in sorted(range(width), key=lambda tail: abs(tail - width // 3)):  # a third of it at the end first
        shortened = [cut(label, tail) for label in labels]
        if len(set(shortened)) == len(set(labels)):
            return shortened
    return [cut(label, width // 3) for label in labels]


def changes(counts: Breakdown) -> str:
    moved = [row for row in counts.rows if row.count]
    if not moved:
        return "No one to show."
    return _mention_lines([(f"{row.label}: {row.count}", row.named, " ({})") for row in moved])


def _notes(entry: Entry, citations: Mapping[str, PassageRecord]) -> str:
    """An entry's reason and cited passage, as quoted lines to go under it in a list."""
    notes = ""
    if entry.reason:
        notes += f"\n> {cap(' '.join(entry.reason.split()), 200)}"
    if entry.passage:
        notes += f"\n> \u2014 {cited(entry.passage, citations)}"
    return notes


def _named(counts: Breakdown) -> str:
    return _mention_lines([(f"{row.label}:", row.named, " {}") for row in counts.rows if row.named])


def _mention_lines(items: Sequence[tuple[str, Sequence[int], str]]) -> str:
    """A field of lines, each a head and its members' mentions set in a form (" ({})"): each line gets an equal
    share of the room still left, so one long list cannot crowd out the lines after it."""
    room = limits.EMBED_FIELD_VALUE - len(ELLIPSIS) - 1  # what _fit keeps free to say lines were left out
    lines: list[str] = []
    for index, (head, members, form) in enumerate(items):
        share = (room - sum(len(line) + 1 for line in lines)) // (len(items) - index) - 1
        mentions = _mentions(members, share - len(head) - len(form.format(""))) if members else ""
        lines.append(head + form.format(mentions) if mentions else head)
    return _fit(lines, ELLIPSIS, room=limits.EMBED_FIELD_VALUE)


def _mentions(members: Sequence[int], room: int) -> str:
    """Whole mentions within `room` characters, then how many more ("<@1>, <@2> and 3 more"); never a cut one."""
    shown = [f"<@{member}>" for member in members]
    while shown:
        rest = len(members) - len(shown)
        text = ", ".join(shown) + (f" and {rest} more" if rest else "")
        if len(text) <= room:
            return text
        shown.pop()
    return f"{len(members)} visible"


def counted(number: int, noun: str) -> str:
    """'1 stance', '3 stances': a number and its noun (one that takes an s)."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _members(count: int) -> str:
    return counted(count, "member")


def _code_block(lines: list[str]) -> str:
    body = _fit(lines, ELLIPSIS, room=BARS_ROOM)
    return f"{FENCE}\n{body}\n{FENCE}"


def _fit(lines: list[str], more: str, *, room: int = limits.EMBED_DESCRIPTION) -> str:
    """Lines joined within `room` characters; if some do not fit, the text ends with `more` instead."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > room - len(more) - 1:
            kept.append(more)
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)
