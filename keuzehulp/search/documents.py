"""Build index documents from the database: one per actieve aanbieder, with current scope only."""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, or_, select

from keuzehulp.domain.beschikbaarheid import Figure, Stop, availability, dakje_key, hulp_key
from keuzehulp.domain.resultaten import sortable_lower_bound
from keuzehulp.models import (
    Aanbieder,
    AanbiederDoelgroep,
    AanbiederSpecialisatie,
    AanbiederTaal,
    Beschikbaarheid,
    Contract,
    DakjeScope,
    Doelgroep,
    Gemeente,
    Instroomstop,
    Resultaat,
    Specialisatie,
    Taal,
    Vestiging,
)
from keuzehulp.models.periods import current, public
from keuzehulp.search.filters import TERM_FILTERS
from keuzehulp.search.tokens import (
    RESULTATEN_TOKEN,
    dakje_token,
    plek_token,
    scope_token,
    spoed_token,
    start_tokens,
)

BATCH = 1000


def pack_coords(points: Iterable[tuple[float, float]]) -> bytes:
    """Vestiging coordinates as float32 pairs, for the distance column."""
    flat = [value for point in points for value in point]
    return struct.pack(f"<{len(flat)}f", *flat)


def _grouped(session: Session, query) -> dict[int, list]:
    """Rows (plain tuples with attribute access) grouped by their aanbieder_id."""
    grouped: dict[int, list] = defaultdict(list)
    for row in session.connection().execute(query):  # Core rows: no ORM bookkeeping per row
        grouped[row.aanbieder_id].append(row)
    return grouped


def iter_documents(session: Session, today: date, ids: Iterable[int] | None = None) -> Iterator[dict]:
    """Documents for the public aanbieders among `ids` (all when None), in batches."""
    gemeenten = {g.id: g for g in session.exec(select(Gemeente))}
    specialisaties = {s.id: s for s in session.exec(select(Specialisatie))}
    doelgroepen = {d.id: d.slug for d in session.exec(select(Doelgroep))}
    talen = {t.id: t.slug for t in session.exec(select(Taal))}
    query = select(Aanbieder.id).where(public(today)).order_by(Aanbieder.id)
    all_ids = list(session.exec(query))
    if ids is not None:
        wanted = set(ids)
        all_ids = [i for i in all_ids if i in wanted]
    for start in range(0, len(all_ids), BATCH):
        batch = all_ids[start : start + BATCH]
        aanbieders = session.exec(select(Aanbieder).where(Aanbieder.id.in_(batch)).order_by(Aanbieder.id))
        contracts = _grouped(
            session,
            select(
                Contract.aanbieder_id,
                Contract.gemeente_id,
                Contract.perceel,
                Contract.product,
                Contract.variant,
            ).where(Contract.aanbieder_id.in_(batch), current(Contract, today)),
        )
        dakjes = _grouped(
            session,
            select(DakjeScope.aanbieder_id, DakjeScope.gemeente_id, DakjeScope.dakje).where(
                DakjeScope.aanbieder_id.in_(batch), current(DakjeScope, today)
            ),
        )
        vestigingen = _grouped(
            session,
            select(
                Vestiging.aanbieder_id,
                Vestiging.plaats,
                Vestiging.lat,
                Vestiging.lon,
                Vestiging.beschermde_woonlocatie,
            ).where(Vestiging.aanbieder_id.in_(batch)),
        )
        specs = _grouped(
            session,
            select(AanbiederSpecialisatie.aanbieder_id, AanbiederSpecialisatie.specialisatie_id).where(
                AanbiederSpecialisatie.aanbieder_id.in_(batch)
            ),
        )
        groepen = _grouped(
            session,
            select(AanbiederDoelgroep.aanbieder_id, AanbiederDoelgroep.doelgroep_id).where(
                AanbiederDoelgroep.aanbieder_id.in_(batch)
            ),
        )
        taal_rows = _grouped(
            session,
            select(AanbiederTaal.aanbieder_id, AanbiederTaal.taal_id).where(
                AanbiederTaal.aanbieder_id.in_(batch)
            ),
        )
        resultaten = _grouped(
            session,
            select(
                Resultaat.aanbieder_id,
                Resultaat.periode,
                Resultaat.indicator,
                Resultaat.teller,
                Resultaat.noemer,
            ).where(Resultaat.aanbieder_id.in_(batch)),
        )
        figures = _grouped(
            session,
            select(
                Beschikbaarheid.aanbieder_id,
                Beschikbaarheid.hulp,
                Beschikbaarheid.gemeente_id,
                Beschikbaarheid.weken_contact,
                Beschikbaarheid.weken_start,
                Beschikbaarheid.plekken,
                Beschikbaarheid.bevestigd_op,
            ).where(Beschikbaarheid.aanbieder_id.in_(batch)),
        )
        stops = _grouped(
            session,
            select(
                Instroomstop.aanbieder_id,
                Instroomstop.hulp,
                Instroomstop.gemeente_id,
                Instroomstop.reden,
                Instroomstop.vanaf,
                Instroomstop.tot,
            ).where(
                Instroomstop.aanbieder_id.in_(batch),
                Instroomstop.opgeheven_op.is_(None),
                or_(Instroomstop.tot.is_(None), Instroomstop.tot >= today),
            ),
        )

        def cbs(gemeente_id: int | None) -> str | None:
            return gemeenten[gemeente_id].cbs_code if gemeente_id else None

        for aanbieder in aanbieders:
            aid = aanbieder.id
            yield build_document(
                today,
                Source(
                    aanbieder,
                    contracts=[
                        (gemeenten[c.gemeente_id].cbs_code, c.perceel, c.product, c.variant)
                        for c in contracts[aid]
                    ],
                    dakjes=[(gemeenten[d.gemeente_id].cbs_code, d.dakje) for d in dakjes[aid]],
                    vestigingen=vestigingen[aid],
                    specialisaties=[specialisaties[s.specialisatie_id] for s in specs[aid]],
                    doelgroepen=[doelgroepen[d.doelgroep_id] for d in groepen[aid]],
                    talen=[talen[t.taal_id] for t in taal_rows[aid]],
                    resultaten=[(r.periode, r.indicator, r.teller, r.noemer) for r in resultaten[aid]],
                    figures=[
                        Figure(
                            f.hulp,
                            cbs(f.gemeente_id),
                            f.weken_contact,
                            f.weken_start,
                            f.plekken,
                            f.bevestigd_op,
                        )
                        for f in figures[aid]
                    ],
                    stops=[Stop(x.hulp, cbs(x.gemeente_id), x.reden, x.vanaf, x.tot) for x in stops[aid]],
                ),
            )


