"""Durations as members type them (`45m`, `2h`, `3d`, `1h30m`) and the UTC timestamps debates are stored with."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ..errors import InvalidInput
from ..text import echo

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=60)

_UNITS = {
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}
_PART = re.compile(r"(\d{1,6})\s*([a-z]+)")
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def parse_duration(text: str) -> timedelta:
    """`45m`, `2h`, `3d`, `1w`, `1h 30m` or `2 days`; between one minute and 60 days."""
    cleaned = text.strip().lower().replace(",", " ")
    parts = list(_PART.finditer(cleaned))
    leftover = _PART.sub("", cleaned).strip()
    if not parts or leftover or any(unit not in _UNITS for _, unit in (p.groups() for p in parts)):
        raise InvalidInput(f"'{echo(text, 40)}' is not a duration: write it like 45m, 2h or 3d.")
    duration = timedelta(seconds=sum(int(number) * _UNITS[unit] for number, unit in (p.groups() for p in parts)))
    if not MIN_DURATION <= duration <= MAX_DURATION:  # the same sentence for a debate's duration and advance_in
        size = "short" if duration < MIN_DURATION else "long"
        raise InvalidInput(f"'{echo(text, 40)}' is too {size}: durations run from 1 minute to 60 days.")
    return duration


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def from_stamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, _STAMP).replace(tzinfo=UTC)
