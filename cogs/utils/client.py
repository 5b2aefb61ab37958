"""The bot class: takes its services as arguments, loads the cogs, syncs commands where configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import discord
from discord import app_commands
from discord.ext import commands

from core.services import Services
from core.settings import Settings

from .errors import reply_with_error
from .views import answer_expired_buttons

log = logging.getLogger(__name__)

HELP_POINTER = "I work through slash commands: type **/help** to see them all."
MENTION_COOLDOWN = 60.0  # seconds

EXTENSIONS = (  # in the order /help lists them
    "cogs.quotes",
    "cogs.debates",
    "cogs.positions",
    "cogs.settings",
    "cogs.meta",
)


class ChapterTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await reply_with_error(interaction, error)


class ChapterBot(commands.Bot):
    def __init__(self, *, settings: Settings, services: Services, **options) -> None:
        # The bot never joins voice, so "PyNaCl / davey is not installed" warnings would only alarm its operator.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()  # no privileged intents: the bot never reads message content
        super().__init__(
            command_prefix=commands.when_mentioned,  # required by commands.Bot; on_message never reads one
            intents=intents,
            tree_cls=ChapterTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.settings = settings
        # Cogs copy the services they need in __init__. Persistent items and checks, which discord.py builds
        # itself, read them from interaction.client.services.
        self.services = services
        self._encoder: asyncio.Task[None] | None = None
        self._pointed_to_help: dict[int, float] = {}  # channel id -> when the bot last answered a mention there

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_listener(answer_expired_buttons, "on_interaction")
        if (vectors := self.services.library.vectors) is not None:
            self._encoder = asyncio.create_task(vectors.keep_current(), name="meaning-encoder")
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException as exc:  # a channel's id, or a server the bot is not in: run without it
                log.warning("could not sync commands to DEV_GUILD_ID %s (%s): is it a server the bot was added to,"
                            " with the applications.commands scope?", self.settings.dev_guild_id, exc.text or exc.status)
            else:
                log.info("synced %d commands to development server %s", len(synced), self.settings.dev_guild_id)

    async def close(self) -> None:
        if self._encoder is not None:
            self._encoder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._encoder  # so it is not mid-write when the database closes
        await super().close()

    async def on_message(self, message: discord.Message) -> None:
        """Every command is a slash command, so a member who @-mentions the bot is pointed to /help: at most once a
        minute in a channel, so that a crowd (or another bot) mentioning it cannot make it flood the channel."""
        # In the text itself: a member's reply to one of the bot's posts also lists the bot in `mentions`.
        if message.author.bot or self.user is None or self.user.id not in message.raw_mentions:
            return
        now = time.monotonic()
        if now - self._pointed_to_help.get(message.channel.id, -MENTION_COOLDOWN) < MENTION_COOLDOWN:
            return
        self._pointed_to_help[message.channel.id] = now
        try:
            await message.reply(HELP_POINTER, mention_author=False)
        except discord.HTTPException as exc:  # no Send Messages or Read Message History there: stay quiet
            log.info("could not answer a mention in channel %s (%s)", message.channel.id, exc.status)

    async def on_ready(self) -> None:
        log.info("ready as %s (id %s) in %d servers", self.user, self.user and self.user.id, len(self.guilds))
