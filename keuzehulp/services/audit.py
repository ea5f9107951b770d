"""The audit log: every beheer, profile and account action with who, when, what, before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session

from keuzehulp.clock import DUTCH_TIME
from keuzehulp.models import AuditRegel, Gebruiker
from keuzehulp.services.csvfile import csv_text


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, or the system (CLI, import jobs); with the actor's region, which
    is the region of what they do (None for aanbieder staff and the system)."""

    gebruiker_id: int | None
    wie: str
    regio_id: int | None = None

    @classmethod
    def of(cls, user: Gebruiker) -> Actor:
        """The actor for a user (named by e-mail address)."""
        return cls(user.id, user.email, user.regio_id)


SYSTEM = Actor(None, "systeem")
_ACTORS_REGIO = object()


def record(
    session: Session,
    actor: Actor,
    actie: str,
    object_soort: str,
    object_id: object = "",
    omschrijving: str = "",
    voor: dict | None = None,
    na: dict | None = None,
    regio_id: int | None | object = _ACTORS_REGIO,
) -> None:
    """Append one audit row in the caller's transaction. The row belongs to the actor's region unless
    `regio_id` says otherwise (the system acting on an account of a region, an aanbieder answering a
    wijkteam's consultatie)."""
    session.add(
        AuditRegel(
            gebruiker_id=actor.gebruiker_id,
            regio_id=actor.regio_id if regio_id is _ACTORS_REGIO else regio_id,
            wie=actor.wie,
            actie=actie,
            object_soort=object_soort,
            object_id=str(object_id),
            omschrijving=omschrijving,
            voor=voor,
            na=na,
        )
    )


def audit_csv(rows: list[AuditRegel]) -> str:
    """The rows as CSV (semicolon-separated, as Dutch spreadsheets expect)."""
    return csv_text(
        ["tijdstip", "wie", "actie", "object", "id", "omschrijving", "voor", "na"],
        (
            [
                row.at.astimezone(DUTCH_TIME).isoformat(timespec="seconds"),
                row.wie,
                row.actie,
                row.object_soort,
                row.object_id,
                row.omschrijving,
                json.dumps(row.voor, ensure_ascii=False) if row.voor is not None else "",
                json.dumps(row.na, ensure_ascii=False) if row.na is not None else "",
            ]
            for row in rows
        ),
    )
