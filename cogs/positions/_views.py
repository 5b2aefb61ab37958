"""/position's "Did you mean ...?" question, on the shared owner-only view (cogs/utils/views.py).

Its custom_ids are random per view (the shared view marks them short-lived), so two members' open questions never
collide.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import discord

from core.positions import Topic

from ..utils import limits
from ..utils.limits import cap
from ..utils.views import TIMEOUT, OwnedView

# What a confirmed choice does; it returns the reply that replaces the question.
OnTopic = Callable[[discord.Interaction, Topic | None], Awaitable[tuple[str | None, discord.Embed | None]]]


class TopicChoiceView(OwnedView):
    """'Did you mean ...?': one button per close topic, one to create the new name, and Cancel."""

    def __init__(self, interaction: discord.Interaction, candidates: Sequence[Topic], new_name: str | None,
                 on_choice: OnTopic) -> None:
        super().__init__(interaction, timeout=TIMEOUT)  # this module's, read per question: tests shorten it
        self.on_choice = on_choice
        for topic in candidates:
            button = discord.ui.Button(label=cap(f"Use \u201c{topic.name}\u201d", limits.BUTTON_LABEL),
                                       style=discord.ButtonStyle.primary)
            button.callback = self._choose(topic)
            self.add_item(button)
        if new_name is not None:
            button = discord.ui.Button(label=cap(f"New topic \u201c{new_name}\u201d", limits.BUTTON_LABEL),
                                       style=discord.ButtonStyle.secondary)
            button.callback = self._choose(None)
            self.add_item(button)
        cancel = discord.ui.Button(label="Cancel", style=discord.ButtonStyle.secondary)
        cancel.callback = self._cancel
        self.add_item(cancel)

    def _choose(self, topic: Topic | None) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def callback(interaction: discord.Interaction) -> None:
            content, embed = await self.on_choice(interaction, topic)
            await self.finish(interaction, content, embed)
        return callback

    async def _cancel(self, interaction: discord.Interaction) -> None:
        await self.finish(interaction, "Cancelled; nothing was recorded.")
