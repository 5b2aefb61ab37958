"""Interactions: the payloads the driver injects, and the callback / webhook routes the bot answers
them with, enforcing the 3-second acknowledgement and the one-acknowledgement rules."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import errors as E
from . import limits
from .errors import ApiError, FormErrors
from .world import Channel, Member, Message

if TYPE_CHECKING:
    from .driver import FakeDiscord
    from .server import Call

PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = (
    1, 4, 5, 6, 7, 8, 9,
)
#: which callback types each interaction type accepts
ALLOWED_CALLBACKS = {
    PING: {PONG},
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
TOKEN_LIFETIME = 15 * 60


@dataclass
class InteractionRecord:
    """Everything that happened to one interaction."""

    id: int
    token: str
    type: int
    member: Member
    channel: Channel
    payload: dict[str, Any]
    name: str = ''  # command name or custom_id, for messages
    source_message: Message | None = None
    created: float = field(default_factory=time.monotonic)
    acked_at: float | None = None
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    late_attempts: list[float] = field(default_factory=list)
    duplicate_attempts: int = 0
    #: every error body the fake returned to the bot about this interaction (callback, follow-ups, edits)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: the subset returned by the callback route (the acknowledgement itself failed)
    callback_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ack_latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.created


class Interactions:
    def __init__(self, fake: 'FakeDiscord') -> None:
        self.fake = fake
        self.records: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        #: seconds the bot has to acknowledge (Discord: 3)
        self.ack_deadline = 3.0

    @property
    def world(self):
        return self.fake.world

    # -- creating (driver side) ----------------------------------------------------------------------
    def new(
        self, kind: int, member: Member, channel: Channel, data: dict[str, Any], *, name: str,
        message: Message | None = None,
    ) -> InteractionRecord:
        guild = channel.guild
        bot_member = self.world.bot_member(guild)
        rec_id = self.world.ids.next()
        token = secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            'id': str(rec_id),
            'application_id': str(self.world.application_id),
            'type': kind,
            'data': data,
            'guild_id': str(guild.id),
            'guild': {'id': str(guild.id), 'locale': 'en-US', 'features': []},
            'channel_id': str(channel.id),
            'channel': channel.payload(),
            'member': member.payload(channel=channel),
            'token': token,
            'version': 1,
            'app_permissions': str(guild.permissions_for(bot_member, channel)),
            'locale': 'en-US',
            'guild_locale': 'en-US',
            'entitlements': [],
            'authorizing_integration_owners': {'0': str(guild.id)},
            'context': 0,
            'attachment_size_limit': 10 * 1024 * 1024,
        }
        if message is not None:
            payload['message'] = message.payload(self.world)
        rec = InteractionRecord(
            id=rec_id, token=token, type=kind, member=member, channel=channel, payload=payload, name=name,
            source_message=message,
        )
        self.records[rec_id] = rec
        self.by_token[token] = rec
        return rec

    # -- routes (bot side) ---------------------------------------------------------------------------
    def routes(self) -> list[tuple[str, str, Any]]:
        hook = '/webhooks/{application_id}/{token}'
        return [
            ('POST', '/interactions/{interaction_id}/{token}/callback', self.callback),
            ('POST', hook, self.followup),
            ('GET', hook + '/messages/{message_id}', self.get_message),
            ('PATCH', hook + '/messages/{message_id}', self.edit_message),
            ('DELETE', hook + '/messages/{message_id}', self.delete_message),
        ]

    async def callback(self, call: 'Call') -> Any:
        rec = self.records.get(int(call.params['interaction_id']))
        if rec is None or rec.token != call.params['token']:
            raise ApiError(404, E.UNKNOWN_INTERACTION, 'Unknown interaction')
        try:
            return self._callback(rec, call)
        except ApiError as exc:
            rec.errors.append(exc.body())
            rec.callback_errors.append(exc.body())
            self.fake.notify()
            raise

    def _callback(self, rec: InteractionRecord, call: 'Call') -> Any:
        now = time.monotonic()
        if rec.acked_at is not None:
            rec.duplicate_attempts += 1
            raise ApiError(400, E.INTERACTION_ALREADY_ACKNOWLEDGED, 'Interaction has already been acknowledged.')
        if now - rec.created > self.ack_deadline:
            rec.late_attempts.append(now - rec.created)
            raise ApiError(404, E.UNKNOWN_INTERACTION, 'Unknown interaction')
        body = call.json or {}
        kind = body.get('type')
        data = body.get('data') or {}
        allowed = set(ALLOWED_CALLBACKS[rec.type])
        if rec.type == MODAL_SUBMIT and rec.source_message is None:
            allowed -= {DEFERRED_UPDATE, UPDATE_MESSAGE}
        if kind not in allowed:
            raise ApiError(400, E.INVALID_FORM_BODY, 'Invalid Form Body', {'type': {'_errors': [{
                'code': 'INTERACTION_RESPONSE_TYPE_INVALID',
                'message': f'Interaction response type {kind} is not valid for interaction type {rec.type}',
            }]}})
        errors = FormErrors()
        if kind == CHANNEL_MESSAGE:
            limits.check_message(data, errors, prefix='data.', has_files=bool(call.uploads))
        elif kind == UPDATE_MESSAGE:
            limits.check_message(data, errors, prefix='data.', partial=True)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            if int(data.get('flags') or 0) & ~limits.EPHEMERAL_FLAG:
                errors.add('data.flags', 'MESSAGE_FLAGS_INVALID', 'Invalid message flags')
        elif kind == AUTOCOMPLETE_RESULT:
            limits.check_autocomplete(data, errors)
        elif kind == MODAL:
            limits.check_modal(data, errors)
        errors.raise_if_any()

        rec.acked_at = now
        rec.callback_type = kind
        rec.callback_data = data
        messages = self.fake.messages
        bot = self.world.bot
        if kind == CHANNEL_MESSAGE:
            rec.original = messages.create(
                rec.channel, bot, data, call.uploads, type=self._message_type(rec),
                webhook_id=self.world.application_id, interaction_metadata=self._metadata(rec),
            )
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            rec.original = messages.create(
                rec.channel, bot, {'flags': int(data.get('flags') or 0)}, [], type=self._message_type(rec),
                webhook_id=self.world.application_id, interaction_metadata=self._metadata(rec), loading=True,
            )
        elif kind == DEFERRED_UPDATE:
            rec.original = rec.source_message
        elif kind == UPDATE_MESSAGE:
            assert rec.source_message is not None
            rec.original = messages.edit(rec.source_message, data, call.uploads)
        elif kind == AUTOCOMPLETE_RESULT:
            rec.choices = list(data.get('choices') or [])
        elif kind == MODAL:
            rec.modal = data
        self.fake.notify()

        if call.query.get('with_response') not in ('1', 'true', 'True'):
            return None
        interaction: dict[str, Any] = {'id': str(rec.id), 'type': rec.type}
        resource: dict[str, Any] = {'type': kind}
        if rec.original is not None and kind != DEFERRED_UPDATE:
            interaction.update(
                response_message_id=str(rec.original.id),
                response_message_loading=kind == DEFERRED_CHANNEL_MESSAGE,
                response_message_ephemeral=rec.original.ephemeral,
            )
            resource['message'] = rec.original.payload(self.world)
        return {'interaction': interaction, 'resource': resource}

    def _message_type(self, rec: InteractionRecord) -> int:
        if rec.type == APPLICATION_COMMAND:
            return 23 if rec.payload['data'].get('type', 1) != 1 else 20
        return 0

    def _metadata(self, rec: InteractionRecord, *, followup_of: Message | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = {
            'id': str(rec.id),
            'type': rec.type,
            'user': rec.member.user.payload(),
            'authorizing_integration_owners': {'0': str(rec.channel.guild.id)},
        }
        if rec.type == APPLICATION_COMMAND:
            meta['name'] = rec.name
            meta['command_type'] = rec.payload['data'].get('type', 1)
        if rec.source_message is not None:
            meta['interacted_message_id'] = str(rec.source_message.id)
        if followup_of is not None:
            meta['original_response_message_id'] = str(followup_of.id)
        return meta

    # -- webhooks (follow-ups and the original response) ---------------------------------------------
    def _webhook(self, call: 'Call') -> InteractionRecord:
        rec = self.by_token.get(call.params['token'])
        if rec is None or int(call.params['application_id']) != self.world.application_id:
            raise ApiError(404, E.UNKNOWN_WEBHOOK, 'Unknown Webhook')
        if time.monotonic() - rec.created > TOKEN_LIFETIME:
            raise ApiError(401, 50027, 'Invalid Webhook Token')
        if rec.acked_at is None:
            rec.errors.append({'code': E.UNKNOWN_WEBHOOK, 'message': 'follow-up before acknowledgement'})
            raise ApiError(404, E.UNKNOWN_WEBHOOK, 'Unknown Webhook')
        return rec

    def _target(self, rec: InteractionRecord, message_id: str) -> Message:
        if message_id == '@original':
            msg = rec.original
        else:
            msg = next((m for m in [rec.original, *rec.followups] if m is not None and m.id == int(message_id)), None)
        if msg is None or msg.deleted:
            raise ApiError(404, E.UNKNOWN_MESSAGE, 'Unknown Message')
        return msg

    def _channel_for(self, call: 'Call', rec: InteractionRecord) -> Channel:
        thread_id = call.query.get('thread_id')
        if thread_id is None:
            return rec.channel
        channel = self.world.channel(int(thread_id))
        if channel is None:
            raise ApiError(404, E.UNKNOWN_CHANNEL, 'Unknown Channel')
        return channel

    async def followup(self, call: 'Call') -> Any:
        rec = self._webhook(call)
        data = call.json or {}
        try:
            self.fake.messages.validate(data, call.uploads)
        except ApiError as exc:
            rec.errors.append(exc.body())
            raise
        original = rec.original
        if original is not None and original.flags & (1 << 7) and not original.deleted:
            # The first follow-up after a "thinking" defer fills the loading message (and keeps its
            # ephemerality), as Discord does.
            msg = self.fake.messages.edit(original, {k: v for k, v in data.items() if k != 'flags'}, call.uploads)
        else:
            msg = self.fake.messages.create(
                self._channel_for(call, rec), self.world.bot, data, call.uploads, type=self._message_type(rec),
                webhook_id=self.world.application_id, interaction_metadata=self._metadata(rec, followup_of=original),
            )
            rec.followups.append(msg)
        self.fake.notify()
        if call.query.get('wait') in ('1', 'true', 'True'):
            return msg.payload(self.world)
        return None

    async def get_message(self, call: 'Call') -> dict[str, Any]:
        rec = self._webhook(call)
        return self._target(rec, call.params['message_id']).payload(self.world)

    async def edit_message(self, call: 'Call') -> dict[str, Any]:
        rec = self._webhook(call)
        msg = self._target(rec, call.params['message_id'])
        data = call.json or {}
        try:
            self.fake.messages.validate(data, call.uploads, partial=True)
        except ApiError as exc:
            rec.errors.append(exc.body())
            raise
        return self.fake.messages.edit(msg, data, call.uploads).payload(self.world)

    async def delete_message(self, call: 'Call') -> None:
        rec = self._webhook(call)
        self.fake.messages.delete(self._target(rec, call.params['message_id']))
