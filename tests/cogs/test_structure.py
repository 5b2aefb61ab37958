"""The bot's shape as Discord will see it: every command, option and persistent button within Discord's rules.

The real bot is built (every extension's own `setup`, nothing mocked) but never connected: with no development
server configured, `setup_hook` makes no HTTP request. Commands are checked as the payloads discord.py would send to
Discord, so whatever discord.py filled in or cut short is checked too. Each rule's checker is also fed a broken
example, so none of them can pass by checking nothing.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import discord
import pytest
from discord import app_commands

from cogs.utils import limits
from cogs.utils.checks import require_manager, require_organizer
from cogs.utils.client import ChapterBot
from core.debates import PROPOSAL_OPTIONS
from core.debates._rules import MAX_OPTIONS
from core.essays import MAX_SLUG
from core.services import open_services
from core.settings import Settings

CHAT_INPUT, USER, MESSAGE = 1, 2, 3  # application command types
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2  # option types that nest
STRING = 3

# Discord's rule for chat-input command and option names is ^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$, in lower
# case where the script has case. Python's \w is the closest to \p{L}\p{N} (it adds "_", which Discord allows).
CHAT_INPUT_NAME = re.compile(r"[-_\w]{1,32}")
NAME = 32
DESCRIPTION = 100
OPTIONS = 25
COMMAND_CHARACTERS = 4000  # names, descriptions, choice names and values of one command, all levels together
CHAT_INPUT_COMMANDS = 100
CONTEXT_MENUS = 5  # of each kind, user and message
PRIVILEGED_INTENTS = ("members", "presences", "message_content")

# Ids the bot makes for its persistent items, from the smallest values to the largest it can produce.
BIGGEST_ROWID = 2**63 - 1  # SQLite's largest rowid: no debate id can be longer
LONGEST_SLUG = ("an-essay-" * MAX_SLUG)[:MAX_SLUG].strip("-")
MOST_PARAGRAPHS = 9_999_999  # more than an essay of any size the bot accepts can have


def example_ids() -> dict[type, list[str]]:
    """For each persistent item, custom_ids made by the item itself; a new DynamicItem needs an entry here.

    Imported here, after the bot loaded its extensions: loading re-imports them, so these are the classes it holds.
    """
    from cogs.debates._views import ProposalButton, VoteButton, VoteSelect
    from cogs.quotes._views import ContextButton

    select = [discord.SelectOption(label="One", value="0")]
    return {
        ContextButton: [ContextButton(key).custom_id for key in ("a:1", f"{LONGEST_SLUG}:{MOST_PARAGRAPHS}")],
        VoteButton: [VoteButton(debate, option).custom_id for debate in (1, BIGGEST_ROWID)
                     for option in (0, MAX_OPTIONS - 1)],
        ProposalButton: [ProposalButton(debate, option).custom_id for debate in (1, BIGGEST_ROWID)
                         for option in range(len(PROPOSAL_OPTIONS))],
        VoteSelect: [VoteSelect(debate, select).custom_id for debate in (1, BIGGEST_ROWID)],
    }


# -- the checks, as plain functions over what Discord would receive -----------------------------------------------

def command_problems(payloads: Sequence[Mapping[str, Any]]) -> list[str]:
    """Everything in these command payloads that Discord would reject or members would see broken."""
    problems: list[str] = []
    kinds = Counter(payload.get("type", CHAT_INPUT) for payload in payloads)
    if kinds[CHAT_INPUT] > CHAT_INPUT_COMMANDS:
        problems.append(f"{kinds[CHAT_INPUT]} slash commands (at most {CHAT_INPUT_COMMANDS})")
    for kind, label in ((USER, "user"), (MESSAGE, "message")):
        if kinds[kind] > CONTEXT_MENUS:
            problems.append(f"{kinds[kind]} {label} context menus (at most {CONTEXT_MENUS})")
    duplicates = Counter((p.get("type", CHAT_INPUT), p["name"]) for p in payloads)
    problems += [f"two commands are named '{name}'" for (_, name), n in duplicates.items() if n > 1]
    for payload in payloads:
        if payload.get("type", CHAT_INPUT) == CHAT_INPUT:
            where = f"/{payload['name']}"
            problems += _entry_problems(payload, where)
            size = _characters(payload)
            if size > COMMAND_CHARACTERS:
                problems.append(f"{where}: {size} characters in all (at most {COMMAND_CHARACTERS})")
        elif not 1 <= len(payload["name"]) <= NAME:
            problems.append(f"context menu '{payload['name']}': name must be 1 to {NAME} characters")
    return problems


def _entry_problems(entry: Mapping[str, Any], where: str) -> list[str]:
    """A chat-input command, subcommand group, subcommand or option, and everything under it."""
    problems = []
    name = entry["name"]
    if not CHAT_INPUT_NAME.fullmatch(name) or name != name.lower():
        problems.append(f"{where}: name '{name}' is not 1 to {NAME} lowercase letters, digits, - or _")
    description = entry.get("description") or ""
    if description in ("", "\u2026"):
        problems.append(f"{where}: no description")
    elif description.endswith("\u2026"):
        problems.append(f"{where}: description cut short by discord.py; write at most {DESCRIPTION} characters")
    elif len(description) > DESCRIPTION:
        problems.append(f"{where}: description is {len(description)} characters (at most {DESCRIPTION})")
    options = entry.get("options") or []
    if len(options) > OPTIONS:
        problems.append(f"{where}: {len(options)} options (at most {OPTIONS})")
    names = Counter(option["name"] for option in options)
    problems += [f"{where}: two options are named '{n}'" for n, count in names.items() if count > 1]
    values = [option for option in options if option["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    required = [bool(option.get("required")) for option in values]
    if required != sorted(required, reverse=True):
        problems.append(f"{where}: required options must come before optional ones")
    for option in options:
        nested = option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
        inner = f"{where} {option['name']}" if nested else f"{where} [{option['name']}]"
        problems += _entry_problems(option, inner)
        problems += _choice_problems(option, inner)
    return problems


def _choice_problems(option: Mapping[str, Any], where: str) -> list[str]:
    problems = []
    choices = option.get("choices") or []
    if len(choices) > limits.CHOICES:
        problems.append(f"{where}: {len(choices)} choices (at most {limits.CHOICES})")
    if choices and option.get("autocomplete"):
        problems.append(f"{where}: both choices and autocomplete")
    for choice in choices:
        if not 1 <= len(choice["name"]) <= limits.CHOICE_NAME:
            problems.append(f"{where}: choice '{choice['name']}' must be 1 to {limits.CHOICE_NAME} characters")
        if option["type"] == STRING and len(choice["value"]) > limits.CHOICE_NAME:
            problems.append(f"{where}: choice value '{choice['value']}' is over {limits.CHOICE_NAME} characters")
    return problems


def _characters(entry: Mapping[str, Any]) -> int:
    size = len(entry["name"]) + len(entry.get("description") or "")
    for choice in entry.get("choices") or []:
        size += len(choice["name"]) + len(str(choice["value"]))
    return size + sum(_characters(option) for option in entry.get("options") or [])


def dynamic_item_problems(registered: Mapping[re.Pattern[str], type], examples: Mapping[type, Sequence[str]],
                          defined: Sequence[type]) -> list[str]:
    """Every persistent item registered, with ids within Discord's limit that only its own template matches."""
    problems = []
    registered_classes = set(registered.values())
    problems += [f"{cls.__qualname__} is never registered: its components would stop answering after a restart"
                 for cls in defined if cls not in registered_classes]
    for pattern, cls in registered.items():
        ids = examples.get(cls)
        if not ids:
            problems.append(f"{cls.__qualname__}: no example ids to check; add some to example_ids()")
            continue
        for custom_id in ids:
            if len(custom_id) > limits.CUSTOM_ID:
                problems.append(f"{cls.__qualname__}: '{custom_id}' is {len(custom_id)} characters "
                                f"(at most {limits.CUSTOM_ID})")
            if not pattern.fullmatch(custom_id):
                problems.append(f"{cls.__qualname__}: '{custom_id}' does not match its own template")
            problems += [f"{cls.__qualname__}: '{custom_id}' is also matched by {other.__qualname__}'s template"
                         for other_pattern, other in registered.items()
                         if other is not cls and other_pattern.fullmatch(custom_id)]
    return problems


