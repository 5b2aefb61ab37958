"""The gateway WebSocket: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME with replay.

Every session keeps an ordered log of its dispatches; each connection sends from a cursor into that
log, so RESUME is "move the cursor back to the client's seq + 1" and events dispatched while the
bot is disconnected simply wait in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .driver import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0, 1, 2, 3, 6, 7, 8, 9, 10, 11,
)

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
MESSAGE_CONTENT = 1 << 15

#: which intent an event needs (events not listed are always sent)
EVENT_INTENTS = {
    'GUILD_CREATE': GUILDS,
    'GUILD_ROLE_CREATE': GUILDS,
    'CHANNEL_CREATE': GUILDS,
    'CHANNEL_UPDATE': GUILDS,
    'THREAD_CREATE': GUILDS,
    'THREAD_UPDATE': GUILDS,
    'THREAD_DELETE': GUILDS,
    'GUILD_MEMBER_ADD': GUILD_MEMBERS,
    'MESSAGE_CREATE': GUILD_MESSAGES,
    'MESSAGE_UPDATE': GUILD_MESSAGES,
    'MESSAGE_DELETE': GUILD_MESSAGES,
}

LOG_LIMIT = 50_000


@dataclass
class Session:
    id: str
    token: str
    intents: int
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)  # log[i] has seq i + 1
    first_seq: int = 1
    valid: bool = True
    connection: 'Connection | None' = None
    resumes: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def append(self, event: str, data: Any) -> int:
        self.seq += 1
        self.log.append({'op': DISPATCH, 't': event, 's': self.seq, 'd': data})
        if len(self.log) > LOG_LIMIT:
            drop = len(self.log) - LOG_LIMIT
            del self.log[:drop]
            self.first_seq += drop
        self.wake.set()
        return self.seq

    def frames_from(self, seq: int) -> list[dict[str, Any]]:
        start = max(seq - self.first_seq, 0)
        return self.log[start:]


@dataclass
class Connection:
    ws: web.WebSocketResponse
    path: str
    opened_at: float = field(default_factory=time.monotonic)
    session: Session | None = None
    cursor: int = 1  # next seq to send
    sender: asyncio.Task[None] | None = None
    heartbeats: int = 0


class Gateway:
    """Owns the bot's gateway sessions. One bot per fake; the newest session is the current one."""

    def __init__(self, fake: 'FakeDiscord') -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.connections: list[Connection] = []
        self.heartbeat_interval_ms = 41_250
        self.identifies = 0
        self.resumes = 0
        self.failed_resumes = 0
        self.connects = 0
        self.paths: list[str] = []  # gateway path per connection, to check resume_gateway_url is used
        self.ack_heartbeats = True
        self.received: list[dict[str, Any]] = []  # every op the bot sent us, for tests
        self.undelivered: list[tuple[str, Any]] = []  # dispatched while no session existed
        self._hold: asyncio.Event = asyncio.Event()
        self._hold.set()

    # -- public API (used by the driver and the REST side) -------------------------------------------
    @property
    def connected(self) -> bool:
        s = self.current
        return s is not None and s.valid and s.connection is not None

    def dispatch(self, event: str, data: Any) -> bool:
        """Queue an event for the bot. Returns False when no session would ever receive it."""
        session = self.current
        if session is None or not session.valid:
            self.undelivered.append((event, data))
            return False
        need = EVENT_INTENTS.get(event, 0)
        if need and not session.intents & need:
            return False
        if event in ('MESSAGE_CREATE', 'MESSAGE_UPDATE') and not session.intents & MESSAGE_CONTENT:
            data = _strip_content(data, self.fake.world.bot.id)
        session.append(event, data)
        return True

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket as a network failure would (the bot should RESUME)."""
        conn = self._current_connection()
        if conn is not None:
            await self._close(conn, code)

    @contextlib.asynccontextmanager
    async def outage(self, code: int = 4000) -> AsyncIterator[None]:
        """Drop the socket and keep the bot out (new sockets get no HELLO) until the block ends;
        events dispatched meanwhile wait in the session log and must be replayed on RESUME."""
        self._hold.clear()
        try:
            await self.drop(code)
            yield
        finally:
            self._hold.set()

    async def request_reconnect(self) -> None:
        """Op 7: the bot must reconnect and RESUME."""
        conn = self._current_connection()
        if conn is not None:
            await conn.ws.send_str(json.dumps({'op': RECONNECT, 'd': None}))

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Op 9: with ``resumable=False`` the session is gone and the bot must IDENTIFY again."""
        conn = self._current_connection()
        if conn is None:
            return
        if not resumable and conn.session is not None:
            conn.session.valid = False
        await conn.ws.send_str(json.dumps({'op': INVALID_SESSION, 'd': resumable}))

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await self._close(conn, 1001)

    # -- websocket handler ---------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = Connection(ws=ws, path=request.path)
        self.connections.append(conn)
        self.connects += 1
        self.paths.append(request.path)
        try:
            await self._hold.wait()
            await ws.send_str(json.dumps({'op': HELLO, 'd': {'heartbeat_interval': self.heartbeat_interval_ms}}))
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(conn, json.loads(msg.data))
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            await self._detach(conn)
        return ws

    async def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, d = frame.get('op'), frame.get('d')
        self.received.append(frame if op not in (IDENTIFY, RESUME) else {**frame, 'd': {**d, 'token': '<hidden>'}})
        if op == HEARTBEAT:
            conn.heartbeats += 1
            if self.ack_heartbeats:
                await conn.ws.send_str(json.dumps({'op': HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            await self._identify(conn, d)
        elif op == RESUME:
            await self._resume(conn, d)
        elif op == REQUEST_MEMBERS:
            self._members_chunk(conn, d)
        elif op == PRESENCE:
            pass
        else:
            log.warning('gateway: unexpected op %s', op)

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        token = str(d.get('token', ''))
        if not self.fake.is_valid_token(token):
            await conn.ws.close(code=4004, message=b'Authentication failed.')
            return
        self.identifies += 1
        session = Session(id=secrets.token_hex(16), token=token, intents=int(d.get('intents', 0)))
        self.sessions[session.id] = session
        if self.current is not None:
            self.current.valid = False
        self.current = session
        world = self.fake.world
        session.append('READY', {
            'v': 10,
            'user': {**world.bot.payload(), 'verified': True, 'mfa_enabled': False, 'flags': 0},
            'guilds': [{'id': str(g), 'unavailable': True} for g in world.guilds],
            'session_id': session.id,
            'session_type': 'normal',
            'resume_gateway_url': self.fake.resume_gateway_url,
            'application': {'id': str(world.application_id), 'flags': 0},
            'private_channels': [],
            'relationships': [],
            'presences': [],
            'user_settings': {},
            'guild_join_requests': [],
            'geo_ordered_rtc_regions': [],
            '_trace': ['fakediscord'],
        })
        if session.intents & GUILDS:
            for guild in world.guilds.values():
                session.append('GUILD_CREATE', guild.payload(world))
        self._attach(conn, session, cursor=1)
        self.fake.notify()

    async def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        session = self.sessions.get(str(d.get('session_id')))
        if session is None or not session.valid or session.token != d.get('token'):
            self.failed_resumes += 1
            await conn.ws.send_str(json.dumps({'op': INVALID_SESSION, 'd': False}))
            return
        seq = int(d.get('seq') or 0)
        if seq + 1 < session.first_seq:
            self.failed_resumes += 1
            await conn.ws.send_str(json.dumps({'op': INVALID_SESSION, 'd': False}))
            return
        old = session.connection
        if old is not None and old is not conn:
            await self._close(old, 4000)
        self.resumes += 1
        session.resumes += 1
        self._attach(conn, session, cursor=seq + 1, resumed=True)
        self.fake.notify()

    def _members_chunk(self, conn: Connection, d: dict[str, Any]) -> None:
        guild = self.fake.world.guilds.get(int(d.get('guild_id', 0)))
        if guild is None or conn.session is None:
            return
        members = list(guild.members.values())
        if d.get('user_ids'):
            wanted = {int(u) for u in d['user_ids']}
            members = [m for m in members if m.id in wanted]
        elif d.get('query'):
            members = [m for m in members if m.user.username.startswith(d['query'])]
        limit = int(d.get('limit') or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            'guild_id': str(guild.id), 'members': [m.payload() for m in members], 'chunk_index': 0, 'chunk_count': 1,
        }
        if d.get('nonce'):
            chunk['nonce'] = d['nonce']
        conn.session.append('GUILD_MEMBERS_CHUNK', chunk)

    # -- sending -------------------------------------------------------------------------------------
    def _attach(self, conn: Connection, session: Session, *, cursor: int, resumed: bool = False) -> None:
        conn.session = session
        conn.cursor = cursor
        session.connection = conn
        conn.sender = asyncio.create_task(self._send_loop(conn, resumed), name='fakediscord-gateway-sender')

    async def _send_loop(self, conn: Connection, resumed: bool) -> None:
        session = conn.session
        assert session is not None
        try:
            if resumed:
                await self._flush(conn)
                await conn.ws.send_str(json.dumps({'op': DISPATCH, 't': 'RESUMED', 's': None, 'd': {'_trace': []}}))
            while not conn.ws.closed and session.connection is conn:
                await self._flush(conn)
                session.wake.clear()
                if conn.cursor <= session.seq:
                    continue
                await session.wake.wait()
        except (ConnectionResetError, RuntimeError, asyncio.CancelledError):
            pass

    async def _flush(self, conn: Connection) -> None:
        session = conn.session
        assert session is not None
        for frame in session.frames_from(conn.cursor):
            if conn.ws.closed:
                return
            await conn.ws.send_str(json.dumps(frame))
            conn.cursor = frame['s'] + 1

    def _current_connection(self) -> Connection | None:
        return self.current.connection if self.current is not None else None

    async def _close(self, conn: Connection, code: int) -> None:
        if conn.session is not None and conn.session.connection is conn:
            conn.session.connection = None
            conn.session.wake.set()
        with contextlib.suppress(Exception):
            await conn.ws.close(code=code)

    async def _detach(self, conn: Connection) -> None:
        if conn.session is not None and conn.session.connection is conn:
            conn.session.connection = None
            conn.session.wake.set()
        if conn.sender is not None:
            conn.sender.cancel()
            with contextlib.suppress(BaseException):
                await conn.sender
        if conn in self.connections:
            self.connections.remove(conn)
        self.fake.notify()


def _strip_content(data: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """Without the MESSAGE_CONTENT intent a bot sees others' messages empty, unless it is mentioned."""
    author = (data.get('author') or {}).get('id')
    mentioned = any(u.get('id') == str(bot_id) for u in data.get('mentions') or [])
    if author == str(bot_id) or mentioned:
        return data
    return {**data, 'content': '', 'embeds': [], 'attachments': [], 'components': []}
