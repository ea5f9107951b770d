"""The database's own answer to a search, in plain SQL: what the index must agree with exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import String, and_, case, cast, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from keuzehulp.domain.beschikbaarheid import ALL as ALL_HULP
from keuzehulp.domain.beschikbaarheid import settings_of
from keuzehulp.domain.regio import REGIOS, regio_data
from keuzehulp.domain.resultaten import INDICATOREN, MIN_N
from keuzehulp.domain.twents_model import DAKJE_PERCELEN
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
    Maatregelhulp,
    Resultaat,
    Specialisatie,
    Taal,
)
from keuzehulp.search.filters import BY_PARAM, SearchRequest


def _valid(model, today: date):
    return and_(model.geldig_vanaf <= today, or_(model.geldig_tot.is_(None), model.geldig_tot >= today))


def _gemeente(model, code: str | None):
    if code is None:
        return True
    return model.gemeente_id == select(Gemeente.id).where(Gemeente.cbs_code == code).scalar_subquery()


def _contract(r: SearchRequest, today: date) -> list:
    """gemeente, perceel, ob and niveau: one current contract line that has them all."""
    if not any((r.gemeente, r.perceel, r.ob, r.niveau)):
        return []
    clauses = [
        Contract.aanbieder_id == Aanbieder.id,
        _valid(Contract, today),
        _gemeente(Contract, r.gemeente),
    ]
    if r.perceel:
        clauses.append(Contract.perceel == r.perceel)
    if r.ob:
        clauses.append(Contract.product == r.ob)
    if r.niveau:
        clauses.append(Contract.variant == r.niveau)
    return [exists().where(*clauses)]


def _dakje(r: SearchRequest, today: date) -> list:
    if not r.dakje:
        return []
    where = []
    if r.perceel and r.perceel not in DAKJE_PERCELEN[r.dakje]:
        where.append(false())  # pleegzorg and gezinshuis are jeugdhulp
    clauses = (
        DakjeScope.aanbieder_id == Aanbieder.id,
        DakjeScope.dakje == r.dakje,
        _valid(DakjeScope, today),
        _gemeente(DakjeScope, r.gemeente),
    )
    return [*where, exists().where(*clauses)]


def _spoedhulp(r: SearchRequest, today: date) -> list:
    if not r.spoedhulp:
        return []
    jeugd = exists().where(
        Contract.aanbieder_id == Aanbieder.id,
        Contract.perceel == "jeugd",
        _valid(Contract, today),
        _gemeente(Contract, r.gemeente),
    )
    where = [false()] if r.perceel not in (None, "jeugd") else []  # ambulante spoedhulp is OB jeugd
    return [*where, Aanbieder.ambulante_spoedhulp.is_(True), jeugd]


def _linked(link, column, table, slugs) -> list:
    """An aanbieder linked (through `link`) to every one of the taxonomy terms `slugs`."""
    return [
        exists().where(
            link.aanbieder_id == Aanbieder.id,
            column == select(table.id).where(table.slug == slug).scalar_subquery(),
        )
        for slug in slugs
    ]


def _resultaten(r: SearchRequest, today: date) -> list:
    if not r.met_resultaten:
        return []
    shown = exists().where(
        Resultaat.aanbieder_id == Aanbieder.id,
        Resultaat.noemer >= MIN_N,
        Resultaat.indicator.in_(list(INDICATOREN)),
    )
    return [shown]


def _fresh_since(gemeente_id, today: date):
    """The oldest confirmation date still fresh in a gemeente (its region's setting)."""
    code = (
        select(Gemeente.cbs_code)
        .where(Gemeente.id == gemeente_id)
        .correlate_except(Gemeente)
        .scalar_subquery()
    )
    cutoffs = [
        (code == g["cbs_code"], today - timedelta(weeks=settings_of(regio).vers_weken))
        for regio in REGIOS
        for g in regio_data(regio)["gemeenten"]
    ]
    return case(*cutoffs, else_=today)


def _available(key, gemeente_id, today: date, limit: int | None = None, plek: bool = False):
    """The line's figure (the gemeente's own, else the one for all gemeenten) is fresh and can start
    within `limit` weeks (a free place counts as 0; None: any known start), or has a free place;
    and no running instroomstop covers the line."""
    own = aliased(Beschikbaarheid)
    figure = aliased(Beschikbaarheid)
    # Nested subqueries name the line's columns; explicit correlation reaches them at any depth.
    has_own = (
        exists()
        .where(own.aanbieder_id == Aanbieder.id, own.hulp == key, own.gemeente_id == gemeente_id)
        .correlate_except(own)
    )
    start = case((figure.plekken > 0, 0), else_=figure.weken_start)
    figure_ok = [
        figure.aanbieder_id == Aanbieder.id,
        figure.hulp == key,
        or_(figure.gemeente_id == gemeente_id, and_(figure.gemeente_id.is_(None), ~has_own)),
        figure.bevestigd_op >= _fresh_since(gemeente_id, today),
    ]
    if plek:
        figure_ok.append(figure.plekken > 0)
    else:
        figure_ok.append(start.is_not(None))
        if limit is not None:
            figure_ok.append(start <= limit)
    stopped = exists().where(
        Instroomstop.aanbieder_id == Aanbieder.id,
        Instroomstop.opgeheven_op.is_(None),
        Instroomstop.vanaf <= today,
        or_(Instroomstop.tot.is_(None), Instroomstop.tot >= today),
        or_(Instroomstop.hulp == ALL_HULP, Instroomstop.hulp == key),
        or_(Instroomstop.gemeente_id.is_(None), Instroomstop.gemeente_id == gemeente_id),
    )
    return and_(exists().where(*figure_ok).correlate_except(figure), ~stopped.correlate_except(Instroomstop))


def _contract_key():
    return case(
        (Contract.product.is_(None), Contract.perceel), else_=Contract.perceel + "/" + Contract.product
    )


def _dakje_key():
    return "dakje/" + DakjeScope.dakje


def _contract_lines(r: SearchRequest, today: date) -> list:
    clauses = [
        Contract.aanbieder_id == Aanbieder.id,
        _valid(Contract, today),
        _gemeente(Contract, r.gemeente),
    ]
    if r.perceel:
        clauses.append(Contract.perceel == r.perceel)
    if r.ob:
        clauses.append(Contract.product == r.ob)
    if r.niveau:
        clauses.append(Contract.variant == r.niveau)
    return clauses


def _dakje_lines(r: SearchRequest, today: date, dakjes) -> list:
    return [
        DakjeScope.aanbieder_id == Aanbieder.id,
        DakjeScope.dakje.in_(list(dakjes)),
        _valid(DakjeScope, today),
        _gemeente(DakjeScope, r.gemeente),
    ]


def start_within(r: SearchRequest, today: date, limit: int | None) -> list:
    """Kan binnen `limit` weken starten (None: a known start): on a contract line that matches the
    search unless only a dakje is asked, and on the dakje when one is."""
    where = []
    if r.perceel or r.ob or r.niveau or not r.dakje:
        line = _available(_contract_key(), Contract.gemeente_id, today, limit)
        where.append(exists().where(*_contract_lines(r, today), line))
    if r.dakje:
        dakjes = [r.dakje] if not r.perceel or r.perceel in DAKJE_PERCELEN[r.dakje] else []
        line = _available(_dakje_key(), DakjeScope.gemeente_id, today, limit)
        where.append(exists().where(*_dakje_lines(r, today, dakjes), line))
    return where


def _wachttijd(r: SearchRequest, today: date) -> list:
    return [] if r.max_wachttijd is None else start_within(r, today, r.max_wachttijd)


def _plek(r: SearchRequest, today: date) -> list:
    if not r.plek:
        return []
    dakjes = [
        d
        for d in ([r.dakje] if r.dakje else DAKJE_PERCELEN)
        if not r.perceel or r.perceel in DAKJE_PERCELEN[d]
    ]
    line = _available(_dakje_key(), DakjeScope.gemeente_id, today, plek=True)
    return [exists().where(*_dakje_lines(r, today, dakjes), line)]


def _functieniveau(r: SearchRequest, today: date) -> list:
    if not r.functieniveau:
        return []  # the JSON list as text holds the quoted value ('"WO"' is not in '"WO++"')
    return [cast(Aanbieder.consultatie_functieniveaus, String).like(f'%"{r.functieniveau}"%')]


CLAUSES = {  # per URL parameter of search/filters.FILTERS (text excluded): its WHERE conditions
    "gemeente": _contract,
    "perceel": _contract,
    "ob": _contract,
    "niveau": _contract,
    "dakje": _dakje,
    "spoedhulp": _spoedhulp,
    "specialisatie": lambda r, today: _linked(
        AanbiederSpecialisatie, AanbiederSpecialisatie.specialisatie_id, Specialisatie, r.specialisatie
    ),
    "doelgroep": lambda r, today: _linked(
        AanbiederDoelgroep, AanbiederDoelgroep.doelgroep_id, Doelgroep, [r.doelgroep] if r.doelgroep else []
    ),
    "taal": lambda r, today: _linked(AanbiederTaal, AanbiederTaal.taal_id, Taal, [r.taal] if r.taal else []),
    "resultaten": _resultaten,
    "max_wachttijd": _wachttijd,
    "plek": _plek,
    "functieniveau": _functieniveau,
}


def conditions(r: SearchRequest, today: date) -> list:
    """WHERE conditions on Aanbieder for every filter of the request (text excluded)."""
    contracted = or_(
        *(
            exists().where(model.aanbieder_id == Aanbieder.id, _valid(model, today))
            for model in (Contract, DakjeScope, Maatregelhulp)
        )
    )
    where = [Aanbieder.status == "actief", contracted]  # only contracted aanbieders are public
    for clause in dict.fromkeys(CLAUSES.values()):  # gemeente..niveau share one clause
        where += clause(r, today)
    return where


def sql_slugs(session, r: SearchRequest, today: date) -> set[str]:
    """Slugs of the aanbieders the database says match."""
    return set(session.execute(select(Aanbieder.slug).where(*conditions(r, today))).scalars())


def sql_count(session, r: SearchRequest, today: date) -> int:
    """Number of aanbieders the database says match."""
    return session.execute(
        select(func.count()).select_from(Aanbieder).where(*conditions(r, today))
    ).scalar_one()


def facet_request(r: SearchRequest, facet: str, value: str, taxonomy) -> SearchRequest:
    """The request a click on a facet option makes."""
    spec = BY_PARAM[facet]
    chosen = spec.read(value, taxonomy, taxonomy.models_for(r.gemeente))
    if spec.many:
        chosen = tuple(sorted(set(getattr(r, spec.field)) | {chosen}))
    return replace(r, **{spec.field: chosen})
