"""/debate end to end: the real bot in this process, the fake Discord, every path a member or organizer takes."""

from __future__ import annotations

import pytest

from tests.fakediscord import FakeDiscord

from .debate_helpers import debate_id, open_debate, organizer


async def test_a_poll_opens_with_buttons_a_thread_and_essay_passages(fake: FakeDiscord, chapter_bot):
    org = organizer(fake)
    message, reply = await open_debate(fake, org, motion='Build international socialism through mass parties',
                                       format='poll', options='Yes | No | Later', duration='2h')
    assert f'Debate #{debate_id(message)} is open' in reply
    assert message.custom_ids == [f'debate:vote:{debate_id(message)}:{i}' for i in range(3)]
    thread = await fake.wait_for_thread(fake.default_channel)
    assert thread.id == message.id
    passages = await fake.wait_for(lambda: [m for m in thread.visible_messages() if m.embeds])
    assert passages[0].embeds[0]['footer']['text']
