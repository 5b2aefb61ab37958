"""Ranking passages for what members type: half-remembered phrases with typos, keywords, names, questions.

Two stages. SQLite FTS5 (porter stemming, BM25) finds candidates for the query's content words, each word widened
with its likely spelling corrections and compound forms. The candidates are then re-ranked on four signals:
BM25 itself, how much of the query the passage covers (rare words weigh more), and — for longer queries — how
close the passage comes to containing the query verbatim (rapidfuzz), which is what a remembered phrase looks like,
and how close its meaning is to the query's (sentence vectors), which is what a question in other words needs.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .text import STOPWORDS, acronyms, compounds, fold, pieces
from .vocabulary import Vocabulary, root

CANDIDATES = 60
PHRASE_MIN_WORDS = 4
# Meaning is weighed for queries of this many words and more (questions, claims); a name or a couple of keywords
# is better served by the words themselves, and skipping the model keeps those searches at a few milliseconds.
MEANING_MIN_WORDS = 4
# A candidate this close to containing the query verbatim means the member quoted the text (typos and all):
# its words already say which passage it is, so search does not wait for the sentence model.
QUOTED = 85.0
QUOTE_CHECKED = 10  # the best candidates by BM25 looked at for a quotation
# Below this rapidfuzz closeness a passage shares only scattered words with the query, not a phrase.
PHRASE_FLOOR = 60.0
# A word this rare next to a much more frequent near-spelling is treated as a possible typo of it.
RARE_DF = 2
MORE_FREQUENT = 10
# Weights of the re-ranking signals; tuned on the kinds of queries in the development set, never on items.
W_BM25, W_COVERAGE, W_PHRASE = 0.45, 0.35, 0.45
W_MEANING = 0.8
# Sentence vectors of unrelated English texts are rarely further apart than this; closeness counts above it.
MEANING_FLOOR = 0.2
SAME_ESSAY_DECAY = 0.97
# Retrieval reads at most about this many postings: the most common query words are left to the re-ranker,
# which still counts them, because BM25 has to score every passage they occur in and they barely change it.
RETRIEVAL_BUDGET = 2500


@dataclass(frozen=True)
class IndexedText:
    """A passage as the index sees it: its folded words in order, then its compounds written as one."""
    body: str
    terms: frozenset[str]


def index_text(text: str) -> IndexedText:
    folded = fold(text)
    words, joined = pieces(folded), compounds(folded)
    return IndexedText(body=" ".join(words + joined), terms=frozenset(words) | frozenset(joined))


@dataclass(frozen=True)
class TermGroup:
    """One word of the query and the spellings that stand for it, with how many passages hold any of them."""
    word: str
    alternatives: tuple[str, ...]
    df: int
    forms: frozenset[str]


@dataclass(frozen=True)
class QueryPlan:
    phrase: str
    groups: tuple[TermGroup, ...]
    weights: tuple[float, ...]
    # Words no essay uses in any form, each with the spellings searched in its place (maybe none), in query order:
    # a member should know that "rent" found "tent" rather than rent.
    unknown_words: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def word_count(self) -> int:
        return self.phrase.count(" ") + 1 if self.phrase else 0

    def fts_queries(self, budget: int) -> list[str]:
        """FTS5 queries to try in turn, each scoring about `budget` passages at most where the words allow.

        Normally one OR query over the rarest words. When even the rarest word is in more than `budget` passages,
        first the passages holding all of the (at most four) rarest words, then the rarest word alone.
        """
        ordered = sorted(self.groups, key=lambda g: g.df)
        chosen: list[TermGroup] = []
        for group in ordered:
            if chosen and sum(g.df for g in chosen) + group.df > budget:
                break
            chosen.append(group)
        either = " OR ".join(f'"{term}"' for term in dict.fromkeys(a for g in chosen for a in g.alternatives))
        if ordered[0].df <= budget or len(ordered) == 1:
            return [either]
        every = " AND ".join(f"({_any_of(g)})" for g in ordered[:4])
        return [every, either]


def _any_of(group: TermGroup) -> str:
    return " OR ".join(f'"{term}"' for term in group.alternatives)


def plan_query(query: str, vocabulary: Vocabulary) -> QueryPlan:
    tokens = pieces(fold(query))
    keep_all = all(t in STOPWORDS for t in tokens)
    meant = acronyms(query)
    groups: list[TermGroup] = []
    unknown: dict[str, tuple[str, ...]] = {}
    for index, word in enumerate(tokens):
        if word in STOPWORDS and not keep_all and word not in meant:
            continue
        alternatives: list[str] = []
        if word in vocabulary:
            alternatives.append(word)
            if vocabulary.df(word) <= RARE_DF:
                frequent = [c for c in vocabulary.corrections(word) if vocabulary.df(c) >= MORE_FREQUENT * vocabulary.df(word)]
                alternatives += frequent[:1]
        else:
            # "strategy" where the essays say only "strategies": too far apart to be a typo, yet the same word.
            inflected = sorted((f for f in vocabulary.forms(word) if root(f) == root(word) and f != word),
                               key=lambda f: (-vocabulary.df(f), f))[:1]
            respelled = [*vocabulary.corrections(word), *_split_compound(word, vocabulary)]
            alternatives += respelled + inflected
            if not inflected:
                unknown[word] = tuple(respelled)
        if index + 1 < len(tokens) and (word + tokens[index + 1]) in vocabulary:
            alternatives.append(word + tokens[index + 1])
        if alternatives:
            alternatives = list(dict.fromkeys(alternatives))
            forms = frozenset().union(*(vocabulary.forms(piece) for alt in alternatives for piece in alt.split()))
            # The index stems too ("communications" also finds "community"), so its cost is the whole family's.
            df = sum(vocabulary.df(form) for form in forms)
            groups.append(TermGroup(word, tuple(alternatives), df, forms))
    total = max(vocabulary.passages, 1)
    weights = tuple(_idf(min(max(vocabulary.df(a) for a in g.alternatives), total), total) for g in groups)
    return QueryPlan(phrase=" ".join(tokens), groups=tuple(groups), weights=weights,
                     unknown_words=tuple(unknown.items()))


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
    body: str
    meaning: float | None = None  # closeness of meaning to the query (cosine), where both have vectors
    score: float = 0.0
    matched: tuple[str, ...] = field(default=())


def quotes_a_passage(plan: QueryPlan, candidates: list[Candidate]) -> bool:
    """Whether one of the best candidates by BM25 contains the query almost verbatim: the member quoted it."""
    best = sorted(candidates, key=lambda c: c.bm25)[:QUOTE_CHECKED]
    return any(fuzz.partial_ratio(plan.phrase, c.body, score_cutoff=QUOTED) for c in best)


def score_words(plan: QueryPlan, candidates: list[Candidate]) -> None:
    """Score candidates on the query's words: BM25, coverage and, for longer queries, phrase closeness."""
    if not candidates:
        return
    best_bm25 = min(c.bm25 for c in candidates) or -1.0
    use_phrase = plan.word_count >= PHRASE_MIN_WORDS
    total_weight = sum(plan.weights) or 1.0
    wanted = frozenset().union(*(group.forms for group in plan.groups))
    for candidate in candidates:
        matched = wanted.intersection(candidate.body.split())
        covered = sum(weight for group, weight in zip(plan.groups, plan.weights) if not group.forms.isdisjoint(matched))
        score = W_BM25 * (candidate.bm25 / best_bm25) + W_COVERAGE * covered / total_weight
        if use_phrase:
            closeness = fuzz.partial_ratio(plan.phrase, candidate.body)
            score += W_PHRASE * max(0.0, closeness - PHRASE_FLOOR) / (100.0 - PHRASE_FLOOR)
        candidate.score = score
        candidate.matched = tuple(sorted(matched))


def rank(candidates: list[Candidate], *, diversify: bool) -> list[Candidate]:
    """Candidates scored by `score_words`, plus closeness of meaning where known, best first.
    `diversify` lets a second essay surface next to a dominant one."""
    for candidate in candidates:
        if candidate.meaning is not None:
            candidate.score += W_MEANING * max(0.0, candidate.meaning - MEANING_FLOOR) / (1.0 - MEANING_FLOOR)
    ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
    return _diversify(ranked) if diversify else ranked


def _diversify(ranked: list[Candidate]) -> list[Candidate]:
    """Each further passage from an essay already shown counts a little less."""
    seen: Counter[int] = Counter()
    for candidate in ranked:
        candidate.score *= SAME_ESSAY_DECAY ** seen[candidate.essay_id]
        seen[candidate.essay_id] += 1
    return sorted(ranked, key=lambda c: c.score, reverse=True)

