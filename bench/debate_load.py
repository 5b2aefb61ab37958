"""The debate load bar: N members vote on one debate within a few seconds against `python bot.py`.

    python bench/debate_load.py                      # 1000 members over 5 s, then the SIGKILL run
    python bench/debate_load.py --members 300 --no-kill

Prints what bench/load.py prints (acknowledgement latency, errors, late acks, throughput against the do-nothing
bot) plus what only a debate can show: votes lost (acknowledged but missing from the database), and tally edits of
the debate message per 5 s. The SIGKILL run kills the bot halfway through the voting, restarts it, and checks that
every acknowledged vote is stored, that a button on the old message still works and that the deadline still fires.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import Result, report  # noqa: E402
from bench.load import run as run_load  # noqa: E402
from tests.e2e.harness import BotProcess  # noqa: E402
from tests.fakediscord import FakeDiscord, Interaction, Message, P  # noqa: E402

EDIT_ROUTE = ('PATCH', '/channels/{channel_id}/messages/{message_id}')
EDIT_WINDOW = 5.0
MOTION = 'The chapter joins the coalition'


async def open_debate(fake: FakeDiscord, duration: str) -> Message:
    admin = fake.world.add_member(fake.guild, 'organizer', permissions=P.MANAGE_GUILD)
    before = {m.id for m in fake.messages_in(fake.default_channel)}
    await (await fake.slash(admin, 'debate start', motion=MOTION, format='oxford', duration=duration)).response(10)
    return await fake.wait_for_message(fake.default_channel, lambda m: m.id not in before and bool(m.custom_ids),
                                       timeout=10)


async def vote_wave(fake: FakeDiscord, message: Message, members, window: float, seed: int,
                    during=None) -> tuple[list[Interaction], float]:
    """Every member clicks one of the debate's buttons at a random moment within `window` seconds."""
    rng = random.Random(seed)
    buttons = message.custom_ids
    plan = sorted((rng.uniform(0, window), m, rng.choice(buttons)) for m in members)
    started = time.monotonic()
    handles: list[Interaction] = []

    async def fire(at, member, custom_id) -> None:
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        handles.append(await fake.click(member, message, custom_id))

    await asyncio.gather(*(fire(*step) for step in plan), *([during] if during else []))
    return handles, started


async def settle(fake: FakeDiscord, handles: list[Interaction], timeout: float) -> None:
    done = lambda: all(h.record.acked_at is not None or h.record.errors or h.record.late_attempts for h in handles)
    try:
        await fake.wait_for(done, timeout, 'stragglers')
    except AssertionError:
        pass


def result(label: str, handles: list[Interaction], started: float) -> Result:
    records = [h.record for h in handles]
    ends = [r.acked_at for r in records if r.acked_at is not None]
    return Result(label=label, sent=len(records), latencies=[r.ack_latency for r in records if r.ack_latency is not None],
                  errors=sum(1 for r in records if r.errors and not r.late_attempts),
                  late=sum(1 for r in records if r.late_attempts),
                  unanswered=sum(1 for r in records if r.acked_at is None and not r.errors and not r.late_attempts),
                  wall=(max(ends) - started) if ends else 0.0)


def stored_voters(workdir: Path) -> set[int]:
    with sqlite3.connect(workdir / 'bot.sqlite3') as db:
        return {int(v) for (v,) in db.execute('SELECT voter FROM debate_votes')}


def lost_votes(workdir: Path, handles: list[Interaction]) -> int:
    acked = {h.record.member.id for h in handles if h.record.acked_at is not None}
    return len(acked - stored_voters(workdir))


def most_edits_per_window(fake: FakeDiscord, message: Message) -> int:
    """The most tally edits in any 5 s span, leaving out the final results edit (which carries the chart)."""
    times = [r.at for r in fake.requests_to(*EDIT_ROUTE)
             if r.path.endswith(f'/messages/{message.id}') and not r.files]
    return max((sum(1 for t in times if start <= t < start + EDIT_WINDOW) for start in times), default=0)


