"""The signed-in user of a request, from the session cookie (used by the guard and by public pages)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from starlette.requests import Request

from keuzehulp.services import login

SESSION_COOKIE = "kh_sessie"


def current_session(request: Request, db: Session):
    """The (session row, user) of this request, or None."""
    idle = timedelta(minutes=request.app.state.services.settings.session_idle_minutes)
    return login.load_session(db, request.cookies.get(SESSION_COOKIE), idle)


def signed_in_user(request: Request, db: Session):
    """The fully signed-in user (second step done where needed), or None."""
    found = current_session(request, db) if SESSION_COOKIE in request.cookies else None
    if found is None or not found[0].tweede_stap_gedaan:
        return None
    return found[1]
