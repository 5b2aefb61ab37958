"""Counting ballots: tallies and shares, quorum, the leading option, and the Oxford shift with its transitions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ._rules import OXFORD_OPTIONS, OXFORD_SIDES


@dataclass(frozen=True)
class Ballot:
    """One member's current vote in one round; `voter` is an id, a keyed hash or a pseudonym, never shown."""
    voter: str
    choices: tuple[int, ...]


@dataclass(frozen=True)
class Tally:
    options: tuple[str, ...]
    counts: tuple[int, ...]
    voters: int

    def share(self, position: int) -> float:
        """The fraction of voters who chose this option (with multiple choice, shares can sum above 1)."""
        return self.counts[position] / self.voters if self.voters else 0.0

    @property
    def leaders(self) -> tuple[str, ...]:
        """The option(s) with the most votes; empty when nobody voted."""
        top = max(self.counts, default=0)
        return tuple(o for o, c in zip(self.options, self.counts) if c == top) if top else ()


@dataclass(frozen=True)
class OxfordShift:
    before: Tally
    after: Tally
    gains: dict[str, float]          # percentage points gained (or lost) by each side
    winner: str | None               # the side that gained most; None on a tie or with no votes
    matrix: tuple[tuple[int, ...], ...]  # matrix[i][j]: voted option i in the opening vote and j in the closing one
    unpaired: int                    # closing voters with no opening vote (they are not in the matrix)


def count(options: tuple[str, ...], ballots: Iterable[Ballot]) -> Tally:
    counts = [0] * len(options)
    voters = 0
    for ballot in ballots:
        voters += 1
        for choice in ballot.choices:
            counts[choice] += 1
    return Tally(options, tuple(counts), voters)


def oxford_shift(opening: list[Ballot], closing: list[Ballot]) -> OxfordShift:
    before, after = count(OXFORD_OPTIONS, opening), count(OXFORD_OPTIONS, closing)
    gains = {side: round(100 * (after.share(i) - before.share(i)), 1)
             for i, side in enumerate(OXFORD_OPTIONS) if side in OXFORD_SIDES}
    best = max(gains.values())
    leaders = [side for side, gain in gains.items() if gain == best]
    winner = leaders[0] if len(leaders) == 1 and before.voters and after.voters else None
    first = {b.voter: b.choices[0] for b in opening}
    matrix = [[0] * len(OXFORD_OPTIONS) for _ in OXFORD_OPTIONS]
    unpaired = 0
    for ballot in closing:
        if ballot.voter in first:
            matrix[first[ballot.voter]][ballot.choices[0]] += 1
        else:
            unpaired += 1
    return OxfordShift(before, after, gains, winner, tuple(map(tuple, matrix)), unpaired)
