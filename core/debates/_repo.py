"""Debates in the database. Every check that depends on the state (open? which round? allowed?) runs inside the
write transaction, so a vote racing a close either lands before it or is refused, never half-counted."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Collection
from datetime import UTC, datetime
from enum import Enum

import aiosqlite
from rapidfuzz import fuzz, process

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..positions import ensure_debate_topic, log_stance
from ..store import MAX_ROWID, Store
from ..text import fold
from ._ballots import is_member_id, new_key, voter_for
from ._duration import from_stamp, to_stamp, utcnow
from ._model import Debate, Receipt, Results, StoredVote
from ._rules import DebateSpec, Format, check_choices, check_outcome, check_reason
from ._tally import Ballot, count, oxford_shift

log = logging.getLogger(__name__)

_NO_SUCH_DEBATE = "There is no such debate in this server."

_COLUMNS = ("id, guild_id, channel_id, message_id, thread_id, author_id, motion, format, max_choices, secret,"
            " hide_results, role_id, quorum, round, topic_id, outcome, created_at, advance_at, closes_at, closed_at")


class Accepts(Enum):
    """The debates a command takes, so that its debate picker suggests only those."""
    ANY = "any"                    # /debate results
    OPEN = "open"                  # /debate close
    OPENING_VOTE = "opening vote"  # /debate advance: open Oxford debates still in their opening vote
    CLOSED = "closed"              # /debate outcome
    EXPORTABLE = "exportable"      # /debate export: closed, or open with its tally shown


# Each as a condition on a row of `debates`: it agrees with the checks of `advance`, `close` and `set_outcome` (a test
# ties them) and with /debate export's refusal of hidden tallies.
_ACCEPTS = {
    Accepts.ANY: "1",
    Accepts.OPEN: "closed_at IS NULL",
    Accepts.OPENING_VOTE: f"closed_at IS NULL AND format = '{Format.OXFORD.value}' AND round = 1",
    Accepts.CLOSED: "closed_at IS NOT NULL",
    Accepts.EXPORTABLE: "closed_at IS NOT NULL OR hide_results = 0",
}


class DebateClosed(Conflict):
    """The debate has closed (`closed_at`), or its deadline passed; `already`: someone asked to close it again.
    The message names the time in UTC; `worded` lets a front end name it its own way (Discord: a timestamp)."""

    def __init__(self, closed_at: datetime, *, already: bool = False) -> None:
        self.closed_at, self.already = closed_at, already
        super().__init__(self.worded(closed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")))

    def worded(self, moment: str) -> str:
        if self.already:
            return f"This debate already closed on {moment}."
        return f"This debate closed on {moment}; votes are no longer taken."


class RoleRequired(Forbidden):
    """Only members with `role_id` may vote. `worded` lets a front end name the role (Discord: a mention)."""

    def __init__(self, role_id: int) -> None:
        self.role_id = role_id
        super().__init__(self.worded("required"))

    def worded(self, role: str) -> str:
        return f"Only members with the {role} role can vote in this debate."


class DebateRepo:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- opening and changing state ------------------------------------------------------------------------

    async def start(self, spec: DebateSpec, *, guild_id: int, channel_id: int, author_id: int,
                    now: datetime | None = None) -> Debate:
        now = now or utcnow()
        closes_at = to_stamp(now + spec.duration) if spec.duration else None
        advance_at = to_stamp(now + spec.advance_in) if spec.advance_in else None
        async with self._store.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO debates (guild_id, channel_id, author_id, motion, format, max_choices, secret,"
                " hide_results, role_id, quorum, created_at, advance_at, closes_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (guild_id, channel_id, author_id, spec.motion, spec.format.value, spec.max_choices, spec.secret,
                 spec.hide_results, spec.role_id, spec.quorum, to_stamp(now), advance_at, closes_at))
            debate_id = cursor.lastrowid
            await db.executemany("INSERT INTO debate_options (debate_id, position, label) VALUES (?,?,?)",
                                 [(debate_id, i, label) for i, label in enumerate(spec.options)])
            if spec.secret:
                await db.execute("INSERT INTO debate_ballot_keys (debate_id, key) VALUES (?, ?)",
                                 (debate_id, new_key()))
            elif spec.max_choices == 1:
                topic_id = await ensure_debate_topic(db, guild_id=guild_id, debate_id=debate_id, motion=spec.motion,
                                                     stances=list(spec.options), at=now)
                await db.execute("UPDATE debates SET topic_id = ? WHERE id = ?", (topic_id, debate_id))
            debate = await _load(db, guild_id, debate_id)
        log.info("debate %s opened in guild %s (%s)", debate_id, guild_id, spec.format.value)
        return debate

    async def attach_message(self, debate_id: int, *, message_id: int) -> None:
        """The public message is posted: from now on its tally is kept current and its results published."""
        await self._store.execute("UPDATE debates SET message_id = ? WHERE id = ?", (message_id, debate_id))

    async def attach_thread(self, debate_id: int, *, thread_id: int) -> None:
        await self._store.execute("UPDATE debates SET thread_id = ? WHERE id = ?", (thread_id, debate_id))

    async def discard(self, guild_id: int, debate_id: int) -> None:
        """Remove a debate whose public message could not be posted: nobody saw it or could vote in it, so
        nothing of it stays (its options, ballot key and the stance topic it created go with it)."""
        async with self._store.transaction() as db:
            await db.execute("DELETE FROM position_topics WHERE guild_id = ? AND debate_id = ? AND NOT EXISTS"
                             " (SELECT 1 FROM position_entries WHERE topic_id = position_topics.id)",
                             (guild_id, debate_id))
            await db.execute("DELETE FROM debates WHERE id = ? AND guild_id = ? AND message_id IS NULL",
                             (debate_id, guild_id))
        log.info("debate %s discarded: its message was never posted", debate_id)

    async def vote(self, guild_id: int, debate_id: int, *, member_id: int, member_roles: frozenset[int] | set[int],
                   choices: tuple[int, ...], reason: str | None = None, now: datetime | None = None) -> Receipt:
        """Record a member's ballot, replacing their earlier one in this round; returns once it is committed."""
        now = now or utcnow()
        async with self._store.transaction() as db:
            debate = _may_vote(await _load(db, guild_id, debate_id), member_roles, now)
            picked = check_choices(debate.options, debate.max_choices, choices)
            labels = tuple(debate.options[i] for i in picked)
            reason = check_reason(debate.format, labels[0], reason)
            round_ = debate.round_at(now)
            voter = voter_for(member_id, await _ballot_key(db, debate) if debate.secret else None)
            row = (debate.id, round_, voter, ",".join(map(str, picked)), reason, to_stamp(now))
            changed = await _scalar(db, "SELECT 1 FROM debate_votes WHERE debate_id = ? AND round = ? AND voter = ?",
                                    row[:3]) is not None
            await db.execute("INSERT INTO debate_votes (debate_id, round, voter, choices, reason, cast_at)"
                             " VALUES (?,?,?,?,?,?) ON CONFLICT (debate_id, round, voter) DO UPDATE SET"
                             " choices = excluded.choices, reason = excluded.reason, cast_at = excluded.cast_at", row)
            await db.execute("INSERT INTO debate_vote_history (debate_id, round, voter, choices, reason, cast_at)"
                             " VALUES (?,?,?,?,?,?)", row)
            if debate.topic_id is not None and not debate.hide_results:  # hidden tallies: logged at close
                await _log_vote(db, debate, member_id=member_id, stance=labels[0], reason=reason, at=now)
        return Receipt(debate, round_, labels, changed)

    async def ballot_box(self, guild_id: int, debate_id: int, *, member_roles: frozenset[int] | set[int],
                         now: datetime | None = None) -> Debate:
        """The debate if this member may vote in it now (before asking them for a reason); refuses otherwise."""
        return _may_vote(await self.get(guild_id, debate_id), member_roles, now or utcnow())

    async def advance(self, guild_id: int, debate_id: int, *, now: datetime | None = None) -> Debate:
        """Oxford only: end the opening vote and open the closing one."""
        async with self._store.transaction() as db:
            debate = await _load(db, guild_id, debate_id)
            if debate.format is not Format.OXFORD:
                raise InvalidInput(f"Only Oxford debates have a closing vote; this one is a {debate.format.value}.")
            if not debate.is_open:
                raise DebateClosed(debate.closed_at)
            if debate.round == 2:
                raise Conflict("This debate is already in its closing vote.")
            await db.execute("UPDATE debates SET round = 2 WHERE id = ?", (debate.id,))
            return await _load(db, guild_id, debate_id)

    async def close(self, guild_id: int, debate_id: int, *, now: datetime | None = None) -> Debate:
        async with self._store.transaction() as db:
            debate = await _load(db, guild_id, debate_id)
            if not debate.is_open:
                raise DebateClosed(debate.closed_at, already=True)
            closed = await _close(db, debate, now or utcnow())
        await self._erase_key_copies(closed)
        return closed

    async def settle_due(self, *, now: datetime | None = None) -> list[tuple[Debate, str]]:
        """Advance and close whatever is due (the deadline wins if both are); returns each debate with
        `"advanced"` or `"closed"`. Safe to race with organizers: a debate closed meanwhile is skipped."""
        now = now or utcnow()
        stamp = to_stamp(now)
        rows = await self._store.fetchall(
            "SELECT id, guild_id FROM debates WHERE closed_at IS NULL AND (closes_at <= ?"
            " OR (round = 1 AND advance_at <= ?)) ORDER BY id", (stamp, stamp))
        settled = []
        for row in rows:
            async with self._store.transaction() as db:
                debate = await _load(db, row["guild_id"], row["id"])
                if not debate.is_open:
                    continue
                if not debate.accepts_votes_at(now):
                    # It closed at its deadline, even if the bot was down then and settles it only now.
                    debate, what = await _close(db, debate, min(now, debate.closes_at or now)), "closed"
                elif debate.round_at(now) == 2 and debate.round == 1:
                    await db.execute("UPDATE debates SET round = 2 WHERE id = ?", (debate.id,))
                    debate, what = await _load(db, debate.guild_id, debate.id), "advanced"
                else:
                    continue
            settled.append((debate, what))
            if what == "closed":
                await self._erase_key_copies(debate)
        return settled

    async def _erase_key_copies(self, closed: Debate) -> None:
        """After the close that deleted a secret debate's key has committed: the store overwrote the row
        (secure_delete), and a checkpoint clears the copies of it still in the WAL file."""
        if closed.secret:
            await self._store.checkpoint()

    async def secret_keys_held(self) -> int:
        """How many secret debates are still open, so that their key can still link ballots to members."""
        return int(await _scalar(self._store, "SELECT COUNT(*) FROM debate_ballot_keys", ()))

    async def awaiting_results(self) -> list[Debate]:
        """Closed debates whose results have not reached their message yet, oldest close first."""
        return await self._listed("closed_at IS NOT NULL AND results_posted_at IS NULL ORDER BY closed_at, id")

    async def mark_results_posted(self, debate_id: int, *, now: datetime | None = None) -> None:
        await self._stamp(debate_id, "results_posted_at", now)

    async def awaiting_advance_notice(self) -> list[Debate]:
        """Open debates in their closing vote whose members have not been told yet, oldest first."""
        return await self._listed("closed_at IS NULL AND round = 2 AND advance_announced_at IS NULL ORDER BY id")

    async def mark_advance_announced(self, debate_id: int, *, now: datetime | None = None) -> None:
        await self._stamp(debate_id, "advance_announced_at", now)

    async def _listed(self, condition: str) -> list[Debate]:
        rows = await self._store.fetchall(f"SELECT {_COLUMNS} FROM debates WHERE {condition}")
        return [await _debate(self._store, row) for row in rows]

    async def _stamp(self, debate_id: int, column: str, now: datetime | None) -> None:
        """Record when the scheduler's announcement reached Discord (`column` is one of this module's names)."""
        await self._store.execute(f"UPDATE debates SET {column} = ? WHERE id = ?",
                                  (to_stamp(now or utcnow()), debate_id))

    async def next_due(self) -> datetime | None:
        row = await self._store.fetchone(
            "SELECT MIN(t) FROM (SELECT closes_at AS t FROM debates WHERE closed_at IS NULL"
            " UNION ALL SELECT advance_at FROM debates WHERE closed_at IS NULL AND round = 1)")
        return from_stamp(row[0])

    async def set_outcome(self, guild_id: int, debate_id: int, text: str) -> Debate:
        text = check_outcome(text)
        async with self._store.transaction() as db:
            debate = await _load(db, guild_id, debate_id)
            if debate.is_open:
                raise Conflict("Record the outcome once the debate has closed; close it first.")
            await db.execute("UPDATE debates SET outcome = ? WHERE id = ?", (text, debate.id))
            return await _load(db, guild_id, debate_id)

    # -- reading -------------------------------------------------------------------------------------------

    async def get(self, guild_id: int, debate_id: int, *, channels: Collection[int] | None = None) -> Debate:
        """The debate; with `channels`, a debate held elsewhere is as good as missing (a member who cannot see
        its channel learns nothing of it, not even that it exists)."""
        debate = await _load(self._store, guild_id, debate_id)
        if channels is not None and debate.channel_id not in channels:
            raise NotFound(_NO_SUCH_DEBATE)
        return debate

    async def results(self, debate: Debate) -> Results:
        rows = await self._store.fetchall("SELECT round, voter, choices FROM debate_votes WHERE debate_id = ?",
                                          (debate.id,))
        rounds: dict[int, list[Ballot]] = {1: [], 2: []}
        for row in rows:
            rounds[row["round"]].append(Ballot(row["voter"], tuple(map(int, row["choices"].split(",")))))
        if debate.format is Format.OXFORD and debate.round == 2:
            shift = oxford_shift(rounds[1], rounds[2])
            return Results(debate, shift.after, shift)
        return Results(debate, count(debate.options, rounds[1]), None)

    async def votes(self, debate: Debate) -> list[StoredVote]:
        """Current ballots in order, for exports of recorded debates."""
        rows = await self._store.fetchall(
            "SELECT round, voter, choices, reason, cast_at FROM debate_votes WHERE debate_id = ?"
            " ORDER BY round, cast_at, voter", (debate.id,))
        return [StoredVote(row["round"], row["voter"],
                           tuple(debate.options[int(i)] for i in row["choices"].split(",")),
                           row["reason"], from_stamp(row["cast_at"])) for row in rows]

    async def open_everywhere(self) -> list[Debate]:
        """Every open debate in every server, oldest first."""
        rows = await self._store.fetchall(f"SELECT {_COLUMNS} FROM debates WHERE closed_at IS NULL ORDER BY id")
        return [await _debate(self._store, row) for row in rows]

    async def recent(self, guild_id: int, *, opened: int | None = None, closed: int = 10,
                     channels: Collection[int] | None = None) -> list[Debate]:
        """The newest open debates (every one, or the first `opened`), then the most recently closed ones; with
        `channels`, only the debates held in those channels (the ones a member can see)."""
        where, params = _in_channels(channels)
        rows = await self._store.fetchall(
            f"SELECT {_COLUMNS} FROM debates WHERE guild_id = ? AND closed_at IS NULL{where} ORDER BY id DESC"
            " LIMIT ?", (guild_id, *params, -1 if opened is None else opened))  # SQLite: -1 is no limit
        rows += await self._store.fetchall(
            f"SELECT {_COLUMNS} FROM debates WHERE guild_id = ? AND closed_at IS NOT NULL{where}"
            " ORDER BY closed_at DESC, id DESC LIMIT ?", (guild_id, *params, closed))
        return [await _debate(self._store, row) for row in rows]

    async def count_open(self, guild_id: int, *, channels: Collection[int] | None = None) -> int:
        where, params = _in_channels(channels)
        return int(await _scalar(self._store, f"SELECT COUNT(*) FROM debates WHERE guild_id = ? AND closed_at IS NULL"
                                              f"{where}", (guild_id, *params)))

    async def matching(self, guild_id: int, text: str, *, accepts: Accepts = Accepts.ANY, limit: int = 25,
                       channels: Collection[int] | None = None) -> list[Debate]:
        """This server's debates whose motion matches what was typed so far (for autocomplete), of those the
        command `accepts`; with `channels`, only those held in these channels."""
        where, params = _in_channels(channels)
        rows = await self._store.fetchall(
            f"SELECT id, motion FROM debates WHERE guild_id = ? AND ({_ACCEPTS[accepts]}){where}"
            " ORDER BY closed_at IS NOT NULL, id DESC LIMIT 500", (guild_id, *params))
        if text.strip():
            motions = {row["id"]: fold(row["motion"]) for row in rows}
            ids = [key for _, _, key in process.extract(fold(text), motions, scorer=fuzz.partial_ratio,
                                                         limit=limit, score_cutoff=60)]
        else:
            ids = [row["id"] for row in rows[:limit]]
        return [await self.get(guild_id, debate_id) for debate_id in ids]


