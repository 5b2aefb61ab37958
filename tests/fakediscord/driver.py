"""The test-facing API: start a fake Discord, build its world, act as members, wait for the bot.

    async with FakeDiscord() as fake:
        guild = fake.guild            # 'Chapter' with #general, made by default
        alice = fake.world.add_member(guild, 'alice')
        ... start a bot with fake.env() / fake.configure_discord_py() ...
        await fake.wait_until_ready()
        ix = await fake.slash(alice, 'quote', query='capital', count=2)
        reply = await ix.response()
        assert reply.embeds[0]['title'] == ...
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from . import commands as cmds
from .errors import DriverError, InvalidComponent, NotPermitted, Timeout, UnknownCommand
from .faults import Faults
from .gateway import Gateway
from .interactions import (
    APPLICATION_COMMAND, AUTOCOMPLETE, COMPONENT, MODAL_SUBMIT, InteractionRecord, Interactions,
)
from .messages import Messages
from .options import OptionBuilder, nest, split_command
from .permissions import P, missing
from .rest import Rest
from .server import API_PREFIX, RecordedRequest, Server
from .world import Attachment, Channel, Guild, Member, Message, World

DEFAULT_TIMEOUT = 5.0


def make_token(user_id: int) -> str:
    """A token shaped like Discord's (base64 user id . timestamp . hmac), so shape checks pass."""
    head = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip('=')
    return f'{head}.{secrets.token_urlsafe(6)[:6]}.{secrets.token_urlsafe(30)[:38]}'


