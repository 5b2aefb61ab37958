"""The command line: the real `bot.py` in a subprocess, as a member of the chapter would run it.

Every setting the bot reads is set explicitly for each run (the token to "" when there is none): python-dotenv's
`load_dotenv()` never overrides a variable that is already set, so a developer's own `.env` cannot change what
these tests see. The database is always in tmp_path; nothing here talks to Discord.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from core.debates import DebateRepo, Format, build_spec
from core.library import Library
from core.store import Store

from .conftest import ROOT, SEEDS

# Shaped like a Discord bot token (three dot-separated base64url parts) but not one.
FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123-456789"
RESULT_FIELDS = {"passage_id", "essay_slug", "title", "author", "section", "paragraph", "score", "text", "matched"}
QUERY = "nationalist exclusion"
SECOND_QUERY = "socialist internationalism"


def run(*args: str, database: Path, stdin: str | None = None, timeout: float = 60,
        **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `bot.py ARGS` with only the settings given (the rest empty or default), and wait for it."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(database.parent),
        "PYTHONUTF8": "1",
        "DISCORD_TOKEN": "",
        "DEV_GUILD_ID": "",
        "DATABASE_PATH": str(database),
        "SEEDS_DIR": str(SEEDS),
        "LOG_LEVEL": "INFO",
        "DISCORD_API_BASE": "",
        "DISCORD_GATEWAY_URL": "",
        **settings,
    }
    return subprocess.run([sys.executable, "bot.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def assert_results(results: object, *, essay: str | None = None) -> None:
    assert isinstance(results, list) and results
    for result in results:
        assert set(result) == RESULT_FIELDS
        assert isinstance(result["text"], str) and result["text"]
        assert isinstance(result["paragraph"], int) and isinstance(result["score"], (int, float))
        assert isinstance(result["matched"], list) and all(isinstance(word, str) for word in result["matched"])
        assert result["passage_id"] == f"{result['essay_slug']}:{result['paragraph']}"
        if essay is not None:
            assert result["essay_slug"] == essay


def assert_one_clear_line(stderr: str, *names: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, lines
    assert all(name in lines[0] for name in names), lines[0]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the seeds already indexed, shared by the read-only commands to keep them quick."""
    database = tmp_path_factory.mktemp("cli") / "bot.sqlite3"
    assert run("essays", database=database).returncode == 0
    return database


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def seed_slugs() -> list[str]:
    return sorted(path.stem for path in SEEDS.iterdir() if path.suffix in (".md", ".txt"))


# -- running without a token -------------------------------------------------------------------------------------

def test_no_token_says_so_in_one_line_and_shows_a_search_instead(database):
    done = run(database=database)
    assert done.returncode == 2
    assert_one_clear_line(done.stderr, "DISCORD_TOKEN", ".env.example")
    assert "search" in done.stdout and "1. " in done.stdout and "\u00b6" in done.stdout  # a cited demo result


def test_a_malformed_token_is_refused_before_connecting(database):
    done = run(database=database, DISCORD_TOKEN="my-client-secret-pasted-by-mistake")
    assert done.returncode == 2
    assert_one_clear_line(done.stderr, "DISCORD_TOKEN")


def test_a_bad_log_level_is_one_clear_line(database):
    done = run("search", QUERY, database=database, LOG_LEVEL="LOUD")
    assert done.returncode == 2
    assert_one_clear_line(done.stderr, "LOG_LEVEL", "LOUD")
    assert done.stdout == "" and not database.exists()


# -- search and essays --------------------------------------------------------------------------------------------

def test_search_json_gives_cited_passages_with_every_field(indexed):
    done = run("search", QUERY, "--json", database=indexed)
    assert done.returncode == 0, done.stderr
    assert_results(json.loads(done.stdout))


def test_search_keeps_to_one_essay_and_to_the_limit(indexed):
    essay = seed_slugs()[0]
    done = run("search", SECOND_QUERY, "--essay", essay, "--limit", "2", "--json", database=indexed)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert_results(results, essay=essay)
    assert len(results) == 2


