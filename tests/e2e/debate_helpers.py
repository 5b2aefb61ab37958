"""Helpers for the debate end-to-end tests: opening a debate as an organizer and finding its message."""

from __future__ import annotations

from tests.fakediscord import FakeDiscord, Member, Message, P

EDIT_ROUTE = ('PATCH', '/channels/{channel_id}/messages/{message_id}')


def organizer(fake: FakeDiscord, name: str = 'org') -> Member:
    return fake.world.add_member(fake.guild, name, permissions=P.MANAGE_GUILD)


async def open_debate(fake: FakeDiscord, who: Member, **options) -> tuple[Message, str]:
    """Run /debate start; returns the public debate message and the organizer's ephemeral reply."""
    before = {m.id for m in fake.messages_in(fake.default_channel)}
    reply = await (await fake.slash(who, 'debate start', **options)).message()
    message = await fake.wait_for_message(fake.default_channel, lambda m: m.id not in before and bool(m.embeds))
    return message, reply.content


def debate_id(message: Message) -> int:
    return int(message.embeds[0]['title'].split('#')[1].split()[0])


def edits_of(fake: FakeDiscord, message: Message) -> list:
    return [r for r in fake.requests_to(*EDIT_ROUTE) if r.path.endswith(f'/messages/{message.id}')]
