"""Two app hosts on one PostgreSQL, as in production (docs/deploy.md): how fast a committed edit is
found on a host (each follows the change log into its own index), and what one host and both
together serve to first-time visitors.

Each host is a uvicorn server with two workers and an index folder of its own, on 127.0.0.1. The
load is bounded in time and count, as in `keuzehulp.bench`.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

from rich.console import Console
from rich.table import Table
from sqlmodel import select

from keuzehulp import clock
from keuzehulp.bench import CONNECTIONS, Load, demo_database, percentile, run_load, traffic_mixes
from keuzehulp.db import session_scope
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.models import Aanbieder
from keuzehulp.models.periods import public
from keuzehulp.serving import start_server, stop_server
from keuzehulp.temp_postgres import PostgresServer

EDITS = 50
WORKERS = 2


def _start_host(url: str, index_dir: Path) -> tuple:
    env = {
        "KEUZEHULP_DATABASE_URL": url,
        "KEUZEHULP_INDEX_DIR": str(index_dir),
        "KEUZEHULP_API_RATE_LIMIT": "0",
        "KEUZEHULP_MAIL_SEND_SECONDS": "0",
    }
    process, port = start_server("keuzehulp.web.asgi:app", env, workers=WORKERS)
    deadline = time.monotonic() + 120
    while not _ready(port):
        if time.monotonic() > deadline:
            raise RuntimeError("host is not ready")
        time.sleep(0.2)
    return process, port


def _ready(port: int) -> bool:
    try:
        with urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            return response.status == 200
    except URLError:  # 503 until the index has caught up
        return False


def _found(port: int, word: str) -> bool:
    with urlopen(
        f"http://127.0.0.1:{port}/api/v1/aanbieders?{urlencode({'q': word})}", timeout=10
    ) as response:
        return bool(json.load(response)["results"])


def _propagation(engine, port: int) -> list[float]:
    """Seconds from the commit of an edit (written as every host writes one: the row and its change)
    until the host on `port` finds the new word, for EDITS edits."""
    with session_scope(engine) as session:
        aanbieder_id = session.exec(select(Aanbieder.id).where(public(clock.today()))).first()
    delays = []
    for n in range(EDITS):
        word = f"benchwoord{n}x{time.monotonic_ns() % 10**6}"
        with session_scope(engine) as session:
            aanbieder = session.get(Aanbieder, aanbieder_id)
            aanbieder.beschrijving = f"Getest met {word}."
            record_change(session, aanbieder_id, "bench")
        committed = time.perf_counter()
        while not _found(port, word):
            if time.perf_counter() - committed > 30:
                raise RuntimeError("an edit did not reach the host within 30 s")
            time.sleep(0.01)
        delays.append(time.perf_counter() - committed)
    return delays


async def _both(ports: list[int], paths, seconds: float) -> list[Load]:
    return await asyncio.gather(*(run_load(port, paths, seconds, 200_000, None) for port in ports))


def bench_two_hosts(size: int, seconds: float, workdir: Path, console: Console, url: str = "") -> dict:
    """Figures for two hosts on one PostgreSQL (a throwaway server unless `url` is given)."""
    server = None
    if not url:
        server = PostgresServer()
        server.start()
        url = server.create_database("bench")
    hosts = []
    try:
        console.print(f"[twee hosts, {size}] demo-gegevens maken ...")
        engine = demo_database(url, size)
        hosts = [_start_host(url, workdir / f"index-host-{name}") for name in ("a", "b")]
        ports = [port for _, port in hosts]
        console.print(f"[twee hosts, {size}] wijzigingen en belasting ...")
        delays = _propagation(engine, ports[1])
        realistic, _ = traffic_mixes(Taxonomy.load(engine))
        asyncio.run(_both(ports, realistic, seconds))  # one pass: the popular pages were asked before
        one = asyncio.run(_both(ports[:1], realistic, seconds))
        both = asyncio.run(_both(ports, realistic, seconds))
        engine.dispose()
        return {"size": size, "delays": delays, "one": one, "both": both}
    finally:
        for process, _ in hosts:
            stop_server(process)
        if server:
            server.stop()


def print_two_hosts(figures: dict, console: Console) -> None:
    """The two-host figures as one table."""
    delays = figures["delays"]
    table = Table(
        title=f"Two hosts x {WORKERS} workers on one PostgreSQL, {figures['size']:,} aanbieders "
        f"({CONNECTIONS} connections per host, first-time visitors)"
    )
    for column in ["measure", "value"]:
        table.add_column(column, justify="right")
    table.add_row(
        f"committed edit found on host B, median of {len(delays)}", f"{statistics.median(delays):.2f} s"
    )
    table.add_row("committed edit found on host B, slowest", f"{max(delays):.2f} s")
    for label, loads in (("one host", figures["one"]), ("both hosts together", figures["both"])):
        ok, errors = sum(load.ok for load in loads), sum(load.errors for load in loads)
        latencies = [latency for load in loads for latency in load.latencies]
        p99 = percentile(latencies, 99) * 1000 if latencies else 0.0
        rps = ok / max(load.seconds for load in loads)
        table.add_row(f"/zoeken req/s, {label}", f"{rps:,.0f} (p99 {p99:.0f} ms, {errors} errors)")
    console.print(table)