def test_search_without_a_query_answers_each_stdin_line_with_one_json_array(indexed):
    done = run("search", "--limit", "3", database=indexed, stdin=f"{QUERY}\n{SECOND_QUERY}\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2, lines
    for line in lines:
        results = json.loads(line)
        assert_results(results)
        assert len(results) <= 3



def test_search_batch_answers_blank_and_refused_lines_in_place_and_goes_on(indexed):
    too_long = "x" * 400
    done = run("search", "--limit", "2", database=indexed, stdin=f"{QUERY}\n\n{too_long}\n{SECOND_QUERY}\n")
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 4, lines
    assert_results(lines[0])
    assert lines[1] == [] and lines[2] == []
    assert_results(lines[3])
    assert "line 3: That search is too long" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("options", "said", "status"), [(("--essay", "no-such-essay"), "no-such-essay", 1),
                                                          (("--limit", "0"), "--limit: give a number from 1 to 25", 2),
                                                          (("--limit", "\u0663"), "not '\u0663'", 2),
                                                          (("--limit", "9" * 5000), "not '9999999999'", 2)])
def test_search_batch_with_options_wrong_for_every_line_fails_once_before_reading(indexed, options, said, status):
    done = run("search", *options, database=indexed, stdin=f"{QUERY}\n{SECOND_QUERY}\n")
    assert done.returncode == status
    assert done.stdout == ""
    assert done.stderr.count(said) == 1


def test_search_says_which_typed_words_no_essay_uses_and_what_it_searched_instead(indexed):
    done = run("search", "imperalism in chna", "--limit", "3", database=indexed)
    assert done.returncode == 0, done.stderr
    note, _, first = done.stdout.partition("\n\n")
    assert note == ("No essay uses \u201cimperalism\u201d (searched for \u201cimperialism\u201d)"
                    " or \u201cchna\u201d (searched for \u201cchina\u201d).")
    assert first.startswith("1. ")
    exact = run("search", "imperialism in China", "--limit", "1", database=indexed)
    assert exact.stdout.startswith("1. ")
    as_json = run("search", "imperalism in chna", "--limit", "1", "--json", database=indexed)
    assert len(json.loads(as_json.stdout)) == 1  # JSON stays a plain array of results

def test_essays_removed_because_seeds_dir_points_at_an_empty_folder_are_a_warning(tmp_path):
    database, empty = tmp_path / "bot.sqlite3", tmp_path / "empty"
    assert run("essays", database=database).returncode == 0
    empty.mkdir()
    done = run("essays", database=database, SEEDS_DIR=str(empty))
    assert done.returncode == 0
    assert f"removed 2 essay(s) whose files are no longer in {empty}" in done.stderr


def test_essays_json_lists_every_seed(indexed):
    done = run("essays", "--json", database=indexed)
    assert done.returncode == 0, done.stderr
    essays = json.loads(done.stdout)
    assert sorted(essay["slug"] for essay in essays) == seed_slugs()
    assert all(essay["title"] and essay["passages"] > 0 for essay in essays)


# -- check ---------------------------------------------------------------------------------------------------------

def test_check_without_a_token_fails_and_names_it(database):
    done = run("check", database=database)
    assert done.returncode == 1
    assert "DISCORD_TOKEN" in done.stdout and "Traceback" not in done.stderr


def test_check_passes_with_a_well_formed_token_and_the_seeds_and_creates_no_database(database):
    done = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "ok"
    assert "(does not exist yet; the bot creates it at its first start)" in done.stdout
    assert "essays: 2 essays, 83 passages" in done.stdout
    assert not database.exists()  # a mistyped DATABASE_PATH leaves no empty database behind


