"""Debates in a real SQLite database: opening, voting, changing, closing, deadlines, secrecy and forgetting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.debates import Accepts, Debate, DebateClosed, DebateRepo, Format, build_spec, forget_member
from core.errors import BotError, Conflict, Forbidden, InvalidInput, NotFound
from core.store import Store

GUILD, OTHER_GUILD, CHANNEL, ORGANIZER = 100, 200, 10, 1
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FOR, AGAINST, UNDECIDED = 0, 1, 2


@pytest.fixture
def repo(store: Store) -> DebateRepo:
    return DebateRepo(store)


async def open_debate(repo: DebateRepo, format: Format = Format.POLL, *, guild: int = GUILD, **kwargs):
    if format is Format.POLL:
        kwargs.setdefault("options", "A | B | C")
    spec = build_spec(motion="The chapter joins the coalition", format=format, **kwargs)
    return await repo.start(spec, guild_id=guild, channel_id=CHANNEL, author_id=ORGANIZER, now=T0)


async def vote(repo, debate, member, *choices, roles=frozenset(), reason=None, at=T0 + timedelta(minutes=1)):
    return await repo.vote(debate.guild_id, debate.id, member_id=member, member_roles=roles, choices=choices,
                           reason=reason, now=at)


async def test_a_started_debate_reads_back_with_its_settings(repo):
    debate = await open_debate(repo, Format.POLL, options="A|B|C", max_choices=2, quorum=3, hide_results=True,
                               role_id=77, duration=timedelta(hours=2))
    again = await repo.get(GUILD, debate.id)
    assert again == debate
    assert (again.options, again.max_choices, again.quorum, again.hide_results, again.role_id) == (
        ("A", "B", "C"), 2, 3, True, 77)
    assert again.closes_at == T0 + timedelta(hours=2) and again.is_open


async def test_a_changed_vote_replaces_the_first_and_both_stay_in_history(repo, store):
    debate = await open_debate(repo)
    first = await vote(repo, debate, 5, 0)
    second = await vote(repo, debate, 5, 2)
    assert (first.changed, second.changed, second.labels) == (False, True, ("C",))
    results = await repo.results(debate)
    assert (results.tally.counts, results.tally.voters) == ((0, 0, 1), 1)
    history = await store.fetchall("SELECT choices FROM debate_vote_history WHERE debate_id = ? ORDER BY id",
                                   (debate.id,))
    assert [row["choices"] for row in history] == ["0", "2"]


async def test_multiple_choice_counts_each_pick_once_per_voter(repo):
    debate = await open_debate(repo, options="A|B|C", max_choices=2)
    await vote(repo, debate, 5, 0, 2)
    await vote(repo, debate, 6, 2)
    assert (await repo.results(debate)).tally.counts == (1, 0, 2)
    with pytest.raises(InvalidInput, match="at most 2"):
        await vote(repo, debate, 7, 0, 1, 2)


async def test_a_debate_from_another_server_is_not_found_and_unchanged(repo):
    debate = await open_debate(repo, guild=OTHER_GUILD)
    with pytest.raises(NotFound):
        await repo.vote(GUILD, debate.id, member_id=5, member_roles=frozenset(), choices=(0,), now=T0)
    for action in (repo.close, repo.advance, repo.get):
        with pytest.raises(NotFound):
            await action(GUILD, debate.id)
    assert (await repo.results(debate)).tally.voters == 0 and (await repo.get(OTHER_GUILD, debate.id)).is_open


async def test_only_members_with_the_role_may_vote(repo):
    debate = await open_debate(repo, role_id=77)
    with pytest.raises(Forbidden) as refused:
        await vote(repo, debate, 5, 0, roles=frozenset({1, 2}))
    assert refused.value.role_id == 77
    assert refused.value.message == "Only members with the required role can vote in this debate."
    await vote(repo, debate, 6, 0, roles=frozenset({77}))
    assert (await repo.results(debate)).tally.voters == 1


async def test_voting_after_close_says_when_it_closed(repo):
    debate = await open_debate(repo)
    closed = await repo.close(GUILD, debate.id, now=T0 + timedelta(hours=1))
    with pytest.raises(DebateClosed) as refused:
        await vote(repo, debate, 5, 0, at=T0 + timedelta(hours=2))
    assert refused.value.closed_at == closed.closed_at == T0 + timedelta(hours=1)
    assert refused.value.message == "This debate closed on 2026-03-01 13:00 UTC; votes are no longer taken."
    assert (await repo.results(debate)).tally.voters == 0


async def test_voting_after_a_missed_deadline_is_refused_before_the_scheduler_runs(repo):
    debate = await open_debate(repo, duration=timedelta(hours=1))
    with pytest.raises(DebateClosed) as refused:
        await vote(repo, debate, 5, 0, at=T0 + timedelta(hours=1))
    assert refused.value.closed_at == T0 + timedelta(hours=1)


async def test_closing_twice_is_a_conflict(repo):
    debate = await open_debate(repo)
    await repo.close(GUILD, debate.id, now=T0)
    with pytest.raises(Conflict, match="already closed"):
        await repo.close(GUILD, debate.id, now=T0)


@pytest.mark.parametrize("format", [Format.POLL, Format.PROPOSAL])
async def test_only_oxford_debates_advance(repo, format):
    debate = await open_debate(repo, format)
    with pytest.raises(InvalidInput, match=f"this one is a {format.value}"):
        await repo.advance(GUILD, debate.id)
    assert (await repo.get(GUILD, debate.id)).round == 1


async def test_advancing_twice_or_after_close_is_refused(repo):
    debate = await open_debate(repo, Format.OXFORD)
    await repo.advance(GUILD, debate.id)
    with pytest.raises(Conflict, match="already in its closing vote"):
        await repo.advance(GUILD, debate.id)
    await repo.close(GUILD, debate.id)
    with pytest.raises(DebateClosed):
        await repo.advance(GUILD, debate.id)


async def test_oxford_counts_each_round_separately_and_reports_the_shift(repo):
    debate = await open_debate(repo, Format.OXFORD)
    for member, choice in ((1, FOR), (2, UNDECIDED), (3, UNDECIDED), (4, AGAINST)):
        await vote(repo, debate, member, choice)
    opening = await repo.results(debate)
    assert opening.shift is None and opening.tally.counts == (1, 1, 2)
    debate = await repo.advance(GUILD, debate.id)
    for member, choice in ((1, FOR), (2, AGAINST), (3, AGAINST), (4, AGAINST)):
        receipt = await vote(repo, debate, member, choice)
    assert receipt.round == 2
    results = await repo.results(await repo.close(GUILD, debate.id))
    assert results.shift.before.counts == (1, 1, 2) and results.tally.counts == (1, 3, 0)
    assert results.shift.winner == "Against" and results.shift.matrix == ((1, 0, 0), (0, 1, 0), (0, 2, 0))


async def test_proposal_objections_need_reasons_and_keep_them(repo):
    debate = await open_debate(repo, Format.PROPOSAL)
    with pytest.raises(InvalidInput, match="needs a reason"):
        await vote(repo, debate, 5, 3)
    await vote(repo, debate, 5, 3, reason="It ignores the founding principles")
    [stored] = await repo.votes(debate)
    assert (stored.labels, stored.reason, stored.voter) == (("Block",), "It ignores the founding principles", "5")


@pytest.mark.parametrize(("quorum", "voters", "met"), [(0, 0, True), (3, 2, False), (3, 3, True)])
async def test_results_say_whether_the_quorum_was_met(repo, quorum, voters, met):
    debate = await open_debate(repo, quorum=quorum)
    for member in range(voters):
        await vote(repo, debate, member, 0)
    assert (await repo.results(debate)).quorum_met is met


async def test_secret_ballots_store_no_member_id_and_lose_their_key_at_close(repo, store):
    debate = await open_debate(repo, secret=True)
    await vote(repo, debate, 123456789, 0)
    await vote(repo, debate, 123456789, 1)  # a change still finds the member's own ballot
    await vote(repo, debate, 987654321, 1)
    assert (await repo.results(debate)).tally.counts == (0, 2, 0)
    await repo.close(GUILD, debate.id)
    dump = "\n".join(await _database_text(store))
    assert "123456789" not in dump and "987654321" not in dump
    assert await store.fetchone("SELECT * FROM debate_ballot_keys WHERE debate_id = ?", (debate.id,)) is None
    assert (await repo.results(debate)).tally.counts == (0, 2, 0)


async def test_secret_keys_held_counts_open_secret_debates_only(repo):
    secret, _ = await open_debate(repo, secret=True), await open_debate(repo)
    assert await repo.secret_keys_held() == 1
    await repo.close(GUILD, secret.id)
    assert await repo.secret_keys_held() == 0


def file_bytes(store: Store) -> bytes:
    """The database file and its write-ahead log, raw: what someone holding the disk could read."""
    wal = store.path.with_name(store.path.name + "-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("closed_by, key_reached_database_file", [("organizer", False), ("organizer", True),
                                                                   ("deadline", False), ("deadline", True)])
async def test_a_closed_secret_debates_key_is_in_neither_the_database_file_nor_its_wal(
        repo, store, closed_by, key_reached_database_file):
    debate = await open_debate(repo, secret=True, duration=timedelta(hours=1))
    for member in range(40):
        await vote(repo, debate, 1000 + member, member % 3)
    key = (await store.fetchone("SELECT key FROM debate_ballot_keys WHERE debate_id = ?", (debate.id,)))["key"]
    if key_reached_database_file:
        assert await store.checkpoint()
    assert key in file_bytes(store)  # the search below sees the key where it is
    if closed_by == "organizer":
        await repo.close(GUILD, debate.id, now=T0 + timedelta(minutes=5))
    else:
        assert [what for _, what in await repo.settle_due(now=T0 + timedelta(hours=2))] == ["closed"]
    assert key not in file_bytes(store)
    assert (await repo.results(debate)).tally.voters == 40


async def test_a_scheduled_closing_vote_counts_from_its_time(repo):
    debate = await open_debate(repo, Format.OXFORD, advance_in=timedelta(hours=1))
    receipt = await vote(repo, debate, 5, FOR, at=T0 + timedelta(hours=1))
    assert receipt.round == 2


@pytest.mark.parametrize("closed_by", ["organizer", "deadline"])
async def test_closing_votes_cast_before_the_scheduler_advanced_are_counted_at_close(repo, closed_by):
    debate = await open_debate(repo, Format.OXFORD, advance_in=timedelta(hours=1), duration=timedelta(hours=2))
    await vote(repo, debate, 5, AGAINST)
    assert (await vote(repo, debate, 5, FOR, at=T0 + timedelta(hours=1, minutes=5))).round == 2  # not yet advanced
    if closed_by == "organizer":
        closed = await repo.close(GUILD, debate.id, now=T0 + timedelta(hours=1, minutes=10))
    else:
        [(closed, _)] = await repo.settle_due(now=T0 + timedelta(hours=3))  # the bot was down over both
    results = await repo.results(closed)
    assert closed.round == 2 and results.shift.before.counts == (0, 1, 0) and results.tally.counts == (1, 0, 0)
    assert await repo.awaiting_advance_notice() == []  # a closing vote that is over is never announced


async def test_settle_due_closes_past_deadlines_and_advances_scheduled_rounds(repo):
    ends = await open_debate(repo, duration=timedelta(hours=1))
    advances = await open_debate(repo, Format.OXFORD, advance_in=timedelta(hours=1), duration=timedelta(days=1))
    both = await open_debate(repo, Format.OXFORD, advance_in=timedelta(minutes=30), duration=timedelta(hours=1))
    later = await open_debate(repo, duration=timedelta(days=2))
    assert await repo.next_due() == T0 + timedelta(minutes=30)
    assert await repo.settle_due(now=T0 + timedelta(minutes=10)) == []
    settled = await repo.settle_due(now=T0 + timedelta(hours=1))
    assert [(d.id, what) for d, what in settled] == [(ends.id, "closed"), (advances.id, "advanced"), (both.id, "closed")]
    assert await repo.settle_due(now=T0 + timedelta(hours=1)) == []
    assert await repo.next_due() == advances.closes_at < later.closes_at


@pytest.mark.parametrize("debate_id", [0, 2**63, 10**19 - 1])
async def test_an_id_out_of_sqlites_range_is_no_such_debate(repo, debate_id):
    with pytest.raises(NotFound, match="no such debate"):
        await repo.vote(GUILD, debate_id, member_id=5, member_roles=frozenset(), choices=(0,))


async def test_a_deadline_settled_late_closes_the_debate_at_its_deadline(repo):
    debate = await open_debate(repo, duration=timedelta(hours=1))
    [(closed, what)] = await repo.settle_due(now=T0 + timedelta(hours=9))  # the bot was down for eight hours
    assert what == "closed" and closed.closed_at == T0 + timedelta(hours=1) == debate.closes_at


async def test_settle_due_skips_debates_closed_by_hand(repo):
    debate = await open_debate(repo, duration=timedelta(hours=1))
    await repo.close(GUILD, debate.id, now=T0 + timedelta(minutes=5))
    assert await repo.settle_due(now=T0 + timedelta(hours=2)) == []
    assert await repo.next_due() is None


async def test_the_outcome_is_recorded_only_after_close(repo):
    debate = await open_debate(repo)
    with pytest.raises(Conflict, match="close it first"):
        await repo.set_outcome(GUILD, debate.id, "We join.")
    await repo.close(GUILD, debate.id)
    assert (await repo.set_outcome(GUILD, debate.id, "  We join.  ")).outcome == "We join."


async def test_recent_lists_open_debates_first_then_recently_closed_only_from_this_server(repo):
    closed = await open_debate(repo)
    await repo.close(GUILD, closed.id)
    first, second = await open_debate(repo), await open_debate(repo)
    await open_debate(repo, guild=OTHER_GUILD)
    assert [d.id for d in await repo.recent(GUILD)] == [second.id, first.id, closed.id]
    assert [d.id for d in await repo.recent(GUILD, opened=1, closed=1)] == [second.id, closed.id]
    assert await repo.count_open(GUILD) == 2 and await repo.count_open(GUILD, channels=set()) == 0


async def test_reading_within_channels_leaves_out_debates_held_elsewhere(repo):
    here = await open_debate(repo)
    spec = build_spec(motion="The chapter joins the coalition", format=Format.POLL, options="A | B")
    private = await repo.start(spec, guild_id=GUILD, channel_id=CHANNEL + 1, author_id=ORGANIZER, now=T0)
    assert [d.id for d in await repo.recent(GUILD, channels={CHANNEL})] == [here.id]
    assert [d.id for d in await repo.matching(GUILD, "coalition", channels={CHANNEL})] == [here.id]
    assert await repo.matching(GUILD, "", channels=set()) == []
    with pytest.raises(NotFound, match="no such debate"):
        await repo.get(GUILD, private.id, channels={CHANNEL})
    assert (await repo.get(GUILD, private.id, channels=None)).id == private.id


async def test_matching_finds_motions_by_what_was_typed(repo):
    spec = build_spec(motion="Endorse the rent strike", format=Format.PROPOSAL)
    strike = await repo.start(spec, guild_id=GUILD, channel_id=CHANNEL, author_id=ORGANIZER)
    await open_debate(repo)
    assert [d.id for d in await repo.matching(GUILD, "rent strke")] == [strike.id]
    assert await repo.matching(OTHER_GUILD, "rent strike") == []
    assert len(await repo.matching(GUILD, "")) == 2


async def debates_in_every_state(repo: DebateRepo) -> dict[str, Debate]:
    """One debate of each kind a command may take or refuse, by name."""
    opened = {"poll": await open_debate(repo), "hidden poll": await open_debate(repo, hide_results=True),
              "opening vote": await open_debate(repo, Format.OXFORD),
              "closing vote": await open_debate(repo, Format.OXFORD),
              "closed oxford": await open_debate(repo, Format.OXFORD),
              "closed hidden proposal": await open_debate(repo, Format.PROPOSAL, hide_results=True)}
    await repo.advance(GUILD, opened["closing vote"].id)
    for name in ("closed oxford", "closed hidden proposal"):
        await repo.close(GUILD, opened[name].id)
    return {name: await repo.get(GUILD, debate.id) for name, debate in opened.items()}


@pytest.mark.parametrize(("accepts", "offered"), [
    (Accepts.ANY, {"poll", "hidden poll", "opening vote", "closing vote", "closed oxford", "closed hidden proposal"}),
    (Accepts.OPEN, {"poll", "hidden poll", "opening vote", "closing vote"}),
    (Accepts.OPENING_VOTE, {"opening vote"}),
    (Accepts.CLOSED, {"closed oxford", "closed hidden proposal"}),
    (Accepts.EXPORTABLE, {"poll", "opening vote", "closing vote", "closed oxford", "closed hidden proposal"}),
])
async def test_matching_suggests_only_the_debates_the_command_accepts(repo, accepts, offered):
    debates = await debates_in_every_state(repo)
    found = {d.id for d in await repo.matching(GUILD, "coalition", accepts=accepts)}
    assert {name for name, debate in debates.items() if debate.id in found} == offered
    assert await repo.matching(GUILD, "coalition", accepts=accepts, channels={CHANNEL + 1}) == []


@pytest.mark.parametrize("accepts", [Accepts.OPEN, Accepts.OPENING_VOTE, Accepts.CLOSED])
async def test_matching_offers_exactly_the_debates_close_advance_and_outcome_take(repo, accepts):
    debates = await debates_in_every_state(repo)
    offered = {d.id for d in await repo.matching(GUILD, "", accepts=accepts)}
    act = {Accepts.OPEN: repo.close, Accepts.OPENING_VOTE: repo.advance,
           Accepts.CLOSED: lambda guild, debate: repo.set_outcome(guild, debate, "Adopted")}[accepts]
    for name, debate in debates.items():
        try:
            await act(GUILD, debate.id)
        except BotError:
            assert debate.id not in offered, name
        else:
            assert debate.id in offered, name


async def test_forgetting_withdraws_open_votes_and_anonymises_closed_ones(repo, store):
    open_one = await open_debate(repo, Format.PROPOSAL)
    closed_one = await open_debate(repo, Format.OXFORD)
    elsewhere = await open_debate(repo, guild=OTHER_GUILD)
    await vote(repo, open_one, 5, 0, reason="yes")
    await vote(repo, open_one, 6, 0)
    await vote(repo, closed_one, 5, FOR)
    await repo.advance(GUILD, closed_one.id)
    await vote(repo, closed_one, 5, AGAINST, reason="moved")
    await repo.close(GUILD, closed_one.id)
    await vote(repo, elsewhere, 5, 0)
    async with store.transaction() as db:
        affected = await forget_member(db, guild_id=GUILD, member_id=5)
    assert affected == 3
    assert (await repo.results(open_one)).tally.counts == (1, 0, 0, 0)
    closed_results = await repo.results(await repo.get(GUILD, closed_one.id))
    assert closed_results.shift.matrix[FOR][AGAINST] == 1 and closed_results.tally.counts == (0, 1, 0)
    rows = await store.fetchall("SELECT voter, reason FROM debate_votes WHERE debate_id IN (?, ?)"
                                " UNION ALL SELECT voter, reason FROM debate_vote_history WHERE debate_id IN (?, ?)",
                                (open_one.id, closed_one.id) * 2)
    assert all(row["voter"] != "5" and (row["reason"] is None or row["voter"] == "6") for row in rows)
    assert (await repo.results(elsewhere)).tally.voters == 1


async def test_forgetting_one_topic_touches_only_that_debate(repo, store):
    first = await open_debate(repo, Format.PROPOSAL)
    second = await open_debate(repo, Format.PROPOSAL)
    await vote(repo, first, 5, 0)
    await vote(repo, second, 5, 0)
    async with store.transaction() as db:
        assert await forget_member(db, guild_id=GUILD, member_id=5, topic_id=first.topic_id) == 1
    assert (await repo.results(first)).tally.voters == 0 and (await repo.results(second)).tally.voters == 1


async def test_forgetting_withdraws_an_open_secret_ballot(repo, store):
    debate = await open_debate(repo, secret=True)
    await vote(repo, debate, 5, 0)
    await vote(repo, debate, 6, 0)
    async with store.transaction() as db:
        assert await forget_member(db, guild_id=GUILD, member_id=5) == 1
    assert (await repo.results(debate)).tally.voters == 1


async def test_forgetting_with_nothing_to_forget_affects_nothing(repo, store):
    await open_debate(repo)
    async with store.transaction() as db:
        assert await forget_member(db, guild_id=GUILD, member_id=5) == 0


async def _database_text(store: Store) -> list[str]:
    """Every value in every debate table, as text, to search for anything that identifies a member."""
    found = []
    for table in ("debates", "debate_options", "debate_ballot_keys", "debate_votes", "debate_vote_history"):
        for row in await store.fetchall(f"SELECT * FROM {table}"):
            found += [str(value) for value in row]
    return found


async def test_recorded_votes_enter_the_stance_log_under_the_debates_topic(repo, store):
    debate = await open_debate(repo, Format.PROPOSAL)
    await vote(repo, debate, 5, 0)
    await vote(repo, debate, 5, 2, reason="Too soon")
    rows = await store.fetchall("SELECT member_id, stance, reason, source FROM position_entries WHERE topic_id = ?"
                                " ORDER BY id", (debate.topic_id,))
    assert [tuple(row) for row in rows] == [(5, "Agree", None, f"debate:{debate.id}"),
                                            (5, "Disagree", "Too soon", f"debate:{debate.id}")]
    topic = await store.fetchone("SELECT name, debate_id FROM position_topics WHERE id = ?", (debate.topic_id,))
    assert tuple(topic) == (debate.motion, debate.id)


@pytest.mark.parametrize("kwargs", [dict(secret=True), dict(options="A|B|C", max_choices=2)])
async def test_secret_and_multiple_choice_votes_stay_out_of_the_stance_log(repo, store, kwargs):
    debate = await open_debate(repo, **kwargs)
    await vote(repo, debate, 5, 0)
    assert debate.topic_id is None
    assert await store.fetchone("SELECT * FROM position_entries") is None


async def test_a_vote_the_stance_log_refuses_is_not_counted_either(repo, store):
    debate = await open_debate(repo, Format.PROPOSAL)
    await store.execute("DELETE FROM position_stances WHERE topic_id = ? AND label = 'Agree'", (debate.topic_id,))
    with pytest.raises(InvalidInput, match="not a stance"):
        await vote(repo, debate, 5, 0)
    assert (await repo.results(debate)).tally.voters == 0


async def test_migrating_from_version_3_keeps_positions_and_adds_debates(tmp_path):
    async with await Store.open(tmp_path / "v3.sqlite3") as old:
        await old.migrate(target=3)
        await old.execute("INSERT INTO position_topics (guild_id, name, folded, created_at)"
                          " VALUES (1, 'Housing', 'housing', '2026-01-01T00:00:00Z')")
        assert await old.version() == 3
    async with await Store.open(tmp_path / "v3.sqlite3") as store:
        assert 4 in await store.migrate()
        assert (await store.fetchone("SELECT name FROM position_topics"))["name"] == "Housing"
        debate = await DebateRepo(store).start(build_spec(motion="m", format=Format.OXFORD), guild_id=1,
                                               channel_id=2, author_id=3)
        assert (await DebateRepo(store).get(1, debate.id)).round == 1


async def test_migrating_from_version_7_counts_closing_votes_already_open_as_announced(tmp_path):
    async with await Store.open(tmp_path / "v7.sqlite3") as old:
        await old.migrate(target=7)
        repo = DebateRepo(old)
        advanced = await open_debate(repo, Format.OXFORD)
        await repo.advance(GUILD, advanced.id, now=T0)
        await open_debate(repo, Format.OXFORD)
    async with await Store.open(tmp_path / "v7.sqlite3") as store:
        assert 8 in await store.migrate()
        repo = DebateRepo(store)
        assert await repo.awaiting_advance_notice() == []
        assert len(await repo.recent(GUILD)) == 2


async def test_an_advance_awaits_its_announcement_until_marked(repo):
    debate = await open_debate(repo, Format.OXFORD)
    assert await repo.awaiting_advance_notice() == []
    await repo.advance(GUILD, debate.id, now=T0)
    assert [d.id for d in await repo.awaiting_advance_notice()] == [debate.id]
    await repo.mark_advance_announced(debate.id)
    assert await repo.awaiting_advance_notice() == []


async def test_the_ballot_box_refuses_before_a_reason_is_asked_for(repo):
    debate = await open_debate(repo, Format.PROPOSAL, role_id=77)
    assert (await repo.ballot_box(GUILD, debate.id, member_roles={77}, now=T0)).id == debate.id
    with pytest.raises(Forbidden):
        await repo.ballot_box(GUILD, debate.id, member_roles=set(), now=T0)
    await repo.close(GUILD, debate.id, now=T0)
    with pytest.raises(DebateClosed):
        await repo.ballot_box(GUILD, debate.id, member_roles={77}, now=T0)


async def test_refusals_from_core_carry_data_not_discord_markup(repo):
    debate = await open_debate(repo, role_id=77)
    refusals = []
    for attempt in (lambda: vote(repo, debate, 5, 0), lambda: repo.close(GUILD, debate.id, now=T0),
                    lambda: repo.close(GUILD, debate.id, now=T0), lambda: vote(repo, debate, 5, 0, roles={77})):
        try:
            await attempt()
        except (Conflict, Forbidden) as error:
            refusals.append(error.message)
    assert len(refusals) == 3
    assert not [text for text in refusals if "<t:" in text or "<@" in text]
