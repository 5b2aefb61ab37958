"""Per-server settings. Every default is declared here, once; the database holds only what a server changed."""

from __future__ import annotations

from dataclasses import dataclass

from .store import Store


@dataclass(frozen=True)
class GuildSettings:
    organizer_role_id: int | None = None


class GuildSettingsRepo:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self._store.fetchone("SELECT organizer_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return GuildSettings() if row is None else GuildSettings(organizer_role_id=row["organizer_role_id"])

    async def set_organizer_role(self, guild_id: int, role_id: int | None) -> None:
        await self._store.execute(
            "INSERT INTO guild_settings (guild_id, organizer_role_id) VALUES (?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET organizer_role_id = excluded.organizer_role_id",
            (guild_id, role_id))
