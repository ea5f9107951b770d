"""JSON API v1: the same search as /zoeken, and profiles; described by /api/v1/openapi.json."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import Availability, Figure, Stop, availability
from keuzehulp.domain.changelog import changes_with_aanbieders
from keuzehulp.domain.validation import published_link, whole_number
from keuzehulp.queries.profiles import Profile, load_profiles
from keuzehulp.search.engine import SearchResult, visitor_seed
from keuzehulp.search.filters import MAX_PER_PAGE, InvalidSearch, parse_search
from keuzehulp.web.api.openapi import openapi_document
from keuzehulp.web.kit.beschikbaarheid import matching_availability
from keuzehulp.web.kit.links import absolute_url
from keuzehulp.web.kit.presenters import matching_contracts, search_notices
from keuzehulp.web.kit.searchwork import run_search_work


def error_json(status: int, error: str, details: dict) -> JSONResponse:
    """The API error shape: {"error", "details"}."""
    return JSONResponse({"error": error, "details": details}, status_code=status)


async def aanbieders(request: Request) -> JSONResponse:
    """Search aanbieders with the filters of /zoeken; results, facets and the order used.

    A repeated search is a cache lookup on the event loop; a new one runs in the thread pool."""
    site = request.app.state.site
    try:
        search = parse_search(request.query_params, site.taxonomy)
    except InvalidSearch as error:
        return error_json(400, "Ongeldige zoekopdracht", error.details)
    if "per_page" in request.query_params:
        per_page = whole_number(request.query_params["per_page"], 1, MAX_PER_PAGE)
        if per_page is None:
            return error_json(
                400,
                "Ongeldige zoekopdracht",
                {"per_page": f"Kies 1 tot en met {MAX_PER_PAGE} resultaten per pagina."},
            )
        search = replace(search, per_page=per_page)
    seed = visitor_seed(request.query_params.get("volgorde", "api"), clock.today())
    snapshot = site.index.snapshot()
    if site.search.is_quick(snapshot, search, seed):
        result = site.search.search(snapshot, search, seed)
    else:
        result = await run_search_work(site.search.search, snapshot, search, seed)
    return JSONResponse(search_json(request, result))


def search_json(request: Request, result: SearchResult) -> dict:
    """The API shape of a search result."""
    search, today = result.request, clock.today()
    return {
        "total": result.total,
        "page": search.pagina,
        "per_page": search.per_page,
        "pages": result.pages,
        "sort": result.sort,
        "order": result.order_explanation,
        "suggestion": result.suggestion,
        "notices": search_notices(search, result),
        "results": [
            {
                "slug": hit.data["slug"],
                "naam": hit.data["naam"],
                "url": absolute_url(request, "aanbieder", slug=hit.data["slug"]),
                "plaatsen": hit.data["plaatsen"],
                "specialisaties": hit.data["specialisaties"],
                **_wachttijd_json(matching_availability(hit.data, search, today)),
                "ambulante_spoedhulp": hit.data["ambulante_spoedhulp"],
                "contracten": matching_contracts(hit.data, search),
                "afstand_km": None if hit.distance_km is None else round(hit.distance_km, 1),
            }
            for hit in result.hits
        ],
        "facets": {
            name: [
                {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected}
                for o in options
            ]
            for name, options in result.facets.items()
        },
    }


async def aanbieder(request: Request) -> JSONResponse:
    """One aanbieder's profile with its current contract scope."""
    site = request.app.state.site
    slug = request.path_params["slug"]

    [profile] = await run_in_threadpool(load_profiles, site.engine, [slug])
    if profile is None:
        return error_json(404, "Aanbieder niet gevonden", {"slug": f"Er is geen aanbieder '{slug}'."})
    if not profile.is_public:
        return error_json(
            410, "Aanbieder niet beschikbaar", {"slug": "Deze aanbieder is nu niet beschikbaar."}
        )
    return JSONResponse(profile_json(profile))


