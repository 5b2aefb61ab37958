"""/essay: list, read, and (for organizers) add and remove the essays the bot quotes from."""

from __future__ import annotations

import logging
from pathlib import PurePath

import discord
from discord import app_commands
from discord.ext import commands

from core.errors import InvalidInput
from core.essays import ESSAY_SUFFIXES

from ..utils import limits
from ..utils.checks import organizers_only
from ..utils.views import ConfirmView
from ._autocomplete import essay_choices, namespace_value, resolve_essay, section_choices
from ._embeds import build_library_pages, build_reading_pages
from ._views import Pager

log = logging.getLogger(__name__)

MAX_UPLOAD = 1_000_000


@app_commands.guild_only()
class Essays(commands.GroupCog, group_name="essay"):
    """The essays the bot quotes from."""

    def __init__(self, bot: commands.Bot) -> None:
        self.library = bot.services.library

    @app_commands.command(name="list")
    async def list_essays(self, interaction: discord.Interaction) -> None:
        """The essays in the library, with their authors and size."""
        pages = build_library_pages(await self.library.essays(guild=interaction.guild_id))
        await self._send_pages(interaction, pages)

    @app_commands.command()
    async def read(self, interaction: discord.Interaction, essay: str, section: str | None = None) -> None:
        """Read an essay, a section at a time.

        Parameters
        ----------
        essay:
            The essay to read.
        section:
            Start at this section.
        """
        guild = interaction.guild_id
        slug = await resolve_essay(self.library, guild, essay)
        info = await self.library.essay(slug, guild=guild)
        pages = build_reading_pages(info, await self.library.passages(slug, guild=guild))
        start = 0
        if section:
            # Autocomplete values hold at most 100 characters of a section name, so that much has to match.
            wanted = section.casefold()[: limits.CHOICE_NAME]
            start = next((n for n, (name, _) in enumerate(pages) if name.casefold()[: limits.CHOICE_NAME] == wanted),
                         None)
            if start is None:
                raise InvalidInput(f"That essay has no section called \u201c{section[:100]}\u201d;"
                                   " pick one from the list as you type.")
        await self._send_pages(interaction, [embed for _, embed in pages], start)

    @read.autocomplete("essay")
    async def read_essay(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await essay_choices(self.library, interaction.guild_id, current)

    @read.autocomplete("section")
    async def read_section(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await section_choices(self.library, interaction.guild_id, namespace_value(interaction, "essay"), current)

    @app_commands.command()
    @organizers_only()
    async def add(self, interaction: discord.Interaction, file: discord.Attachment,
                  title: app_commands.Range[str, 1, 200], author: app_commands.Range[str, 0, 100] = "",
                  publication: app_commands.Range[str, 0, 100] = "") -> None:
        """Organizers: add an essay to this server's library from a .md or .txt file.

        Parameters
        ----------
        file:
            The essay as a UTF-8 .md or .txt file, up to 1 MB.
        title:
            The essay's title.
        author:
            Who wrote it.
        publication:
            Where it was published.
        """
        if PurePath(file.filename).suffix.lower() not in ESSAY_SUFFIXES:
            raise InvalidInput("Upload the essay as a .md or .txt file.")
        if file.size > MAX_UPLOAD:
            raise InvalidInput("That file is over 1 MB; split the essay or trim it.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        raw = await file.read()
        if len(raw) > MAX_UPLOAD:
            raise InvalidInput("That file is over 1 MB; split the essay or trim it.")
        info = await self.library.add_upload(raw, filename=file.filename, title=title, author=author,
                                             publication=publication, guild_id=interaction.guild_id,
                                             added_by=interaction.user.id)
        log.info("guild %s added essay %s", interaction.guild_id, info.slug)
        await interaction.followup.send(
            f"Added \u201c{info.title}\u201d: {info.passages} passages in {info.sections} sections, "
            "searchable now.", ephemeral=True)

    @app_commands.command()
    @organizers_only()
    async def remove(self, interaction: discord.Interaction, essay: str) -> None:
        """Organizers: remove an essay from this server's library; quotes already posted keep their citation.

        Parameters
        ----------
        essay:
            The essay to remove.
        """
        guild = interaction.guild_id
        info = await self.library.essay(await resolve_essay(self.library, guild, essay), guild=guild)

        async def confirmed(_: discord.Interaction) -> str:
            await self.library.remove(info.slug, guild=guild)
            log.info("guild %s removed essay %s", interaction.guild_id, info.slug)
            return f"Removed \u201c{info.title}\u201d from this server\u2019s library."

        view = ConfirmView(interaction, "Remove it", confirmed, cancelled="Cancelled; the essay stays.")
        await interaction.response.send_message(
            f"Remove \u201c{info.title}\u201d ({info.passages} passages) from this server\u2019s library? "
            "Quotes already posted keep their citation.", view=view, ephemeral=True)

    @remove.autocomplete("essay")
    async def remove_essay(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await essay_choices(self.library, interaction.guild_id, current)

    @staticmethod
    async def _send_pages(interaction: discord.Interaction, pages: list[discord.Embed], start: int = 0) -> None:
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
            return
        view = Pager(interaction, pages, start)
        await interaction.response.send_message(embed=pages[start], view=view, ephemeral=True)
