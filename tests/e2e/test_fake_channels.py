"""Channel, message and thread routes as discord.py calls them (no interaction involved)."""

from __future__ import annotations

import io

import discord
import pytest

from tests.fakediscord import FakeDiscord, Member, P


@pytest.fixture
def general(fake: FakeDiscord, sample_bot) -> discord.TextChannel:
    return sample_bot.get_channel(fake.default_channel.id)


async def test_sent_message_can_be_fetched_edited_and_deleted(fake: FakeDiscord, general):
    sent = await general.send('draft')
    fetched = await general.fetch_message(sent.id)
    assert fetched.content == 'draft' and fetched.author.id == fake.world.bot.id
    edited = await sent.edit(content='final')
    assert edited.content == 'final' and edited.edited_at is not None
    await sent.delete()
    with pytest.raises(discord.NotFound):
        await general.fetch_message(sent.id)


async def test_history_is_newest_first(fake: FakeDiscord, general):
    for text in ('one', 'two', 'three'):
        await general.send(text)
    assert [m.content async for m in general.history(limit=2)] == ['three', 'two']


async def test_standalone_private_thread_is_created_and_announced(fake: FakeDiscord, sample_bot, general):
    thread = await general.create_thread(name='organisers only', type=discord.ChannelType.private_thread)
    assert thread.type is discord.ChannelType.private_thread
    await fake.wait_for(lambda: sample_bot.get_channel(thread.id) is not None, 3, 'THREAD_CREATE not received')
    assert [t.name for t in fake.threads_of(fake.default_channel)] == ['organisers only']


async def test_second_thread_on_the_same_message_is_refused_with_160004(fake: FakeDiscord, general):
    message = await general.send('motion')
    await message.create_thread(name='first')
    with pytest.raises(discord.HTTPException) as info:
        await message.create_thread(name='second')
    assert info.value.code == 160004


async def test_bot_without_create_public_threads_gets_403(fake: FakeDiscord, general):
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.CREATE_PUBLIC_THREADS)
    message = await general.send('motion')
    with pytest.raises(discord.Forbidden) as info:
        await message.create_thread(name='nope')
    assert info.value.code == 50013


async def test_bot_cannot_edit_a_members_message(fake: FakeDiscord, general, member: Member):
    theirs = fake.post(member, fake.default_channel, 'mine')
    message = await general.fetch_message(theirs.id)
    with pytest.raises(discord.Forbidden) as info:
        await message.edit(content='changed')
    assert info.value.code == 50005


async def test_multipart_attachment_on_a_channel_message_is_stored(fake: FakeDiscord, general):
    sent = await general.send('export', file=discord.File(io.BytesIO(b'a,b\n1,2\n'), 'results.csv'))
    [stored] = fake.world.message(general.id, sent.id).attachments
    assert (stored.filename, stored.data) == ('results.csv', b'a,b\n1,2\n')
    assert await sent.attachments[0].read() == b'a,b\n1,2\n'


async def test_member_message_reaches_the_bot_without_content_intent(fake: FakeDiscord, sample_bot, member: Member):
    seen: list[discord.Message] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message)

    sample_bot.add_listener(on_message)
    fake.post(member, fake.default_channel, 'secret plans')
    await fake.wait_for(lambda: seen, 3, 'MESSAGE_CREATE not received')
    assert seen[0].content == ''  # default intents: no message content


async def test_followup_with_an_unknown_token_is_refused(fake: FakeDiscord, sample_bot):
    webhook = discord.Webhook.partial(fake.world.application_id, 'not-a-token', client=sample_bot)
    with pytest.raises(discord.NotFound):
        await webhook.send('x')


async def test_followup_before_acknowledgement_is_refused_with_10015(fake: FakeDiscord, sample_bot, member: Member):
    import aiohttp

    ix = await fake.slash(member, 'slow', seconds=0.5)
    url = f'{fake.api_base}/webhooks/{fake.world.application_id}/{ix.record.token}?wait=1'
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={'content': 'too early'}) as resp:
            assert (resp.status, (await resp.json())['code']) == (404, 10015)
    await ix.response()
