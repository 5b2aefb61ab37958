"""/debate: structured votes on a motion, each with its own discussion thread seeded from the essays."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from core.debates import (MAX_MOTION, MAX_OUTCOME, Accepts, Debate, Format, build_spec, export_csv,
                          parse_duration)
from core.errors import BotError, InvalidInput
from core.passage_records import SearchResult

from ..utils import limits
from ..utils.checks import organizers_only, visible_channels
from ..utils.limits import cap
from ._embeds import (build_debate_embed, build_hidden_embed, build_list_embed, build_passage_embeds,
                      jump_url, pack_embeds, worded_for_discord)
from ._live import DeadlineScheduler, LiveTallies, with_chart
from ._views import DYNAMIC_ITEMS, answer_reason_form, build_vote_view

log = logging.getLogger(__name__)

# The thread opens with each essay's best passage on the motion (up to 10 essays), and at least 3 passages.
MAX_PASSAGES = 10
MIN_PASSAGES = 3
# /debate list: at most this many open debates (the rest are counted) and recently closed ones.
LIST_OPEN, LIST_CLOSED = 25, 5


class DurationTransformer(app_commands.Transformer):
    """`45m`, `2h`, `3d`: parsed here so a bad value gets core's own sentence."""

    async def transform(self, interaction: discord.Interaction, value: str) -> timedelta:
        try:
            return parse_duration(value)
        except BotError as error:
            raise app_commands.AppCommandError(error.message) from None


