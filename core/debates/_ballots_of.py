"""A member's own ballots, for their data export (/position export): read only, inside the caller's connection."""

from __future__ import annotations

import aiosqlite

from ..positions import Ballot
from ._duration import from_stamp


async def ballots_of(db: aiosqlite.Connection, *, guild_id: int, member_id: int) -> list[Ballot]:
    """Every ballot the member cast in this server's recorded debates, changes included, oldest first.

    Secret ballots are left out: they are stored under a keyed hash, never the member id. So are ballots the
    member asked to forget (their id is replaced by a pseudonym)."""
    async with db.execute(
            "SELECT h.debate_id, d.motion, h.round, h.choices, h.reason, h.cast_at FROM debate_vote_history h"
            " JOIN debates d ON d.id = h.debate_id WHERE d.guild_id = ? AND d.secret = 0 AND h.voter = ?"
            " ORDER BY h.cast_at, h.id", (guild_id, str(member_id))) as cursor:
        rows = list(await cursor.fetchall())
    labels: dict[int, dict[int, str]] = {}
    for debate_id in {row["debate_id"] for row in rows}:
        async with db.execute("SELECT position, label FROM debate_options WHERE debate_id = ?",
                              (debate_id,)) as cursor:
            labels[debate_id] = {option["position"]: option["label"] for option in await cursor.fetchall()}
    return [Ballot(row["debate_id"], row["motion"], row["round"],
                   tuple(labels[row["debate_id"]][int(i)] for i in row["choices"].split(",")), row["reason"],
                   from_stamp(row["cast_at"])) for row in rows]
