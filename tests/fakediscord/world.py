"""The fake's world: users, guilds, roles, members, channels, threads and messages.

Plain data with ``payload()`` methods that render Discord's JSON shapes. No I/O here: the server
reads and changes the world, the driver builds it for tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Iterable

from . import permissions as perms
from .snowflake import SnowflakeGenerator, snowflake_time

TEXT = 0
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (PUBLIC_THREAD, PRIVATE_THREAD)
SEND_TTS_MESSAGES = 1 << 12  # not among perms.P; only ever taken away here
#: What a member without SEND_MESSAGES lacks too, whatever their roles and overwrites grant (Discord's Permissions
#: docs, "Implicit Permissions"; discord.py's ``permissions_for`` applies the same rule to its cache).
IMPLIED_BY_SEND_MESSAGES = int(perms.P.MENTION_EVERYONE | perms.P.ATTACH_FILES | perms.P.EMBED_LINKS) | SEND_TTS_MESSAGES


def iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f'<@{self.id}>'

    def payload(self) -> dict[str, Any]:
        return {
            'id': str(self.id),
            'username': self.username,
            'global_name': self.global_name,
            'discriminator': '0',
            'avatar': None,
            'bot': self.bot,
            'public_flags': 0,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    @property
    def mention(self) -> str:
        return f'<@&{self.id}>'

    def payload(self) -> dict[str, Any]:
        return {
            'id': str(self.id),
            'name': self.name,
            'permissions': str(self.permissions),
            'position': self.position,
            'color': 0,
            'colors': {'primary_color': 0, 'secondary_color': None, 'tertiary_color': None},
            'hoist': False,
            'managed': self.managed,
            'mentionable': True,
            'icon': None,
            'unicode_emoji': None,
            'flags': 0,
        }


@dataclass
class Member:
    user: User
    guild: 'Guild'
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: float = 0.0

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, channel: 'Channel | None' = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            'roles': [str(r) for r in self.role_ids],
            'nick': self.nick,
            'avatar': None,
            'joined_at': iso(self.joined_at),
            'premium_since': None,
            'deaf': False,
            'mute': False,
            'pending': False,
            'flags': 0,
            'communication_disabled_until': None,
        }
        if with_user:
            data['user'] = self.user.payload()
        if channel is not None:
            data['permissions'] = str(self.guild.permissions_for(self, channel))
        return data


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {'id': str(self.id), 'type': self.type, 'allow': str(self.allow), 'deny': str(self.deny)}


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str = 'application/octet-stream'
    description: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            'id': str(self.id),
            'filename': self.filename,
            'size': len(self.data),
            'url': self.url,
            'proxy_url': self.url,
            'content_type': self.content_type,
            'description': self.description,
        }


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ''
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    edited_at: float | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    thread_id: int | None = None
    mentions: list[User] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    deleted: bool = False
    #: the raw JSON body the bot sent (create or last edit), for assertions on exactly what went out
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def created_at(self) -> float:
        return snowflake_time(self.id)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    # -- helpers for tests ---------------------------------------------------------------------------
    def iter_components(self) -> Iterable[dict[str, Any]]:
        return iter_components(self.components)

    @property
    def custom_ids(self) -> list[str]:
        return [c['custom_id'] for c in self.iter_components() if 'custom_id' in c]

    def component(self, custom_id: str) -> dict[str, Any] | None:
        return next((c for c in self.iter_components() if c.get('custom_id') == custom_id), None)

    def button(self, *, label: str | None = None, custom_id: str | None = None) -> dict[str, Any]:
        for c in self.iter_components():
            if c.get('type') == 2 and (label is None or c.get('label') == label) and (
                custom_id is None or c.get('custom_id') == custom_id
            ):
                return c
        raise LookupError(f'no button label={label!r} custom_id={custom_id!r} in message {self.id}: {self.custom_ids}')

    def payload(self, world: 'World') -> dict[str, Any]:
        data: dict[str, Any] = {
            'id': str(self.id),
            'channel_id': str(self.channel_id),
            'author': self.author.payload(),
            'content': self.content,
            'timestamp': iso(self.created_at),
            'edited_timestamp': iso(self.edited_at) if self.edited_at else None,
            'tts': False,
            'mention_everyone': False,
            'mentions': [u.payload() for u in self.mentions],
            'mention_roles': [str(r) for r in self.mention_roles],
            'attachments': [a.payload() for a in self.attachments],
            'embeds': self.embeds,
            'components': self.components,
            'pinned': False,
            'type': self.type,
            'flags': self.flags,
        }
        if self.guild_id is not None:
            data['guild_id'] = str(self.guild_id)
        if self.webhook_id is not None:
            data['webhook_id'] = str(self.webhook_id)
        if self.application_id is not None:
            data['application_id'] = str(self.application_id)
        if self.interaction_metadata is not None:
            data['interaction_metadata'] = self.interaction_metadata
        if self.message_reference is not None:
            data['message_reference'] = self.message_reference
        if self.thread_id is not None and self.thread_id in world.channels:
            data['thread'] = world.channels[self.thread_id].payload()
        return data


def iter_components(components: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Every component, depth first, through action rows, sections, containers and labels."""
    for c in components or []:
        yield c
        yield from iter_components(c.get('components') or [])
        if isinstance(c.get('component'), dict):
            yield from iter_components([c['component']])
        if isinstance(c.get('accessory'), dict):
            yield from iter_components([c['accessory']])


