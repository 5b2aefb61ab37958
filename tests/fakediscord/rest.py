"""REST routes for users, the application, guilds, channels, messages and threads."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from . import errors as E
from . import limits
from .errors import ApiError, FormErrors
from .permissions import P, missing
from .world import PRIVATE_THREAD, PUBLIC_THREAD, Channel, Message, iso

if TYPE_CHECKING:
    from .driver import FakeDiscord
    from .server import Call


class Rest:
    def __init__(self, fake: 'FakeDiscord') -> None:
        self.fake = fake

    @property
    def world(self):
        return self.fake.world

    def routes(self) -> list[tuple[str, str, Any]]:
        ch = '/channels/{channel_id}'
        msg = ch + '/messages/{message_id}'
        return [
            ('GET', '/users/@me', self.get_me),
            ('GET', '/users/{user_id}', self.get_user),
            ('GET', '/oauth2/applications/@me', self.get_application),
            ('GET', '/applications/@me', self.get_application),
            ('GET', '/gateway', self.get_gateway),
            ('GET', '/gateway/bot', self.get_gateway_bot),
            ('GET', '/guilds/{guild_id}', self.get_guild),
            ('GET', '/guilds/{guild_id}/channels', self.get_guild_channels),
            ('GET', '/guilds/{guild_id}/roles', self.get_roles),
            ('GET', '/guilds/{guild_id}/members/{user_id}', self.get_member),
            ('GET', '/guilds/{guild_id}/threads/active', self.get_active_threads),
            ('GET', ch, self.get_channel),
            ('PATCH', ch, self.edit_channel),
            ('POST', ch + '/typing', self.typing),
            ('GET', ch + '/messages', self.history),
            ('POST', ch + '/messages', self.send_message),
            ('GET', msg, self.get_message),
            ('PATCH', msg, self.edit_message),
            ('DELETE', msg, self.delete_message),
            ('PUT', msg + '/reactions/{emoji}/@me', self.add_reaction),
            ('DELETE', msg + '/reactions/{emoji}/@me', self.remove_reaction),
            ('POST', msg + '/threads', self.thread_from_message),
            ('POST', ch + '/threads', self.thread_standalone),
            ('PUT', ch + '/thread-members/{user_id}', self.join_thread),
            ('DELETE', ch + '/thread-members/{user_id}', self.leave_thread),
            ('GET', ch + '/thread-members', self.thread_members),
        ]

    # -- checks --------------------------------------------------------------------------------------
    def channel(self, call: 'Call') -> Channel:
        channel = self.world.channel(int(call.params['channel_id']))
        if channel is None or channel.guild.id not in self.world.guilds:
            raise ApiError(404, E.UNKNOWN_CHANNEL, 'Unknown Channel')
        return channel

    def require(self, channel: Channel, need: int) -> None:
        """403 when the bot lacks ``need`` in ``channel``: 50001 if it cannot even see it."""
        have = channel.guild.effective_permissions(self.world.bot_member(channel.guild), channel)
        if not have & P.VIEW_CHANNEL:
            raise ApiError(403, E.MISSING_ACCESS, 'Missing Access')
        lacking = missing(have, need)
        if lacking:
            self.fake.permission_denials.append((channel.id, lacking))
            raise ApiError(403, E.MISSING_PERMISSIONS, 'Missing Permissions')

    def message(self, channel: Channel, call: 'Call') -> Message:
        msg = channel.messages.get(int(call.params['message_id']))
        if msg is None or msg.deleted:
            raise ApiError(404, E.UNKNOWN_MESSAGE, 'Unknown Message')
        return msg

    # -- users / application -------------------------------------------------------------------------
    async def get_me(self, call: 'Call') -> dict[str, Any]:
        return {**self.world.bot.payload(), 'verified': True, 'mfa_enabled': False, 'flags': 0, 'locale': 'en-US'}

    async def get_user(self, call: 'Call') -> dict[str, Any]:
        user = self.world.users.get(int(call.params['user_id']))
        if user is None:
            raise ApiError(404, E.UNKNOWN_USER, 'Unknown User')
        return user.payload()

    async def get_application(self, call: 'Call') -> dict[str, Any]:
        w = self.world
        return {
            'id': str(w.application_id),
            'name': w.bot.username,
            'icon': None,
            'description': 'fake application',
            'summary': '',
            'type': None,
            'bot_public': False,
            'bot_require_code_grant': False,
            'verify_key': '0' * 64,
            'flags': 0,
            'owner': w.owner.payload(),
            'team': None,
            'bot': w.bot.payload(),
            'interactions_endpoint_url': None,
            'role_connections_verification_url': None,
            'tags': [],
            'redirect_uris': [],
            'approximate_guild_count': len(w.guilds),
            'integration_types_config': {'0': {}},
        }

    async def get_gateway(self, call: 'Call') -> dict[str, Any]:
        return {'url': self.fake.gateway_url}

    async def get_gateway_bot(self, call: 'Call') -> dict[str, Any]:
        return {
            'url': self.fake.gateway_url,
            'shards': 1,
            'session_start_limit': {'total': 1000, 'remaining': 999, 'reset_after': 0, 'max_concurrency': 1},
        }

    # -- guilds --------------------------------------------------------------------------------------
    def guild(self, call: 'Call'):
        guild = self.world.guilds.get(int(call.params['guild_id']))
        if guild is None or self.world.bot.id not in guild.members:
            raise ApiError(404, E.UNKNOWN_GUILD, 'Unknown Guild')
        return guild

    async def get_guild(self, call: 'Call') -> dict[str, Any]:
        data = self.guild(call).payload(self.world)
        for key in ('members', 'channels', 'threads', 'voice_states', 'presences', 'joined_at', 'large'):
            data.pop(key, None)
        return data

    async def get_guild_channels(self, call: 'Call') -> list[dict[str, Any]]:
        return [c.payload() for c in self.guild(call).text_channels()]

    async def get_roles(self, call: 'Call') -> list[dict[str, Any]]:
        return [r.payload() for r in self.guild(call).roles.values()]

    async def get_member(self, call: 'Call') -> dict[str, Any]:
        member = self.guild(call).members.get(int(call.params['user_id']))
        if member is None:
            raise ApiError(404, E.UNKNOWN_MEMBER, 'Unknown Member')
        return member.payload()

    async def get_active_threads(self, call: 'Call') -> dict[str, Any]:
        threads = [t for t in self.guild(call).threads() if not t.archived]
        return {'threads': [t.payload() for t in threads], 'members': []}

    # -- channels ------------------------------------------------------------------------------------
    async def get_channel(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        self.require(channel, 0)
        return channel.payload()

    async def edit_channel(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        body = call.json or {}
        if channel.is_thread:
            is_owner = channel.owner_id == self.world.bot.id
            only_archive = set(body) <= {'archived', 'name', 'auto_archive_duration'}
            self.require(channel, 0 if is_owner and only_archive else P.MANAGE_THREADS)
            if 'name' in body:
                _check_thread_name(body['name'])
                channel.name = body['name']
            if 'archived' in body:
                channel.archived = bool(body['archived'])
                channel.archived_at = time.time()
            if 'locked' in body:
                channel.locked = bool(body['locked'])
            if 'auto_archive_duration' in body:
                channel.auto_archive_duration = int(body['auto_archive_duration'])
            event = 'THREAD_UPDATE'
        else:
            self.require(channel, P.MANAGE_CHANNELS)
            for key in ('name', 'topic'):
                if key in body:
                    setattr(channel, key, body[key])
            event = 'CHANNEL_UPDATE'
        self.fake.gateway.dispatch(event, channel.payload())
        self.fake.notify()
        return channel.payload()

    async def typing(self, call: 'Call') -> None:
        channel = self.channel(call)
        self.require(channel, P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES)
        return None

    async def history(self, call: 'Call') -> list[dict[str, Any]]:
        channel = self.channel(call)
        self.require(channel, P.READ_MESSAGE_HISTORY)
        limit = min(int(call.query.get('limit', 50)), 100)
        msgs = sorted(channel.visible_messages(), key=lambda m: m.id, reverse=True)
        if 'before' in call.query:
            msgs = [m for m in msgs if m.id < int(call.query['before'])]
        if 'after' in call.query:
            msgs = sorted((m for m in msgs if m.id > int(call.query['after'])), key=lambda m: m.id)
        return [m.payload(self.world) for m in msgs[:limit]]

    async def send_message(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        body = call.json or {}
        need = P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES
        if body.get('embeds'):
            need |= P.EMBED_LINKS
        if call.uploads:
            need |= P.ATTACH_FILES
        if body.get('message_reference'):
            need |= P.READ_MESSAGE_HISTORY
        self.require(channel, need)
        if channel.is_thread and channel.locked:
            raise ApiError(403, E.THREAD_LOCKED, 'Thread is locked')
        self.fake.messages.validate(body, call.uploads)
        if body.get('flags') and int(body['flags']) & limits.EPHEMERAL_FLAG:
            raise ApiError(400, 50035, 'Invalid Form Body', {'flags': {'_errors': [
                {'code': 'MESSAGE_FLAGS_INVALID', 'message': 'Ephemeral messages are only for interactions'}]}})
        if channel.is_thread and channel.archived:
            channel.archived = False
            self.fake.gateway.dispatch('THREAD_UPDATE', channel.payload())
        msg = self.fake.messages.create(channel, self.world.bot, body, call.uploads, type=19 if body.get('message_reference') else 0)
        return msg.payload(self.world)

    async def get_message(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        self.require(channel, P.READ_MESSAGE_HISTORY)
        return self.message(channel, call).payload(self.world)

    async def edit_message(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        self.require(channel, 0)
        msg = self.message(channel, call)
        body = call.json or {}
        if msg.author.id != self.world.bot.id or msg.webhook_id is not None:
            if set(body) - {'flags'}:
                raise ApiError(403, E.CANNOT_EDIT_OTHERS_MESSAGE, 'Cannot edit a message authored by another user')
            self.require(channel, P.MANAGE_MESSAGES)
        self.fake.messages.validate(body, call.uploads, partial=True)
        if call.uploads:
            self.require(channel, P.ATTACH_FILES)  # new files need Attach Files; keeping old ones does not
        have = channel.guild.effective_permissions(self.world.bot_member(channel.guild), channel)
        if body.get('embeds') and missing(have, P.EMBED_LINKS):
            # Discord answers 200 and drops the embeds (discord-api-docs #2601, #5648): the edit leaves none.
            body = {**body, 'embeds': []}
            if _would_be_empty(msg, body, call.uploads):
                raise ApiError(400, E.CANNOT_SEND_EMPTY_MESSAGE, 'Cannot send an empty message')
        return self.fake.messages.edit(msg, body, call.uploads).payload(self.world)

    async def delete_message(self, call: 'Call') -> None:
        channel = self.channel(call)
        msg = self.message(channel, call)
        if msg.author.id != self.world.bot.id:
            self.require(channel, P.MANAGE_MESSAGES)
        self.fake.messages.delete(msg)

    async def add_reaction(self, call: 'Call') -> None:
        channel = self.channel(call)
        self.require(channel, P.ADD_REACTIONS | P.READ_MESSAGE_HISTORY)
        msg = self.message(channel, call)
        self.fake.reactions.setdefault(msg.id, []).append(call.params['emoji'])
        self.fake.notify()

    async def remove_reaction(self, call: 'Call') -> None:
        channel = self.channel(call)
        msg = self.message(channel, call)
        emojis = self.fake.reactions.get(msg.id, [])
        if call.params['emoji'] in emojis:
            emojis.remove(call.params['emoji'])
        self.fake.notify()

    # -- threads -------------------------------------------------------------------------------------
    def _thread_body(self, body: dict[str, Any]) -> tuple[str, int]:
        errors = FormErrors()
        errors.length_between('name', body.get('name'), 1, limits.THREAD_NAME)
        duration = int(body.get('auto_archive_duration') or 1440)
        if duration not in (60, 1440, 4320, 10080):
            errors.add('auto_archive_duration', 'BASE_TYPE_CHOICES', 'Value must be one of (60, 1440, 4320, 10080).')
        errors.raise_if_any()
        return body['name'], duration

    def _announce_thread(self, thread: Channel) -> dict[str, Any]:
        data = thread.payload()
        self.fake.gateway.dispatch('THREAD_CREATE', {**data, 'newly_created': True})
        self.fake.notify()
        return data

    async def thread_from_message(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        if channel.is_thread:
            raise ApiError(400, 50024, 'Cannot execute action on this channel type')
        self.require(channel, P.CREATE_PUBLIC_THREADS | P.READ_MESSAGE_HISTORY)
        msg = self.message(channel, call)
        if msg.thread_id is not None:
            raise ApiError(400, E.THREAD_ALREADY_CREATED, 'A thread has already been created for this message')
        name, duration = self._thread_body(call.json or {})
        thread = self.world.add_thread(channel, name, owner=self.world.bot, id=msg.id, auto_archive_duration=duration)
        thread.starter_message_id = msg.id
        msg.thread_id = thread.id
        data = self._announce_thread(thread)
        self.fake.gateway.dispatch('MESSAGE_UPDATE', self.fake.messages.event_payload(msg))
        return data

    async def thread_standalone(self, call: 'Call') -> dict[str, Any]:
        channel = self.channel(call)
        if channel.is_thread:
            raise ApiError(400, 50024, 'Cannot execute action on this channel type')
        body = call.json or {}
        kind = int(body.get('type') or PRIVATE_THREAD)
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise ApiError(400, 50035, 'Invalid Form Body', {'type': {'_errors': [
                {'code': 'BASE_TYPE_CHOICES', 'message': 'Value must be one of (10, 11, 12).'}]}})
        self.require(channel, P.CREATE_PUBLIC_THREADS if kind == PUBLIC_THREAD else P.CREATE_PRIVATE_THREADS)
        name, duration = self._thread_body(body)
        thread = self.world.add_thread(channel, name, owner=self.world.bot, type=kind, auto_archive_duration=duration)
        return self._announce_thread(thread)

    def _thread(self, call: 'Call') -> Channel:
        channel = self.channel(call)
        if not channel.is_thread:
            raise ApiError(400, 50024, 'Cannot execute action on this channel type')
        return channel

    async def join_thread(self, call: 'Call') -> None:
        thread = self._thread(call)
        uid = call.params['user_id']
        user_id = self.world.bot.id if uid == '@me' else int(uid)
        if user_id != self.world.bot.id:
            self.require(thread, P.SEND_MESSAGES_IN_THREADS)
            if user_id not in thread.guild.members:
                raise ApiError(404, E.UNKNOWN_MEMBER, 'Unknown Member')
        thread.member_ids.add(user_id)
        self.fake.notify()

    async def leave_thread(self, call: 'Call') -> None:
        thread = self._thread(call)
        uid = call.params['user_id']
        user_id = self.world.bot.id if uid == '@me' else int(uid)
        if user_id != self.world.bot.id:
            self.require(thread, P.MANAGE_THREADS)
        thread.member_ids.discard(user_id)
        self.fake.notify()

    async def thread_members(self, call: 'Call') -> list[dict[str, Any]]:
        thread = self._thread(call)
        return [
            {'id': str(thread.id), 'user_id': str(u), 'join_timestamp': iso(0), 'flags': 0}
            for u in sorted(thread.member_ids)
        ]


def _would_be_empty(msg: Message, body: dict[str, Any], uploads: list) -> bool:
    """Whether ``msg`` edited with ``body`` would have nothing left to show."""
    content = body['content'] if 'content' in body else msg.content
    components = body['components'] if 'components' in body else msg.components
    kept = msg.attachments if body.get('attachments') is None else [
        a for a in msg.attachments if any(str(e.get('id')) == str(a.id) for e in body['attachments'])]
    return not content and not body.get('embeds') and not components and not kept and not uploads


def _check_thread_name(name: Any) -> None:
    errors = FormErrors()
    errors.length_between('name', name, 1, limits.THREAD_NAME)
    errors.raise_if_any()
