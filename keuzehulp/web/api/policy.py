"""What every JSON API response gets: CORS for read-only use, ETag/Cache-Control, a rate limit.

Harvesters can poll cheaply: an unchanged data set answers 304 without doing the search.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keuzehulp.services import ratelimit
from keuzehulp.services.login import attempt_key

log = logging.getLogger(__name__)
CACHE_CONTROL = "public, max-age=60"
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, OPTIONS"),
    (b"access-control-allow-headers", b"If-None-Match"),
    (b"access-control-expose-headers", b"ETag, Retry-After"),
    (b"access-control-max-age", b"86400"),
]


class RateLimiter:
    """A sliding one-minute window per client address, counted in the database for every process
    and host together."""

    def __init__(self, engine: Engine, per_minute: float):
        self.engine = engine
        self.per_minute = per_minute

    def retry_after(self, client: str, now: float | None = None) -> int:
        """0 when the request may go ahead (and is counted), else seconds to wait. While the database
        cannot count, requests go ahead: searches are answered from the index without it."""
        if self.per_minute <= 0:
            return 0
        try:
            return ratelimit.take(self.engine, attempt_key("api", client), self.per_minute, 60, now)
        except (OperationalError, InterfaceError) as error:
            log.warning("API-limiet niet geteld: database weigert (%s)", type(error).__name__)
            return 0


class APIPolicy:
    """ASGI wrapper for the API routes."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, version):
        self.app = app
        self.limiter = limiter
        self.version = version  # callable: the current data version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if scope["method"] == "OPTIONS":
            await Response(status_code=204, headers=_headers(CORS_HEADERS))(scope, receive, send)
            return
        client = request.client.host if request.client else "onbekend"
        wait = await run_in_threadpool(self.limiter.retry_after, client)
        if wait:
            response = JSONResponse(
                {
                    "error": "Te veel verzoeken",
                    "details": {
                        "limiet": f"Hooguit {self.limiter.per_minute:.0f} verzoeken per minuut. "
                        f"Probeer het over {wait} seconden opnieuw."
                    },
                },
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
            await _with_cors(response)(scope, receive, send)
            return
        etag = _etag(self.version(), str(request.url.path), str(request.url.query))
        if etag in _if_none_match(Headers(scope=scope)):
            response = Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
            await _with_cors(response)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + CORS_HEADERS
                if message["status"] == 200:
                    headers += [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL.encode())]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _etag(version: str, path: str, query: str) -> str:
    digest = hashlib.blake2b(f"{version}|{path}|{query}".encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def _if_none_match(headers: Headers) -> set[str]:
    return {tag.strip() for tag in headers.get("if-none-match", "").split(",") if tag.strip()}


def _headers(pairs) -> dict[str, str]:
    return {name.decode(): value.decode() for name, value in pairs}


def _with_cors(response: Response) -> Response:
    response.headers.update(_headers(CORS_HEADERS))
    return response
