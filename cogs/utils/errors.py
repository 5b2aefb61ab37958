"""One way to tell a member that something went wrong, used by commands, views, modals and persistent buttons."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from core.errors import BotError

log = logging.getLogger(__name__)

APOLOGY = "Something went wrong on our side; it has been logged. Please try again in a moment."


class NotOrganizer(app_commands.CheckFailure):
    """The member needs Manage Server or the server's organizer role."""

    def __init__(self) -> None:
        super().__init__("Only organizers can do that: members with Manage Server or the organizer role.")


def message_for(error: Exception) -> str | None:
    """The sentence to show for an error the member can act on, or None for our own bugs."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, BotError):
        return error.message
    if isinstance(error, app_commands.TransformerError):
        return f"'{error.value}' is not a valid value for that option."
    if isinstance(error, (app_commands.CheckFailure, app_commands.AppCommandError)) and str(error):
        return str(error)
    return None


async def reply_with_error(interaction: discord.Interaction, error: Exception) -> None:
    """Answer ephemerally with what went wrong; log and apologize for anything unexpected."""
    text = message_for(error)
    if text is None:
        log.error("unhandled error in interaction %s", interaction.id, exc_info=error)
        text = APOLOGY
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error reply for interaction %s", interaction.id)


class ErrorReplyingItem:
    """Mixin for persistent DynamicItems, whose callback errors discord.py would only log: implement `act`."""

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.act(interaction)
        except Exception as error:  # handed to the one error reply, which logs anything unexpected
            await reply_with_error(interaction, error)

    async def act(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class ErrorReplyingView(discord.ui.View):
    """A view whose button and select errors reach the member the same way command errors do."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await reply_with_error(interaction, error)

