"""The chart image of a topic's distribution over time. Blocking: call it through asyncio.to_thread."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ._privacy import POOLED, Breakdown

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# support ... oppose, then the pooled private row in grey; debate options use the default cycle.
_SCALE_COLOURS = ("#1a9850", "#91cf60", "#d9d9d9", "#fc8d59", "#d73027")
_POOLED_COLOUR = "#7f7f7f"


def render_timeline(title: str, stances: Sequence[str], points: Sequence[tuple[date, Breakdown]],
                    *, on_scale: bool) -> bytes:
    """A stacked area chart of members per stance, one point per day of `points`; returns PNG bytes."""
    buffer = io.BytesIO()
    timeline_figure(title, stances, points, on_scale=on_scale).savefig(buffer, format="png")
    return buffer.getvalue()


def timeline_figure(title: str, stances: Sequence[str], points: Sequence[tuple[date, Breakdown]],
                    *, on_scale: bool) -> Figure:
    """The chart as a matplotlib figure, to save or to inspect."""
    # Imported here: matplotlib costs ~0.4 s to import, and only charts need it.
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    labels = list(stances) + ([POOLED] if any(row.label == POOLED for _, b in points for row in b.rows) else [])
    days = [day for day, _ in points]
    series = [[_count(b, label) for _, b in points] for label in labels]
    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    colours = None
    if on_scale:
        colours = list(_SCALE_COLOURS) + ([_POOLED_COLOUR] if POOLED in labels else [])
    if len(days) == 1:  # a one-day topic: draw it as a bar so there is something to see
        bottom = 0
        for index, (label, values) in enumerate(zip(labels, series, strict=True)):
            axes.bar(days, values, bottom=bottom, label=label, color=colours[index] if colours else None, width=0.6)
            bottom += values[0]
    else:
        # Each day's counts hold until the next day; the last day (today) needs a next day too, or it has no width.
        axes.stackplot(days + [days[-1] + timedelta(days=1)], [values + values[-1:] for values in series],
                       labels=labels, colors=colours, step="post")
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("members")
    # Members' text is drawn as written: matplotlib would read "$5 to $10" as math, and refuse some of it outright.
    axes.set_title(title if len(title) <= 70 else title[:69] + "\u2026", parse_math=False)
    for text in axes.legend(loc="upper left", fontsize="small", framealpha=0.8).get_texts():
        text.set_parse_math(False)
    return figure


def _count(counts: Breakdown, label: str) -> int:
    return next((row.count for row in counts.rows if row.label == label), 0)
