"""Load bench: N simulated members send interactions within a few seconds to the bot, over the fake
Discord on 127.0.0.1; prints acknowledgement latency, errors and throughput, next to the same run
against a do-nothing bot (bench/noop_bot.py) as the baseline.

    python bench/load.py                                   # 1000 x /about, real bot vs no-op bot
    python bench/load.py --members 300 --window 1
    python bench/load.py --setup "debate start motion=Unions format=poll" --click "debate:vote:1:1"
    python bench/load.py --bot real                        # skip the baseline

Latency is measured by the fake: from dispatching INTERACTION_CREATE to receiving the callback.
Everything stays on 127.0.0.1 and every loop is bounded (members, window, timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import BotProcess  # noqa: E402
from tests.fakediscord import FakeDiscord, Interaction, Message, P  # noqa: E402

MAX_MEMBERS = 20_000
MAX_WINDOW = 60.0


@dataclass
class Result:
    label: str
    sent: int
    latencies: list[float]
    errors: int
    late: int
    unanswered: int
    wall: float

    @property
    def acked(self) -> int:
        return len(self.latencies)

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float('nan')
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

    @property
    def throughput(self) -> float:
        return self.acked / self.wall if self.wall else 0.0


def parse_options(text: str) -> tuple[str, dict[str, object]]:
    """``'debate start motion="A b" count=2'`` -> ``('debate start', {'motion': 'A b', 'count': 2})``."""
    words, options = [], {}
    for token in shlex.split(text):
        if '=' in token:
            key, value = token.split('=', 1)
            options[key] = int(value) if value.lstrip('-').isdigit() else (
                {'true': True, 'false': False}.get(value.lower(), value))
        else:
            words.append(token)
    return ' '.join(words), options


async def run(args: argparse.Namespace, kind: str) -> Result:
    script = 'bot.py' if kind == 'real' else 'bench/noop_bot.py'
    with tempfile.TemporaryDirectory(prefix='load-') as tmp:
        async with FakeDiscord() as fake:
            guild = fake.guild
            assert guild is not None
            fake.interactions.ack_deadline = args.deadline
            members = [fake.world.add_member(guild, f'member{i}') for i in range(args.members)]
            admin = fake.world.add_member(guild, 'organiser', permissions=P.ADMINISTRATOR)
            proc = BotProcess(fake, Path(tmp), script=script, LOG_LEVEL=args.log_level)
            try:
                await proc.start(timeout=60)
                target = await prepare_target(fake, args, kind, admin)
                random.seed(args.seed)
                offsets = sorted(random.uniform(0, args.window) for _ in members)
                started = time.monotonic()
                handles: list[Interaction] = []

                async def fire(member, at: float) -> None:
                    await asyncio.sleep(max(0.0, started + at - time.monotonic()))
                    if target is None:
                        handles.append(await fake.slash(member, args.command, **args.command_options))
                    else:
                        handles.append(await fake.click(member, target, args.click))

                await asyncio.gather(*(fire(m, at) for m, at in zip(members, offsets)))
                records = [h.record for h in handles]
                done = lambda: all(r.acked_at is not None or r.errors or r.late_attempts for r in records)
                try:
                    await fake.wait_for(done, args.window + args.deadline + args.timeout, 'not every interaction answered')
                except AssertionError:
                    pass
                ends = [r.acked_at for r in records if r.acked_at is not None]
                wall = (max(ends) - started) if ends else 0.0
                return Result(
                    label=f'{kind} bot',
                    sent=len(records),
                    latencies=[r.ack_latency for r in records if r.ack_latency is not None],
                    errors=sum(1 for r in records if r.errors and not r.late_attempts),
                    late=sum(1 for r in records if r.late_attempts),
                    unanswered=sum(1 for r in records if r.acked_at is None and not r.errors and not r.late_attempts),
                    wall=wall,
                )
            finally:
                await proc.stop()
                if args.show_log:
                    print(proc.logs(tail=40), file=sys.stderr)


async def prepare_target(fake: FakeDiscord, args: argparse.Namespace, kind: str, admin) -> Message | None:
    """In click mode, the message whose button everyone clicks."""
    if not args.click:
        return None
    if kind == 'real':
        command, options = parse_options(args.setup)
        ix = await fake.slash(admin, command, **options)
        await ix.response(timeout=10)
        channel = fake.default_channel

        def carrying() -> Message | None:
            candidates = [ix.record.original, *ix.record.followups, *reversed(fake.messages_in(channel))]
            return next((m for m in candidates if m is not None and args.click in m.custom_ids), None)

        try:
            return await fake.wait_for(carrying, 15, f'no message with a {args.click!r} component')
        except AssertionError as exc:
            raise SystemExit(f'--setup {args.setup!r} produced no message with {args.click!r}: {exc}') from None
    # the baseline gets a bot message carrying that one button
    channel = fake.default_channel
    row = {'type': 1, 'components': [{'type': 2, 'style': 1, 'label': 'click', 'custom_id': args.click}]}
    return fake.messages.create(channel, fake.world.bot, {'content': 'baseline', 'components': [row]}, [])


def report(args: argparse.Namespace, results: list[Result]) -> None:
    what = f'click {args.click!r}' if args.click else f'/{args.command}'
    print(f'{args.members} members x {what} spread over {args.window:.1f} s; ack deadline {args.deadline:.1f} s')
    header = f'{"":22}' + ''.join(f'{r.label:>14}' for r in results)
    if len(results) == 2:
        header += f'{"ratio":>10}'
    print(header)

    def row(name: str, values: list[float], fmt: str, ratio: bool = False) -> None:
        line = f'{name:22}' + ''.join(f'{v:>14{fmt}}' for v in values)
        if ratio and len(values) == 2 and values[1]:
            line += f'{values[0] / values[1]:>9.1f}x'
        print(line)

    row('acknowledged', [r.acked for r in results], 'd')
    row('ack latency p50 ms', [r.pct(50) * 1000 for r in results], '.1f', True)
    row('ack latency p95 ms', [r.pct(95) * 1000 for r in results], '.1f', True)
    row('ack latency p99 ms', [r.pct(99) * 1000 for r in results], '.1f', True)
    row('ack latency max ms', [max(r.latencies, default=float('nan')) * 1000 for r in results], '.1f', True)
    row('mean ms', [statistics.fmean(r.latencies) * 1000 if r.latencies else float('nan') for r in results], '.1f', True)
    row('errors', [r.errors for r in results], 'd')
    row('late (> deadline)', [r.late for r in results], 'd')
    row('unanswered', [r.unanswered for r in results], 'd')
    row('throughput acks/s', [r.throughput for r in results], '.0f')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--members', type=int, default=1000, help='simulated members, one interaction each (default 1000)')
    parser.add_argument('--window', type=float, default=3.0, help='seconds over which they act (default 3)')
    parser.add_argument('--command', default='about', help='slash command to run (default about); "group sub" for subcommands')
    parser.add_argument('--option', action='append', default=[], metavar='NAME=VALUE', help='an option for --command')
    parser.add_argument('--click', metavar='CUSTOM_ID', help='click this button instead of running a command')
    parser.add_argument('--setup', default='', metavar='"COMMAND opt=value"',
                        help='with --click: the command (run once) whose response message carries the button')
    parser.add_argument('--bot', choices=('both', 'real', 'noop'), default='both', help='which bot(s) to measure')
    parser.add_argument('--deadline', type=float, default=3.0, help="acknowledgement deadline (Discord's is 3 s)")
    parser.add_argument('--timeout', type=float, default=10.0, help='extra seconds to wait for stragglers')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--log-level', default='WARNING', help="bots' LOG_LEVEL (default WARNING)")
    parser.add_argument('--show-log', action='store_true', help="print the tail of the bots' logs")
    args = parser.parse_args(argv)
    if not 1 <= args.members <= MAX_MEMBERS:
        parser.error(f'--members must be within 1..{MAX_MEMBERS}')
    if not 0 < args.window <= MAX_WINDOW:
        parser.error(f'--window must be within 0..{MAX_WINDOW}')
    if args.click and not args.setup:
        parser.error('--click needs --setup, the command that posts the message with that button')
    args.command_options = dict(parse_options(' '.join(args.option))[1])
    kinds = ['real', 'noop'] if args.bot == 'both' else [args.bot]
    results = [asyncio.run(run(args, kind)) for kind in kinds]
    report(args, results)
    return 0 if all(r.errors == r.late == r.unanswered == 0 for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
