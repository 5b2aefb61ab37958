"""`python bot.py backup PATH` while the bot runs and writes, and restoring from the copy as the README says."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
from pathlib import Path

from core.store import available_migrations
from tests.fakediscord import FakeDiscord, Member

from .harness import ROOT, BotProcess


async def backup(proc: BotProcess, destination: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env.update(DATABASE_PATH=proc.env["DATABASE_PATH"], SEEDS_DIR=proc.env["SEEDS_DIR"])
    child = await asyncio.create_subprocess_exec(sys.executable, "bot.py", "backup", str(destination), cwd=ROOT,
                                                 env=env, stdout=asyncio.subprocess.PIPE,
                                                 stderr=asyncio.subprocess.STDOUT)
    output, _ = await child.communicate()
    return child.returncode, output.decode()


async def set_stance(fake: FakeDiscord, member: Member, topic: str) -> None:
    reply = await (await fake.slash(member, "position set", topic=topic, stance="support")).response()
    assert reply.embeds, reply.content


def stances_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA user_version").fetchone() == (len(available_migrations()),)
        return {row[0] for row in db.execute("SELECT t.name FROM position_entries e JOIN position_topics t"
                                             " ON t.id = e.topic_id")}


async def test_backup_while_the_bot_writes_is_consistent_and_holds_every_acknowledged_stance(
        fake: FakeDiscord, bot_process: BotProcess, member: Member, tmp_path: Path):
    before = [f"topic {n}" for n in range(5)]
    for topic in before:
        await set_stance(fake, member, topic)
    during = asyncio.gather(*(set_stance(fake, member, f"later {n}") for n in range(10)))
    status, output = await backup(bot_process, tmp_path / "copy.sqlite3")
    await during
    assert status == 0, output
    copied = stances_in(tmp_path / "copy.sqlite3")
    assert set(before) <= copied <= set(before) | {f"later {n}" for n in range(10)}


async def test_backup_refuses_to_overwrite_an_existing_file(bot_process: BotProcess, tmp_path: Path):
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    status, output = await backup(bot_process, existing)
    assert status == 1 and "already exists" in output
    assert existing.read_bytes() == b"keep me"


async def test_restoring_the_copy_brings_back_the_positions(fake: FakeDiscord, bot_process: BotProcess,
                                                            member: Member, tmp_path: Path):
    await set_stance(fake, member, "kept")
    status, output = await backup(bot_process, tmp_path / "copy.sqlite3")
    assert status == 0, output
    await set_stance(fake, member, "after the backup")
    await bot_process.stop()
    database = Path(bot_process.env["DATABASE_PATH"])  # the README's restore steps:
    aside = database.with_name("broken.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if database.with_name(database.name + suffix).exists():
            database.with_name(database.name + suffix).replace(aside.with_name(aside.name + suffix))
    shutil.copy(tmp_path / "copy.sqlite3", database)
    await bot_process.start()
    mine = await (await fake.slash(member, "position mine")).response()
    description = mine.embeds[0]["description"]
    assert "**kept**" in description and "after the backup" not in description
    assert stances_in(aside) == {"kept", "after the backup"}  # set aside whole, with its last write
