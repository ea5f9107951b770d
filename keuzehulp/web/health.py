"""Liveness and readiness: /healthz answers while the process runs, /readyz only while the
database accepts writes and the search index is whole and caught up with the change log."""

from __future__ import annotations

import secrets
import time

from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from keuzehulp.db import SQLITE_BUSY_MS

RECENT_FAILURE_SECONDS = 30  # a write that failed this recently keeps /readyz false


async def healthz(request: Request) -> JSONResponse:
    """The process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database accepts writes and the search index is whole and caught up."""
    services = request.app.state.services

    def check() -> tuple[bool, bool]:
        failed_at = getattr(request.app.state, "write_failed_at", None)
        recent = failed_at is not None and time.monotonic() - failed_at < RECENT_FAILURE_SECONDS
        database = not recent and accepts_writes(services.engine)
        try:
            index = services.index.is_ready()
        except Exception:  # the database is down: we cannot know how far the index is
            index = False
        return database, index

    database, index = await run_in_threadpool(check)
    ready = database and index
    return JSONResponse(
        {"status": "ok" if ready else "niet klaar", "database": database, "index": index},
        status_code=200 if ready else 503,
    )


def accepts_writes(engine: Engine) -> bool:
    """Whether a small write goes through within a second (it is rolled back: nothing is kept)."""
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            try:
                wait = "PRAGMA busy_timeout=1000" if sqlite else "SET LOCAL lock_timeout = '1s'"
                connection.exec_driver_sql(wait)
                connection.execute(
                    text("INSERT INTO sitemeta (key, value) VALUES (:key, '')"),
                    {"key": f"readyz-{secrets.token_hex(4)}"},
                )
            finally:
                connection.rollback()
                if sqlite:  # the connection goes back to the pool with the usual wait
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        return True
    except Exception:
        return False


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
