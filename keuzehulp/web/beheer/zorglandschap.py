"""/beheer/zorglandschap: the beheerder's own region, its coverage per gemeente, wachttijd and plek
per gemeente x kind of help, the meldingen (above the norm, instroomstops) and the trend (HTML, CSV
and SVG, all without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from babel.lists import format_list
from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import settings_of
from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.domain.regio import model_of, regio_naam
from keuzehulp.models import Gebruiker, Gemeente
from keuzehulp.services import zorglandschap as service
from keuzehulp.services import zorglandschap_wachttijd as wachttijd
from keuzehulp.web.kit.guard import page, signed_in


@dataclass(frozen=True)
class Region:
    """The region the page shows: its slug, name, inkoopmodel and loaded gemeenten."""

    slug: str
    naam: str
    model: Inkoopmodel
    gemeenten: tuple[Gemeente, ...]


def shown_region(request: Request, user: Gebruiker) -> Region:
    """The beheerder's own region: a beheerder never sees another region's zorglandschap."""
    taxonomy = request.app.state.site.taxonomy
    slug = taxonomy.regio_slug(user.regio_id) or taxonomy.regios[0]
    return Region(slug, regio_naam(slug), model_of(slug), taxonomy.gemeenten_in(slug))


def trend_choices(model: Inkoopmodel) -> dict[str, service.Column]:
    """The trend's choice of a kind of help, as one value: "jeugd-1" .. "wmo-2", "dyslexie",
    "dakje-2" in Twente."""
    return {wachttijd.hulp_of(c).replace("/", "-"): c for c in service.wait_columns(model)}


def wait_tables(model: Inkoopmodel) -> list[tuple[str, list, list[int]]]:
    """The wachttijd table in two, so each fits a 1280 px screen: per perceel and product (and
    perceel without products), then per dakje; each with its header groups and column numbers."""
    table = list(enumerate(service.wait_columns(model)))
    parts = [
        (
            f"per perceel en {model.terms['model']['product']['enkelvoud']}",
            [(i, c) for i, c in table if "dakje" not in c.filters],
        ),
        ("per dakje", [(i, c) for i, c in table if "dakje" in c.filters]),
    ]
    return [
        (title, service.column_groups([c for _, c in members]), [i for i, _ in members])
        for title, members in parts
        if members
    ]


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the coverage matrix's header: short text, full name for screen readers."""

    text: str
    full: str = ""
    colspan: int = 1
    rowspan: int = 1
    scope: str = "col"


def coverage_header(columns: list[service.Column]) -> list[list[HeaderCell]]:
    """One header row per level of the columns' headers: perceel over OB over niveau ('Jeugd' /
    'OB1' / 'A') and 'Dakje' over 1, 2, 3 in Twente, perceel over product in Regio Nijmegen; a
    column with a shorter header spans the rows below it. Short headers keep Twente's 28 columns
    within a 1280 px screen."""
    depth = max(len(c.path) for c in columns)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]

    def add(level: int, members: list[service.Column]) -> None:
        for text, same in groupby(members, key=lambda c: c.path[level]):
            same = list(same)
            if len(same[0].path) == level + 1:  # the column's own header
                rows[level] += [HeaderCell(text, c.full, rowspan=depth - level) for c in same]
            else:
                rows[level].append(HeaderCell(text, colspan=len(same), scope="colgroup"))
                add(level + 1, same)

    add(0, columns)
    return rows


