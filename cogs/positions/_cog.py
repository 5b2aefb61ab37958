"""/position: members' stances over time, private by default, in their own hands."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from core.errors import BotError, Forbidden, InvalidInput, NotFound
from core.passage_records import PassageRecord
from core.positions import (SCALE, Topic, ballots_csv, clean_reason, clean_topic_name, member_csv, member_json,
                            render_timeline, report_csv, topics_for_stance)
from core.text import fold

from ..utils import limits
from ..utils.checks import member_may_post, organizers_only, visible_channels
from ..utils.limits import cap
from ..utils.views import ConfirmView
from ._embeds import (build_history_embed, build_mine_embed, build_stance_embed, build_summary_embed,
                      build_topics_embed, counted)
from ._views import TopicChoiceView

log = logging.getLogger(__name__)

CHART = "distribution.png"
# Typically 0.1-0.3 s (0.5-0.7 s for the first chart after start-up); past this the command defers first.
CHART_BUDGET = 1.5
MAX_PASSAGE_ID = 60  # slug:number, slugs at most 48 characters; Discord refuses longer text before we see it

Choices = list[app_commands.Choice[str]]
# Commands whose topic may be one of the member's own, even a hidden debate's: they show or change only their data.
OWN_DATA_COMMANDS = ("set", "history", "forget")


def _never_raises(handler: Callable[[Positions, discord.Interaction, str], Awaitable[Choices]]):
    """Autocomplete that answers no suggestions rather than an error, whatever went wrong."""

    @functools.wraps(handler)
    async def autocomplete(self: Positions, interaction: discord.Interaction, current: str) -> Choices:
        try:
            return await handler(self, interaction, current)
        except Exception:  # broad on purpose: a member typing must never see an error, and an autocomplete
            # error has nowhere useful to go (discord.py only logs it; the member's client shows "loading failed").
            log.exception("%s failed in interaction %s", handler.__name__, interaction.id)
            return []

    return autocomplete


@app_commands.guild_only()
class Positions(commands.GroupCog, group_name="position"):
    """Your positions on the chapter's topics, kept over time; private unless you choose otherwise."""

    def __init__(self, bot) -> None:
        self.positions = bot.services.positions
        self.library = bot.services.library
        self.debates = bot.services.debates

    # -- autocomplete ------------------------------------------------------------------------------------------

    @_never_raises
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str) -> Choices:
        names = await self.positions.topic_names(interaction.guild_id, current, limit=limits.CHOICES,
                                                 channels=await visible_channels(interaction),
                                                 holder=_holder_while_typing(interaction))
        return [app_commands.Choice(name=cap(name, limits.CHOICE_NAME), value=name) for name in names]

    @_never_raises
    async def stance_autocomplete(self, interaction: discord.Interaction, current: str) -> Choices:
        typed_topic = getattr(interaction.namespace, "topic", None) or ""
        topic = None
        if typed_topic.strip():  # /position set's option: the member's own topics count, as they do there
            topic = await self.positions.find(interaction.guild_id, typed_topic, holder=interaction.user.id,
                                              channels=await visible_channels(interaction))
        stances = topic.stances if topic is not None else SCALE
        wanted = fold(current)
        return [app_commands.Choice(name=cap(stance, limits.CHOICE_NAME), value=stance)
                for stance in stances if wanted in fold(stance)][: limits.CHOICES]

    @_never_raises
    async def passage_autocomplete(self, interaction: discord.Interaction, current: str) -> Choices:
        if not current.strip():
            return []
        try:
            results = await self.library.search(current, limit=10, guild=interaction.guild_id)
        except BotError:  # too long or empty queries: no suggestions rather than an error while typing
            return []
        # The paragraph and a short title first, so the passage's own words still fit in Discord's 100 characters.
        return [app_commands.Choice(name=cap(f"\u00b6{r.paragraph} {cap(r.title, 25)}: {r.text}", limits.CHOICE_NAME),
                                    value=r.passage_id) for r in results]

    # -- commands ----------------------------------------------------------------------------------------------

    @app_commands.command(name="set")
    @app_commands.autocomplete(topic=topic_autocomplete, stance=stance_autocomplete, passage=passage_autocomplete)
    async def set_(self, interaction: discord.Interaction, topic: str, stance: str, reason: str | None = None,
                   passage: app_commands.Range[str, 1, MAX_PASSAGE_ID] | None = None) -> None:
        """Record where you stand on a topic now; your earlier stances stay in your history.

        Parameters
        ----------
        topic:
            An existing topic, or a new name to start one.
        stance:
            One of the topic's stances: support ... oppose, or the debate's options.
        reason:
            Why, in your own words (up to 500 characters).
        passage:
            A passage id from /quote (like essay-slug:12) that your stance rests on.
        """
        guild, member = interaction.guild_id, interaction.user.id
        name = clean_topic_name(topic)
        reason = clean_reason(reason)
        channels = await visible_channels(interaction)
        cited = await self.library.passage(passage.strip(), guild=guild) if passage and passage.strip() else None

        async def record(choice: discord.Interaction, chosen: Topic | None) -> tuple[None, discord.Embed]:
            if chosen is None:
                entry = await self.positions.set_stance_on_new_topic(guild, member, name, stance, reason=reason,
                                                                     passage=cited and cited.key, channels=channels)
            else:
                entry = await self.positions.set_stance(guild, member, chosen, stance, reason=reason,
                                                        passage=cited and cited.key)
            # No member id: a log outlives /position forget, and with the topic's id it would say who took a side.
            log.info("guild %s: a stance was set on %s topic", guild, "a new" if chosen is None else "an existing")
            return None, build_stance_embed(entry, _citations_of(cited), new_topic=chosen is None)

        existing = await self.positions.find(guild, name, channels=channels, holder=member)
        if existing is not None and existing.name == name:
            _, embed = await record(interaction, existing)
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        if existing is not None:  # the same name typed differently: there is nothing else it could mean
            candidates, new_name = [existing], None
        else:
            candidates, new_name = await self.positions.similar(guild, name, channels=channels, holder=member), name
        if not candidates:
            _, embed = await record(interaction, None)
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        # Before asking: offer only what the stance is valid on, or refuse now rather than after a click.
        offered, new_fits = topics_for_stance(candidates, stance, new_name=new_name)
        close = f"There is already a topic close to \u201c{name}\u201d: {_quoted(candidates)}"
        left_out = [topic for topic in candidates if topic not in offered]
        if not offered:
            question = (f"{close}, but \u201c{cap(stance, 60)}\u201d is not a stance on "
                        f"{'it' if len(left_out) == 1 else 'any of them'}. Start the new topic \u201c{name}\u201d?")
        else:
            question = f"{close}. Which one do you mean?"
            if left_out:
                question += (f" \u201c{cap(stance, 60)}\u201d is not a stance on {_quoted(left_out)}, so "
                             f"{'it is' if len(left_out) == 1 else 'they are'} not offered.")
        view = TopicChoiceView(interaction, offered, new_name if new_fits else None, record)
        await interaction.response.send_message(cap(question, limits.CONTENT), view=view, ephemeral=True)

    @app_commands.command()
    async def mine(self, interaction: discord.Interaction) -> None:
        """Your current stance on each topic (only you see this)."""
        entries = await self.positions.current(interaction.guild_id, interaction.user.id)
        if not entries:
            await interaction.response.send_message(
                "You have not recorded a stance here yet; use /position set.", ephemeral=True)
            return
        citations = await self._citations(interaction.guild_id, (entry.passage for entry in entries))
        await interaction.response.send_message(embed=build_mine_embed(entries, citations), ephemeral=True)

    @app_commands.command()
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def history(self, interaction: discord.Interaction, topic: str | None = None,
                      member: discord.Member | None = None) -> None:
        """How positions changed over time: yours, or another member's if they made theirs visible.

        Parameters
        ----------
        topic:
            Only this topic; leave empty for all.
        member:
            Whose history; leave empty for your own.
        """
        guild = interaction.guild_id
        subject = member or interaction.user
        own = subject.id == interaction.user.id
        if not own and not await self.positions.is_visible(guild, subject.id):
            raise Forbidden(f"{subject.display_name} keeps their positions private.")
        # Your own history is whole; another member's leaves out the topics of debates you may not see.
        channels = await visible_channels(interaction)
        chosen = (await self.positions.topic(guild, topic, channels=channels, holder=subject.id if own else None)
                  if topic else None)
        entries = await self.positions.history(guild, subject.id, chosen, channels=None if own else channels)
        whose = "Your" if subject.id == interaction.user.id else f"{subject.display_name}'s"
        if not entries:
            where = f" on {chosen.name}" if chosen else ""
            await interaction.response.send_message(f"{whose} history{where} is empty.", ephemeral=True)
            return
        citations = await self._citations(interaction.guild_id, (entry.passage for entry in entries))
        embed = build_history_embed(entries, citations, whose=whose, topic=chosen and chosen.name)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command()
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def summary(self, interaction: discord.Interaction, topic: str) -> None:
        """Where the chapter stands on a topic now and 30 days ago, and who moved which way.

        Parameters
        ----------
        topic:
            The topic to sum up.
        """
        # Everything that can fail comes before the first response: after a public defer, Discord would show an
        # error reply (even one sent as ephemeral) to the whole channel.
        chosen = await self.positions.topic(interaction.guild_id, topic, channels=await visible_channels(interaction))
        private = not member_may_post(interaction)  # in a channel the member can only read, only they see it
        summary = await self.positions.summary(interaction.guild_id, chosen)
        points = await self.positions.timeline(interaction.guild_id, chosen)
        drawing = asyncio.create_task(asyncio.to_thread(render_timeline, chosen.name, chosen.stances, points,
                                                       on_scale=chosen.on_scale))
        done, _ = await asyncio.wait({drawing}, timeout=CHART_BUDGET)
        if not done:  # rarely (a cold start, a busy host): acknowledge within Discord's 3 s, then finish drawing
            log.info("chart for interaction %s is slow; deferring", interaction.id)
            await interaction.response.defer(thinking=True, ephemeral=private)
        try:
            files = [discord.File(io.BytesIO(await drawing), filename=CHART)]
        except Exception:  # the numbers are the answer; the chart only illustrates them
            log.exception("chart for interaction %s failed; sending the summary without it", interaction.id)
            files = []
        embed = build_summary_embed(summary, chart=CHART if files else None)
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, files=files, ephemeral=private)
        else:
            await interaction.response.send_message(embed=embed, files=files, ephemeral=private)

    @app_commands.command()
    async def topics(self, interaction: discord.Interaction) -> None:
        """The topics members have taken positions on, with how many hold a stance."""
        topics = await self.positions.topics(interaction.guild_id, channels=await visible_channels(interaction))
        if not topics:
            await interaction.response.send_message(
                "There are no topics yet; start one with /position set.", ephemeral=True)
            return
        await interaction.response.send_message(embed=build_topics_embed(topics), ephemeral=True)

    @app_commands.command()
    async def privacy(self, interaction: discord.Interaction, setting: Literal["visible", "private"]) -> None:
        """Choose whether other members may see your positions by name (private by default).

        Parameters
        ----------
        setting:
            visible: members can see your history and your name in summaries. private: only counts.
        """
        visible = setting == "visible"
        await self.positions.set_visible(interaction.guild_id, interaction.user.id, visible)
        if visible:
            text = ("Your positions are now visible: members can read your history, and summaries and reports "
                    "name you.")
        else:
            text = ("Your positions are now private: others see only counts, in groups of at least 3, never your name. "
                    "Debate votes differ: organizers can export who voted what in recorded (not secret) debates, "
                    "and results show exact counts however few voted; only secret debates keep votes anonymous.")
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command()
    async def export(self, interaction: discord.Interaction) -> None:
        """Download everything the bot keeps about your positions and debate votes here, as JSON and CSV."""
        guild, member = interaction.guild_id, interaction.user.id
        entries = await self.positions.history(guild, member)
        ballots = await self.positions.ballots(guild, member)
        visible = await self.positions.is_visible(guild, member)
        data = member_json(guild, member, visible, entries, ballots)
        files = [discord.File(io.BytesIO(data), filename="positions.json"),
                 discord.File(io.BytesIO(member_csv(entries)), filename="positions.csv")]
        if ballots:
            files.append(discord.File(io.BytesIO(ballots_csv(ballots)), filename="ballots.csv"))
        count = f"{counted(len(entries), 'stance')}, {counted(len(ballots), 'debate vote')}"
        await interaction.response.send_message(f"Your data in this server: {count}, and your privacy choice.",
                                                files=files, ephemeral=True)

    @app_commands.command()
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def forget(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        """Erase your positions (all, or on one topic) and your votes in their debates.

        Parameters
        ----------
        topic:
            Only this topic; leave empty to erase everything.
        """
        guild, member = interaction.guild_id, interaction.user.id
        chosen = (await self.positions.topic(guild, topic, channels=await visible_channels(interaction), holder=member)
                  if topic else None)
        if not await self.positions.has_anything(guild, member, chosen):
            where = f" on {chosen.name}" if chosen else " here"
            raise InvalidInput(f"You have no positions{where} to forget.")

        async def erase(confirmed: discord.Interaction) -> str:
            done = await self.positions.forget(guild, member, chosen)
            if done.votes:
                confirmed.client.dispatch("debate_votes_withdrawn", guild)
            return (f"Erased {counted(done.entries, 'stance')}" + (" and your privacy choice" if done.privacy else "")
                    + f"; {counted(done.votes, 'debate vote')} withdrawn or made anonymous.")

        scope = (f"your positions on \u201c{chosen.name}\u201d" if chosen
                 else "all your positions and your privacy choice in this server")
        question = cap(f"This erases {scope}. {await self._votes_forgotten(guild, chosen)}This cannot be undone.",
                       limits.CONTENT)
        view = ConfirmView(interaction, "Forget", erase, cancelled="Cancelled; nothing was erased.")
        await interaction.response.send_message(question, view=view, ephemeral=True)

    @app_commands.command()
    @app_commands.autocomplete(topic=topic_autocomplete)
    @organizers_only()
    async def report(self, interaction: discord.Interaction, topic: str) -> None:
        """Organizers: a CSV of a topic's distribution each day (UTC); names only of members who chose visible.

        Parameters
        ----------
        topic:
            The topic to report on.
        """
        # Organizers see every topic today; asking keeps the rule in one place should that change.
        chosen = await self.positions.topic(interaction.guild_id, topic, channels=await visible_channels(interaction))
        await interaction.response.defer(ephemeral=True, thinking=True)
        points = await self.positions.timeline(interaction.guild_id, chosen, every_day=True)
        named = {member for _, counts in points for row in counts.rows for member in row.named}
        names = {member: await _display_name(interaction.guild, member) for member in sorted(named)}
        data = report_csv(points, names)
        await interaction.followup.send(f"Distribution of \u201c{chosen.name}\u201d at the end of each day (UTC).",
                                        ephemeral=True,
                                        file=discord.File(io.BytesIO(data), filename="position-report.csv"))

    # -- helpers -----------------------------------------------------------------------------------------------

    async def _votes_forgotten(self, guild: int, topic: Topic | None) -> str:
        """What /position forget does to debate votes, as core.debates.forget_member does it: every debate's when
        forgetting everything, only the topic's own debate's for one topic, none for a topic no debate created."""
        if topic is None:
            return ("Your votes in open debates are withdrawn; in closed debates they stay only as counts, without "
                    "your name. ")
        if topic.debate_id is None:
            return ""
        debate = await self.debates.get(guild, topic.debate_id)
        if debate.is_open:
            return f"Debate #{debate.id} is still open: your vote in it, if any, is withdrawn. "
        return f"Debate #{debate.id} has closed: your vote in it, if any, stays only as an anonymous count. "

    async def _citations(self, guild: int, keys: Iterable[str | None]) -> dict[str, PassageRecord]:
        """Citations for the passage ids that are still in this server's library."""
        found = {}
        for key in {key for key in keys if key}:
            try:
                found[key] = await self.library.passage(key, guild=guild)
            except NotFound:
                log.info("cited passage %s is no longer in the library", key)
        return found


def _holder_while_typing(interaction: discord.Interaction) -> int | None:
    """Whose own topics to suggest too: the member's, in commands that show or change only their own data."""
    command = interaction.command.name if interaction.command else None
    if command not in OWN_DATA_COMMANDS:
        return None
    whose = getattr(interaction.namespace, "member", None)  # /position history: a discord.Object while typing
    return interaction.user.id if whose is None or whose.id == interaction.user.id else None


def _quoted(topics: Iterable[Topic]) -> str:
    return ", ".join(f"\u201c{topic.name}\u201d" for topic in topics)


def _citations_of(passage: PassageRecord | None) -> dict[str, PassageRecord]:
    return {} if passage is None else {passage.key: passage}


async def _display_name(guild: discord.Guild, member_id: int) -> str:
    member = guild.get_member(member_id)
    if member is None:
        try:
            member = await guild.fetch_member(member_id)
        except discord.NotFound:
            return f"former member {member_id}"
    return member.display_name
