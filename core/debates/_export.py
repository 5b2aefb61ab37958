"""A debate as a CSV file: every current ballot of a recorded debate, or only the counts of a secret one."""

from __future__ import annotations

import csv
import io

from ..spreadsheet import safe_cell
from ._ballots import is_member_id
from ._model import Debate, Results, StoredVote
from ._rules import ROUND_NAMES, Format

FORGOTTEN = "(forgotten)"


def export_csv(debate: Debate, votes: list[StoredVote], results: Results) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if debate.secret:
        writer.writerow(["round", "option", "votes"])
        for round_, tally in _rounds(results):
            writer.writerows([round_, safe_cell(option), n] for option, n in zip(tally.options, tally.counts))
    else:
        writer.writerow(["member_id", "round", "choice", "reason", "voted_at"])
        for vote in votes:  # reasons are member text, and option labels an organizer's: both escaped
            writer.writerow([safe_cell(cell) for cell in (
                vote.voter if is_member_id(vote.voter) else FORGOTTEN, _round_name(debate, vote.round),
                " + ".join(vote.labels), vote.reason or "", vote.cast_at.isoformat())])
    return buffer.getvalue().encode("utf-8")


def _rounds(results: Results):
    if results.shift is not None:
        return [(ROUND_NAMES[1], results.shift.before), (ROUND_NAMES[2], results.shift.after)]
    return [(_round_name(results.debate, 1), results.tally)]


def _round_name(debate: Debate, round_: int) -> str:
    return ROUND_NAMES[round_] if debate.format is Format.OXFORD else "vote"