def test_check_changes_nothing_and_says_what_the_next_start_would(tmp_path):
    database, empty = tmp_path / "bot.sqlite3", tmp_path / "empty"
    assert run("essays", database=database).returncode == 0
    empty.mkdir()
    done = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN, SEEDS_DIR=str(empty))
    assert done.returncode == 1
    assert f"problem: there are no .md or .txt essays in {empty}: check SEEDS_DIR" in done.stdout
    assert f"note: the next start removes 2 essay(s) no longer in {empty}" in done.stdout
    assert read_counts(database)["essays"] == 2  # still indexed: check only reads
    broken = tmp_path / "broken"
    shutil.copytree(SEEDS, broken)
    (broken / f"{seed_slugs()[0]}.md").write_bytes("Caf\u00e9".encode("latin-1"))
    done = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN, SEEDS_DIR=str(broken))
    assert "UTF-8" in done.stdout and "note: the next start removes" not in done.stdout  # its last version stays
    older = tmp_path / "older.sqlite3"
    asyncio.run(migrate_to(older, 3))
    with sqlite3.connect(older) as db:  # indexed from a file since deleted
        db.execute("INSERT INTO essays (slug, title, source, origin, content_hash) VALUES"
                   " ('gone', 'Gone', 'gone.md', 'folder', 'x')")
    done = run("check", database=older, DISCORD_TOKEN=FAKE_TOKEN)
    assert done.returncode == 0, done.stdout
    assert "note: the next start upgrades the database from schema 3 to" in done.stdout and "back it up" in done.stdout
    assert "note: the next start removes 1 essay(s)" in done.stdout and ": gone" in done.stdout
    assert read_counts(older) == {"version": 3, "essays": 1, "passages": 0}


def test_search_encodes_the_library_first_so_it_ranks_as_the_bot_does(database):
    question = "what did the top-down camp tell US socialists to do about Ecuador?"
    done = run("search", question, "--limit", "1", "--json", database=database)
    assert done.returncode == 0, done.stderr
    assert "show no open solidarity with the Indigenous movement" in json.loads(done.stdout)[0]["text"]
    check = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN)
    assert "search by meaning: on, 83 of 83 indexed passages encoded" in check.stdout
    words_only = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN, SEARCH_BY_MEANING="off")
    assert "search by meaning: off (SEARCH_BY_MEANING=off)" in words_only.stdout


def test_check_names_an_essay_that_is_not_utf8(database, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / f"{seed_slugs()[0]}.md", seeds)
    (seeds / "latin1.md").write_bytes("# Caf\u00e9\n\nUn paragraphe.\n".encode("latin-1"))
    done = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN, SEEDS_DIR=str(seeds))
    assert done.returncode != 0
    assert "latin1.md" in done.stdout and "UTF-8" in done.stdout
    assert "Traceback" not in done.stderr



def test_a_database_from_a_newer_bot_is_refused_without_a_traceback(database):
    assert run("essays", database=database).returncode == 0
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 99")
    essays = run("essays", database=database)
    assert essays.returncode == 1 and "newer version of the bot" in essays.stderr
    check = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN)
    assert check.returncode == 1
    assert "(could not be opened)" in check.stdout and "newer version of the bot" in check.stdout
    assert "Traceback" not in essays.stderr + check.stderr
    assert read_counts(database)["version"] == 99


@pytest.mark.parametrize("where", ["not-a-database.txt", "not-a-database.txt/bot.sqlite3", "."])
def test_a_database_path_that_cannot_be_used_is_one_line_not_a_traceback_or_a_hang(tmp_path, where):
    (tmp_path / "not-a-database.txt").write_text("plain text " * 100)
    done = run("essays", database=tmp_path / where, timeout=30)
    assert done.returncode == 1
    assert "DATABASE_PATH" in done.stderr and "Traceback" not in done.stderr


def test_a_dev_guild_id_in_other_digits_is_refused_by_name(database):
    done = run("essays", database=database, DEV_GUILD_ID="\u00b2\u00b3")
    assert done.returncode == 2 and "DEV_GUILD_ID" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [(), ("sync",)])
def test_discord_out_of_reach_is_one_line_naming_the_setting(database, command):
    done = run(*command, database=database, DISCORD_TOKEN=FAKE_TOKEN, DISCORD_API_BASE="http://127.0.0.1:9",
               timeout=60)  # nothing listens on port 9
    assert done.returncode == 1, done.stderr
    assert "Could not reach Discord" in done.stderr and "DISCORD_API_BASE" in done.stderr
    assert "Traceback" not in done.stderr and FAKE_TOKEN not in done.stderr + done.stdout

# -- backup --------------------------------------------------------------------------------------------------------

