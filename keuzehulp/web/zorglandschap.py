"""/beheer/zorglandschap: coverage per gemeente, wachttijden per gemeente x perceel x OB and their
trend (HTML, CSV and SVG, all without JavaScript)."""

from __future__ import annotations

from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.models import Gebruiker
from keuzehulp.services import zorglandschap as service
from keuzehulp.web.auth import page, signed_in

# The trend's choice of perceel x OB, as one value: "jeugd-1" .. "wmo-2".
TREND_CHOICES = {f"{c.filters['perceel']}-{c.filters['ob']}": c for c in service.WAIT_COLUMNS}


def _csv(text: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


def _coverage(request: Request):
    services = request.app.state.services
    return service.coverage(services.search, services.index.snapshot(), services.taxonomy.gemeenten)


def _trend(request: Request, db: Session):
    """The chosen gemeente, perceel x OB (the first ones when unknown) and that trend's points."""
    taxonomy = request.app.state.services.taxonomy
    gemeente = taxonomy.gemeente(request.query_params.get("gemeente", "")) or taxonomy.gemeenten[0]
    key = request.query_params.get("hulp", "")
    key = key if key in TREND_CHOICES else next(iter(TREND_CHOICES))
    column = TREND_CHOICES[key]
    points = service.trend(db, gemeente, column.filters["perceel"], column.filters["ob"], clock.today())
    return gemeente, key, f"Wachttijd {column.name} in {gemeente.naam}", points


@signed_in("beheerder")
def overzicht(request: Request, db: Session, user: Gebruiker, form):
    """The dashboard: coverage matrix, wachttijd table and the trend for one gemeente, perceel and OB."""
    gemeente, key, title, points = _trend(request, db)
    title += ", per maand"
    context = {
        "column_groups": service.column_groups(service.COLUMNS),
        "coverage": _coverage(request),
        "wait_groups": service.column_groups(service.WAIT_COLUMNS),
        "wachttijden": service.wachttijden(db, request.app.state.services.taxonomy.gemeenten, clock.today()),
        "trend_choices": [(k, c.name) for k, c in TREND_CHOICES.items()],
        "trend_gemeente": gemeente,
        "trend_hulp": key,
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
    """The wachttijd trend of one gemeente, perceel and OB as an SVG file."""
    _, _, title, points = _trend(request, db)
    return Response(service.trend_svg(points, title), media_type="image/svg+xml")


routes = [
    Route("/beheer/zorglandschap", overzicht, name="beheer_zorglandschap"),
    Route("/beheer/zorglandschap/dekking.csv", dekking_csv, name="zorglandschap_dekking_csv"),
    Route("/beheer/zorglandschap/wachttijden.csv", wachttijden_csv, name="zorglandschap_wachttijden_csv"),
    Route("/beheer/zorglandschap/trend.svg", trend_svg, name="zorglandschap_trend_svg"),
]
