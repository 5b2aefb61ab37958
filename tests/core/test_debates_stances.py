"""Debates in the members' stance log: a debate with hidden results writes nothing there until it closes, then
exactly what a debate with visible results would have written while open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.debates import DebateRepo, Format, build_spec
from core.store import Store

GUILD, CHANNEL, ORGANIZER = 100, 10, 1
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ROSA, KARL, CLARA = 11, 12, 13
AGREE, ABSTAIN, DISAGREE = 0, 1, 2
FOR, AGAINST = 0, 1


@pytest.fixture
def repo(store: Store) -> DebateRepo:
    return DebateRepo(store)


async def _open(repo: DebateRepo, format: Format, motion: str, *, hide_results: bool, **kwargs):
    spec = build_spec(motion=motion, format=format, hide_results=hide_results, **kwargs)
    return await repo.start(spec, guild_id=GUILD, channel_id=CHANNEL, author_id=ORGANIZER, now=T0)


async def _entries(store: Store, debate) -> list[tuple]:
    """The debate's log entries as a member would see them (the source names the debate, so it is left out)."""
    rows = await store.fetchall("SELECT member_id, stance, reason, created_at, source FROM position_entries"
                                " WHERE topic_id = ? ORDER BY created_at, id", (debate.topic_id,))
    assert all(row["source"] == f"debate:{debate.id}" for row in rows)
    return [tuple(row)[:4] for row in rows]


async def _cast_proposal_votes(repo: DebateRepo, debate) -> None:
    for minutes, member, choice, reason in ((1, ROSA, AGREE, None), (2, KARL, DISAGREE, "Too soon"),
                                            (3, ROSA, ABSTAIN, "Changed my mind"), (4, CLARA, AGREE, None)):
        await repo.vote(GUILD, debate.id, member_id=member, member_roles=frozenset(), choices=(choice,),
                        reason=reason, now=T0 + timedelta(minutes=minutes))


async def _cast_oxford_votes(repo: DebateRepo, debate) -> None:
    """Opening vote, a change, then the closing vote after the scheduled advance."""
    for minutes, member, choice in ((1, ROSA, FOR), (2, KARL, AGAINST), (3, KARL, FOR), (61, ROSA, AGAINST),
                                    (62, KARL, FOR)):
        await repo.vote(GUILD, debate.id, member_id=member, member_roles=frozenset(), choices=(choice,),
                        now=T0 + timedelta(minutes=minutes))


async def test_a_hidden_proposal_logs_nothing_while_open_and_everything_at_close(repo, store):
    shown = await _open(repo, Format.PROPOSAL, "The chapter joins the coalition", hide_results=False)
    hidden = await _open(repo, Format.PROPOSAL, "The chapter leaves the coalition", hide_results=True)
    await _cast_proposal_votes(repo, shown)
    await _cast_proposal_votes(repo, hidden)
    assert await _entries(store, hidden) == []
    await repo.close(GUILD, shown.id, now=T0 + timedelta(minutes=10))
    await repo.close(GUILD, hidden.id, now=T0 + timedelta(minutes=10))
    logged = await _entries(store, shown)
    assert len(logged) == 4
    assert await _entries(store, hidden) == logged


async def test_a_hidden_oxford_debate_closed_by_its_deadline_logs_both_rounds_at_close(repo, store):
    rules = dict(duration=timedelta(hours=2), advance_in=timedelta(hours=1))
    shown = await _open(repo, Format.OXFORD, "The chapter joins the coalition", hide_results=False, **rules)
    hidden = await _open(repo, Format.OXFORD, "The chapter leaves the coalition", hide_results=True, **rules)
    await _cast_oxford_votes(repo, shown)
    await _cast_oxford_votes(repo, hidden)
    advanced = await repo.settle_due(now=T0 + timedelta(minutes=90))
    assert [what for _, what in advanced] == ["advanced", "advanced"]
    assert await _entries(store, hidden) == []
    settled = await repo.settle_due(now=T0 + timedelta(hours=2))
    assert [(debate.id, what) for debate, what in settled] == [(shown.id, "closed"), (hidden.id, "closed")]
    logged = await _entries(store, shown)
    assert len(logged) == 5
    assert await _entries(store, hidden) == logged
