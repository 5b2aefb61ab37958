"""Who counts as an organizer: Manage Server, or the role a server set with /settings organizer-role."""

from __future__ import annotations

import discord
from discord import app_commands

from core.errors import Forbidden

from .errors import NotOrganizer


async def is_organizer(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await interaction.client.services.guild_settings.get(interaction.guild.id)
    return settings.organizer_role_id is not None and any(r.id == settings.organizer_role_id for r in member.roles)


async def visible_channels(interaction: discord.Interaction) -> set[int] | None:
    """The channels whose debates (and their stance topics) this member may see: those they can view. None for
    organizers: they see every debate, as they may close, export and record any. A debate whose channel is gone
    therefore shows to organizers only, since nobody can tell any more who could see it."""
    if await is_organizer(interaction):
        return None
    channels = interaction.guild.channels if interaction.guild else ()
    return {c.id for c in channels if c.permissions_for(interaction.user).view_channel}


async def require_organizer(interaction: discord.Interaction) -> bool:
    if not await is_organizer(interaction):
        raise NotOrganizer()
    return True


async def require_manager(interaction: discord.Interaction) -> bool:
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True


def organizers_only():
    """App command check: refuse members who are not organizers, with a sentence saying who is."""
    return app_commands.check(require_organizer)


def managers_only():
    """App command check: refuse members without Manage Server (for what an organizer by role must not change)."""
    return app_commands.check(require_manager)


def member_may_post(interaction: discord.Interaction) -> bool:
    """Whether the member could post in this channel themselves. Discord lets anyone who can run a command make
    the bot speak, even in a read-only announcements channel, so the bot posts publicly only for those who could."""
    allowed = interaction.permissions  # the member's, in this channel
    in_thread = isinstance(interaction.channel, discord.Thread)
    return allowed.send_messages_in_threads if in_thread else allowed.send_messages


def ensure_member_may_post(interaction: discord.Interaction, *, new_thread: bool = False) -> None:
    if not member_may_post(interaction):
        raise Forbidden("You can't post in this channel, so I won't post there for you.")
    opens_thread = new_thread and not isinstance(interaction.channel, discord.Thread)  # in one, it posts there
    if opens_thread and not interaction.permissions.create_public_threads:
        raise Forbidden("You can't open threads in this channel; use Post here instead.")
