"""The audit log in words: who (name or e-mail and role), on what (a person, an aanbieder by name)
and what changed ("Status: actief -> opgeschort"), every moment in Dutch time.

The log stores ids and raw before/after values; this module only reads them for the beheer page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from keuzehulp.models import AuditRegel, Gebruiker
from keuzehulp.queries import audit as audit_reads
from keuzehulp.services.profiel import FIELD_LABELS
from keuzehulp.services.tarieven import euros
from keuzehulp.web.kit.templating import datum, getal, tijdstip

ROLE_NAMES = {"beheerder": "beheerder", "wijkteam": "wijkteam", "aanbieder": "aanbieder"}
OBJECT_NAMES = {
    "gebruiker": "gebruiker",
    "aanbieder": "aanbieder",
    "consultatie": "vraag",
    "voorkeur": "voorkeur",
    "tarief": "tarief",
    "aanmelding": "aanmelding",
    "import": "import",
    "bewaartermijn": "bewaartermijn",
}
LABELS = FIELD_LABELS | {
    "status": "Status",
    "actief": "Actief",
    "rol": "Rol",
    "gemeenten": "Gemeenten",
    "aanbieder": "Aanbieder",
    "aanbieder_id": "Aanbieder",
    "naam": "Naam",
    "kvk": "KvK",
    "reden": "Reden",
    "soort": "Soort",
    "perceel": "Perceel",
    "code": "Product",
    "bedrag_centen": "Tarief",
    "vanaf": "Geldig vanaf",
    "tot": "Geldig tot en met",
    "wachttijd_weken": "Wachttijd (weken)",  # audit rows from before figures per kind of help
    "wachttijd_bevestigd_op": "Wachttijd bevestigd op",
    "cijfers": "Wachttijden en plekken",
    "contactpersoon": "Contactpersoon",
    "geplande_datum": "Geplande datum",
    "beantwoord_op": "Beantwoord op",
    "afgerond_op": "Afgerond op",
    "reden_afwijzing": "Reden van afwijzen",
    "terugkoppeling": "Terugkoppeling",
    "ambulante_spoedhulp": "Ambulante spoedhulp",
    "coordinatiepunt": "Coördinatiepunt",
    "diagnostiek": "Diagnostiek",
    "voorkeuren": "Voorkeuren",
    "consultaties": "Consultaties",
}
EMPTY = "(leeg)"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: the field had no value before (a creation)
    new: str | None  # None: only the old value is known


@dataclass(frozen=True)
class LogLine:
    row: AuditRegel
    wie: str
    waarop: str
    changes: list[Change]


def person(user: Gebruiker | None, fallback: str = "") -> str:
    """'Anna de Vries (beheerder)', or the e-mail address when there is no name."""
    if user is None:
        return fallback or "systeem"
    return f"{user.naam or user.email} ({ROLE_NAMES.get(user.rol, user.rol)})"


def value_text(field: str, value) -> str:
    """One stored value in words: dates and moments in Dutch (local time), numbers with a decimal
    comma, yes/no, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return getal(value)
    if field == "bedrag_centen" and isinstance(value, int):
        return euros(value)
    if isinstance(value, datetime):
        return tijdstip(value)
    if isinstance(value, date):
        return datum(value)
    if isinstance(value, list):
        return ", ".join(value_text(field, v) for v in value) or EMPTY
    if isinstance(value, dict):
        parts = (f"{k}: {value_text(k, v)}" for k, v in value.items() if v not in (None, ""))
        return "; ".join(parts) or EMPTY
    text = str(value)
    if _MOMENT.match(text):
        try:
            return tijdstip(datetime.fromisoformat(text))
        except ValueError:
            return text
    if _DATE.fullmatch(text):
        try:
            return datum(date.fromisoformat(text))
        except ValueError:
            return text
    return {"True": "ja", "False": "nee"}.get(text, text)


def changes(voor: dict | None, na: dict | None) -> list[Change]:
    """'veld: oud -> nieuw' for every field in the before or after values, in their stored order."""
    voor, na = voor or {}, na or {}
    fields = list(voor) + [name for name in na if name not in voor]
    return [
        Change(
            LABELS.get(name, name.replace("_", " ").capitalize()),
            value_text(name, voor[name]) if name in voor else None,
            value_text(name, na[name]) if name in na else None,
        )
        for name in fields
    ]


def describe(session: Session, rows: list[AuditRegel]) -> list[LogLine]:
    """The rows with people and aanbieders named (looked up once per page)."""
    user_ids = {r.gebruiker_id for r in rows if r.gebruiker_id}
    user_ids |= {int(r.object_id) for r in rows if r.object_soort == "gebruiker" and r.object_id.isdecimal()}
    users = audit_reads.users_by_id(session, user_ids)
    names = audit_reads.aanbieder_names(session, {r.object_id for r in rows if r.object_soort == "aanbieder"})

    def target(row: AuditRegel) -> str:
        kind = OBJECT_NAMES.get(row.object_soort, row.object_soort)
        if row.object_soort == "gebruiker" and row.object_id.isdecimal():
            return person(users.get(int(row.object_id)), f"{kind} {row.object_id} (verwijderd)")
        if row.object_soort == "aanbieder":
            return names.get(row.object_id, row.object_id)
        if row.object_soort == "consultatie":
            return f"Vraag {row.object_id}"
        return f"{kind} {row.object_id}".strip().capitalize()

    return [
        LogLine(
            row,
            person(users.get(row.gebruiker_id), row.wie) if row.gebruiker_id else row.wie,
            target(row),
            changes(row.voor, row.na),
        )
        for row in rows
    ]
