"""Positions and debates together on one real database: recorded votes enter the log; forgetting reaches both."""

from __future__ import annotations

import pytest

from core.debates import DebateRepo, Format, build_spec
from core.store import Store

GUILD, CHANNEL, ORGANIZER = 100, 5, 9
ROSA, KARL = 1, 2


async def start(debates: DebateRepo, *, secret: bool = False):
    spec = build_spec(motion="The chapter joins the coalition", format=Format.OXFORD, secret=secret)
    return await debates.start(spec, guild_id=GUILD, channel_id=CHANNEL, author_id=ORGANIZER)


async def vote(debates: DebateRepo, debate, member: int, choice: int) -> None:
    await debates.vote(GUILD, debate.id, member_id=member, member_roles=frozenset(), choices=(choice,))


async def test_a_recorded_vote_becomes_the_members_stance_with_the_debate_as_source(debates, positions):
    debate = await start(debates)
    await vote(debates, debate, ROSA, 1)
    [entry] = await positions.current(GUILD, ROSA)
    assert (entry.topic, entry.stance, entry.debate_id) == ("The chapter joins the coalition", "Against", debate.id)


async def test_a_secret_vote_never_enters_the_log(debates, positions, store):
    debate = await start(debates, secret=True)
    await vote(debates, debate, ROSA, 0)
    assert await positions.history(GUILD, ROSA) == []
    assert (await store.fetchone("SELECT COUNT(*) FROM position_entries"))[0] == 0


async def test_forget_withdraws_the_vote_in_an_open_debate_and_erases_its_entry(debates, positions):
    debate = await start(debates)
    await vote(debates, debate, ROSA, 0)
    await vote(debates, debate, KARL, 1)
    forgotten = await positions.forget(GUILD, ROSA)
    assert (forgotten.entries, forgotten.votes) == (1, 1)
    results = await debates.results(await debates.get(GUILD, debate.id))
    assert results.tally.voters == 1
    assert await positions.history(GUILD, ROSA) == [] and len(await positions.history(GUILD, KARL)) == 1


async def test_forget_keeps_a_closed_debates_counts_and_shift_but_nothing_else_of_the_member(debates, positions, store):
    debate = await start(debates)
    await vote(debates, debate, ROSA, 0)
    await vote(debates, debate, KARL, 2)
    await debates.advance(GUILD, debate.id)
    await vote(debates, debate, ROSA, 1)
    await vote(debates, debate, ROSA, 2)  # a change of mind within the closing vote
    await vote(debates, debate, KARL, 1)
    closed = await debates.close(GUILD, debate.id)
    before = await debates.results(closed)
    await positions.forget(GUILD, ROSA)
    after = await debates.results(closed)
    assert (after.tally, after.shift) == (before.tally, before.shift)
    anonymous = [v for v in await debates.votes(closed) if v.voter != str(KARL)]
    assert len(anonymous) == 2 and len({v.voter for v in anonymous}) == 1 and anonymous[0].voter != str(ROSA)
    assert all(v.cast_at == closed.closed_at and v.reason is None for v in anonymous)
    history = await store.fetchall("SELECT voter FROM debate_vote_history WHERE debate_id = ?", (debate.id,))
    assert {row["voter"] for row in history} == {str(KARL)}


async def test_a_member_with_only_a_secret_ballot_can_still_forget_it(debates, positions):
    debate = await start(debates, secret=True)
    await vote(debates, debate, ROSA, 0)
    await vote(debates, debate, KARL, 1)
    assert await positions.has_anything(GUILD, ROSA)
    assert not await positions.has_anything(GUILD, 3)
    forgotten = await positions.forget(GUILD, ROSA)
    assert (forgotten.entries, forgotten.votes) == (0, 1)
    assert (await debates.results(await debates.get(GUILD, debate.id))).tally.voters == 1
    assert not await positions.has_anything(GUILD, ROSA)


async def poll(debates: DebateRepo, *, guild: int = GUILD, secret: bool = False):
    spec = build_spec(motion="Which campaigns this year", format=Format.POLL, options="Rent | Transit | Childcare",
                      max_choices=2, secret=secret)
    return await debates.start(spec, guild_id=guild, channel_id=CHANNEL, author_id=ORGANIZER)


async def test_a_members_multiple_choice_ballots_are_read_for_their_export_and_no_one_elses(debates, positions):
    recorded, secret, elsewhere = await poll(debates), await poll(debates, secret=True), await poll(debates, guild=7)
    await debates.vote(GUILD, recorded.id, member_id=ROSA, member_roles=frozenset(), choices=(0, 2))
    await debates.vote(GUILD, recorded.id, member_id=ROSA, member_roles=frozenset(), choices=(1,))
    await debates.vote(GUILD, recorded.id, member_id=KARL, member_roles=frozenset(), choices=(0,))
    await debates.vote(GUILD, secret.id, member_id=ROSA, member_roles=frozenset(), choices=(0,))
    await debates.vote(7, elsewhere.id, member_id=ROSA, member_roles=frozenset(), choices=(0,))
    assert await positions.history(GUILD, ROSA) == []  # multiple-choice polls never enter the stance log
    ballots = await positions.ballots(GUILD, ROSA)
    assert [(b.debate_id, b.motion, b.round, b.choices) for b in ballots] == [
        (recorded.id, "Which campaigns this year", 1, ("Rent", "Childcare")),
        (recorded.id, "Which campaigns this year", 1, ("Transit",))]


async def test_forgotten_ballots_are_no_longer_the_members_to_export(debates, positions):
    debate = await poll(debates)
    await debates.vote(GUILD, debate.id, member_id=ROSA, member_roles=frozenset(), choices=(0, 2))
    await debates.close(GUILD, debate.id)
    await positions.forget(GUILD, ROSA)
    assert await positions.ballots(GUILD, ROSA) == []


def file_bytes(store: Store) -> bytes:
    """The database file and its write-ahead log, raw: what someone holding the disk could read."""
    wal = store.path.with_name(store.path.name + "-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("reached_database_file", [False, True])
async def test_what_a_member_forgets_is_in_neither_the_database_file_nor_its_wal(debates, positions, store,
                                                                              reached_database_file):
    stance_reason, vote_reason = "rosa-stance-4e1f9a", "rosa-ballot-77c2d0"
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support", reason=stance_reason)
    spec = build_spec(motion="Endorse the slate", format=Format.PROPOSAL)
    debate = await debates.start(spec, guild_id=GUILD, channel_id=CHANNEL, author_id=ORGANIZER)
    await debates.vote(GUILD, debate.id, member_id=ROSA, member_roles=frozenset(), choices=(3,), reason=vote_reason)
    await debates.close(GUILD, debate.id)
    if reached_database_file:
        assert await store.checkpoint()
    assert stance_reason.encode() in file_bytes(store) and vote_reason.encode() in file_bytes(store)
    await positions.forget(GUILD, ROSA)
    assert stance_reason.encode() not in file_bytes(store)
    assert vote_reason.encode() not in file_bytes(store)
