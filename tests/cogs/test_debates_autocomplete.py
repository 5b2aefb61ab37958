"""Debate autocomplete answers with suggestions, or with none, but never with an error."""

from __future__ import annotations

import logging
import sqlite3
from types import SimpleNamespace

from cogs.debates._cog import DebateRef
from core.debates import Accepts, DebateRepo, Format, build_spec


class FailingDebates:
    """Stands in for the repository only to make it fail, which a real database does not on demand."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def matching(self, guild_id: int, text: str, *, accepts: Accepts, limit: int, channels: set[int] | None):
        raise self.error


SEEN, UNSEEN = 10, 20  # the ids of a channel the member can view, and of one they cannot


def interaction(debates) -> SimpleNamespace:
    channels = [SimpleNamespace(id=n, permissions_for=lambda who, n=n: SimpleNamespace(view_channel=n == SEEN))
                for n in (SEEN, UNSEEN)]
    return SimpleNamespace(guild_id=1, guild=SimpleNamespace(id=1, channels=channels), user=None,
                           client=SimpleNamespace(services=SimpleNamespace(debates=debates)))


async def test_autocomplete_suggests_by_motion_the_debates_the_member_can_see_within_the_name_limit(store):
    repo = DebateRepo(store)
    for channel, motion in ((SEEN, "The chapter joins the coalition " + "x" * 200), (UNSEEN, "The coalition budget"),
                            (SEEN, "Housing")):
        await repo.start(build_spec(motion=motion, format=Format.OXFORD), guild_id=1, channel_id=channel,
                         author_id=3)
    [choice] = await DebateRef(Accepts.ANY).autocomplete(interaction(repo), "coalition")
    assert choice.value == "1" and choice.name.startswith("#1 The chapter") and len(choice.name) <= 100


async def test_autocomplete_that_fails_logs_and_suggests_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="cogs.debates._cog"):
        choices = await DebateRef(Accepts.ANY).autocomplete(
            interaction(FailingDebates(sqlite3.OperationalError("locked"))), "co")
    assert choices == []
    assert "debate autocomplete failed" in caplog.text and "OperationalError" in caplog.text
