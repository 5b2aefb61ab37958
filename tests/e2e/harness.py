"""Running the real bot against the fake: as ``python bot.py`` in a subprocess, or in-process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

from tests.fakediscord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / 'seeds'


class BotProcess:
    """``python bot.py`` from the repository root, configured by environment variables to use ``fake``.

    Logs go to a file per start (``log_path``); :meth:`logs` reads the latest. Readiness is observed on
    the fake (a new IDENTIFY and, with a dev guild, a new command sync), never slept for.
    """

    def __init__(self, fake: FakeDiscord, workdir: Path, *, script: str = 'bot.py', **env: str) -> None:
        self.fake = fake
        self.workdir = workdir
        self.script = script
        self.env = {
            'DATABASE_PATH': str(workdir / 'bot.sqlite3'),
            'SEEDS_DIR': str(SEEDS),
            'LOG_LEVEL': 'INFO',
            **fake.env(),
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.log_path = workdir / 'bot-0.log'
        self.log_paths: list[Path] = []

    # -- lifecycle -----------------------------------------------------------------------------------
    async def start(self, *, wait: bool = True, timeout: float = 30.0, **env: str) -> 'BotProcess':
        if self.proc is not None and self.proc.returncode is None:
            raise RuntimeError('bot already running')
        identifies, syncs = self.fake.gateway.identifies, len(self.fake.commands.syncs)
        self.starts += 1
        self.log_path = self.workdir / f'bot-{self.starts}.log'
        self.log_paths.append(self.log_path)
        full_env = {k: v for k, v in os.environ.items() if not k.startswith('DISCORD_') and k != 'DEV_GUILD_ID'}
        full_env.update(self.env, PYTHONUNBUFFERED='1', **env)
        with open(self.log_path, 'wb') as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, self.script, cwd=ROOT, env=full_env, stdout=log, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            await self.wait_ready(identifies, syncs, timeout=timeout)
        return self

    async def wait_ready(self, identifies: int, syncs: int, timeout: float = 30.0) -> None:
        fake = self.fake
        want_sync = 'DEV_GUILD_ID' in self.env and bool(self.env['DEV_GUILD_ID'])

        def ready() -> bool:
            if self.proc is not None and self.proc.returncode is not None:
                raise AssertionError(f'bot exited with {self.proc.returncode} before it was ready:\n{self.logs()}')
            return (
                fake.gateway.identifies > identifies
                and fake.gateway.connected
                and (not want_sync or len(fake.commands.syncs) > syncs)
            )

        await fake.wait_for(ready, timeout, lambda: f'bot not ready after {timeout}s:\n{self.logs()}')
        await fake.wait_until_ready(timeout, commands=want_sync)

    async def wait_exit(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f'bot did not exit within {timeout}s:\n{self.logs()}') from None

    async def stop(self, timeout: float = 10.0, *, sig: signal.Signals = signal.SIGTERM) -> int | None:
        """SIGTERM (or `sig`: SIGINT is Ctrl+C), then SIGKILL if it does not exit in time."""
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(sig)
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            return await self.kill()

    async def kill(self) -> int:
        """SIGKILL: no cleanup at all, as in a crash or an OOM kill."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        return await self.proc.wait()

    async def restart(self, *, hard: bool = False, **env: str) -> 'BotProcess':
        if hard:
            await self.kill()
        else:
            await self.stop()
        return await self.start(**env)

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.returncode

    def logs(self, tail: int = 200) -> str:
        chunks = []
        for path in self.log_paths:
            if path.exists():
                lines = path.read_text(errors='replace').splitlines()[-tail:]
                chunks.append(f'--- {path.name} ---\n' + '\n'.join(lines))
        return '\n'.join(chunks)


async def run_in_process(fake: FakeDiscord, workdir: Path, **env: str) -> asyncio.Task[int]:
    """Start ``bot.run_bot(settings)`` as a task in this event loop and wait until it is ready."""
    from bot import run_bot
    from core.settings import Settings

    identifies, syncs = fake.gateway.identifies, len(fake.commands.syncs)
    settings = Settings.from_env({
        'DATABASE_PATH': str(workdir / 'bot.sqlite3'), 'SEEDS_DIR': str(SEEDS), 'LOG_LEVEL': 'INFO', **fake.env(), **env,
    })
    task = asyncio.create_task(run_bot(settings), name='chapter-bot')

    def ready() -> bool:
        if task.done():
            raise AssertionError(f'in-process bot ended early: {task.result() if not task.exception() else task.exception()!r}')
        return (
            fake.gateway.identifies > identifies and fake.gateway.connected
            and (settings.dev_guild_id is None or len(fake.commands.syncs) > syncs)
        )

    await fake.wait_for(ready, 30.0, 'in-process bot not ready')
    return task


async def stop_in_process(task: asyncio.Task[int]) -> None:
    if not task.done():
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await asyncio.wait_for(task, 10)
