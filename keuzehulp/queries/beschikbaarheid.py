"""Reading wachttijd and plek per kind of help: the kinds of help an aanbieder is contracted for, and
its figures and instroomstops as the domain rules read them (domain/beschikbaarheid.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import Figure, Stop, dakje_key, hulp_key, settings_for
from keuzehulp.models import Beschikbaarheid, Contract, DakjeScope, Gemeente, Instroomstop
from keuzehulp.models.periods import current


@dataclass(frozen=True)
class Line:
    """A kind of help an aanbieder is contracted for today, with the gemeenten (CBS codes)."""

    hulp: str
    perceel: str | None
    product: str | None
    dakje: str | None
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class State:
    """An aanbieder's figures and stops that are not lifted, as the domain rules read them."""

    figures: tuple[Figure, ...]
    stops: tuple[Stop, ...]


def cbs_codes(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Gemeente.id, Gemeente.cbs_code)).all())


def lines(session: Session, aanbieder_id: int, today: date) -> list[Line]:
    """The kinds of help of an aanbieder's current contract lines and dakjes, in a stable order."""
    cbs = cbs_codes(session)
    found: dict[tuple, set[str]] = {}
    contracts = select(Contract.perceel, Contract.product, Contract.gemeente_id).where(
        Contract.aanbieder_id == aanbieder_id, current(Contract, today)
    )
    for perceel, product, gemeente_id in session.exec(contracts):
        found.setdefault((perceel, product, None), set()).add(cbs[gemeente_id])
    dakjes = select(DakjeScope.dakje, DakjeScope.gemeente_id).where(
        DakjeScope.aanbieder_id == aanbieder_id, current(DakjeScope, today)
    )
    for dakje, gemeente_id in session.exec(dakjes):
        found.setdefault((None, None, dakje), set()).add(cbs[gemeente_id])
    result = [
        Line(dakje_key(d) if d else hulp_key(p, x), p, x, d, tuple(sorted(g)))
        for (p, x, d), g in found.items()
    ]
    return sorted(result, key=lambda line: (line.dakje is not None, line.hulp))


def state(session: Session, aanbieder_id: int) -> State:
    """The aanbieder's current figures and its stops that are not lifted."""
    return states(session, [aanbieder_id]).get(aanbieder_id, State((), ()))


def states(session: Session, aanbieder_ids: list[int] | None = None) -> dict[int, State]:
    """`state` of many aanbieders (all when None) in two queries; aanbieders without either are left out."""
    cbs = cbs_codes(session)
    figures = select(Beschikbaarheid).order_by(Beschikbaarheid.id)
    stops = select(Instroomstop).where(Instroomstop.opgeheven_op.is_(None)).order_by(Instroomstop.id)
    if aanbieder_ids is not None:
        figures = figures.where(Beschikbaarheid.aanbieder_id.in_(aanbieder_ids))
        stops = stops.where(Instroomstop.aanbieder_id.in_(aanbieder_ids))
    found: dict[int, tuple[list, list]] = {}
    for row in session.exec(figures):
        found.setdefault(row.aanbieder_id, ([], []))[0].append(figure_of(row, cbs))
    for row in session.exec(stops):
        found.setdefault(row.aanbieder_id, ([], []))[1].append(stop_of(row, cbs))
    return {aid: State(tuple(f), tuple(x)) for aid, (f, x) in found.items()}


def figure_of(row: Beschikbaarheid, cbs: dict[int, str]) -> Figure:
    gemeente = cbs[row.gemeente_id] if row.gemeente_id else None
    return Figure(row.hulp, gemeente, row.weken_contact, row.weken_start, row.plekken, row.bevestigd_op)


def stop_of(row: Instroomstop, cbs: dict[int, str]) -> Stop:
    gemeente = cbs[row.gemeente_id] if row.gemeente_id else None
    return Stop(row.hulp, gemeente, row.reden, row.vanaf, row.tot)


def stops_of(session: Session, aanbieder_id: int, today: date) -> list[Instroomstop]:
    """An aanbieder's instroomstops that are running or still to come (not lifted, not ended)."""
    query = (
        select(Instroomstop)
        .where(
            Instroomstop.aanbieder_id == aanbieder_id,
            Instroomstop.opgeheven_op.is_(None),
            (Instroomstop.tot.is_(None)) | (Instroomstop.tot >= today),
        )
        .order_by(Instroomstop.vanaf, Instroomstop.id)
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class Summary:
    """How current an aanbieder's figures are, for its own pages."""

    soorten: int  # kinds of help it is contracted for
    cijfers: int
    verouderd: int
    eerst_verouderd: date | None  # the first day one of the fresh figures is 'mogelijk verouderd'
    stops: int  # running or still to come


def summary(session: Session, aanbieder_id: int, today: date) -> Summary:
    """The figures' freshness and the number of instroomstops of an aanbieder on a day."""
    figures = state(session, aanbieder_id).figures
    stale_on = [settings_for(f.gemeente).stale_on(f.bevestigd_op) for f in figures]
    return Summary(
        len(lines(session, aanbieder_id, today)),
        len(figures),
        sum(day <= today for day in stale_on),
        min((day for day in stale_on if day > today), default=None),
        len(stops_of(session, aanbieder_id, today)),
    )