def _in_channels(channels: Collection[int] | None) -> tuple[str, tuple]:
    """A WHERE clause keeping debates held in these channels (None: in any), and its parameter."""
    if channels is None:
        return "", ()
    return " AND channel_id IN (SELECT value FROM json_each(?))", (json.dumps(list(channels)),)


def _may_vote(debate: Debate, member_roles: frozenset[int] | set[int], now: datetime) -> Debate:
    if not debate.accepts_votes_at(now):
        raise DebateClosed(debate.closed_at or debate.closes_at)
    if debate.role_id is not None and debate.role_id not in member_roles:
        raise RoleRequired(debate.role_id)
    return debate


async def _close(db: aiosqlite.Connection, debate: Debate, now: datetime) -> Debate:
    """Close inside the caller's transaction. A secret debate's key is deleted here: its hashes now lead nowhere.
    A debate with hidden results writes its stance entries now, since entries written live would show the tally.
    An Oxford debate whose scheduled closing vote began before the scheduler moved it there moves there now: the
    ballots cast since were counted as closing votes, and the results must count them (the closed debate is never
    announced as advanced: only open ones are)."""
    if debate.round_at(now) != debate.round:
        await db.execute("UPDATE debates SET round = 2 WHERE id = ?", (debate.id,))
    await db.execute("UPDATE debates SET closed_at = ? WHERE id = ?", (to_stamp(now), debate.id))
    await db.execute("DELETE FROM debate_ballot_keys WHERE debate_id = ?", (debate.id,))
    if debate.topic_id is not None and debate.hide_results:
        await _log_hidden_votes(db, debate)
    log.info("debate %s closed", debate.id)
    return await _load(db, debate.guild_id, debate.id)


