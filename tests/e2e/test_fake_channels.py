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


def lock(fake: FakeDiscord) -> None:
    """Deny @everyone Send Messages in #general, as organizers lock a channel; the bot's role has no overwrite."""
    fake.world.deny(fake.default_channel, fake.guild, P.SEND_MESSAGES)


async def test_denying_send_messages_implicitly_denies_embeds_files_and_mentions(fake: FakeDiscord, general):
    bot = fake.world.bot_member(fake.guild)
    assert fake.world.bot_permissions & P.EMBED_LINKS and fake.world.bot_permissions & P.ATTACH_FILES
    lock(fake)
    have = fake.guild.effective_permissions(bot, fake.default_channel)
    assert have & P.VIEW_CHANNEL and not have & (P.SEND_MESSAGES | P.EMBED_LINKS | P.ATTACH_FILES | P.MENTION_EVERYONE)
    assert not have & (1 << 12)  # Send TTS Messages
    thread = fake.world.add_thread(fake.default_channel, 'side talk', owner=fake.world.bot)
    assert not fake.guild.effective_permissions(bot, thread) & P.EMBED_LINKS  # a thread goes by its parent channel
    fake.world.allow(fake.default_channel, bot, P.SEND_MESSAGES)  # the bot's own overwrite lifts it for the bot
    assert fake.guild.effective_permissions(bot, fake.default_channel) & P.EMBED_LINKS


async def test_an_overwrite_changed_after_connect_reaches_the_bots_cache(fake: FakeDiscord, sample_bot, general):
    me = general.guild.me
    assert general.permissions_for(me).embed_links
    lock(fake)
    await fake.wait_for(lambda: general.overwrites_for(general.guild.default_role).send_messages is False, 3,
                        'CHANNEL_UPDATE not received')
    assert not general.permissions_for(me).embed_links  # discord.py applies the implicit rule to the update
    fake.world.allow(fake.default_channel, fake.guild, P.SEND_MESSAGES)
    await fake.wait_for(lambda: general.permissions_for(me).embed_links, 3, 'second CHANNEL_UPDATE not received')


async def test_an_edit_where_the_bot_lacks_embed_links_drops_its_embeds(fake: FakeDiscord, general):
    sent = await general.send('draft', embed=discord.Embed(title='tally'))
    lock(fake)
    edited = await sent.edit(content='final', embed=discord.Embed(title='results'))  # 200, as Discord answers
    assert edited.content == 'final' and edited.embeds == []
    stored = fake.world.message(general.id, sent.id)
    assert stored.content == 'final' and stored.embeds == []


async def test_an_edit_left_empty_by_its_dropped_embeds_is_refused_with_50006(fake: FakeDiscord, general):
    sent = await general.send(embed=discord.Embed(title='tally'))
    lock(fake)
    with pytest.raises(discord.HTTPException) as info:
        await sent.edit(embed=discord.Embed(title='results'), view=None)
    assert (info.value.status, info.value.code) == (400, 50006)
    assert fake.world.message(general.id, sent.id).embeds[0]['title'] == 'tally'  # unchanged


async def test_new_files_in_an_edit_need_attach_files(fake: FakeDiscord, general):
    sent = await general.send('export', file=discord.File(io.BytesIO(b'old'), 'old.csv'))
    fake.world.deny(fake.default_channel, fake.world.bot_member(fake.guild), P.ATTACH_FILES)
    with pytest.raises(discord.Forbidden) as info:
        await sent.edit(attachments=[discord.File(io.BytesIO(b'new'), 'new.csv')])
    assert info.value.code == 50013
    kept = await sent.edit(content='export, kept')  # existing attachments need nothing
    assert [a.filename for a in kept.attachments] == ['old.csv']


async def test_an_edit_with_embed_links_keeps_its_embeds(fake: FakeDiscord, general):
    sent = await general.send('draft')
    lock(fake)
    fake.world.allow(fake.default_channel, fake.world.bot_member(fake.guild), P.SEND_MESSAGES)  # the bot may post
    edited = await sent.edit(embed=discord.Embed(title='results'))
    assert [e.title for e in edited.embeds] == ['results']
