"""/settings: per-server configuration, for the server's managers."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from .utils.checks import managers_only


log = logging.getLogger(__name__)


@app_commands.guild_only()
class Settings(commands.GroupCog, group_name="settings"):
    """Server settings for the chapter bot."""

    def __init__(self, bot) -> None:
        self.guild_settings = bot.services.guild_settings

    @app_commands.command(name="organizer-role")
    @managers_only()  # an organizer by role must not hand the role on
    async def organizer_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        """Server managers: choose which role counts as organizers too; leave it empty to clear it.

        Parameters
        ----------
        role:
            Members with this role may open debates and manage essays.
        """
        await self.guild_settings.set_organizer_role(interaction.guild_id, role.id if role else None)
        if role is None:
            text = "Organizers are now only members with Manage Server."
        else:
            text = f"Members with {role.mention} are now organizers, as are members with Manage Server."
        log.info("guild %s set organizer role %s", interaction.guild_id, role and role.id)
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot) -> None:
    await bot.add_cog(Settings(bot))
