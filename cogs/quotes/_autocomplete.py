"""Autocomplete for essays and their sections: at most 25 choices of at most 100 characters, and never raising."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from core.errors import BotError, NotFound
from core.library import Library

from ..utils import limits
from ..utils.limits import cap

log = logging.getLogger(__name__)


async def essay_choices(library: Library, guild: int | None, current: str) -> list[app_commands.Choice[str]]:
    try:
        found = await library.find_titles(current, limit=limits.CHOICES, guild=guild)
    except Exception:  # autocomplete must answer something; a failure here is logged, not shown
        log.exception("essay autocomplete failed")
        return []
    return [app_commands.Choice(name=cap(f"{e.title} \u2014 {e.author}" if e.author else e.title, limits.CHOICE_NAME),
                                value=e.slug) for e in found]


async def section_choices(library: Library, guild: int | None, slug: str | None,
                          current: str) -> list[app_commands.Choice[str]]:
    if not slug:
        return []
    try:
        sections = list(dict.fromkeys(p.section for p in await library.passages(slug, guild=guild) if p.section))
    except BotError:
        return []
    typed = current.casefold()
    return [app_commands.Choice(name=cap(s, limits.CHOICE_NAME), value=s[: limits.CHOICE_NAME])
            for s in sections if typed in s.casefold()][: limits.CHOICES]


async def resolve_essay(library: Library, guild: int | None, text: str) -> str:
    """The slug for what the member picked or typed: a slug, or a title written out in full."""
    for info in await library.essays(guild=guild):
        if text in (info.slug, info.title) or text.casefold() == info.title.casefold():
            return info.slug
    raise NotFound("I don't know that essay: pick one from the list as you type, or see /essay list.")


def namespace_value(interaction: discord.Interaction, name: str) -> str | None:
    value = getattr(interaction.namespace, name, None)
    return str(value) if value else None
