"""Files: a member's own data (JSON and CSV) and an organizer's report of a topic over time (CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ..spreadsheet import safe_cell
from ._model import Ballot, Entry, stamp
from ._privacy import Breakdown



def member_json(guild_id: int, member_id: int, visible: bool, entries: Sequence[Entry],
                ballots: Sequence[Ballot] = ()) -> bytes:
    data = {
        "server_id": str(guild_id),
        "member_id": str(member_id),
        "privacy": "visible" if visible else "private",
        "entries": [_entry_dict(entry) for entry in entries],
        "ballots": [_ballot_dict(ballot) | {"choices": list(ballot.choices)} for ballot in ballots],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def member_csv(entries: Sequence[Entry]) -> bytes:
    fields = ["time", "topic", "stance", "reason", "passage", "source"]
    return _csv(fields, ([_entry_dict(entry)[field] for field in fields] for entry in entries))


def ballots_csv(ballots: Sequence[Ballot]) -> bytes:
    """The member's debate ballots, one row per ballot cast; several choices are joined with '; '."""
    fields = ["time", "debate_id", "motion", "round", "choices", "reason"]
    return _csv(fields, ([_ballot_dict(ballot)[field] for field in fields] for ballot in ballots))


def report_csv(points: Sequence[tuple[date, Breakdown]], names: Mapping[int, str]) -> bytes:
    """One row per day (UTC) and stance: members counted, and the names of those who chose to be visible."""
    rows = ([day.isoformat(), row.label, row.count, "; ".join(names.get(m, str(m)) for m in row.named)]
            for day, counts in points for row in counts.rows)
    return _csv(["date_utc", "stance", "members", "visible_members"], rows)


def _entry_dict(entry: Entry) -> dict[str, str]:
    return {"time": stamp(entry.at), "topic": entry.topic, "stance": entry.stance, "reason": entry.reason or "",
            "passage": entry.passage or "", "source": entry.source}


def _ballot_dict(ballot: Ballot) -> dict[str, object]:
    return {"time": stamp(ballot.at), "debate_id": str(ballot.debate_id), "motion": ballot.motion,
            "round": ballot.round, "choices": "; ".join(ballot.choices), "reason": ballot.reason or ""}


def _csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")

