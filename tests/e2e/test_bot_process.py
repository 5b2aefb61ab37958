"""The real bot, started exactly as ``python bot.py``, against the fake Discord."""

from __future__ import annotations

import signal

import pytest

import core
from tests.fakediscord import FakeDiscord, Member
from tests.fakediscord.driver import make_token

from .harness import BotProcess


def about_fields(reply) -> dict[str, str]:
    [embed] = reply.embeds
    return {f['name']: f['value'] for f in embed['fields']}


async def test_bot_process_syncs_its_commands_to_the_dev_guild(fake: FakeDiscord, bot_process: BotProcess):
    assert 'about' in fake.commands.names(fake.guild.id)
    assert fake.requests_to('PUT', '/applications/{application_id}/guilds/{guild_id}/commands')


async def test_bot_process_answers_about_with_counts_and_version(
    fake: FakeDiscord, bot_process: BotProcess, member: Member, library
):
    essays, passages = await library.counts()
    reply = await (await fake.slash(member, 'about')).response()
    assert reply.ephemeral
    fields = about_fields(reply)
    meaning = fields.pop('Search by meaning')
    assert meaning == 'On' or meaning.startswith('Getting ready: ') and meaning.endswith(f' of {passages} passages')
    assert fields == {'Essays': str(essays), 'Passages': str(passages), 'Version': core.__version__}
    assert 'WARNING' not in bot_process.logs()  # e.g. "PyNaCl is not installed": the bot never joins voice



async def test_the_token_is_not_logged_even_at_debug_level(fake: FakeDiscord, make_bot_process, member: Member):
    proc = await make_bot_process(LOG_LEVEL='DEBUG').start()
    assert (await (await fake.slash(member, 'about')).response()).ephemeral
    assert await proc.stop() == 0
    assert 'DEBUG' in proc.logs() and fake.token not in proc.logs(tail=100_000)

async def test_bot_process_with_a_rejected_token_exits_with_status_2(fake: FakeDiscord, make_bot_process):
    proc = make_bot_process(DISCORD_TOKEN=make_token(fake.world.ids.next()))  # well formed, unknown
    await proc.start(wait=False)
    assert await proc.wait_exit() == 2
    assert [(r.path, r.status) for r in fake.requests if r.path == '/users/@me'] == [('/users/@me', 401)]


async def test_bot_process_with_a_malformed_token_exits_with_status_2_without_calling_discord(
    fake: FakeDiscord, make_bot_process
):
    proc = make_bot_process(DISCORD_TOKEN='not a token')
    await proc.start(wait=False)
    assert await proc.wait_exit() == 2
    assert fake.requests == []



async def test_a_dev_guild_id_the_bot_is_not_in_is_logged_and_the_bot_runs_on(fake: FakeDiscord, make_bot_process):
    stranger = fake.world.ids.next()  # no server the bot was added to has this id
    proc = await make_bot_process(DEV_GUILD_ID=str(stranger)).start(wait=False)
    await fake.wait_for(lambda: f'could not sync commands to DEV_GUILD_ID {stranger}' in proc.logs(), 30,
                        lambda: proc.logs())
    await fake.wait_for(lambda: fake.gateway.connected, 30, lambda: proc.logs())
    assert proc.returncode is None and 'Traceback' not in proc.logs()


async def test_a_database_that_cannot_be_used_stops_the_bot_with_one_line(fake: FakeDiscord, make_bot_process,
                                                                            tmp_path):
    (tmp_path / 'notes.txt').write_text('not a database ' * 100)
    proc = await make_bot_process(DATABASE_PATH=str(tmp_path / 'notes.txt')).start(wait=False)
    assert await proc.wait_exit() == 1
    assert 'cannot be used' in proc.logs() and 'DATABASE_PATH' in proc.logs() and 'Traceback' not in proc.logs()


async def test_a_message_mentioning_the_bot_is_not_taken_for_a_command(
    fake: FakeDiscord, bot_process: BotProcess, member: Member
):
    fake.post(member, fake.default_channel, f'<@{fake.world.bot.id}> hello, can you find the quote on Ecuador?')
    assert (await (await fake.slash(member, 'about')).response()).ephemeral  # the message came first, on one socket
    assert 'ERROR' not in bot_process.logs() and 'CommandNotFound' not in bot_process.logs()

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_bot_process_stops_cleanly_on_sigterm_and_ctrl_c(bot_process: BotProcess, tmp_path, sig):
    assert await bot_process.stop(sig=sig) == 0
    assert "stopped" in bot_process.logs() and "Traceback" not in bot_process.logs()
    assert not (tmp_path / "bot.sqlite3-wal").exists()  # the database was closed, its log folded back in


async def test_bot_process_answers_again_after_sigkill_and_restart(
    fake: FakeDiscord, bot_process: BotProcess, member: Member
):
    await bot_process.restart(hard=True)
    assert fake.gateway.identifies == 2
    assert (await (await fake.slash(member, 'about')).response()).ephemeral


async def test_context_on_a_quote_posted_before_a_sigkill_still_answers(
    fake: FakeDiscord, bot_process: BotProcess, member: Member
):
    query = 'double trauma of nationalist exclusion'
    browser = await (await fake.slash(member, 'quote', query=query, count=1)).message()
    post_here = browser.button(label='Post here')['custom_id']
    posted = (await (await fake.click(member, browser, post_here)).response()).message
    await bot_process.restart(hard=True)
    context = await (await fake.click(member, posted, posted.custom_ids[0])).response()
    assert context.ephemeral and 'implicit condescension' in context.embeds[0]['description']


async def test_bot_process_misses_nothing_across_a_gateway_outage(
    fake: FakeDiscord, bot_process: BotProcess, member: Member
):
    async with fake.gateway.outage():
        pending = [await fake.slash(member, 'about') for _ in range(5)]
    replies = [await ix.response() for ix in pending]
    assert all(r.embeds for r in replies)
    assert fake.gateway.resumes == 1


async def test_in_process_bot_answers_about(fake: FakeDiscord, chapter_bot, member: Member):
    reply = await (await fake.slash(member, 'about')).response()
    assert about_fields(reply)['Version'] == core.__version__


async def test_buttons_of_results_open_before_a_restart_answer_that_they_expired(
    fake: FakeDiscord, bot_process: BotProcess, member: Member
):
    browser = await (await fake.slash(member, 'quote', query='double trauma of nationalist exclusion')).message()
    await bot_process.restart(hard=True)
    for label in ('Post here', '\u25b6'):
        reply = await (await fake.click(member, browser, browser.button(label=label)['custom_id'])).response()
        assert reply.ephemeral and 'expired' in reply.content
    channel = fake.world.channel(browser.channel_id)
    assert [m for m in channel.messages.values() if not m.flags & 64] == []  # nothing was posted publicly
