"""What a position is: topics, their stances, log entries, and the checks on what a member types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import InvalidInput
from ..text import fold

SCALE = ("support", "lean support", "undecided", "lean oppose", "oppose")
MAX_TOPIC_NAME = 100  # a topic name is also an autocomplete value, which Discord caps at 100 characters
MAX_REASON = 500
MEMBER_SOURCE = "member"
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order


@dataclass(frozen=True)
class Topic:
    id: int
    guild_id: int
    name: str
    stances: tuple[str, ...]
    debate_id: int | None
    created_at: datetime

    @property
    def on_scale(self) -> bool:
        """True for member topics, whose stances are the five-point scale and so have a direction."""
        return self.stances == SCALE


@dataclass(frozen=True)
class Entry:
    topic: str
    member_id: int
    stance: str
    reason: str | None
    passage: str | None
    source: str
    at: datetime

    @property
    def debate_id(self) -> int | None:
        prefix, _, number = self.source.partition(":")
        return int(number) if prefix == "debate" else None


@dataclass(frozen=True)
class Ballot:
    """A member's ballot in a recorded (not secret) debate, as the debates feature keeps it: for their export."""
    debate_id: int
    motion: str
    round: int  # 1, or 2 for an Oxford debate's closing vote
    choices: tuple[str, ...]
    reason: str | None
    at: datetime


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def clean_topic_name(name: str) -> str:
    """The name as it will be stored: single spaces, no padding; refuses empty and over-long names."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("Name the topic.")
    if len(cleaned) > MAX_TOPIC_NAME:
        raise InvalidInput(f"Keep topic names to {MAX_TOPIC_NAME} characters; that one has {len(cleaned)}.")
    return cleaned


def clean_reason(reason: str | None) -> str | None:
    """The reason as it will be stored: whitespace runs collapsed to one space, as a debate vote's reason is."""
    reason = " ".join(reason.split()) if reason else None
    if not reason:
        return None
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason to {MAX_REASON} characters; yours has {len(reason):,}.")
    return reason


def match_stance(topic_name: str, stances: tuple[str, ...], typed: str) -> str:
    """The topic's stance that `typed` names, ignoring case and accents; refuses anything else."""
    if typed in stances:
        return typed
    wanted = fold(typed)
    for stance in stances:
        if fold(stance) == wanted:
            return stance
    listed = ", ".join(stances)
    raise InvalidInput(f"'{_short(typed)}' is not a stance on '{topic_name}'; choose one of: {listed}.")


def topics_for_stance(candidates: Sequence[Topic], typed: str, *,
                      new_name: str | None) -> tuple[list[Topic], bool]:
    """Which of the topics a member may mean `typed` is a stance on, and whether it is one for a new topic called
    `new_name` (the five-point scale; None: no new topic is on offer). Refuses, in one sentence, if none."""
    fitting = [topic for topic in candidates if _offers(topic.stances, typed)]
    new_fits = new_name is not None and _offers(SCALE, typed)
    if fitting or new_fits:
        return fitting, new_fits
    if new_name is None and len(candidates) == 1:
        match_stance(candidates[0].name, candidates[0].stances, typed)  # raises its own sentence
    # At most 3 candidates of 100-character names: with the stances shortened this stays well inside a message.
    places = [f"'{topic.name}' ({_short(', '.join(topic.stances), 400)})" for topic in candidates]
    if new_name is not None:
        places.append(f"a new topic '{new_name}' ({', '.join(SCALE)})")
    where = places[0] if len(places) == 1 else f"{', '.join(places[:-1])} nor {places[-1]}"
    raise InvalidInput(f"'{_short(typed)}' is not a stance on {where}.")


def _offers(stances: tuple[str, ...], typed: str) -> bool:
    try:
        match_stance("", stances, typed)
    except InvalidInput:
        return False
    return True


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
