"""The database's own answer to a search, in plain SQL: what the index must agree with exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import String, and_, cast, exists, false, func, or_, select

from keuzehulp.domain.resultaten import INDICATOREN, MIN_N
from keuzehulp.domain.twents_model import DAKJE_PERCELEN
from keuzehulp.models import (
    Aanbieder,
    AanbiederDoelgroep,
    AanbiederSpecialisatie,
    AanbiederTaal,
    Contract,
    DakjeScope,
    Doelgroep,
    Gemeente,
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


def _wachttijd(r: SearchRequest, today: date) -> list:
    if r.max_wachttijd is None:
        return []
    return [Aanbieder.wachttijd_weken.is_not(None), Aanbieder.wachttijd_weken <= r.max_wachttijd]


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
