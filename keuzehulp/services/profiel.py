"""An aanbieder's own profile: read it as a snapshot, check a submitted form, save it with a version.

Saving uses optimistic locking: the form carries the version it was based on, and the update only
succeeds when that is still the current version. Every save stores a snapshot (AanbiederVersie),
an audit row and a change-log row, so history, audit and search all follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, update
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.regio import regio_naam
from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.domain.twents_model import FUNCTIENIVEAUS, WERKVORMEN
from keuzehulp.domain.validation import (
    PHONE_ERROR,
    WEBSITE_ERROR,
    normalise_postcode,
    normalise_website,
    valid_phone,
    valid_website,
    whole_number,
)
from keuzehulp.models import (
    Aanbieder,
    AanbiederDoelgroep,
    AanbiederSpecialisatie,
    AanbiederTaal,
    AanbiederVersie,
    Doelgroep,
    Specialisatie,
    Taal,
    Vestiging,
)
from keuzehulp.services.audit import Actor, record

FIELD_LABELS = {
    "beschrijving": "Beschrijving",
    "email": "E-mailadres",
    "telefoon": "Telefoon",
    "website": "Website",
    "specialisaties": "Specialisaties",
    "doelgroepen": "Doelgroepen",
    "talen": "Talen",
    "werkvormen": "Werkvormen",
    "consultatie_functieniveaus": "Functieniveaus voor consultatie",
    "vestigingen": "Vestigingen",
}
VESTIGING_FIELDS = ("naam", "adres", "postcode", "plaats")
MAX_VESTIGINGEN = 50
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Conflict(Exception):
    """Someone else saved this profile after the form was opened."""


def snapshot(session: Session, aanbieder: Aanbieder) -> dict:
    """The editable part of a profile as plain data (the unit of versions and diffs)."""
    aid = aanbieder.id

    def slugs(link, model, column):
        query = (
            select(model.slug).join(link, getattr(link, column) == model.id).where(link.aanbieder_id == aid)
        )
        return sorted(session.exec(query))

    vestigingen = session.exec(select(Vestiging).where(Vestiging.aanbieder_id == aid).order_by(Vestiging.id))
    return {
        "beschrijving": aanbieder.beschrijving,
        "email": aanbieder.email,
        "telefoon": aanbieder.telefoon,
        "website": aanbieder.website,
        "specialisaties": slugs(AanbiederSpecialisatie, Specialisatie, "specialisatie_id"),
        "doelgroepen": slugs(AanbiederDoelgroep, Doelgroep, "doelgroep_id"),
        "talen": slugs(AanbiederTaal, Taal, "taal_id"),
        "werkvormen": sorted(aanbieder.werkvormen),
        "consultatie_functieniveaus": sorted(aanbieder.consultatie_functieniveaus),
        "vestigingen": [
            {
                "id": v.id,
                "naam": v.naam,
                "adres": v.adres,
                "postcode": v.postcode,
                "plaats": v.plaats,
                "rolstoeltoegankelijk": v.rolstoeltoegankelijk,
                "beschermde_woonlocatie": v.beschermde_woonlocatie,
            }
            for v in vestigingen
        ],
    }


def check_profile(typed: dict, taxonomy: Taxonomy) -> tuple[dict, dict[str, str]]:
    """The typed profile as snapshot data, and Dutch errors keyed by value name (a vestiging's by
    'vestigingen.<position>.<field>').

    `typed` holds text for beschrijving, email, telefoon and website, lists of
    chosen slugs for the lists, and the vestigingen as rows of text (with `id`, and the two flags)."""
    errors: dict[str, str] = {}
    text = {
        name: str(typed.get(name, "")).strip() for name in ("beschrijving", "email", "telefoon", "website")
    }
    if len(text["beschrijving"]) > 4000:
        errors["beschrijving"] = "De beschrijving is te lang. Gebruik hoogstens 4000 tekens."
    if text["email"] and not _EMAIL.match(text["email"]):
        errors["email"] = "Vul een geldig e-mailadres in, zoals info@organisatie.nl."
    if text["telefoon"] and not valid_phone(text["telefoon"]):
        errors["telefoon"] = PHONE_ERROR
    text["website"] = normalise_website(text["website"])
    if text["website"] and not valid_website(text["website"]):
        errors["website"] = WEBSITE_ERROR

    def chosen(name: str, allowed: set[str]) -> list[str]:
        values = sorted(set(typed.get(name, [])))
        if any(v not in allowed for v in values):
            errors[name] = "Kies alleen uit de lijst."
        return [v for v in values if v in allowed]

    values = text | {
        "specialisaties": chosen("specialisaties", {s.slug for s in taxonomy.specialisaties}),
        "doelgroepen": chosen("doelgroepen", {d.slug for d in taxonomy.doelgroepen}),
        "talen": chosen("talen", {t.slug for t in taxonomy.talen}),
        "werkvormen": chosen("werkvormen", set(WERKVORMEN)),
        "consultatie_functieniveaus": chosen("consultatie_functieniveaus", set(FUNCTIENIVEAUS)),
        "vestigingen": [],
    }
    values["vestigingen"] = _check_vestigingen(typed.get("vestigingen", []), taxonomy, errors)
    return values, errors


def _check_vestigingen(rows: list[dict], taxonomy: Taxonomy, errors: dict[str, str]) -> list[dict]:
    """The typed vestigingen that hold anything, checked; errors by their position in the result."""
    checked = []
    for typed in rows:
        row = {name: str(typed.get(name, "")).strip() for name in VESTIGING_FIELDS}
        if not any(row.values()):
            continue
        where = f"vestigingen.{len(checked)}."
        row["id"] = whole_number(typed.get("id"))
        row["rolstoeltoegankelijk"] = bool(typed.get("rolstoeltoegankelijk"))
        row["beschermde_woonlocatie"] = bool(typed.get("beschermde_woonlocatie"))
        for name, message in (("adres", "Vul straat en huisnummer in."), ("plaats", "Vul de plaats in.")):
            if not row[name]:
                errors[where + name] = message
        try:
            row["postcode"] = normalise_postcode(row["postcode"])
        except RuleViolation as problem:
            errors[where + "postcode"] = str(problem)
        if row["plaats"] and taxonomy.kern(row["plaats"]) is None:
            errors[where + "plaats"] = (
                f"Wij kennen de plaats '{row['plaats']}' niet in {regio_naam()}. "
                "Kies een plaats uit de lijst."
            )
        checked.append(row)
    return checked


def save(
    session: Session,
    aanbieder_id: int,
    expected_version: int,
    values: dict,
    actor: Actor,
    taxonomy: Taxonomy,
    today: date,
) -> Aanbieder:
    """Store a checked profile form as a new version, or raise Conflict when it is out of date."""
    aanbieder = session.get(Aanbieder, aanbieder_id)
    before = snapshot(session, aanbieder)
    _ensure_baseline(session, aanbieder, before)
    bumped = session.execute(
        update(Aanbieder)
        .where(Aanbieder.id == aanbieder_id, Aanbieder.version == expected_version)
        .values(version=expected_version + 1)
    ).rowcount
    if bumped != 1:  # the caller rolls back (the baseline above may be pending)
        raise Conflict("Dit profiel is intussen door iemand anders opgeslagen.")
    session.refresh(aanbieder)
    for name in ("beschrijving", "email", "telefoon", "website", "werkvormen", "consultatie_functieniveaus"):
        setattr(aanbieder, name, values[name])
    aanbieder.profiel_bevestigd_op = today
    aanbieder.updated_at = clock.now()
    session.add(aanbieder)
    _replace_links(session, aanbieder_id, values, taxonomy)
    _save_vestigingen(session, aanbieder_id, before["vestigingen"], values["vestigingen"], taxonomy)
    session.flush()
    after = snapshot(session, aanbieder)
    _store_version(session, aanbieder, after, actor)
    changed = diff(before, after)
    record(
        session,
        actor,
        "profiel gewijzigd",
        "aanbieder",
        aanbieder.slug,
        omschrijving=", ".join(FIELD_LABELS[name] for name, _, _ in changed)
        or "bevestigd zonder wijzigingen",
        voor={name: old for name, old, _ in changed},
        na={name: new for name, _, new in changed},
    )
    record_change(session, aanbieder_id, "profiel")
    return aanbieder


def _ensure_baseline(session: Session, aanbieder: Aanbieder, current: dict) -> None:
    """The first save also stores the state before it, so history can show what changed."""
    exists = session.exec(
        select(AanbiederVersie.id).where(AanbiederVersie.aanbieder_id == aanbieder.id)
    ).first()
    if exists is None:
        session.add(
            AanbiederVersie(
                aanbieder_id=aanbieder.id, version=aanbieder.version, wie="beginstand", gegevens=current
            )
        )
        session.flush()


def _store_version(session: Session, aanbieder: Aanbieder, data: dict, actor: Actor) -> None:
    session.add(
        AanbiederVersie(aanbieder_id=aanbieder.id, version=aanbieder.version, wie=actor.wie, gegevens=data)
    )


def _replace_links(session: Session, aid: int, values: dict, taxonomy: Taxonomy) -> None:
    ids = {
        "specialisaties": {s.slug: s.id for s in taxonomy.specialisaties},
        "doelgroepen": {d.slug: d.id for d in taxonomy.doelgroepen},
        "talen": {t.slug: t.id for t in taxonomy.talen},
    }
    for key, model, column in (
        ("specialisaties", AanbiederSpecialisatie, "specialisatie_id"),
        ("doelgroepen", AanbiederDoelgroep, "doelgroep_id"),
        ("talen", AanbiederTaal, "taal_id"),
    ):
        session.execute(delete(model).where(model.aanbieder_id == aid))
        rows = [{"aanbieder_id": aid, column: ids[key][slug]} for slug in values[key]]
        if rows:
            session.execute(insert(model), rows)


def _save_vestigingen(
    session: Session, aid: int, before: list[dict], rows: list[dict], taxonomy: Taxonomy
) -> None:
    own = {v["id"]: v for v in before}
    kept = set()
    for row in rows:
        kern = taxonomy.kern(row["plaats"])
        values = {
            name: row[name] for name in (*VESTIGING_FIELDS, "rolstoeltoegankelijk", "beschermde_woonlocatie")
        }
        values["plaats"] = kern.naam
        place = {"gemeente_id": kern.gemeente_id, "lat": kern.lat, "lon": kern.lon}
        if row["id"] in own:  # an id from the form counts only when it is this aanbieder's own vestiging
            kept.add(row["id"])
            if own[row["id"]]["plaats"] != kern.naam:  # coordinates follow a new plaats, never a re-save
                values |= place
            session.execute(update(Vestiging).where(Vestiging.id == row["id"]).values(**values))
        else:
            session.add(Vestiging(aanbieder_id=aid, **values, **place))
    removed = set(own) - kept
    if removed:
        session.execute(delete(Vestiging).where(Vestiging.aanbieder_id == aid, Vestiging.id.in_(removed)))


def versions_after(session: Session, aanbieder_id: int, version: int) -> list[AanbiederVersie]:
    """Saved versions newer than a version number, oldest first."""
    query = (
        select(AanbiederVersie)
        .where(AanbiederVersie.aanbieder_id == aanbieder_id, AanbiederVersie.version > version)
        .order_by(AanbiederVersie.version)
    )
    return list(session.exec(query))


def history(session: Session, aanbieder_id: int) -> list[dict]:
    """Every saved version, newest first, with what changed compared with the version before it."""
    versions = versions_after(session, aanbieder_id, 0)
    entries = []
    for previous, version in zip([None, *versions], versions, strict=False):
        if previous is None:
            continue
        entries.append({"versie": version, "wijzigingen": diff(previous.gegevens, version.gegevens)})
    return entries[::-1]


def diff(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """(field, old, new) for each field that differs, in form order."""
    return [
        (name, before.get(name), after.get(name))
        for name in FIELD_LABELS
        if before.get(name) != after.get(name)
    ]


@dataclass(frozen=True)
class Freshness:
    """How current a profile is: the day it was last confirmed and whether that is over 8 weeks ago.
    (Wachttijd and plek have their own dates per figure: domain/beschikbaarheid.py.)"""

    profiel_op: date
    profiel_verouderd: bool


STALE_AFTER_DAYS = 56


def freshness(aanbieder: Aanbieder, today: date) -> Freshness:
    """The freshness of a profile on a day."""
    profiel_op = aanbieder.profiel_bevestigd_op or aanbieder.created_at.date()
    return Freshness(profiel_op, (today - profiel_op).days > STALE_AFTER_DAYS)
