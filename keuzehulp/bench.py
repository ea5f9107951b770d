"""`keuzehulp bench`: figures on generated data (index build, search latency, HTTP throughput, memory).

Search latency is measured in-process over a fixed mix of realistic queries, each with all facets.
HTTP load compares `/zoeken` with a bare Starlette endpoint served the same way (one uvicorn
worker on 127.0.0.1), loaded by the same bounded keep-alive client, so the ratio is meaningful.
Three kinds of traffic: first-time visitors without cookies on a realistic mix of URLs, thousands
of distinct searches that each arrive once (nothing cached for them), and a returning visitor.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode

from rich.console import Console
from rich.table import Table
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.db import make_engine, session_scope, upgrade
from keuzehulp.domain.taxonomy import Taxonomy, load_taxonomy
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.filters import SearchRequest, to_params
from keuzehulp.search.index import SearchIndex
from keuzehulp.services.demo import load_demo
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
CONNECTIONS = 32


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
            ob=str(ob),
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


def traffic_mixes(taxonomy: Taxonomy, realistic: int = 120, distinct: int = 6000, seed: int = 2026):
    """URLs of /zoeken for the HTTP load: a realistic mix (what first-time and returning visitors
    open: filter combinations, text, sorts, second pages, htmx fragments) and `distinct`
    different searches that nobody made before (wijkteams combining filters freely)."""
    rng = random.Random(seed)
    realistic_paths = []
    for i, request in enumerate(query_mix(taxonomy, realistic, seed)):
        if i % 6 == 5:
            request = replace(request, pagina=2)
        if i % 5 == 4:
            request = replace(request, sort=rng.choice(["wachttijd", "naam", "afstand"]))
        realistic_paths.append((f"/zoeken?{urlencode(to_params(request))}", i % 7 == 6))
    codes = [g.cbs_code for g in taxonomy.gemeenten]
    specs = [s.slug for s in taxonomy.specialisaties]
    seen: set[str] = set()
    cold = []
    while len(cold) < distinct:
        ob = rng.choice([None, 1, 2, 3, 4])
        request = SearchRequest(
            q=rng.choice(["", "", "", *TEXTS]),
            gemeente=rng.choice([None, *codes]),
            perceel=None if ob is None else ("jeugd" if ob > 2 else rng.choice(["jeugd", "wmo"])),
            ob=None if ob is None else str(ob),
            niveau=None if ob is None or rng.random() < 0.3 else rng.choice("ABC"),
            specialisatie=tuple(sorted(set(rng.sample(specs, rng.choice([0, 0, 1, 2]))))),
            max_wachttijd=rng.choice([None, None, 2, 4, 8, 12]),
            plek=rng.random() < 0.05,
            spoedhulp=rng.random() < 0.1,
            sort=rng.choice(["", "", "wachttijd", "naam", "afstand"]),
            pagina=rng.choice([1, 1, 1, 2, 3]),
        )
        path = f"/zoeken?{urlencode(to_params(request))}"
        if path not in seen:
            seen.add(path)
            cold.append((path, False))
    return realistic_paths, cold


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


RETURNING = f"kh_volgorde={'b' * 32}; kh_csrf=benchmark-visitor-cookie"


@dataclass
class Load:
    """What one bounded load run measured."""

    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu_ms_per_request: float = 0.0

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99) * 1000 if self.latencies else 0.0


async def run_load(
    port: int, paths: list[tuple[str, bool]], seconds: float, max_requests: int, cookie: str | None
) -> Load:
    """Bounded keep-alive load over CONNECTIONS connections: stops at `seconds` or `max_requests`
    (each path at most once per pass over the list). `cookie` None: every request is a
    first-time visitor without cookies."""
    deadline = time.monotonic() + seconds
    result, sent = Load(), [0]
    started = time.monotonic()

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        try:
            while time.monotonic() < deadline and sent[0] < max_requests:
                sent[0] += 1
                path, fragment = paths[i % len(paths)]
                i += CONNECTIONS
                headers = "Host: 127.0.0.1\r\n"
                if cookie:
                    headers += f"Cookie: {cookie}\r\n"
                if fragment:
                    headers += "HX-Request: true\r\n"
                began = time.perf_counter()
                writer.write(f"GET {path} HTTP/1.1\r\n{headers}\r\n".encode())
                await writer.drain()
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                result.latencies.append(time.perf_counter() - began)
                if b" 200 " in status_line:
                    result.ok += 1
                else:
                    result.errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker(n) for n in range(CONNECTIONS)))
    result.seconds = time.monotonic() - started
    return result


def _measure(port: int, pid: int, paths, seconds: float, cookie: str | None, max_requests: int) -> Load:
    cpu = _cpu_seconds(pid)
    load = asyncio.run(run_load(port, paths, seconds, max_requests, cookie))
    if load.errors:
        raise RuntimeError(f"{load.errors} failed requests")
    load.cpu_ms_per_request = (_cpu_seconds(pid) - cpu) * 1000 / max(load.ok, 1)
    return load


def _http_figures(env: dict, realistic, cold, seconds: float) -> tuple[dict[str, Load], float]:
    """/zoeken under the three kinds of traffic (one server, one worker), and its RSS after."""
    process, port = start_server("keuzehulp.web.asgi:app", env)
    try:
        asyncio.run(run_load(port, [realistic[0]], 1.0, 200, RETURNING))  # open the index
        # every cold URL is requested once: nothing was cached for it before
        figures = {"cold": _measure(port, process.pid, cold, seconds, RETURNING, len(cold))}
        # on a live site the popular URLs have been asked before: one pass, then measure
        asyncio.run(run_load(port, realistic, seconds, len(realistic), None))
        figures |= {
            "first-time": _measure(port, process.pid, realistic, seconds, None, 200_000),
            "returning": _measure(port, process.pid, realistic, seconds, RETURNING, 200_000),
        }
        return figures, _rss_mb(process.pid)
    finally:
        stop_server(process)


def _bare_figures(seconds: float) -> Load:
    process, port = start_server("keuzehulp.bench:bare_app", {})
    try:
        asyncio.run(run_load(port, [("/", False)], 1.0, 2_000, None))
        return _measure(port, process.pid, [("/", False)], seconds, None, 200_000)
    finally:
        stop_server(process)


def demo_database(url: str, size: int):
    """Migrate an empty database and fill it with `size` demo aanbieders; returns its engine."""
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_taxonomy(session)
        load_demo(session, size, seed=size, reference_date=clock.today())
    return engine


def bench_size(size: int, queries: int, http_seconds: float, workdir: Path, console: Console) -> dict:
    """All figures for one data-set size."""
    url = f"sqlite:///{workdir / f'bench-{size}.db'}"
    index_dir = workdir / f"index-{size}"
    if not (workdir / f"bench-{size}.db").exists():
        console.print(f"[{size}] demo-gegevens maken ...")
        demo_database(url, size).dispose()
    engine = make_engine(url)
    index = SearchIndex(index_dir, engine)
    console.print(f"[{size}] index bouwen ...")
    started = time.perf_counter()
    index.rebuild()
    build_seconds = time.perf_counter() - started
    taxonomy = Taxonomy.load(engine)
    search = SearchEngine(taxonomy)
    timings = []
    snapshot = index.snapshot()
    for request in query_mix(taxonomy, queries):  # new to the result cache; term masks warm up
        started = time.perf_counter()
        search.search(snapshot, request, seed=7)
        timings.append((time.perf_counter() - started) * 1000)
    env = {
        "KEUZEHULP_DATABASE_URL": url,
        "KEUZEHULP_INDEX_DIR": str(index_dir),
        "KEUZEHULP_INDEX_POLL_SECONDS": "0",
    }
    realistic, cold = traffic_mixes(taxonomy)
    console.print(f"[{size}] HTTP-belasting ...")
    figures, server_rss = _http_figures(env, realistic, cold, http_seconds)
    bare = _bare_figures(http_seconds)
    index_mb = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 1e6
    engine.dispose()
    return {
        "size": size,
        "build_s": build_seconds,
        "search_p50_ms": statistics.median(timings),
        "search_p95_ms": percentile(timings, 95),
        "traffic": figures,
        "bare": bare,
        "server_rss_mb": server_rss,
        "index_mb": index_mb,
        "urls": (len(realistic), len(cold)),
    }


def run_benchmarks(
    sizes, *, queries: int, http_seconds: float, workdir: str | None, console: Console
) -> Path:
    """Run every size and print two tables: per size, and per size and kind of traffic; returns the
    folder with the generated data."""
    console = Console(width=max(console.width, 150))
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="keuzehulp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = [bench_size(size, queries, http_seconds, folder, console) for size in sizes]
    table = Table(title=f"Keuzehulp benchmark: index and in-process search ({queries} queries)")
    for column in [
        "aanbieders",
        "index build s",
        "search p50 ms",
        "search p95 ms",
        "server RSS MB",
        "index MB",
    ]:
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(
            f"{r['size']:,}",
            f"{r['build_s']:.1f}",
            f"{r['search_p50_ms']:.1f}",
            f"{r['search_p95_ms']:.1f}",
            f"{r['server_rss_mb']:.0f}",
            f"{r['index_mb']:.1f}",
        )
    console.print(table)
    traffic = Table(
        title=f"/zoeken under load ({CONNECTIONS} connections, 1 worker) next to a bare Starlette endpoint"
    )
    for column in [
        "aanbieders",
        "traffic",
        "URLs",
        "req/s",
        "bare req/s",
        "ratio",
        "p50 ms",
        "p99 ms",
        "CPU ms/req",
    ]:
        traffic.add_column(column, justify="right")
    descriptions = {
        "first-time": "first-time visitors (no cookies)",
        "cold": "distinct searches, each new",
        "returning": "returning visitor",
    }
    for r in rows:
        urls = {"first-time": r["urls"][0], "cold": r["urls"][1], "returning": r["urls"][0]}
        for kind, load in r["traffic"].items():
            traffic.add_row(
                f"{r['size']:,}",
                descriptions[kind],
                f"{urls[kind]:,}",
                f"{load.rps:.0f}",
                f"{r['bare'].rps:.0f}",
                f"{load.rps / r['bare'].rps:.2f}",
                f"{load.p50:.1f}",
                f"{load.p99:.1f}",
                f"{load.cpu_ms_per_request:.2f}",
            )
    console.print(traffic)
    console.print(f"Data in {folder}")
    return folder
