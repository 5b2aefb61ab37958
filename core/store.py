"""The one SQLite database: connection, pragmas, transactions and numbered migrations.

Migrations are the files in `core/migrations/` named `NNNN_what.sql`; each runs in its own transaction together
with the `PRAGMA user_version` bump, so a database is always at exactly one version. They only ever add.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from .errors import Conflict, Unavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
# A checkpoint waits this long for another process's readers (a backup, `check`), then retries in the background:
# every write of the bot queues behind it, and a member's click has 3 seconds to be answered.
CHECKPOINT_WAIT_MS = 100
CHECKPOINT_RETRY_S = 5.0
MAX_ROWID = 2**63 - 1  # SQLite's largest integer key
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


async def _connect(target: Path | str, path: Path, *, uri: bool = False) -> aiosqlite.Connection:
    """A connection to `target` (a path, or with `uri` a file: URI), or Unavailable naming `path` and saying why."""
    try:
        # A failed connect is reported here: in aiosqlite's thread it would outlive the event loop.
        if str(target) != ":memory:":
            sqlite3.connect(target, uri=uri).close()
        db = await aiosqlite.connect(target, uri=uri, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise Unavailable(f"The database {path} cannot be opened ({exc}): check DATABASE_PATH.") from None
    db.row_factory = sqlite3.Row
    return db


def newer_schema(path: Path, version: int, known: int) -> Conflict:
    """The refusal for a database that a newer version of the bot (schema `version`, this one `known`) upgraded."""
    return Conflict(f"{path.name} was written by a newer version of the bot (schema {version}; this one knows "
                    f"{known}). Update the bot, or restore a backup this version made.")


class Store:
    """Owns the aiosqlite connection. Use `async with Store.open(path) as store:`; writes go through `transaction()`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        # One connection serves every task, so write transactions must not interleave.
        self._write_lock = asyncio.Lock()
        self._checkpoint_retry: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating it if need be) the database at `path`; raises Unavailable, saying why, if it can't be used."""
        path = Path(path)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unavailable(f"The database {path} cannot be opened ({exc}): check DATABASE_PATH.") from None
        db = await _connect(path, path)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # FULL: a commit is on disk before the member is told it happened, even across a power cut.
            await db.execute("PRAGMA synchronous=FULL")
            # Deleted rows are overwritten with zeros, not just unlinked: a closed secret debate's ballot key must
            # not linger in free space. `checkpoint()` then clears the older copies the WAL file still holds.
            await db.execute("PRAGMA secure_delete=ON")
            await db.execute("PRAGMA user_version")  # reads the file: one that is not a database fails here
        except sqlite3.Error as exc:
            await db.close()  # its thread would otherwise keep the process alive
            raise Unavailable(f"The database {path} cannot be used ({exc}): check DATABASE_PATH.") from None
        return cls(db, path)

    @classmethod
    async def open_read_only(cls, path: Path) -> Store:
        """Open an existing database without changing anything in it (for `check`); raises Unavailable if it is
        missing or can't be read."""
        db = await _connect(f"{path.resolve().as_uri()}?mode=ro", path, uri=True)
        try:
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA user_version")
        except sqlite3.Error as exc:
            await db.close()
            raise Unavailable(f"The database {path} cannot be used ({exc}): check DATABASE_PATH.") from None
        return cls(db, path)

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._checkpoint_retry is not None:
            self._checkpoint_retry.cancel()  # closing the last connection checkpoints anyway
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpoint_retry  # so it is not mid-statement when the connection goes
        await self._db.close()

    async def has_table(self, name: str) -> bool:
        return await self.fetchone("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    async def version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0])

    async def migrate(self, *, target: int | None = None) -> list[int]:
        """Apply pending migrations up to `target` (default: all). Returns the versions applied."""
        applied = []
        migrations = available_migrations()
        async with self._write_lock:
            current = await self.version()
            if current > len(migrations):
                # An older bot must not write to a schema it does not know (after going back a version, say).
                raise newer_schema(self.path, current, len(migrations))
            for migration in migrations:
                if migration.version <= current or (target is not None and migration.version > target):
                    continue
                script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
                try:
                    await self._db.executescript(script)
                except sqlite3.Error:
                    if self._db.in_transaction:
                        await self._db.rollback()
                    raise
                log.info("applied migration %s", migration.name)
                applied.append(migration.version)
        return applied

    @asynccontextmanager
    async def transaction(self, *, wait_ms: int = BUSY_TIMEOUT_MS) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction, committed when the block ends and rolled back if it raises.

        `wait_ms` bounds how long to wait for another process's write lock (then sqlite3.OperationalError):
        background work passes a short wait, so it never holds up the connection members' commands use."""
        async with self._write_lock:
            if wait_ms != BUSY_TIMEOUT_MS:
                await self._db.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
            try:
                await self._db.execute("BEGIN IMMEDIATE")
            finally:
                if wait_ms != BUSY_TIMEOUT_MS:
                    await self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                raise
            else:
                await self._db.commit()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement in its own transaction; returns the rows changed."""
        async with self.transaction() as db:
            cursor = await db.execute(sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as db:
            await db.executemany(sql, rows)

    async def checkpoint(self) -> bool:
        """Copy the WAL into the database file and truncate the WAL, so what was deleted survives in neither.

        Returns False if another connection's reader kept SQLite from finishing within CHECKPOINT_WAIT_MS; the
        checkpoint is then retried in the background until it finishes, and meanwhile older copies of deleted rows
        remain in the WAL file.
        """
        if await self._try_checkpoint():
            return True
        log.warning("checkpoint of %s could not finish: another connection is reading; retrying", self.path.name)
        if self._checkpoint_retry is None or self._checkpoint_retry.done():
            self._checkpoint_retry = asyncio.create_task(self._checkpoint_later())
        return False

    async def _try_checkpoint(self) -> bool:
        async with self._write_lock:
            await self._db.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            try:
                row = await self.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return not (row and row[0])

    async def _checkpoint_later(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_RETRY_S)
            if await self._try_checkpoint():
                log.info("checkpoint of %s finished", self.path.name)
                return

    async def backup(self, destination: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup), safe while the bot writes."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        target = await aiosqlite.connect(destination)
        try:
            await self._db.backup(target)
        finally:
            await target.close()
