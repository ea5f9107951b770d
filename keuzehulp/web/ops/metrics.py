"""Operable: /metrics in Prometheus text format, and the per-request middleware that feeds it (and,
with KEUZEHULP_LOG_FORMAT=json, writes one log line per request).

Labels hold route templates (`/aanbieders/{slug}`), methods, status codes and cache kinds only:
never a raw path, query, address or anything a visitor typed.

With several uvicorn workers, `keuzehulp serve` sets PROMETHEUS_MULTIPROC_DIR, so counters and
histograms add up over the workers of a host, whichever worker answers the scrape. Facts of one
process (cache use, database pool) are published into the shared metrics every few seconds and at
each scrape; facts of the host and the site (index position, outbox) are read when scraped.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
import time

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keuzehulp import clock
from keuzehulp.domain.changelog import first_change_time_after, last_seq
from keuzehulp.queries.beheer import waiting_mail
from keuzehulp.search.snapshot import CACHE_COUNTERS

PUBLISH_SECONDS = 5  # how often each worker publishes its cache and pool figures (multiprocess mode)
UNMATCHED = "(geen route)"  # the route label of a request answered before routing (a 404, a CSRF 403)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LOCAL_CLIENTS = frozenset({"127.0.0.1", "::1"})
disable_created_metrics()  # no *_created sample beside every counter: half the text, nothing lost

REQUEST_SECONDS = Histogram(
    "keuzehulp_http_request_duration_seconds",
    "Time from request to the end of the response, by route template, method and status "
    "(its _count is the number of requests).",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CACHE_HITS = Counter("keuzehulp_cache_hits", "Lookups answered by a search cache, by kind.", ["cache"])
CACHE_MISSES = Counter("keuzehulp_cache_misses", "Lookups a search cache had to compute, by kind.", ["cache"])
CACHE_BYTES = Gauge(
    "keuzehulp_cache_bytes",
    "Estimated bytes held by the live generation's cache of each kind (summed over workers).",
    ["cache"],
    multiprocess_mode="livesum",
)
CACHE_BUDGET = Gauge(
    "keuzehulp_cache_budget_bytes",
    "Byte budget of each cache kind (summed over workers).",
    ["cache"],
    multiprocess_mode="livesum",
)
CACHE_ENTRIES = Gauge(
    "keuzehulp_cache_entries",
    "Entries in the live generation's cache of each kind (summed over workers).",
    ["cache"],
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "keuzehulp_db_pool_in_use",
    "Database connections checked out of the pool (summed over workers).",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "keuzehulp_db_pool_size",
    "Connections the pool keeps open at most without overflow (summed over workers).",
    multiprocess_mode="livesum",
)

log = logging.getLogger(__name__)
request_log = logging.getLogger("keuzehulp.request")


def multiprocess_mode() -> bool:
    """Whether the metrics of several worker processes are shared through files."""
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/api/v1/aanbieders/{slug}`), never the raw path."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    root_path = scope.get("root_path", "")
    prefix = root_path[len(scope.get("app_root_path", root_path)) :]  # the mounts passed through
    if isinstance(route, Mount):  # a mount that answered itself (static files) or found no route
        return prefix + "/{path}"
    return prefix + getattr(route, "path", "")


class RequestMetricsMiddleware:
    """Pure ASGI: observes each request's duration by route template, method and status; with
    `log_requests` it also gives the response an X-Request-ID and logs one line for the request."""

    def __init__(self, app: ASGIApp, log_requests: bool = False):
        self.app = app
        self.log_requests = log_requests
        self._series: dict[tuple[str, str, int], object] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets when the app raises before answering
        request_id = secrets.token_hex(8) if self.log_requests else None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if request_id:
                    message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            duration = time.perf_counter() - start
            method = scope["method"] if scope["method"] in METHODS else "other"
            route = route_template(scope)
            key = (route, method, status)
            series = self._series.get(key)
            if series is None:
                series = self._series[key] = REQUEST_SECONDS.labels(route, method, str(status))
            series.observe(duration)
            if request_id:
                fields = {"request_id": request_id, "method": method, "route": route, "status": status}
                request_log.info(
                    "request", extra={"request": fields | {"duration_ms": round(duration * 1000, 2)}}
                )


_published: dict[str, tuple[int, int]] = {}
_publish_lock = threading.Lock()


def publish(site) -> None:
    """Copy this process's cache counters and sizes and its pool use into the shared metrics."""
    caches = site.index.snapshot().caches()
    with _publish_lock:
        for kind, counter in CACHE_COUNTERS.items():
            hits, misses = counter.hits, counter.misses
            before_hits, before_misses = _published.get(kind, (0, 0))
            CACHE_HITS.labels(kind).inc(hits - before_hits)
            CACHE_MISSES.labels(kind).inc(misses - before_misses)
            _published[kind] = (hits, misses)
        for kind, cache in caches.items():
            CACHE_BYTES.labels(kind).set(cache.used)
            CACHE_BUDGET.labels(kind).set(cache.budget)
            CACHE_ENTRIES.labels(kind).set(len(cache))
        pool = site.engine.pool
        POOL_IN_USE.set(pool.checkedout() if hasattr(pool, "checkedout") else 0)
        POOL_SIZE.set(pool.size() if hasattr(pool, "size") else 0)


