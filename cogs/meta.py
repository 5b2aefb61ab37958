"""/about and /help: what this bot is, what its library holds, and which commands it has."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from core import __version__

from .utils.client import EXTENSIONS
from .utils.limits import EMBED_DESCRIPTION, cap

log = logging.getLogger(__name__)

ORGANIZERS_NOTE = "Organizers are members with Manage Server or the role set by /settings organizer-role."


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


def help_lines(tree: app_commands.CommandTree) -> list[list[str]]:
    """One block of lines per top-level command or group, feature by feature: each command's name and description
    (which starts with who may use it, where that is not everyone). Read from the tree itself, so a new command
    shows here without anyone remembering to add it."""
    blocks = []
    for top in sorted(tree.get_commands(), key=_feature_order):  # the tree lists context menus after all commands
        if isinstance(top, app_commands.ContextMenu):
            blocks.append([_line(f"Apps \u2192 {top.name}", _menu_description(top))])
        elif isinstance(top, app_commands.Group):
            blocks.append([_line(f"/{c.qualified_name}", c.description) for c in top.walk_commands()
                           if isinstance(c, app_commands.Command)])
        else:
            blocks.append([_line(f"/{top.name}", top.description)])
    return blocks


def _feature_order(command: app_commands.Command | app_commands.Group | app_commands.ContextMenu) -> int:
    """Where the extension that defines the command comes in EXTENSIONS."""
    module = command.module or ""
    return next((n for n, extension in enumerate(EXTENSIONS) if module == extension
                 or module.startswith(extension + ".")), len(EXTENSIONS))


def _line(name: str, description: str) -> str:
    return f"**{name}** \u2014 {description}"


def _menu_description(menu: app_commands.ContextMenu) -> str:
    """Context menus have no description in Discord, so their callback's docstring says what they do."""
    summary = (menu.callback.__doc__ or "").strip().split("\n")[0]
    return f"(on a message) {summary}"


def build_help_embed(blocks: list[list[str]]) -> discord.Embed:
    description = "\n\n".join("\n".join(block) for block in blocks if block)
    embed = discord.Embed(title="Commands", description=cap(description, EMBED_DESCRIPTION),
                          colour=discord.Colour.dark_red())
    embed.set_footer(text=ORGANIZERS_NOTE)
    return embed


class Meta(commands.Cog):
    def __init__(self, bot) -> None:
        self.library = bot.services.library

    @app_commands.command()
    async def about(self, interaction: discord.Interaction) -> None:
        """What this bot does, and how many essays and passages it can quote from."""
        essays, passages = await self.library.counts(guild=interaction.guild_id)
        embed = build_about_embed(essays, passages, await self.library.meaning_progress())
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="help")
    async def help_(self, interaction: discord.Interaction) -> None:
        """Every command of this bot, what it does, and who may use it."""
        embed = build_help_embed(help_lines(interaction.client.tree))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot) -> None:
    await bot.add_cog(Meta(bot))
