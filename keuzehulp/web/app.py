"""The app factory: `create_app(settings)` wires database, taxonomy, search index and routes."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from keuzehulp.config import PROJECT_ROOT, Settings
from keuzehulp.db import make_engine
from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.demo import is_demo
from keuzehulp.web.aanbieder import inbox, profiel, wachttijden
from keuzehulp.web.account import password, signin
from keuzehulp.web.api import opendata
from keuzehulp.web.api import routes as api
from keuzehulp.web.api.policy import APIPolicy, RateLimiter
from keuzehulp.web.background import SHUTDOWN_WAIT_SECONDS, mail_loop, sync_loop
from keuzehulp.web.beheer import (
    aanbieders,
    aanmeldingen,
    cijfers_import,
    consultaties,
    gebruikers,
    imports,
    instroomstops,
    logboek,
    tarieven,
    zorglandschap,
)
from keuzehulp.web.errors import EXCEPTION_HANDLERS
from keuzehulp.web.kit import log_privacy, theme
from keuzehulp.web.kit.forms import ControlCharacterMiddleware
from keuzehulp.web.kit.language import LanguageMiddleware
from keuzehulp.web.kit.security import CSRF, CSRFMiddleware, SecurityHeadersMiddleware
from keuzehulp.web.kit.sessions import ViewerMiddleware
from keuzehulp.web.kit.static import CompressedStaticFiles
from keuzehulp.web.kit.templating import make_templates, path_function
from keuzehulp.web.kit.theme import Theme
from keuzehulp.web.ops import health, metrics
from keuzehulp.web.public import aanmelding, comparison, guided, pages, profile, search, voorkeur
from keuzehulp.web.shared import consultatie
from keuzehulp.web.wijkteam import consultatie_vragen, meldingen, start, voorkeuren


@dataclass
class Site:
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
    state = Site(
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
                threading.Thread(target=sync_loop, args=(index, settings.index_poll_seconds, stop))
            )
        if settings.mail_send_seconds > 0:
            threads.append(threading.Thread(target=mail_loop, args=(engine, settings, stop)))
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
        *search.routes,
        *profile.routes,
        *guided.routes,
        *pages.routes,
        *comparison.routes,
        *aanmelding.routes,
        *voorkeur.routes,
        *signin.routes,
        *password.routes,
        *profiel.routes,
        *wachttijden.routes,
        *inbox.routes,
        *start.routes,
        *consultatie_vragen.routes,
        *voorkeuren.routes,
        *meldingen.routes,
        *consultatie.routes,
        *aanbieders.routes,
        *instroomstops.routes,
        *gebruikers.routes,
        *imports.routes,
        *cijfers_import.routes,
        *aanmeldingen.routes,
        *tarieven.routes,
        *logboek.routes,
        *consultaties.routes,
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
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    if settings.trusted_proxies:  # outermost, so every layer sees the real client address and scheme
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.state.site = state
    app.state.hsds_cache = {}
    state.templates.env.globals["path"] = path_function(app.router)
    state.templates.env.globals["thema"] = state.theme
    return app
