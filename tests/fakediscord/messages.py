"""Creating and editing messages the way Discord does: attachments from multipart uploads,
mentions filtered by ``allowed_mentions``, limits checked, gateway events dispatched."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import limits
from .errors import ApiError, FormErrors
from .world import Attachment, Channel, Message, User

if TYPE_CHECKING:
    from .driver import FakeDiscord

USER_MENTION = re.compile(r'<@!?(\d+)>')
ROLE_MENTION = re.compile(r'<@&(\d+)>')
LOADING = 1 << 7
EPHEMERAL = 1 << 6
SUPPRESS_EMBEDS = 1 << 2


@dataclass
class Upload:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    data: bytes
    content_type: str

    @property
    def index(self) -> int | None:
        m = re.fullmatch(r'files\[(\d+)\]', self.field)
        return int(m.group(1)) if m else None


class Messages:
    def __init__(self, fake: 'FakeDiscord') -> None:
        self.fake = fake
        #: ephemeral messages (only their member sees them; not in any channel history)
        self.ephemeral: dict[int, Message] = {}

    @property
    def world(self):
        return self.fake.world

    def validate(self, data: dict[str, Any], uploads: list[Upload], *, prefix: str = '', partial: bool = False) -> None:
        errors = FormErrors()
        limits.check_message(data, errors, prefix=prefix, has_files=bool(uploads), partial=partial)
        errors.raise_if_any()

    def create(
        self,
        channel: Channel,
        author: User,
        data: dict[str, Any],
        uploads: list[Upload],
        *,
        type: int = 0,
        webhook_id: int | None = None,
        interaction_metadata: dict[str, Any] | None = None,
        loading: bool = False,
        announce: bool = True,
    ) -> Message:
        flags = int(data.get('flags') or 0)
        if loading:
            flags |= LOADING
        msg = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild.id,
            author=author,
            content=data.get('content') or '',
            embeds=[_embed(e) for e in data.get('embeds') or []],
            components=list(data.get('components') or []),
            flags=flags,
            type=type,
            webhook_id=webhook_id,
            application_id=self.world.application_id if webhook_id else None,
            interaction_metadata=interaction_metadata,
            message_reference=_reference(data.get('message_reference'), channel),
            raw=data,
        )
        msg.attachments = self._attachments(data, uploads, [])
        msg.mentions, msg.mention_roles = self._mentions(msg.content, data.get('allowed_mentions'), channel)
        replied_to = msg.message_reference and channel.messages.get(int(msg.message_reference['message_id']))
        if replied_to and _pings_replied_user(data.get('allowed_mentions')) and replied_to.author not in msg.mentions:
            msg.mentions.append(replied_to.author)  # as Discord does: a reply pings whom it answers, by default
        if msg.ephemeral:
            self.ephemeral[msg.id] = msg
        else:
            channel.messages[msg.id] = msg
            if announce:
                self.fake.gateway.dispatch('MESSAGE_CREATE', self.event_payload(msg))
        self.fake.notify()
        return msg

    def edit(self, msg: Message, data: dict[str, Any], uploads: list[Upload]) -> Message:
        was_loading = bool(msg.flags & LOADING)
        if 'content' in data:
            msg.content = data['content'] or ''
        if 'embeds' in data:
            msg.embeds = [_embed(e) for e in data['embeds'] or []]
        if 'components' in data:
            msg.components = list(data['components'] or [])
        if data.get('flags') is not None:
            keep = msg.flags & (EPHEMERAL | limits.COMPONENTS_V2_FLAG)
            msg.flags = keep | (int(data['flags']) & (SUPPRESS_EMBEDS | limits.COMPONENTS_V2_FLAG))
        msg.flags &= ~LOADING
        if 'attachments' in data or uploads:
            msg.attachments = self._attachments(data, uploads, msg.attachments)
        if 'content' in data or 'allowed_mentions' in data:
            channel = self.world.channel(msg.channel_id)
            if channel is not None:
                msg.mentions, msg.mention_roles = self._mentions(msg.content, data.get('allowed_mentions'), channel)
        if not was_loading:
            msg.edited_at = time.time()
        msg.raw = {**msg.raw, **data}
        if not msg.ephemeral:
            self.fake.gateway.dispatch('MESSAGE_UPDATE', self.event_payload(msg))
        self.fake.notify()
        return msg

    def delete(self, msg: Message) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            self.fake.gateway.dispatch(
                'MESSAGE_DELETE', {'id': str(msg.id), 'channel_id': str(msg.channel_id), 'guild_id': str(msg.guild_id)}
            )
        self.fake.notify()

    def event_payload(self, msg: Message) -> dict[str, Any]:
        data = msg.payload(self.world)
        channel = self.world.channel(msg.channel_id)
        if channel is not None and msg.author.id in channel.guild.members:
            data['member'] = channel.guild.members[msg.author.id].payload(with_user=False)
        return data

    def payload(self, msg: Message) -> dict[str, Any]:
        return msg.payload(self.world)

    # -- helpers -------------------------------------------------------------------------------------
    def _attachments(self, data: dict[str, Any], uploads: list[Upload], existing: list[Attachment]) -> list[Attachment]:
        by_index = {u.index: u for u in uploads if u.index is not None}
        result: list[Attachment] = []
        listed = data.get('attachments')
        if listed is None:
            result.extend(existing)
            listed = [{'id': i} for i in sorted(by_index)]
        existing_by_id = {a.id: a for a in existing}
        used: set[int] = set()
        for entry in listed:
            raw_id = int(entry.get('id'))
            if raw_id in existing_by_id:
                result.append(existing_by_id[raw_id])
            elif raw_id in by_index:
                up = by_index[raw_id]
                att = self.world.add_attachment(entry.get('filename') or up.filename, up.data, up.content_type)
                att.description = entry.get('description')
                result.append(att)
                used.add(raw_id)
            else:
                raise ApiError(400, 50035, 'Invalid Form Body', {'attachments': {'_errors': [
                    {'code': 'ATTACHMENT_NOT_FOUND', 'message': f'Attachment {raw_id} not found'}]}})
        for index, up in by_index.items():
            if index not in used and not any(str(e.get('id')) == str(index) for e in listed):
                result.append(self.world.add_attachment(up.filename, up.data, up.content_type))
        return result

    def _mentions(self, content: str, allowed: dict[str, Any] | None, channel: Channel) -> tuple[list[User], list[int]]:
        guild = channel.guild
        user_ids = [int(u) for u in USER_MENTION.findall(content or '')]
        role_ids = [int(r) for r in ROLE_MENTION.findall(content or '')]
        if allowed is None:
            allowed = {'parse': ['users', 'roles', 'everyone']}
        parse = set(allowed.get('parse') or [])
        allowed_users = {int(u) for u in allowed.get('users') or []}
        allowed_roles = {int(r) for r in allowed.get('roles') or []}
        users = [
            self.world.users[u] for u in dict.fromkeys(user_ids)
            if u in self.world.users and ('users' in parse or u in allowed_users)
        ]
        roles = [r for r in dict.fromkeys(role_ids) if r in guild.roles and ('roles' in parse or r in allowed_roles)]
        return users, roles


def _pings_replied_user(allowed: dict[str, Any] | None) -> bool:
    """Without allowed_mentions a reply pings the replied-to author; with them, only if replied_user is true."""
    return allowed is None or bool(allowed.get('replied_user', False))


def _embed(embed: dict[str, Any]) -> dict[str, Any]:
    return {'type': 'rich', **embed}


def _reference(ref: dict[str, Any] | None, channel: Channel) -> dict[str, Any] | None:
    if not ref:
        return None
    target = ref.get('message_id')
    if target is not None and int(target) not in channel.messages and ref.get('fail_if_not_exists', True):
        raise ApiError(400, 50035, 'Invalid Form Body', {'message_reference': {'_errors': [
            {'code': 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'message': 'Unknown message'}]}})
    return {'type': 0, 'message_id': str(target), 'channel_id': str(channel.id), 'guild_id': str(channel.guild.id)}
