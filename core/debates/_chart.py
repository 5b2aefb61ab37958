"""The results picture: horizontal bars per option, or Oxford's before/after bars. Blocking: call it through
asyncio.to_thread so the event loop keeps answering votes."""

from __future__ import annotations

import io
import textwrap

from ._model import Results

_BEFORE, _AFTER, _SINGLE = "#9e9e9e", "#b71c1c", "#b71c1c"
_LABEL_WIDTH, _TITLE_WIDTH = 28, 60  # characters per line, so that lines fit the figure


def render_results(results: Results) -> bytes:
    """PNG bytes: each option's share of voters, with Oxford's opening and closing votes side by side."""
    buffer = io.BytesIO()
    results_figure(results).savefig(buffer, format="png")
    return buffer.getvalue()


def results_figure(results: Results):
    """The chart as a matplotlib Figure. Members' text is drawn literally (parse_math=False): matplotlib would
    read "$5 to $10" as math, and refuse "$5k (50%) or $10k" outright."""
    from matplotlib.figure import Figure  # imported here: it costs ~0.4 s, and only results pictures need it

    tally = results.tally
    # Wrapped, never shortened: a long word (a link, text without spaces) or options alike in their first words
    # must stay whole and tell apart. Each row, and the figure, grows with its longest label.
    labels = [textwrap.fill(option, _LABEL_WIDTH) for option in tally.options]
    title = textwrap.fill(results.debate.motion, _TITLE_WIDTH)
    rows = list(range(len(labels)))
    row_height = 0.3 + 0.17 * max(label.count("\n") + 1 for label in labels)
    height = 1.2 + 0.2 * title.count("\n") + row_height * len(labels)
    figure = Figure(figsize=(8, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    if results.shift is not None:
        before = results.shift.before
        axes.barh([r - 0.2 for r in rows], [100 * before.share(i) for i in rows], height=0.4, color=_BEFORE,
                  label=f"Opening vote ({before.voters})")
        axes.barh([r + 0.2 for r in rows], [100 * tally.share(i) for i in rows], height=0.4, color=_AFTER,
                  label=f"Closing vote ({tally.voters})")
        axes.legend(loc="lower right")
    else:
        bars = axes.barh(rows, [100 * tally.share(i) for i in rows], height=0.6, color=_SINGLE)
        axes.bar_label(bars, labels=[str(c) for c in tally.counts], padding=3)
    axes.set_yticks(rows, labels, parse_math=False)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("share of voters (%)")
    figure.suptitle(title, fontsize=11, parse_math=False)  # centred on the figure: wide labels shift the axes
    return figure
