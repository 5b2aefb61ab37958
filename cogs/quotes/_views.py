"""The result browser, the pager, and the persistent Context button on posted quotes."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from core.errors import NotFound
from core.library import Library
from core.passage_records import PassageRecord, SearchResult

from ..utils import limits
from ..utils.checks import ensure_member_may_post
from ..utils.errors import ErrorReplyingItem
from ..utils.limits import cap
from ..utils.views import OwnedView
from ._embeds import build_context_embed, build_posted_quote_embed, build_result_embed

log = logging.getLogger(__name__)

BROWSE_TIMEOUT = 600.0  # interaction tokens last 15 minutes; the browser gives up well before


class ContextButton(ErrorReplyingItem, discord.ui.DynamicItem[discord.ui.Button],
                    template=r"quote:ctx:(?P<slug>[a-z0-9-]{1,48}):(?P<n>\d{1,7})"):
    """On a posted quote: shows its paragraphs before and after, to whoever asks, even after a restart."""

    def __init__(self, key: str) -> None:
        slug, _, number = key.rpartition(":")
        super().__init__(discord.ui.Button(label="Context", style=discord.ButtonStyle.secondary,
                                           custom_id=f"quote:ctx:{slug}:{number}"))
        self.key = key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match) -> ContextButton:
        return cls(f"{match['slug']}:{match['n']}")

    async def act(self, interaction: discord.Interaction) -> None:
        library: Library = interaction.client.services.library  # persistent items are built by discord.py, not us
        try:
            passages = await library.context(self.key, around=1, guild=interaction.guild_id)
        except NotFound:
            raise NotFound("That essay is no longer in the library; the quote above keeps its citation.") from None
        await interaction.response.send_message(embed=build_context_embed(passages, self.key), ephemeral=True)


def posted_quote_view(key: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ContextButton(key))
    return view


async def post_quote(interaction: discord.Interaction, passage: PassageRecord) -> discord.InteractionMessage:
    """Post a passage publicly where the member is, credited to them without pinging anyone."""
    await interaction.response.send_message(
        content=f"Quoted by {interaction.user.mention}",
        embed=build_posted_quote_embed(passage),
        view=posted_quote_view(passage.key),
        allowed_mentions=discord.AllowedMentions.none(),
    )
    return await interaction.original_response()


def thread_name(passage: PassageRecord) -> str:
    name = f"{passage.title} \u2014 {passage.section}" if passage.section else passage.title
    return cap(name, limits.THREAD_NAME)


class QuoteBrowser(OwnedView):
    """Ephemeral results: move through them, see context, post one here or into a thread."""

    expired_text = None

    def __init__(self, interaction: discord.Interaction, library: Library, results: Sequence[SearchResult],
                 query: str) -> None:
        super().__init__(interaction, timeout=BROWSE_TIMEOUT)
        self.library = library
        self.results = list(results)
        self.query = query
        self.index = 0
        self.context: list[PassageRecord] = []
        self._sync_buttons()

    @property
    def current(self) -> SearchResult:
        return self.results[self.index]

    def embed(self) -> discord.Embed:
        return build_result_embed(self.current, index=self.index, total=len(self.results), query=self.query,
                                  context=self.context)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.results) - 1
        self.show_context.label = "Hide context" if self.context else "Context"
        in_thread = isinstance(self.asked.channel, discord.Thread)
        self.to_thread.label = "Post in this thread" if in_thread else "Post to new thread"

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="\u25c0", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index, self.context = max(0, self.index - 1), []
        await self._show(interaction)

    @discord.ui.button(label="\u25b6", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index, self.context = min(len(self.results) - 1, self.index + 1), []
        await self._show(interaction)

    @discord.ui.button(label="Context", style=discord.ButtonStyle.secondary)
    async def show_context(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.context = [] if self.context else await self.library.context(self.current.passage_id, around=1,
                                                                          guild=interaction.guild_id)
        await self._show(interaction)

    @discord.ui.button(label="Post here", style=discord.ButtonStyle.primary)
    async def post_here(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        ensure_member_may_post(interaction)
        await post_quote(interaction, await self.library.passage(self.current.passage_id, guild=interaction.guild_id))

    @discord.ui.button(label="Post to new thread", style=discord.ButtonStyle.primary)
    async def to_thread(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        ensure_member_may_post(interaction, new_thread=True)
        passage = await self.library.passage(self.current.passage_id, guild=interaction.guild_id)
        message = await post_quote(interaction, passage)
        if isinstance(interaction.channel, discord.Thread):
            return
        try:
            thread = await message.create_thread(name=thread_name(passage), auto_archive_duration=1440)
        except discord.Forbidden:
            await interaction.followup.send("The quote is posted, but I may not open threads here: I need the "
                                            "Create Public Threads permission.", ephemeral=True)
            return
        except discord.HTTPException as error:  # e.g. a channel type that has no threads
            log.warning("could not open a thread on a quote in channel %s: %s", interaction.channel_id, error)
            await interaction.followup.send("The quote is posted, but Discord would not open a thread on it here.",
                                            ephemeral=True)
            return
        await interaction.followup.send(f"Opened {thread.mention} on the quote.", ephemeral=True)


class Pager(OwnedView):
    """◀ ▶ through a list of embeds, for the member who asked."""

    expired_text = None

    def __init__(self, interaction: discord.Interaction, pages: Sequence[discord.Embed], start: int = 0) -> None:
        super().__init__(interaction, timeout=BROWSE_TIMEOUT)
        self.pages = list(pages)
        self.index = start
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    @discord.ui.button(label="\u25c0", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="\u25b6", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)
