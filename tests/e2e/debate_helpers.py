"""Helpers for the debate end-to-end tests: opening a debate as an organizer, finding its message, reading the
bot's database, and planting a copy of a debate's buttons (as a member's stale client or another server has)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.fakediscord import Channel, FakeDiscord, Member, Message, P

EDIT_ROUTE = ('PATCH', '/channels/{channel_id}/messages/{message_id}')


def organizer(fake: FakeDiscord, name: str = 'org') -> Member:
    return fake.world.add_member(fake.guild, name, permissions=P.MANAGE_GUILD)


async def open_debate(fake: FakeDiscord, who: Member, *, in_channel: Channel | None = None,
                      **options) -> tuple[Message, str]:
    """Run /debate start (in #general unless told); returns the public debate message and the organizer's
    ephemeral reply."""
    channel = in_channel or fake.default_channel
    before = {m.id for m in fake.messages_in(channel)}
    reply = await (await fake.slash(who, 'debate start', in_channel=channel, **options)).message()
    message = await fake.wait_for_message(channel, lambda m: m.id not in before and bool(m.embeds))
    return message, reply.content


async def reply_to(interaction) -> str:
    """The ephemeral answer's text, whether the bot answered at once or deferred and followed up."""
    response = await interaction.response()
    assert response.ephemeral, response
    if response.deferred:
        return (await interaction.message()).content
    return response.content


def debate_id(message: Message) -> int:
    return int(message.embeds[0]['title'].split('#')[1].split()[0])


def edits_of(fake: FakeDiscord, message: Message) -> list:
    return [r for r in fake.requests_to(*EDIT_ROUTE) if r.path.endswith(f'/messages/{message.id}')]


def fresh(fake: FakeDiscord, message: Message) -> Message:
    return fake.world.find_message(message.id)


def planted_buttons(fake: FakeDiscord, channel: Channel, custom_ids: list[str]) -> Message:
    """A bot message carrying these buttons, as if an older copy of a debate message were still on screen."""
    buttons = [{'type': 2, 'style': 1, 'label': str(i), 'custom_id': cid} for i, cid in enumerate(custom_ids)]
    return fake.messages.create(channel, fake.world.bot, {'content': 'old copy', 'components': [
        {'type': 1, 'components': buttons}]}, [])


def db_rows(workdir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(workdir / 'bot.sqlite3') as db:
        return db.execute(sql, params).fetchall()


def db_write(workdir: Path, sql: str, params: tuple = ()) -> None:
    with sqlite3.connect(workdir / 'bot.sqlite3') as db:
        db.execute(sql, params)