def publish_loop(site, stop: threading.Event) -> None:
    """Publish every few seconds, so a scrape answered by another worker sees this one's figures."""
    while not stop.wait(PUBLISH_SECONDS):
        try:
            publish(site)
        except Exception:  # figures only: the next round tries again
            log.warning("Publiceren van metrics mislukt", exc_info=True)


def forget_process() -> None:
    """At shutdown in multiprocess mode: this worker's gauges stop counting."""
    if multiprocess_mode():
        prometheus_multiprocess.mark_process_dead(os.getpid())


class SiteCollector:
    """Read at each scrape: how far the index is behind the change log, and the outbox."""

    def __init__(self, site):
        self.site = site

    def collect(self):
        index = self.site.index
        snapshot = index.snapshot()
        up = GaugeMetricFamily("keuzehulp_database_up", "1 when the figures below could be read.")
        try:
            figures = self._read_database(index.state()["last_seq"])
        except Exception:  # the database is away: say so, and give what the process knows
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, text, value in figures:
            yield GaugeMetricFamily(name, text, value=value)
        yield GaugeMetricFamily(
            "keuzehulp_index_generation_built_timestamp_seconds",
            "When the live index generation was built (Unix time); changes at each full rebuild.",
            value=_built_at(snapshot.folder.name if snapshot.folder else ""),
        )
        yield GaugeMetricFamily(
            "keuzehulp_index_documents", "Aanbieders in the live index.", value=int(snapshot.live.sum())
        )
        yield GaugeMetricFamily(
            "keuzehulp_index_broken", "1 while the index waits to be rebuilt.", value=int(index.broken)
        )

    def _read_database(self, applied: int) -> list[tuple[str, str, float]]:
        with Session(self.site.engine) as session:
            newest = last_seq(session)
            oldest_pending = first_change_time_after(session, applied)
            queued = waiting_mail(session)
            retrying = waiting_mail(session, retried_only=True)
        lag_seconds = 0.0
        if oldest_pending is not None:
            lag_seconds = max(0.0, (clock.now() - oldest_pending).total_seconds())
        return [
            ("keuzehulp_index_applied_seq", "Last change-log seq applied to this host's index.", applied),
            ("keuzehulp_changelog_seq", "Newest seq in the change log (the database).", newest),
            (
                "keuzehulp_index_lag_changes",
                "Change-log rows the index has not applied yet.",
                max(0, newest - applied),
            ),
            (
                "keuzehulp_index_lag_seconds",
                "Age of the oldest change the index has not applied (0: none).",
                lag_seconds,
            ),
            ("keuzehulp_outbox_queued", "E-mails in the outbox not sent yet.", queued),
            ("keuzehulp_outbox_retrying", "Of those, e-mails that failed at least once.", retrying),
        ]


def _built_at(folder_name: str) -> float:
    """The build time in a generation folder's name (`gen-<nanoseconds>`), 0 when it has none."""
    digits = folder_name.removeprefix("gen-")
    return int(digits) / 1e9 if digits.isdigit() else 0.0


def may_read(request: Request, token: str) -> bool:
    """With a token: only `Authorization: Bearer <token>`. Without: only a direct request from this
    machine (a request relayed by a proxy carries X-Forwarded-For)."""
    if token:
        offered = request.headers.get("authorization", "").encode()
        return hmac.compare_digest(offered, f"Bearer {token}".encode())
    client = request.client.host if request.client else ""
    return client in LOCAL_CLIENTS and "x-forwarded-for" not in request.headers


def exposition(site) -> bytes:
    """The metrics text: this process's (or all workers') metrics, then the site's."""
    publish(site)
    if multiprocess_mode():
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    figures = CollectorRegistry(auto_describe=False)
    figures.register(SiteCollector(site))
    return generate_latest(registry) + generate_latest(figures)


async def metrics(request: Request) -> Response:
    """Prometheus text format, for allowed scrapers only (anyone else: the site's usual 404 page)."""
    site = request.app.state.site
    if not may_read(request, site.settings.metrics_token):
        raise HTTPException(404)
    body = await run_in_threadpool(exposition, site)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


routes = [Route("/metrics", metrics)]
