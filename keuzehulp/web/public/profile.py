"""The profile of one aanbieder."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.resultaten import figures_for
from keuzehulp.i18n import gettext
from keuzehulp.queries.profiles import load_profiles
from keuzehulp.services.profiel import freshness
from keuzehulp.web.kit.beschikbaarheid import profile_rows, running_stops
from keuzehulp.web.kit.render import render
from keuzehulp.web.kit.shortlist import read_shortlist
from keuzehulp.web.public.budget import wijkteam_context


def _site(request: Request):
    return request.app.state.site


async def aanbieder(request: Request):
    """The profile of one aanbieder."""
    site = _site(request)
    slug = request.path_params["slug"]

    [profile] = await run_in_threadpool(load_profiles, site.engine, [slug])
    if profile is None:
        unknown = gettext("We kennen geen aanbieder met dit adres. Zoek de aanbieder opnieuw.")
        raise HTTPException(404, unknown)
    if not profile.is_public:
        return render(request, "pages/niet_beschikbaar.html", {"aanbieder": profile.aanbieder}, 410)
    figures = await run_in_threadpool(_figures, site.engine, profile.aanbieder.id)
    context = {
        "profile": profile,
        "figures": figures,
        "fresh": freshness(profile.aanbieder, clock.today()),
        "beschikbaarheid": profile_rows(profile, site.taxonomy.gemeente_namen, clock.today()),
        "instroomstops": running_stops(profile.beschikbaarheid, clock.today()),
        "gemeente_namen": site.taxonomy.gemeente_namen,
        "in_vergelijking": slug in read_shortlist(request),
    }
    return render(request, "pages/aanbieder.html", context | await wijkteam_context(request, profile))


def _figures(engine, aanbieder_id: int) -> list:
    with Session(engine) as session:
        return figures_for(session, aanbieder_id, clock.today())


routes = [
    Route("/aanbieders/{slug}", aanbieder, name="aanbieder"),
]
