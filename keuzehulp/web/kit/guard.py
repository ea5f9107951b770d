"""The route guard for signed-in pages: role check, one database session per request, the
index catching up after a POST; and the client address for rate limits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from keuzehulp.i18n import gettext
from keuzehulp.web.kit.forms import read_form
from keuzehulp.web.kit.render import render
from keuzehulp.web.kit.sessions import current_session

log = logging.getLogger(__name__)


def _site(request: Request):
    return request.app.state.site


def client_address(request: Request) -> str:
    """The client's address (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else "onbekend"


def signed_in(*rollen: str) -> Callable:
    """Guard a handler `(request, db, user, form)` for users with one of these roles.

    After a POST, this process's search index applies what the handler committed at once (other
    processes follow by polling), so a saved change is in search before the next page loads.
    """

    def decorate(handler: Callable) -> Callable:
        @wraps(handler)
        async def endpoint(request: Request):
            form = await read_form(request) if request.method == "POST" else None
            try:
                return await run_in_threadpool(_guarded, handler, rollen, request, form)
            finally:
                if form is not None:
                    await form.close()

        return endpoint

    return decorate


def _guarded(handler, rollen, request: Request, form):
    with Session(_site(request).engine, expire_on_commit=False) as db:
        found = current_session(request, db)
        if found is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/inloggen?volgende={quote(target)}", status_code=303)
        row, user = found
        if not row.tweede_stap_gedaan:
            return RedirectResponse("/inloggen/code", status_code=303)
        if user.rol not in rollen:
            raise HTTPException(403, gettext("U heeft geen toegang tot deze pagina met uw account."))
        request.state.user = user
        response = handler(request, db, user, form)
    if form is not None:
        _sync_index(request)
    return response


def _sync_index(request: Request) -> None:
    try:
        _site(request).index.sync()
    except Exception:  # the polling loop catches up
        log.exception("Zoekindex niet direct bijgewerkt")


def page(request: Request, template: str, context: dict, status_code: int = 200):
    """Render a signed-in page (the user is available to the layout)."""
    return render(request, template, {"user": getattr(request.state, "user", None)} | context, status_code)