class DebateRef(app_commands.Transformer):
    """A debate of this server, picked by motion with autocomplete, which suggests only the debates the command
    `accepts` (an organizer is not offered a debate the command would refuse); the value is its id."""

    def __init__(self, accepts: Accepts) -> None:
        self.accepts = accepts

    async def transform(self, interaction: discord.Interaction, value: str) -> int:
        value = value.strip().lstrip("#")
        if not value.isdigit():
            raise app_commands.AppCommandError("Pick a debate from the list: start typing its motion.")
        return int(value)

    async def autocomplete(self, interaction: discord.Interaction, value: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        try:
            found = await interaction.client.services.debates.matching(
                interaction.guild_id, value, accepts=self.accepts, limit=limits.CHOICES,
                channels=await visible_channels(interaction))
        except Exception:  # autocomplete never raises: the member just sees no suggestions; we see the log
            log.exception("debate autocomplete failed in guild %s", interaction.guild_id)
            return []
        return [app_commands.Choice(name=cap(f"#{d.id} {d.motion}", limits.CHOICE_NAME), value=str(d.id))
                for d in found]


AnyDebate = app_commands.Transform[int, DebateRef(Accepts.ANY)]
OpenDebate = app_commands.Transform[int, DebateRef(Accepts.OPEN)]
DebateInOpeningVote = app_commands.Transform[int, DebateRef(Accepts.OPENING_VOTE)]
ClosedDebate = app_commands.Transform[int, DebateRef(Accepts.CLOSED)]
ExportableDebate = app_commands.Transform[int, DebateRef(Accepts.EXPORTABLE)]


def _cannot_post(permissions: discord.Permissions) -> str:
    needed = {"View Channel": permissions.view_channel, "Send Messages": permissions.send_messages,
              "Embed Links": permissions.embed_links}
    missing = [name for name, granted in needed.items() if not granted]
    if not missing:
        return "Discord did not let me post the debate in this channel, so nothing was opened."
    names = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
    return (f"I could not post the debate here: I need the {names} permission{'s' if len(missing) > 1 else ''}"
            " in this channel, so nothing was opened.")


@app_commands.guild_only()
class Debates(commands.GroupCog, group_name="debate"):
    """Structured debates: polls, proposals and Oxford-style votes."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.debates = bot.services.debates
        self.library = bot.services.library
        self.live = LiveTallies(bot, self.debates)
        self.deadlines = DeadlineScheduler(self.debates, self.settled)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.deadlines.start()
        # Votes acknowledged just before a restart may not have reached their message's tally yet.
        for debate in await self.debates.open_everywhere():
            self.live.touch(debate)

    async def cog_unload(self) -> None:
        self.deadlines.stop()
        self.live.stop()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await answer_reason_form(interaction)

    @commands.Cog.listener()
    async def on_debate_vote(self, debate: Debate) -> None:
        self.live.touch(debate)

    @commands.Cog.listener()
    async def on_debate_votes_withdrawn(self, guild_id: int) -> None:
        """A member's /position forget withdrew ballots: bring this server's open tallies up to date."""
        for debate in await self.debates.recent(guild_id, closed=0):
            self.live.touch(debate)

    async def settled(self, debate: Debate, what: str) -> bool:
        """After a close or an advance, by an organizer or a deadline: update the message and tell the thread.
        False when the message could not be updated yet (the scheduler tries again)."""
        if what == "closed":
            if not await self.live.show_results(debate):
                return False
            note = "The debate has closed; the results are on the debate message."
        else:
            if not await self.live.show_open(debate):
                return False
            note = "The **closing vote** is open: vote again on the debate message, even if your mind is unchanged."
        if debate.thread_id is not None:
            try:
                await self.bot.get_partial_messageable(debate.thread_id, guild_id=debate.guild_id).send(note)
            except discord.HTTPException as error:
                log.warning("could not post to debate %s thread: %s", debate.id, error.status)
        return True

    # -- commands ------------------------------------------------------------------------------------------

    @app_commands.command()
    @organizers_only()
    async def start(self, interaction: discord.Interaction, motion: app_commands.Range[str, 1, MAX_MOTION],
                    format: Literal["poll", "proposal", "oxford"], options: str | None = None,
                    duration: app_commands.Transform[timedelta, DurationTransformer] | None = None,
                    secret: bool = False, hide_results: bool = False, role: discord.Role | None = None,
                    quorum: int = 0, max_choices: int | None = None,
                    advance_in: app_commands.Transform[timedelta, DurationTransformer] | None = None) -> None:
        """Organizers: open a debate on a motion, with its own thread and the essays' most relevant passages.

        Parameters
        ----------
        motion:
            The statement members vote on (up to 300 characters).
        format:
            poll: your options; proposal: Agree/Abstain/Disagree/Block; oxford: For/Against/Undecided, 2 rounds.
        options:
            Poll options separated by | (2 to 25, each up to 55 characters), e.g. Yes | No | Later.
        duration:
            How long voting stays open, like 45m, 2h or 3d (1 minute to 60 days); empty: until closed.
        secret:
            Secret ballot: nobody, organizers included, can see who voted what.
        hide_results:
            Hide the tally until the debate closes.
        role:
            Only members with this role may vote.
        quorum:
            The minimum number of votes for the result to stand.
        max_choices:
            Polls: how many options each member may pick (default 1).
        advance_in:
            Oxford: open the closing vote after this long, like 1d (or use /debate advance).
        """
        if isinstance(interaction.channel, discord.Thread):
            raise InvalidInput("Start debates in a text channel, not a thread: each debate opens its own thread.")
        spec = build_spec(motion=motion, format=Format(format), options=options, max_choices=max_choices,
                          secret=secret, hide_results=hide_results, role_id=role.id if role else None,
                          quorum=quorum, duration=duration, advance_in=advance_in)
        await interaction.response.defer(ephemeral=True, thinking=True)
        passages = await self.library.best_per_essay(spec.motion, guild=interaction.guild_id,
                                                     essays=MAX_PASSAGES, at_least=MIN_PASSAGES)
        debate = await self.debates.start(spec, guild_id=interaction.guild_id, channel_id=interaction.channel_id,
                                          author_id=interaction.user.id)
        message = await self._post(interaction, debate)
        await self.debates.attach_message(debate.id, message_id=message.id)
        self.deadlines.wake()
        log.info("guild %s: debate %s posted as message %s", debate.guild_id, debate.id, message.id)
        notes = [await self._open_thread(message, debate, passages)]
        if spec.format is Format.OXFORD and spec.duration and not spec.advance_in:
            notes.append("No closing vote is scheduled: use /debate advance before it closes, or it will close "
                         "with the opening vote only and show no shift.")
        await interaction.followup.send("\n".join([f"Debate #{debate.id} is open: {message.jump_url}",
                                                   *filter(None, notes)]), ephemeral=True)

    @app_commands.command()
    @organizers_only()
    async def close(self, interaction: discord.Interaction, debate: OpenDebate) -> None:
        """Organizers: close a debate now and publish its results.

        Parameters
        ----------
        debate:
            The open debate to close (start typing its motion).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)  # closing may wait on the database
        with worded_for_discord():
            closed = await self.debates.close(interaction.guild_id, debate)
        text = f"Debate #{closed.id} is closed; its results are on {jump_url(closed)}."
        if lacking := self.live.missing_permissions(closed):
            text = (f"Debate #{closed.id} is closed. The bot lacks {' and '.join(lacking)} in that channel, so its "
                    f"results will show on {jump_url(closed)} once it has them; /debate results shows them now.")
        if closed.format is Format.OXFORD and closed.round == 1:
            text += " It closed in its opening vote, so the results show that vote alone, with no shift."
        await interaction.followup.send(text, ephemeral=True)
        self.deadlines.wake()  # the scheduler posts the results, and retries them if Discord fails

    @app_commands.command()
    @organizers_only()
    async def advance(self, interaction: discord.Interaction, debate: DebateInOpeningVote) -> None:
        """Organizers: end an Oxford debate's opening vote and open its closing vote.

        Parameters
        ----------
        debate:
            An open Oxford debate still in its opening vote (start typing its motion).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)  # the write may wait on the database
        with worded_for_discord():
            advanced = await self.debates.advance(interaction.guild_id, debate)
        await interaction.followup.send(f"Debate #{advanced.id} is in its closing vote.", ephemeral=True)
        self.deadlines.wake()  # the scheduler tells the members, and tries again if Discord fails

    @app_commands.command()
    async def results(self, interaction: discord.Interaction, debate: AnyDebate) -> None:
        """See a debate's results so far, or its final results, with a chart.

        Parameters
        ----------
        debate:
            The debate (start typing its motion).
        """
        found = await self.debates.get(interaction.guild_id, debate, channels=await visible_channels(interaction))
        results = await self.debates.results(found)
        if found.is_open and found.hide_results:
            await interaction.response.send_message(embed=build_hidden_embed(results), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        embed, files = await with_chart(results)
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    @app_commands.command(name="list")
    async def list_debates(self, interaction: discord.Interaction) -> None:
        """List this server's open debates and the most recently closed ones."""
        channels = await visible_channels(interaction)
        debates = await self.debates.recent(interaction.guild_id, opened=LIST_OPEN, closed=LIST_CLOSED,
                                            channels=channels)
        open_total = await self.debates.count_open(interaction.guild_id, channels=channels)
        turnouts = {d.id: (await self.debates.results(d)).tally.voters for d in debates}
        await interaction.response.send_message(embed=build_list_embed(debates, turnouts, open_total=open_total),
                                                ephemeral=True)

    @app_commands.command()
    @organizers_only()
    async def export(self, interaction: discord.Interaction, debate: ExportableDebate) -> None:
        """Organizers: a debate's votes as CSV (each ballot if recorded, only the counts if secret).

        Parameters
        ----------
        debate:
            The debate to export (start typing its motion).
        """
        found = await self.debates.get(interaction.guild_id, debate)
        if found.is_open and found.hide_results:
            raise InvalidInput("This debate's results are hidden until it closes; export it afterwards.")
        data = export_csv(found, await self.debates.votes(found), await self.debates.results(found))
        await interaction.response.send_message(
            f"Debate #{found.id}: {'counts only (secret ballot)' if found.secret else 'every current ballot'}.",
            file=discord.File(io.BytesIO(data), f"debate-{found.id}.csv"), ephemeral=True)

    @app_commands.command()
    @organizers_only()
    async def outcome(self, interaction: discord.Interaction, debate: ClosedDebate,
                      text: app_commands.Range[str, 1, MAX_OUTCOME]) -> None:
        """Organizers: record what the chapter decided; it is shown with the debate's results.

        Parameters
        ----------
        debate:
            The closed debate (start typing its motion).
        text:
            The decision statement (up to 1000 characters).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)  # the write may wait on the database
        updated = await self.debates.set_outcome(interaction.guild_id, debate, text)
        await interaction.followup.send(f"Outcome recorded for Debate #{updated.id}.", ephemeral=True)
        await self.live.show_results(updated)

    # -- posting ---------------------------------------------------------------------------------------------

    async def _post(self, interaction: discord.Interaction, debate: Debate) -> discord.Message:
        """The public debate message. If it cannot be posted the new debate is removed again, so no debate stays
        open that nobody can see or vote in (and a retry does not leave a duplicate)."""
        try:
            return await interaction.channel.send(embed=build_debate_embed(await self.debates.results(debate)),
                                                  view=build_vote_view(debate))
        except discord.Forbidden:
            await self.debates.discard(debate.guild_id, debate.id)
            log.warning("guild %s: no permission to post debate %s in channel %s", debate.guild_id, debate.id,
                        debate.channel_id)
            raise BotError(_cannot_post(interaction.app_permissions)) from None
        except BaseException:  # not a swallow: undo the half-made debate, then let the error take its course
            await self.debates.discard(debate.guild_id, debate.id)
            raise

    async def _open_thread(self, message: discord.Message, debate: Debate,
                           passages: list[SearchResult]) -> str | None:
        """Open the debate's thread and seed it with the essays' passages. The debate works without them, so a
        failure here is logged and returned as a sentence for the organizer instead of undoing the debate."""
        try:
            thread = await message.create_thread(name=cap(debate.motion, limits.THREAD_NAME))
        except discord.HTTPException as error:
            log.warning("guild %s: could not open a thread for debate %s: %s", debate.guild_id, debate.id,
                        error.status)
            reason = (" I need the Create Public Threads permission here." if isinstance(error, discord.Forbidden)
                      else f" Discord answered with error {error.status}.")
            return "I could not open its discussion thread, so members can vote but not argue there." + reason
        await self.debates.attach_thread(debate.id, thread_id=thread.id)
        intro = ("Argue the motion here. What the essays say about it:" if passages
                 else "Argue the motion here. None of the essays speaks to it directly.")
        try:
            await thread.send(intro)
            for embeds in pack_embeds(build_passage_embeds(passages)):
                await thread.send(embeds=embeds)
        except discord.HTTPException as error:
            log.warning("guild %s: could not seed debate %s thread %s: %s", debate.guild_id, debate.id, thread.id,
                        error.status)
            reason = (" I need the Send Messages in Threads and Embed Links permissions here."
                      if isinstance(error, discord.Forbidden) else f" Discord answered with error {error.status}.")
            return "Its thread is open, but I could not post the essays' passages in it." + reason
        return None
