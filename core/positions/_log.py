"""The stance log in SQLite: topics, entries and privacy, always within one server.

`ensure_debate_topic` and `log_stance` work inside a caller's transaction, so a debate vote and its log entry
commit together. Every query names the server, so nothing of a member crosses from one server to another.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime

import aiosqlite
from rapidfuzz import fuzz, process

from ..errors import Conflict, InvalidInput, NotFound
from ..store import Store
from ..text import fold
from ._model import (MAX_TOPIC_NAME, MEMBER_SOURCE, SCALE, Ballot, Entry, Topic, clean_reason, clean_topic_name,
                     match_stance, parse_stamp, stamp)
from ._privacy import MIN_GROUP, Breakdown
from ._summary import MAX_POINTS, Summary, summarize, timeline

log = logging.getLogger(__name__)

SIMILAR_SCORE = 85  # rapidfuzz token_sort_ratio on loose names: "china policy" ~ "chinas policy", not "housing"
AUTOCOMPLETE_SCORE = 65  # rapidfuzz WRatio while typing: "chna" still finds "China policy", "chin" not "Housing"
ForgetVotes = Callable[..., Awaitable[int]]  # core.debates.forget_member(db, *, guild_id, member_id, topic_id)
ReadBallots = Callable[..., Awaitable[list[Ballot]]]  # core.debates.ballots_of(db, *, guild_id, member_id)
Clock = Callable[[], datetime]
# Which debates' topics a member may see: those of debates held in these channel ids; None: every topic (organizers).
# Topics no debate created are everyone's. The cog decides the set, by the rule /debate follows.
Channels = Collection[int] | None


@dataclass(frozen=True)
class TopicCount:
    name: str
    members: int  # members with a stance: the visible ones, plus the private ones when at least MIN_GROUP
    from_debate: bool


@dataclass(frozen=True)
class Forgotten:
    entries: int
    votes: int
    privacy: bool  # a privacy choice was erased (only when forgetting everything)


# -- inside the caller's transaction ----------------------------------------------------------------------------

async def ensure_debate_topic(db: aiosqlite.Connection, *, guild_id: int, debate_id: int, motion: str,
                              stances: list[str], at: datetime | None = None) -> int:
    """The topic of a debate, created on first use: named after the motion, offering the debate's options."""
    async with db.execute("SELECT id FROM position_topics WHERE guild_id = ? AND debate_id = ?",
                          (guild_id, debate_id)) as cursor:
        row = await cursor.fetchone()
    if row is not None:
        return row[0]
    name = await _debate_topic_name(db, guild_id, motion, debate_id)
    return await _insert_topic(db, guild_id=guild_id, name=name, stances=stances, debate_id=debate_id,
                               at=at or datetime.now(UTC))


