"""Embeds for quotes and the essay library, each built by a function that stays inside Discord's limits."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import discord

from core.library import EssayInfo
from core.passage_records import PassageRecord, SearchResult
from core.text import fold, pieces

from ..utils import limits
from ..utils.limits import cap

COLOUR = discord.Colour.dark_red()
ELLIPSIS = "\u2026"
# Room a quote gets in an embed description, leaving space for the context around it.
QUOTE_ROOM = 1700
CONTEXT_ROOM = 900
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[\w'’\-]+")  # "U.S." is one word, as search folds it


def highlight(text: str, matched: Sequence[str]) -> str:
    """The text with Markdown escaped and every word that matched the search in bold."""
    wanted = set(matched)
    out, last = [], 0
    for match in _WORD.finditer(text):
        out.append(discord.utils.escape_markdown(text[last:match.start()]))
        word = discord.utils.escape_markdown(match.group())
        out.append(f"**{word}**" if wanted and wanted.intersection(pieces(fold(match.group()))) else word)
        last = match.end()
    out.append(discord.utils.escape_markdown(text[last:]))
    return "".join(out)


def excerpt(text: str, matched: Sequence[str], room: int) -> str:
    """At most `room` characters of `text`, centred on its first matched word, with ellipses where cut."""
    if len(text) <= room:
        return text
    wanted = set(matched)
    first = next((m.start() for m in _WORD.finditer(text) if wanted.intersection(pieces(fold(m.group())))), 0)
    start = max(0, min(first - room // 3, len(text) - room))
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + room - 2
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return (ELLIPSIS if start else "") + text[start:end].strip() + (ELLIPSIS if end < len(text) else "")


def quoted(text: str, matched: Sequence[str], limit: int) -> str:
    """A passage as an embed block quote of at most `limit` characters: trimmed around the match, matched words
    bold. Bold markers and escapes take room too, so the excerpt shrinks until the whole fits: a cut made
    afterwards could split a ** pair or lose the match."""
    size = limit
    while True:
        block = "> " + highlight(excerpt(text, matched, size), matched).replace("\n", "\n> ")
        if len(block) <= limit or size <= 40:
            return cap(block, limit)
        size = min(size - 1, size * limit // len(block))  # in proportion: bold markers can double a quote


def build_result_embed(result: SearchResult, *, index: int, total: int, query: str,
                       context: Sequence[PassageRecord] = ()) -> discord.Embed:
    """One search result in the browser, optionally with the paragraphs around it."""
    before = [p for p in context if p.paragraph < result.paragraph]
    after = [p for p in context if p.paragraph > result.paragraph]
    parts = [f"*{cap(discord.utils.escape_markdown(p.text), CONTEXT_ROOM)}*" for p in before]
    parts.append(quoted(result.text, result.matched, QUOTE_ROOM))
    parts += [f"*{cap(discord.utils.escape_markdown(p.text), CONTEXT_ROOM)}*" for p in after]
    embed = discord.Embed(
        title=cap(f"Result {index + 1} of {total} for \u201c{query}\u201d", limits.EMBED_TITLE),
        description=cap("\n\n".join(parts), limits.EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    embed.set_footer(text=cap(f"{result.citation} \u00b7 id {result.passage_id}", limits.EMBED_FOOTER))
    return embed


def build_posted_quote_embed(passage: PassageRecord) -> discord.Embed:
    """A quote posted publicly in a discussion: the passage with its citation."""
    embed = discord.Embed(description=quoted(passage.text, (), limits.EMBED_DESCRIPTION - 100), colour=COLOUR)
    embed.set_author(name=cap(passage.title, limits.EMBED_AUTHOR))
    embed.set_footer(text=cap(f"{passage.citation} \u00b7 id {passage.key}", limits.EMBED_FOOTER))
    return embed


def build_context_embed(passages: Sequence[PassageRecord], centre: str) -> discord.Embed:
    """A passage with the paragraphs before and after it; the quoted one as a block quote."""
    room = (limits.EMBED_DESCRIPTION - 100) // max(1, len(passages))
    parts = []
    for passage in passages:
        text = cap(discord.utils.escape_markdown(passage.text), room)
        parts.append("> " + text.replace("\n", "\n> ") if passage.key == centre else f"*{text}*")
    middle = next((p for p in passages if p.key == centre), passages[0])
    embed = discord.Embed(title=cap(f"In context: {middle.title}", limits.EMBED_TITLE),
                          description=cap("\n\n".join(parts), limits.EMBED_DESCRIPTION), colour=COLOUR)
    embed.set_footer(text=cap(middle.citation, limits.EMBED_FOOTER))
    return embed


def build_compare_embed(topic: str, results: Sequence[SearchResult]) -> discord.Embed:
    """The best passage of each essay on a topic, one field per essay, sharing the 6,000-character total.
    The field name says whose essay it is, so each citation needs only the section and paragraph."""
    title = cap(f"What the essays say about \u201c{topic}\u201d", limits.EMBED_TITLE)
    shown = list(results[: limits.EMBED_FIELDS])
    footer = f"{len(results) - len(shown)} more essays also touch on this; narrow the topic." if len(results) > len(shown) else ""
    room = min(limits.EMBED_FIELD_NAME + limits.EMBED_FIELD_VALUE,
               (limits.EMBED_TOTAL - len(title) - len(footer)) // len(shown))
    embed = discord.Embed(title=title, colour=COLOUR)
    for result in shown:
        byline = f"{result.title} \u2014 {result.author}" if result.author else result.title
        name = cap(byline, min(limits.EMBED_FIELD_NAME, room // 4))
        section = f"\u00a7 {cap(result.section, 60)}, " if result.section else ""
        where = f"\n\u2014 {section}\u00b6{result.paragraph}"
        value = min(limits.EMBED_FIELD_VALUE, room - len(name)) - len(where)
        embed.add_field(name=name, value=quoted(result.text, result.matched, value) + where, inline=False)
    if footer:
        embed.set_footer(text=footer)
    return embed


def build_library_pages(essays: Sequence[EssayInfo]) -> list[discord.Embed]:
    """The essay library, as many pages as its list needs."""
    lines = []
    for info in essays:
        byline = f" \u2014 {discord.utils.escape_markdown(info.author)}" if info.author else ""
        lines.append(f"**{discord.utils.escape_markdown(info.title)}**{byline}\n"
                     f"{info.passages} passages \u00b7 {info.sections} sections \u00b7 `{info.slug}`")
    pages = _pack(lines, limits.EMBED_DESCRIPTION - 200) or ["The library is empty: organizers can /essay add one."]
    return [discord.Embed(title=f"Essay library ({len(essays)})", description=page, colour=COLOUR)
            .set_footer(text=f"Page {n} of {len(pages)}") for n, page in enumerate(pages, 1)]


def build_reading_pages(info: EssayInfo, passages: Sequence[PassageRecord]) -> list[tuple[str, discord.Embed]]:
    """An essay to read, a section (or part of a long one) per page, each page with its section's name.
    Sections follow the essay's order: two sections with the same heading stay two."""
    room = limits.EMBED_DESCRIPTION - 300
    pages: list[tuple[str, str]] = []
    for section, group in itertools.groupby(passages, key=lambda p: p.section):
        lines = [line for passage in group for line in _reading_lines(passage, room)]
        pages += [(section, chunk) for chunk in _pack(lines, room)]
    byline = f" \u2014 {info.author}" if info.author else ""
    return [
        (section, discord.Embed(title=cap(f"{info.title}{byline}", limits.EMBED_TITLE), description=body,
                                colour=COLOUR)
         .set_footer(text=cap(f"{section or 'Opening'} \u00b7 page {n} of {len(pages)}", limits.EMBED_FOOTER)))
        for n, (section, body) in enumerate(pages, 1)
    ]


def _reading_lines(passage: PassageRecord, room: int) -> list[str]:
    """A paragraph as lines of at most `room` characters: a long one goes on over several, cut between words."""
    text = discord.utils.escape_markdown(passage.text)
    lines: list[str] = []
    while text:
        head = f"`\u00b6{passage.paragraph}`{' (continued)' if lines else ''} "
        fit = room - len(head)
        if len(text) <= fit:
            lines.append(head + text)
            break
        cut = text.rfind(" ", fit // 2, fit)
        cut = cut if cut > 0 else fit
        while text[cut - 1] == "\\":  # never part an escape from the character it escapes
            cut -= 1
        lines.append(head + text[:cut].rstrip())
        text = text[cut:].lstrip()
    return lines


def _pack(lines: Sequence[str], room: int) -> list[str]:
    """Lines joined into as few chunks of at most `room` characters as they fit in."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 2 + len(line) > room:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks
