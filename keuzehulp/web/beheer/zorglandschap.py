"""/beheer/zorglandschap: coverage per gemeente, wachttijden per gemeente x perceel x OB and their
trend (HTML, CSV and SVG, all without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.models import Gebruiker
from keuzehulp.services import zorglandschap as service
from keuzehulp.web.kit.guard import page, signed_in

# The trend's choice of perceel x OB, as one value: "jeugd-1" .. "wmo-2".
TREND_CHOICES = {f"{c.filters['perceel']}-{c.filters['ob']}": c for c in service.WAIT_COLUMNS}


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the coverage matrix's three-row header: short text, full name for screen readers."""

    text: str
    full: str = ""
    colspan: int = 1
    rowspan: int = 1
    scope: str = "col"


def coverage_header(columns) -> list[list[HeaderCell]]:
    """Perceel over OB over niveau ('Jeugd' / 'OB1' / 'A'), 'Dakje' over 1, 2, 3; the other columns
    span all three rows. Short headers keep the 28 columns within a 1280 px screen."""

    def parts(c) -> tuple[str, str | None, str | None]:
        f = c.filters
        if "ob" in f:
            return c.group, f"OB{f['ob']}", f["niveau"]
        if "dakje" in f:
            return "Dakje", None, str(f["dakje"])
        return c.label, None, None

    rows: list[list[HeaderCell]] = [[], [], []]
    for top, members in groupby(columns, key=lambda c: parts(c)[0]):
        members = list(members)
        split = [parts(c) for c in members]
        if split[0][2] is None:  # a column of its own
            rows[0].append(HeaderCell(top, rowspan=3))
            continue
        rows[0].append(HeaderCell(top, colspan=len(members), scope="colgroup"))
        if split[0][1] is None:  # dakje: the number spans the two lower rows
            rows[1] += [HeaderCell(leaf, f"{top} {leaf}", rowspan=2) for _, _, leaf in split]
            continue
        for sub, leaves in groupby(split, key=lambda part: part[1]):
            leaves = list(leaves)
            rows[1].append(HeaderCell(sub, colspan=len(leaves), scope="colgroup"))
            rows[2] += [HeaderCell(leaf, f"{top} {sub} niveau {leaf}") for _, _, leaf in leaves]
    return rows


def _csv(text: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


def _coverage(request: Request):
    site = request.app.state.site
    return service.coverage(site.search, site.index.snapshot(), site.taxonomy.gemeenten)


def _trend(request: Request, db: Session):
    """The chosen gemeente, perceel x OB (the first ones when unknown) and that trend's points."""
    taxonomy = request.app.state.site.taxonomy
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
    coverage = _coverage(request)
    cells = [cell.count for _, row in coverage for cell in row]
    context = {
        "column_groups": service.column_groups(service.COLUMNS),
        "coverage_header": coverage_header(service.COLUMNS),
        "coverage": coverage,
        "cells": {"all": len(cells), "none": cells.count(0), "one": cells.count(1)},
        "wait_groups": service.column_groups(service.WAIT_COLUMNS),
        "wachttijden": service.wachttijden(db, request.app.state.site.taxonomy.gemeenten, clock.today()),
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
    rows = service.wachttijden(db, request.app.state.site.taxonomy.gemeenten, clock.today())
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
