"""The fake as discord.py sees it: login, application, command sync, gateway READY and GUILD_CREATE."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from tests.fakediscord import FakeDiscord


async def test_bot_receives_ready_and_guild_create_with_the_world(fake: FakeDiscord, sample_bot):
    await sample_bot.wait_until_ready()
    guild = sample_bot.get_guild(fake.guild.id)
    assert guild is not None and guild.name == 'Chapter'
    assert [c.name for c in guild.text_channels] == ['general']
    assert sample_bot.user.id == fake.world.bot.id


async def test_ready_points_resume_at_the_fake(fake: FakeDiscord, sample_bot):
    assert str(sample_bot.ws.gateway) == fake.resume_gateway_url


async def test_guild_command_sync_is_stored_and_readable(fake: FakeDiscord, sample_bot):
    names = fake.commands.names(fake.guild.id)
    assert {'echo', 'debate', 'about', 'Quote message'} <= set(names)
    fetched = await sample_bot.tree.fetch_commands(guild=discord.Object(fake.guild.id))
    assert sorted(c.name for c in fetched) == names


async def test_login_with_unknown_token_is_rejected_with_401(fake: FakeDiscord):
    fake.configure_discord_py()
    client = discord.Client(intents=discord.Intents.none())
    with pytest.raises(discord.LoginFailure):
        await client.login('AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBB.CCCCCCCCCCCCCCCCCCCCCCCCCCC')
    await client.close()


async def test_responses_have_content_type_exactly_application_json(fake: FakeDiscord):
    async with aiohttp.ClientSession() as session:
        async with session.get(fake.api_base + '/users/@me', headers={'Authorization': f'Bot {fake.token}'}) as resp:
            assert resp.headers['Content-Type'] == 'application/json'
            assert (await resp.json())['id'] == str(fake.world.bot.id)


async def test_snowflakes_encode_the_current_time(fake: FakeDiscord):
    import time

    created = discord.utils.snowflake_time(fake.guild.id).timestamp()
    assert abs(created - time.time()) < 60


async def test_unknown_routes_are_answered_404_and_listed(fake: FakeDiscord, sample_bot):
    fake.allow_unknown_routes = True
    with pytest.raises(discord.NotFound):
        await sample_bot.http.request(discord.http.Route('GET', '/guilds/{guild_id}/bans', guild_id=fake.guild.id))
    assert fake.unknown_routes == [f'GET /guilds/{fake.guild.id}/bans']


async def test_heartbeats_are_acknowledged(fake: FakeDiscord, sample_bot):
    # discord.py sends a heartbeat right after HELLO; latency is finite only once it was ACKed
    await fake.wait_for(lambda: sample_bot.latency != float('inf'), 5, 'heartbeat never acknowledged')
    assert sample_bot.latency < 1
