"""Liveness and readiness: /healthz answers while the process runs, /readyz only while the
database accepts writes and the search index is whole and caught up with the change log."""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from keuzehulp.db import accepts_writes

RECENT_FAILURE_SECONDS = 30  # a write that failed this recently keeps /readyz false


async def healthz(request: Request) -> JSONResponse:
    """The process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database accepts writes and the search index is whole and caught up."""
    site = request.app.state.site

    def check() -> tuple[bool, bool]:
        failed_at = getattr(request.app.state, "write_failed_at", None)
        recent = failed_at is not None and time.monotonic() - failed_at < RECENT_FAILURE_SECONDS
        database = not recent and accepts_writes(site.engine)
        try:
            index = site.index.is_ready()
        except Exception:  # the database is down: we cannot know how far the index is
            index = False
        return database, index

    database, index = await run_in_threadpool(check)
    ready = database and index
    return JSONResponse(
        {"status": "ok" if ready else "niet klaar", "database": database, "index": index},
        status_code=200 if ready else 503,
    )


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
