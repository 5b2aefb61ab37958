"""/quote, the Find passages message menu, and /compare."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from core.errors import InvalidInput
from core.passage_search import MAX_QUERY, clean_query
from core.text import query_from_message

from ..utils.checks import ensure_member_may_post
from ..utils.limits import CONTENT, cap
from ._autocomplete import essay_choices, resolve_essay
from ._embeds import build_compare_embed
from ._views import ContextButton, QuoteBrowser

log = logging.getLogger(__name__)

NO_RESULTS = "No passages match \u201c{query}\u201d. Try fewer words, or other ones."
NO_RESULTS_IN_ESSAY = " Or leave `essay` empty to search every essay."


class Quotes(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.library = bot.services.library
        self.find_menu = app_commands.ContextMenu(name="Find passages", callback=self.find_passages)
        self.find_menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.find_menu)
        self.bot.add_dynamic_items(ContextButton)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.find_menu.name, type=self.find_menu.type)
        self.bot.remove_dynamic_items(ContextButton)

    @app_commands.command()
    @app_commands.guild_only()
    async def quote(self, interaction: discord.Interaction, query: app_commands.Range[str, 1, MAX_QUERY],
                    essay: str | None = None, count: app_commands.Range[int, 1, 5] = 3) -> None:
        """Find passages in the essays: a remembered phrase, keywords, a name or a question.

        Parameters
        ----------
        query:
            What to look for; typos are fine.
        essay:
            Search only this essay.
        count:
            How many passages to show (1-5, default 3).
        """
        slug = await resolve_essay(self.library, interaction.guild_id, essay) if essay else None
        await self._answer(interaction, query, essay=slug, count=count)

    @quote.autocomplete("essay")
    async def quote_essay(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await essay_choices(self.library, interaction.guild_id, current)

    async def find_passages(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Passages from the essays that speak to a message, to back a point in a live discussion."""
        # A posted quote or a link preview says what it says in its embeds.
        said = [message.content] + [text for embed in message.embeds
                                    for text in (embed.title, embed.description) if text]
        query = query_from_message("\n".join(said), MAX_QUERY)
        if not query:
            raise InvalidInput("That message has no text to search the essays for.")
        await self._answer(interaction, query, essay=None, count=3, typed=False)

    async def _answer(self, interaction: discord.Interaction, query: str, *, essay: str | None, count: int,
                      typed: bool = True) -> None:
        """`typed`: the member wrote the query, so they are told which of its words no essay uses (a message
        searched with Find passages would list every rare word in it)."""
        query = clean_query(query)  # before deferring, so a bad query gets an immediate one-line answer
        await interaction.response.defer(ephemeral=True, thinking=True)
        results = await self.library.search(query, essay=essay, limit=count, guild=interaction.guild_id)
        log.info("search in guild %s: %d results", interaction.guild_id, len(results))
        note = cap(await self.library.unknown_words_note(query, results, guild=interaction.guild_id) or "", CONTENT // 2) if typed else ""
        if not results:
            text = NO_RESULTS.format(query=cap(query, 100)) + (NO_RESULTS_IN_ESSAY if essay else "")
            await interaction.followup.send(f"{note}\n{text}" if note else text, ephemeral=True)
            return
        view = QuoteBrowser(interaction, self.library, results, cap(query, 100))
        await interaction.followup.send(note or None, embed=view.embed(), view=view, ephemeral=True)

    @app_commands.command()
    @app_commands.guild_only()
    async def compare(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, MAX_QUERY],
                      public: bool = False) -> None:
        """What each essay says on a topic: its most relevant passage, side by side.

        Parameters
        ----------
        topic:
            The topic to compare the essays on.
        public:
            Post the comparison in the channel instead of showing it only to you.
        """
        topic = clean_query(topic)
        if public:
            ensure_member_may_post(interaction)
        # No defer: one search is milliseconds, and a deferred public reply would make a "no results" line public.
        results = await self.library.best_per_essay(topic, guild=interaction.guild_id)
        if not results:
            await interaction.response.send_message(NO_RESULTS.format(query=cap(topic, 100)), ephemeral=True)
            return
        await interaction.response.send_message(embed=build_compare_embed(cap(topic, 100), results),
                                                ephemeral=not public)
