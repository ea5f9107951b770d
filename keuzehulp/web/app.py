"""The app factory: `create_app(settings)` wires database, taxonomy, search index and routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from keuzehulp.config import PROJECT_ROOT, Settings
from keuzehulp.db import make_engine
from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.i18n import N_, gettext, reset_language, set_language
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.errors import IndexUnavailable
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.demo import is_demo
from keuzehulp.services.mail import send_pending
from keuzehulp.web import (
    aanbieder_area,
    aanmelden,
    api,
    auth,
    beheer,
    compare,
    consultatie,
    guided,
    health,
    log_privacy,
    metrics,
    opendata,
    public,
    theme,
    wijkteam,
    zorglandschap,
)
from keuzehulp.web.api_policy import APIPolicy, RateLimiter
from keuzehulp.web.forms import ControlCharacterMiddleware
from keuzehulp.web.language import LanguageMiddleware, request_language
from keuzehulp.web.security import CSRF, CSRFMiddleware, SecurityHeadersMiddleware
from keuzehulp.web.sessions import ViewerMiddleware
from keuzehulp.web.static import CompressedStaticFiles
from keuzehulp.web.templating import make_templates, path_function
from keuzehulp.web.theme import Theme
from keuzehulp.web.unavailable import (
    RETRY_AFTER_SECONDS,
    database_unavailable,
    retry_fields,
    search_unavailable,
)

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What request handlers need, built once per app."""

    settings: Settings
    engine: Engine
    taxonomy: Taxonomy
    index: SearchIndex
    search: SearchEngine
    templates: Jinja2Templates
    csrf: CSRF
    demo: bool
    theme: Theme


def services(request: Request) -> Services:
    """The app's services, from a request."""
    return request.app.state.services


HEALTH_CHECK_SECONDS = 10
SHUTDOWN_WAIT_SECONDS = 30


def _sync_loop(index: SearchIndex, interval: float, stop: threading.Event) -> None:
    """Follow the change log; check the index is whole every few seconds and rebuild it when not
    (or at once after a search could not read it)."""
    checked = 0.0
    while not stop.wait(interval):
        try:
            if index.broken or time.monotonic() - checked > HEALTH_CHECK_SECONDS:
                checked = time.monotonic()
                index.heal()
            index.refresh()
            index.sync()
        except Exception as error:  # the next round checks the index and heals it
            log.warning("Bijwerken van de zoekindex mislukt (%s)", type(error).__name__)
            index.report_broken()


def _mail_loop(engine: Engine, settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(settings.mail_send_seconds):
        try:
            send_pending(engine, settings)
        except Exception:  # the outbox keeps every message; the next round retries
            log.exception("Versturen van e-mail mislukt")


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    """Build the Starlette app; opens (or rebuilds) the search index before serving."""
    log_privacy.install()
    if settings.log_format == "json":
        log_privacy.use_json_lines()
    settings.apply_clock()
    engine = engine or make_engine(settings.database_url)
    taxonomy = Taxonomy.load(engine)
    index = SearchIndex(settings.index_dir, engine)
    index.open()
    with Session(engine) as session:
        demo = is_demo(session)
    state = Services(
        settings=settings,
        engine=engine,
        taxonomy=taxonomy,
        index=index,
        search=SearchEngine(taxonomy),
        templates=make_templates(),
        csrf=CSRF(settings.secret_key),
        demo=demo,
        theme=Theme.load(settings.theme),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app):
        stop, threads = threading.Event(), []
        if settings.index_poll_seconds > 0:
            threads.append(
                threading.Thread(target=_sync_loop, args=(index, settings.index_poll_seconds, stop))
            )
        if settings.mail_send_seconds > 0:
            threads.append(threading.Thread(target=_mail_loop, args=(engine, settings, stop)))
        if metrics.multiprocess_mode():  # other workers may answer the scrape: publish our figures
            threads.append(threading.Thread(target=metrics.publish_loop, args=(state, stop)))
        for thread in threads:
            thread.daemon = True
            thread.start()
        yield
        stop.set()
        for thread in threads:  # let a round in progress finish, so no connection is left open
            await asyncio.to_thread(thread.join, SHUTDOWN_WAIT_SECONDS)
        metrics.forget_process()

    api_policy = Middleware(
        APIPolicy, limiter=RateLimiter(engine, settings.api_rate_limit), version=index.data_version
    )
    routes = [
        *public.routes,
        *guided.routes,
        *compare.routes,
        *aanmelden.routes,
        *auth.routes,
        *aanbieder_area.routes,
        *wijkteam.routes,
        *beheer.routes,
        *consultatie.routes,
        *zorglandschap.routes,
        Mount("/api/v1", routes=api.routes, middleware=[api_policy]),
        *opendata.page_routes,
        Mount("/open-data", routes=opendata.data_routes, middleware=[api_policy]),
        *health.routes,
        *metrics.routes,
        *theme.routes,
        Mount("/static", CompressedStaticFiles(directory=PROJECT_ROOT / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(metrics.RequestMetricsMiddleware, log_requests=settings.log_format == "json"),
            Middleware(SecurityHeadersMiddleware),
            Middleware(ControlCharacterMiddleware),
            Middleware(LanguageMiddleware),
            Middleware(CSRFMiddleware, csrf=state.csrf),
            Middleware(ViewerMiddleware),
        ],
        exception_handlers={
            HTTPException: _http_error,
            IndexUnavailable: _unavailable,
            OperationalError: _unavailable,
            InterfaceError: _unavailable,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    if settings.trusted_proxies:  # outermost, so every layer sees the real client address and scheme
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.state.services = state
    app.state.hsds_cache = {}
    state.templates.env.globals["path"] = path_function(app.router)
    state.templates.env.globals["thema"] = state.theme
    return app


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
        response = public.render(request, "pages/storing.html", {"title": title, "text": text} | retry, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def _server_error(request: Request, exc: Exception):
    log.exception("Onverwachte fout bij %s", metrics.route_template(request.scope))  # never the path
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
    return public.render(request, "pages/fout.html", {"title": title, "text": text}, status_code=status)
