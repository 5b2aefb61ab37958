from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest

from core.errors import Conflict
import core.store as store_module
from core.store import Store, available_migrations


async def test_migrations_bring_an_empty_database_to_the_latest_version(tmp_path: Path):
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        applied = await store.migrate()
        assert applied == [m.version for m in available_migrations()]
        assert await store.version() == len(available_migrations())
        assert await store.migrate() == []  # idempotent


async def test_each_migration_keeps_the_data_written_at_the_previous_version(tmp_path: Path):
    path = tmp_path / "db.sqlite3"
    latest = len(available_migrations())
    for previous in range(1, latest):
        target = tmp_path / f"v{previous}.sqlite3"
        async with await Store.open(target) as store:
            await store.migrate(target=previous)
            await store.execute(
                "INSERT INTO essays (slug, title, source, origin, content_hash) VALUES ('kept', 'Kept', 'f.md', 'folder', 'h')")
        async with await Store.open(target) as store:
            assert await store.version() == previous
            await store.migrate()
            assert await store.version() == latest
            row = await store.fetchone("SELECT title FROM essays WHERE slug = 'kept'")
            assert row["title"] == "Kept"
    assert not path.exists()



async def test_a_database_from_a_newer_bot_is_refused_and_left_as_it_was(tmp_path: Path):
    newer = len(available_migrations()) + 1
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.migrate()
        await store.execute(f"PRAGMA user_version = {newer}")
        with pytest.raises(Conflict, match="newer version of the bot"):
            await store.migrate()
        assert await store.version() == newer

async def test_connection_uses_wal_foreign_keys_a_busy_timeout_and_secure_delete(store: Store):
    assert (await store.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await store.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await store.fetchone("PRAGMA busy_timeout"))[0] >= 1000
    assert (await store.fetchone("PRAGMA secure_delete"))[0] == 1


async def test_a_failed_transaction_leaves_nothing_behind(store: Store):
    with pytest.raises(sqlite3.IntegrityError):
        async with store.transaction() as db:
            await db.execute("INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (1, 5)")
            await db.execute("INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (1, 6)")
    assert await store.fetchone("SELECT * FROM guild_settings") is None


async def test_backup_is_a_readable_copy_while_the_source_stays_open(store: Store, tmp_path: Path):
    await store.execute("INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (7, 8)")
    copy = tmp_path / "backup" / "copy.sqlite3"
    await store.backup(copy)
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT organizer_role_id FROM guild_settings WHERE guild_id = 7").fetchone() == (8,)


async def test_a_deleted_row_is_gone_from_the_files_after_a_checkpoint(store: Store):
    secret = os.urandom(32)
    wal = store.path.with_name(store.path.name + "-wal")
    await store.execute("INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (1, 2)")
    await store.execute("CREATE TABLE scratch (value BLOB)")
    await store.execute("INSERT INTO scratch (value) VALUES (?)", (secret,))
    assert await store.checkpoint()
    assert secret in store.path.read_bytes() and wal.stat().st_size == 0
    await store.execute("DELETE FROM scratch")
    assert await store.checkpoint()
    assert secret not in store.path.read_bytes() and wal.stat().st_size == 0
    assert (await store.fetchone("SELECT organizer_role_id FROM guild_settings WHERE guild_id = 1"))[0] == 2


async def test_a_reader_elsewhere_delays_a_checkpoint_briefly_then_it_finishes_in_the_background(
        store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(store_module, "CHECKPOINT_RETRY_S", 0.05)
    secret = os.urandom(32)
    wal = store.path.with_name(store.path.name + "-wal")
    await store.execute("CREATE TABLE scratch (value BLOB)")
    await store.execute("INSERT INTO scratch (value) VALUES (?)", (secret,))
    reader = sqlite3.connect(store.path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM scratch").fetchone()  # holds a snapshot that still has the secret
    await store.execute("DELETE FROM scratch")
    statements: list[str] = []
    await store._db.set_trace_callback(statements.append)
    assert not await store.checkpoint()
    # It waited the short time, not the 5 s busy timeout every vote and command would queue behind, then put that
    # back for everything else.
    waits = [s for s in statements if s.startswith("PRAGMA busy_timeout")]
    assert waits == [f"PRAGMA busy_timeout={store_module.CHECKPOINT_WAIT_MS}",
                     f"PRAGMA busy_timeout={store_module.BUSY_TIMEOUT_MS}"]
    assert (await store.fetchone("PRAGMA busy_timeout"))[0] == store_module.BUSY_TIMEOUT_MS
    await store._db.set_trace_callback(None)
    await store.execute("INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (3, 4)")  # writes go on
    reader.close()
    for _ in range(100):
        if wal.stat().st_size == 0:
            break
        await asyncio.sleep(0.05)
    assert wal.stat().st_size == 0 and secret not in store.path.read_bytes()
