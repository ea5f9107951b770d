"""Liveness and readiness."""

from __future__ import annotations

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def healthz(request: Request) -> JSONResponse:
    """The process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database answers and the search index is open."""
    services = request.app.state.services

    def check_db() -> bool:
        try:
            with services.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    database = await run_in_threadpool(check_db)
    index = services.index.is_ready()
    ready = database and index
    return JSONResponse(
        {"status": "ok" if ready else "niet klaar", "database": database, "index": index},
        status_code=200 if ready else 503,
    )


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
