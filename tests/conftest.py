"""Fixtures shared by every test: real SQLite files in tmp_path, the real seeds folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.library import Library
from core.settings import Settings
from core.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_path=tmp_path / "bot.sqlite3", seeds_dir=SEEDS)


@pytest.fixture
async def store(tmp_path: Path):
    store = await Store.open(tmp_path / "test.sqlite3")
    await store.migrate()
    yield store
    await store.close()


@pytest.fixture
async def library(store: Store) -> Library:
    library = Library(store)
    report = await library.sync_folder(SEEDS)
    assert not report.problems
    return library