@dataclass
class Response:
    """The bot's acknowledgement of an interaction, as recorded by the fake."""

    type: int
    data: dict[str, Any]
    message: Message | None
    modal: dict[str, Any] | None
    choices: list[dict[str, Any]] | None
    latency: float

    @property
    def content(self) -> str:
        return self.message.content if self.message else (self.data.get('content') or '')

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else list(self.data.get('embeds') or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else list(self.data.get('components') or [])

    @property
    def flags(self) -> int:
        return self.message.flags if self.message else int(self.data.get('flags') or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def attachments(self) -> list[Attachment]:
        return self.message.attachments if self.message else []

    @property
    def deferred(self) -> bool:
        return self.type in (5, 6)


class Interaction:
    """A handle on one injected interaction; awaits what the bot did with it."""

    def __init__(self, fake: 'FakeDiscord', record: InteractionRecord) -> None:
        self.fake = fake
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    def __repr__(self) -> str:
        return f'<Interaction {self.record.name!r} type={self.record.type} id={self.record.id}>'

    def _describe(self) -> str:
        r = self.record
        bits = [f'{self!r}']
        if r.late_attempts:
            bits.append(f'late acknowledgement(s) at {", ".join(f"{t:.2f}s" for t in r.late_attempts)} refused (10062)')
        if r.errors:
            bits.append(f'errors returned to the bot: {r.errors}')
        return '; '.join(bits)

    async def response(self, timeout: float | None = None) -> Response:
        """Wait for the bot's acknowledgement (any callback type) and return it."""
        r = self.record
        limit = timeout if timeout is not None else self.fake.interactions.ack_deadline + 1.0
        await self.fake.wait_for(
            lambda: r.acked_at is not None or bool(r.callback_errors) or bool(r.late_attempts), limit,
            lambda: f'bot did not acknowledge {self._describe()}',
        )
        if r.acked_at is None:
            raise AssertionError(f'bot failed to acknowledge: {self._describe()}')
        return Response(
            type=r.callback_type or 0, data=r.callback_data or {}, message=r.original, modal=r.modal,
            choices=r.choices, latency=r.ack_latency or 0.0,
        )

    async def message(self, timeout: float = DEFAULT_TIMEOUT) -> Message:
        """The response message once it has content (a deferred one once the bot filled it in)."""
        await self.response()
        r = self.record
        await self.fake.wait_for(
            lambda: r.original is not None and not r.original.flags & 128, timeout,
            lambda: f'deferred response never filled in: {self._describe()}',
        )
        assert r.original is not None
        return r.original

    async def followups(self, count: int = 1, timeout: float = DEFAULT_TIMEOUT) -> list[Message]:
        """Wait until the bot sent at least ``count`` follow-ups; returns all of them."""
        r = self.record
        await self.fake.wait_for(
            lambda: len(r.followups) >= count, timeout,
            lambda: f'expected {count} follow-up(s), got {len(r.followups)}: {self._describe()}',
        )
        return list(r.followups)

    async def modal(self, timeout: float | None = None) -> dict[str, Any]:
        response = await self.response(timeout)
        if response.modal is None:
            raise AssertionError(f'bot answered with callback type {response.type}, not a modal')
        return response.modal

    async def choices(self, timeout: float | None = None) -> list[dict[str, Any]]:
        response = await self.response(timeout)
        if response.choices is None:
            raise AssertionError(f'bot answered with callback type {response.type}, not autocomplete choices')
        return response.choices

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Error bodies the fake returned to the bot for this interaction (400s, 10062, 40060...)."""
        return self.record.errors


class FakeDiscord:
    """A fake Discord (REST v10 + gateway) on 127.0.0.1, and the driver tests use to act in it."""

    def __init__(self, *, guild_name: str | None = 'Chapter', token: str | None = None) -> None:
        self.world = World()
        self.token = token or make_token(self.world.application_id)
        self.faults = Faults()
        self.gateway = Gateway(self)
        self.messages = Messages(self)
        self.interactions = Interactions(self)
        self.commands = cmds.Commands(self)
        self.rest = Rest(self)
        self.server = Server(self)
        for routes in (self.rest.routes(), self.commands.routes()):
            for method, template, handler in routes:
                self.server.add(method, template, handler)
        for method, template, handler in self.interactions.routes():
            self.server.add(method, template, handler, auth=False)
        self.reactions: dict[int, list[str]] = {}
        self.permission_denials: list[tuple[int, list[str]]] = []
        #: the e2e ``fake`` fixture fails a test that hit unknown routes unless this is set
        self.allow_unknown_routes = False
        self._changed = asyncio.Event()
        self.world.listeners.append(self._world_changed)
        self.guild: Guild | None = self.world.add_guild(guild_name) if guild_name else None

    # -- lifecycle -----------------------------------------------------------------------------------
    async def start(self) -> 'FakeDiscord':
        await self.server.start()
        self.world.base_url = self.base_url
        return self

    async def stop(self) -> None:
        await self.server.stop()

    async def __aenter__(self) -> 'FakeDiscord':
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f'http://127.0.0.1:{self.server.port}'

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f'ws://127.0.0.1:{self.server.port}/gateway'

    @property
    def resume_gateway_url(self) -> str:
        return f'ws://127.0.0.1:{self.server.port}/gateway-resume'

    def env(self, **extra: str) -> dict[str, str]:
        """Environment variables for ``python bot.py`` pointed at this fake."""
        env = {
            'DISCORD_TOKEN': self.token,
            'DISCORD_API_BASE': self.api_base,
            'DISCORD_GATEWAY_URL': self.gateway_url,
        }
        if self.guild is not None:
            env['DEV_GUILD_ID'] = str(self.guild.id)
        env.update(extra)
        return env

    def configure_discord_py(self) -> None:
        """Point the discord.py imported in *this* process at the fake (for in-process bots)."""
        import discord.gateway
        import discord.http
        import yarl

        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    def is_valid_token(self, token: str) -> bool:
        return secrets.compare_digest(token, self.token)

    # -- observing -----------------------------------------------------------------------------------
    def notify(self) -> None:
        """Wake everything waiting in :meth:`wait_for` (called on every state change)."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _world_changed(self, event: str, data: Any) -> None:
        self.gateway.dispatch(event, data)

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = DEFAULT_TIMEOUT,
        describe: Callable[[], str] | str = 'condition',
    ) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout(f'after {timeout:.1f}s: {describe() if callable(describe) else describe}')
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), min(remaining, 0.25))
            except asyncio.TimeoutError:
                pass

    async def wait_until_ready(self, timeout: float = 15.0, *, commands: bool | None = None) -> None:
        """Wait until the bot identified (READY and GUILD_CREATEs are queued) and, if it syncs to the
        dev guild (``commands=True``, the default when a guild exists), its guild commands arrived."""
        want_commands = self.guild is not None if commands is None else commands

        def ready() -> bool:
            connected = self.gateway.connected and self.gateway.current is not None
            if not connected:
                return False
            session = self.gateway.current
            assert session is not None
            delivered = session.connection is not None and session.connection.cursor > session.seq
            synced = not want_commands or (self.guild is not None and self.commands.synced(self.guild.id))
            return delivered and synced

        await self.wait_for(ready, timeout, lambda: (
            f'bot not ready: identifies={self.gateway.identifies} connected={self.gateway.connected} '
            f'syncs={self.commands.syncs} unknown_routes={self.unknown_routes}'
        ))

    async def wait_for_resume(self, count: int = 1, timeout: float = 10.0) -> None:
        await self.wait_for(
            lambda: self.gateway.resumes >= count and self.gateway.connected, timeout,
            lambda: f'bot did not RESUME (resumes={self.gateway.resumes}, identifies={self.gateway.identifies})',
        )

    async def wait_for_identify(self, count: int, timeout: float = 10.0) -> None:
        await self.wait_for(
            lambda: self.gateway.identifies >= count and self.gateway.connected, timeout,
            lambda: f'bot did not IDENTIFY {count} time(s) (identifies={self.gateway.identifies})',
        )

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.server.requests

    def requests_to(self, method: str, route: str) -> list[RecordedRequest]:
        """Recorded requests that matched a route template, e.g. ``('POST', '/channels/{channel_id}/messages')``."""
        return [r for r in self.server.requests if r.method == method and r.route == route]

    @property
    def unknown_routes(self) -> list[str]:
        return self.server.unknown_routes

    # -- channels and messages -----------------------------------------------------------------------
    @property
    def default_channel(self) -> Channel:
        if self.guild is None:
            raise DriverError('no default guild; pass in_channel=')
        return self.guild.text_channels()[0]

    def messages_in(self, channel: Channel) -> list[Message]:
        return channel.visible_messages()

    def threads_of(self, channel: Channel) -> list[Channel]:
        return [c for c in channel.guild.threads() if c.parent_id == channel.id]

    async def wait_for_message(
        self, channel: Channel, predicate: Callable[[Message], bool] = lambda m: True, *,
        author_is_bot: bool = True, timeout: float = DEFAULT_TIMEOUT,
    ) -> Message:
        def find() -> Message | None:
            for m in reversed(channel.visible_messages()):
                if (not author_is_bot or m.author.id == self.world.bot.id) and predicate(m):
                    return m
            return None

        return await self.wait_for(find, timeout, lambda: f'no matching message in #{channel.name}')

    async def wait_for_thread(
        self, channel: Channel, predicate: Callable[[Channel], bool] = lambda t: True, timeout: float = DEFAULT_TIMEOUT
    ) -> Channel:
        return await self.wait_for(
            lambda: next((t for t in self.threads_of(channel) if predicate(t)), None), timeout,
            lambda: f'no matching thread under #{channel.name}',
        )

    def post(self, member: Member, channel: Channel, content: str, **fields: Any) -> Message:
        """A member writes a message in ``channel`` (the bot gets MESSAGE_CREATE per its intents)."""
        if missing(channel.guild.permissions_for(member, channel),
                   P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES):
            raise NotPermitted(f'{member.user.username} cannot send messages in #{channel.name}')
        return self.messages.create(channel, member.user, {'content': content, **fields}, [])

    # -- interactions --------------------------------------------------------------------------------
    def _require_bot(self) -> None:
        if self.gateway.current is None or not self.gateway.current.valid:
            raise DriverError('the bot has no gateway session; start it and await fake.wait_until_ready()')

    def _check_command_permission(self, command: dict[str, Any], member: Member, channel: Channel) -> None:
        have = channel.guild.permissions_for(member, channel)
        if not have & P.USE_APPLICATION_COMMANDS and not have & P.ADMINISTRATOR:
            raise NotPermitted(f'{member.user.username} lacks USE_APPLICATION_COMMANDS in #{channel.name}')
        needed = command.get('default_member_permissions')
        if needed is not None:
            lacking = missing(have, int(needed))
            if lacking:
                raise NotPermitted(
                    f'/{command["name"]} requires {lacking} (default_member_permissions); '
                    f'{member.user.username} would not even see it'
                )

    def _command(self, member: Member, name: str, kind: int, channel: Channel) -> dict[str, Any]:
        command = self.commands.find(channel.guild.id, name, kind)
        if command is None:
            synced = self.commands.names(channel.guild.id) + self.commands.names(None)
            raise UnknownCommand(f'command {name!r} (type {kind}) was never synced; synced: {sorted(synced)}')
        self._check_command_permission(command, member, channel)
        return command

    def _dispatch(self, rec: InteractionRecord) -> Interaction:
        self.gateway.dispatch('INTERACTION_CREATE', rec.payload)
        self.notify()
        return Interaction(self, rec)

    async def slash(self, member: Member, command: str, /, *, in_channel: Channel | None = None, **options: Any) -> Interaction:
        """Run ``/command`` (``'debate start'`` for a subcommand) with typed options, as ``member``.

        ``member`` and ``command`` are positional-only, so options may be called ``member`` or ``command``.
        """
        self._require_bot()
        channel = in_channel or self.default_channel
        top, *path = command.split()
        schema = self._command(member, top, cmds.CHAT_INPUT, channel)
        walked, leaf_schema = split_command(schema, path)
        builder = OptionBuilder(self.world, channel)
        leaf = builder.build(command, leaf_schema, options)
        data: dict[str, Any] = {
            'id': schema['id'], 'name': top, 'type': 1, 'options': nest(walked, schema, leaf),
            'guild_id': str(channel.guild.id),
        }
        if builder.resolved:
            data['resolved'] = builder.resolved
        rec = self.interactions.new(APPLICATION_COMMAND, member, channel, data, name=top)
        return self._dispatch(rec)

    async def autocomplete(
        self, member: Member, command: str, /, *, focused: str, typed: str = '', in_channel: Channel | None = None,
        **options: Any,
    ) -> Interaction:
        """The member is typing into option ``focused`` (its text: ``options[focused]`` or ``typed``)."""
        self._require_bot()
        channel = in_channel or self.default_channel
        top, *path = command.split()
        schema = self._command(member, top, cmds.CHAT_INPUT, channel)
        walked, leaf_schema = split_command(schema, path)
        options.setdefault(focused, typed)
        builder = OptionBuilder(self.world, channel)
        leaf = builder.build(command, leaf_schema, options, focused=focused)
        data: dict[str, Any] = {
            'id': schema['id'], 'name': top, 'type': 1, 'options': nest(walked, schema, leaf),
            'guild_id': str(channel.guild.id),
        }
        rec = self.interactions.new(AUTOCOMPLETE, member, channel, data, name=top)
        return self._dispatch(rec)

    async def message_command(self, member: Member, name: str, target: Message, /) -> Interaction:
        """Apps → ``name`` on ``target`` (a message context-menu command)."""
        self._require_bot()
        channel = self.world.channel(target.channel_id)
        assert channel is not None
        schema = self._command(member, name, cmds.MESSAGE, channel)
        data = {
            'id': schema['id'], 'name': name, 'type': cmds.MESSAGE, 'target_id': str(target.id),
            'guild_id': str(channel.guild.id),
            'resolved': {'messages': {str(target.id): target.payload(self.world)}},
        }
        rec = self.interactions.new(APPLICATION_COMMAND, member, channel, data, name=name)
        return self._dispatch(rec)

    async def user_command(
        self, member: Member, name: str, target: Member, /, *, in_channel: Channel | None = None
    ) -> Interaction:
        """Apps → ``name`` on a member (a user context-menu command)."""
        self._require_bot()
        channel = in_channel or self.default_channel
        schema = self._command(member, name, cmds.USER, channel)
        data = {
            'id': schema['id'], 'name': name, 'type': cmds.USER, 'target_id': str(target.id),
            'guild_id': str(channel.guild.id),
            'resolved': {
                'users': {str(target.id): target.user.payload()},
                'members': {str(target.id): target.payload(with_user=False, channel=channel)},
            },
        }
        rec = self.interactions.new(APPLICATION_COMMAND, member, channel, data, name=name)
        return self._dispatch(rec)

    def _component_message(self, member: Member, message: Message | int) -> tuple[Message, Channel]:
        msg = message if isinstance(message, Message) else (
            self.world.find_message(message) or self.messages.ephemeral.get(int(message))
        )
        if msg is None or msg.deleted:
            raise InvalidComponent(f'message {message!r} does not exist (deleted?)')
        fresh = self.messages.ephemeral.get(msg.id) or self.world.find_message(msg.id)
        msg = fresh or msg
        if msg.ephemeral and msg.interaction_metadata and msg.interaction_metadata['user']['id'] != str(member.id):
            raise InvalidComponent(f'{member.user.username} cannot see ephemeral message {msg.id}')
        channel = self.world.channel(msg.channel_id)
        assert channel is not None
        return msg, channel

    async def click(self, member: Member, message: Message | int, custom_id: str, /) -> Interaction:
        """Click the button ``custom_id`` on ``message``."""
        self._require_bot()
        msg, channel = self._component_message(member, message)
        comp = msg.component(custom_id)
        if comp is None or comp.get('type') != 2:
            raise InvalidComponent(f'message {msg.id} has no button {custom_id!r}; it has {msg.custom_ids}')
        if comp.get('disabled'):
            raise InvalidComponent(f'button {custom_id!r} on message {msg.id} is disabled')
        data = {'custom_id': custom_id, 'component_type': 2}
        rec = self.interactions.new(COMPONENT, member, channel, data, name=custom_id, message=msg)
        return self._dispatch(rec)

    async def select(
        self, member: Member, message: Message | int, custom_id: str, values: Iterable[Any], /
    ) -> Interaction:
        """Pick ``values`` in the select menu ``custom_id`` (option values, or Members/Roles/Channels)."""
        self._require_bot()
        msg, channel = self._component_message(member, message)
        comp = msg.component(custom_id)
        if comp is None or comp.get('type') not in (3, 5, 6, 7, 8):
            raise InvalidComponent(f'message {msg.id} has no select {custom_id!r}; it has {msg.custom_ids}')
        if comp.get('disabled'):
            raise InvalidComponent(f'select {custom_id!r} on message {msg.id} is disabled')
        values = list(values)
        low, high = comp.get('min_values', 1), comp.get('max_values', 1)
        if not low <= len(values) <= high:
            raise InvalidComponent(f'select {custom_id!r} takes {low}..{high} values, got {len(values)}')
        data: dict[str, Any] = {'custom_id': custom_id, 'component_type': comp['type']}
        if comp['type'] == 3:
            offered = [o['value'] for o in comp.get('options') or []]
            bad = [v for v in values if v not in offered]
            if bad:
                raise InvalidComponent(f'select {custom_id!r} has no option(s) {bad}; it offers {offered}')
            data['values'] = values
        else:
            builder = OptionBuilder(self.world, channel)
            spec_type = {5: 6, 6: 8, 7: 9, 8: 7}[comp['type']]
            data['values'] = [
                builder.convert(custom_id, {'type': spec_type, 'name': custom_id}, v) for v in values
            ]
            data['resolved'] = builder.resolved
        rec = self.interactions.new(COMPONENT, member, channel, data, name=custom_id, message=msg)
        return self._dispatch(rec)

    async def submit_modal(
        self, member: Member, source: Interaction | dict[str, Any], values: dict[str, str], /
    ) -> Interaction:
        """Fill in and submit the modal the bot opened in answer to ``source``."""
        self._require_bot()
        if isinstance(source, Interaction):
            modal = await source.modal()
            channel = source.record.channel
            message = source.record.source_message
        else:
            modal, channel, message = source, self.default_channel, None
        components, known = _modal_submission(modal, values)
        unknown = [k for k in values if k not in known]
        if unknown:
            raise InvalidComponent(f'modal {modal.get("custom_id")!r} has no field(s) {unknown}; it has {known}')
        data = {'custom_id': modal['custom_id'], 'components': components}
        rec = self.interactions.new(
            MODAL_SUBMIT, member, channel, data, name=modal['custom_id'],
            message=message if message is not None and not message.deleted else None,
        )
        return self._dispatch(rec)


