"""The bot in more than one server: `python bot.py sync` publishes its commands to all of them, and what members
do in one chapter's server is invisible in another's."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.fakediscord import FakeDiscord, Member, P

from .debate_helpers import db_rows, debate_id, open_debate, organizer, planted_buttons, reply_to

from .harness import ROOT, SEEDS


async def sync_globally(fake: FakeDiscord, workdir: Path, dev_guild: str = '') -> str:
    """Run `python bot.py sync` against the fake, as an owner would after inviting the bot to a new server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('DISCORD_') and k != 'DEV_GUILD_ID'}
    env.update(fake.env(DEV_GUILD_ID=dev_guild), DATABASE_PATH=str(workdir / 'bot.sqlite3'), SEEDS_DIR=str(SEEDS))
    child = await asyncio.create_subprocess_exec(sys.executable, 'bot.py', 'sync', cwd=ROOT, env=env,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == 0, output.decode()
    return output.decode()


async def test_sync_publishes_every_command_the_dev_server_has_to_every_server(fake, chapter_bot, tmp_path):
    output = await sync_globally(fake, tmp_path)
    published = fake.commands.names(None)
    assert published and sorted(published) == sorted(fake.commands.names(fake.guild.id))
    assert f'Published {len(published)} commands' in output
    assert fake.token not in output



async def test_sync_with_a_dev_server_set_removes_its_copies_so_no_command_shows_twice(fake, chapter_bot, tmp_path):
    tested = sorted(fake.commands.names(fake.guild.id))
    output = await sync_globally(fake, tmp_path, dev_guild=str(fake.guild.id))
    assert sorted(fake.commands.names(None)) == tested
    assert fake.commands.names(fake.guild.id) == []
    assert 'empty DEV_GUILD_ID' in output


async def test_sync_with_a_dev_server_the_bot_is_not_in_says_so_in_one_line(fake, chapter_bot, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith('DISCORD_') and k != 'DEV_GUILD_ID'}
    env.update(fake.env(DEV_GUILD_ID=str(fake.world.ids.next())), DATABASE_PATH=str(tmp_path / 'bot.sqlite3'),
               SEEDS_DIR=str(SEEDS))
    child = await asyncio.create_subprocess_exec(sys.executable, 'bot.py', 'sync', cwd=ROOT, env=env,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output = (await asyncio.wait_for(child.communicate(), 60))[0].decode()
    assert child.returncode == 1 and 'Could not remove the copies' in output and 'Traceback' not in output
    assert fake.commands.names(None)  # the global commands were published all the same

async def test_positions_in_one_server_are_invisible_in_another(fake, chapter_bot, member: Member, tmp_path):
    await sync_globally(fake, tmp_path)
    other = fake.world.add_guild('Neighbouring chapter')
    there = fake.world.join(other, member.user)
    elsewhere = other.text_channels()[0]
    for command, options in (('set', {'topic': 'China policy', 'stance': 'support'}),
                             ('privacy', {'setting': 'visible'})):
        assert (await (await fake.slash(member, f'position {command}', **options)).response()).ephemeral

    async def answer(command: str, **options) -> str:
        reply = await (await fake.slash(there, f'position {command}', in_channel=elsewhere, **options)).response()
        assert reply.ephemeral
        return reply.content

    assert 'no topics yet' in await answer('topics')
    assert await answer('history') == 'Your history is empty.'
    assert 'no topic' in await answer('summary', topic='China policy')
    mine = await (await fake.slash(member, 'position history')).response()
    assert 'support' in str(mine.embeds)


async def test_a_debate_in_one_server_cannot_be_seen_or_voted_on_from_another(fake, chapter_bot, tmp_path):
    await sync_globally(fake, tmp_path)
    message, _ = await open_debate(fake, organizer(fake), motion='Join the coalition', format='poll',
                                   options='Yes | No')
    other = fake.world.add_guild('Neighbouring chapter')
    their_organizer = fake.world.add_member(other, 'their-org', permissions=P.MANAGE_GUILD)
    elsewhere = other.text_channels()[0]
    listed = await (await fake.slash(their_organizer, 'debate list', in_channel=elsewhere)).response()
    assert 'Join the coalition' not in str(listed.embeds)
    results = await fake.slash(their_organizer, 'debate results', in_channel=elsewhere, debate=str(debate_id(message)))
    assert 'no such debate' in await reply_to(results)
    planted = planted_buttons(fake, elsewhere, message.custom_ids)
    vote = await fake.click(their_organizer, planted, f'debate:vote:{debate_id(message)}:0')
    assert 'no such debate' in await reply_to(vote)
    assert db_rows(tmp_path, 'SELECT * FROM debate_votes') == []
