"""Open-data outputs besides HSDS: the directory as CSV, one row per contract line."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import availability, hulp_key
from keuzehulp.domain.validation import published_link
from keuzehulp.models import Aanbieder, Contract, Gemeente
from keuzehulp.models.periods import current
from keuzehulp.queries.beschikbaarheid import State, states
from keuzehulp.services.csvfile import csv_text

CSV_COLUMNS = [
    "aanbieder",
    "naam",
    "kvk",
    "gemeente",
    "gemeente_naam",
    "perceel",
    "ob",
    "niveau",
    "geldig_vanaf",
    "geldig_tot",
    "wachttijd_weken",
    "wachttijd_bevestigd_op",
    "wachttijd_mogelijk_verouderd",
    "instroomstop",
    "website",
    "telefoon",
]


def directory_rows(session: Session, today: date) -> list[list]:
    """Every current contract line of every actieve aanbieder, sorted by aanbieder and gemeente."""
    query = (
        select(Aanbieder, Contract, Gemeente)
        .join(Contract, Contract.aanbieder_id == Aanbieder.id)
        .join(Gemeente, Gemeente.id == Contract.gemeente_id)
        .where(Aanbieder.status == "actief", current(Contract, today))
        .order_by(Aanbieder.slug, Gemeente.cbs_code, Contract.perceel, Contract.product, Contract.variant)
    )
    rows = list(session.exec(query))
    known, nothing = states(session), State((), ())
    result = []
    for a, c, g in rows:
        own = known.get(a.id, nothing)
        found = availability(own.figures, own.stops, hulp_key(c.perceel, c.product), g.cbs_code, today)
        figure = found.figure
        result.append(
            [
                a.slug,
                a.naam,
                a.kvk,
                g.cbs_code,
                g.naam,
                c.perceel,
                c.product or "",
                c.variant or "",
                c.geldig_vanaf.isoformat(),
                c.geldig_tot.isoformat() if c.geldig_tot else "",
                "" if figure is None or figure.start is None else figure.start,
                figure.bevestigd_op.isoformat() if figure else "",
                "ja" if found.verouderd else "",
                "ja" if found.stop else "",
                published_link(a.website) or "",
                a.telefoon,
            ]
        )
    return result


def directory_csv(session: Session, today: date) -> str:
    """The directory as CSV text with a header row."""
    return csv_text(CSV_COLUMNS, directory_rows(session, today), delimiter=",")
