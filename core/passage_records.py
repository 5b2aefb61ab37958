"""Passages as the bot shows and cites them, read from the database for the essays a server sees.

Shared by the library, which lists essays and passages, and passage search, which turns ranked ids into results.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

PASSAGE_SELECT = ("SELECT e.slug, e.title, e.author, p.section, p.paragraph, p.text"
                  " FROM passages p JOIN essays e ON e.id = p.essay_id")


def citation(title: str, author: str, section: str, paragraph: int) -> str:
    """'Title — Author, § Section, ¶12': how the bot cites a passage everywhere."""
    byline = f" \u2014 {author}" if author else ""
    where = f"\u00a7 {section}, " if section else ""
    return f"{title}{byline}, {where}\u00b6{paragraph}"


@dataclass(frozen=True)
class PassageRecord:
    """A passage with everything needed to cite it."""
    key: str
    essay_slug: str
    title: str
    author: str
    section: str
    paragraph: int
    text: str

    @property
    def citation(self) -> str:
        return citation(self.title, self.author, self.section, self.paragraph)


@dataclass(frozen=True)
class SearchResult:
    passage_id: str
    essay_slug: str
    title: str
    author: str
    section: str
    paragraph: int
    score: float
    text: str
    matched: tuple[str, ...]

    @property
    def citation(self) -> str:
        return citation(self.title, self.author, self.section, self.paragraph)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["matched"] = list(self.matched)
        data["score"] = round(self.score, 4)
        return data


def passage_record(row: sqlite3.Row) -> PassageRecord:
    """The record of a row read with PASSAGE_SELECT."""
    return PassageRecord(key=f"{row['slug']}:{row['paragraph']}", essay_slug=row["slug"], title=row["title"],
                         author=row["author"], section=row["section"], paragraph=row["paragraph"], text=row["text"])


def visible_to(guild: int | None) -> tuple[str, tuple[int | None, ...]]:
    """SQL over `essays e` for "this server sees this essay", and its parameters."""
    return ("(? IS NULL OR (e.origin = 'upload' AND (e.guild_id IS NULL OR e.guild_id = ?))"
            " OR (e.origin = 'folder' AND NOT EXISTS (SELECT 1 FROM hidden_essays h"
            " WHERE h.guild_id = ? AND h.slug = e.slug)))", (guild, guild, guild))
