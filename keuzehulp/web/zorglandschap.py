"""/beheer/zorglandschap: coverage per gemeente, wachttijden per gemeente x OB and their trend (HTML,
CSV and SVG, all without JavaScript)."""

from __future__ import annotations

from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.models import Gebruiker
from keuzehulp.models.twents_model import NIVEAUS_PER_OB
from keuzehulp.services import zorglandschap as service
from keuzehulp.services.validation import whole_number
from keuzehulp.web.auth import page, signed_in


def _csv(text: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


def _coverage(request: Request):
    services = request.app.state.services
    return service.coverage(services.search, services.index.snapshot(), services.taxonomy.gemeenten)


def _trend_choice(request: Request):
    taxonomy = request.app.state.services.taxonomy
    gemeente = taxonomy.gemeente(request.query_params.get("gemeente", "")) or taxonomy.gemeenten[0]
    ob = whole_number(request.query_params.get("ob", "1"))
    ob = ob if ob in NIVEAUS_PER_OB else 1
    return gemeente, ob


@signed_in("beheerder")
def overzicht(request: Request, db: Session, user: Gebruiker, form):
    """The dashboard: coverage matrix, wachttijd table and the trend for one gemeente and OB."""
    gemeente, ob = _trend_choice(request)
    points = service.trend(db, gemeente, ob, clock.today())
    title = f"Wachttijd OB{ob} in {gemeente.naam}, per maand"
    context = {
        "columns": [label for label, _ in service.COLUMNS],
        "coverage": _coverage(request),
        "wachttijden": service.wachttijden(db, request.app.state.services.taxonomy.gemeenten, clock.today()),
        "obs": list(NIVEAUS_PER_OB),
        "trend_gemeente": gemeente,
        "trend_ob": ob,
        "trend": points,
        "trend_svg": Markup(service.trend_svg(points, title)),
        "trend_title": title,
    }
    return page(request, "pages/beheer/zorglandschap.html", context)


@signed_in("beheerder")
def dekking_csv(request: Request, db: Session, user: Gebruiker, form):
    """The coverage matrix as CSV."""
    return _csv(service.coverage_csv(_coverage(request)), "dekking.csv")


@signed_in("beheerder")
def wachttijden_csv(request: Request, db: Session, user: Gebruiker, form):
    """The wachttijd table as CSV."""
    rows = service.wachttijden(db, request.app.state.services.taxonomy.gemeenten, clock.today())
    return _csv(service.wachttijden_csv(rows), "wachttijden.csv")


@signed_in("beheerder")
def trend_svg(request: Request, db: Session, user: Gebruiker, form):
    """The wachttijd trend of one gemeente and OB as an SVG file."""
    gemeente, ob = _trend_choice(request)
    points = service.trend(db, gemeente, ob, clock.today())
    return Response(
        service.trend_svg(points, f"Wachttijd OB{ob} in {gemeente.naam}"), media_type="image/svg+xml"
    )


routes = [
    Route("/beheer/zorglandschap", overzicht, name="beheer_zorglandschap"),
    Route("/beheer/zorglandschap/dekking.csv", dekking_csv, name="zorglandschap_dekking_csv"),
    Route("/beheer/zorglandschap/wachttijden.csv", wachttijden_csv, name="zorglandschap_wachttijden_csv"),
    Route("/beheer/zorglandschap/trend.svg", trend_svg, name="zorglandschap_trend_svg"),
]