async def _log_vote(db: aiosqlite.Connection, debate: Debate, *, member_id: int, stance: str, reason: str | None,
                    at: datetime) -> None:
    """A recorded vote in the members' stance log, inside the caller's transaction. Secret ballots and
    multiple-choice polls never come here: they have no topic (a stance is one of the topic's stances)."""
    await log_stance(db, guild_id=debate.guild_id, topic_id=debate.topic_id, member_id=member_id, stance=stance,
                     reason=reason, source=f"debate:{debate.id}", at=at)


async def _log_hidden_votes(db: aiosqlite.Connection, debate: Debate) -> None:
    """Replay every ballot cast (changes and both Oxford rounds included) into the stance log, in the order and
    with the times they were cast: the log ends up as if each vote had been logged when it was cast."""
    rows = await _rows(db, "SELECT voter, choices, reason, cast_at FROM debate_vote_history WHERE debate_id = ?"
                           " ORDER BY id", (debate.id,))
    for row in rows:
        if not is_member_id(row["voter"]):  # a forgotten member's pseudonym; not possible while open, but never log it
            continue
        label = debate.options[int(row["choices"].split(",")[0])]
        await _log_vote(db, debate, member_id=int(row["voter"]), stance=label, reason=row["reason"],
                        at=from_stamp(row["cast_at"]))