def read_counts(path: Path) -> Mapping[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return {"version": db.execute("PRAGMA user_version").fetchone()[0],
                "essays": db.execute("SELECT count(*) FROM essays").fetchone()[0],
                "passages": db.execute("SELECT count(*) FROM passages").fetchone()[0]}


def test_backup_writes_a_readable_copy_of_the_database_that_only_its_owner_can_read(indexed, tmp_path):
    copy = tmp_path / "backups" / "copy.sqlite3"
    done = run("backup", str(copy), database=indexed)
    assert done.returncode == 0, done.stderr
    counts = read_counts(copy)
    assert counts == read_counts(indexed)
    assert counts["version"] > 0 and counts["essays"] == len(seed_slugs()) and counts["passages"] > 0
    assert "secret" not in done.stderr
    if os.name == "posix":  # members' political data: no other account on the machine may read it
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and stat.S_IMODE(indexed.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700


def test_backup_into_a_folder_asks_for_a_file_name_in_it(indexed, tmp_path):
    done = run("backup", str(tmp_path), database=indexed)
    assert done.returncode == 1
    assert_one_clear_line(done.stderr, "is a folder", str(tmp_path / "backup.sqlite3"))


def test_backup_during_an_open_secret_debate_warns_that_the_copy_can_link_ballots_to_members(tmp_path):
    database = tmp_path / "bot.sqlite3"
    asyncio.run(open_secret_debate(database))
    done = run("backup", str(tmp_path / "copy.sqlite3"), database=database)
    assert done.returncode == 0, done.stderr
    assert "1 secret debate(s) were open" in done.stderr and "Copied" in done.stdout



def test_backup_copies_an_older_database_as_it_is_and_leaves_it_unupgraded(tmp_path):
    database, copy = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    asyncio.run(migrate_to(database, 3))  # before debates and their ballot keys existed
    done = run("backup", str(copy), database=database)
    assert done.returncode == 0, done.stderr
    assert read_counts(database)["version"] == read_counts(copy)["version"] == 3


def test_backup_of_a_database_that_does_not_exist_is_refused_not_made_empty(tmp_path):
    done = run("backup", str(tmp_path / "copy.sqlite3"), database=tmp_path / "typo.sqlite3")
    assert done.returncode == 1 and "There is no database at" in done.stderr
    assert not (tmp_path / "typo.sqlite3").exists() and not (tmp_path / "copy.sqlite3").exists()


def test_check_sees_the_essays_as_the_next_start_will(tmp_path):
    database, seeds = tmp_path / "bot.sqlite3", tmp_path / "seeds"
    asyncio.run(upload_plans(database))
    seeds.mkdir()
    (seeds / "a.md").write_text("---\nslug: plans\n---\n# Our plans\n\nA paragraph.\n", encoding="utf-8")
    done = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN, SEEDS_DIR=str(seeds))
    assert done.returncode == 1
    assert "problem: essay a.md: slug 'plans' is taken by an uploaded essay" in done.stdout


def test_check_reports_a_damaged_database_among_its_findings(tmp_path):
    database = tmp_path / "bot.sqlite3"
    assert run("essays", database=database).returncode == 0
    with database.open("r+b") as file:  # everything after the first page (which holds the schema version)
        file.seek(4096)
        file.write(b"\xff" * (database.stat().st_size - 4096))
    done = run("check", database=database, DISCORD_TOKEN=FAKE_TOKEN)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"problem: the database {database} cannot be read" in done.stdout
    assert done.stdout.splitlines()[-1] == "1 problem(s) found"


async def upload_plans(database: Path) -> None:
    async with await Store.open(database) as store:
        await store.migrate()
        await Library(store).add_upload(b"Our plans.\n", filename="p.txt", title="Plans", guild_id=1)


async def migrate_to(database: Path, version: int) -> None:
    async with await Store.open(database) as store:
        await store.migrate(target=version)

async def open_secret_debate(database: Path) -> None:
    async with await Store.open(database) as store:
        await store.migrate()
        spec = build_spec(motion="Endorse the slate", format=Format.POLL, options="Yes | No", secret=True)
        await DebateRepo(store).start(spec, guild_id=1, channel_id=2, author_id=3)


def test_backup_refuses_to_overwrite_an_existing_file(indexed, tmp_path):
    existing = tmp_path / "precious.sqlite3"
    existing.write_bytes(b"not yours to overwrite")
    done = run("backup", str(existing), database=indexed)
    assert done.returncode != 0
    assert_one_clear_line(done.stderr, str(existing))
    assert existing.read_bytes() == b"not yours to overwrite"
