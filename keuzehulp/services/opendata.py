"""Open-data outputs besides HSDS: the directory as CSV, one row per contract line."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from keuzehulp.domain.validation import published_link
from keuzehulp.models import Aanbieder, Contract, Gemeente
from keuzehulp.models.periods import current
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
    return [
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
            a.wachttijd_weken if a.wachttijd_weken is not None else "",
            a.wachttijd_bevestigd_op.isoformat() if a.wachttijd_bevestigd_op else "",
            published_link(a.website) or "",
            a.telefoon,
        ]
        for a, c, g in session.exec(query)
    ]


def directory_csv(session: Session, today: date) -> str:
    """The directory as CSV text with a header row."""
    return csv_text(CSV_COLUMNS, directory_rows(session, today), delimiter=",")