async def _ballot_key(db: aiosqlite.Connection, debate: Debate) -> bytes:
    return await _scalar(db, "SELECT key FROM debate_ballot_keys WHERE debate_id = ?", (debate.id,))


async def _rows(source: Store | aiosqlite.Connection, sql: str, params: tuple) -> list[sqlite3.Row]:
    """Read through the store, or through the connection inside a transaction the caller holds."""
    if isinstance(source, Store):
        return await source.fetchall(sql, params)
    async with source.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def _scalar(db: Store | aiosqlite.Connection, sql: str, params: tuple) -> object:
    rows = await _rows(db, sql, params)
    return rows[0][0] if rows else None


async def _load(db: Store | aiosqlite.Connection, guild_id: int, debate_id: int) -> Debate:
    """The debate with this id in this server; another server's debate is as good as missing."""
    in_range = 0 < debate_id <= MAX_ROWID  # a typed or crafted id SQLite could not even compare
    rows = in_range and await _rows(db, f"SELECT {_COLUMNS} FROM debates WHERE id = ? AND guild_id = ?",
                                    (debate_id, guild_id))
    if not rows:
        raise NotFound(_NO_SUCH_DEBATE)
    return await _debate(db, rows[0])


async def _debate(db: Store | aiosqlite.Connection, row: sqlite3.Row) -> Debate:
    labels = await _rows(db, "SELECT label FROM debate_options WHERE debate_id = ? ORDER BY position", (row["id"],))
    options = tuple(r["label"] for r in labels)
    return Debate(
        id=row["id"], guild_id=row["guild_id"], channel_id=row["channel_id"], message_id=row["message_id"],
        thread_id=row["thread_id"], author_id=row["author_id"], motion=row["motion"], format=Format(row["format"]),
        options=options, max_choices=row["max_choices"], secret=bool(row["secret"]),
        hide_results=bool(row["hide_results"]), role_id=row["role_id"], quorum=row["quorum"], round=row["round"],
        topic_id=row["topic_id"], outcome=row["outcome"], created_at=from_stamp(row["created_at"]),
        advance_at=from_stamp(row["advance_at"]), closes_at=from_stamp(row["closes_at"]),
        closed_at=from_stamp(row["closed_at"]))
