"""`keuzehulp bench`: figures on generated data (index build, search latency, HTTP throughput, memory).

Search latency is measured in-process over a fixed mix of realistic queries, each with all facets.
Throughput compares `/zoeken` with a bare Starlette endpoint served the same way (one uvicorn
worker on 127.0.0.1), loaded by the same bounded keep-alive client, so the ratio is meaningful.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

from rich.console import Console
from rich.table import Table
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.db import make_engine, session_scope, upgrade
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.filters import SearchRequest, to_params
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.demo import load_demo
from keuzehulp.services.taxonomy import Taxonomy, load_taxonomy
from keuzehulp.serving import start_server, stop_server

TEXTS = [
    "autisme",
    "opvoeding",
    "schulden",
    "angst",
    "trauma",
    "dagbesteding",
    "ADHD",
    "gezinsbegeleiding",
    "prikkelgevoelig",
    "begeleiding thuis",
    "jongeren",
    "Enschede",
    "Delden",
    "logeren",
    "dyslexie",
]
CONNECTIONS = 8


async def _bare(request):
    return HTMLResponse("<!doctype html><title>ok</title><p>ok</p>")


bare_app = Starlette(routes=[Route("/", _bare)])


def query_mix(taxonomy: Taxonomy, count: int, seed: int = 2026) -> list[SearchRequest]:
    """A fixed mix: keuzehulp filter combinations, text with filters, and text only."""
    rng = random.Random(seed)
    codes = [g.cbs_code for g in taxonomy.gemeenten]
    specs = [s.slug for s in taxonomy.specialisaties]
    mix = []
    for i in range(count):
        kind = i % 4
        ob = rng.choice([1, 2, 3, 4])
        niveau = rng.choice({1: "ABCD", 2: "ABCD", 3: "ABC", 4: "ABCE"}[ob])
        filters = SearchRequest(
            gemeente=rng.choice(codes),
            perceel="jeugd" if ob > 2 else rng.choice(["jeugd", "wmo"]),
            ob=ob,
            niveau=niveau if rng.random() < 0.8 else None,
            specialisatie=(rng.choice(specs),) if rng.random() < 0.3 else (),
            dakje=rng.choice(["1", "2"]) if rng.random() < 0.1 else None,
            max_wachttijd=rng.choice([4, 8]) if rng.random() < 0.2 else None,
        )
        if kind in (0, 1):
            mix.append(filters)
        elif kind == 2:
            mix.append(replace(filters, q=rng.choice(TEXTS), niveau=None))
        else:
            mix.append(SearchRequest(q=rng.choice(TEXTS)))
    return mix


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _load(port: int, paths: list[str], seconds: float, max_requests: int) -> tuple[int, int]:
    """Bounded keep-alive load: stops at `seconds` or `max_requests`; returns (ok, errors)."""
    deadline = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0, "sent": 0}

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        try:
            while time.monotonic() < deadline and counts["sent"] < max_requests:
                counts["sent"] += 1
                path = paths[i % len(paths)]
                i += CONNECTIONS
                cookie = f"kh_volgorde={'b' * 32}; kh_csrf=benchmark-visitor-cookie"  # a returning visitor
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
                await writer.drain()
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                counts["ok" if b" 200 " in status_line else "errors"] += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker(n) for n in range(CONNECTIONS)))
    return counts["ok"], counts["errors"]


def _requests_per_second(target: str, env: dict, paths: list[str], seconds: float) -> tuple[float, float]:
    process, port = start_server(target, env)
    try:
        asyncio.run(_load(port, paths, min(2.0, seconds), 2_000))  # warm-up
        started = time.monotonic()
        ok, errors = asyncio.run(_load(port, paths, seconds, 200_000))
        elapsed = time.monotonic() - started
        if errors:
            raise RuntimeError(f"{errors} failed requests against {target}")
        return ok / elapsed, _rss_mb(process.pid)
    finally:
        stop_server(process)


def bench_size(size: int, queries: int, http_seconds: float, workdir: Path, console: Console) -> dict:
    """All figures for one data-set size."""
    url = f"sqlite:///{workdir / f'bench-{size}.db'}"
    index_dir = workdir / f"index-{size}"
    if not (workdir / f"bench-{size}.db").exists():
        console.print(f"[{size}] demo-gegevens maken ...")
        upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            load_taxonomy(session)
            load_demo(session, size, seed=size, reference_date=clock.today())
    engine = make_engine(url)
    index = SearchIndex(index_dir, engine)
    started = time.perf_counter()
    index.rebuild()
    build_seconds = time.perf_counter() - started
    taxonomy = Taxonomy.load(engine)
    search = SearchEngine(taxonomy)
    mix = query_mix(taxonomy, queries)
    timings = []
    snapshot = index.snapshot()
    for request in mix:  # every request is new to the result cache; term masks warm up as they go
        started = time.perf_counter()
        search.search(snapshot, request, seed=7)
        timings.append((time.perf_counter() - started) * 1000)
    repeat = []
    for request in mix:
        started = time.perf_counter()
        search.search(index.snapshot(), request, seed=7)
        repeat.append((time.perf_counter() - started) * 1000)
    paths = [f"/zoeken?{urlencode(to_params(r))}" for r in mix]
    env = {
        "KEUZEHULP_DATABASE_URL": url,
        "KEUZEHULP_INDEX_DIR": str(index_dir),
        "KEUZEHULP_INDEX_POLL_SECONDS": "0",
    }
    zoeken_rps, server_rss = _requests_per_second("keuzehulp.web.asgi:app", env, paths, http_seconds)
    bare_rps, _ = _requests_per_second("keuzehulp.bench:bare_app", {}, ["/"], http_seconds)
    index_mb = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 1e6
    engine.dispose()
    return {
        "size": size,
        "build_s": build_seconds,
        "p50_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 95),
        "max_ms": max(timings),
        "cached_p95_ms": _percentile(repeat, 95),
        "zoeken_rps": zoeken_rps,
        "bare_rps": bare_rps,
        "ratio": zoeken_rps / bare_rps,
        "server_rss_mb": server_rss,
        "index_mb": index_mb,
    }


def run_benchmarks(
    sizes, *, queries: int, http_seconds: float, workdir: str | None, console: Console
) -> list[dict]:
    """Run every size and print one table."""
    console = Console(width=max(console.width, 150))
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="keuzehulp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = [bench_size(size, queries, http_seconds, folder, console) for size in sizes]
    table = Table(title=f"Keuzehulp benchmark ({queries} queries, {CONNECTIONS} connections, 1 worker)")
    for column in [
        "aanbieders",
        "index build s",
        "search p50 ms",
        "p95 ms",
        "max ms",
        "cached p95 ms",
        "/zoeken req/s",
        "bare req/s",
        "ratio",
        "server RSS MB",
        "index MB",
    ]:
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(
            f"{r['size']:,}",
            f"{r['build_s']:.1f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['max_ms']:.1f}",
            f"{r['cached_p95_ms']:.2f}",
            f"{r['zoeken_rps']:.0f}",
            f"{r['bare_rps']:.0f}",
            f"{r['ratio']:.0%}",
            f"{r['server_rss_mb']:.0f}",
            f"{r['index_mb']:.1f}",
        )
    console.print(table)
    console.print(f"Data in {folder}")
    return rows