def profile_json(profile: Profile) -> dict:
    """The API shape of a profile; protected woonlocaties without address."""
    a = profile.aanbieder
    today = clock.today()
    state = (profile.beschikbaarheid.figures, profile.beschikbaarheid.stops)
    return {
        "slug": a.slug,
        "naam": a.naam,
        "kvk": a.kvk,
        "agb": a.agb,
        "website": published_link(a.website),
        "email": a.email,
        "telefoon": a.telefoon,
        "beschrijving": a.beschrijving,
        "status": a.status,
        "beschikbaarheid": [
            _figure_json(f, availability(*state, f.hulp, f.gemeente, today).verouderd) for f in state[0]
        ],
        "instroomstops": [_stop_json(x) for x in state[1] if x.active(today)],
        "consultatie_functieniveaus": a.consultatie_functieniveaus,
        "diagnostiek": a.diagnostiek,
        "ambulante_spoedhulp": a.ambulante_spoedhulp,
        "werkvormen": a.werkvormen,
        "specialisaties": [{"slug": s.slug, "naam": s.naam} for s in profile.specialisaties],
        "doelgroepen": [d.slug for d in profile.doelgroepen],
        "talen": [t.slug for t in profile.talen],
        "vestigingen": profile.public_vestigingen,
        "contracten": [
            {
                "gemeente": g.cbs_code,
                "perceel": c.perceel,
                "ob": c.product,
                "niveau": c.variant,
                "geldig_vanaf": c.geldig_vanaf.isoformat(),
                "geldig_tot": c.geldig_tot.isoformat() if c.geldig_tot else None,
            }
            for c, g in profile.contracten
        ],
        "dakjes": [{"gemeente": g.cbs_code, "dakje": d.dakje} for d, g in profile.dakjes],
        "maatregelhulp": [{"gemeente": g.cbs_code, "soort": m.soort} for m, g in profile.maatregelhulp],
    }


FEED_LIMIT = 500


async def wijzigingen(request: Request) -> JSONResponse:
    """Changes after a sequence number (`sinds`) or a moment (`sinds_tijd`), oldest first.

    A harvester keeps the highest `seq` it saw and asks again with `sinds=<seq>`; for each
    aanbieder it re-reads the profile, or drops it when the change says it is no longer available.
    """
    site = request.app.state.site
    params = request.query_params
    errors = {}
    sinds = whole_number(params.get("sinds", "0"))
    if sinds is None:
        errors["sinds"] = "Geef een volgnummer (0 of hoger)."
    moment = None
    if params.get("sinds_tijd"):
        try:
            moment = datetime.fromisoformat(params["sinds_tijd"])
        except ValueError:
            errors["sinds_tijd"] = "Geef een tijdstip als 2026-11-23T08:00:00+00:00."
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    if errors:
        return error_json(400, "Ongeldige parameters", errors)

    def load():
        with Session(site.engine) as session:
            return changes_with_aanbieders(session, sinds, clock.today(), moment, FEED_LIMIT + 1)

    rows = await run_in_threadpool(load)
    more = len(rows) > FEED_LIMIT
    rows = rows[:FEED_LIMIT]
    return JSONResponse(
        {
            "sinds": sinds,
            "tot": rows[-1][0].seq if rows else sinds,
            "meer": more,
            "wijzigingen": [
                {
                    "seq": change.seq,
                    "aanbieder": slug,
                    "soort": "gewijzigd" if shown else "niet-beschikbaar",
                    "tijd": change.created_at.isoformat(),
                    "url": absolute_url(request, "api_aanbieder", slug=slug),
                }
                for change, slug, shown in rows
            ],
        }
    )


async def openapi(request: Request) -> JSONResponse:
    """The OpenAPI 3.1 description of this API."""
    return JSONResponse(openapi_document())


routes = [
    Route("/aanbieders", aanbieders, name="api_aanbieders"),
    Route("/aanbieders/{slug}", aanbieder, name="api_aanbieder"),
    Route("/wijzigingen", wijzigingen, name="api_wijzigingen"),
    Route("/openapi.json", openapi, name="api_openapi"),
]


def _figure_json(figure: Figure, verouderd: bool) -> dict:
    return figure.stated() | {"bevestigd_op": figure.bevestigd_op.isoformat(), "verouderd": verouderd}


def _stop_json(stop: Stop) -> dict:
    return {
        "hulp": stop.hulp,
        "gemeente": stop.gemeente,
        "reden": stop.reden,
        "vanaf": stop.vanaf.isoformat(),
        "tot": stop.tot.isoformat() if stop.tot else None,
    }


def _wachttijd_json(shown: tuple[str, str, Availability] | None) -> dict:
    """A hit's wachttijd for the search: weeks until the start (null: unknown), its date, and the
    whole figure with its line, staleness and a running instroomstop."""
    if shown is None:
        return {"wachttijd_weken": None, "wachttijd_bevestigd_op": None, "beschikbaarheid": None}
    hulp, gemeente, found = shown
    figure = found.figure
    return {
        "wachttijd_weken": figure.start if figure else None,
        "wachttijd_bevestigd_op": figure.bevestigd_op.isoformat() if figure else None,
        "beschikbaarheid": {
            "hulp": hulp,
            "gemeente": gemeente,
            "figure": _figure_json(figure, found.verouderd) if figure else None,
            "instroomstop": _stop_json(found.stop) if found.stop else None,
        },
    }
