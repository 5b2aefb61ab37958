"""The stance log on a real SQLite file: schema, append-only entries, servers kept apart, forgetting, privacy."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import Conflict, InvalidInput, NotFound
from core.positions import Forgotten, PositionLog, ensure_debate_topic, log_stance
from core.store import Store

GUILD, OTHER_GUILD = 100, 200
ROSA, KARL, CLARA = 1, 2, 3


class VoteForgetter:
    """Stands in for core.debates.forget_member: records its calls, optionally fails to prove the rollback."""

    def __init__(self, *, votes: int = 0, fail: bool = False) -> None:
        self.calls: list[dict] = []
        self.votes, self.fail = votes, fail

    async def __call__(self, db, **kwargs) -> int:
        self.calls.append(kwargs | {"in_transaction": db.in_transaction})
        if self.fail:
            raise RuntimeError("debates failed")
        return self.votes


async def no_ballots(db, **kwargs) -> list:
    """Stands in for core.debates.ballots_of where no debates are involved."""
    return []


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def forgetter() -> VoteForgetter:
    return VoteForgetter()


@pytest.fixture
def positions(store: Store, forgetter: VoteForgetter, clock: Clock) -> PositionLog:
    return PositionLog(store, forget_votes=forgetter, read_ballots=no_ballots, clock=clock)


async def debate_topic(store: Store, *, guild: int = GUILD, debate: int = 7, motion: str = "Tax the rich") -> int:
    async with store.transaction() as db:
        return await ensure_debate_topic(db, guild_id=guild, debate_id=debate, motion=motion,
                                         stances=["For", "Against", "Undecided"])


async def entry_count(store: Store) -> int:
    return (await store.fetchone("SELECT COUNT(*) FROM position_entries"))[0]


# -- schema ------------------------------------------------------------------------------------------------------

async def test_migrating_from_version_2_adds_the_position_tables_and_keeps_settings(tmp_path: Path):
    async with await Store.open(tmp_path / "v2.sqlite3") as store:
        await store.migrate(target=2)
        await store.execute("INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (1, 2)")
        await store.migrate()
        assert await store.version() >= 3
        tables = {row[0] for row in await store.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"position_topics", "position_stances", "position_entries", "position_privacy"} <= tables
        assert (await store.fetchone("SELECT organizer_role_id FROM guild_settings"))[0] == 2


async def test_an_empty_database_migrates_and_the_log_works(positions: PositionLog):
    entry = await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    assert entry.stance == "support" and entry.source == "member"


async def test_entries_cannot_be_updated(positions: PositionLog, store: Store):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await store.execute("UPDATE position_entries SET stance = 'oppose'")


async def test_the_database_refuses_an_entry_whose_topic_is_in_another_server(store: Store):
    topic_id = await debate_topic(store)
    with pytest.raises(sqlite3.IntegrityError, match="does not match"):
        await store.execute("INSERT INTO position_entries (guild_id, topic_id, member_id, stance, source, created_at)"
                            " VALUES (?, ?, 1, 'For', 'member', 'x')", (OTHER_GUILD, topic_id))


# -- the debates contract ----------------------------------------------------------------------------------------

async def test_a_debate_topic_is_created_once_with_the_debate_options(store: Store, positions: PositionLog):
    first, again = await debate_topic(store), await debate_topic(store)
    assert first == again
    topic = await positions.topic(GUILD, "tax the RICH")
    assert (topic.stances, topic.debate_id) == (("For", "Against", "Undecided"), 7)


async def test_a_debate_motion_that_clashes_with_a_topic_name_gets_the_debate_number(store, positions):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "Tax the rich", "support")
    await debate_topic(store, debate=9)
    assert await positions.topic(GUILD, "Tax the rich (debate 9)")


async def test_a_long_motion_becomes_a_topic_name_of_at_most_100_characters(store, positions):
    await debate_topic(store, motion="This house believes " + "very " * 60 + "much")
    [topic] = await positions.topics(GUILD)
    assert len(topic.name) <= 100 and topic.from_debate


async def test_a_debate_vote_is_logged_with_its_source_inside_the_callers_transaction(store, positions):
    topic_id = await debate_topic(store)
    with pytest.raises(RuntimeError):
        async with store.transaction() as db:
            await log_stance(db, guild_id=GUILD, topic_id=topic_id, member_id=ROSA, stance="Against",
                             source="debate:7")
            raise RuntimeError("the vote failed after logging")
    assert await entry_count(store) == 0
    async with store.transaction() as db:
        await log_stance(db, guild_id=GUILD, topic_id=topic_id, member_id=ROSA, stance="against", source="debate:7")
    [entry] = await positions.current(GUILD, ROSA)
    assert (entry.stance, entry.debate_id) == ("Against", 7)


@pytest.mark.parametrize(("guild", "stance", "error"), [
    (OTHER_GUILD, "For", NotFound),    # the topic is another server's
    (GUILD, "Maybe", InvalidInput),    # not one of the debate's options
])
async def test_log_stance_refuses_a_foreign_topic_or_unknown_stance(store, guild, stance, error):
    topic_id = await debate_topic(store)
    with pytest.raises(error):
        async with store.transaction() as db:
            await log_stance(db, guild_id=guild, topic_id=topic_id, member_id=ROSA, stance=stance, source="debate:7")
    assert await entry_count(store) == 0


# -- topics and stances ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "found"), [
    ("China policy", True),
    ("china policy", True),     # the same name typed differently: offered, to confirm
    ("chinas policy", True),
    ("China  policy.", True),
    ("Housing", False),
    ("China trade", False),
])
async def test_names_close_to_an_existing_topic_are_found(positions, typed, found):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    similar = await positions.similar(GUILD, typed)
    assert [t.name for t in similar] == (["China policy"] if found else [])


@pytest.mark.parametrize(("existing", "typed", "found"), [
    ("Rent control", "Rent-control", True),
    ("Rent control", "rent / control", True),
    ("Rent control", "RentControl", True),
    ("Rent control", "control, rent", True),
    ("Rent-control", "rent control", True),
    ("Co-op housing", "coop housing", True),
    ("Rent control", "Pest control", False),
    ("Rent control", "Rent", False),
    ("Rent-control 2025", "rent control 2026", False),
])
async def test_names_differing_in_punctuation_or_spacing_are_close(positions, existing, typed, found):
    await positions.set_stance_on_new_topic(GUILD, ROSA, existing, "support")
    assert [t.name for t in await positions.similar(GUILD, typed)] == ([existing] if found else [])


@pytest.mark.parametrize(("existing", "typed"), [("Budget 2025", "Budget 2026"), ("topic 0", "topic 1")])
async def test_names_that_differ_in_a_number_are_different_topics(positions, existing, typed):
    await positions.set_stance_on_new_topic(GUILD, ROSA, existing, "support")
    assert await positions.similar(GUILD, typed) == []


async def test_topics_of_another_server_are_never_found(positions):
    await positions.set_stance_on_new_topic(OTHER_GUILD, ROSA, "China policy", "support")
    assert await positions.similar(GUILD, "China policy") == []
    assert await positions.topic_names(GUILD, "") == []
    with pytest.raises(NotFound):
        await positions.topic(GUILD, "China policy")


async def test_an_unknown_topic_suggests_the_closest(positions):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    with pytest.raises(NotFound, match="Did you mean 'China policy'"):
        await positions.topic(GUILD, "Chinas policy")


async def test_creating_a_topic_whose_name_exists_is_a_conflict_and_logs_nothing(positions, store):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    with pytest.raises(Conflict):
        await positions.set_stance_on_new_topic(GUILD, KARL, "CHINA policy", "oppose")
    assert await entry_count(store) == 1


@pytest.mark.parametrize(("stance", "reason"), [("maybe", None), ("support", "x" * 5000)])
async def test_bad_input_on_a_new_topic_creates_nothing(positions, store, stance, reason):
    with pytest.raises(InvalidInput):
        await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", stance, reason=reason)
    assert await positions.topics(GUILD) == [] and await entry_count(store) == 0


async def test_the_current_stance_is_the_latest_and_history_keeps_all(positions, clock):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "oppose", reason="first thoughts")
    topic = await positions.topic(GUILD, "China policy")
    clock.now += timedelta(days=3)
    await positions.set_stance(GUILD, ROSA, topic, "lean support", passage="essay:4")
    [current] = await positions.current(GUILD, ROSA)
    assert (current.stance, current.passage, current.at) == ("lean support", "essay:4", clock.now)
    history = await positions.history(GUILD, ROSA, topic)
    assert [(e.stance, e.reason) for e in history] == [("oppose", "first thoughts"), ("lean support", None)]


async def removed_topic_whose_id_was_reused(positions):
    """A topic read before its last holder forgot it, after a new topic took its id."""
    await positions.set_stance_on_new_topic(GUILD, ROSA, "Housing", "support")
    removed = await positions.topic(GUILD, "Housing")
    await positions.forget(GUILD, ROSA, removed)
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "oppose")
    assert (await positions.topic(GUILD, "China policy")).id == removed.id
    return removed


async def test_a_stance_on_a_topic_removed_meanwhile_is_refused_not_logged_on_another(positions, store):
    removed = await removed_topic_whose_id_was_reused(positions)
    with pytest.raises(NotFound, match="'Housing' was removed in the meantime"):
        await positions.set_stance(GUILD, KARL, removed, "support")
    assert await entry_count(store) == 1


async def test_forgetting_a_topic_removed_meanwhile_erases_nothing_of_another(positions, store):
    removed = await removed_topic_whose_id_was_reused(positions)
    with pytest.raises(NotFound, match="removed in the meantime"):
        await positions.forget(GUILD, ROSA, removed)
    assert [e.topic for e in await positions.history(GUILD, ROSA)] == ["China policy"]


async def test_a_members_stances_stay_in_their_server(positions):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    assert await positions.current(OTHER_GUILD, ROSA) == []
    assert await positions.history(OTHER_GUILD, ROSA) == []


async def test_topics_count_private_members_only_in_groups_of_three(positions):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    topic = await positions.topic(GUILD, "China policy")
    await positions.set_stance(GUILD, KARL, topic, "oppose")
    [listed] = await positions.topics(GUILD)
    assert listed.members == 0
    await positions.set_visible(GUILD, ROSA, True)
    assert (await positions.topics(GUILD))[0].members == 1
    await positions.set_stance(GUILD, CLARA, topic, "oppose")
    await positions.set_stance(GUILD, 4, topic, "oppose")
    assert (await positions.topics(GUILD))[0].members == 4


# -- privacy -----------------------------------------------------------------------------------------------------

async def test_members_are_private_until_they_choose_visible_in_that_server(positions):
    assert not await positions.is_visible(GUILD, ROSA)
    await positions.set_visible(GUILD, ROSA, True)
    assert await positions.is_visible(GUILD, ROSA)
    assert not await positions.is_visible(OTHER_GUILD, ROSA)
    await positions.set_visible(GUILD, ROSA, False)
    assert await positions.visible_members(GUILD) == set()


async def test_summary_names_visible_members_only(positions):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    topic = await positions.topic(GUILD, "China policy")
    for member in (KARL, CLARA, 4):
        await positions.set_stance(GUILD, member, topic, "oppose")
    await positions.set_visible(GUILD, ROSA, True)
    summary = await positions.summary(GUILD, topic)
    named = {row.label: row.named for row in summary.current.rows}
    assert named["support"] == (ROSA,) and named["oppose"] == ()
    assert {row.label: row.count for row in summary.current.rows}["oppose"] == 3


# -- forgetting --------------------------------------------------------------------------------------------------

async def test_forget_erases_all_entries_privacy_and_orphan_topics_with_the_debate_votes(store, positions, forgetter):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    topic_id = await debate_topic(store)
    async with store.transaction() as db:
        await log_stance(db, guild_id=GUILD, topic_id=topic_id, member_id=ROSA, stance="For", source="debate:7")
    await positions.set_stance_on_new_topic(GUILD, KARL, "Housing", "oppose")
    await positions.set_visible(GUILD, ROSA, True)
    forgotten = await positions.forget(GUILD, ROSA)
    assert forgotten.entries == 2
    assert forgetter.calls == [{"guild_id": GUILD, "member_id": ROSA, "topic_id": None, "in_transaction": True}]
    assert await positions.history(GUILD, ROSA) == [] and not await positions.is_visible(GUILD, ROSA)
    assert sorted(t.name for t in await positions.topics(GUILD)) == ["Housing", "Tax the rich"]


async def test_forget_one_topic_keeps_the_rest(positions, forgetter):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    await positions.set_stance_on_new_topic(GUILD, ROSA, "Housing", "oppose")
    topic = await positions.topic(GUILD, "Housing")
    await positions.forget(GUILD, ROSA, topic)
    assert [e.topic for e in await positions.history(GUILD, ROSA)] == ["China policy"]
    assert forgetter.calls[0]["topic_id"] == topic.id


async def test_forget_leaves_other_members_and_other_servers_alone(positions):
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    topic = await positions.topic(GUILD, "China policy")
    await positions.set_stance(GUILD, KARL, topic, "oppose")
    await positions.set_stance_on_new_topic(OTHER_GUILD, ROSA, "China policy", "oppose")
    await positions.forget(GUILD, ROSA)
    assert len(await positions.history(GUILD, KARL)) == 1
    assert len(await positions.history(OTHER_GUILD, ROSA)) == 1


async def test_forgetting_with_nothing_to_forget_says_so(positions):
    with pytest.raises(InvalidInput, match="no positions"):
        await positions.forget(GUILD, ROSA)


async def test_a_privacy_choice_alone_can_be_forgotten_but_only_with_everything(positions):
    await positions.set_stance_on_new_topic(GUILD, KARL, "Housing", "support")
    housing = await positions.topic(GUILD, "Housing")
    await positions.set_visible(GUILD, ROSA, True)
    assert not await positions.has_anything(GUILD, ROSA, housing)
    with pytest.raises(InvalidInput, match="no positions on 'Housing'"):
        await positions.forget(GUILD, ROSA, housing)
    assert await positions.has_anything(GUILD, ROSA)
    assert await positions.forget(GUILD, ROSA) == Forgotten(0, 0, privacy=True)
    assert await positions.visible_members(GUILD) == set() and not await positions.has_anything(GUILD, ROSA)


async def test_a_member_with_only_debate_votes_left_can_still_forget_them(store, forgetter, clock):
    positions = PositionLog(store, forget_votes=VoteForgetter(votes=2), read_ballots=no_ballots, clock=clock)
    assert (await positions.forget(GUILD, ROSA)).votes == 2


async def test_if_the_debates_side_fails_nothing_is_forgotten(store, clock):
    positions = PositionLog(store, forget_votes=VoteForgetter(fail=True), read_ballots=no_ballots, clock=clock)
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    with pytest.raises(RuntimeError):
        await positions.forget(GUILD, ROSA)
    assert len(await positions.history(GUILD, ROSA)) == 1
