"""Application commands: bulk overwrite (sync), read back, lookup for the driver."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import limits
from .errors import MISSING_ACCESS, UNKNOWN_APPLICATION, UNKNOWN_APPLICATION_COMMAND, ApiError, FormErrors

if TYPE_CHECKING:
    from .driver import FakeDiscord
    from .server import Call

CHAT_INPUT, USER, MESSAGE = 1, 2, 3


class Commands:
    def __init__(self, fake: 'FakeDiscord') -> None:
        self.fake = fake
        #: scope (None = global, else guild id) -> name/type key -> command payload as stored
        self.scopes: dict[int | None, dict[tuple[int, str], dict[str, Any]]] = {}
        self._ids: dict[tuple[int | None, int, str], int] = {}
        #: (scope, number of commands) per bulk overwrite, in order; tests and harnesses wait on it
        self.syncs: list[tuple[int | None, int]] = []

    # -- queries -------------------------------------------------------------------------------------
    def list(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return list(self.scopes.get(guild_id, {}).values())

    def names(self, guild_id: int | None = None) -> list[str]:
        return sorted(c['name'] for c in self.list(guild_id))

    def find(self, guild_id: int | None, name: str, type: int = CHAT_INPUT) -> dict[str, Any] | None:
        for scope in (guild_id, None):
            found = self.scopes.get(scope, {}).get((type, name))
            if found is not None:
                return found
        return None

    def synced(self, guild_id: int | None = None) -> bool:
        return any(scope == guild_id for scope, _ in self.syncs)

    # -- storing -------------------------------------------------------------------------------------
    def _store(self, scope: int | None, body: dict[str, Any]) -> dict[str, Any]:
        kind = int(body.get('type', CHAT_INPUT))
        key = (scope, kind, body['name'])
        cmd_id = self._ids.setdefault(key, self.fake.world.ids.next())
        cmd = {
            'id': str(cmd_id),
            'application_id': str(self.fake.world.application_id),
            'version': str(self.fake.world.ids.next()),
            'type': kind,
            'name': body['name'],
            'name_localizations': body.get('name_localizations'),
            'description': body.get('description', '') if kind == CHAT_INPUT else '',
            'description_localizations': body.get('description_localizations'),
            'options': body.get('options') or [],
            'default_member_permissions': body.get('default_member_permissions'),
            'dm_permission': body.get('dm_permission', True),
            'nsfw': bool(body.get('nsfw', False)),
            'contexts': body.get('contexts'),
            'integration_types': body.get('integration_types') or [0],
        }
        if scope is not None:
            cmd['guild_id'] = str(scope)
        self.scopes.setdefault(scope, {})[(kind, body['name'])] = cmd
        return cmd

    def _scope(self, call: 'Call') -> int | None:
        if int(call.params['application_id']) != self.fake.world.application_id:
            raise ApiError(403, MISSING_ACCESS, 'Missing Access')
        if 'guild_id' not in call.params:
            return None
        guild_id = int(call.params['guild_id'])
        guild = self.fake.world.guilds.get(guild_id)
        if guild is None or self.fake.world.bot.id not in guild.members:
            raise ApiError(403, MISSING_ACCESS, 'Missing Access')
        return guild_id

    # -- routes --------------------------------------------------------------------------------------
    def routes(self) -> list[tuple[str, str, Any]]:
        app = '/applications/{application_id}'
        guild = app + '/guilds/{guild_id}'
        return [
            ('PUT', app + '/commands', self.bulk_overwrite),
            ('PUT', guild + '/commands', self.bulk_overwrite),
            ('GET', app + '/commands', self.get_all),
            ('GET', guild + '/commands', self.get_all),
            ('POST', app + '/commands', self.upsert),
            ('POST', guild + '/commands', self.upsert),
            ('GET', app + '/commands/{command_id}', self.get_one),
            ('GET', guild + '/commands/{command_id}', self.get_one),
            ('DELETE', app + '/commands/{command_id}', self.delete),
            ('DELETE', guild + '/commands/{command_id}', self.delete),
        ]

    async def bulk_overwrite(self, call: 'Call') -> list[dict[str, Any]]:
        scope = self._scope(call)
        errors = FormErrors()
        limits.check_commands(call.json, errors)
        errors.raise_if_any()
        self.scopes[scope] = {}
        stored = [self._store(scope, body) for body in call.json]
        self.syncs.append((scope, len(stored)))
        self.fake.notify()
        return stored

    async def get_all(self, call: 'Call') -> list[dict[str, Any]]:
        return self.list(self._scope(call))

    async def upsert(self, call: 'Call') -> dict[str, Any]:
        scope = self._scope(call)
        errors = FormErrors()
        limits.check_commands([call.json], errors)
        errors.raise_if_any()
        cmd = self._store(scope, call.json)
        self.fake.notify()
        return cmd

    def _by_id(self, scope: int | None, command_id: str) -> tuple[int, str]:
        for key, cmd in self.scopes.get(scope, {}).items():
            if cmd['id'] == command_id:
                return key
        raise ApiError(404, UNKNOWN_APPLICATION_COMMAND, 'Unknown application command')

    async def get_one(self, call: 'Call') -> dict[str, Any]:
        scope = self._scope(call)
        return self.scopes[scope][self._by_id(scope, call.params['command_id'])]

    async def delete(self, call: 'Call') -> None:
        scope = self._scope(call)
        del self.scopes[scope][self._by_id(scope, call.params['command_id'])]
        self.fake.notify()


__all__ = ['Commands', 'CHAT_INPUT', 'USER', 'MESSAGE', 'UNKNOWN_APPLICATION']
