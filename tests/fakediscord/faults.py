"""HTTP faults: 429s, 5xx and latency on the next N requests that match a route.

Routes are matched on the path after ``/api/v10``, written either as a template
(``'/channels/{channel_id}/messages'``) or a regular expression (``r'/interactions/\\d+/.+/callback'``).
Gateway faults (drop, op 7, op 9) live on :class:`~.gateway.Gateway`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


def compile_route(pattern: str) -> re.Pattern[str]:
    if '{' in pattern:
        pattern = re.sub(r'\{[^}]+\}', '[^/]+', re.escape(pattern).replace(r'\{', '{').replace(r'\}', '}'))
    return re.compile(pattern)


@dataclass
class HttpFault:
    route: re.Pattern[str]
    method: str | None
    status: int
    remaining: int
    retry_after: float = 0.0
    is_global: bool = False
    #: when False a 429 goes out without the ``Via`` header (Cloudflare's ban; discord.py raises)
    via: bool = True
    hits: list[str] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and (self.method is None or self.method == method) and bool(self.route.fullmatch(path))

    def response(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        if self.status == 429:
            headers = {'Retry-After': str(max(1, round(self.retry_after))), 'X-RateLimit-Scope': 'user'}
            if self.via:
                headers['Via'] = '1.1 google'
            if self.is_global:
                headers['X-RateLimit-Global'] = 'true'
            body = {'message': 'You are being rate limited.', 'retry_after': self.retry_after, 'global': self.is_global}
            return 429, body, headers
        return self.status, {'message': f'{self.status}: Server Error', 'code': 0}, {}


@dataclass
class Latency:
    route: re.Pattern[str] | None
    method: str | None
    seconds: float

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.route is None or bool(self.route.fullmatch(path)))


class Faults:
    def __init__(self) -> None:
        self.http: list[HttpFault] = []
        self.latencies: list[Latency] = []

    def rate_limit(
        self, route: str, *, method: str | None = None, times: int = 1, retry_after: float = 0.05,
        is_global: bool = False, via: bool = True,
    ) -> HttpFault:
        """Answer the next ``times`` matching requests with 429 and a JSON ``retry_after``."""
        fault = HttpFault(compile_route(route), method, 429, times, retry_after, is_global, via)
        self.http.append(fault)
        return fault

    def server_error(self, route: str, *, method: str | None = None, times: int = 1, status: int = 500) -> HttpFault:
        """Answer the next ``times`` matching requests with a 5xx."""
        fault = HttpFault(compile_route(route), method, status, times)
        self.http.append(fault)
        return fault

    def latency(self, seconds: float, route: str | None = None, *, method: str | None = None) -> Latency:
        """Delay every matching request by ``seconds`` (until :meth:`clear`)."""
        lat = Latency(compile_route(route) if route else None, method, seconds)
        self.latencies.append(lat)
        return lat

    def clear(self) -> None:
        self.http.clear()
        self.latencies.clear()

    def take(self, method: str, path: str) -> HttpFault | None:
        for fault in self.http:
            if fault.matches(method, path):
                fault.remaining -= 1
                fault.hits.append(f'{method} {path}')
                return fault
        return None

    def delay(self, method: str, path: str) -> float:
        return sum(lat.seconds for lat in self.latencies if lat.matches(method, path))
