"""Settings from the environment (and `.env`). Frozen, and the token never shows in a repr or a log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent
# Three dot-separated base64url parts: what Discord bot tokens look like. Catches pasted client secrets and quotes.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_SWITCH = {"on": True, "true": True, "yes": True, "1": True, "off": False, "false": False, "no": False, "0": False}
TOKEN_HELP = "DISCORD_TOKEN is missing or malformed: copy your bot's token into .env (see .env.example)."


@dataclass(frozen=True)
class Settings:
    token: str = field(default="", repr=False)
    dev_guild_id: int | None = None
    database_path: Path = ROOT / "data" / "bot.sqlite3"
    seeds_dir: Path = ROOT / "seeds"
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    search_by_meaning: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read settings; raises InvalidInput naming the variable that is wrong. The token is checked separately."""
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if not isinstance(logging.getLevelName(level), int):
            raise InvalidInput(f"LOG_LEVEL '{level}' is not a logging level (try INFO or DEBUG).")
        meaning = env.get("SEARCH_BY_MEANING", "on").strip().lower() or "on"
        if meaning not in _SWITCH:
            raise InvalidInput(f"SEARCH_BY_MEANING '{meaning}' must be on or off.")
        guild = env.get("DEV_GUILD_ID", "").strip()
        if guild and not (guild.isascii() and guild.isdigit()):
            raise InvalidInput("DEV_GUILD_ID must be a server id (digits only), or empty.")
        return cls(
            token=env.get("DISCORD_TOKEN", "").strip(),
            dev_guild_id=int(guild) if guild else None,
            database_path=_path(env.get("DATABASE_PATH"), cls.database_path),
            seeds_dir=_path(env.get("SEEDS_DIR"), cls.seeds_dir),
            log_level=level,
            api_base=env.get("DISCORD_API_BASE", "").strip().rstrip("/") or None,
            gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip() or None,
            search_by_meaning=_SWITCH[meaning],
        )

    @property
    def token_looks_valid(self) -> bool:
        return bool(_TOKEN_SHAPE.match(self.token))


def _path(value: str | None, default: Path) -> Path:
    if not value or not value.strip():
        return default
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else ROOT / path
