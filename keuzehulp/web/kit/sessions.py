"""The signed-in user of a request, from the session cookie (used by the guard and by public pages)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from keuzehulp.services import login

SESSION_COOKIE = "kh_sessie"


def current_session(request: Request, db: Session):
    """The (session row, user) of this request, or None."""
    idle = timedelta(minutes=request.app.state.site.settings.session_idle_minutes)
    return login.load_session(db, request.cookies.get(SESSION_COOKIE), idle)


def signed_in_user(request: Request, db: Session):
    """The fully signed-in user (second step done where needed), or None."""
    found = current_session(request, db) if SESSION_COOKIE in request.cookies else None
    if found is None or not found[0].tweede_stap_gedaan:
        return None
    return found[1]


async def viewer(request: Request):
    """The fully signed-in user of a public page, or None (looked up once per request)."""
    if SESSION_COOKIE not in request.cookies:
        return None
    if not hasattr(request.state, "viewer"):
        request.state.viewer = await run_in_threadpool(_lookup, request)
    return request.state.viewer


def _lookup(request: Request):
    with Session(request.app.state.site.engine, expire_on_commit=False) as db:
        return signed_in_user(request, db)


class ViewerMiddleware:
    """Looks up the signed-in user of a request with a session cookie once, in a worker thread,
    before the page is made, so that every page shows the account bar. A request without that
    cookie (every anonymous visitor) passes straight through."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/") and _has_session(scope):
            request = Request(scope)
            try:
                await viewer(request)
            except (OperationalError, InterfaceError):  # the page itself tells about the outage
                request.state.viewer = None
        await self.app(scope, receive, send)


def _has_session(scope: Scope) -> bool:
    marker = SESSION_COOKIE.encode() + b"="
    return any(name == b"cookie" and marker in value for name, value in scope.get("headers", []))