def _modal_submission(modal: dict[str, Any], values: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Mirror the modal's layout with the member's values, enforcing required and lengths."""
    known: list[str] = []

    def field(c: dict[str, Any]) -> dict[str, Any] | None:
        cid = c.get('custom_id')
        if cid is None:
            return None
        known.append(cid)
        if c['type'] == 4:
            value = values.get(cid, c.get('value') or '')
            required = c.get('required', True)
            if required and not value:
                raise InvalidComponent(f'modal field {cid!r} is required')
            lo, hi = c.get('min_length', 0), c.get('max_length', 4000)
            if value and not lo <= len(value) <= hi:
                raise InvalidComponent(f'modal field {cid!r} must be {lo}..{hi} characters, got {len(value)}')
            return {'type': 4, 'custom_id': cid, 'value': value}
        if c['type'] in (3, 5, 6, 7, 8):
            chosen = values.get(cid, [])
            return {'type': c['type'], 'custom_id': cid, 'values': list(chosen)}
        return None

    out: list[dict[str, Any]] = []
    for comp in modal.get('components') or []:
        if comp.get('type') == 1:
            inner = [f for f in (field(c) for c in comp.get('components') or []) if f]
            out.append({'type': 1, 'components': inner})
        elif comp.get('type') == 18 and isinstance(comp.get('component'), dict):
            inner_field = field(comp['component'])
            if inner_field:
                out.append({'type': 18, 'id': comp.get('id', 0), 'component': inner_field})
    return out, known
