"""A debate as stored, and its results as computed from the ballots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._rules import Format
from ._tally import OxfordShift, Tally


@dataclass(frozen=True)
class Debate:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    thread_id: int | None
    author_id: int
    motion: str
    format: Format
    options: tuple[str, ...]
    max_choices: int
    secret: bool
    hide_results: bool
    role_id: int | None
    quorum: int
    round: int
    topic_id: int | None
    outcome: str | None
    created_at: datetime
    advance_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def round_at(self, now: datetime) -> int:
        """The round a ballot cast now belongs to: a scheduled closing vote counts from its time, even if the
        scheduler has not got round to announcing it yet."""
        if self.round == 1 and self.advance_at is not None and self.advance_at <= now:
            return 2
        return self.round

    def accepts_votes_at(self, now: datetime) -> bool:
        return self.is_open and (self.closes_at is None or now < self.closes_at)


@dataclass(frozen=True)
class Results:
    debate: Debate
    tally: Tally                  # the deciding round: the only one, or Oxford's closing vote
    shift: OxfordShift | None     # Oxford debates that reached their closing vote

    @property
    def quorum_met(self) -> bool:
        return self.tally.voters >= self.debate.quorum


@dataclass(frozen=True)
class Receipt:
    """What a member is told after their vote is committed."""
    debate: Debate
    round: int
    labels: tuple[str, ...]
    changed: bool


@dataclass(frozen=True)
class StoredVote:
    round: int
    voter: str
    labels: tuple[str, ...]
    reason: str | None
    cast_at: datetime
