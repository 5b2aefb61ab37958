"""/position autocomplete never raises: a failure while a member types gives no suggestions and is logged."""

from __future__ import annotations

import logging
import sqlite3
from types import SimpleNamespace

import pytest

from cogs.positions._cog import Positions


class Broken:
    """A service whose every call fails as a locked or closed database would."""

    def __getattr__(self, name: str):
        async def fail(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")
        return fail


def cog() -> Positions:
    return Positions(SimpleNamespace(services=SimpleNamespace(positions=Broken(), library=Broken(), debates=Broken())))


def typing(**options: str) -> SimpleNamespace:
    return SimpleNamespace(id=1, guild_id=10, guild=None, command=None, user=SimpleNamespace(id=5),
                           namespace=SimpleNamespace(**options))


@pytest.mark.parametrize(("handler", "options"), [
    ("topic_autocomplete", {}),
    ("stance_autocomplete", {"topic": "China policy"}),
    ("passage_autocomplete", {"topic": "China policy", "stance": "support"}),
])
async def test_a_failing_lookup_while_typing_gives_no_choices_and_is_logged(handler, options, caplog):
    with caplog.at_level(logging.ERROR, logger="cogs.positions._cog"):
        choices = await getattr(cog(), handler)(typing(**options), "chin")
    assert choices == []
    assert [r.exc_info[0] for r in caplog.records] == [sqlite3.OperationalError]


class Recording:
    """A positions service that remembers what topic autocomplete asked for."""

    def __init__(self) -> None:
        self.asked: dict = {}

    async def topic_names(self, guild_id, typed, **kwargs) -> list[str]:
        self.asked = kwargs
        return []


@pytest.mark.parametrize(("command", "member", "holder"), [
    ("set", None, 5), ("forget", None, 5), ("history", None, 5), ("history", 5, 5),
    ("history", 6, None), ("summary", None, None), ("report", None, None),
])
async def test_topic_suggestions_include_a_members_own_hidden_topics_only_where_they_see_their_own_data(
        command, member, holder):
    positions = Recording()
    cog = Positions(SimpleNamespace(services=SimpleNamespace(positions=positions, library=Broken(), debates=Broken())))
    interaction = typing(**({} if member is None else {"member": SimpleNamespace(id=member)}))
    interaction.command = SimpleNamespace(name=command)
    await cog.topic_autocomplete(interaction, "treasurer")
    assert positions.asked["holder"] == holder
    assert positions.asked["channels"] == set()  # not an organizer, in no guild's channels: debate topics hidden
