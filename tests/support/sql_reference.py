"""The database's own answer to a search, in plain SQL: what the index must agree with exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import and_, exists, false, func, or_, select

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
from keuzehulp.search.filters import SearchRequest


def _valid(model, today: date):
    return and_(model.geldig_vanaf <= today, or_(model.geldig_tot.is_(None), model.geldig_tot >= today))


def _gemeente(model, code: str | None):
    if code is None:
        return True
    return model.gemeente_id == select(Gemeente.id).where(Gemeente.cbs_code == code).scalar_subquery()


def conditions(r: SearchRequest, today: date) -> list:
    """WHERE conditions on Aanbieder for every filter of the request (text excluded)."""
    contracted = or_(
        *(
            exists().where(model.aanbieder_id == Aanbieder.id, _valid(model, today))
            for model in (Contract, DakjeScope, Maatregelhulp)
        )
    )
    where = [Aanbieder.status == "actief", contracted]  # only contracted aanbieders are public
    if any((r.gemeente, r.perceel, r.ob, r.niveau)):
        clauses = [
            Contract.aanbieder_id == Aanbieder.id,
            _valid(Contract, today),
            _gemeente(Contract, r.gemeente),
        ]
        if r.perceel:
            clauses.append(Contract.perceel == r.perceel)
        if r.ob:
            clauses.append(Contract.ob == r.ob)
        if r.niveau:
            clauses.append(Contract.niveau == r.niveau)
        where.append(exists().where(*clauses))
    if r.dakje and r.perceel and r.perceel not in DAKJE_PERCELEN[r.dakje]:
        where.append(false())  # pleegzorg and gezinshuis are jeugdhulp
    if r.dakje:
        where.append(
            exists().where(
                DakjeScope.aanbieder_id == Aanbieder.id,
                DakjeScope.dakje == r.dakje,
                _valid(DakjeScope, today),
                _gemeente(DakjeScope, r.gemeente),
            )
        )
    if r.spoedhulp and r.perceel not in (None, "jeugd"):
        where.append(false())  # ambulante spoedhulp is part of OB jeugd
    if r.spoedhulp:
        where.append(Aanbieder.ambulante_spoedhulp.is_(True))
        where.append(
            exists().where(
                Contract.aanbieder_id == Aanbieder.id,
                Contract.perceel == "jeugd",
                _valid(Contract, today),
                _gemeente(Contract, r.gemeente),
            )
        )
    for slug in r.specialisatie:
        where.append(
            exists().where(
                AanbiederSpecialisatie.aanbieder_id == Aanbieder.id,
                AanbiederSpecialisatie.specialisatie_id
                == select(Specialisatie.id).where(Specialisatie.slug == slug).scalar_subquery(),
            )
        )
    if r.doelgroep:
        where.append(
            exists().where(
                AanbiederDoelgroep.aanbieder_id == Aanbieder.id,
                AanbiederDoelgroep.doelgroep_id
                == select(Doelgroep.id).where(Doelgroep.slug == r.doelgroep).scalar_subquery(),
            )
        )
    if r.taal:
        where.append(
            exists().where(
                AanbiederTaal.aanbieder_id == Aanbieder.id,
                AanbiederTaal.taal_id == select(Taal.id).where(Taal.slug == r.taal).scalar_subquery(),
            )
        )
    if r.met_resultaten:
        where.append(
            exists().where(
                Resultaat.aanbieder_id == Aanbieder.id,
                Resultaat.noemer >= MIN_N,
                Resultaat.indicator.in_(list(INDICATOREN)),
            )
        )
    if r.max_wachttijd is not None:
        where.append(Aanbieder.wachttijd_weken.is_not(None))
        where.append(Aanbieder.wachttijd_weken <= r.max_wachttijd)
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
    if facet == "gemeente":
        return replace(r, gemeente=taxonomy.gemeente(value).cbs_code)
    if facet == "ob":
        return replace(r, ob=int(value))
    if facet == "specialisatie":
        return replace(r, specialisatie=tuple(sorted(set(r.specialisatie) | {value})))
    if facet == "spoedhulp":
        return replace(r, spoedhulp=True)
    if facet == "resultaten":
        return replace(r, met_resultaten=True)
    if facet == "max_wachttijd":
        return replace(r, max_wachttijd=int(value))
    return replace(r, **{facet: value})
