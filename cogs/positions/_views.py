"""Short-lived confirmation views for /position: only the member who asked may press, and they expire.

Their custom_ids are left to discord.py (random per view), so two members' open questions never collide.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

import discord

from core.positions import Topic

from ..utils import limits
from ..utils.errors import ErrorReplyingView
from ..utils.limits import cap

log = logging.getLogger(__name__)

TIMEOUT = 120.0
NOT_YOURS = "These buttons are for the member who asked."

# What a confirmed choice does; it returns the reply that replaces the question.
OnTopic = Callable[[discord.Interaction, Topic | None], Awaitable[tuple[str | None, discord.Embed | None]]]
OnConfirm = Callable[[discord.Interaction], Awaitable[str]]


class OwnedView(ErrorReplyingView):
    """Buttons for one member that disable themselves after a choice or when the view times out."""

    def __init__(self, interaction: discord.Interaction) -> None:
        super().__init__(timeout=TIMEOUT)
        self.asked = interaction  # its token edits the (ephemeral) question when the view expires

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.asked.user.id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False

    async def on_timeout(self) -> None:
        self._disable()
        try:
            await self.asked.edit_original_response(content="This question expired; nothing was changed.", view=self)
        except discord.HTTPException:
            log.info("could not mark an expired question for interaction %s", self.asked.id)

    async def finish(self, interaction: discord.Interaction, content: str | None,
                     embed: discord.Embed | None = None) -> None:
        self._disable()
        self.stop()
        await interaction.response.edit_message(content=content, embed=embed, view=self)

    def _disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True


class TopicChoiceView(OwnedView):
    """'Did you mean ...?': one button per close topic, one to create the new name, and Cancel."""

    def __init__(self, interaction: discord.Interaction, candidates: Sequence[Topic], new_name: str | None,
                 on_choice: OnTopic) -> None:
        super().__init__(interaction)
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


class ConfirmView(OwnedView):
    """A destructive action behind one red button, with Cancel beside it."""

    def __init__(self, interaction: discord.Interaction, label: str, on_confirm: OnConfirm) -> None:
        super().__init__(interaction)
        self.on_confirm = on_confirm
        self.confirm.label = cap(label, limits.BUTTON_LABEL)

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.finish(interaction, await self.on_confirm(interaction))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.finish(interaction, "Cancelled; nothing was erased.")