def dynamic_items_in_cogs() -> list[type]:
    """The DynamicItem classes the cogs define now (unloading an extension leaves its old classes behind)."""
    found, pending = [], list(discord.ui.DynamicItem.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        module = sys.modules.get(cls.__module__)
        if cls.__module__.startswith("cogs.") and getattr(module, cls.__name__, None) is cls:
            found.append(cls)
    return found


# -- the real bot ------------------------------------------------------------------------------------------------

@pytest.fixture
async def bot(settings: Settings):
    assert settings.dev_guild_id is None  # so setup_hook syncs nothing and makes no HTTP request
    async with open_services(settings, sync_essays=False) as services:
        bot = ChapterBot(settings=settings, services=services)
        try:
            await bot.setup_hook()
            yield bot
        finally:
            await bot.close()


def payloads(bot: ChapterBot) -> list[dict[str, Any]]:
    return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]


async def test_every_command_and_option_is_described_and_within_discords_limits(bot):
    commands = payloads(bot)
    assert {c["name"] for c in commands} >= {"quote", "debate", "position", "Find passages"}  # the walk saw them
    problems = command_problems(commands)
    assert not problems, "\n".join(problems)


async def test_a_command_limited_to_organizers_or_managers_says_so_first_and_no_other_does(bot):
    """Discord shows members every command; its description is where they learn they may not use it."""
    audiences = {require_organizer: "Organizers: ", require_manager: "Server managers: "}
    seen = set()
    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Group):
            continue
        checked = [audiences[check] for check in command.checks if check in audiences]
        said = [prefix for prefix in audiences.values() if command.description.startswith(prefix)]
        assert checked == said, f"/{command.qualified_name}: checked for {checked}, description says {said}"
        seen.update(checked)
    assert seen == set(audiences.values())  # the walk met both kinds


