"""A member's right to be forgotten, as far as debates go (called by positions' `/position forget`)."""

from __future__ import annotations

import aiosqlite

from ._ballots import pseudonym, voter_for


async def forget_member(db: aiosqlite.Connection, *, guild_id: int, member_id: int, topic_id: int | None = None,
                        dry_run: bool = False) -> int:
    """Inside the caller's transaction: withdraw the member's ballots from open debates (of the topic's debate, or
    every debate in the server) and, in closed recorded debates, keep only their final ballots, under a random
    pseudonym, without reasons or times, so counts and Oxford pairings stay but the person does not. Returns the
    ballots affected; with `dry_run`, only counts them (so a member with nothing but ballots is not told there is
    nothing to forget)."""
    sql = "SELECT d.id, d.closed_at, d.secret, k.key FROM debates d LEFT JOIN debate_ballot_keys k ON k.debate_id = d.id"
    sql += " WHERE d.guild_id = ?" + (" AND d.topic_id = ?" if topic_id is not None else "")
    params = (guild_id, topic_id) if topic_id is not None else (guild_id,)
    async with db.execute(sql, params) as cursor:
        debates = list(await cursor.fetchall())
    affected = 0
    for debate in debates:
        if dry_run:
            if debate["closed_at"] is None or not debate["secret"]:
                voter = voter_for(member_id, debate["key"] if debate["secret"] else None)
                async with db.execute("SELECT COUNT(*) FROM debate_votes WHERE debate_id = ? AND voter = ?",
                                      (debate["id"], voter)) as counted:
                    affected += (await counted.fetchone())[0]
            continue
        if debate["closed_at"] is None:
            voter = voter_for(member_id, debate["key"] if debate["secret"] else None)
            cursor = await db.execute("DELETE FROM debate_votes WHERE debate_id = ? AND voter = ?", (debate["id"], voter))
            await db.execute("DELETE FROM debate_vote_history WHERE debate_id = ? AND voter = ?", (debate["id"], voter))
        elif not debate["secret"]:  # closed secret ballots are already tied to nobody
            # What is left is a count: an anonymous ballot per round, timed at the close, with no trail of changes.
            cursor = await db.execute(
                "UPDATE debate_votes SET voter = ?, reason = NULL, cast_at = ? WHERE debate_id = ? AND voter = ?",
                (pseudonym(), debate["closed_at"], debate["id"], str(member_id)))
            await db.execute("DELETE FROM debate_vote_history WHERE debate_id = ? AND voter = ?",
                             (debate["id"], str(member_id)))
        else:
            continue
        affected += cursor.rowcount
    return affected
