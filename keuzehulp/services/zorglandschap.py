"""The zorglandschap for beheerders, one region at a time: coverage per gemeente and the columns of
the wachttijd table, as tables (with CSV), and the SVG chart of the wachttijd trend.

The columns come from the region's inkoopmodel: in Twente perceel x OB x niveau, dyslexie, the
dakjes and spoedhulp; in Regio Nijmegen perceel x product. Coverage counts come from the search
index with the same filters as /zoeken, so a cell's number is exactly what a click on it shows
(the wijkteam's matrix uses the same cells). Jeugd OB1 and Wmo OB1 are different markets, so every
product figure is per perceel. The wachttijden themselves are in zorglandschap_wachttijd.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from babel.dates import format_date
from markupsafe import escape

from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.models import Gemeente
from keuzehulp.search.filters import SearchRequest, to_params
from keuzehulp.services.csvfile import csv_text

if TYPE_CHECKING:
    from keuzehulp.services.zorglandschap_wachttijd import WaitFigure


@dataclass(frozen=True)
class Column:
    """A table column: its header from top to bottom (('Jeugd', 'OB1', 'A'), ('Dakje', '1'),
    ('Spoedhulp',)), its search filters and its full name for screen readers."""

    path: tuple[str, ...]
    filters: dict
    full: str = ""

    @property
    def group(self) -> str:
        """The top of the header when the column has one above it (a perceel's name), else empty."""
        return self.path[0] if len(self.path) > 1 else ""

    @property
    def label(self) -> str:
        """The header under the group: 'OB1 A', or the whole header of a column of its own."""
        return " ".join(self.path[1:]) if self.group else self.path[0]

    @property
    def name(self) -> str:
        """The full name, as in the CSV header: 'Jeugd OB1 A', 'Dakje 1'."""
        return " ".join(self.path)


def product_name(model: Inkoopmodel, product: str) -> str:
    """How a column names a product: by its code where the model has letters for it ('OB1'),
    else by its name ('GGZ')."""
    afkorting = model.terms["model"]["product"].get("afkorting")
    return f"{afkorting}{product}" if afkorting else model.terms["producten"][product]["naam"]


def _perceel_name(model: Inkoopmodel, perceel: str) -> str:
    return model.terms["percelen"][perceel]["naam"]


def _product_columns(model: Inkoopmodel, with_variants: bool) -> list[Column]:
    """Per perceel with products: a column per product, or per product and variant."""
    found = []
    variant_word = model.terms["model"].get("variant", {}).get("enkelvoud", "")
    for perceel in model.percelen.values():
        top = _perceel_name(model, perceel.code)
        for product in perceel.producten:
            filters = {"perceel": perceel.code, "ob": product}
            name = product_name(model, product)
            if not (with_variants and model.producten[product]):
                found.append(Column((top, name), filters, f"{top} {name}"))
                continue
            found += [
                Column((top, name, v), filters | {"niveau": v}, f"{top} {name} {variant_word} {v}")
                for v in model.producten[product]
            ]
    return found


def _own_columns(model: Inkoopmodel) -> list[Column]:
    """Each perceel without products, then each dakje."""
    return [
        Column((_perceel_name(model, p.code),), {"perceel": p.code})
        for p in model.percelen.values()
        if not p.producten
    ] + [Column(("Dakje", d), {"dakje": d}, f"Dakje {d}") for d in model.modules_for("verblijf", None)]


def columns(model: Inkoopmodel) -> list[Column]:
    """The coverage matrix's columns in a region with this model: perceel x product (x variant
    where the product has variants), each perceel without products, each dakje, and spoedhulp
    where the model has them."""
    spoedhulp = model.kenmerk_for("ambulante_spoedhulp", None)
    return (
        _product_columns(model, with_variants=True)
        + _own_columns(model)
        + ([Column(("Spoedhulp",), {"spoedhulp": True})] if spoedhulp else [])
    )


def wait_columns(model: Inkoopmodel) -> list[Column]:
    """The wachttijd table's columns, one per kind of help: perceel x product (jeugd OB1 and Wmo OB1
    apart), each perceel without products and each dakje."""
    return _product_columns(model, with_variants=False) + _own_columns(model)


def column_groups(table: list[Column]) -> list[tuple[str, list[Column]]]:
    """Neighbouring columns of the same group together, for a two-row table header."""
    return [(group, list(members)) for group, members in groupby(table, key=lambda c: c.group)]


@dataclass(frozen=True)
class Cell:
    count: int
    url: str


def count_cell(search_engine, snapshot, gemeente: Gemeente, filters: dict) -> Cell:
    """The number of active aanbieders in a gemeente that match `filters`, and the search showing them."""
    request = replace(SearchRequest(gemeente=gemeente.cbs_code), **filters)
    url = "/zoeken?" + urlencode(to_params(replace(request, gemeente=gemeente.slug)))
    return Cell(search_engine.count(snapshot, request), url)


def coverage(search_engine, snapshot, model: Inkoopmodel, gemeenten) -> list[tuple[Gemeente, list[Cell]]]:
    """Per gemeente of a region with this model, the number of active aanbieders for each of the
    model's columns."""
    table = columns(model)
    return [
        (gemeente, [count_cell(search_engine, snapshot, gemeente, c.filters) for c in table])
        for gemeente in gemeenten
    ]


def coverage_csv(model: Inkoopmodel, rows) -> str:
    """The coverage matrix as CSV."""
    return csv_text(
        ["gemeente", "cbs_code", *(c.name for c in columns(model))],
        ([gemeente.naam, gemeente.cbs_code, *(c.count for c in cells)] for gemeente, cells in rows),
    )


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, this month included."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


MEDIAN_COLOUR, P90_COLOUR = "#01689b", "#1a1a1a"
MEDIAN_TEXT, P90_TEXT = "Mediaan (de helft wacht korter)", "P90 (9 van de 10 wachten korter)"


def trend_svg(points: list[tuple[date, WaitFigure]], title: str) -> str:
    """A line chart of the monthly median (solid, dots) and p90 (dashed, squares) under a legend in
    words (one line each, so a phone shows both); readable without colour. Margins leave room for
    the legend, the unit and the last month's label."""
    width, height, left, right, bottom, top = 640, 320, 48, 40, 40, 84
    tick = max(1, math.ceil(max([f.p90 for _, f in points if f.p90 is not None], default=4) / 4))
    ceiling = 4 * tick  # five round ticks; the highest point is at most the top one
    step = (width - left - right) / max(1, len(points) - 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / ceiling)

    def line(kind: str) -> str:
        coords = [
            (x(i), y(getattr(f, kind))) for i, (_, f) in enumerate(points) if getattr(f, kind) is not None
        ]
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)

    def median_mark(cx: float, cy: float) -> str:
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{MEDIAN_COLOUR}"/>'

    def p90_mark(cx: float, cy: float) -> str:
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{P90_COLOUR}"/>'

    median_style = f'stroke="{MEDIAN_COLOUR}" stroke-width="3"'
    p90_style = f'stroke="{P90_COLOUR}" stroke-width="2" stroke-dasharray="6 4"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="trend-titel trend-uitleg" class="trend" font-family="sans-serif">',
        f'<title id="trend-titel">{escape(title)}</title>',
        f'<desc id="trend-uitleg">Doorgetrokken lijn met rondjes: {MEDIAN_TEXT.lower()}. Gestreepte lijn '
        f"met vierkantjes: {P90_TEXT}. De tabel onder de grafiek geeft dezelfde cijfers.</desc>",
        '<g class="legenda">',
        f'<line x1="8" y1="16" x2="40" y2="16" {median_style}/>{median_mark(24, 16)}',
        f'<text x="48" y="20" font-size="13">{MEDIAN_TEXT}</text>',
        f'<line x1="8" y1="38" x2="40" y2="38" {p90_style}/>{p90_mark(24, 38)}',
        f'<text x="48" y="42" font-size="13">{P90_TEXT}</text>',
        "</g>",
        f'<text x="8" y="{top - 18}" font-size="12">weken</text>',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right + 8}" y2="{y(0):.1f}" stroke="#1a1a1a"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0):.1f}" stroke="#1a1a1a"/>',
    ]
    for value in range(0, ceiling + 1, tick):
        parts.append(
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12">{value}</text>'
        )
    for i, (month, _) in enumerate(points):  # 'jan', with the year under the first month and January
        at = f'x="{x(i):.1f}" text-anchor="middle" font-size="12"'
        parts.append(f'<text {at} y="{height - 22}">{format_date(month, "MMM", locale="nl")}</text>')
        if i == 0 or month.month == 1:
            parts.append(f'<text {at} y="{height - 6}">{month.year}</text>')
    parts.append(f'<polyline points="{line("median")}" fill="none" {median_style}/>')
    parts.append(f'<polyline points="{line("p90")}" fill="none" {p90_style}/>')
    for i, (_, f) in enumerate(points):
        if f.median is not None:
            parts.append(median_mark(x(i), y(f.median)))
        if f.p90 is not None:
            parts.append(p90_mark(x(i), y(f.p90)))
    parts.append("</svg>")
    return "".join(parts)
