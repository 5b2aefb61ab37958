"""/about: what this bot is and what its library holds."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from core import __version__

log = logging.getLogger(__name__)


def build_about_embed(essays: int, passages: int, meaning: tuple[int, int] | None) -> discord.Embed:
    embed = discord.Embed(
        title="Chapter discussion bot",
        description="Quotes from the chapter's essays, structured debates, and members' positions over time.",
        colour=discord.Colour.dark_red(),
    )
    embed.add_field(name="Essays", value=str(essays))
    embed.add_field(name="Passages", value=str(passages))
    embed.add_field(name="Search by meaning", value=_meaning(meaning))
    embed.add_field(name="Version", value=__version__)
    return embed


def _meaning(progress: tuple[int, int] | None) -> str:
    if progress is None:
        return "Off: results match your words"
    encoded, total = progress
    return "On" if encoded >= total else f"Getting ready: {encoded} of {total} passages"


class Meta(commands.Cog):
    def __init__(self, bot) -> None:
        self.library = bot.services.library

    @app_commands.command()
    async def about(self, interaction: discord.Interaction) -> None:
        """What this bot does, and how many essays and passages it can quote from."""
        essays, passages = await self.library.counts(guild=interaction.guild_id)
        embed = build_about_embed(essays, passages, await self.library.meaning_progress())
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot) -> None:
    await bot.add_cog(Meta(bot))
