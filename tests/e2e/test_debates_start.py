"""/debate start when Discord refuses part of it: no half-made debate stays open, and what did get posted works."""

from __future__ import annotations

from tests.fakediscord import FakeDiscord, P

from .debate_helpers import db_rows, debate_id, fresh, open_debate, organizer, reply_to

MOTION = 'Build international socialism through mass parties'


async def test_start_without_send_messages_names_the_permission_and_leaves_no_debate(fake: FakeDiscord, chapter_bot,
                                                                                      tmp_path):
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.SEND_MESSAGES)
    reply = await (await fake.slash(organizer(fake), 'debate start', motion=MOTION, format='oxford')).message()
    assert reply.ephemeral
    assert 'Send Messages permission' in reply.content and 'nothing was opened' in reply.content
    assert db_rows(tmp_path, 'SELECT * FROM debates') == []
    assert db_rows(tmp_path, 'SELECT * FROM position_topics') == []


async def test_start_without_embed_links_names_that_permission(fake: FakeDiscord, chapter_bot, tmp_path):
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.EMBED_LINKS)
    reply = await (await fake.slash(organizer(fake), 'debate start', motion=MOTION, format='oxford')).message()
    assert 'Embed Links permission' in reply.content and 'Send Messages' not in reply.content
    assert db_rows(tmp_path, 'SELECT * FROM debates') == []


async def test_start_without_send_messages_in_threads_says_why_and_the_tally_still_updates(fake: FakeDiscord,
                                                                                           chapter_bot, tmp_path):
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.SEND_MESSAGES_IN_THREADS)
    message, reply = await open_debate(fake, organizer(fake), motion=MOTION, format='poll', options='Yes | No')
    did = debate_id(message)
    assert f'Debate #{did} is open' in reply and 'could not post the essays' in reply
    assert 'Send Messages in Threads' in reply
    assert db_rows(tmp_path, 'SELECT message_id, thread_id FROM debates') == [(message.id, message.id)]
    voter = fake.world.add_member(fake.guild, 'voter')
    await reply_to(await fake.click(voter, message, f'debate:vote:{did}:0'))
    await fake.wait_for(lambda: '1 member voted' in str(fresh(fake, message).embeds[0]['fields']), 8)


async def test_start_without_thread_permission_opens_the_debate_and_says_why(fake: FakeDiscord, chapter_bot, tmp_path):
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.CREATE_PUBLIC_THREADS)
    message, reply = await open_debate(fake, organizer(fake), motion=MOTION, format='oxford')
    assert 'is open' in reply and 'Create Public Threads' in reply
    assert db_rows(tmp_path, 'SELECT message_id, thread_id, closed_at FROM debates') == [(message.id, None, None)]
    assert fake.threads_of(fake.default_channel) == []