async def log_stance(db: aiosqlite.Connection, *, guild_id: int, topic_id: int, member_id: int, stance: str,
                     reason: str | None = None, source: str, passage: str | None = None,
                     at: datetime | None = None) -> None:
    """Append one entry. `source` is "member" or "debate:<id>"; `stance` must be one the topic offers."""
    async with db.execute("SELECT name FROM position_topics WHERE id = ? AND guild_id = ?",
                          (topic_id, guild_id)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise NotFound("That topic does not exist in this server.")
    stance = match_stance(row[0], await _stances(db, topic_id), stance)
    await db.execute(
        "INSERT INTO position_entries (guild_id, topic_id, member_id, stance, reason, passage, source, created_at)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (guild_id, topic_id, member_id, stance, clean_reason(reason), passage, source, stamp(at or datetime.now(UTC))))


async def _name_taken(db: aiosqlite.Connection, guild_id: int, name: str) -> bool:
    async with db.execute("SELECT 1 FROM position_topics WHERE guild_id = ? AND folded = ?",
                          (guild_id, fold(name))) as cursor:
        return await cursor.fetchone() is not None


async def _debate_topic_name(db: aiosqlite.Connection, guild_id: int, motion: str, debate_id: int) -> str:
    """The motion as a topic name, or, when another topic has that name, with the debate's number:
    "Tax the rich (debate 9)", then "Tax the rich (debate 9, 2)" and so on."""
    name = " ".join(motion.split())
    if len(name) > MAX_TOPIC_NAME:
        name = name[: MAX_TOPIC_NAME - 1].rstrip() + "\u2026"
    if not await _name_taken(db, guild_id, name):
        return name
    for number in itertools.count(1):  # ends: each try is a new name, and a server has finitely many topics
        suffix = f" (debate {debate_id})" if number == 1 else f" (debate {debate_id}, {number})"
        candidate = name[: MAX_TOPIC_NAME - len(suffix)].rstrip() + suffix
        if not await _name_taken(db, guild_id, candidate):
            return candidate
    raise AssertionError("unreachable")


async def _make_way(db: aiosqlite.Connection, guild_id: int, name: str, member_id: int, channels: Channels) -> None:
    """Before a member starts the topic `name`: a debate topic of that name they may not see takes its debate's
    number instead, as a motion clashing with a topic name does. Refusing, or naming their topic differently,
    would tell them a hidden debate has that motion."""
    if channels is None:
        return
    visible, params = _visible("position_topics", channels, member_id)
    async with db.execute(f"SELECT id, debate_id, name FROM position_topics WHERE guild_id = ? AND folded = ?"
                          f" AND debate_id IS NOT NULL AND NOT (1{visible})",
                          (guild_id, fold(name), *params)) as cursor:
        hidden = await cursor.fetchone()
    if hidden is None:
        return
    topic_id, debate_id, old = hidden
    async with db.execute("SELECT motion FROM debates WHERE id = ? AND guild_id = ?", (debate_id, guild_id)) as cursor:
        motion = await cursor.fetchone()
    new = await _debate_topic_name(db, guild_id, motion[0] if motion else old, debate_id)
    await db.execute("UPDATE position_topics SET name = ?, folded = ? WHERE id = ?", (new, fold(new), topic_id))
    log.info("guild %s: topic %s of debate %s renamed for a member's new topic of its name", guild_id, topic_id,
             debate_id)


def _visible(table: str, channels: Channels, holder: int | None = None) -> tuple[str, tuple]:
    """A WHERE condition (" AND (...)") keeping the topics of `table` (a name or alias of position_topics) that a
    member may see: every topic no debate created, and those of debates held in `channels` (None: all, no
    condition); with `holder`, also the topics that member holds a stance on, since their own data is theirs."""
    if channels is None:
        return "", ()
    condition = (f" AND ({table}.debate_id IS NULL OR {table}.debate_id IN (SELECT id FROM debates"
                 f" WHERE guild_id = {table}.guild_id AND channel_id IN (SELECT value FROM json_each(?)))")
    params: tuple = (json.dumps(sorted(channels)),)
    if holder is not None:
        condition += (" OR EXISTS (SELECT 1 FROM position_entries held"
                      f" WHERE held.topic_id = {table}.id AND held.member_id = ?)")
        params += (holder,)
    return condition + ")", params


async def _insert_topic(db: aiosqlite.Connection, *, guild_id: int, name: str, stances: list[str] | tuple[str, ...],
                        debate_id: int | None, at: datetime) -> int:
    try:
        cursor = await db.execute(
            "INSERT INTO position_topics (guild_id, name, folded, debate_id, created_at) VALUES (?,?,?,?,?)",
            (guild_id, name, fold(name), debate_id, stamp(at)))
    except sqlite3.IntegrityError:
        raise Conflict(f"A topic called '{name}' already exists here.") from None
    topic_id = cursor.lastrowid
    await db.executemany("INSERT INTO position_stances (topic_id, rank, label) VALUES (?,?,?)",
                         [(topic_id, rank, label) for rank, label in enumerate(stances)])
    log.info("guild %s: new topic %s%s", guild_id, topic_id, f" for debate {debate_id}" if debate_id else "")
    return topic_id


async def _still_there(db: aiosqlite.Connection, guild_id: int, topic: Topic) -> None:
    """Refuses a topic removed since it was read: a question holds it for minutes, and a removed topic's id can be
    reused by the next new topic."""
    async with db.execute("SELECT 1 FROM position_topics WHERE id = ? AND guild_id = ? AND name = ?",
                          (topic.id, guild_id, topic.name)) as cursor:
        if await cursor.fetchone() is None:
            raise NotFound(f"The topic '{topic.name}' was removed in the meantime; nothing was changed. "
                           "Run the command again.")


async def _stances(db: aiosqlite.Connection, topic_id: int) -> tuple[str, ...]:
    async with db.execute("SELECT label FROM position_stances WHERE topic_id = ? ORDER BY rank",
                          (topic_id,)) as cursor:
        return tuple(row[0] for row in await cursor.fetchall())


# -- the repository the cog uses --------------------------------------------------------------------------------

class PositionLog:
    def __init__(self, store: Store, *, forget_votes: ForgetVotes, read_ballots: ReadBallots,
                 clock: Clock = lambda: datetime.now(UTC)) -> None:
        self._store = store
        self._forget_votes = forget_votes
        self._read_ballots = read_ballots
        self._clock = clock

    # topics

    # Every lookup takes `channels` (see `Channels`): a debate topic held elsewhere is, to that member, no topic at
    # all. `holder` keeps the topics that member holds a stance on findable, for their own data.

    async def topic(self, guild_id: int, name: str, *, channels: Channels = None, holder: int | None = None) -> Topic:
        """The server's topic with this name (ignoring case and accents); NotFound suggests a close one."""
        found = await self.find(guild_id, name, channels=channels, holder=holder)
        if found is not None:
            return found
        similar = await self.similar(guild_id, name, limit=1, channels=channels, holder=holder)
        hint = f" Did you mean '{similar[0].name}'?" if similar else " See /position topics."
        raise NotFound(f"There is no topic '{' '.join(name.split())[:MAX_TOPIC_NAME]}' in this server.{hint}")

    async def find(self, guild_id: int, name: str, *, channels: Channels = None,
                   holder: int | None = None) -> Topic | None:
        visible, params = _visible("position_topics", channels, holder)
        row = await self._store.fetchone(_TOPIC_SELECT + f" WHERE guild_id = ? AND folded = ?{visible}",
                                         (guild_id, fold(" ".join(name.split())), *params))
        return None if row is None else await self._topic(row)

    async def similar(self, guild_id: int, name: str, *, limit: int = 3, channels: Channels = None,
                      holder: int | None = None) -> list[Topic]:
        """Topics whose names are close to `name` (including the same name typed differently), best first.

        Punctuation counts as a space, and the same letters spaced differently are the same name: "Rent-control",
        "rent/control" and "RentControl" are all close to "Rent control". Names with different numbers are never
        close: "Budget 2025" is not "Budget 2026".
        """
        visible, params = _visible("position_topics", channels, holder)
        rows = await self._store.fetchall(_TOPIC_SELECT + f" WHERE guild_id = ?{visible}", (guild_id, *params))
        wanted = fold(" ".join(name.split()))
        choices = {row["id"]: _loose(row["folded"]) for row in rows if _numbers(row["folded"]) == _numbers(wanted)}
        best = process.extract(_loose(wanted), choices, scorer=_closeness, score_cutoff=SIMILAR_SCORE, limit=limit)
        by_id = {row["id"]: row for row in rows}
        return [await self._topic(by_id[topic_id]) for _, _, topic_id in best]

    async def topic_names(self, guild_id: int, typed: str, *, limit: int = 25, channels: Channels = None,
                          holder: int | None = None) -> list[str]:
        """Topic names for autocomplete: all (newest first) when nothing is typed, else the closest."""
        visible, params = _visible("position_topics", channels, holder)
        rows = await self._store.fetchall(f"SELECT name, folded FROM position_topics WHERE guild_id = ?{visible}"
                                          " ORDER BY created_at DESC", (guild_id, *params))
        if not typed.strip():
            return [row["name"] for row in rows[:limit]]
        best = process.extract(fold(typed), {row["name"]: row["folded"] for row in rows},
                               scorer=fuzz.WRatio, score_cutoff=AUTOCOMPLETE_SCORE, limit=limit)
        return [name for _, _, name in best]

    async def topics(self, guild_id: int, *, channels: Channels = None) -> list[TopicCount]:
        """Topics with the number of members holding a stance, counted as `breakdown` would show them."""
        visible, params = _visible("t", channels)
        rows = await self._store.fetchall(
            "SELECT t.name, t.debate_id,"
            " COUNT(DISTINCT CASE WHEN p.visible = 1 THEN e.member_id END) AS named,"
            " COUNT(DISTINCT CASE WHEN p.visible IS NOT 1 THEN e.member_id END) AS private"
            " FROM position_topics t LEFT JOIN position_entries e ON e.topic_id = t.id"
            " LEFT JOIN position_privacy p ON p.guild_id = e.guild_id AND p.member_id = e.member_id"
            f" WHERE t.guild_id = ?{visible} GROUP BY t.id", (guild_id, *params))
        counted = [TopicCount(row["name"], row["named"] + (row["private"] if row["private"] >= MIN_GROUP else 0),
                              row["debate_id"] is not None) for row in rows]
        return sorted(counted, key=lambda topic: (-topic.members, fold(topic.name)))

    # stances

    async def set_stance(self, guild_id: int, member_id: int, topic: Topic, stance: str, *,
                         reason: str | None = None, passage: str | None = None) -> Entry:
        """Append the member's stance on an existing topic; returns the entry as stored."""
        stance = match_stance(topic.name, topic.stances, stance)
        reason = clean_reason(reason)
        at = self._clock()
        async with self._store.transaction() as db:
            await _still_there(db, guild_id, topic)
            await log_stance(db, guild_id=guild_id, topic_id=topic.id, member_id=member_id, stance=stance,
                             reason=reason, passage=passage, source=MEMBER_SOURCE, at=at)
        return Entry(topic.name, member_id, stance, reason, passage, MEMBER_SOURCE, parse_stamp(stamp(at)))

    async def set_stance_on_new_topic(self, guild_id: int, member_id: int, name: str, stance: str, *,
                                      reason: str | None = None, passage: str | None = None,
                                      channels: Channels = None) -> Entry:
        """Create a topic on the five-point scale and append the member's first stance on it, together.

        A debate topic of that name the member may not see (by `channels`) makes way, so they can't tell it exists.
        """
        name = clean_topic_name(name)
        stance = match_stance(name, SCALE, stance)
        reason = clean_reason(reason)
        at = self._clock()
        async with self._store.transaction() as db:
            await _make_way(db, guild_id, name, member_id, channels)
            topic_id = await _insert_topic(db, guild_id=guild_id, name=name, stances=SCALE, debate_id=None, at=at)
            await log_stance(db, guild_id=guild_id, topic_id=topic_id, member_id=member_id, stance=stance,
                             reason=reason, passage=passage, source=MEMBER_SOURCE, at=at)
        return Entry(name, member_id, stance, reason, passage, MEMBER_SOURCE, parse_stamp(stamp(at)))

    async def current(self, guild_id: int, member_id: int) -> list[Entry]:
        """The member's latest entry on each topic, topics by name."""
        entries = await self._entries("e.guild_id = ? AND e.member_id = ?", (guild_id, member_id))
        latest = {entry.topic: entry for entry in entries}
        return sorted(latest.values(), key=lambda entry: fold(entry.topic))

    async def history(self, guild_id: int, member_id: int, topic: Topic | None = None, *,
                      channels: Channels = None) -> list[Entry]:
        """The member's entries, oldest first, on one topic or all; with `channels`, as another member who may see
        those channels' debates sees them (a member's own history is whole: leave it None)."""
        visible, params = _visible("t", channels)
        if topic is None:
            return await self._entries(f"e.guild_id = ? AND e.member_id = ?{visible}", (guild_id, member_id, *params))
        return await self._entries(f"e.guild_id = ? AND e.member_id = ? AND e.topic_id = ?{visible}",
                                   (guild_id, member_id, topic.id, *params))

    async def ballots(self, guild_id: int, member_id: int) -> list[Ballot]:
        """The member's ballots in this server's recorded debates, from the debates tables: multiple-choice polls
        never enter the log, so an export needs them from there. Secret ballots are tied to no one."""
        async with self._store.transaction() as db:
            return await self._read_ballots(db, guild_id=guild_id, member_id=member_id)

    # privacy

    async def is_visible(self, guild_id: int, member_id: int) -> bool:
        row = await self._store.fetchone("SELECT visible FROM position_privacy WHERE guild_id = ? AND member_id = ?",
                                         (guild_id, member_id))
        return row is not None and bool(row["visible"])

    async def set_visible(self, guild_id: int, member_id: int, visible: bool) -> None:
        await self._store.execute(
            "INSERT INTO position_privacy (guild_id, member_id, visible) VALUES (?,?,?)"
            " ON CONFLICT(guild_id, member_id) DO UPDATE SET visible = excluded.visible",
            (guild_id, member_id, int(visible)))

    async def visible_members(self, guild_id: int) -> set[int]:
        rows = await self._store.fetchall("SELECT member_id FROM position_privacy WHERE guild_id = ? AND visible = 1",
                                          (guild_id,))
        return {row["member_id"] for row in rows}

    # what the server sees

    async def summary(self, guild_id: int, topic: Topic) -> Summary:
        entries = await self._entries("e.topic_id = ?", (topic.id,))
        return summarize(topic, entries, await self.visible_members(guild_id), self._clock())

    async def timeline(self, guild_id: int, topic: Topic, *, every_day: bool = False) -> list[tuple[date, Breakdown]]:
        """The distribution day by day (UTC); a chart's longer history is sampled, a report's (`every_day`) is not."""
        entries = await self._entries("e.topic_id = ?", (topic.id,))
        return timeline(topic, entries, await self.visible_members(guild_id), self._clock(),
                        max_points=None if every_day else MAX_POINTS)

    async def forget(self, guild_id: int, member_id: int, topic: Topic | None = None) -> Forgotten:
        """Erase the member's entries (all, or on one topic) and their debate votes, in one transaction.

        Forgetting everything also drops their privacy choice, which alone is something to forget; topics left
        without entries that no debate created go too, since a member named them.
        """
        where, params = "guild_id = ? AND member_id = ?", [guild_id, member_id]
        if topic is not None:
            where, params = where + " AND topic_id = ?", params + [topic.id]
        async with self._store.transaction() as db:
            if topic is not None:
                await _still_there(db, guild_id, topic)
            async with db.execute(f"SELECT DISTINCT topic_id FROM position_entries WHERE {where}", params) as cursor:
                touched = [row[0] for row in await cursor.fetchall()]
            cursor = await db.execute(f"DELETE FROM position_entries WHERE {where}", params)
            entries = cursor.rowcount
            votes = await self._forget_votes(db, guild_id=guild_id, member_id=member_id,
                                             topic_id=None if topic is None else topic.id)
            privacy = False
            if topic is None:
                cursor = await db.execute("DELETE FROM position_privacy WHERE guild_id = ? AND member_id = ?",
                                          (guild_id, member_id))
                privacy = cursor.rowcount > 0
            if not entries and not votes and not privacy:
                raise InvalidInput("You have no positions here to forget." if topic is None
                                   else f"You have no positions on '{topic.name}' to forget.")
            await db.executemany(
                "DELETE FROM position_topics WHERE id = ? AND debate_id IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM position_entries WHERE topic_id = position_topics.id)",
                [(topic_id,) for topic_id in touched])
        # The rows were overwritten in place (secure_delete); a checkpoint clears the copies still in the WAL.
        await self._store.checkpoint()
        log.info("guild %s: a member forgot %d entries and %d votes", guild_id, entries, votes)  # no id: logs outlive this
        return Forgotten(entries, votes, privacy)

    async def has_anything(self, guild_id: int, member_id: int, topic: Topic | None = None) -> bool:
        """Whether forget would erase something: stance entries, ballots (secret ones never enter the log), or, for
        everything, a privacy choice (it is not per topic)."""
        if topic is None and await self._store.fetchone(
                "SELECT 1 FROM position_privacy WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)):
            return True
        row = await self._store.fetchone(
            "SELECT 1 FROM position_entries WHERE guild_id = ? AND member_id = ? AND (? IS NULL OR topic_id = ?)"
            " LIMIT 1", (guild_id, member_id, topic and topic.id, topic and topic.id))
        if row is not None:
            return True
        async with self._store.transaction() as db:
            return await self._forget_votes(db, guild_id=guild_id, member_id=member_id,
                                            topic_id=None if topic is None else topic.id, dry_run=True) > 0

    # rows to objects

    async def _topic(self, row: sqlite3.Row) -> Topic:
        rows = await self._store.fetchall("SELECT label FROM position_stances WHERE topic_id = ? ORDER BY rank",
                                          (row["id"],))
        return Topic(row["id"], row["guild_id"], row["name"], tuple(r["label"] for r in rows), row["debate_id"],
                     parse_stamp(row["created_at"]))

    async def _entries(self, where: str, params: tuple) -> list[Entry]:
        rows = await self._store.fetchall(
            "SELECT t.name, e.member_id, e.stance, e.reason, e.passage, e.source, e.created_at"
            " FROM position_entries e JOIN position_topics t ON t.id = e.topic_id"
            f" WHERE {where} ORDER BY e.created_at, e.id", params)
        return [Entry(row["name"], row["member_id"], row["stance"], row["reason"], row["passage"], row["source"],
                      parse_stamp(row["created_at"])) for row in rows]


def _numbers(folded: str) -> list[str]:
    return _NUMBER.findall(folded)


def _loose(folded: str) -> str:
    """A folded name with punctuation as spaces, for comparing: "rent-control" reads as "rent control"."""
    return " ".join(_PUNCTUATION.sub(" ", folded).split()) or folded


def _closeness(typed: str, name: str, **kwargs) -> float:
    """A rapidfuzz scorer on loose names: token_sort_ratio, but 100 for the same letters spaced differently."""
    if typed.replace(" ", "") == name.replace(" ", ""):
        return 100
    return fuzz.token_sort_ratio(typed, name, **kwargs)


_NUMBER = re.compile(r"\d+")
_PUNCTUATION = re.compile(r"[\W_]+")
_TOPIC_SELECT = "SELECT id, guild_id, name, folded, debate_id, created_at FROM position_topics"
