"""Short-lived views owned by one member: they refuse other members, and disable themselves when done or expired."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

import discord

from . import limits
from .errors import ErrorReplyingView
from .limits import cap

log = logging.getLogger(__name__)

TIMEOUT = 120.0
# An interaction's token edits its reply for 15 minutes; a view must expire before then to grey out its buttons.
TOKEN_USABLE = timedelta(minutes=14, seconds=30)
NOT_YOURS = "These buttons are for the member who asked."
EXPIRED = "These buttons have expired (the bot restarted, or they timed out): run the command again."
# Short-lived buttons live in this process's memory only. Marking their ids lets the bot tell a click on one
# that outlived its view (a restart while a member still had results open) and answer it, not leave it to fail.
_OWNED = "owned:"
_listening: set[str] = set()

OnConfirm = Callable[[discord.Interaction], Awaitable[str]]


class OwnedView(ErrorReplyingView):
    """Buttons for one member that disable themselves after a choice or when the view times out."""

    expired_text: str | None = "This question expired; nothing was changed."

    def __init__(self, interaction: discord.Interaction, *, timeout: float = TIMEOUT) -> None:
        self.asked = interaction  # its token edits the (ephemeral) message when the view expires
        self.idle = timeout
        super().__init__(timeout=self._time_left())
        for item in self.children:
            self._mark(item)

    def add_item(self, item: discord.ui.Item) -> OwnedView:
        self._mark(item)
        return super().add_item(item)

    @staticmethod
    def _mark(item: discord.ui.Item) -> None:
        """Give a button or menu an id that says it is short-lived (dynamic items keep their own)."""
        if isinstance(item, (discord.ui.Button, discord.ui.Select)) and not getattr(item, "url", None):
            item.custom_id = f"{_OWNED}{secrets.token_hex(12)}"
            _listening.add(item.custom_id)

    def _forget_ids(self) -> None:
        for item in self.children:
            _listening.discard(getattr(item, "custom_id", None))

    def stop(self) -> None:
        self._forget_ids()
        super().stop()

    def _time_left(self) -> float:
        """The idle timeout, cut short where it would outlast the token."""
        usable = (self.asked.created_at + TOKEN_USABLE - discord.utils.utcnow()).total_seconds()
        return max(1.0, min(self.idle, usable))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.asked.user.id:
            self.timeout = self._time_left()  # discord.py restarts the countdown after this check
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False

    async def on_timeout(self) -> None:
        self._forget_ids()
        self.disable()
        try:
            if self.expired_text is None:
                await self.asked.edit_original_response(view=self)
            else:
                await self.asked.edit_original_response(content=self.expired_text, view=self)
        except discord.HTTPException:
            log.info("could not mark an expired view for interaction %s", self.asked.id)

    async def finish(self, interaction: discord.Interaction, content: str | None,
                     embed: discord.Embed | None = None) -> None:
        self.disable()
        self.stop()
        await interaction.response.edit_message(content=content, embed=embed, view=self)

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, (discord.ui.Button, discord.ui.Select)):
                item.disabled = True


class ConfirmView(OwnedView):
    """A destructive action behind one red button, with Cancel beside it."""

    def __init__(self, interaction: discord.Interaction, label: str, on_confirm: OnConfirm, *,
                 cancelled: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(interaction)
        self.on_confirm = on_confirm
        self.cancelled = cancelled
        self.confirm.label = cap(label, limits.BUTTON_LABEL)

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.finish(interaction, await self.on_confirm(interaction))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.finish(interaction, self.cancelled)


async def answer_expired_buttons(interaction: discord.Interaction) -> None:
    """Listener: a click on short-lived buttons no view is listening for gets a short ephemeral answer."""
    custom_id = (interaction.data or {}).get("custom_id", "")
    if (interaction.type is discord.InteractionType.component and custom_id.startswith(_OWNED)
            and custom_id not in _listening):
        try:
            await interaction.response.send_message(EXPIRED, ephemeral=True)
        except (discord.InteractionResponded, discord.HTTPException):
            log.info("could not answer a click on expired buttons (interaction %s)", interaction.id)