async def test_every_persistent_item_is_registered_with_short_ids_no_other_template_matches(bot):
    registered = bot._connection._view_store._dynamic_items  # discord.py 2.7 keeps them here: {template: class}
    assert registered, "no DynamicItem registered at all"
    problems = dynamic_item_problems(registered, example_ids(), dynamic_items_in_cogs())
    assert not problems, "\n".join(problems)


async def test_the_bot_pings_nobody_unless_a_message_opts_in(bot):
    mentions = bot.allowed_mentions
    assert mentions is not None
    pinging = {name: getattr(mentions, name) for name in ("everyone", "users", "roles", "replied_user")}
    assert all(value is False for value in pinging.values()), pinging


async def test_the_bot_asks_for_no_privileged_intent(bot):
    asked = [name for name in PRIVILEGED_INTENTS if getattr(bot.intents, name)]
    assert not asked, f"privileged intents requested: {asked}"


# -- each rule catches what it is there to catch -------------------------------------------------------------------

def command(**changes: Any) -> dict[str, Any]:
    option = {"type": STRING, "name": "query", "description": "What to look for.", "required": True}
    payload = {"type": CHAT_INPUT, "name": "quote", "description": "Find passages.", "options": [option]}
    return {**payload, **changes}


def with_option(**changes: Any) -> dict[str, Any]:
    option = {"type": STRING, "name": "query", "description": "What to look for.", "required": False}
    return command(options=[{**option, **changes}])


BROKEN_COMMANDS = {
    "long name": [command(name="q" * 33)],
    "upper case": [command(name="Quote")],
    "space in name": [command(name="find passages")],
    "no description": [command(description="\u2026")],
    "description cut short": [command(description="x" * 99 + "\u2026")],
    "long description": [command(description="x" * 101)],
    "option without description": [with_option(description="\u2026")],
    "option with long name": [with_option(name="o" * 33)],
    "26 options": [command(options=[{"type": STRING, "name": f"o{n}", "description": "d"} for n in range(26)])],
    "duplicate option": [command(options=[{"type": STRING, "name": "o", "description": "d"}] * 2)],
    "optional before required": [command(options=[{"type": STRING, "name": "a", "description": "d"},
                                                  {"type": STRING, "name": "b", "description": "d", "required": True}])],
    "26 choices": [with_option(choices=[{"name": str(n), "value": str(n)} for n in range(26)])],
    "long choice name": [with_option(choices=[{"name": "c" * 101, "value": "c"}])],
    "long choice value": [with_option(choices=[{"name": "c", "value": "c" * 101}])],
    "choices and autocomplete": [with_option(choices=[{"name": "c", "value": "c"}], autocomplete=True)],
    "subcommand without description": [command(options=[{"type": SUB_COMMAND, "name": "set", "description": ""}])],
    "duplicate command": [command(), command()],
    "over 4000 characters": [command(options=[{"type": SUB_COMMAND, "name": f"s{n}", "description": "d" * 100,
                                               "options": [{"type": STRING, "name": f"o{m}", "description": "d" * 100}
                                                           for m in range(2)]} for n in range(14)])],
    "long context menu name": [{"type": MESSAGE, "name": "F" * 33}],
    "six message menus": [{"type": MESSAGE, "name": f"Menu {n}"} for n in range(6)],
}


def test_a_correct_command_has_no_problems():
    correct = [command(), {**with_option(), "name": "compare"}, {"type": MESSAGE, "name": "Find passages"}]
    assert command_problems(correct) == []


@pytest.mark.parametrize("broken", BROKEN_COMMANDS.values(), ids=BROKEN_COMMANDS.keys())
def test_each_command_rule_catches_its_problem(broken):
    assert len(command_problems(broken)) == 1


class Wide(discord.ui.DynamicItem[discord.ui.Button], template=r"test:wide:(?P<n>[0-9]+)"):
    pass


class Narrow(discord.ui.DynamicItem[discord.ui.Button], template=r"test:wide:(?P<n>[0-9]{1,3})"):
    pass


BROKEN_ITEMS = {
    "no examples": ({Wide.__discord_ui_compiled_template__: Wide}, {}, []),
    "too long": ({Wide.__discord_ui_compiled_template__: Wide}, {Wide: ["test:wide:" + "9" * 91]}, []),
    "not its own": ({Wide.__discord_ui_compiled_template__: Wide}, {Wide: ["test:narrow:1"]}, []),
    "overlapping": ({Wide.__discord_ui_compiled_template__: Wide, Narrow.__discord_ui_compiled_template__: Narrow},
                    {Wide: ["test:wide:1234"], Narrow: ["test:wide:12"]}, []),
    "unregistered": ({Wide.__discord_ui_compiled_template__: Wide}, {Wide: ["test:wide:1"]}, [Wide, Narrow]),
}


@pytest.mark.parametrize("registered, examples, defined", BROKEN_ITEMS.values(), ids=BROKEN_ITEMS.keys())
def test_each_persistent_item_rule_catches_its_problem(registered, examples, defined):
    assert len(dynamic_item_problems(registered, examples, defined)) == 1
