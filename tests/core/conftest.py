"""Fixtures for core tests that need debates and positions together, on the shared real SQLite store."""

from __future__ import annotations

import pytest

from core.debates import DebateRepo, ballots_of, forget_member
from core.positions import PositionLog
from core.store import Store


@pytest.fixture
def debates(store: Store) -> DebateRepo:
    return DebateRepo(store)


@pytest.fixture
def positions(store: Store) -> PositionLog:
    """The position log wired to the debates tables, as the bot wires it."""
    return PositionLog(store, forget_votes=forget_member, read_ballots=ballots_of)
