"""Turning a test's ``option=value`` keywords into an interaction's ``options`` and ``resolved``
data, checked against the command schema the bot synced (as Discord's client would)."""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

from .errors import InvalidOptions
from .world import Attachment, Channel, Member, Role, User

if TYPE_CHECKING:
    from .world import World

SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(1, 12)
TYPE_NAMES = {
    STRING: 'string', INTEGER: 'integer', BOOLEAN: 'boolean', USER: 'user', CHANNEL: 'channel', ROLE: 'role',
    MENTIONABLE: 'mentionable', NUMBER: 'number', ATTACHMENT: 'attachment',
}


def split_command(command: dict[str, Any], path: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """Walk ``['start']`` / ``['group', 'sub']`` into the command's schema; returns the path and the
    leaf's option schemas."""
    schema = command.get('options') or []
    walked: list[str] = []
    for name in path:
        sub = next((o for o in schema if o['name'] == name and o['type'] in (SUB_COMMAND, SUB_COMMAND_GROUP)), None)
        if sub is None:
            subs = [o['name'] for o in schema if o['type'] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            raise InvalidOptions(f'/{command["name"]} {" ".join(walked)} has no subcommand {name!r}; it has {subs}')
        walked.append(name)
        schema = sub.get('options') or []
    if any(o['type'] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
        subs = [o['name'] for o in schema]
        raise InvalidOptions(f'/{command["name"]} {" ".join(walked)} needs a subcommand, one of {subs}')
    return walked, schema


def nest(path: list[str], schema_root: dict[str, Any], leaf: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wrap leaf options in their subcommand (group) options."""
    options = leaf
    node_types = []
    schema = schema_root.get('options') or []
    for name in path:
        sub = next(o for o in schema if o['name'] == name)
        node_types.append((name, sub['type']))
        schema = sub.get('options') or []
    for name, kind in reversed(node_types):
        options = [{'name': name, 'type': kind, 'options': options}]
    return options


class OptionBuilder:
    def __init__(self, world: 'World', channel: Channel) -> None:
        self.world = world
        self.channel = channel
        self.resolved: dict[str, dict[str, Any]] = {}

    def build(
        self, command_name: str, schema: list[dict[str, Any]], values: dict[str, Any], *, focused: str | None = None
    ) -> list[dict[str, Any]]:
        by_name = {o['name']: o for o in schema}
        unknown = [k for k in values if k not in by_name]
        if unknown:
            raise InvalidOptions(f'/{command_name} has no option(s) {unknown}; it has {list(by_name)}')
        if focused is not None:
            if focused not in by_name:
                raise InvalidOptions(f'/{command_name} has no option {focused!r} to autocomplete')
            if not by_name[focused].get('autocomplete'):
                raise InvalidOptions(f'/{command_name} option {focused!r} has no autocomplete')
        else:
            missing = [o['name'] for o in schema if o.get('required') and o['name'] not in values]
            if missing:
                raise InvalidOptions(f'/{command_name} is missing required option(s) {missing}')
        options = []
        for name, value in values.items():
            spec = by_name[name]
            if name == focused:
                options.append({'name': name, 'type': spec['type'], 'value': str(value), 'focused': True})
            else:
                options.append({'name': name, 'type': spec['type'], 'value': self.convert(command_name, spec, value)})
        return options

    def convert(self, command_name: str, spec: dict[str, Any], value: Any) -> Any:
        kind, name = spec['type'], spec['name']
        where = f'/{command_name} option {name!r} ({TYPE_NAMES.get(kind, kind)})'

        def bad(why: str) -> InvalidOptions:
            return InvalidOptions(f'{where}: {why} (got {value!r})')

        if kind == STRING:
            if not isinstance(value, str):
                raise bad('needs a str')
            lo, hi = spec.get('min_length', 0), spec.get('max_length', 6000)
            if not lo <= len(value) <= hi:
                raise bad(f'length must be within {lo}..{hi}')
        elif kind in (INTEGER, NUMBER):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind == INTEGER and not isinstance(value, int)):
                raise bad('needs an int' if kind == INTEGER else 'needs a number')
            if 'min_value' in spec and value < spec['min_value']:
                raise bad(f'below min_value {spec["min_value"]}')
            if 'max_value' in spec and value > spec['max_value']:
                raise bad(f'above max_value {spec["max_value"]}')
        elif kind == BOOLEAN:
            if not isinstance(value, bool):
                raise bad('needs a bool')
        elif kind == USER:
            return self._user(value, bad)
        elif kind == ROLE:
            if not isinstance(value, Role):
                raise bad('needs a Role')
            return self._role(value)
        elif kind == MENTIONABLE:
            if isinstance(value, Role):
                return self._role(value)
            return self._user(value, bad)
        elif kind == CHANNEL:
            if not isinstance(value, Channel):
                raise bad('needs a Channel')
            types = spec.get('channel_types')
            if types and value.type not in types:
                raise bad(f'channel type must be one of {types}')
            data = value.payload()
            guild = value.guild
            data['permissions'] = str(guild.permissions_for(guild.members[self.world.bot.id], value))
            self.resolved.setdefault('channels', {})[str(value.id)] = data
            return str(value.id)
        elif kind == ATTACHMENT:
            att = self._attachment(value, bad)
            self.resolved.setdefault('attachments', {})[str(att.id)] = att.payload()
            return str(att.id)
        choices = spec.get('choices')
        if choices and value not in [c['value'] for c in choices]:
            raise bad(f'must be one of the choices {[c["value"] for c in choices]}')
        return value

    def _user(self, value: Any, bad: Any) -> str:
        if isinstance(value, Member):
            self.resolved.setdefault('users', {})[str(value.id)] = value.user.payload()
            self.resolved.setdefault('members', {})[str(value.id)] = value.payload(with_user=False, channel=self.channel)
            return str(value.id)
        if isinstance(value, User):
            self.resolved.setdefault('users', {})[str(value.id)] = value.payload()
            return str(value.id)
        raise bad('needs a Member or User')

    def _role(self, role: Role) -> str:
        self.resolved.setdefault('roles', {})[str(role.id)] = role.payload()
        return str(role.id)

    def _attachment(self, value: Any, bad: Any) -> Attachment:
        if isinstance(value, Attachment):
            return value
        if isinstance(value, pathlib.Path):
            return self.world.add_attachment(value.name, value.read_bytes(), _guess_type(value.name))
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], (bytes, str)):
            filename, data = value
            data = data.encode() if isinstance(data, str) else data
            return self.world.add_attachment(filename, data, _guess_type(filename))
        if isinstance(value, bytes):
            return self.world.add_attachment('upload.bin', value)
        raise bad('needs an Attachment, a Path, bytes or a (filename, data) tuple')


def _guess_type(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or 'application/octet-stream'
