"""Faults the fake injects, and that a discord.py bot must survive: gateway drops with RESUME and
replay, op 7, op 9, 429s with retry_after, 5xx, and latency."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import FakeDiscord, Member

CALLBACK = '/interactions/{interaction_id}/{token}/callback'
CHANNEL_MESSAGES = '/channels/{channel_id}/messages'


async def test_drop_makes_the_bot_resume_at_the_resume_url(fake: FakeDiscord, sample_bot, member: Member):
    await fake.gateway.drop()
    await fake.wait_for_resume()
    assert fake.gateway.identifies == 1
    assert fake.gateway.paths[-1] == '/gateway-resume'


async def test_events_dispatched_during_an_outage_are_replayed_on_resume(fake: FakeDiscord, sample_bot, member):
    async with fake.gateway.outage():
        missed = [await fake.slash(member, 'echo', text=f'm{i}') for i in range(3)]
    replies = [await ix.response() for ix in missed]
    assert [r.content for r in replies] == ['m0 | quiet | - | - | -', 'm1 | quiet | - | - | -', 'm2 | quiet | - | - | -']
    assert fake.gateway.resumes == 1 and fake.gateway.identifies == 1


async def test_op7_reconnect_makes_the_bot_resume(fake: FakeDiscord, sample_bot, member: Member):
    await fake.gateway.request_reconnect()
    await fake.wait_for_resume()
    assert (await (await fake.slash(member, 'about')).response()).ephemeral


async def test_op9_invalid_session_makes_the_bot_identify_again(fake: FakeDiscord, sample_bot, member: Member):
    # slow by design: discord.py waits 5 s before any IDENTIFY but the first
    await fake.gateway.invalidate_session(resumable=False)
    await fake.wait_for_identify(2)
    assert fake.gateway.resumes == 0
    assert (await (await fake.slash(member, 'about')).response()).ephemeral


async def test_resume_of_an_invalidated_session_gets_op9(fake: FakeDiscord, sample_bot, member: Member):
    fake.gateway.current.valid = False  # as if Discord forgot the session
    await fake.gateway.drop()
    await fake.wait_for(lambda: fake.gateway.failed_resumes == 1, 5, 'resume was not refused')
    assert fake.gateway.received[-1]['op'] == 6  # its last word was the RESUME we refused


async def test_429_on_the_callback_is_retried_after_retry_after(fake: FakeDiscord, sample_bot, member: Member):
    fault = fake.faults.rate_limit(CALLBACK, retry_after=0.2)
    reply = await (await fake.slash(member, 'about')).response()
    assert len(fault.hits) == 1
    assert reply.latency >= 0.2


async def test_429_on_channel_messages_is_retried(fake: FakeDiscord, sample_bot, member: Member):
    fault = fake.faults.rate_limit(CHANNEL_MESSAGES, method='POST', times=2, retry_after=0.05)
    ix = await fake.slash(member, 'post', text='after the rate limit')
    await ix.message()
    await fake.wait_for_message(fake.default_channel, lambda m: m.content == 'after the rate limit')
    assert len(fault.hits) == 2


async def test_429_without_via_header_is_not_retried(fake: FakeDiscord, sample_bot, member: Member):
    fake.faults.rate_limit(CHANNEL_MESSAGES, method='POST', via=False)
    with pytest.raises(discord.HTTPException) as info:
        await sample_bot.get_channel(fake.default_channel.id).send('x')
    assert info.value.status == 429


async def test_500_on_channel_messages_is_retried(fake: FakeDiscord, sample_bot, member: Member):
    fault = fake.faults.server_error(CHANNEL_MESSAGES, method='POST', times=1)
    ix = await fake.slash(member, 'post', text='after the outage')
    await fake.wait_for_message(fake.default_channel, lambda m: m.content == 'after the outage', timeout=6)
    assert len(fault.hits) == 1
    assert (await ix.message()).content == 'done'


async def test_latency_delays_the_acknowledgement(fake: FakeDiscord, sample_bot, member: Member):
    fake.faults.latency(0.3, CALLBACK)
    reply = await (await fake.slash(member, 'about')).response()
    assert reply.latency >= 0.3
