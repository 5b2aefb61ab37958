"""Snowflake ids that encode real timestamps, as Discord's do.

discord.py derives ``created_at`` (and with it an interaction's expiry) from an id, so ids made of
counters would make every object look 50 years old.
"""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeGenerator:
    """Monotonic snowflakes: timestamp in the top 42 bits, a counter in the low 22."""

    def __init__(self, worker: int = 1) -> None:
        self._worker = worker & 0x1F
        self._counter = itertools.count()
        self._last = 0

    def next(self, at: float | None = None) -> int:
        ms = int((time.time() if at is None else at) * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (self._worker << 17) | (next(self._counter) & 0xFFF)
        # Never hand out the same id twice, even within one millisecond.
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value


def snowflake_time(snowflake: int) -> float:
    """Unix time in seconds encoded in ``snowflake``."""
    return ((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000
