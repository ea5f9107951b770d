"""Writing aanbieders: create them with their whole profile and contract scope, change their status.

Every function validates the Twents-model rules first (RuleViolation with a Dutch message) and
appends a change-log row in the same transaction, so the search index follows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import check_figure
from keuzehulp.domain.changelog import record_change, record_changes
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.inkoopmodel import Inkoopmodel
from keuzehulp.domain.regio import model_for
from keuzehulp.domain.twents_model import STATUSES, check_spoedhulp, overlaps
from keuzehulp.domain.validation import (
    PHONE_ERROR,
    normalise_agb,
    normalise_kvk,
    normalise_postcode,
    valid_phone,
)
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
    Vestiging,
    WachttijdMelding,
)
from keuzehulp.services.audit import Actor, record


@dataclass
class ContractLine:
    gemeente: str  # CBS code
    perceel: str
    product: str | None  # in the region model's codes
    variant: str | None
    geldig_vanaf: date
    geldig_tot: date | None = None


@dataclass
class DakjeLine:
    gemeente: str
    dakje: str
    geldig_vanaf: date
    geldig_tot: date | None = None


@dataclass
class MaatregelLine:
    gemeente: str
    soort: str
    geldig_vanaf: date
    geldig_tot: date | None = None


@dataclass
class VestigingData:
    adres: str
    postcode: str
    plaats: str
    gemeente: str
    lat: float
    lon: float
    naam: str = ""
    rolstoeltoegankelijk: bool = False
    beschermde_woonlocatie: bool = False


@dataclass
class ResultaatData:
    periode: str
    indicator: str
    teller: int
    noemer: int
    bron: str = ""


@dataclass
class CijferData:
    """A figure for one kind of help (domain/beschikbaarheid), with its earlier confirmations."""

    hulp: str
    gemeente: str | None  # CBS code; None: every gemeente
    weken_contact: int | None
    weken_start: int | None
    plekken: int | None
    bevestigd_op: date
    historie: list[tuple[date, int | None, int | None]] = field(default_factory=list)  # (day, start, plekken)


@dataclass
class StopData:
    hulp: str
    reden: str
    vanaf: date
    tot: date | None = None


@dataclass
class AanbiederData:
    """Everything that makes up one aanbieder, as a unit to validate and store."""

    slug: str
    naam: str
    kvk: str
    agb: str | None = None
    website: str = ""
    email: str = ""
    telefoon: str = ""
    beschrijving: str = ""
    status: str = "actief"
    consultatie_functieniveaus: list[str] = field(default_factory=list)
    diagnostiek: list[str] = field(default_factory=list)
    ambulante_spoedhulp: bool = False
    coordinatiepunt: bool = False
    werkvormen: list[str] = field(default_factory=list)
    specialisaties: list[str] = field(default_factory=list)
    doelgroepen: list[str] = field(default_factory=list)
    talen: list[str] = field(default_factory=list)
    vestigingen: list[VestigingData] = field(default_factory=list)
    contracten: list[ContractLine] = field(default_factory=list)
    dakjes: list[DakjeLine] = field(default_factory=list)
    maatregelhulp: list[MaatregelLine] = field(default_factory=list)
    resultaten: list[ResultaatData] = field(default_factory=list)
    beschikbaarheid: list[CijferData] = field(default_factory=list)
    instroomstops: list[StopData] = field(default_factory=list)


def validate(data: AanbiederData) -> None:
    """Raise RuleViolation for the first rule this aanbieder breaks."""
    data.kvk = normalise_kvk(data.kvk)
    data.agb = normalise_agb(data.agb)
    if data.telefoon and not valid_phone(data.telefoon):
        raise RuleViolation(f"{PHONE_ERROR} '{data.telefoon}' klopt niet.")
    if data.status not in STATUSES:
        raise RuleViolation(f"Onbekende status '{data.status}'.")
    for cijfer in data.beschikbaarheid:
        if problems := check_figure(cijfer.weken_contact, cijfer.weken_start, cijfer.plekken):
            raise RuleViolation(problems[0])
    per_gemeente: dict[str, list] = defaultdict(list)
    variants: dict[Inkoopmodel, set[str | None]] = defaultdict(set)  # each region's model on its own
    for line in data.contracten:
        model = model_for(line.gemeente)
        model.check_contract(line.perceel, line.product, line.variant)
        if line.geldig_tot is not None and line.geldig_tot < line.geldig_vanaf:
            raise RuleViolation("Een contract kan niet eindigen voordat het begint.")
        per_gemeente[line.gemeente].append(line)
        variants[model].add(line.variant)
    for model, used in variants.items():
        model.check_contract_set(used)
    for dakje in data.dakjes:
        product_percelen = {
            line.perceel
            for line in per_gemeente.get(dakje.gemeente, [])
            if line.product is not None
            and overlaps(line.geldig_vanaf, line.geldig_tot, dakje.geldig_vanaf, dakje.geldig_tot)
        }
        model_for(dakje.gemeente).check_module("verblijf", dakje.dakje, product_percelen)
    check_spoedhulp(
        data.ambulante_spoedhulp, data.coordinatiepunt, {line.perceel for line in data.contracten}
    )
    for line in data.maatregelhulp:
        model_for(line.gemeente).check_module("maatregel", line.soort, set())
    for vestiging in data.vestigingen:
        vestiging.postcode = normalise_postcode(vestiging.postcode)


class _Lookups:
    """Ids of taxonomy rows by their natural key, read once per batch."""

    def __init__(self, session: Session):
        self.gemeente = {g.cbs_code: g.id for g in session.exec(select(Gemeente))}
        self.specialisatie = {s.slug: s.id for s in session.exec(select(Specialisatie))}
        self.doelgroep = {d.slug: d.id for d in session.exec(select(Doelgroep))}
        self.taal = {t.slug: t.id for t in session.exec(select(Taal))}

    def get(self, kind: str, key: str) -> int:
        try:
            return getattr(self, kind)[key]
        except KeyError:
            raise RuleViolation(f"Onbekende {kind} '{key}'.") from None


def create_aanbieders(session: Session, items: list[AanbiederData]) -> list[int]:
    """Validate and insert aanbieders with everything they own; returns their ids."""
    for data in items:
        validate(data)
    ids = _Lookups(session)
    now = clock.now()
    rows: dict[str, list[dict]] = defaultdict(list)
    aanbieder_ids = []
    for data in items:
        aanbieder = Aanbieder(
            slug=data.slug,
            naam=data.naam,
            kvk=data.kvk,
            agb=data.agb,
            website=data.website,
            email=data.email,
            telefoon=data.telefoon,
            beschrijving=data.beschrijving,
            status=data.status,
            consultatie_functieniveaus=data.consultatie_functieniveaus,
            diagnostiek=data.diagnostiek,
            ambulante_spoedhulp=data.ambulante_spoedhulp,
            coordinatiepunt=data.coordinatiepunt,
            werkvormen=data.werkvormen,
            created_at=now,
            updated_at=now,
        )
        session.add(aanbieder)
        session.flush()
        aid = aanbieder.id
        aanbieder_ids.append(aid)
        rows["spec"] += [
            {"aanbieder_id": aid, "specialisatie_id": ids.get("specialisatie", s)}
            for s in sorted(set(data.specialisaties))
        ]
        rows["doelgroep"] += [
            {"aanbieder_id": aid, "doelgroep_id": ids.get("doelgroep", d)}
            for d in sorted(set(data.doelgroepen))
        ]
        rows["taal"] += [
            {"aanbieder_id": aid, "taal_id": ids.get("taal", t)} for t in sorted(set(data.talen))
        ]
        rows["vestiging"] += [
            {
                "aanbieder_id": aid,
                "naam": v.naam,
                "adres": v.adres,
                "postcode": v.postcode,
                "plaats": v.plaats,
                "gemeente_id": ids.get("gemeente", v.gemeente),
                "lat": v.lat,
                "lon": v.lon,
                "rolstoeltoegankelijk": v.rolstoeltoegankelijk,
                "beschermde_woonlocatie": v.beschermde_woonlocatie,
            }
            for v in data.vestigingen
        ]
        rows["contract"] += [
            {
                "aanbieder_id": aid,
                "gemeente_id": ids.get("gemeente", c.gemeente),
                "perceel": c.perceel,
                "product": c.product,
                "variant": c.variant,
                "geldig_vanaf": c.geldig_vanaf,
                "geldig_tot": c.geldig_tot,
            }
            for c in data.contracten
        ]
        rows["dakje"] += [
            {
                "aanbieder_id": aid,
                "gemeente_id": ids.get("gemeente", d.gemeente),
                "dakje": d.dakje,
                "geldig_vanaf": d.geldig_vanaf,
                "geldig_tot": d.geldig_tot,
            }
            for d in data.dakjes
        ]
        rows["maatregelhulp"] += [
            {
                "aanbieder_id": aid,
                "gemeente_id": ids.get("gemeente", m.gemeente),
                "soort": m.soort,
                "geldig_vanaf": m.geldig_vanaf,
                "geldig_tot": m.geldig_tot,
            }
            for m in data.maatregelhulp
        ]
        rows["resultaat"] += [
            {
                "aanbieder_id": aid,
                "periode": r.periode,
                "indicator": r.indicator,
                "teller": r.teller,
                "noemer": r.noemer,
                "bron": r.bron,
            }
            for r in data.resultaten
        ]
        for c in data.beschikbaarheid:
            gemeente_id = ids.get("gemeente", c.gemeente) if c.gemeente else None
            figure = {"aanbieder_id": aid, "hulp": c.hulp, "gemeente_id": gemeente_id, "plekken": c.plekken}
            rows["cijfer"].append(
                {
                    **figure,
                    "weken_contact": c.weken_contact,
                    "weken_start": c.weken_start,
                    "bevestigd_op": c.bevestigd_op,
                    "gewijzigd_op": now,
                }
            )
            history = [*c.historie, (c.bevestigd_op, c.weken_start, c.plekken)]
            rows["wachttijd"] += [
                {**figure, "weken": weken, "plekken": plekken, "bevestigd_op": day}
                for day, weken, plekken in history
            ]
        rows["stop"] += [
            {
                "aanbieder_id": aid,
                "hulp": x.hulp,
                "reden": x.reden,
                "vanaf": x.vanaf,
                "tot": x.tot,
                "door": "systeem",
            }
            for x in data.instroomstops
        ]
    tables = {
        "spec": AanbiederSpecialisatie,
        "doelgroep": AanbiederDoelgroep,
        "taal": AanbiederTaal,
        "vestiging": Vestiging,
        "contract": Contract,
        "dakje": DakjeScope,
        "maatregelhulp": Maatregelhulp,
        "resultaat": Resultaat,
        "wachttijd": WachttijdMelding,
        "cijfer": Beschikbaarheid,
        "stop": Instroomstop,
    }
    for key, model in tables.items():
        if rows[key]:
            session.execute(insert(model), rows[key])
    record_changes(session, aanbieder_ids, "aangemaakt")
    return aanbieder_ids


def set_status(session: Session, slug: str, status: str) -> Aanbieder:
    """Change an aanbieder's status (actief, opgeschort, beeindigd); search follows at once."""
    if status not in STATUSES:
        raise RuleViolation(f"Onbekende status '{status}'.")
    aanbieder = session.exec(select(Aanbieder).where(Aanbieder.slug == slug)).first()
    if aanbieder is None:
        raise RuleViolation(f"Er is geen aanbieder '{slug}'.")
    aanbieder.status = status
    aanbieder.version += 1
    aanbieder.updated_at = clock.now()
    session.add(aanbieder)
    session.flush()
    record_change(session, aanbieder.id, f"status {status}")
    return aanbieder


def status_change_errors(current: str | None, status: str, reden: str) -> dict[str, str]:
    """What is wrong with a status change, per form field; empty when nothing is."""
    errors = {}
    if status not in STATUSES or status == current:
        errors["status"] = "Kies een nieuwe status."
    if not reden.strip():
        errors["reden"] = "Schrijf de reden op. Die komt in het logboek."
    return errors


def change_status(session: Session, actor: Actor, slug: str, status: str, reden: str) -> Aanbieder:
    """Suspend, reactivate or end an aanbieder with a reason; audited, and search follows at once."""
    current_status = session.exec(select(Aanbieder.status).where(Aanbieder.slug == slug)).first()
    if errors := status_change_errors(current_status, status, reden):
        raise RuleViolation(" ".join(errors.values()))
    aanbieder = set_status(session, slug, status)
    record(
        session,
        actor,
        f"status {status}",
        "aanbieder",
        slug,
        omschrijving=reden.strip(),
        voor={"status": current_status},
        na={"status": status},
    )
    return aanbieder
