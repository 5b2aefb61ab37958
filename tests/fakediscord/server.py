"""The HTTP side: one aiohttp app on 127.0.0.1 serving REST v10, the gateway and attachments.

Every API request is recorded; faults (latency, 429, 5xx) are applied before routing; unknown routes
get Discord's 404 and are listed in :attr:`Server.unknown_routes`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from aiohttp import web
from multidict import MultiMapping

from .errors import ApiError
from .messages import Upload
from .world import User

if TYPE_CHECKING:
    from .driver import FakeDiscord

log = logging.getLogger(__name__)

API_PREFIX = '/api/v10'
Handler = Callable[['Call'], Awaitable[Any]]


@dataclass
class Call:
    """One parsed API request, as route handlers see it."""

    method: str
    path: str  # after /api/v10
    route: str  # the template it matched
    params: dict[str, str]
    query: MultiMapping[str]
    json: Any
    uploads: list[Upload]
    user: User | None


@dataclass
class RecordedRequest:
    method: str
    path: str
    route: str | None
    json: Any
    files: list[str]
    status: int = 0
    at: float = field(default_factory=time.monotonic)
    duration: float = 0.0


@dataclass
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool


def _compile(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r'\\\{(\w+)\\\}', r'(?P<\1>[^/]+)', re.escape(template)))


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """Exactly ``application/json`` (no charset): discord.py parses nothing else as JSON."""
    if status == 204 or body is None:
        return web.Response(status=204, headers=headers)
    return web.Response(
        status=status, body=json.dumps(body).encode(), headers={'Content-Type': 'application/json', **(headers or {})}
    )


class Server:
    def __init__(self, fake: 'FakeDiscord') -> None:
        self.fake = fake
        self.routes: list[Route] = []
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        self.errors: list[tuple[str, int, dict[str, Any]]] = []  # (request, status, body) of every 4xx we sent
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_get('/gateway', fake.gateway.handle)
        self.app.router.add_get('/gateway-resume', fake.gateway.handle)
        self.app.router.add_get('/attachments/{attachment_id}/{filename}', self.attachment)
        self.app.router.add_route('*', API_PREFIX + '/{tail:.*}', self.dispatch)
        self.runner: web.AppRunner | None = None
        self.port = 0

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        self.routes.append(Route(method, template, _compile(template), handler, auth))

    async def start(self, host: str = '127.0.0.1', port: int = 0) -> None:
        self.runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port, backlog=2048)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.fake.gateway.close_all()
            await self.runner.cleanup()
            self.runner = None

    # -- handlers ------------------------------------------------------------------------------------
    async def attachment(self, request: web.Request) -> web.Response:
        att = self.fake.world.attachments.get(int(request.match_info['attachment_id']))
        if att is None:
            return web.Response(status=404)
        return web.Response(body=att.data, headers={'Content-Type': att.content_type})

    async def dispatch(self, request: web.Request) -> web.Response:
        method = request.method
        path = request.path[len(API_PREFIX):]
        started = time.monotonic()
        record = RecordedRequest(method=method, path=path, route=None, json=None, files=[])
        self.requests.append(record)
        try:
            response = await self._handle(request, method, path, record)
        except ApiError as exc:
            response = json_response(exc.status, exc.body())
            self.errors.append((f'{method} {path}', exc.status, exc.body()))
        record.status = response.status
        record.duration = time.monotonic() - started
        self.fake.notify()
        return response

    async def _handle(self, request: web.Request, method: str, path: str, record: RecordedRequest) -> web.Response:
        faults = self.fake.faults
        delay = faults.delay(method, path)
        if delay:
            await asyncio.sleep(delay)
        fault = faults.take(method, path)
        if fault is not None:
            status, body, headers = fault.response()
            return json_response(status, body, headers)

        for route in self.routes:
            if route.method != method:
                continue
            match = route.regex.fullmatch(path)
            if match is None:
                continue
            record.route = route.template
            user = None
            if route.auth:
                user = self._authenticate(request)
            body, uploads = await _read_body(request)
            record.json = body
            record.files = [u.filename for u in uploads]
            call = Call(method, path, route.template, match.groupdict(), request.query, body, uploads, user)
            result = await route.handler(call)
            if isinstance(result, tuple):
                status, payload = result
                return json_response(status, payload)
            return json_response(200 if result is not None else 204, result)

        self.unknown_routes.append(f'{method} {path}')
        log.warning('fakediscord: unknown route %s %s', method, path)
        return json_response(404, {'message': '404: Not Found', 'code': 0})

    def _authenticate(self, request: web.Request) -> User:
        auth = request.headers.get('Authorization', '')
        token = auth[4:] if auth.startswith('Bot ') else ''
        if not self.fake.is_valid_token(token):
            raise ApiError(401, 0, '401: Unauthorized')
        return self.fake.world.bot


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    if not request.can_read_body:
        return None, []
    ctype = request.content_type
    if ctype.startswith('multipart/'):
        body: Any = None
        uploads: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == 'payload_json':
                body = json.loads(await part.text())
            else:
                data = await part.read()
                uploads.append(Upload(
                    field=part.name or '', filename=part.filename or 'file', data=bytes(data),
                    content_type=part.headers.get('Content-Type', 'application/octet-stream'),
                ))
        return body, uploads
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise ApiError(400, 50109, 'The request body contains invalid JSON.') from None
