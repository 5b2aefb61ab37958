"""Searching the library's passages: a query's FTS5 candidates among the essays a server sees, re-ranked by words
(core.search) and, for questions and claims, by meaning, then read back as citable results.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence

import numpy as np

from .errors import InvalidInput, NotFound
from .meaning.vectors import PassageVectors
from .passage_records import PASSAGE_SELECT, PassageRecord, SearchResult, passage_record, visible_to
from .search import (CANDIDATES, MEANING_MIN_WORDS, RETRIEVAL_BUDGET, Candidate, plan_query, quotes_a_passage, rank,
                     score_words)
from .store import MAX_ROWID, Store
from .text import echo, fold, pieces
from .vocabulary import Vocabulary

log = logging.getLogger(__name__)

MAX_QUERY = 300
# A query whose words are all very common scores only the newest this-many passages holding them (BM25 costs
# a couple of microseconds a passage); rarer words never come near it.
RANK_CAP = 2500
MAX_RESULTS = 25
# /compare wants each essay's best passage, not the best passages overall: it re-ranks each essay's best few by
# BM25, so a passage-rich essay does not crowd the others out (among the newest RANK_CAP matches, as any search).
COMPARE_PER_ESSAY = 5
COMPARE_CANDIDATES = 500


def clean_query(query: str) -> str:
    """The query with its whitespace tidied; InvalidInput if it is empty or too long to be a search."""
    query = " ".join(query.split())
    if not query:
        raise InvalidInput("Type a few words to search for.")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"That search is too long: keep it under {MAX_QUERY} characters.")
    return query


def unknown_words_note(unknown_words: Sequence[tuple[str, Sequence[str]]], matched: set[str]) -> str | None:
    """A sentence naming the typed words no essay uses, each with the spellings searched in its place that the
    results shown did match (the others may be words only another server's uploads hold)."""
    if not unknown_words:
        return None
    said = []
    for word, spellings in unknown_words:
        found = [s for s in spellings if matched.issuperset(s.split())]
        searched = " (searched for " + ", ".join(f"\u201c{s}\u201d" for s in found) + ")" if found else ""
        said.append(f"\u201c{word}\u201d{searched}")
    return "No essay uses " + " or ".join(said) + "."


def _matches(hidden: set[int]) -> tuple[str, tuple[str, ...]]:
    """FROM and WHERE for passages matching a full-text query (its parameter, then a rowid range's two) outside
    the `hidden` essays, and the parameters that leaving them out adds."""
    if not hidden:  # only a server that does not see every essay pays for looking up each match's essay
        return "FROM passage_index WHERE passage_index MATCH ? AND passage_index.rowid BETWEEN ? AND ?", ()
    return ("FROM passage_index JOIN passages q ON q.id = passage_index.rowid WHERE passage_index MATCH ?"
            " AND passage_index.rowid BETWEEN ? AND ? AND q.essay_id NOT IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(hidden)),))


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_RESULTS:
        raise InvalidInput(f"Ask for between 1 and {MAX_RESULTS} results.")


class PassageSearch:
    """The library's search. It reads the vocabulary through the library, which keeps it in step with the index."""

    def __init__(self, store: Store, vectors: PassageVectors | None,
                 vocabulary: Callable[[], Awaitable[Vocabulary]]) -> None:
        self._store = store
        self._vectors = vectors  # None: search matches words only
        self._vocabulary = vocabulary

    async def search(self, query: str, *, essay: str | None = None, limit: int = 5,
                     guild: int | None = None) -> list[SearchResult]:
        query = clean_query(query)
        _check_limit(limit)
        return await self._results((await self._ranked(query, essay, guild, CANDIDATES, limit))[:limit])

    async def unknown_words_note(self, query: str, results: Sequence[SearchResult], *,
                                 guild: int | None = None) -> str | None:
        """What `unknown_words_note` says of this query, given the results it gave; None when the essays this
        server sees use every word of it. Each word is looked up among those essays alone (the vocabulary is every
        server's), so the note never tells one server which words another's uploads hold."""
        plan = plan_query(clean_query(query), await self._vocabulary())
        spellings = dict(plan.unknown_words)
        searched = {group.word for group in plan.groups} | spellings.keys()
        matches, unseen = _matches(await self._hidden_essay_ids(guild) if guild is not None else set())
        unknown = []
        for word in dict.fromkeys(w for w in pieces(fold(query)) if w in searched):
            # A word the vocabulary knows may still be only in essays this server does not see.
            if word in spellings or not await self._store.fetchone(f"SELECT 1 {matches} LIMIT 1",
                                                                   (f'"{word}"', 0, MAX_ROWID, *unseen)):
                unknown.append((word, spellings.get(word, ())))
        return unknown_words_note(unknown, {word for result in results for word in result.matched})

    async def best_per_essay(self, topic: str, *, guild: int | None = None, essays: int = MAX_RESULTS,
                             at_least: int = 0) -> list[SearchResult]:
        """The most relevant passage of each essay (up to `essays` of them), best first, then the next best
        passages if that makes fewer than `at_least`. Ranks more candidates than a search, so that essays behind
        a few passage-rich ones still get their say."""
        ranked = await self._ranked(clean_query(topic), None, guild, COMPARE_CANDIDATES, MAX_RESULTS,
                                    per_essay=COMPARE_PER_ESSAY)
        best: dict[int, Candidate] = {}
        for candidate in ranked:
            best.setdefault(candidate.essay_id, candidate)
        picked = list(best.values())[:essays]
        extra = [c for c in ranked if c not in picked][: max(0, at_least - len(picked))]
        return await self._results(picked + extra)

    async def _ranked(self, query: str, essay: str | None, guild: int | None, pool: int,
                      wanted: int, per_essay: int | None = None) -> list[Candidate]:
        """Up to `pool` passages for the query that this server sees, best first (at most `per_essay` of each
        essay, if given); a strict retrieval that finds fewer than `wanted` gives way to a looser one."""
        essay_id = None
        if essay is not None:
            visible, params = visible_to(guild)
            row = await self._store.fetchone(f"SELECT e.id FROM essays e WHERE e.slug = ? AND {visible}",
                                             (essay, *params))
            if row is None:
                raise NotFound(f"There is no essay '{echo(essay)}' in the library.")
            essay_id = row["id"]
        plan = plan_query(query, await self._vocabulary())
        if not plan.groups:
            return []
        hidden = await self._hidden_essay_ids(guild) if guild is not None else set()
        rows: list[sqlite3.Row] = []
        for fts_query in plan.fts_queries(RETRIEVAL_BUDGET):
            rows = await self._candidates(fts_query, essay_id, pool, hidden, per_essay)
            if len(rows) >= wanted:
                break
        candidates = [Candidate(row["id"], row["essay_id"], row["score"], row["body"]) for row in rows]
        # Questions and claims are weighed by meaning too, the query being encoded on another core meanwhile;
        # names, keywords and the text quoted back (typos and all) are not: their words say which passage it is.
        meaning = (asyncio.ensure_future(self._vectors.encode_query(query))
                   if self._vectors is not None and candidates and plan.word_count >= MEANING_MIN_WORDS
                   and not quotes_a_passage(plan, candidates) else None)
        score_words(plan, candidates)
        if meaning is not None:
            await self._weigh_meaning(candidates, meaning)
        return rank(candidates, diversify=essay_id is None)

    async def _results(self, ranked: list[Candidate]) -> list[SearchResult]:
        details = await self._records_by_id([c.passage_id for c in ranked])
        return [
            SearchResult(
                passage_id=details[c.passage_id].key, essay_slug=details[c.passage_id].essay_slug,
                title=details[c.passage_id].title, author=details[c.passage_id].author,
                section=details[c.passage_id].section, paragraph=details[c.passage_id].paragraph,
                score=c.score, text=details[c.passage_id].text, matched=c.matched)
            for c in ranked
        ]

    async def _weigh_meaning(self, candidates: list[Candidate], query_vector: Awaitable[np.ndarray]) -> None:
        """Give each candidate its closeness of meaning to the query, if every one of them has a vector yet."""
        stored = await self._vectors.of([c.passage_id for c in candidates])
        vector = await query_vector
        if stored is not None:
            for candidate, closeness in zip(candidates, stored @ vector):
                candidate.meaning = float(closeness)

    async def _candidates(self, fts_query: str, essay_id: int | None, pool: int, hidden: set[int],
                          per_essay: int | None) -> list[sqlite3.Row]:
        """The best `pool` passages by BM25 (at most `per_essay` of each essay, if given), leaving out the `hidden`
        essays before choosing, and scoring at most RANK_CAP matching passages (the newest) for common words."""
        low, high = 0, MAX_ROWID
        if essay_id is not None:
            low, high = await self._store.fetchone("SELECT MIN(id), MAX(id) FROM passages WHERE essay_id = ?",
                                                   (essay_id,))
        matches, unseen = _matches(hidden)
        try:
            row = await self._store.fetchone(f"SELECT passage_index.rowid {matches} ORDER BY passage_index.rowid DESC LIMIT 1 OFFSET ?",
                                             (fts_query, low, high, *unseen, RANK_CAP))
            window = (fts_query, row[0] if row else low, high, *unseen)
            if per_essay is None:
                return await self._store.fetchall(
                    f"SELECT c.id, c.score, p.essay_id, p.body FROM (SELECT passage_index.rowid AS id, bm25(passage_index) AS score"
                    f" {matches} ORDER BY score LIMIT ?) c JOIN passages p ON p.id = c.id"
                    " WHERE ? IS NULL OR p.essay_id = ?", (*window, pool, essay_id, essay_id))
            return await self._store.fetchall(
                "SELECT id, score, essay_id, body FROM (SELECT c.id, c.score, p.essay_id, p.body, ROW_NUMBER() OVER"
                " (PARTITION BY p.essay_id ORDER BY c.score) AS place FROM (SELECT passage_index.rowid AS id,"
                f" bm25(passage_index) AS score {matches}) c JOIN passages p ON p.id = c.id)"
                " WHERE place <= ? ORDER BY score LIMIT ?", (*window, per_essay, pool))
        except sqlite3.OperationalError:
            log.exception("full-text query failed (%d characters; what members type is not logged)", len(fts_query))
            return []

    async def _hidden_essay_ids(self, guild: int) -> set[int]:
        """Essays this server does not see: other servers' uploads and the bundled essays it removed."""
        visible, params = visible_to(guild)
        rows = await self._store.fetchall(f"SELECT e.id FROM essays e WHERE NOT {visible}", params)
        return {row["id"] for row in rows}

    async def _records_by_id(self, ids: list[int]) -> dict[int, PassageRecord]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self._store.fetchall(PASSAGE_SELECT.replace("SELECT", "SELECT p.id AS pid,", 1)
                                          + f" WHERE p.id IN ({marks})", ids)
        return {row["pid"]: passage_record(row) for row in rows}
