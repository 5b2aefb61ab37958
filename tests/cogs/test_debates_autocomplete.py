"""Debate autocomplete answers with suggestions, or with none, but never with an error."""

from __future__ import annotations

import logging
import sqlite3
from types import SimpleNamespace

from cogs.debates._cog import DebateRef


class Debates:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    async def matching(self, guild_id: int, text: str, *, limit: int, channels: set[int] | None):
        if self.error is not None:
            raise self.error
        return [SimpleNamespace(id=7, motion="The chapter joins the coalition " + "x" * 200)]


def interaction(debates: Debates) -> SimpleNamespace:
    return SimpleNamespace(guild_id=1, guild=SimpleNamespace(channels=[]), user=None,
                           client=SimpleNamespace(services=SimpleNamespace(debates=debates)))


async def test_autocomplete_suggests_debates_by_motion_within_the_name_limit():
    [choice] = await DebateRef().autocomplete(interaction(Debates()), "coalition")
    assert choice.value == "7" and choice.name.startswith("#7 The chapter") and len(choice.name) <= 100


async def test_autocomplete_that_fails_logs_and_suggests_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="cogs.debates._cog"):
        choices = await DebateRef().autocomplete(interaction(Debates(sqlite3.OperationalError("locked"))), "co")
    assert choices == []
    assert "debate autocomplete failed" in caplog.text and "OperationalError" in caplog.text
