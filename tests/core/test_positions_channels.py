"""Topics of debates held in channels a member cannot view are, to that member, no topic at all (real SQLite).

`channels` is what the cog passes: the ids of the channels the member can view, or None for an organizer.
"""

from __future__ import annotations

import pytest

from core.debates import DebateRepo, Format, build_spec
from core.errors import Conflict, NotFound
from core.positions import PositionLog, ensure_debate_topic

GUILD, ORGANIZER = 100, 9
GENERAL, LEADERSHIP = 5, 6
ROSA, KARL = 1, 2  # Rosa sits in #leadership; Karl sees only #general
INSIDER, OUTSIDER = {GENERAL, LEADERSHIP}, {GENERAL}
MOTION = "Expel the treasurer"


async def start(debates: DebateRepo, *, motion: str = MOTION, channel: int = LEADERSHIP):
    spec = build_spec(motion=motion, format=Format.POLL, options="Yes | No")
    return await debates.start(spec, guild_id=GUILD, channel_id=channel, author_id=ORGANIZER)


async def vote(debates: DebateRepo, debate, member: int, choice: int) -> None:
    await debates.vote(GUILD, debate.id, member_id=member, member_roles=frozenset(), choices=(choice,))


async def names(positions: PositionLog, channels) -> list[str]:
    return [topic.name for topic in await positions.topics(GUILD, channels=channels)]


async def test_a_debate_topic_in_a_channel_the_member_cannot_view_is_found_nowhere(debates, positions):
    await start(debates)
    await start(debates, motion="Join the coalition", channel=GENERAL)
    await positions.set_stance_on_new_topic(GUILD, KARL, "China policy", "support")
    assert await names(positions, OUTSIDER) == ["China policy", "Join the coalition"]
    assert await positions.topic_names(GUILD, "", channels=OUTSIDER) == ["China policy", "Join the coalition"]
    assert await positions.topic_names(GUILD, "treasurer", channels=OUTSIDER) == []
    assert await positions.find(GUILD, "expel the TREASURER", channels=OUTSIDER) is None
    assert await positions.similar(GUILD, "Expel the treasurers", channels=OUTSIDER) == []
    with pytest.raises(NotFound) as hidden:
        await positions.topic(GUILD, MOTION, channels=OUTSIDER)
    with pytest.raises(NotFound) as unknown:
        await positions.topic(GUILD, "Expel the secretary", channels=OUTSIDER)
    assert str(hidden.value) == str(unknown.value).replace("secretary", "treasurer")
    assert "Did you mean" not in str(hidden.value)
    for channels in (INSIDER, None):  # a member of #leadership, an organizer
        assert MOTION in await names(positions, channels)
        assert (await positions.topic(GUILD, "expel the treasurer", channels=channels)).name == MOTION
        assert [t.name for t in await positions.similar(GUILD, "Expel the treasurers", channels=channels)] == [MOTION]
        assert await positions.topic_names(GUILD, "treasurer", channels=channels) == [MOTION]


async def test_a_topic_whose_debate_is_gone_is_for_organizers_only(store, positions):
    async with store.transaction() as db:  # no debates row: nobody can tell any more where it was held
        await ensure_debate_topic(db, guild_id=GUILD, debate_id=77, motion=MOTION, stances=["Yes", "No"])
    assert await names(positions, INSIDER) == []
    assert await names(positions, None) == [MOTION]


async def test_a_channel_of_another_server_does_not_show_this_servers_debate(debates, positions, store):
    await start(debates)
    await store.execute("UPDATE debates SET guild_id = 200")  # the same channel id, but the debate is elsewhere now
    assert await positions.find(GUILD, MOTION, channels=INSIDER) is None


async def test_a_member_keeps_finding_a_hidden_topic_they_hold_a_stance_on_but_sees_no_aggregate(debates, positions):
    await vote(debates, await start(debates), ROSA, 0)  # Rosa voted, then lost access to #leadership
    assert (await positions.topic(GUILD, MOTION, channels=OUTSIDER, holder=ROSA)).name == MOTION
    assert await positions.topic_names(GUILD, "treasurer", channels=OUTSIDER, holder=ROSA) == [MOTION]
    assert await positions.find(GUILD, MOTION, channels=OUTSIDER, holder=KARL) is None
    assert await names(positions, OUTSIDER) == []  # the list is everyone's counts: not hers to see
    assert [entry.topic for entry in await positions.current(GUILD, ROSA)] == [MOTION]
    assert [entry.topic for entry in await positions.history(GUILD, ROSA)] == [MOTION]


async def test_another_members_history_leaves_out_hidden_debate_topics(debates, positions):
    await vote(debates, await start(debates), ROSA, 1)
    await positions.set_stance_on_new_topic(GUILD, ROSA, "China policy", "support")
    assert [e.topic for e in await positions.history(GUILD, ROSA, channels=OUTSIDER)] == ["China policy"]
    assert [e.topic for e in await positions.history(GUILD, ROSA, channels=INSIDER)] == [MOTION, "China policy"]


async def test_a_new_topic_named_like_a_hidden_debate_is_created_and_the_debate_topic_takes_its_number(
        debates, positions):
    debate = await start(debates)
    await vote(debates, debate, ROSA, 0)
    entry = await positions.set_stance_on_new_topic(GUILD, KARL, "expel the treasurer", "oppose", channels=OUTSIDER)
    assert (entry.topic, entry.stance) == ("expel the treasurer", "oppose")
    renamed = f"{MOTION} (debate {debate.id})"
    assert await names(positions, OUTSIDER) == ["expel the treasurer"]
    assert sorted(await names(positions, INSIDER)) == sorted(["expel the treasurer", renamed])
    await vote(debates, debate, ROSA, 1)  # the debate keeps logging to its own topic, whatever its name
    assert [(e.topic, e.stance) for e in await positions.history(GUILD, ROSA)] == [(renamed, "Yes"), (renamed, "No")]


async def test_a_hidden_debate_topic_makes_way_even_when_its_numbered_name_is_taken(debates, positions):
    debate = await start(debates)
    await positions.set_stance_on_new_topic(GUILD, KARL, f"{MOTION} (debate {debate.id})", "support")
    await positions.set_stance_on_new_topic(GUILD, KARL, MOTION, "oppose", channels=OUTSIDER)
    assert f"{MOTION} (debate {debate.id}, 2)" in await names(positions, None)


async def test_a_visible_topic_of_the_same_name_is_still_a_conflict_not_renamed(debates, positions):
    await start(debates, channel=GENERAL)
    for channels in (OUTSIDER, None):
        with pytest.raises(Conflict):
            await positions.set_stance_on_new_topic(GUILD, KARL, MOTION, "support", channels=channels)
    assert await names(positions, None) == [MOTION]


async def test_a_debate_motion_clashing_with_two_topic_names_still_opens(debates, positions):
    await positions.set_stance_on_new_topic(GUILD, KARL, "Join the coalition", "support")
    await positions.set_stance_on_new_topic(GUILD, KARL, "Join the coalition (debate 1)", "support")
    debate = await start(debates, motion="Join the coalition", channel=GENERAL)
    assert debate.id == 1 and "Join the coalition (debate 1, 2)" in await names(positions, None)
