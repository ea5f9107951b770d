"""Open data: /open-data/ (explanation), the HSDS 3 API and bundle, and the CSV export."""

from __future__ import annotations

import asyncio
import json
from weakref import WeakKeyDictionary

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.validation import whole_number
from keuzehulp.services.hsds import export
from keuzehulp.services.opendata import directory_csv
from keuzehulp.web.api.routes import error_json
from keuzehulp.web.kit.links import absolute_url
from keuzehulp.web.kit.render import render

KINDS = ("organizations", "services", "taxonomies", "taxonomy_terms")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
_building: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()


async def hsds_bundle(request: Request) -> dict[str, list[dict]]:
    """The whole export, built once per version of the indexed data and process: requests that
    arrive while it is built wait for that build (single flight) instead of starting their own.

    Each process keeps its own copy (a cache, rebuilt from the database); only limits need to be
    shared between processes."""
    site = request.app.state.site
    version = site.index.data_version()
    if request.app.state.hsds_cache.get("version") == version:
        return request.app.state.hsds_cache
    loop = asyncio.get_running_loop()
    lock = _building.get(loop)
    if lock is None:  # one per event loop (an asyncio lock belongs to the loop that uses it)
        lock = _building[loop] = asyncio.Lock()
    async with lock:
        if request.app.state.hsds_cache.get("version") != version:

            def build():
                with Session(site.engine) as session:
                    bundle = export(session, site.taxonomy, clock.today())
                index = {kind: {item["id"]: item for item in bundle[kind]} for kind in KINDS}
                return {"version": version, "bundle": bundle, "index": index}

            request.app.state.hsds_cache = await run_in_threadpool(build)  # replaced whole, never changed
    return request.app.state.hsds_cache


async def open_data(request: Request):
    """What is published, under which licence, and how to use it."""
    cache = await hsds_bundle(request)
    counts = {kind: len(cache["bundle"][kind]) for kind in KINDS}
    return render(
        request,
        "pages/open_data.html",
        {"counts": counts, "licence": request.app.state.site.settings.open_data_license},
    )


async def hsds_root(request: Request) -> JSONResponse:
    """HSDS API meta information."""
    return JSONResponse(
        {
            "version": "3.0",
            "profile": absolute_url(request, "open_data"),
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        }
    )


async def hsds_list(request: Request) -> JSONResponse:
    """One page of organizations, site, taxonomies or taxonomy terms (HSDS paging)."""
    kind = request.path_params["kind"]
    if kind not in KINDS:
        return JSONResponse(
            {"error": "Onbekende lijst", "details": {"kind": f"Kies uit {', '.join(KINDS)}."}}, 404
        )
    page = whole_number(request.query_params.get("page", "1"), 1)
    per_page = whole_number(request.query_params.get("per_page", str(DEFAULT_PER_PAGE)), 1, MAX_PER_PAGE)
    if page is None or per_page is None:
        details = {"page": "Een paginanummer vanaf 1.", "per_page": f"Tussen 1 en {MAX_PER_PAGE}."}
        return error_json(400, "Ongeldige parameters", details)
    items = (await hsds_bundle(request))["bundle"][kind]
    total_pages = max(1, -(-len(items) // per_page))
    contents = items[(page - 1) * per_page : page * per_page]
    return JSONResponse(
        {
            "total_items": len(items),
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


async def hsds_item(request: Request) -> JSONResponse:
    """One object by its id."""
    kind, item_id = request.path_params["kind"], request.path_params["id"]
    item = (await hsds_bundle(request))["index"].get(kind, {}).get(item_id)
    if item is None:
        return JSONResponse(
            {"error": "Niet gevonden", "details": {"id": f"Er is geen {kind} met id {item_id}."}}, 404
        )
    return JSONResponse(item)


async def hsds_download(request: Request) -> Response:
    """The whole HSDS export as one JSON file."""
    bundle = (await hsds_bundle(request))["bundle"]
    return Response(
        json.dumps(bundle, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="keuzehulp-hsds.json"'},
    )


async def csv_download(request: Request) -> Response:
    """The directory as CSV: one row per aanbieder x gemeente x perceel x OB x niveau."""
    site = request.app.state.site

    def build() -> str:
        with Session(site.engine) as session:
            return directory_csv(session, clock.today())

    return Response(
        await run_in_threadpool(build),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="keuzehulp-aanbieders.csv"'},
    )


page_routes = [Route("/open-data/", open_data, name="open_data")]
data_routes = [
    Route("/hsds/", hsds_root, name="hsds_root"),
    Route("/hsds/{kind}", hsds_list, name="hsds_list"),
    Route("/hsds/{kind}/{id}", hsds_item, name="hsds_item"),
    Route("/keuzehulp-hsds.json", hsds_download, name="hsds_download"),
    Route("/aanbieders.csv", csv_download, name="csv_download"),
]
