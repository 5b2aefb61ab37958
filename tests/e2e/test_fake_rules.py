"""Discord's rules, enforced by the fake on what a real discord.py bot sends."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import FakeDiscord, Member, P
from tests.fakediscord import limits
from tests.fakediscord.errors import FormErrors


async def test_late_acknowledgement_is_refused_with_10062(fake: FakeDiscord, sample_bot, member: Member):
    fake.interactions.ack_deadline = 0.2  # the rule, scaled down to keep the suite fast
    ix = await fake.slash(member, 'slow', seconds=0.4)
    with pytest.raises(AssertionError, match='late acknowledgement'):
        await ix.response(timeout=2)
    assert ix.errors == [{'message': 'Unknown interaction', 'code': 10062}]


async def test_acknowledgement_within_the_deadline_is_accepted(fake: FakeDiscord, sample_bot, member: Member):
    fake.interactions.ack_deadline = 0.5
    reply = await (await fake.slash(member, 'slow', seconds=0.05)).response()
    assert reply.content == 'finally' and reply.latency < 0.5


async def test_second_acknowledgement_is_refused_with_40060(fake: FakeDiscord, sample_bot, member: Member):
    ix = await fake.slash(member, 'twice')
    assert (await ix.response()).content == 'one'
    await fake.wait_for(lambda: ix.errors, 3, 'second acknowledgement never attempted')
    assert ix.errors[0]['code'] == 40060
    assert ix.record.duplicate_attempts == 1


async def test_content_over_2000_is_rejected_with_50035(fake: FakeDiscord, sample_bot, member: Member):
    ix = await fake.slash(member, 'toolong', size=2001)
    await fake.wait_for(lambda: ix.errors, 3, 'no error returned')
    [error] = ix.errors
    assert error['code'] == 50035
    assert error['errors']['data']['content']['_errors'][0]['code'] == 'BASE_TYPE_MAX_LENGTH'


async def test_content_of_exactly_2000_is_accepted(fake: FakeDiscord, sample_bot, member: Member):
    reply = await (await fake.slash(member, 'toolong', size=2000)).response()
    assert len(reply.content) == 2000


async def test_six_buttons_in_a_row_are_rejected(fake: FakeDiscord, sample_bot, member: Member):
    ix = await fake.slash(member, 'manybuttons')
    await fake.wait_for(lambda: ix.errors, 3, 'no error returned')
    assert ix.errors[0]['code'] == 50035
    assert 'components' in ix.errors[0]['errors']['data']


async def test_autocomplete_with_more_than_25_choices_is_rejected(fake: FakeDiscord, sample_bot, member: Member):
    ix = await fake.autocomplete(member, 'find', focused='essay', essay='many')
    await fake.wait_for(lambda: ix.errors, 3, 'no error returned')
    assert ix.errors[0]['errors']['data']['choices']['_errors'][0]['code'] == 'BASE_TYPE_MAX_LENGTH'


async def test_bot_without_send_messages_gets_403_50013(fake: FakeDiscord, sample_bot, member: Member):
    closed = fake.world.add_channel(fake.guild, 'announcements')
    fake.world.deny(closed, fake.world.bot_member(fake.guild), P.SEND_MESSAGES)
    reply = await (await fake.slash(member, 'announce', channel=closed)).response()
    assert reply.content == 'forbidden 50013'
    assert fake.messages_in(closed) == []


async def test_bot_that_cannot_see_a_channel_gets_403_50001(fake: FakeDiscord, sample_bot, member: Member):
    hidden = fake.world.add_channel(fake.guild, 'organisers')
    fake.world.deny(hidden, fake.guild, P.VIEW_CHANNEL)
    reply = await (await fake.slash(member, 'announce', channel=hidden)).response()
    assert reply.content == 'forbidden 50001'


async def test_bot_with_send_messages_posts(fake: FakeDiscord, sample_bot, member: Member):
    open_channel = fake.world.add_channel(fake.guild, 'announcements')
    reply = await (await fake.slash(member, 'announce', channel=open_channel)).response()
    assert reply.content == 'posted'
    assert [m.content for m in fake.messages_in(open_channel)] == ['announcement']


async def test_bot_allowed_mentions_none_pings_nobody(fake: FakeDiscord, sample_bot, member: Member):
    reply = await (await fake.slash(member, 'echo', text=member.mention)).response()
    assert member.mention in reply.content
    assert reply.message.mentions == []


async def test_empty_message_is_rejected_with_50006(fake: FakeDiscord, sample_bot):
    with pytest.raises(discord.HTTPException) as info:
        await sample_bot.http.send_message(fake.default_channel.id, params=discord.http.MultipartParameters({}, None, None))
    assert info.value.code == 50006


@pytest.mark.parametrize(
    ('embed', 'path'),
    [
        ({'title': 't' * 257}, 'embeds.0.title'),
        ({'description': 'd' * 4097}, 'embeds.0.description'),
        ({'fields': [{'name': 'n' * 257, 'value': 'v'}]}, 'embeds.0.fields.0.name'),
        ({'fields': [{'name': 'n', 'value': 'v' * 1025}]}, 'embeds.0.fields.0.value'),
        ({'fields': [{'name': 'n', 'value': 'v'}] * 26}, 'embeds.0.fields'),
    ],
    ids=['title-256', 'description-4096', 'field-name-256', 'field-value-1024', 'fields-25'],
)
def test_embed_limits_are_enforced(embed, path):
    errors = FormErrors()
    limits.check_message({'embeds': [embed]}, errors)
    assert [p for p, _, _ in errors.flat] == [path]


def test_embeds_totalling_over_6000_characters_are_rejected():
    errors = FormErrors()
    limits.check_message({'embeds': [{'description': 'd' * 4000}, {'description': 'd' * 2001}]}, errors)
    assert [code for _, code, _ in errors.flat] == ['MAX_EMBED_SIZE_EXCEEDED']


def test_more_than_10_embeds_are_rejected():
    errors = FormErrors()
    limits.check_message({'embeds': [{'title': 't'}] * 11}, errors)
    assert [p for p, _, _ in errors.flat] == ['embeds']


def test_more_than_5_action_rows_are_rejected():
    row = lambda i: {'type': 1, 'components': [{'type': 2, 'style': 1, 'label': 'x', 'custom_id': f'c{i}'}]}
    errors = FormErrors()
    limits.check_message({'components': [row(i) for i in range(6)]}, errors)
    assert [p for p, _, _ in errors.flat] == ['components']


def test_select_with_26_options_is_rejected():
    select = {'type': 3, 'custom_id': 's', 'options': [{'label': str(i), 'value': str(i)} for i in range(26)]}
    errors = FormErrors()
    limits.check_message({'components': [{'type': 1, 'components': [select]}]}, errors)
    assert [p for p, _, _ in errors.flat] == ['components.0.components.0.options']


@pytest.mark.parametrize(('field', 'value', 'path'), [
    ('custom_id', 'c' * 101, 'components.0.components.0.custom_id'),
    ('label', 'l' * 81, 'components.0.components.0.label'),
], ids=['custom_id-100', 'label-80'])
def test_button_limits_are_enforced(field, value, path):
    button = {'type': 2, 'style': 1, 'label': 'ok', 'custom_id': 'ok', field: value}
    errors = FormErrors()
    limits.check_message({'components': [{'type': 1, 'components': [button]}]}, errors)
    assert [p for p, _, _ in errors.flat] == [path]


def test_autocomplete_choice_name_over_100_is_rejected():
    errors = FormErrors()
    limits.check_autocomplete({'choices': [{'name': 'n' * 101, 'value': 'v'}]}, errors)
    assert [p for p, _, _ in errors.flat] == ['data.choices.0.name']
