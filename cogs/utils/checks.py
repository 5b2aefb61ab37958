"""Who counts as an organizer: Manage Server, or the role a server set with /settings organizer-role."""

from __future__ import annotations

import discord
from discord import app_commands

from .errors import NotOrganizer


async def is_organizer(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await interaction.client.services.guild_settings.get(interaction.guild.id)
    return settings.organizer_role_id is not None and any(r.id == settings.organizer_role_id for r in member.roles)


def organizers_only():
    """App command check: refuse members who are not organizers, with a sentence saying who is."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if not await is_organizer(interaction):
            raise NotOrganizer()
        return True

    return app_commands.check(predicate)

