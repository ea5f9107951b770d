"""Wachttijd and plek in the zorglandschap, one region at a time: per gemeente and kind of help the
median and p90 of the weeks to start that count (fresh, not stopped), free places, running
instroomstops and stale or missing figures; the meldingen (above the region's norm, stops); and the
trend per month from the history of confirmations (WachttijdMelding).

Every figure is read as the search reads it: per contract line the matching figure (the gemeente's
own, else the one for all) through domain/beschikbaarheid.availability.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import (
    ALL,
    Availability,
    Figure,
    Stop,
    availability,
    dakje_key,
    dakje_of,
    settings_for,
)
from keuzehulp.domain.beschikbaarheid import hulp_key as product_key
from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.models import Aanbieder, Contract, DakjeScope, Gemeente, WachttijdMelding
from keuzehulp.models.periods import current
from keuzehulp.queries.beschikbaarheid import State, states
from keuzehulp.services.csvfile import csv_text
from keuzehulp.services.zorglandschap import Column, months_back, wait_columns

TREND_MONTHS = 12


def hulp_of(column: Column) -> str:
    """The kind of help (hulp key) of a wachttijd column: 'jeugd/1', 'dyslexie', 'dakje/2'."""
    if "dakje" in column.filters:
        return dakje_key(column.filters["dakje"])
    return product_key(column.filters["perceel"], column.filters.get("ob"))


def hulp_name(model: Inkoopmodel, hulp: str) -> str:
    """How the zorglandschap names a kind of help: 'Jeugd OB3', 'Dyslexie (EED)', 'Dakje 2'."""
    if hulp == ALL:
        return "Alle soorten hulp"
    return {hulp_of(c): c.name for c in wait_columns(model)}.get(hulp, hulp)


@dataclass(frozen=True)
class WaitFigure:
    """Median and p90 of `n` weeks to start that count; `of`: the aanbieders contracted for it (a cell
    reads '8 van 16 aanbieders'); free places (dakjes only), running stops, stale and missing figures."""

    n: int
    median: float | None
    p90: float | None
    of: int | None = None
    plekken: int | None = None
    stops: int = 0
    verouderd: int = 0
    onbekend: int = 0


def _figure(weeks: list[int], of: int | None = None, **counts) -> WaitFigure:
    if not weeks:
        return WaitFigure(0, None, None, of, **counts)
    ordered = sorted(weeks)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]  # nearest-rank p90
    return WaitFigure(len(ordered), statistics.median(ordered), p90, of, **counts)


def _contracted(session: Session, gemeente_ids: list[int], today: date) -> dict[tuple[int, str], set[int]]:
    """(gemeente id, hulp) -> ids of active aanbieders with a current contract line or dakje for it."""
    groups: dict[tuple[int, str], set[int]] = defaultdict(set)
    active = Aanbieder.status == "actief"
    contracts = (
        select(Contract.gemeente_id, Contract.perceel, Contract.product, Contract.aanbieder_id)
        .join(Aanbieder, Aanbieder.id == Contract.aanbieder_id)
        .where(active, current(Contract, today), Contract.gemeente_id.in_(gemeente_ids))
    )
    for gemeente_id, perceel, product, aanbieder_id in session.exec(contracts):
        groups[(gemeente_id, product_key(perceel, product))].add(aanbieder_id)
    dakjes = (
        select(DakjeScope.gemeente_id, DakjeScope.dakje, DakjeScope.aanbieder_id)
        .join(Aanbieder, Aanbieder.id == DakjeScope.aanbieder_id)
        .where(active, current(DakjeScope, today), DakjeScope.gemeente_id.in_(gemeente_ids))
    )
    for gemeente_id, dakje, aanbieder_id in session.exec(dakjes):
        groups[(gemeente_id, dakje_key(dakje))].add(aanbieder_id)
    return groups


@dataclass(frozen=True)
class LineState:
    """One aanbieder's kind of help in one gemeente, and what it shows there today."""

    aanbieder_id: int
    hulp: str
    gemeente: Gemeente
    found: Availability


def line_states(session: Session, gemeenten, today: date) -> list[LineState]:
    """Every contract line (kind of help x gemeente) of the active aanbieders in these gemeenten."""
    by_id = {g.id: g for g in gemeenten}
    groups = _contracted(session, list(by_id), today)
    known = states(session, sorted({a for ids in groups.values() for a in ids}))
    found = []
    for (gemeente_id, hulp), aanbieder_ids in sorted(groups.items()):
        gemeente = by_id[gemeente_id]
        for aanbieder_id in sorted(aanbieder_ids):
            state = known.get(aanbieder_id, State((), ()))
            line = availability(state.figures, state.stops, hulp, gemeente.cbs_code, today)
            found.append(LineState(aanbieder_id, hulp, gemeente, line))
    return found


def _cell(lines: list[LineState], dakje: bool) -> WaitFigure:
    weeks = [line.found.start for line in lines if line.found.start is not None]
    counted = [line.found.figure for line in lines if line.found.start is not None]
    return _figure(
        weeks,
        len(lines),
        plekken=sum(f.plekken or 0 for f in counted) if dakje else None,
        stops=sum(line.found.stop is not None for line in lines),
        verouderd=sum(line.found.stop is None and line.found.verouderd for line in lines),
        onbekend=sum(line.found.stop is None and line.found.figure is None for line in lines),
    )


