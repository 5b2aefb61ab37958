"""Keeping the public debate messages current without tripping Discord's rate limits, and firing deadlines.

`LiveTallies` edits a debate's message at most once per `interval` however fast votes arrive, and once more at
close. `DeadlineScheduler` sleeps until the next stored deadline (or until woken), so deadlines survive restarts:
one that passed while the bot was down fires on the first pass at start-up.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
import discord

from core.debates import Debate, DebateRepo, Results, render_results

from ._embeds import build_debate_embed, build_results_embed

log = logging.getLogger(__name__)

EDIT_INTERVAL = 5.0
RETRY_AFTER = 60.0  # seconds before results that could not be posted are tried again
CHART_NAME = "results.png"


async def with_chart(results: Results) -> tuple[discord.Embed, list[discord.File]]:
    """The results embed and its chart, or the embed alone if the chart will not draw: results without their
    chart beat no results (and a retry that would fail the same way every minute)."""
    embed = build_results_embed(results)
    try:
        chart = await asyncio.to_thread(render_results, results)
    except Exception:  # whatever matplotlib raises on some member's text; logged, never shown to members
        log.exception("could not draw the results chart of debate %s; showing its results without it",
                      results.debate.id)
        return embed, []
    return embed.set_image(url=f"attachment://{CHART_NAME}"), [discord.File(io.BytesIO(chart), CHART_NAME)]


class LiveTallies:
    def __init__(self, bot: discord.Client, debates: DebateRepo, *, interval: float = EDIT_INTERVAL) -> None:
        self._bot = bot
        self._debates = debates
        self._interval = interval
        self._last_edit: dict[int, float] = {}
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._lock: dict[int, asyncio.Lock] = {}
        self._warned: dict[int, tuple[str, ...]] = {}  # debate -> the permissions last logged as missing

    def touch(self, debate: Debate) -> None:
        """A vote landed: schedule one edit, as soon as the interval since the last one allows."""
        if debate.id in self._pending or debate.message_id is None:
            return
        wait = self._last_edit.get(debate.id, float("-inf")) + self._interval - time.monotonic()
        self._pending[debate.id] = asyncio.create_task(self._edit_later(debate, max(0.0, wait)),
                                                       name=f"debate-tally-{debate.id}")

    async def _edit_later(self, debate: Debate, wait: float) -> None:
        await asyncio.sleep(wait)
        del self._pending[debate.id]  # votes from here on schedule the next edit
        async with self._lock.setdefault(debate.id, asyncio.Lock()):
            current = await self._debates.get(debate.guild_id, debate.id)
            if current.is_open:
                await self.show_open(current)

    async def show_open(self, debate: Debate) -> bool:
        """Edit the message to the live tally now (after a vote or an advance). False: worth trying again."""
        self._last_edit[debate.id] = time.monotonic()
        return await self._edit(debate, embed=build_debate_embed(await self._debates.results(debate)))

    async def show_results(self, debate: Debate) -> bool:
        """The final edit: results, chart, no buttons. Cancels any pending tally edit first. False when Discord
        could not be reached and it should be tried again."""
        pending = self._pending.pop(debate.id, None)
        if pending is not None:
            pending.cancel()
        async with self._lock.setdefault(debate.id, asyncio.Lock()):
            results = await self._debates.results(debate)
            embed, files = await with_chart(results)
            return await self._edit(debate, embed=embed, attachments=files, view=None)

    async def _edit(self, debate: Debate, **fields) -> bool:
        """Edit the debate's message; False only for failures worth retrying (a deleted message is not one)."""
        if debate.message_id is None:
            return True
        lacking = self.missing_permissions(debate)
        if lacking:
            # Discord would answer 200 and drop the embed (or refuse the edit as empty): the results would be
            # marked posted yet never shown. Not posted, then: the scheduler tries again until someone fixes it.
            if self._warned.get(debate.id) != lacking:
                log.warning("debate %s message %s not updated: the bot lacks %s in channel %s; trying again later",
                            debate.id, debate.message_id, " and ".join(lacking), debate.channel_id)
            self._warned[debate.id] = lacking
            return False
        self._warned.pop(debate.id, None)
        channel = self._bot.get_partial_messageable(debate.channel_id, guild_id=debate.guild_id)
        try:
            await channel.get_partial_message(debate.message_id).edit(**fields)
        except discord.Forbidden as error:
            if not fields.get("attachments"):
                log.warning("debate %s message %s cannot be updated: %r", debate.id, debate.message_id, error)
                return True
            # Perhaps the bot may not attach files here: the results matter more than their chart.
            log.warning("debate %s results refused with their chart; posting them without it", debate.id)
            without_chart = fields["embed"].set_image(url=None)
            return await self._edit(debate, **{**fields, "attachments": [], "embed": without_chart})
        except discord.NotFound as error:
            log.warning("debate %s message %s cannot be updated: %r", debate.id, debate.message_id, error)
        except (discord.HTTPException, aiohttp.ClientError) as error:
            log.warning("could not update debate %s message %s: %r", debate.id, debate.message_id, error)
            return False
        return True

    def missing_permissions(self, debate: Debate) -> tuple[str, ...]:
        """What the bot lacks, per its cache, to show an embed on the debate's message: nothing when the channel
        is not cached (the edit is tried and its error handled). discord.py applies Discord's implicit rules, so a
        channel locked with Send Messages denied lacks Embed Links too."""
        guild = self._bot.get_guild(debate.guild_id)
        channel = guild.get_channel_or_thread(debate.channel_id) if guild is not None else None
        if channel is None or guild.me is None:
            return ()
        try:
            have = channel.permissions_for(guild.me)
        except discord.ClientException:  # a thread whose parent is not cached
            return ()
        if not have.view_channel:
            return ("View Channel",)
        return () if have.embed_links else ("Embed Links",)

    def stop(self) -> None:
        for task in self._pending.values():
            task.cancel()
        self._pending.clear()


