"""Debates: polls, consent proposals and Oxford-style votes on a motion, with secret ballots, quorum and results.

No Discord here; `cogs.debates` puts it on screen.
"""

from ._ballots_of import ballots_of  # for /position export, read by core.positions.PositionLog
from ._chart import render_results
from ._duration import parse_duration
from ._export import export_csv
from ._forget import forget_member
from ._model import Debate, Receipt, Results, StoredVote
from ._repo import Accepts, DebateClosed, DebateRepo, RoleRequired
from ._rules import (MAX_MOTION, MAX_OUTCOME, OXFORD_OPTIONS, PROPOSAL_OPTIONS, REASON_REQUIRED,
                     ROUND_NAMES, DebateSpec, Format, build_spec, parse_options)
from ._tally import Ballot, OxfordShift, Tally, count, oxford_shift

__all__ = [
    "MAX_MOTION", "MAX_OUTCOME", "OXFORD_OPTIONS", "PROPOSAL_OPTIONS", "REASON_REQUIRED", "ROUND_NAMES",
    "Accepts", "Ballot", "Debate", "DebateClosed", "DebateRepo", "DebateSpec", "Format", "OxfordShift", "Receipt",
    "Results", "RoleRequired", "StoredVote", "Tally", "ballots_of", "build_spec", "count", "export_csv",
    "forget_member", "oxford_shift", "parse_duration", "parse_options", "render_results",
]
