"""Read-side queries for pages and the API: everything a profile shows, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from keuzehulp import clock
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
    Vestiging,
)
from keuzehulp.models.periods import current, public
from keuzehulp.queries.beschikbaarheid import State, state


@dataclass(frozen=True)
class ScopeGroup:
    """Gemeenten that share exactly the same contract scope, shown as one row."""

    gemeenten: tuple[Gemeente, ...]
    # perceel -> OB (None for dyslexie) -> niveaus
    percelen: dict[str, dict[int | None, tuple[str, ...]]]
    dakjes: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    aanbieder: Aanbieder
    contracten: list[tuple[Contract, Gemeente]]
    dakjes: list[tuple[DakjeScope, Gemeente]]
    scope_groups: list[ScopeGroup]
    specialisaties: list[Specialisatie]
    doelgroepen: list[Doelgroep]
    talen: list[Taal]
    vestigingen: list[tuple[Vestiging, Gemeente]]
    maatregelhulp: list[tuple[Maatregelhulp, Gemeente]]
    resultaten: list[Resultaat]
    beschikbaarheid: State  # wachttijd and plek per kind of help, instroomstops

    @property
    def is_public(self) -> bool:
        """Shown to inwoners: actief with a current contract line (see models.periods.public)."""
        return self.aanbieder.status == "actief" and bool(self.gemeente_ids)

    @property
    def gemeente_ids(self) -> set[int]:
        """Gemeenten with a current contract line of this aanbieder."""
        return {g.id for _, g in (*self.contracten, *self.dakjes, *self.maatregelhulp)}

    @property
    def public_vestigingen(self) -> list[dict]:
        """Vestigingen as they may be shown: protected woonlocaties with their plaats only."""
        shown = []
        for vestiging, gemeente in self.vestigingen:
            item = {
                "naam": vestiging.naam,
                "plaats": vestiging.plaats,
                "gemeente": gemeente.cbs_code,
                "gemeente_naam": gemeente.naam,
                "rolstoeltoegankelijk": vestiging.rolstoeltoegankelijk,
                "beschermde_woonlocatie": vestiging.beschermde_woonlocatie,
            }
            if not vestiging.beschermde_woonlocatie:
                item |= {
                    "adres": vestiging.adres,
                    "postcode": vestiging.postcode,
                    "lat": vestiging.lat,
                    "lon": vestiging.lon,
                }
            shown.append(item)
        return shown


def load_profile(session: Session, slug: str, today: date) -> Profile | None:
    """The profile of an aanbieder by slug, with current contract scope; None when unknown."""
    aanbieder = aanbieder_by_slug(session, slug)
    if aanbieder is None:
        return None
    aid = aanbieder.id
    contracten = list(
        session.exec(
            select(Contract, Gemeente)
            .join(Gemeente, Gemeente.id == Contract.gemeente_id)
            .where(Contract.aanbieder_id == aid, current(Contract, today))
            .order_by(Gemeente.naam, Contract.perceel, Contract.product, Contract.variant)
        )
    )
    dakjes = list(
        session.exec(
            select(DakjeScope, Gemeente)
            .join(Gemeente, Gemeente.id == DakjeScope.gemeente_id)
            .where(DakjeScope.aanbieder_id == aid, current(DakjeScope, today))
            .order_by(Gemeente.naam, DakjeScope.dakje)
        )
    )
    return Profile(
        aanbieder=aanbieder,
        contracten=contracten,
        dakjes=dakjes,
        scope_groups=_scope_groups(contracten, dakjes),
        specialisaties=list(
            session.exec(
                select(Specialisatie)
                .join(AanbiederSpecialisatie)
                .where(AanbiederSpecialisatie.aanbieder_id == aid)
                .order_by(Specialisatie.label_b1)
            )
        ),
        doelgroepen=list(
            session.exec(
                select(Doelgroep)
                .join(AanbiederDoelgroep)
                .where(AanbiederDoelgroep.aanbieder_id == aid)
                .order_by(Doelgroep.id)
            )
        ),
        talen=list(
            session.exec(
                select(Taal).join(AanbiederTaal).where(AanbiederTaal.aanbieder_id == aid).order_by(Taal.id)
            )
        ),
        vestigingen=list(
            session.exec(
                select(Vestiging, Gemeente)
                .join(Gemeente, Gemeente.id == Vestiging.gemeente_id)
                .where(Vestiging.aanbieder_id == aid)
                .order_by(Vestiging.id)
            )
        ),
        maatregelhulp=list(
            session.exec(
                select(Maatregelhulp, Gemeente)
                .join(Gemeente, Gemeente.id == Maatregelhulp.gemeente_id)
                .where(Maatregelhulp.aanbieder_id == aid, current(Maatregelhulp, today))
                .order_by(Gemeente.naam, Maatregelhulp.soort)
            )
        ),
        resultaten=list(
            session.exec(
                select(Resultaat)
                .where(Resultaat.aanbieder_id == aid)
                .order_by(Resultaat.periode, Resultaat.indicator)
            )
        ),
        beschikbaarheid=state(session, aid),
    )


def _scope_groups(contracten, dakjes) -> list[ScopeGroup]:
    per_gemeente: dict[int, dict] = defaultdict(lambda: {"percelen": defaultdict(dict), "dakjes": []})
    gemeenten: dict[int, Gemeente] = {}
    for contract, gemeente in contracten:
        gemeenten[gemeente.id] = gemeente
        niveaus = per_gemeente[gemeente.id]["percelen"][contract.perceel].setdefault(contract.product, [])
        if contract.variant:
            niveaus.append(contract.variant)
    for dakje, gemeente in dakjes:
        gemeenten[gemeente.id] = gemeente
        per_gemeente[gemeente.id]["dakjes"].append(dakje.dakje)
    grouped: dict[tuple, list[Gemeente]] = defaultdict(list)
    shapes: dict[tuple, tuple] = {}
    for gemeente_id, scope in per_gemeente.items():
        percelen = {
            perceel: {ob: tuple(sorted(set(n))) for ob, n in sorted(obs.items(), key=lambda i: i[0] or 0)}
            for perceel, obs in sorted(scope["percelen"].items())
        }
        key = (repr(percelen), tuple(sorted(set(scope["dakjes"]))))
        shapes[key] = (percelen, key[1])
        grouped[key].append(gemeenten[gemeente_id])
    return [
        ScopeGroup(tuple(sorted(members, key=lambda g: g.naam)), *shapes[key])
        for key, members in sorted(grouped.items(), key=lambda item: min(g.naam for g in item[1]))
    ]


def load_profiles(engine, slugs: list[str]) -> list[Profile | None]:
    """Profiles for slugs (None where unknown); blocking: web handlers call it in a worker thread."""
    with Session(engine) as session:
        return [load_profile(session, slug, clock.today()) for slug in slugs]


def aanbieder_by_slug(session: Session, slug: str, public_on: date | None = None) -> Aanbieder | None:
    """The aanbieder with this slug (any status; with public_on, only one inwoners may see that day)."""
    query = select(Aanbieder).where(Aanbieder.slug == slug)
    if public_on is not None:
        query = query.where(public(public_on))
    return session.exec(query).first()


def public_names(session: Session, slugs: list[str], today: date) -> dict[str, str]:
    """{slug: naam} of those aanbieders that inwoners may see today."""
    rows = session.exec(
        select(Aanbieder.slug, Aanbieder.naam).where(Aanbieder.slug.in_(slugs), public(today))
    )
    return dict(rows.all())
