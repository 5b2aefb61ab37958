"""The corpus dictionary used to correct misspelled query words.

Words are kept with their document frequency and bucketed by length, so a correction compares a word only with
words of about its length. Among close candidates the more frequent word wins: a member who types "capitol" in a
library that says "capital" forty times means "capital".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

MIN_LENGTH = 4          # shorter words have too many neighbours to guess from
MAX_EDIT_SHARE = 0.34   # corrections differ in at most a third of the word


class Vocabulary:
    def __init__(self, counts: Iterable[tuple[str, int]] = (), *, passages: int = 0) -> None:
        self.passages = passages
        self._df: Counter[str] = Counter()
        self._by_length: dict[int, set[str]] = defaultdict(set)
        self._frozen: dict[int, list[str]] = {}
        self.update(dict(counts))

    def __contains__(self, word: str) -> bool:
        return self._df.get(word, 0) > 0

    def __len__(self) -> int:
        return len(self._df)

    def df(self, word: str) -> int:
        return self._df.get(word, 0)

    def update(self, delta: dict[str, int], *, passages: int = 0) -> None:
        """Add (positive) or remove (negative) document counts, and the change in the number of passages."""
        self.passages += passages
        for word, change in delta.items():
            count = self._df[word] + change
            if count > 0:
                self._df[word] = count
                self._by_length[len(word)].add(word)
            else:
                self._df.pop(word, None)
                self._by_length[len(word)].discard(word)
            self._frozen.pop(len(word), None)
        self.corrections.cache_clear()

    @lru_cache(maxsize=4096)
    def corrections(self, word: str, limit: int = 2) -> tuple[str, ...]:
        """Known words the member probably meant, best first; empty when nothing is close enough."""
        if len(word) < MIN_LENGTH or not word.isalpha():
            return ()
        span = max(1, round(len(word) * MAX_EDIT_SHARE))
        cutoff = 100.0 * (1 - span / (len(word) + 1))
        found: list[tuple[float, str]] = []
        for length in range(len(word) - span, len(word) + span + 1):
            for candidate, similarity, _ in process.extract(
                word, self._bucket(length), scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
            ):
                if candidate != word:
                    # Similarity first, frequency to break near-ties: one edit more is worth ~a 20x frequency.
                    found.append((similarity + 3.0 * _log2(self._df[candidate]), candidate))
        found.sort(reverse=True)
        return tuple(candidate for _, candidate in found[:limit])

    def _bucket(self, length: int) -> list[str]:
        if length not in self._frozen:
            self._frozen[length] = sorted(self._by_length.get(length, ()))
        return self._frozen[length]


def _log2(n: int) -> float:
    return n.bit_length() - 1 if n > 0 else 0.0
