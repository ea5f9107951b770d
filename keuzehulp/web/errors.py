"""Error pages: 404 and friends in words, 503 while the database or the index is away, 500 without
details."""

from __future__ import annotations

import logging

from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from keuzehulp.i18n import N_, gettext, reset_language, set_language
from keuzehulp.search.errors import IndexUnavailable
from keuzehulp.web.kit.language import request_language
from keuzehulp.web.kit.render import render
from keuzehulp.web.kit.unavailable import (
    RETRY_AFTER_SECONDS,
    database_unavailable,
    retry_fields,
    search_unavailable,
)
from keuzehulp.web.ops.metrics import route_template

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        N_("Dat ging niet goed"),
        N_("Wat u verstuurde konden we niet lezen. Ga terug en probeer het nog eens."),
    ),
    403: (N_("Geen toegang"), N_("U heeft geen toegang tot deze pagina.")),
    404: (
        N_("Pagina niet gevonden"),
        N_("Deze pagina bestaat niet (meer). Controleer het adres of zoek opnieuw."),
    ),
    405: (N_("Dat kan hier niet"), N_("Deze pagina werkt niet op deze manier.")),
    410: (N_("Niet meer beschikbaar"), N_("Deze pagina is niet meer beschikbaar.")),
    500: (N_("Er ging iets mis"), N_("Er ging bij ons iets mis. Probeer het later nog eens.")),
}


OTHER_ERROR = (N_("Er ging iets mis"), N_("Probeer het later nog eens."))


async def _http_error(request: Request, exc: HTTPException):
    response = error_response(request, exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


async def _unavailable(request: Request, exc: Exception):
    if isinstance(exc, IndexUnavailable):
        title, text = search_unavailable(request)
    else:
        title, text = database_unavailable(request, exc)
    if request.url.path.startswith("/api/"):
        response = JSONResponse({"error": title, "details": {"message": text}}, status_code=503)
    else:
        retry = {"retry": retry_fields(request), "retry_url": request.url.path}
        response = render(request, "pages/storing.html", {"title": title, "text": text} | retry, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def _server_error(request: Request, exc: Exception):
    log.exception("Onverwachte fout bij %s", route_template(request.scope))  # never the path
    token = set_language(request_language(request.scope))  # this runs outside the language middleware
    try:
        return error_response(request, 500, None)
    finally:
        reset_language(token)


def error_response(request: Request, status: int, detail: str | None):
    """An error page in the visitor's language, or JSON for the API.

    A handler's own explanation (`detail`) replaces the standard text; handlers translate it.
    """
    title, text = (gettext(part) for part in MESSAGES.get(status, OTHER_ERROR))
    if detail and detail not in ("Not Found", "Method Not Allowed", "Internal Server Error"):
        text = detail
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": title, "details": {"message": text}}, status_code=status)
    return render(request, "pages/fout.html", {"title": title, "text": text}, status_code=status)


EXCEPTION_HANDLERS = {
    HTTPException: _http_error,
    IndexUnavailable: _unavailable,
    OperationalError: _unavailable,
    InterfaceError: _unavailable,
    Exception: _server_error,
}
