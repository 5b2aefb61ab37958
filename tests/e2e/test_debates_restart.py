"""Debates across restarts of the real `python bot.py`: buttons, deadlines and acknowledged votes survive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakediscord import FakeDiscord

from .debate_helpers import db_rows, db_write, debate_id, fresh, open_debate, organizer, reply_to
from .harness import BotProcess

MOTION = 'The chapter joins the coalition'


def stamp(moment: datetime) -> str:
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


async def test_old_buttons_work_after_sigkill_and_every_acknowledged_vote_is_kept(fake: FakeDiscord, bot_process: BotProcess, tmp_path):
    message, _ = await open_debate(fake, organizer(fake), motion=MOTION, format='oxford', duration='1d')
    did = debate_id(message)
    voters = [fake.world.add_member(fake.guild, f'v{i}') for i in range(20)]
    for i, who in enumerate(voters[:10]):
        await reply_to(await fake.click(who, message, f'debate:vote:{did}:{i % 3}'))
    await bot_process.restart(hard=True)
    for i, who in enumerate(voters[10:]):
        assert 'You voted' in await reply_to(await fake.click(who, message, f'debate:vote:{did}:{i % 3}'))
    stored = {int(v) for (v,) in db_rows(tmp_path, 'SELECT voter FROM debate_votes')}
    assert stored == {v.id for v in voters}


async def test_a_reason_written_while_the_bot_restarted_is_still_counted(fake: FakeDiscord, bot_process: BotProcess,
                                                                       tmp_path):
    message, _ = await open_debate(fake, organizer(fake), motion=MOTION, format='proposal')
    carla = fake.world.add_member(fake.guild, 'carla')
    form = await fake.click(carla, message, f'debate:propose:{debate_id(message)}:2')
    await form.modal()
    await bot_process.restart(hard=True)
    assert 'You voted **Disagree**' in await reply_to(await fake.submit_modal(carla, form, {'reason': 'Wrong target'}))
    stored = db_rows(tmp_path, 'SELECT voter, choices, reason FROM debate_votes')
    assert stored == [(str(carla.id), '2', 'Wrong target')]


async def test_votes_acknowledged_just_before_a_crash_reach_the_public_tally_after_restart(fake, bot_process):
    message, _ = await open_debate(fake, organizer(fake), motion=MOTION, format='poll', options='A | B')
    did = debate_id(message)
    for i in range(3):  # the first vote edits the tally at once; the next two wait out the 5 s between edits
        voter = fake.world.add_member(fake.guild, f'quick{i}')
        await reply_to(await fake.click(voter, message, f'debate:vote:{did}:0'))
    await bot_process.restart(hard=True)
    await fake.wait_for(lambda: '3 members voted' in str(fresh(fake, message).embeds[0]['fields']), 10)


async def test_a_deadline_that_passed_while_the_bot_was_down_closes_at_start_up(fake, bot_process, tmp_path):
    message, _ = await open_debate(fake, organizer(fake), motion=MOTION, format='poll', options='A | B', duration='1h')
    await bot_process.kill()
    db_write(tmp_path, 'UPDATE debates SET closes_at = ?', (stamp(datetime.now(UTC) - timedelta(minutes=5)),))
    await bot_process.start()
    closed = await fake.wait_for(lambda: fresh(fake, message).components == [] and fresh(fake, message), 10)
    assert 'results (closed)' in closed.embeds[0]['title']
    assert db_rows(tmp_path, 'SELECT closed_at IS NOT NULL FROM debates') == [(1,)]


async def test_a_stored_deadline_still_fires_after_a_restart(fake, bot_process, tmp_path):
    message, _ = await open_debate(fake, organizer(fake), motion=MOTION, format='oxford', duration='1h')
    await bot_process.kill()
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5)
    db_write(tmp_path, 'UPDATE debates SET closes_at = ?', (stamp(deadline),))
    await bot_process.start()
    if datetime.now(UTC) < deadline - timedelta(seconds=1):  # a slow start-up may reach the deadline itself
        assert fresh(fake, message).components  # still open until then
    await fake.wait_for(lambda: fresh(fake, message).components == [], 15)
    assert db_rows(tmp_path, 'SELECT closed_at FROM debates') == [(stamp(deadline),)]


async def test_a_scheduled_closing_vote_opens_on_time_after_a_restart(fake, bot_process, tmp_path):
    message, _ = await open_debate(fake, organizer(fake), motion=MOTION, format='oxford', duration='1d',
                                   advance_in='1h')
    await bot_process.kill()
    db_write(tmp_path, 'UPDATE debates SET advance_at = ?', (stamp(datetime.now(UTC) + timedelta(seconds=3)),))
    await bot_process.start()
    thread = await fake.wait_for_thread(fake.default_channel)
    await fake.wait_for(lambda: any('closing vote' in m.content for m in thread.visible_messages()), 15)
    assert db_rows(tmp_path, 'SELECT round FROM debates') == [(2,)]
    voter = fake.world.add_member(fake.guild, 'late')
    assert 'in the closing vote' in await reply_to(await fake.click(voter, message, message.custom_ids[0]))
