"""Where a server stands on a topic, computed from the topic's log: now, at a baseline, and who moved which way.

Everything here is a pure function of the entries, the set of visible members and the current time; every
count passes through `breakdown`, so nothing shown singles out a private member.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ._model import Entry, Topic
from ._privacy import Breakdown, breakdown

WINDOW = timedelta(days=30)
MAX_POINTS = 90  # a longer history is sampled every few days rather than daily
TOWARDS_SUPPORT = "towards support"
TOWARDS_OPPOSE = "towards oppose"


@dataclass(frozen=True)
class Summary:
    topic: Topic
    current: Breakdown
    baseline: Breakdown
    baseline_at: datetime | None  # None: the topic is younger than WINDOW; the baseline is each first stance
    changes: Breakdown            # members whose stance now differs from their baseline, by direction
    after_debate: Breakdown | None  # debate topics: members whose stance now differs from their debate vote


def stances_at(entries: Sequence[Entry], moment: datetime) -> dict[int, str]:
    """Each member's latest stance at `moment` (entries in time order)."""
    held: dict[int, str] = {}
    for entry in entries:
        if entry.at > moment:
            break
        held[entry.member_id] = entry.stance
    return held


def first_stances(entries: Sequence[Entry]) -> dict[int, str]:
    first: dict[int, str] = {}
    for entry in entries:
        first.setdefault(entry.member_id, entry.stance)
    return first


def direction(topic: Topic, before: str, after: str) -> str:
    if topic.on_scale:
        return TOWARDS_SUPPORT if topic.stances.index(after) < topic.stances.index(before) else TOWARDS_OPPOSE
    return f"{before} \u2192 {after}"


def direction_labels(topic: Topic) -> list[str]:
    if topic.on_scale:
        return [TOWARDS_SUPPORT, TOWARDS_OPPOSE]
    return [direction(topic, a, b) for a in topic.stances for b in topic.stances if a != b]


def summarize(topic: Topic, entries: Sequence[Entry], visible: Collection[int], now: datetime) -> Summary:
    current = stances_at(entries, now)
    if now - topic.created_at > WINDOW:
        baseline_at: datetime | None = now - WINDOW
        before = stances_at(entries, baseline_at)
    else:
        baseline_at, before = None, first_stances(entries)
    moved = {member: direction(topic, before[member], stance)
             for member, stance in current.items() if member in before and before[member] != stance}
    return Summary(
        topic=topic,
        current=breakdown(current, topic.stances, visible),
        baseline=breakdown(before, topic.stances, visible),
        baseline_at=baseline_at,
        changes=breakdown(moved, direction_labels(topic), visible),
        after_debate=None if topic.debate_id is None else _after_debate(topic, entries, current, visible),
    )


def _after_debate(topic: Topic, entries: Sequence[Entry], current: dict[int, str],
                  visible: Collection[int]) -> Breakdown:
    voted: dict[int, str] = {}
    for entry in entries:
        if entry.debate_id is not None:
            voted[entry.member_id] = entry.stance
    moved = {member: direction(topic, vote, current[member])
             for member, vote in voted.items() if current.get(member, vote) != vote}
    return breakdown(moved, direction_labels(topic), visible)


def timeline(topic: Topic, entries: Sequence[Entry], visible: Collection[int], now: datetime, *,
             max_points: int | None = MAX_POINTS) -> list[tuple[date, Breakdown]]:
    """The distribution at the end of each UTC day (or every few days, past `max_points`; None: every day) from
    the topic's first day to today."""
    first, last = topic.created_at.date(), now.date()
    days = (last - first).days + 1
    step = 1 if max_points is None else max(1, math.ceil(days / max_points))
    points = [first + timedelta(days=offset) for offset in range(0, days, step)]
    if points[-1] != last:
        points.append(last)
    # One pass over the entries, not one per day: a report of a years-old topic has a row for every day.
    held: dict[int, str] = {}
    taken = 0
    distribution = []
    for day in points:
        end = _end_of(day, now)
        while taken < len(entries) and entries[taken].at <= end:
            held[entries[taken].member_id] = entries[taken].stance
            taken += 1
        distribution.append((day, breakdown(held, topic.stances, visible)))
    return distribution


def _end_of(day: date, now: datetime) -> datetime:
    return min(datetime.combine(day, time.max, tzinfo=now.tzinfo), now)
