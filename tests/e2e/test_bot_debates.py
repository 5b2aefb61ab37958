"""The real bot's debates over the fake: persistent vote buttons survive a SIGKILL, and votes cast
during a gateway outage are all counted after RESUME."""

from __future__ import annotations

import re

import pytest

from tests.fakediscord import FakeDiscord, Member, Message, P

from .harness import BotProcess


@pytest.fixture
def organiser(fake: FakeDiscord) -> Member:
    return fake.world.add_member(fake.guild, 'organiser', permissions=P.MANAGE_GUILD)


async def start_poll(fake: FakeDiscord, organiser: Member, motion: str = 'Build the union') -> Message:
    ix = await fake.slash(organiser, 'debate start', motion=motion, format='poll', options='Yes | No')
    opened = await ix.message(timeout=10)
    assert opened.ephemeral and re.search(r'Debate #\d+ is open', opened.content), opened.content
    return await fake.wait_for_message(fake.default_channel, lambda m: any(
        cid.startswith('debate:vote:') for cid in m.custom_ids))


async def test_debate_start_posts_vote_buttons_and_opens_a_thread(
    fake: FakeDiscord, bot_process: BotProcess, organiser: Member
):
    message = await start_poll(fake, organiser)
    assert [b['label'] for b in message.iter_components() if b.get('type') == 2] == ['Yes', 'No']
    thread = await fake.wait_for_thread(fake.default_channel)
    assert thread.id == message.id


async def test_vote_buttons_work_after_the_bot_is_sigkilled_and_restarted(
    fake: FakeDiscord, bot_process: BotProcess, organiser: Member, member: Member
):
    message = await start_poll(fake, organiser)
    yes = next(cid for cid in message.custom_ids if cid.endswith(':0'))
    await bot_process.restart(hard=True)
    receipt = await (await fake.click(member, message, yes)).response()
    assert receipt.ephemeral and 'You voted **Yes**' in receipt.content


async def test_votes_cast_during_a_gateway_outage_are_all_counted(
    fake: FakeDiscord, bot_process: BotProcess, organiser: Member
):
    message = await start_poll(fake, organiser)
    no = next(cid for cid in message.custom_ids if cid.endswith(':1'))
    voters = [fake.world.add_member(fake.guild, f'voter{i}') for i in range(5)]
    async with fake.gateway.outage():
        clicks = [await fake.click(v, message, no) for v in voters]
    receipts = [await c.response() for c in clicks]
    assert all('You voted **No**' in r.content for r in receipts)
    assert fake.gateway.resumes == 1 and fake.gateway.identifies == 1


async def test_debug_logs_hold_no_ballot_key_vote_or_stance_of_a_member(
    fake: FakeDiscord, make_bot_process, organiser: Member, member: Member
):
    """DEBUG is for troubleshooting: the bot's own lines say ids and counts, and no library logs the SQL values."""
    proc = await make_bot_process(LOG_LEVEL='DEBUG').start()
    ix = await fake.slash(organiser, 'debate start', motion='Build the union', format='poll', options='Yes | No',
                          secret=True)
    await ix.message(timeout=10)
    message = await fake.wait_for_message(fake.default_channel, lambda m: any(
        cid.startswith('debate:vote:') for cid in m.custom_ids))
    yes = next(cid for cid in message.custom_ids if cid.endswith(':0'))
    assert 'You voted **Yes**' in (await (await fake.click(member, message, yes)).response()).content
    stance = await fake.slash(member, 'position set', topic='Rent control', stance='support',
                              reason='zebra-reason-only-in-the-database')
    await stance.response()
    assert await proc.stop() == 0
    logs = proc.logs(tail=100_000)
    assert 'DEBUG' in logs  # asyncio's: the level was on, and still no library logged members' data
    for secret in ('zebra-reason-only-in-the-database', 'debate_ballot_keys', 'INSERT INTO', str(member.id)):
        assert secret not in logs, secret
