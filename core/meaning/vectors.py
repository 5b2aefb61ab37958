"""Passage vectors in the database: encoded in the background after indexing, read back to rank by meaning.

Encoding is slow next to indexing (about 65 passages a second on one core), so the library never waits for it: new
passages are searchable by their words at once and by their meaning once their vectors are in. A query uses
meaning only when every candidate has a vector, so results never depend on how far the encoding has got.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import OrderedDict

import numpy as np

from ..store import Store
from .model import MODEL_ID, SentenceModel, from_blobs, to_blob

log = logging.getLogger(__name__)

BATCH = 32  # passages encoded per transaction: about half a second of one core
WRITE_WAIT_MS = 100  # if another process holds the write lock longer, try again later
RETRY_SECONDS = 30.0
RECENT_QUERIES = 256


async def encoding_progress(store: Store) -> tuple[int, int]:
    """(passages with a vector, passages in all); needs no model, so `check` can say it too."""
    row = await store.fetchone("SELECT COUNT(v.passage_id), COUNT(*) FROM passages p"
                               " LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = ?", (MODEL_ID,))
    return row[0], row[1]


class PassageVectors:
    def __init__(self, store: Store, model: SentenceModel) -> None:
        self._store = store
        self._model = model
        self._wanted = asyncio.Event()
        self._wanted.set()  # whatever was indexed before this start may still lack vectors
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def wanted(self) -> None:
        """Passages were added: wake the background encoder."""
        self._wanted.set()

    async def progress(self) -> tuple[int, int]:
        """(passages with a vector, passages in all)."""
        return await encoding_progress(self._store)

    async def pending(self) -> int:
        encoded, total = await self.progress()
        return total - encoded

    async def encode_pending(self, limit: int = BATCH) -> int:
        """Encode up to `limit` passages that have no vector yet; returns how many were stored."""
        rows = await self._store.fetchall(
            "SELECT p.id, p.text FROM passages p LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = ?"
            " WHERE v.passage_id IS NULL ORDER BY p.id LIMIT ?", (MODEL_ID, limit))
        if not rows:
            return 0
        vectors = await asyncio.to_thread(self._model.encode, [row["text"] for row in rows])
        async with self._store.transaction(wait_ms=WRITE_WAIT_MS) as db:
            # The essay may have been re-indexed meanwhile: store a vector only for the very text it was made from.
            await db.executemany(
                "INSERT OR REPLACE INTO passage_vectors (passage_id, model, vector)"
                " SELECT id, ?, ? FROM passages WHERE id = ? AND text = ?",
                [(MODEL_ID, to_blob(vector), row["id"], row["text"]) for row, vector in zip(rows, vectors)])
        return len(rows)

    async def encode_all(self) -> int:
        """Encode every passage still without a vector; returns how many were encoded."""
        done = 0
        while count := await self.encode_pending():
            done += count
        return done

    async def keep_current(self) -> None:
        """Run for the life of the bot: encode new passages whenever essays are indexed."""
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                if pending := await self.pending():
                    log.info("encoding %d passages for search by meaning", pending)
                    await self.encode_all()
                    log.info("search by meaning is up to date")
            except Exception as error:  # must not end encoding for good; a busy database is not worth a traceback
                log.warning("encoding passages paused (%s); trying again in %.0f s", error, RETRY_SECONDS,
                            exc_info=not isinstance(error, sqlite3.OperationalError))
                await asyncio.sleep(RETRY_SECONDS)
                self._wanted.set()

    async def encode_query(self, query: str) -> np.ndarray:
        """The query's vector; recent queries are remembered (many members search for the same motion at once)."""
        if (vector := self._recent.pop(query, None)) is None:
            vector = (await asyncio.to_thread(self._model.encode, [query]))[0]
        self._recent[query] = vector
        while len(self._recent) > RECENT_QUERIES:
            self._recent.popitem(last=False)
        return vector

    async def of(self, passage_ids: list[int]) -> np.ndarray | None:
        """The passages' vectors, one row each in the order given, or None when any of them has none yet."""
        if not passage_ids:
            return None
        marks = ",".join("?" * len(passage_ids))
        rows = await self._store.fetchall(
            f"SELECT passage_id, vector FROM passage_vectors WHERE model = ? AND passage_id IN ({marks})",
            (MODEL_ID, *passage_ids))
        if len(rows) < len(passage_ids):
            return None
        blobs = {row["passage_id"]: row["vector"] for row in rows}
        return from_blobs([blobs[pid] for pid in passage_ids])