@dataclass(frozen=True)
class Source:
    """What the document of one aanbieder is built from; term filters read their terms here
    (`Filter.index_terms`)."""

    aanbieder: Aanbieder
    contracts: list[tuple[str, str, int | None, str | None]]
    dakjes: list[tuple[str, str]]
    vestigingen: list
    specialisaties: list[Specialisatie]
    doelgroepen: list[str]
    talen: list[str]
    resultaten: list[tuple[str, str, int, int]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)


def _availability_tokens(source: Source, today: date) -> set[str]:
    """Start tokens per contract line and dakje whose figure is fresh and not stopped, and plek
    tokens per dakje with a free place (search/tokens.py)."""
    tokens = set()
    for gemeente, perceel, product, variant in source.contracts:
        found = availability(source.figures, source.stops, hulp_key(perceel, product), gemeente, today)
        if found.start is not None:
            tokens.update(start_tokens(found.start, scope_token(gemeente, perceel, product, variant)))
    for gemeente, dakje in source.dakjes:
        found = availability(source.figures, source.stops, dakje_key(dakje), gemeente, today)
        if found.start is not None:
            tokens.update(start_tokens(found.start, dakje_token(gemeente, dakje)))
        if found.plek:
            tokens.add(plek_token(gemeente, dakje))
    return tokens


def build_document(today: date, source: Source) -> dict:
    """The Whoosh document of one aanbieder on a day (availability depends on it)."""
    aanbieder, contracts, dakjes = source.aanbieder, source.contracts, source.dakjes
    scope = {scope_token(*line) for line in contracts}
    scope |= {dakje_token(gemeente, dakje) for gemeente, dakje in dakjes}
    if source.figures:
        scope |= _availability_tokens(source, today)
    if aanbieder.ambulante_spoedhulp:
        scope |= {spoed_token(gemeente) for gemeente, perceel, _, _ in contracts if perceel == "jeugd"}
    doelen, has_figures = sortable_lower_bound(source.resultaten)
    if has_figures:
        scope.add(RESULTATEN_TOKEN)
    plaatsen = sorted({v.plaats for v in source.vestigingen})
    public = [v for v in source.vestigingen if not v.beschermde_woonlocatie]
    display = {
        "slug": aanbieder.slug,
        "naam": aanbieder.naam,
        "plaatsen": plaatsen,
        "specialisaties": sorted(s.slug for s in source.specialisaties),
        "ambulante_spoedhulp": aanbieder.ambulante_spoedhulp,
        "contracten": sorted(contracts, key=lambda c: (c[0], c[1], c[2] or 0, c[3] or "")),
        "dakjes": sorted(dakjes),
        "beschikbaarheid": [_plain_figure(f) for f in sorted(source.figures, key=_figure_order)],
        "instroomstops": [_plain_stop(x) for x in sorted(source.stops, key=_stop_order)],
    }
    return {
        "id": str(aanbieder.id),
        "aid": aanbieder.id,
        "naam": aanbieder.naam,
        "plaatsen": " ".join(plaatsen),
        "beschrijving": aanbieder.beschrijving,
        "scope": " ".join(sorted(scope)),
        **{spec.param: " ".join(spec.index_terms(source)) for spec in TERM_FILTERS},
        "doelen": doelen,
        "naam_sort": aanbieder.naam.casefold().encode("utf-8"),
        "coords": pack_coords((v.lat, v.lon) for v in public),
        "data": display,
    }


def _figure_order(figure: Figure) -> tuple:
    return (figure.hulp, figure.gemeente or "")


def _stop_order(stop: Stop) -> tuple:
    return (stop.vanaf, stop.hulp, stop.gemeente or "")


def _plain_figure(f: Figure) -> list:
    return [f.hulp, f.gemeente, f.weken_contact, f.weken_start, f.plekken, f.bevestigd_op.isoformat()]


def _plain_stop(x: Stop) -> list:
    return [x.hulp, x.gemeente, x.reden, x.vanaf.isoformat(), x.tot.isoformat() if x.tot else None]


def availability_data(display: dict) -> tuple[list[Figure], list[Stop]]:
    """The figures and instroomstops a document's display data holds (see build_document)."""
    figures = [
        Figure(h, g, c, s, p, date.fromisoformat(op))
        for h, g, c, s, p, op in display.get("beschikbaarheid", ())
    ]
    stops = [
        Stop(h, g, r, date.fromisoformat(v), date.fromisoformat(t) if t else None)
        for h, g, r, v, t in display.get("instroomstops", ())
    ]
    return figures, stops
