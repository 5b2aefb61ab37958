"""Vote buttons and selects that outlive restarts (DynamicItems read everything from the store), and the reason
form for proposals, whose answer is read from the submission itself for the same reason."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import discord

from core.debates import REASON_REQUIRED, ROUND_NAMES, Debate, Format, Receipt
from core.errors import InvalidInput
from core.positions import MAX_REASON

from ..utils import limits
from ..utils.errors import ErrorReplyingItem, reply_with_error
from ..utils.limits import cap
from ._embeds import when, worded_for_discord

log = logging.getLogger(__name__)

BUTTON_OPTIONS = 5  # up to this many single-choice options get buttons; more, or multiple choice, get a select
STYLES = {
    "For": discord.ButtonStyle.success, "Against": discord.ButtonStyle.danger,
    "Agree": discord.ButtonStyle.success, "Disagree": discord.ButtonStyle.danger, "Block": discord.ButtonStyle.danger,
}


def member_roles(interaction: discord.Interaction) -> frozenset[int]:
    user = interaction.user
    return frozenset(role.id for role in user.roles) if isinstance(user, discord.Member) else frozenset()


def receipt_text(receipt: Receipt) -> str:
    debate = receipt.debate
    choice = " + ".join(f"**{label}**" for label in receipt.labels)
    text = f"You changed your vote to {choice}" if receipt.changed else f"You voted {choice}"
    if debate.format is Format.OXFORD:
        text += f" in the {ROUND_NAMES[receipt.round]}"
    text += (f" \u2014 change it any time before {when(debate.closes_at)}." if debate.closes_at
             else " \u2014 change it any time while the debate is open.")
    if debate.secret:
        text += " Your ballot is secret: nobody can see who voted what."
    return text


async def record_vote(interaction: discord.Interaction, debate_id: int, choices: tuple[int, ...],
                      reason: str | None = None) -> None:
    """Commit the ballot, then acknowledge it; the cog hears `debate_vote` and refreshes the tally later."""
    with worded_for_discord():
        receipt = await interaction.client.services.debates.vote(
            interaction.guild_id, debate_id, member_id=interaction.user.id, member_roles=member_roles(interaction),
            choices=choices, reason=reason)
    await interaction.response.send_message(receipt_text(receipt), ephemeral=True)
    interaction.client.dispatch("debate_vote", receipt.debate)


class VoteButton(ErrorReplyingItem, discord.ui.DynamicItem[discord.ui.Button],
                 template=r"debate:vote:(?P<debate>[0-9]{1,19}):(?P<option>[0-9]{1,2})"):
    def __init__(self, debate_id: int, option: int, *, label: str = "Vote",
                 style: discord.ButtonStyle = discord.ButtonStyle.primary) -> None:
        super().__init__(discord.ui.Button(label=cap(label, limits.BUTTON_LABEL), style=style,
                                           custom_id=f"debate:vote:{debate_id}:{option}"))
        self.debate_id, self.option = debate_id, option

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Button, match) -> VoteButton:
        return cls(int(match["debate"]), int(match["option"]), label=item.label or "Vote", style=item.style)

    async def act(self, interaction: discord.Interaction) -> None:
        await record_vote(interaction, self.debate_id, (self.option,))


class ProposalButton(ErrorReplyingItem, discord.ui.DynamicItem[discord.ui.Button],
                     template=r"debate:propose:(?P<debate>[0-9]{1,19}):(?P<option>[0-9])"):
    """A proposal choice: checks the member may vote, then asks for the reason in a modal."""

    def __init__(self, debate_id: int, option: int, *, label: str = "Vote",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"debate:propose:{debate_id}:{option}"))
        self.debate_id, self.option = debate_id, option

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Button, match) -> ProposalButton:
        return cls(int(match["debate"]), int(match["option"]), label=item.label or "Vote", style=item.style)

    async def act(self, interaction: discord.Interaction) -> None:
        with worded_for_discord():
            debate = await interaction.client.services.debates.ballot_box(interaction.guild_id, self.debate_id,
                                                                          member_roles=member_roles(interaction))
        if not 0 <= self.option < len(debate.options):
            raise InvalidInput("That choice is not one of this debate's options.")
        form = ReasonForm(debate, self.option)
        # discord.py would keep the form in memory, one per custom_id, and drop the answer after a restart or
        # when another member submitted the same choice first; `answer_reason_form` reads the submission instead.
        form.stop()
        await interaction.response.send_modal(form)


class VoteSelect(ErrorReplyingItem, discord.ui.DynamicItem[discord.ui.Select], template=r"debate:pick:(?P<debate>[0-9]{1,19})"):
    def __init__(self, debate_id: int, options: list[discord.SelectOption], max_values: int = 1) -> None:
        super().__init__(discord.ui.Select(
            custom_id=f"debate:pick:{debate_id}", options=options, min_values=1, max_values=max_values,
            placeholder="Choose your option" if max_values == 1 else f"Choose up to {max_values} options"))
        self.debate_id = debate_id

    @classmethod
    async def from_custom_id(cls, interaction, item: discord.ui.Select, match) -> VoteSelect:
        return cls(int(match["debate"]), item.options, item.max_values)

    async def act(self, interaction: discord.Interaction) -> None:
        await record_vote(interaction, self.debate_id, tuple(int(value) for value in self.item.values))


REASON_FORM = re.compile(r"debate:reason:(?P<debate>[0-9]{1,19}):(?P<option>[0-9])")


class ReasonForm(discord.ui.Modal):
    """Asks a proposal vote's reason; the submission is answered by `answer_reason_form`."""

    reason = discord.ui.TextInput(label="Reason", style=discord.TextStyle.paragraph, max_length=MAX_REASON,
                                  custom_id="reason")

    def __init__(self, debate: Debate, option: int) -> None:
        label = debate.options[option]
        super().__init__(title=cap(f"Your vote: {label}", limits.MODAL_TITLE),
                         custom_id=f"debate:reason:{debate.id}:{option}")
        self.reason.required = label in REASON_REQUIRED
        self.reason.placeholder = ("Required: what would have to change?" if self.reason.required
                                   else "Optional: why?")


