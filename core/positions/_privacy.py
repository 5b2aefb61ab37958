"""Counting members without exposing the ones who keep their stances private.

Members who chose `visible` may be named. Everyone else is only counted, and a count of private members is shown
only for a group of at least MIN_GROUP: a row whose private part is 1 or 2 has that part pooled with other such
rows into one "other" row; if the pool is still too small, the smallest shown private group joins it; a pool that
cannot reach MIN_GROUP is left out. So every private group shown has 0 or at least MIN_GROUP members.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

MIN_GROUP = 3
POOLED = "other (private, pooled)"


@dataclass(frozen=True)
class Row:
    label: str
    count: int               # members shown in this row: the named ones plus the private ones counted here
    named: tuple[int, ...]   # member ids of visible members in this row


@dataclass(frozen=True)
class Breakdown:
    rows: tuple[Row, ...]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


def breakdown(holders: Mapping[int, str], labels: Iterable[str], visible: Collection[int]) -> Breakdown:
    """Rows in `labels` order from `holders` (member id -> label), safe to show to anyone in the server."""
    labels = list(dict.fromkeys(labels))
    named: dict[str, list[int]] = {label: [] for label in labels}
    hidden = dict.fromkeys(labels, 0)
    for member, label in holders.items():
        if member in visible:
            named[label].append(member)
        else:
            hidden[label] += 1
    pooled = {label for label in labels if 0 < hidden[label] < MIN_GROUP}
    while 0 < (pool := sum(hidden[label] for label in pooled)) < MIN_GROUP:
        shown = [label for label in labels if hidden[label] and label not in pooled]
        if not shown:
            break
        pooled.add(min(shown, key=lambda label: hidden[label]))
    rows = [Row(label, len(named[label]) + (0 if label in pooled else hidden[label]), tuple(sorted(named[label])))
            for label in labels]
    if pool >= MIN_GROUP:
        rows.append(Row(POOLED, pool, ()))
    return Breakdown(tuple(rows))

