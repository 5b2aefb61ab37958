"""Fixtures for the end-to-end suite: a fake Discord per test, and bots talking to it.

- ``fake``: a started :class:`FakeDiscord` with a 'Chapter' guild and #general; the test fails if the
  bot hit a route the fake does not know (set ``fake.allow_unknown_routes = True`` to opt out).
- ``member``: a plain member of that guild.
- ``sample_bot``: a small discord.py bot (``samplebot.py``) in this process, ready.
- ``bot_process``: the real ``python bot.py`` as a subprocess, ready (see ``harness.BotProcess``:
  ``restart()``, ``kill()``, ``stop()``, ``logs()``); its log is attached to failing reports.
- ``make_bot_process``: a factory for the above when a test needs special environment variables or
  wants to start it itself.
- ``chapter_bot``: the real bot's ``run_bot(settings)`` as a task in this event loop, ready.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakediscord import FakeDiscord, Member

from .harness import BotProcess, run_in_process, stop_in_process
from .samplebot import start_sample_bot, stop_sample_bot


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for proc in getattr(item, '_bot_processes', []):
            report.sections.append((f'bot process log ({report.when})', proc.logs()))
    return report


@pytest.fixture
async def fake():
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    if fake.unknown_routes and not fake.allow_unknown_routes:
        pytest.fail(f'the bot called routes the fake does not implement: {sorted(set(fake.unknown_routes))}')


@pytest.fixture
def member(fake: FakeDiscord) -> Member:
    assert fake.guild is not None
    return fake.world.add_member(fake.guild, 'alice')


@pytest.fixture
async def sample_bot(fake: FakeDiscord):
    bot, task = await start_sample_bot(fake)
    try:
        yield bot
    finally:
        await stop_sample_bot(bot, task)


@pytest.fixture
async def make_bot_process(fake: FakeDiscord, tmp_path: Path, request: pytest.FixtureRequest):
    procs: list[BotProcess] = []
    request.node._bot_processes = procs

    def make(**env: str) -> BotProcess:
        proc = BotProcess(fake, tmp_path, **env)
        procs.append(proc)
        return proc

    try:
        yield make
    finally:
        for proc in procs:
            if proc.returncode is None and proc.proc is not None:
                await proc.kill()
    # Every test that ran the real bot also checks the token never reached its log, at any level, on any path.
    for proc in procs:
        assert fake.token not in proc.logs(tail=100_000), 'the bot logged its token'


@pytest.fixture
async def bot_process(make_bot_process) -> BotProcess:
    return await make_bot_process().start()


@pytest.fixture
async def chapter_bot(fake: FakeDiscord, tmp_path: Path):
    task = await run_in_process(fake, tmp_path)
    try:
        yield task
    finally:
        await stop_in_process(task)
