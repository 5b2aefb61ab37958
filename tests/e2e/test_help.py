"""/help end to end: every command Discord was given is listed once, with what it does."""

from __future__ import annotations

import re

import pytest

from tests.fakediscord import FakeDiscord, Member

pytestmark = pytest.mark.usefixtures("chapter_bot")

SUBCOMMAND = 1


def synced_names(fake: FakeDiscord) -> set[str]:
    """Every command a member can run, as Discord holds them: '/debate start', 'Apps → Find passages'."""
    names = set()
    for command in fake.commands.list(fake.guild.id):
        if command["type"] != 1:
            names.add(f"Apps \u2192 {command['name']}")
            continue
        subcommands = [o["name"] for o in command["options"] if o["type"] == SUBCOMMAND]
        names |= {f"/{command['name']} {sub}" for sub in subcommands} or {f"/{command['name']}"}
    return names


async def test_help_lists_every_synced_command_once_in_feature_order(fake: FakeDiscord, member: Member):
    reply = await (await fake.slash(member, "help")).response()
    assert reply.ephemeral
    [embed] = reply.embeds
    listed = re.findall(r"^\*\*(.+?)\*\* \u2014 (.+)$", embed["description"], flags=re.MULTILINE)
    names = [name for name, _ in listed]
    assert len(names) == len(set(names)) and set(names) == synced_names(fake)
    described = dict(listed)
    assert described["/debate start"].startswith("Organizers: ")
    assert described["/settings organizer-role"].startswith("Server managers: ")
    assert described["/quote"].startswith("Find passages in the essays")
    assert described["Apps \u2192 Find passages"].startswith("(on a message) Passages from the essays")
    assert "organizer-role" in embed["footer"]["text"]
    in_order = ["/quote", "/essay read", "Apps \u2192 Find passages", "/debate start", "/position set", "/help"]
    assert [names.index(name) for name in in_order] == sorted(names.index(name) for name in in_order)


async def test_a_member_who_mentions_the_bot_is_pointed_to_help_once_a_minute_per_channel(
    fake: FakeDiscord, member: Member
):
    channel = fake.default_channel
    asked = fake.post(member, channel, f"<@{fake.world.bot.id}> how do I find the quote on Ecuador? @everyone")
    reply = await fake.wait_for_message(channel)
    assert reply.content == "I work through slash commands: type **/help** to see them all."
    assert reply.message_reference["message_id"] == str(asked.id)
    assert reply.mentions == [] and reply.mention_roles == []  # the reply does not ping the member back
    fake.post(member, channel, f"<@{fake.world.bot.id}> hello?")
    fake.post(member, channel, "no mention here")
    other = fake.world.add_channel(fake.guild, "general-2")
    fake.post(member, other, f"<@{fake.world.bot.id}> and here?")  # another channel: answered
    assert (await fake.wait_for_message(other)).content.startswith("I work through slash commands")
    await (await fake.slash(member, "about")).response()
    assert [m.id for m in fake.messages_in(channel) if m.author.id == fake.world.bot.id] == [reply.id]


async def test_replies_to_the_bots_posts_and_other_bots_mentions_get_no_pointer(fake: FakeDiscord, member: Member):
    """Discord lists the bot in `mentions` of any reply to its posts; only a mention in the text asks for help."""
    channel = fake.default_channel
    browser = await (await fake.slash(member, "quote", query="China", count=1)).message()
    posted = await fake.click(member, browser, browser.button(label="Post here")["custom_id"])
    quote = (await posted.response()).message
    answer = fake.post(member, channel, "Good point, this settles it", message_reference={"message_id": str(quote.id)})
    assert [u.id for u in answer.mentions] == [fake.world.bot.id]  # as Discord reports such a reply
    robot = fake.world.add_member(fake.guild, "otherbot", bot=True)
    fake.post(robot, channel, f"<@{fake.world.bot.id}> ping")
    witness = fake.world.add_channel(fake.guild, "witness")
    fake.post(member, witness, f"<@{fake.world.bot.id}> hi")  # a later mention elsewhere, as a sync point
    await fake.wait_for_message(witness)
    await (await fake.slash(member, "about")).response()
    assert [m.id for m in fake.messages_in(channel) if m.author.id == fake.world.bot.id] == [quote.id]
