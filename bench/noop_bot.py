"""A do-nothing bot: the baseline for bench/load.py.

It publishes the same command names as the chapter bot (so the same interactions are valid) and
acknowledges every interaction at once, doing no work: slash commands get a short ephemeral reply,
components a deferred update, autocomplete an empty list. Configured like bot.py, by DISCORD_TOKEN,
DISCORD_API_BASE, DISCORD_GATEWAY_URL and DEV_GUILD_ID.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import discord
import yarl

log = logging.getLogger('noop_bot')

COMMANDS = [{'type': 1, 'name': 'about', 'description': 'About this bot'}]


class NoopBot(discord.Client):
    def __init__(self, guild_id: int | None) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none())
        self.guild_id = guild_id

    async def setup_hook(self) -> None:
        app_id = self.application_id
        assert app_id is not None
        if self.guild_id is not None:
            await self.http.bulk_upsert_guild_commands(app_id, self.guild_id, COMMANDS)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.send_message('ok', ephemeral=True)
        elif interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await interaction.response.defer()


def main() -> int:
    token = os.environ.get('DISCORD_TOKEN', '')
    if not token:
        print('DISCORD_TOKEN is required', file=sys.stderr)
        return 2
    if os.environ.get('DISCORD_API_BASE'):
        discord.http.Route.BASE = os.environ['DISCORD_API_BASE']
    if os.environ.get('DISCORD_GATEWAY_URL'):
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ['DISCORD_GATEWAY_URL'])
    guild = os.environ.get('DEV_GUILD_ID')
    discord.utils.setup_logging(level=logging.getLevelName(os.environ.get('LOG_LEVEL', 'INFO').upper()))
    bot = NoopBot(int(guild) if guild else None)
    try:
        asyncio.run(bot.start(token))
    except discord.LoginFailure:
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