@dataclass
class Channel:
    id: int
    guild: 'Guild'
    name: str
    type: int = TEXT
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    messages: dict[int, Message] = field(default_factory=dict)
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archived_at: float = 0.0
    member_ids: set[int] = field(default_factory=set)
    #: for a thread started from a message: that message (same id as the thread)
    starter_message_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def mention(self) -> str:
        return f'<#{self.id}>'

    def visible_messages(self) -> list[Message]:
        return [m for m in self.messages.values() if not m.deleted]

    def last_message(self) -> Message | None:
        visible = self.visible_messages()
        return visible[-1] if visible else None

    def payload(self) -> dict[str, Any]:
        last = self.last_message()
        data: dict[str, Any] = {
            'id': str(self.id),
            'type': self.type,
            'guild_id': str(self.guild.id),
            'name': self.name,
            'position': self.position,
            'permission_overwrites': [o.payload() for o in self.overwrites],
            'nsfw': False,
            'rate_limit_per_user': 0,
            'last_message_id': str(last.id) if last else None,
            'flags': 0,
        }
        if self.is_thread:
            data.update(
                parent_id=str(self.parent_id),
                owner_id=str(self.owner_id),
                message_count=len(self.visible_messages()),
                member_count=len(self.member_ids),
                total_message_sent=len(self.messages),
                thread_metadata={
                    'archived': self.archived,
                    'auto_archive_duration': self.auto_archive_duration,
                    'archive_timestamp': iso(self.archived_at or snowflake_time(self.id)),
                    'locked': self.locked,
                    'invitable': self.type == PRIVATE_THREAD,
                    'create_timestamp': iso(snowflake_time(self.id)),
                },
            )
            del data['position'], data['permission_overwrites']
        else:
            data.update(topic=self.topic, parent_id=None, default_auto_archive_duration=1440)
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def text_channels(self) -> list[Channel]:
        return [c for c in self.channels.values() if not c.is_thread]

    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread]

    def channel(self, name: str) -> Channel:
        return next(c for c in self.channels.values() if c.name == name)

    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner_id:
            return perms.ALL
        value = self.everyone.permissions
        for role_id in member.role_ids:
            value |= self.roles[role_id].permissions
        return perms.ALL if value & perms.P.ADMINISTRATOR else value

    def permissions_for(self, member: Member, channel: Channel) -> int:
        """Discord's algorithm: base, then @everyone, role and member overwrites of the channel
        (a thread uses its parent's)."""
        value = self.base_permissions(member)
        if value & perms.P.ADMINISTRATOR:
            return perms.ALL
        if channel.is_thread and channel.parent_id in self.channels:
            channel = self.channels[channel.parent_id]
        by_id = {o.id: o for o in channel.overwrites}
        everyone = by_id.get(self.id)
        if everyone:
            value = (value & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in member.role_ids:
            o = by_id.get(role_id)
            if o and o.type == 0:
                allow |= o.allow
                deny |= o.deny
        value = (value & ~deny) | allow
        own = by_id.get(member.id)
        if own and own.type == 1:
            value = (value & ~own.deny) | own.allow
        if not value & perms.P.VIEW_CHANNEL:
            return 0
        return value

    def effective_permissions(self, member: Member, channel: Channel) -> int:
        """What Discord lets ``member`` do in ``channel``: :meth:`permissions_for` with Discord's implicit denial,
        "Denying SEND_MESSAGES implicitly denies MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES, and
        EMBED_LINKS" (a thread goes by its parent's Send Messages, as computed there). The REST routes enforce
        this; payloads (``app_permissions``, resolved channels) keep the overwrite-computed value."""
        value = self.permissions_for(member, channel)
        if value & perms.P.ADMINISTRATOR or value & perms.P.SEND_MESSAGES:
            return value
        return value & ~IMPLIED_BY_SEND_MESSAGES

    def payload(self, world: 'World') -> dict[str, Any]:
        """GUILD_CREATE's shape (a REST guild is a subset)."""
        return {
            'id': str(self.id),
            'name': self.name,
            'icon': None,
            'splash': None,
            'discovery_splash': None,
            'owner_id': str(self.owner_id),
            'afk_channel_id': None,
            'afk_timeout': 300,
            'verification_level': 0,
            'default_message_notifications': 0,
            'explicit_content_filter': 0,
            'roles': [r.payload() for r in self.roles.values()],
            'emojis': [],
            'stickers': [],
            'features': [],
            'mfa_level': 0,
            'application_id': None,
            'system_channel_id': None,
            'system_channel_flags': 0,
            'rules_channel_id': None,
            'vanity_url_code': None,
            'description': None,
            'banner': None,
            'premium_tier': 0,
            'premium_subscription_count': 0,
            'preferred_locale': 'en-US',
            'public_updates_channel_id': None,
            'nsfw_level': 0,
            'premium_progress_bar_enabled': False,
            'joined_at': iso(snowflake_time(self.id)),
            'large': False,
            'unavailable': False,
            'member_count': len(self.members),
            'voice_states': [],
            'members': [m.payload() for m in self.members.values()],
            'channels': [c.payload() for c in self.text_channels()],
            'threads': [c.payload() for c in self.threads() if not c.archived],
            'presences': [],
            'stage_instances': [],
            'guild_scheduled_events': [],
            'soundboard_sounds': [],
        }


class World:
    """Everything that exists in the fake Discord. Tests build it through these methods."""

    def __init__(self, *, bot_name: str = 'Chapter Bot') -> None:
        self.ids = SnowflakeGenerator()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.application_id = self.ids.next()
        self.bot = self.add_user(bot_name, bot=True, id=self.application_id)
        self.owner = self.add_user('app-owner')
        self.bot_permissions = perms.BOT_DEFAULT
        #: attachment id -> Attachment, served over HTTP at /attachments/{id}/{filename}
        self.attachments: dict[int, Attachment] = {}
        self.base_url = ''  # set by the server once it listens
        #: callables(event_name, payload) told about changes the bot should hear of over the gateway
        self.listeners: list[Any] = []
        self._quiet = False

    def _emit(self, event: str, data: dict[str, Any]) -> None:
        if not self._quiet:
            for listener in self.listeners:
                listener(event, data)

    # -- building ------------------------------------------------------------------------------------
    def add_user(self, username: str, *, bot: bool = False, id: int | None = None) -> User:
        user = User(id=id or self.ids.next(), username=username, bot=bot, global_name=username)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = 'Chapter',
        *,
        everyone_permissions: int = perms.EVERYONE_DEFAULT,
        bot_permissions: int | None = None,
        channels: Iterable[str] = ('general',),
    ) -> Guild:
        """A guild with @everyone, an owner, the bot as a member (with its integration role) and the
        named text channels."""
        guild_id = self.ids.next()
        owner = self.add_user(f'{name.lower()}-owner')
        guild = Guild(id=guild_id, name=name, owner_id=owner.id)
        guild.roles[guild_id] = Role(id=guild_id, guild_id=guild_id, name='@everyone', permissions=everyone_permissions)
        self.guilds[guild_id] = guild
        self._quiet = True
        try:
            self._join(guild, owner, [])
            bot_role = self.add_role(
                guild, self.bot.username, permissions=self.bot_permissions if bot_permissions is None else bot_permissions
            )
            bot_role.managed = True
            self._join(guild, self.bot, [bot_role.id])
            for channel in channels:
                self.add_channel(guild, channel)
        finally:
            self._quiet = False
        self._emit('GUILD_CREATE', guild.payload(self))
        return guild

    def add_role(self, guild: Guild, name: str, *, permissions: int | perms.P = 0) -> Role:
        role = Role(
            id=self.ids.next(), guild_id=guild.id, name=name, permissions=int(permissions), position=len(guild.roles)
        )
        guild.roles[role.id] = role
        self._emit('GUILD_ROLE_CREATE', {'guild_id': str(guild.id), 'role': role.payload()})
        return role

    def add_channel(
        self, guild: Guild, name: str, *, topic: str | None = None, overwrites: Iterable[Overwrite] = ()
    ) -> Channel:
        channel = Channel(
            id=self.ids.next(), guild=guild, name=name, topic=topic, position=len(guild.channels),
            overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self._emit('CHANNEL_CREATE', channel.payload())
        return channel

    def add_member(
        self,
        guild: Guild,
        name: str,
        *,
        roles: Iterable[Role] = (),
        permissions: int | perms.P | None = None,
        bot: bool = False,
    ) -> Member:
        """A member; ``permissions`` gives them a personal role with exactly those bits."""
        user = self.add_user(name, bot=bot)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f'{name}-role', permissions=permissions).id)
        return self._join(guild, user, role_ids)

    def join(self, guild: Guild, user: User, *, roles: Iterable[Role] = ()) -> Member:
        """An existing user (a member of another guild, say) joins ``guild`` too."""
        return self._join(guild, user, [r.id for r in roles])

    def deny(self, channel: Channel, target: Role | Member | Guild, bits: int | perms.P) -> None:
        """Add a channel overwrite denying ``bits`` to a role, a member or (a Guild) @everyone."""
        self._overwrite(channel, target, deny=int(bits))

    def allow(self, channel: Channel, target: Role | Member | Guild, bits: int | perms.P) -> None:
        self._overwrite(channel, target, allow=int(bits))

    def _overwrite(self, channel: Channel, target: Role | Member | Guild, *, allow: int = 0, deny: int = 0) -> None:
        """Change the overwrite and tell the bot (CHANNEL_UPDATE with the channel's new overwrites), as Discord
        does when a member edits a channel's permissions."""
        if channel.is_thread:
            raise ValueError('threads have no permission overwrites of their own; change their parent channel')
        kind = 1 if isinstance(target, Member) else 0
        found = next((o for o in channel.overwrites if o.id == target.id), None)
        if found is None:
            found = Overwrite(id=target.id, type=kind)
            channel.overwrites.append(found)
        found.allow = (found.allow | allow) & ~deny
        found.deny = (found.deny | deny) & ~allow
        self._emit('CHANNEL_UPDATE', channel.payload())

    def _join(self, guild: Guild, user: User, role_ids: list[int]) -> Member:
        member = Member(user=user, guild=guild, role_ids=role_ids, joined_at=snowflake_time(guild.id))
        guild.members[user.id] = member
        self._emit('GUILD_MEMBER_ADD', {**member.payload(), 'guild_id': str(guild.id)})
        return member

    # -- lookups -------------------------------------------------------------------------------------
    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot.id]

    def channel(self, channel_id: int) -> Channel | None:
        return self.channels.get(int(channel_id))

    def message(self, channel_id: int, message_id: int) -> Message | None:
        channel = self.channel(channel_id)
        if channel is None:
            return None
        msg = channel.messages.get(int(message_id))
        return None if msg is None or msg.deleted else msg

    def find_message(self, message_id: int) -> Message | None:
        for channel in self.channels.values():
            msg = channel.messages.get(int(message_id))
            if msg is not None:
                return msg
        return None

    def add_thread(
        self, parent: Channel, name: str, *, owner: User, type: int = PUBLIC_THREAD, id: int | None = None,
        auto_archive_duration: int = 1440,
    ) -> Channel:
        thread = Channel(
            id=id or self.ids.next(), guild=parent.guild, name=name, type=type, parent_id=parent.id,
            owner_id=owner.id, auto_archive_duration=auto_archive_duration,
        )
        thread.member_ids.add(owner.id)
        parent.guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        return thread

    def add_attachment(self, filename: str, data: bytes, content_type: str = 'application/octet-stream') -> Attachment:
        att_id = self.ids.next()
        att = Attachment(
            id=att_id, filename=filename, data=data, content_type=content_type,
            url=f'{self.base_url}/attachments/{att_id}/{filename}',
        )
        self.attachments[att_id] = att
        return att
