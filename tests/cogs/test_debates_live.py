"""The deadline scheduler on a real database: everything due is closed and announced, and results that could not
be posted (Discord failed, or the bot stopped in between) are posted on a later pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp

from cogs.debates._live import DeadlineScheduler
from core.debates import DebateRepo, Format, build_spec
from core.store import Store

GUILD, CHANNEL, ORGANIZER = 1, 2, 3
LONG_AGO = datetime.now(UTC) - timedelta(hours=2)


async def overdue(repo: DebateRepo, motion: str):
    spec = build_spec(motion=motion, format=Format.POLL, options="Yes | No", duration=timedelta(hours=1))
    return await repo.start(spec, guild_id=GUILD, channel_id=CHANNEL, author_id=ORGANIZER, now=LONG_AGO)


class Announcer:
    """The cog's `settled`, as far as the scheduler can tell: True when the results reached Discord."""

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.posted: list[str] = []

    async def __call__(self, debate, what: str) -> bool:
        if debate.motion in self.failing:
            raise aiohttp.ClientConnectionError("connection reset")
        self.posted.append(f"{debate.motion} {what}")
        return True


async def test_one_failed_announcement_does_not_keep_the_others_of_the_pass_unannounced(store: Store):
    repo = DebateRepo(store)
    for motion in ("first", "second"):
        await overdue(repo, motion)
    announcer = Announcer(failing={"first"})
    timeout = await DeadlineScheduler(repo, announcer, retry_after=30).run_pass()
    assert announcer.posted == ["second closed"]
    assert [d.motion for d in await repo.awaiting_results()] == ["first"]
    assert timeout == 30  # the failed one is tried again soon, not at the next deadline


async def test_results_that_failed_are_posted_on_a_later_pass_and_only_once(store: Store):
    repo = DebateRepo(store)
    await overdue(repo, "first")
    announcer = Announcer(failing={"first"})
    scheduler = DeadlineScheduler(repo, announcer)
    await scheduler.run_pass()
    announcer.failing.clear()
    assert await scheduler.run_pass() is None
    await scheduler.run_pass()
    assert announcer.posted == ["first closed"] and await repo.awaiting_results() == []


async def test_a_close_whose_results_were_never_posted_is_posted_after_a_restart(store: Store):
    repo = DebateRepo(store)
    debate = await overdue(repo, "closed before a crash")
    await repo.close(GUILD, debate.id)  # committed; then the bot died before it could edit the message
    announcer = Announcer(failing=set())
    await DeadlineScheduler(DebateRepo(store), announcer).run_pass()
    assert announcer.posted == ["closed before a crash closed"]


async def test_debates_closed_before_the_upgrade_count_as_posted(tmp_path):
    async with await Store.open(tmp_path / "old.sqlite3") as store:
        await store.migrate(target=5)
        repo = DebateRepo(store)
        debate = await overdue(repo, "closed long ago")
        await repo.close(GUILD, debate.id)
        await store.migrate()
        assert await repo.awaiting_results() == []


async def test_a_closing_vote_whose_announcement_failed_is_announced_on_a_later_pass_and_only_once(store: Store):
    repo = DebateRepo(store)
    spec = build_spec(motion="oxford", format=Format.OXFORD, duration=timedelta(days=1), advance_in=timedelta(hours=1))
    await repo.start(spec, guild_id=GUILD, channel_id=CHANNEL, author_id=ORGANIZER, now=LONG_AGO)
    announcer = Announcer(failing={"oxford"})
    scheduler = DeadlineScheduler(repo, announcer, retry_after=30)
    assert await scheduler.run_pass() <= 30  # advanced, not announced: tried again soon
    assert [d.round for d in await repo.awaiting_advance_notice()] == [2]
    announcer.failing.clear()
    await scheduler.run_pass()
    await scheduler.run_pass()
    assert announcer.posted == ["oxford advanced"] and await repo.awaiting_advance_notice() == []
