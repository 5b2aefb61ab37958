"""Recorded debate votes in the members' stance log (core.positions), inside the vote's own transaction.

Secret ballots never come here, and neither do multiple-choice polls: a stance is one of the topic's stances.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from ..positions import ensure_debate_topic, log_stance


async def open_topic(db: aiosqlite.Connection, *, guild_id: int, debate_id: int, motion: str,
                     stances: list[str], at: datetime) -> int:
    return await ensure_debate_topic(db, guild_id=guild_id, debate_id=debate_id, motion=motion, stances=stances,
                                     at=at)


async def record(db: aiosqlite.Connection, *, guild_id: int, topic_id: int, member_id: int, stance: str,
                 reason: str | None, debate_id: int, at: datetime) -> None:
    await log_stance(db, guild_id=guild_id, topic_id=topic_id, member_id=member_id, stance=stance, reason=reason,
                     source=f"debate:{debate_id}", at=at)