def wachttijden(
    session: Session, model: Inkoopmodel, gemeenten, today: date, lines: list[LineState] | None = None
) -> list[tuple[Gemeente, list[WaitFigure]]]:
    """Per gemeente of a region with this model and per wachttijd column (perceel x product, a
    perceel without products, a dakje): what its contract lines show today (`lines`: line_states,
    when already read)."""
    per_cell: dict[tuple[int, str], list[LineState]] = defaultdict(list)
    for line in line_states(session, gemeenten, today) if lines is None else lines:
        per_cell[(line.gemeente.id, line.hulp)].append(line)
    table = [(c, hulp_of(c)) for c in wait_columns(model)]
    return [
        (g, [_cell(per_cell.get((g.id, hulp), []), dakje_of(hulp) is not None) for _, hulp in table])
        for g in gemeenten
    ]


def wachttijden_csv(model: Inkoopmodel, rows) -> str:
    """The wachttijd table as CSV."""
    parts = (
        "aantal",
        "mediaan weken",
        "p90 weken",
        "vrije plekken",
        "instroomstops",
        "verouderd",
        "onbekend",
    )
    header = ["gemeente", "cbs_code"]
    for c in wait_columns(model):
        header += [f"{c.name} {part}" for part in parts]
    lines = []
    for gemeente, figures in rows:
        line = [gemeente.naam, gemeente.cbs_code]
        for f in figures:
            values = (f.n, f.median, f.p90, f.plekken, f.stops, f.verouderd, f.onbekend)
            line += ["" if value is None else value for value in values]
        lines.append(line)
    return csv_text(header, lines)


@dataclass(frozen=True)
class LongWait:
    """A kind of help of an aanbieder whose fresh weeks to start are above the norm, in these gemeenten."""

    aanbieder_id: int
    hulp: str
    weken: int
    norm: int
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class RunningStop:
    """A running instroomstop and the region's gemeenten where it covers a contract line."""

    aanbieder_id: int
    stop: Stop
    gemeenten: tuple[str, ...]


@dataclass(frozen=True)
class Meldingen:
    te_lang: list[LongWait]
    stops: list[RunningStop]
    namen: dict[int, tuple[str, str]]  # aanbieder id -> (slug, naam)


def meldingen(session: Session, lines: list[LineState]) -> Meldingen:
    """What needs a beheerder's attention in these lines: fresh weeks to start above the norm of the
    gemeente's region (one melding per aanbieder, kind of help and figure), and running stops."""
    long: dict[tuple[int, str, Figure, int], list[str]] = defaultdict(list)
    stopped: dict[tuple[int, Stop], list[str]] = defaultdict(list)
    for line in lines:
        weeks, norm = line.found.start, settings_for(line.gemeente.cbs_code).norm(line.hulp)
        if weeks is not None and weeks > norm:
            long[(line.aanbieder_id, line.hulp, line.found.figure, norm)].append(line.gemeente.naam)
        if line.found.stop is not None:
            stopped[(line.aanbieder_id, line.found.stop)].append(line.gemeente.naam)
    ids = {key[0] for key in long} | {key[0] for key in stopped}
    names = {
        aid: (slug, naam)
        for aid, slug, naam in session.exec(
            select(Aanbieder.id, Aanbieder.slug, Aanbieder.naam).where(Aanbieder.id.in_(ids))
        )
    }
    te_lang = [
        LongWait(aid, hulp, figure.start, norm, _unique(where))
        for (aid, hulp, figure, norm), where in long.items()
    ]
    stops = [RunningStop(aid, stop, _unique(where)) for (aid, stop), where in stopped.items()]
    te_lang.sort(key=lambda m: (names[m.aanbieder_id][1], m.hulp, m.gemeenten))
    stops.sort(key=lambda m: (names[m.aanbieder_id][1], m.stop.hulp, m.stop.vanaf))
    return Meldingen(te_lang, stops, names)


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names)))


def trend(session: Session, gemeente: Gemeente, hulp: str, today: date) -> list[tuple[date, WaitFigure]]:
    """Per month: median and p90 of the weeks to start confirmed that month by aanbieders contracted
    now for this kind of help in this gemeente, for it (or for all gemeenten); rows from before the
    figures per kind of help (hulp empty) count for every product line, a free place as 0 weeks, and a
    row with neither weeks nor places not at all."""
    aanbieders = _contracted(session, [gemeente.id], today).get((gemeente.id, hulp), set())
    months = months_back(today, TREND_MONTHS)
    per_month: dict[date, list[int]] = {m: [] for m in months}
    if aanbieders:
        same_hulp = WachttijdMelding.hulp == hulp
        if dakje_of(hulp) is None:
            same_hulp = or_(same_hulp, WachttijdMelding.hulp.is_(None))
        rows = session.exec(
            select(WachttijdMelding.bevestigd_op, WachttijdMelding.weken, WachttijdMelding.plekken).where(
                WachttijdMelding.aanbieder_id.in_(aanbieders),
                WachttijdMelding.bevestigd_op >= months[0],
                same_hulp,
                or_(WachttijdMelding.gemeente_id.is_(None), WachttijdMelding.gemeente_id == gemeente.id),
            )
        )
        for moment, weken, plekken in rows:
            start = 0 if plekken else weken
            if start is not None:
                per_month.setdefault(date(moment.year, moment.month, 1), []).append(start)
    return [(m, _figure(per_month.get(m, []))) for m in months]