async def normal_run(args) -> tuple[Result, int, int]:
    with tempfile.TemporaryDirectory(prefix='debate-load-') as tmp:
        async with FakeDiscord() as fake:
            members = [fake.world.add_member(fake.guild, f'member{i}') for i in range(args.members)]
            proc = BotProcess(fake, Path(tmp), LOG_LEVEL=args.log_level)
            try:
                await proc.start(timeout=60)
                message = await open_debate(fake, '1d')
                handles, started = await vote_wave(fake, message, members, args.window, args.seed)
                await settle(fake, handles, args.timeout)
                await asyncio.sleep(EDIT_WINDOW + 1)  # let the last throttled edit happen
                return result('real bot', handles, started), lost_votes(Path(tmp), handles), \
                    most_edits_per_window(fake, message)
            finally:
                await proc.stop()


async def kill_run(args) -> bool:
    """SIGKILL the bot halfway through a wave of votes; True when nothing acknowledged was lost and the old button
    and the deadline both work after the restart."""
    with tempfile.TemporaryDirectory(prefix='debate-kill-') as tmp:
        async with FakeDiscord() as fake:
            members = [fake.world.add_member(fake.guild, f'member{i}') for i in range(args.members)]
            proc = BotProcess(fake, Path(tmp), LOG_LEVEL=args.log_level)
            try:
                await proc.start(timeout=60)
                message = await open_debate(fake, '1m')
                opened = time.monotonic()

                async def kill_halfway() -> None:
                    await asyncio.sleep(args.window / 2)
                    await proc.kill()

                handles, _ = await vote_wave(fake, message, members, args.window, args.seed, kill_halfway())
                await proc.start(timeout=60)
                acked = sum(1 for h in handles if h.record.acked_at is not None)
                lost = lost_votes(Path(tmp), handles)
                late_member = fake.world.add_member(fake.guild, 'after-restart')
                again = await fake.click(late_member, message, message.custom_ids[0])
                old_button = (await again.response()).ephemeral and late_member.id in stored_voters(Path(tmp))
                closed = await fake.wait_for(lambda: fake.world.find_message(message.id).components == [],
                                             90 - (time.monotonic() - opened), 'deadline')
                print(f'SIGKILL halfway: {acked} of {len(handles)} votes acknowledged before/after the kill, '
                      f'{lost} acknowledged votes lost; old button works after restart: {old_button}; '
                      f'deadline fired after restart: {bool(closed)}')
                return lost == 0 and old_button and bool(closed)
            finally:
                await proc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--members', type=int, default=1000)
    parser.add_argument('--window', type=float, default=5.0, help='seconds over which everyone votes (default 5)')
    parser.add_argument('--timeout', type=float, default=15.0)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--log-level', default='WARNING')
    parser.add_argument('--no-kill', action='store_true', help='skip the SIGKILL run')
    args = parser.parse_args(argv)
    if not 1 <= args.members <= 20_000 or not 0 < args.window <= 60:
        parser.error('--members within 1..20000, --window within 0..60')
    real, lost, edits = asyncio.run(normal_run(args))
    baseline_args = argparse.Namespace(members=args.members, window=args.window, deadline=3.0, timeout=args.timeout,
                                       seed=args.seed, log_level=args.log_level, show_log=False, setup='',
                                       click='debate:vote:1:0', command='about', command_options={})
    baseline = asyncio.run(run_load(baseline_args, 'noop'))
    report(baseline_args, [real, baseline])
    print(f'{"votes lost":22}{lost:>14d}')
    print(f'{"tally edits / 5 s max":22}{edits:>14d}')
    survived = args.no_kill or asyncio.run(kill_run(args))
    ok = survived and lost == 0 and edits <= 1 and real.errors == real.late == real.unanswered == 0
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
