"""Interactions through the fake: typed options, subcommands, components, modals, autocomplete,
context menus, follow-ups, threads and files — each answered by a real discord.py bot."""

from __future__ import annotations

import pytest

from tests.fakediscord import FakeDiscord, InvalidComponent, InvalidOptions, Member, NotPermitted, UnknownCommand


async def test_slash_with_typed_options_reaches_the_callback(fake: FakeDiscord, sample_bot, member: Member):
    bob = fake.world.add_member(fake.guild, 'bob')
    role = fake.world.add_role(fake.guild, 'organisers')
    ix = await fake.slash(member, 'echo', text='ab', count=2, loud=True, who=bob, role=role,
                          file=('notes.txt', b'attached text'))
    reply = await ix.response()
    assert reply.type == 4
    assert reply.content == 'abab | LOUD | bob | organisers | attached text'


async def test_ephemeral_embed_response_is_recorded_with_flags(fake: FakeDiscord, sample_bot, member: Member):
    reply = await (await fake.slash(member, 'about')).response()
    assert reply.ephemeral
    assert reply.embeds[0]['title'] == 'About'
    assert fake.messages_in(fake.default_channel) == []  # ephemeral: not in the channel


async def test_subcommand_button_click_edits_the_message(fake: FakeDiscord, sample_bot, member: Member):
    start = await (await fake.slash(member, 'debate start', motion='Unions now', format='open')).response()
    assert start.content == 'debate: Unions now [open]'
    message = start.message
    assert message.custom_ids == ['sample:vote:7:1', 'sample:vote:7:2']
    click = await fake.click(member, message, 'sample:vote:7:2')
    update = await click.response()
    assert update.type == 7
    assert fake.world.message(message.channel_id, message.id).content == 'voted 2 in debate 7'


async def test_select_values_reach_the_callback(fake: FakeDiscord, sample_bot, member: Member):
    sent = await (await fake.slash(member, 'pick')).response()
    reply = await (await fake.select(member, sent.message, 'sample:pick', ['a', 'c'])).response()
    assert reply.content == 'picked a,c'


async def test_modal_submit_reaches_on_submit(fake: FakeDiscord, sample_bot, member: Member):
    opened = await fake.slash(member, 'propose')
    modal = await opened.modal()
    assert modal['title'] == 'New proposal'
    submitted = await fake.submit_modal(member, opened, {'motion': 'Build the union'})
    assert (await submitted.response()).content == 'proposed: Build the union (-)'


async def test_modal_submit_refuses_a_missing_required_field(fake: FakeDiscord, sample_bot, member: Member):
    opened = await fake.slash(member, 'propose')
    with pytest.raises(InvalidComponent, match='required'):
        await fake.submit_modal(member, opened, {'notes': 'no motion'})


async def test_autocomplete_returns_choices(fake: FakeDiscord, sample_bot, member: Member):
    ix = await fake.autocomplete(member, 'find', focused='essay', essay='cap')
    assert [c['name'] for c in await ix.choices()] == ['cap-0', 'cap-1', 'cap-2']


async def test_message_context_menu_gets_the_target_message(fake: FakeDiscord, sample_bot, member: Member):
    target = fake.post(member, fake.default_channel, 'solidarity forever')
    reply = await (await fake.message_command(member, 'Quote message', target)).response()
    assert reply.content == 'quoted: solidarity forever'


async def test_thinking_defer_is_filled_by_first_followup_then_second_is_new(fake: FakeDiscord, sample_bot, member):
    ix = await fake.slash(member, 'think')
    assert (await ix.response()).type == 5
    first = await ix.message()
    assert first.content == 'first' and first.ephemeral
    followups = await ix.followups(1)
    assert [m.content for m in followups] == ['second']


async def test_thread_from_message_has_the_message_id(fake: FakeDiscord, sample_bot, member: Member):
    await (await fake.slash(member, 'discuss', topic='Housing')).response()
    channel = fake.default_channel
    thread = await fake.wait_for_thread(channel)
    starter = await fake.wait_for_message(channel, lambda m: m.content == 'Discussion: Housing')
    assert thread.id == starter.id and thread.name == 'Housing'
    posted = await fake.wait_for_message(thread, lambda m: m.content == 'first post')
    assert posted.channel_id == thread.id


async def test_file_in_interaction_response_is_served_back(fake: FakeDiscord, sample_bot, member: Member):
    import aiohttp

    reply = await (await fake.slash(member, 'upload')).response()
    [attachment] = reply.attachments
    assert attachment.filename == 'chart.png'
    async with aiohttp.ClientSession() as session:
        async with session.get(attachment.url) as resp:
            assert await resp.read() == b'PNGDATA'


async def test_command_never_synced_is_refused(fake: FakeDiscord, sample_bot, member: Member):
    with pytest.raises(UnknownCommand):
        await fake.slash(member, 'nonexistent')


async def test_unknown_option_is_refused(fake: FakeDiscord, sample_bot, member: Member):
    with pytest.raises(InvalidOptions):
        await fake.slash(member, 'echo', text='x', colour='red')


async def test_option_outside_its_range_is_refused(fake: FakeDiscord, sample_bot, member: Member):
    with pytest.raises(InvalidOptions, match='max_value'):
        await fake.slash(member, 'echo', text='x', count=11)


async def test_choice_outside_the_choices_is_refused(fake: FakeDiscord, sample_bot, member: Member):
    with pytest.raises(InvalidOptions, match='choices'):
        await fake.slash(member, 'debate start', motion='m', format='shouting')


async def test_click_on_a_missing_button_is_refused(fake: FakeDiscord, sample_bot, member: Member):
    sent = await (await fake.slash(member, 'pick')).response()
    with pytest.raises(InvalidComponent):
        await fake.click(member, sent.message, 'sample:vote:1:1')


async def test_member_without_default_permissions_cannot_run_admin_command(fake: FakeDiscord, sample_bot, member):
    with pytest.raises(NotPermitted):
        await fake.slash(member, 'admin')


async def test_member_with_manage_guild_can_run_admin_command(fake: FakeDiscord, sample_bot):
    from tests.fakediscord import P

    boss = fake.world.add_member(fake.guild, 'boss', permissions=P.MANAGE_GUILD)
    assert (await (await fake.slash(boss, 'admin')).response()).content == 'admin ok'


async def test_persistent_button_works_on_a_message_from_before_a_restart(fake: FakeDiscord, member: Member):
    from .samplebot import start_sample_bot, stop_sample_bot

    bot, task = await start_sample_bot(fake)
    message = (await (await fake.slash(member, 'debate start', motion='m')).response()).message
    await stop_sample_bot(bot, task)
    bot, task = await start_sample_bot(fake)
    try:
        await (await fake.click(member, message, 'sample:vote:7:1')).response()
        assert fake.world.message(message.channel_id, message.id).content == 'voted 1 in debate 7'
    finally:
        await stop_sample_bot(bot, task)


async def test_an_option_called_member_is_an_option_not_the_acting_member(fake: FakeDiscord, sample_bot, member):
    bob = fake.world.add_member(fake.guild, 'bob')
    # /echo has no option 'member': the driver's own check answers, not a TypeError about the argument
    with pytest.raises(InvalidOptions, match="'member'"):
        await fake.slash(member, 'echo', text='hi', member=bob)
