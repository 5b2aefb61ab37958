"""What a debate is: its formats, their options, and the checks every start, vote and outcome passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from ..errors import InvalidInput
from ..positions import clean_reason
from ..text import echo

MAX_MOTION = 300
MAX_OPTION = 55
MIN_OPTIONS = 2
MAX_OPTIONS = 25
MAX_OUTCOME = 1000


class Format(str, Enum):
    POLL = "poll"
    PROPOSAL = "proposal"
    OXFORD = "oxford"


PROPOSAL_OPTIONS = ("Agree", "Abstain", "Disagree", "Block")
OXFORD_OPTIONS = ("For", "Against", "Undecided")
OXFORD_SIDES = ("For", "Against")
# Proposal choices that must say why (Loomio asks the same of objections).
REASON_REQUIRED = frozenset({"Disagree", "Block"})
ROUND_NAMES = {1: "opening vote", 2: "closing vote"}


@dataclass(frozen=True)
class DebateSpec:
    """A debate as an organizer asked for it, already checked."""
    motion: str
    format: Format
    options: tuple[str, ...]
    max_choices: int = 1
    secret: bool = False
    hide_results: bool = False
    role_id: int | None = None
    quorum: int = 0
    duration: timedelta | None = None
    advance_in: timedelta | None = None


def parse_options(text: str) -> tuple[str, ...]:
    """`A | B | C` into its options: 2 to 25, each at most 55 characters, none empty, no duplicates."""
    options = tuple(" ".join(part.split()) for part in text.split("|"))
    if any(not option for option in options):
        raise InvalidInput("One of the options is empty: separate options with | and give each a name.")
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise InvalidInput(f"A poll needs between {MIN_OPTIONS} and {MAX_OPTIONS} options; you gave {len(options)}.")
    long = [o for o in options if len(o) > MAX_OPTION]
    if long:
        raise InvalidInput(f"Keep each option to {MAX_OPTION} characters; '{echo(long[0], 40)}' is longer.")
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            raise InvalidInput(f"'{echo(option, 40)}' is listed twice; each option must be different.")
        seen.add(option.casefold())
    return options


def build_spec(*, motion: str, format: Format, options: str | None = None, max_choices: int | None = None,
               secret: bool = False, hide_results: bool = False, role_id: int | None = None, quorum: int = 0,
               duration: timedelta | None = None, advance_in: timedelta | None = None) -> DebateSpec:
    """Check everything an organizer gave `/debate start`; the first problem raises InvalidInput."""
    motion = " ".join(motion.split())
    if not motion:
        raise InvalidInput("Give the debate a motion: the statement members vote on.")
    if len(motion) > MAX_MOTION:
        raise InvalidInput(f"Keep the motion to {MAX_MOTION} characters; it has {len(motion)}.")
    if format is Format.POLL:
        if options is None or not options.strip():
            raise InvalidInput("A poll needs its options, written like A | B | C.")
        choices = parse_options(options)
    elif options is not None:
        raise InvalidInput("Only polls take options: leave options empty for a proposal or an Oxford debate.")
    else:
        choices = PROPOSAL_OPTIONS if format is Format.PROPOSAL else OXFORD_OPTIONS
    if max_choices is not None and format is not Format.POLL:
        raise InvalidInput("Only polls let members pick more than one option.")
    if max_choices is not None and not 1 <= max_choices <= len(choices):
        raise InvalidInput(f"max_choices must be between 1 and the number of options ({len(choices)}).")
    if quorum < 0:
        raise InvalidInput("The quorum is a number of votes: 0 or more.")
    if advance_in is not None and format is not Format.OXFORD:
        raise InvalidInput("Only Oxford debates have a closing vote to advance to.")
    if advance_in is not None and duration is not None and advance_in >= duration:
        raise InvalidInput("The closing vote must start before the debate ends: make advance_in shorter.")
    return DebateSpec(motion=motion, format=format, options=choices, max_choices=max_choices or 1, secret=secret,
                      hide_results=hide_results, role_id=role_id, quorum=quorum, duration=duration,
                      advance_in=advance_in)


def check_reason(format: Format, label: str, reason: str | None) -> str | None:
    """The reason to store with a vote, cleaned as a stance's reason is, present where the choice needs one."""
    if format is not Format.PROPOSAL:
        return None
    reason = clean_reason(reason)
    if not reason and label in REASON_REQUIRED:
        raise InvalidInput(f"Voting {label} needs a reason: say what would have to change.")
    return reason


def check_outcome(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput("Write the outcome: what the chapter decided.")
    if len(text) > MAX_OUTCOME:
        raise InvalidInput(f"Keep the outcome to {MAX_OUTCOME} characters; it has {len(text)}.")
    return text


def check_choices(options: tuple[str, ...], max_choices: int, choices: tuple[int, ...]) -> tuple[int, ...]:
    """Option positions for one ballot: known, distinct, at least one and at most `max_choices`, sorted."""
    unique = tuple(sorted(set(choices)))
    if not unique or any(not 0 <= c < len(options) for c in unique):
        raise InvalidInput("That choice is not one of this debate's options.")
    if len(unique) > max_choices:
        raise InvalidInput(f"Pick at most {max_choices} options.")
    return unique
