"""The corpus dictionary used to correct misspelled query words.

Candidates come from a deletion index (every known word is also filed under each of its one-letter deletions, as
SymSpell does), so a lookup is a few dictionary hits instead of a scan of the vocabulary; rapidfuzz then measures
how far each candidate really is. Among close candidates the more frequent word wins: a member who types
"capitol" in a library that says "capital" forty times means "capital".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import Indel

MIN_LENGTH = 4          # shorter words have too many neighbours to guess from
FREQUENCY_WEIGHT = 0.25  # one edit is worth about a 16x difference in frequency


def max_edits(word: str) -> int:
    """Insertions plus deletions allowed (a changed letter costs two): more for longer words."""
    return 2 if len(word) <= 5 else 3 if len(word) <= 9 else 4


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Vocabulary:
    def __init__(self, counts: Iterable[tuple[str, int]] = (), *, passages: int = 0) -> None:
        self.passages = passages
        self._df: Counter[str] = Counter(dict(counts))
        # Lookup tables for corrections and word forms, built at the first search rather than during indexing.
        self._by_deletion: defaultdict[str, list[str]] | None = None
        self._by_stem: defaultdict[str, set[str]] | None = None

    def __contains__(self, word: str) -> bool:
        return word in self._df

    def __len__(self) -> int:
        return len(self._df)

    def df(self, word: str) -> int:
        return self._df.get(word, 0)

    def update(self, delta: dict[str, int], *, passages: int = 0) -> None:
        """Add (positive) or remove (negative) document counts, and the change in the number of passages."""
        self.passages += passages
        for word, change in delta.items():
            before = self._df.get(word, 0)
            count = before + change
            if count > 0:
                self._df[word] = count
                if before == 0 and self._by_stem is not None:
                    self._file(word)
            elif before > 0:
                del self._df[word]
                if self._by_stem is not None:
                    self._unfile(word)
        self.corrections.cache_clear()

    def prepare(self) -> None:
        """Build the lookup tables now (about a second per 60,000 words) rather than during the first search."""
        self._tables()

    def _tables(self) -> tuple[defaultdict[str, list[str]], defaultdict[str, set[str]]]:
        if self._by_deletion is None or self._by_stem is None:
            self._by_deletion, self._by_stem = defaultdict(list), defaultdict(set)
            for word in self._df:
                self._file(word)
        return self._by_deletion, self._by_stem

    def _file(self, word: str) -> None:
        self._by_stem[stem(word)].add(word)
        if word.isalpha() and len(word) >= MIN_LENGTH - 1:
            for key in _deletions(word) | {word}:
                self._by_deletion[key].append(word)

    def _unfile(self, word: str) -> None:
        self._by_stem[stem(word)].discard(word)
        if word.isalpha() and len(word) >= MIN_LENGTH - 1:
            for key in _deletions(word) | {word}:
                self._by_deletion[key].remove(word)
                if not self._by_deletion[key]:
                    del self._by_deletion[key]

    def forms(self, word: str) -> frozenset[str]:
        """Every known word sharing a stem with `word` ("faction" -> factional, factions, ...), and the word itself."""
        return frozenset(self._tables()[1].get(stem(word), ())) | {word}

    @lru_cache(maxsize=4096)
    def corrections(self, word: str, limit: int = 2) -> tuple[str, ...]:
        """Known words the member probably meant, best first; empty when nothing is close enough."""
        if len(word) < MIN_LENGTH or not word.isalpha():
            return ()
        most = max_edits(word)
        by_deletion = self._tables()[0]
        candidates = {c for key in _deletions(word) | {word} for c in by_deletion.get(key, ())}
        if not candidates and most > 2:
            # Two changes in one word escape the one-deletion index: scan the words that start the same way.
            candidates = {w for w in self._df if w[:2] == word[:2] and abs(len(w) - len(word)) <= most}
        candidates.discard(word)
        scored = []
        for candidate in candidates:
            distance = Indel.distance(word, candidate, score_cutoff=most)
            if distance <= most:
                scored.append((distance - FREQUENCY_WEIGHT * math.log2(self._df[candidate]), candidate))
        scored.sort()
        return tuple(candidate for _, candidate in scored[:limit])


_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ism", "ist", "ity", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A light stemmer for telling which words matched ("factions" ~ "faction"); the index itself uses porter.
    Eight letters at most keeps "international" apart from "internal"."""
    return root(word)[:8]


def root(word: str) -> str:
    """The word without its inflection: two words with one root are forms of one word ("strategy", "strategies";
    a final y becomes i, as in porter). Unlike `stem`, a misspelling keeps its own root ("internationl")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("i" if suffix == "ies" else "")
    if word.endswith("y") and len(word) > 4:
        return word[:-1] + "i"
    return word
