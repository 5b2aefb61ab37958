"""Ranking passages for what members type: half-remembered phrases with typos, keywords, names, questions.

Two stages. SQLite FTS5 (porter stemming, BM25) finds candidates for the query's content words, each word widened
with its likely spelling corrections and compound forms. The candidates are then re-ranked on three signals:
BM25 itself, how many of the query's words the passage covers, and — for longer queries — how close the passage
comes to containing the query verbatim (rapidfuzz), which is what a remembered phrase looks like.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .text import STOPWORDS, fold, joined, parts, words
from .vocabulary import Vocabulary

CANDIDATES = 60
PHRASE_MIN_WORDS = 4
# A word this rare next to a much more frequent near-spelling is treated as a possible typo of it.
RARE_DF = 2
MORE_FREQUENT = 10
# Weights of the re-ranking signals; tuned on the kinds of queries in the development set, never on items.
W_BM25, W_COVERAGE, W_PHRASE = 0.45, 0.35, 0.45
SAME_ESSAY_DECAY = 0.97
# Below this rapidfuzz closeness a passage shares only scattered words with the query, not a phrase.
PHRASE_FLOOR = 60.0


def index_terms(text: str) -> list[str]:
    """The words the index holds for a passage: each word, the parts of compounds and compounds written as one."""
    terms: list[str] = []
    for word in words(fold(text)):
        pieces = parts(word)
        terms.extend(pieces)
        if len(pieces) > 1:
            terms.append(joined(word))
    return terms


def index_body(text: str) -> str:
    return " ".join(index_terms(text))


def document_frequencies(texts: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(index_terms(text)))
    return counts


@dataclass(frozen=True)
class TermGroup:
    """One word of the query and the spellings that stand for it."""
    word: str
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class QueryPlan:
    folded: str
    groups: tuple[TermGroup, ...]
    weights: tuple[float, ...]
    word_count: int

    @property
    def fts_query(self) -> str:
        terms = dict.fromkeys(alt for group in self.groups for alt in group.alternatives)
        return " OR ".join(f'"{term}"' for term in terms)


def plan_query(query: str, vocabulary: Vocabulary) -> QueryPlan:
    folded = fold(query)
    tokens = [piece for word in words(folded) for piece in parts(word)]
    keep_all = all(t in STOPWORDS for t in tokens)
    groups: list[TermGroup] = []
    for index, word in enumerate(tokens):
        if word in STOPWORDS and not keep_all:
            continue
        alternatives: list[str] = []
        if word in vocabulary:
            alternatives.append(word)
            if vocabulary.df(word) <= RARE_DF:
                alternatives += [c for c in vocabulary.corrections(word) if vocabulary.df(c) >= MORE_FREQUENT * vocabulary.df(word)][:1]
        else:
            alternatives += vocabulary.corrections(word)
            alternatives += _split_compound(word, vocabulary)
        if index + 1 < len(tokens) and (word + tokens[index + 1]) in vocabulary:
            alternatives.append(word + tokens[index + 1])
        if alternatives:
            groups.append(TermGroup(word, tuple(dict.fromkeys(alternatives))))
    total = max(vocabulary.passages, 1)
    weights = tuple(_idf(max(vocabulary.df(alt) for alt in group.alternatives), total) for group in groups)
    return QueryPlan(folded=folded, groups=tuple(groups), weights=weights, word_count=len(tokens))


def _idf(df: int, total: int) -> float:
    """Rare words say more about what the member is looking for than common ones."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _split_compound(word: str, vocabulary: Vocabulary) -> list[str]:
    """"counterrevolution" -> "counter revolution" when both halves are known words."""
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], word[cut:]
        if left in vocabulary and right in vocabulary and left not in STOPWORDS and right not in STOPWORDS:
            return [f"{left} {right}"]
    return []


@dataclass
class Candidate:
    passage_id: int
    essay_id: int
    bm25: float
    text: str
    score: float = 0.0
    matched: tuple[str, ...] = field(default=())


def rerank(plan: QueryPlan, candidates: list[Candidate], *, diversify: bool) -> list[Candidate]:
    """Score candidates (best first). `diversify` lets a second essay surface next to a dominant one."""
    if not candidates:
        return []
    best_bm25 = min(c.bm25 for c in candidates) or -1.0
    use_phrase = plan.word_count >= PHRASE_MIN_WORDS
    for candidate in candidates:
        passage_words = set(words(fold(candidate.text)))
        passage_words |= {piece for word in passage_words for piece in parts(word)}
        matched: list[str] = []
        covered = 0.0
        for group, weight in zip(plan.groups, plan.weights):
            hits = [w for w in passage_words if any(_same_stem(w, alt) for alt in group.alternatives)]
            if hits:
                covered += weight
                matched.extend(hits)
        coverage = covered / sum(plan.weights) if plan.groups else 0.0
        score = W_BM25 * (candidate.bm25 / best_bm25) + W_COVERAGE * coverage
        if use_phrase:
            closeness = fuzz.partial_ratio(plan.folded, fold(candidate.text))
            score += W_PHRASE * max(0.0, closeness - PHRASE_FLOOR) / (100.0 - PHRASE_FLOOR)
        candidate.score = score
        candidate.matched = tuple(sorted(set(matched)))
    ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
    return _diversify(ranked) if diversify else ranked


def _diversify(ranked: list[Candidate]) -> list[Candidate]:
    """Each further passage from an essay already shown counts a little less."""
    seen: Counter[int] = Counter()
    for candidate in ranked:
        candidate.score *= SAME_ESSAY_DECAY ** seen[candidate.essay_id]
        seen[candidate.essay_id] += 1
    return sorted(ranked, key=lambda c: c.score, reverse=True)


def _same_stem(word: str, term: str) -> bool:
    """Cheap stand-in for the index's stemming, for coverage and highlighting: equal, or sharing a long prefix."""
    if " " in term:
        return word in term.split()
    if word == term:
        return True
    shortest = min(len(word), len(term))
    if shortest < 4:
        return False
    prefix = max(4, shortest - 2)
    return word[:prefix] == term[:prefix] and abs(len(word) - len(term)) <= 4
