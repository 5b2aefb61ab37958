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
    return Positions(SimpleNamespace(services=SimpleNamespace(positions=Broken(), library=Broken())))


def typing(**options: str) -> SimpleNamespace:
    return SimpleNamespace(id=1, guild_id=10, user=SimpleNamespace(id=5), namespace=SimpleNamespace(**options))


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
