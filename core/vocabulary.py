"""The corpus dictionary used to correct misspelled query words.

Words are kept with their document frequency and bucketed by length, so a correction compares a word only with
words of about its length. Among close candidates the more frequent word wins: a member who types "capitol" in a
library that says "capital" forty times means "capital".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel

MIN_LENGTH = 4          # shorter words have too many neighbours to guess from
FREQUENCY_WEIGHT = 0.25


def max_edits(word: str) -> int:
    """Insertions plus deletions allowed (a swapped letter costs two): more for longer words."""
    return 2 if len(word) <= 5 else 3 if len(word) <= 9 else 4


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
        most = max_edits(word)
        found: list[tuple[float, str]] = []
        for length in range(len(word) - most, len(word) + most + 1):
            for candidate, distance, _ in process.extract(
                word, self._bucket(length), scorer=Indel.distance, score_cutoff=most, limit=8
            ):
                if candidate != word:
                    # Fewer edits first; among near-ties the more frequent word (one edit ~ 16x the frequency).
                    found.append((distance - FREQUENCY_WEIGHT * math.log2(self._df[candidate]), candidate))
        found.sort()
        return tuple(candidate for _, candidate in found[:limit])

    def _bucket(self, length: int) -> list[str]:
        if length not in self._frozen:
            self._frozen[length] = sorted(self._by_length.get(length, ()))
        return self._frozen[length]
