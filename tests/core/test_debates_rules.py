"""Debate rules without a database: durations, options, what /debate start accepts, reasons and choices."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.debates import Format, build_spec, parse_duration, parse_options
from core.debates._rules import check_choices, check_outcome, check_reason
from core.errors import InvalidInput


@pytest.mark.parametrize(("text", "expected"), [
    ("45m", timedelta(minutes=45)),
    ("2h", timedelta(hours=2)),
    ("3d", timedelta(days=3)),
    ("1h30m", timedelta(minutes=90)),
    ("1h 30m", timedelta(minutes=90)),
    ("2 days", timedelta(days=2)),
    (" 1W ", timedelta(weeks=1)),
    ("1m", timedelta(minutes=1)),
    ("60d", timedelta(days=60)),
])
def test_durations_members_type_are_understood(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("3 fortnights", "is not a duration"),
    ("", "is not a duration"),
    ("soon", "is not a duration"),
    ("45", "is not a duration"),
    ("2h and a bit", "is not a duration"),
    ("-5m", "is not a duration"),
    ("0m", "^'0m' is too short: durations run from 1 minute to 60 days.$"),
    ("61d", "^'61d' is too long: durations run from 1 minute to 60 days.$"),
    ("9w", "^'9w' is too long: durations run from 1 minute to 60 days.$"),
])
def test_bad_durations_are_refused_with_one_sentence(text, says):
    with pytest.raises(InvalidInput, match=says):
        parse_duration(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("A | B", ("A", "B")),
    ("  Yes|No  |  Maybe later ", ("Yes", "No", "Maybe later")),
    (" | ".join(str(i) for i in range(25)), tuple(str(i) for i in range(25))),
    ("x" * 55 + " | y", ("x" * 55, "y")),
])
def test_poll_options_are_split_and_trimmed(text, expected):
    assert parse_options(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("Only one", "between 2 and 25 options; you gave 1"),
    (" | ".join(str(i) for i in range(26)), "you gave 26"),
    ("A | a", "listed twice"),
    ("A | B | A", "listed twice"),
    ("A | | B", "empty"),
    ("A |", "empty"),
    ("x" * 56 + " | y", "55 characters"),
])
def test_bad_poll_options_are_refused(text, says):
    with pytest.raises(InvalidInput, match=says):
        parse_options(text)


def test_each_format_gets_its_own_options():
    assert build_spec(motion="m", format=Format.PROPOSAL).options == ("Agree", "Abstain", "Disagree", "Block")
    assert build_spec(motion="m", format=Format.OXFORD).options == ("For", "Against", "Undecided")
    assert build_spec(motion="m", format=Format.POLL, options="A|B").options == ("A", "B")


@pytest.mark.parametrize(("kwargs", "says"), [
    (dict(motion="  ", format=Format.PROPOSAL), "Give the debate a motion"),
    (dict(motion="m" * 301, format=Format.PROPOSAL), "300 characters"),
    (dict(motion="m", format=Format.POLL), "needs its options"),
    (dict(motion="m", format=Format.POLL, options="  "), "needs its options"),
    (dict(motion="m", format=Format.OXFORD, options="A|B"), "Only polls take options"),
    (dict(motion="m", format=Format.PROPOSAL, max_choices=2), "Only polls let members pick"),
    (dict(motion="m", format=Format.POLL, options="A|B", max_choices=3), "between 1 and the number of options"),
    (dict(motion="m", format=Format.POLL, options="A|B", max_choices=0), "between 1 and the number of options"),
    (dict(motion="m", format=Format.PROPOSAL, quorum=-1), "0 or more"),
    (dict(motion="m", format=Format.POLL, options="A|B", advance_in=timedelta(hours=1)), "Only Oxford"),
    (dict(motion="m", format=Format.OXFORD, advance_in=timedelta(hours=2), duration=timedelta(hours=2)),
     "before the debate ends"),
])
def test_bad_debate_requests_are_refused(kwargs, says):
    with pytest.raises(InvalidInput, match=says):
        build_spec(**kwargs)


@pytest.mark.parametrize("format", [Format.PROPOSAL, Format.OXFORD])
def test_options_for_a_fixed_choice_format_are_refused_in_one_sentence_that_reads_right(format):
    with pytest.raises(InvalidInput) as refused:
        build_spec(motion="m", format=format, options="A|B")
    assert refused.value.message == "Only polls take options: leave options empty for a proposal or an Oxford debate."


def test_a_full_request_keeps_every_setting():
    spec = build_spec(motion="  Join   the coalition ", format=Format.POLL, options="A|B|C", max_choices=2,
                      secret=True, hide_results=True, role_id=5, quorum=10, duration=timedelta(days=1))
    assert (spec.motion, spec.max_choices, spec.secret, spec.hide_results, spec.role_id, spec.quorum) == (
        "Join the coalition", 2, True, True, 5, 10)
    assert spec.duration == timedelta(days=1) and spec.advance_in is None


@pytest.mark.parametrize(("format", "label", "reason", "stored"), [
    (Format.PROPOSAL, "Agree", None, None),
    (Format.PROPOSAL, "Agree", "  good   idea ", "good idea"),
    (Format.PROPOSAL, "Block", "breaks our principles", "breaks our principles"),
    (Format.POLL, "A", "ignored", None),
])
def test_reasons_are_kept_where_they_belong(format, label, reason, stored):
    assert check_reason(format, label, reason) == stored


@pytest.mark.parametrize(("label", "reason", "says"), [
    ("Disagree", None, "needs a reason"),
    ("Block", "   ", "needs a reason"),
    ("Agree", "x" * 501, "500 characters"),
])
def test_bad_reasons_are_refused(label, reason, says):
    with pytest.raises(InvalidInput, match=says):
        check_reason(Format.PROPOSAL, label, reason)


@pytest.mark.parametrize(("choices", "max_choices", "expected"), [
    ((1,), 1, (1,)), ((2, 0), 2, (0, 2)), ((0, 0), 1, (0,)),
])
def test_choices_are_normalised(choices, max_choices, expected):
    assert check_choices(("A", "B", "C"), max_choices, choices) == expected


@pytest.mark.parametrize(("choices", "max_choices", "says"), [
    ((), 1, "not one of"), ((3,), 1, "not one of"), ((-1,), 1, "not one of"), ((0, 1), 1, "at most 1"),
])
def test_bad_choices_are_refused(choices, max_choices, says):
    with pytest.raises(InvalidInput, match=says):
        check_choices(("A", "B", "C"), max_choices, choices)


@pytest.mark.parametrize(("text", "says"), [("  ", "Write the outcome"), ("x" * 1001, "1000 characters")])
def test_bad_outcomes_are_refused(text, says):
    with pytest.raises(InvalidInput, match=says):
        check_outcome(text)