async def answer_reason_form(interaction: discord.Interaction) -> None:
    """Record the vote of a submitted reason form; other interactions are left alone."""
    data: dict[str, Any] = interaction.data or {}
    match = REASON_FORM.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return
    fields = _fields(data.get("components", []))
    reason = next((field.get("value") for field in fields if field.get("custom_id") == "reason"), None)
    try:
        await record_vote(interaction, int(match["debate"]), (int(match["option"]),), reason)
    except Exception as error:  # handed to the one error reply, which logs anything unexpected
        await reply_with_error(interaction, error)


def _fields(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The fields of a modal submission: each action row holds one."""
    for row in rows:
        yield from row.get("components", [])


def build_vote_view(debate: Debate) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if debate.format is Format.PROPOSAL:
        for i, label in enumerate(debate.options):
            view.add_item(ProposalButton(debate.id, i, label=label,
                                         style=STYLES.get(label, discord.ButtonStyle.secondary)))
    elif debate.max_choices == 1 and len(debate.options) <= BUTTON_OPTIONS:
        for i, label in enumerate(debate.options):
            view.add_item(VoteButton(debate.id, i, label=label, style=STYLES.get(label, discord.ButtonStyle.primary)))
    else:
        options = [discord.SelectOption(label=cap(label, limits.SELECT_OPTION_LABEL), value=str(i))
                   for i, label in enumerate(debate.options)]
        view.add_item(VoteSelect(debate.id, options, debate.max_choices))
    return view


DYNAMIC_ITEMS = (VoteButton, ProposalButton, VoteSelect)
