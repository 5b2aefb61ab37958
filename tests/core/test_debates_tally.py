"""Counting: tallies, shares, leaders and the Oxford shift with its transition matrix."""

from __future__ import annotations

import pytest

from core.debates import Ballot, count, oxford_shift

FOR, AGAINST, UNDECIDED = 0, 1, 2


def ballots(*choices: int, prefix: str = "m") -> list[Ballot]:
    return [Ballot(f"{prefix}{i}", (c,)) for i, c in enumerate(choices)]


@pytest.mark.parametrize(("picks", "counts", "voters", "leaders"), [
    ([], (0, 0, 0), 0, ()),
    ([(0,), (0,), (1,)], (2, 1, 0), 3, ("A",)),
    ([(0,), (1,)], (1, 1, 0), 2, ("A", "B")),
    ([(0, 2), (2,), (1, 2)], (1, 1, 3), 3, ("C",)),
])
def test_tally_counts_choices_and_voters(picks, counts, voters, leaders):
    tally = count(("A", "B", "C"), [Ballot(str(i), p) for i, p in enumerate(picks)])
    assert (tally.counts, tally.voters, tally.leaders) == (counts, voters, leaders)


def test_shares_are_of_voters_and_zero_without_votes():
    tally = count(("A", "B"), ballots(0, 0, 0, 1))
    assert (tally.share(0), tally.share(1)) == (0.75, 0.25)
    assert count(("A", "B"), []).share(0) == 0.0


def test_oxford_winner_is_the_side_that_gained_most_not_the_largest():
    # Opening: For 60%, Against 20%, Undecided 20%. Closing: For 55%, Against 45%: Against wins on the swing.
    opening = ballots(*[FOR] * 6, *[AGAINST] * 2, *[UNDECIDED] * 2)
    closing = ballots(*[FOR] * 5, *[AGAINST] * 4, UNDECIDED) + [Ballot("late", (AGAINST,))]
    shift = oxford_shift(opening, closing)
    assert shift.before.counts == (6, 2, 2) and shift.after.counts == (5, 5, 1)
    assert shift.gains == {"For": round(100 * (5 / 11 - 0.6), 1), "Against": round(100 * (5 / 11 - 0.2), 1)}
    assert shift.winner == "Against"


def test_oxford_transition_matrix_pairs_each_voter_across_rounds():
    opening = [Ballot("a", (FOR,)), Ballot("b", (UNDECIDED,)), Ballot("c", (UNDECIDED,)), Ballot("d", (AGAINST,))]
    closing = [Ballot("a", (FOR,)), Ballot("b", (AGAINST,)), Ballot("c", (FOR,)), Ballot("e", (FOR,))]
    shift = oxford_shift(opening, closing)
    assert shift.matrix == ((1, 0, 0), (0, 0, 0), (1, 1, 0))
    assert shift.unpaired == 1  # "e" only voted at the end; "d" only at the start


@pytest.mark.parametrize(("opening", "closing"), [
    ([], []),
    (ballots(FOR, AGAINST), ballots(FOR, AGAINST)),          # nobody moved: a tie at zero
    (ballots(UNDECIDED, UNDECIDED), ballots(FOR, AGAINST)),  # equal gains
    (ballots(FOR), []),                                      # no closing vote cast
])
def test_oxford_has_no_winner_on_a_tie_or_without_votes(opening, closing):
    assert oxford_shift(opening, closing).winner is None
