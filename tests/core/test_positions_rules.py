"""Pure rules of the stance log: stance matching, input checks, privacy-safe counting, summaries, files."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.image import imread

from core.debates import Format
from core.debates._rules import check_reason
from core.errors import InvalidInput
from core.positions import (MIN_GROUP, POOLED, SCALE, Ballot, Entry, Topic, ballots_csv, member_csv, member_json,
                            report_csv)
from core.positions._model import clean_reason, clean_topic_name, match_stance, topics_for_stance
from core.positions._privacy import breakdown
from core.positions._chart import render_timeline, timeline_figure
from core.positions._summary import direction, summarize, timeline

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
OPTIONS = ("For", "Against", "Undecided")


def scale_topic(age_days: float = 60) -> Topic:
    return Topic(1, 10, "China policy", SCALE, None, NOW - timedelta(days=age_days))


def debate_topic(age_days: float = 5) -> Topic:
    return Topic(2, 10, "Tax the rich", OPTIONS, 7, NOW - timedelta(days=age_days))


def entry(member: int, stance: str, days_ago: float, source: str = "member", topic: str = "China policy") -> Entry:
    return Entry(topic, member, stance, None, None, source, NOW - timedelta(days=days_ago))


@pytest.mark.parametrize(("typed", "expected"), [
    ("support", "support"),
    ("Lean Support", "lean support"),
    ("  OPPOSE ", "oppose"),
    ("lean oppose", "lean oppose"),
])
def test_a_stance_is_matched_ignoring_case_and_spacing(typed, expected):
    assert match_stance("China policy", SCALE, typed) == expected


@pytest.mark.parametrize("typed", ["maybe", "supports", "", "lean", "For"])
def test_a_stance_not_on_the_topic_is_refused_with_the_choices(typed):
    with pytest.raises(InvalidInput) as caught:
        match_stance("China policy", SCALE, typed)
    assert "support, lean support, undecided, lean oppose, oppose" in caught.value.message


def test_a_debate_stance_matches_accents_and_case():
    assert match_stance("Motion", ("Pour", "Contre", "Abstención"), "abstencion") == "Abstención"


@pytest.mark.parametrize(("stance", "new_name", "offered", "new_fits"), [
    ("support", "China policies", ["China policy"], True),   # the scale topic and a new one both take it
    ("For", "Tax the richer", ["Tax the rich"], False),      # only the debate topic offers "For"
    ("SUPPORT", "Tax the richer", ["China policy"], True),   # case and accents do not matter
    ("oppose", None, ["China policy"], False),               # same name typed differently: no new topic
])
def test_only_topics_the_stance_fits_are_offered(stance, new_name, offered, new_fits):
    fitting, fits_new = topics_for_stance([scale_topic(), debate_topic()], stance, new_name=new_name)
    assert ([topic.name for topic in fitting], fits_new) == (offered, new_fits)


@pytest.mark.parametrize(("candidates", "new_name", "says"), [
    ([debate_topic()], "Tax the richer",
     "'maybe' is not a stance on 'Tax the rich' (For, Against, Undecided) nor a new topic 'Tax the richer' ("),
    ([scale_topic()], None, "'maybe' is not a stance on 'China policy'; choose one of: support,"),
    ([scale_topic(), debate_topic()], "China", "'maybe' is not a stance on 'China policy' (support"),
])
def test_a_stance_that_fits_nothing_on_offer_is_refused_in_one_sentence(candidates, new_name, says):
    with pytest.raises(InvalidInput) as refused:
        topics_for_stance(candidates, "maybe", new_name=new_name)
    assert refused.value.message.startswith(says) and refused.value.message.count(".") == 1


def test_the_refusal_stays_short_for_three_debate_topics_with_long_options():
    options = tuple(f"option {n} " + "x" * 45 for n in range(25))
    candidates = [Topic(n, 10, "t" * 99 + str(n), options, n, NOW) for n in range(3)]
    with pytest.raises(InvalidInput) as refused:
        topics_for_stance(candidates, "m" * 6000, new_name="t" * 100)
    assert len(refused.value.message) < 2000


@pytest.mark.parametrize(("reason", "expected"), [
    (None, None), ("", None), ("   ", None), ("  because  ", "because"), ("x" * 500, "x" * 500),
])
def test_reasons_up_to_500_characters_are_kept_trimmed(reason, expected):
    assert clean_reason(reason) == expected


@pytest.mark.parametrize("reason", [
    "trade  unions\n\nagree", "\ttabs\tand\r\nline breaks ", "word  " * 100, "  one  ",
])
def test_a_reason_is_stored_as_a_debate_vote_stores_it_with_whitespace_runs_collapsed(reason):
    assert clean_reason(reason) == " ".join(reason.split())
    assert clean_reason(reason) == check_reason(Format.PROPOSAL, "Agree", reason)


@pytest.mark.parametrize("length", [501, 5000])
def test_a_longer_reason_is_refused_saying_the_limit(length):
    with pytest.raises(InvalidInput, match="500 characters"):
        clean_reason("x" * length)


@pytest.mark.parametrize(("name", "expected"), [
    ("China policy", "China policy"), ("  China   policy ", "China policy"), ("t" * 100, "t" * 100),
])
def test_topic_names_are_stored_with_single_spaces(name, expected):
    assert clean_topic_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "t" * 101])
def test_empty_or_long_topic_names_are_refused(name):
    with pytest.raises(InvalidInput):
        clean_topic_name(name)


# -- privacy-safe counting ----------------------------------------------------------------------------------------

def counts(result) -> dict[str, int]:
    return {row.label: row.count for row in result.rows}


LABELS = ["a", "b", "c"]


@pytest.mark.parametrize(("private", "expected"), [
    # every private group at least 3: shown as is
    ({"a": 3, "b": 4, "c": 0}, {"a": 3, "b": 4, "c": 0}),
    # two small groups that together reach 3 are pooled
    ({"a": 5, "b": 2, "c": 1}, {"a": 5, "b": 0, "c": 0, POOLED: 3}),
    # one small group alone: the smallest shown group joins the pool
    ({"a": 3, "b": 4, "c": 1}, {"a": 0, "b": 4, "c": 0, POOLED: 4}),
    # too few private members in all: nothing of them is shown
    ({"a": 2, "b": 0, "c": 0}, {"a": 0, "b": 0, "c": 0}),
    ({"a": 1, "b": 1, "c": 0}, {"a": 0, "b": 0, "c": 0}),
    ({}, {"a": 0, "b": 0, "c": 0}),
])
def test_private_groups_smaller_than_three_are_never_shown(private, expected):
    holders, member = {}, 0
    for label, size in private.items():
        for _ in range(size):
            member += 1
            holders[member] = label
    assert counts(breakdown(holders, LABELS, visible=set())) == expected


def test_visible_members_are_named_and_counted_even_alone():
    result = breakdown({1: "a", 2: "b", 3: "b"}, LABELS, visible={1, 2, 3})
    assert [(row.label, row.count, row.named) for row in result.rows] == [
        ("a", 1, (1,)), ("b", 2, (2, 3)), ("c", 0, ())]


def test_a_lone_private_member_beside_visible_ones_is_not_counted():
    result = breakdown({1: "a", 2: "a", 3: "a", 4: "b"}, LABELS, visible={1, 2, 3})
    assert counts(result) == {"a": 3, "b": 0, "c": 0}
    assert result.total == 3


def test_every_private_group_shown_is_zero_or_at_least_three_for_many_splits():
    # exhaustive over small splits: the private part of each row and the pool is 0 or >= MIN_GROUP
    for a in range(6):
        for b in range(6):
            for c in range(6):
                holders = {i: label for i, label in enumerate(["a"] * a + ["b"] * b + ["c"] * c)}
                for row in breakdown(holders, LABELS, visible=set()).rows:
                    assert row.count == 0 or row.count >= MIN_GROUP, (a, b, c, row)


# -- summaries -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after", "expected"), [
    ("oppose", "support", "towards support"),
    ("undecided", "lean support", "towards support"),
    ("support", "lean oppose", "towards oppose"),
])
def test_direction_on_the_scale(before, after, expected):
    assert direction(scale_topic(), before, after) == expected


def test_direction_between_debate_options_is_the_transition():
    assert direction(debate_topic(), "Against", "For") == "Against \u2192 For"


def test_summary_compares_now_with_30_days_ago_for_an_older_topic():
    entries = [entry(m, "oppose", 40) for m in (1, 2, 3, 4)] + [entry(m, "support", 10) for m in (1, 2, 3, 4)]
    summary = summarize(scale_topic(60), entries, visible=set(), now=NOW)
    assert summary.baseline_at == NOW - timedelta(days=30)
    assert counts(summary.baseline)["oppose"] == 4
    assert counts(summary.current)["support"] == 4
    assert counts(summary.changes) == {"towards support": 4, "towards oppose": 0}


def test_summary_of_a_young_topic_compares_with_first_stances():
    entries = [entry(m, "undecided", 4) for m in (1, 2, 3)] + [entry(m, "oppose", 1) for m in (1, 2, 3)]
    summary = summarize(scale_topic(5), entries, visible=set(), now=NOW)
    assert summary.baseline_at is None
    assert counts(summary.baseline)["undecided"] == 3
    assert counts(summary.changes)["towards oppose"] == 3


def test_members_new_since_the_baseline_are_not_counted_as_changed():
    entries = [entry(m, "support", 5) for m in (1, 2, 3)]
    summary = summarize(scale_topic(60), entries, visible=set(), now=NOW)
    assert summary.changes.total == 0 and counts(summary.current)["support"] == 3


def test_changes_by_one_private_member_are_not_shown():
    entries = [entry(m, "oppose", 40) for m in (1, 2, 3)] + [entry(1, "support", 3)]
    summary = summarize(scale_topic(60), entries, visible=set(), now=NOW)
    assert summary.changes.total == 0


def test_members_who_changed_after_the_debate_vote_are_counted_by_transition():
    entries = ([entry(m, "For", 4, "debate:7", "Tax the rich") for m in (1, 2, 3, 4)]
               + [entry(m, "Against", 2, topic="Tax the rich") for m in (1, 2, 3)])
    summary = summarize(debate_topic(), entries, visible={4}, now=NOW)
    assert counts(summary.after_debate)["For \u2192 Against"] == 3


def test_a_visible_member_who_changed_after_the_debate_is_named():
    entries = [entry(9, "For", 4, "debate:7", "Tax the rich"), entry(9, "Undecided", 1, topic="Tax the rich")]
    summary = summarize(debate_topic(), entries, visible={9}, now=NOW)
    row = next(row for row in summary.after_debate.rows if row.count)
    assert (row.label, row.named) == ("For \u2192 Undecided", (9,))


def test_a_member_topic_has_no_after_debate_section():
    assert summarize(scale_topic(), [], visible=set(), now=NOW).after_debate is None


def test_timeline_has_one_point_per_day_from_the_topic_start():
    entries = [entry(m, "support", 2.5) for m in (1, 2, 3)]
    points = timeline(scale_topic(3), entries, visible=set(), now=NOW)
    assert [day for day, _ in points] == [date(2026, 6, 27), date(2026, 6, 28), date(2026, 6, 29), date(2026, 6, 30)]
    assert [counts(b)["support"] for _, b in points] == [0, 3, 3, 3]


@pytest.mark.parametrize("topic", [scale_topic(3), debate_topic(3)])
def test_a_timeline_of_several_days_draws_as_a_full_size_png(topic):
    stance = topic.stances[0]
    entries = [entry(m, stance, 2.5, topic=topic.name) for m in (1, 2, 3)]
    entries.append(entry(4, topic.stances[1], 1, topic=topic.name))
    points = timeline(topic, entries, visible={1}, now=NOW)
    assert len(points) > 1
    png = render_timeline(topic.name, topic.stances, points, on_scale=topic.on_scale)
    assert imread(io.BytesIO(png), format="png").shape[:2] == (450, 800)


def test_the_chart_draws_each_day_one_day_wide_today_included():
    # three members took a stance yesterday and three more today: the chart must show today's six
    entries = [entry(m, "support", 1) for m in (1, 2, 3)] + [entry(m, "oppose", 0.1) for m in (4, 5, 6)]
    points = timeline(scale_topic(1), entries, visible=set(), now=NOW)
    assert [b.total for _, b in points] == [3, 6]
    figure = timeline_figure("China policy", SCALE, points, on_scale=True)
    drawn = sum(area(path.vertices) for layer in figure.axes[0].collections for path in layer.get_paths())
    assert drawn == pytest.approx(3 + 6)  # in member-days: each count held for one day



def test_dollar_signs_in_a_topic_and_its_stances_are_drawn_as_written():
    topic = debate_topic(3)
    stances = ("Raise $5k (50% of goal)", "or $10k?")
    entries = [entry(m, stances[m % 2], 2.5, topic=topic.name) for m in (1, 2, 3)]
    points = timeline(replace(topic, stances=stances), entries, visible=set(), now=NOW)
    title = "Dues: $5 to $10 a month?"
    png = render_timeline(title, stances, points, on_scale=False)  # raised ValueError when read as math
    assert png.startswith(b"\x89PNG")
    axes = timeline_figure(title, stances, points, on_scale=False).axes[0]
    assert not axes.title.get_parse_math() and axes.title.get_text() == title
    assert all(not text.get_parse_math() for text in axes.get_legend().get_texts())

def area(vertices) -> float:
    """The area of a polygon (shoelace formula)."""
    xs, ys = vertices[:, 0], vertices[:, 1]
    return abs(sum(xs[i] * ys[i + 1] - xs[i + 1] * ys[i] for i in range(len(xs) - 1))) / 2


def test_a_long_timeline_is_sampled_but_ends_today():
    points = timeline(scale_topic(400), [], visible=set(), now=NOW)
    assert len(points) <= 92 and points[-1][0] == NOW.date()


def test_a_timeline_for_a_report_has_every_day():
    entries = [entry(1, "support", 399), entry(1, "oppose", 2)]
    points = timeline(scale_topic(400), entries, visible={1}, now=NOW, max_points=None)
    assert [day for day, _ in points] == [NOW.date() - timedelta(days=n) for n in range(400, -1, -1)]
    assert [counts(b)["oppose"] for _, b in points[-4:]] == [0, 1, 1, 1]


# -- files -------------------------------------------------------------------------------------------------------

def test_member_export_holds_every_entry_in_json_and_csv():
    entries = [Entry("China policy", 5, "support", "=HYPERLINK(evil)", "essay:3", "member", NOW),
               Entry("Tax the rich", 5, "For", None, None, "debate:7", NOW)]
    data = json.loads(member_json(10, 5, True, entries))
    assert data["privacy"] == "visible" and len(data["entries"]) == 2
    assert data["entries"][0]["reason"] == "=HYPERLINK(evil)"
    rows = list(csv.DictReader(io.StringIO(member_csv(entries).decode())))
    assert [row["topic"] for row in rows] == ["China policy", "Tax the rich"]
    assert rows[0]["reason"] == "'=HYPERLINK(evil)"  # a spreadsheet shows it, does not run it


def test_member_export_holds_debate_ballots_in_json_and_their_own_csv():
    ballots = [Ballot(7, "-Which campaigns", 1, ("Rent", "Childcare"), None, NOW),
               Ballot(8, "Join the coalition", 2, ("Disagree",), "=cost", NOW)]
    data = json.loads(member_json(10, 5, False, [], ballots))
    assert [(b["debate_id"], b["choices"], b["round"]) for b in data["ballots"]] == [
        ("7", ["Rent", "Childcare"], 1), ("8", ["Disagree"], 2)]
    rows = list(csv.DictReader(io.StringIO(ballots_csv(ballots).decode())))
    assert [(row["motion"], row["choices"], row["reason"]) for row in rows] == [
        ("'-Which campaigns", "Rent; Childcare", ""), ("Join the coalition", "Disagree", "'=cost")]


def test_report_names_only_visible_members():
    holders = {1: "support", 2: "support", 3: "support", 4: "support"}
    rows = list(csv.DictReader(io.StringIO(
        report_csv([(NOW.date(), breakdown(holders, SCALE, visible={4}))], {4: "Rosa"}).decode())))
    support = next(row for row in rows if row["stance"] == "support")
    assert (support["members"], support["visible_members"]) == ("4", "Rosa")
    assert all("1" not in row["visible_members"] for row in rows)