def _csv(text: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


def _coverage(request: Request, region: Region):
    site = request.app.state.site
    return service.coverage(site.search, site.index.snapshot(), region.model, region.gemeenten)


def _trend(request: Request, db: Session, region: Region):
    """The chosen gemeente of the region, kind of help (the first ones when unknown) and that trend's
    points."""
    taxonomy = request.app.state.site.taxonomy
    gemeente = taxonomy.gemeente(request.query_params.get("gemeente", ""))
    gemeente = gemeente if gemeente in region.gemeenten else region.gemeenten[0]
    choices = trend_choices(region.model)
    key = request.query_params.get("hulp", "")
    key = key if key in choices else next(iter(choices))
    column = choices[key]
    points = wachttijd.trend(db, gemeente, wachttijd.hulp_of(column), clock.today())
    return gemeente, key, f"Wachttijd {column.name} in {gemeente.naam}", points


def caption(model: Inkoopmodel) -> str:
    """What the coverage matrix counts by, in words: 'perceel, ondersteuningsbehoefte, niveau,
    dyslexie (EED), dakje en spoedhulp' in Twente, 'perceel en product' in Regio Nijmegen."""
    words = model.terms["model"]
    by = ["perceel", words["product"]["enkelvoud"]] + (
        [words["variant"]["enkelvoud"]] if model.varianten else []
    )
    own = dict.fromkeys(c.path[0] for c in service.columns(model) if "ob" not in c.filters)
    return format_list(by + [text[:1].lower() + text[1:] for text in own], locale="nl")


@signed_in("beheerder")
def overzicht(request: Request, db: Session, user: Gebruiker, form):
    """The dashboard of one region: coverage matrix, wachttijd table, meldingen and the trend for
    one gemeente and kind of help."""
    region = shown_region(request, user)
    lines = wachttijd.line_states(db, region.gemeenten, clock.today())
    gemeente, key, title, points = _trend(request, db, region)
    title += ", per maand"
    coverage = _coverage(request, region)
    cells = [cell.count for _, row in coverage for cell in row]
    columns = service.columns(region.model)
    context = {
        "regio": region,
        "product_woord": region.model.terms["model"]["product"]["enkelvoud"],
        "caption": caption(region.model),
        "column_groups": service.column_groups(columns),
        "coverage_header": coverage_header(columns),
        "coverage": coverage,
        "cells": {"all": len(cells), "none": cells.count(0), "one": cells.count(1)},
        "wait_tables": wait_tables(region.model),
        "wachttijden": wachttijd.wachttijden(db, region.model, region.gemeenten, clock.today(), lines),
        "meldingen": wachttijd.meldingen(db, lines),
        "vers_weken": settings_of(region.slug).vers_weken,
        "hulp_naam": lambda hulp: wachttijd.hulp_name(region.model, hulp),
        "trend_choices": [(k, c.name) for k, c in trend_choices(region.model).items()],
        "trend_gemeente": gemeente,
        "trend_hulp": key,
        "trend": points,
        "trend_svg": Markup(service.trend_svg(points, title)),
        "trend_title": title,
    }
    return page(request, "pages/beheer/zorglandschap.html", context)


@signed_in("beheerder")
def dekking_csv(request: Request, db: Session, user: Gebruiker, form):
    """The coverage matrix of one region as CSV."""
    region = shown_region(request, user)
    return _csv(service.coverage_csv(region.model, _coverage(request, region)), f"dekking-{region.slug}.csv")


@signed_in("beheerder")
def wachttijden_csv(request: Request, db: Session, user: Gebruiker, form):
    """The wachttijd table of one region as CSV."""
    region = shown_region(request, user)
    rows = wachttijd.wachttijden(db, region.model, region.gemeenten, clock.today())
    return _csv(wachttijd.wachttijden_csv(region.model, rows), f"wachttijden-{region.slug}.csv")


@signed_in("beheerder")
def trend_svg(request: Request, db: Session, user: Gebruiker, form):
    """The wachttijd trend of one gemeente and kind of help as an SVG file."""
    _, _, title, points = _trend(request, db, shown_region(request, user))
    return Response(service.trend_svg(points, title), media_type="image/svg+xml")


routes = [
    Route("/beheer/zorglandschap", overzicht, name="beheer_zorglandschap"),
    Route("/beheer/zorglandschap/dekking.csv", dekking_csv, name="zorglandschap_dekking_csv"),
    Route("/beheer/zorglandschap/wachttijden.csv", wachttijden_csv, name="zorglandschap_wachttijden_csv"),
    Route("/beheer/zorglandschap/trend.svg", trend_svg, name="zorglandschap_trend_svg"),
]