class DeadlineScheduler:
    """One task: settle what is due, announce the closing votes and results not yet announced, then sleep until the
    next deadline, the next retry, or `wake()`."""

    def __init__(self, debates: DebateRepo, on_settled: Callable[[Debate, str], Awaitable[bool]], *,
                 retry_after: float | None = None) -> None:
        self._debates = debates
        self._on_settled = on_settled
        self._given_retry_after = retry_after  # None: the module's RETRY_AFTER, read when needed
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="debate-deadlines")

    def _retry_after(self) -> float:
        return RETRY_AFTER if self._given_retry_after is None else self._given_retry_after

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                timeout = await self.run_pass()
            except Exception:  # a failed pass must not end deadlines for good; retry in a minute
                log.exception("debate deadline pass failed")
                await asyncio.sleep(self._retry_after())
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass

    async def run_pass(self) -> float | None:
        """Settle what is due and post pending results; returns how long to sleep (None: until woken)."""
        await self._debates.settle_due()  # what it advanced or closed is announced below, from the database
        unposted = False
        for debate in await self._debates.awaiting_advance_notice():  # by a deadline or an organizer
            if await self._announce(debate, "advanced"):
                await self._debates.mark_advance_announced(debate.id)
            else:
                unposted = True
        for debate in await self._debates.awaiting_results():  # just closed, or left over from a failure or a crash
            if await self._announce(debate, "closed"):
                await self._debates.mark_results_posted(debate.id)
            else:
                unposted = True
        due = await self._debates.next_due()
        timeout = None if due is None else max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.05
        if unposted:
            timeout = self._retry_after() if timeout is None else min(timeout, self._retry_after())
        return timeout

    async def _announce(self, debate: Debate, what: str) -> bool:
        try:
            return await self._on_settled(debate, what)
        except Exception:
            # A broad catch that is right: this loop serves every debate, and the ones settled in the same pass
            # must still be announced when one announcement fails (a network error, a busy database). The close
            # itself is committed; the failure is logged and the results are tried again later.
            log.exception("could not announce that debate %s %s", debate.id, what)
            return False
