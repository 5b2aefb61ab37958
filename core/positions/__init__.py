"""Members' positions: a per-server, append-only stance log that members control.

The debates feature writes recorded votes here with `ensure_debate_topic` and `log_stance`, inside its own
transaction; the positions cog reads and writes through `PositionLog`.
"""

from ._chart import render_timeline
from ._export import ballots_csv, member_csv, member_json, report_csv
from ._log import Forgotten, PositionLog, TopicCount, ensure_debate_topic, log_stance
from ._model import MAX_REASON, SCALE, Ballot, Entry, Topic, clean_reason, clean_topic_name, match_stance, topics_for_stance
from ._privacy import MIN_GROUP, POOLED, Breakdown
from ._summary import Summary

__all__ = [
    "MAX_REASON", "MIN_GROUP", "POOLED", "SCALE", "Ballot", "Breakdown", "Entry", "Forgotten", "PositionLog", "Summary", "Topic",
    "TopicCount", "ballots_csv", "clean_reason", "clean_topic_name", "ensure_debate_topic", "log_stance",
    "match_stance", "member_csv", "member_json", "render_timeline", "report_csv", "topics_for_stance",
]
