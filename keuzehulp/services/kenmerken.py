"""Contracted kenmerken of an aanbieder as a whole: ambulante spoedhulp (with the connection to the
regional coördinatiepunt triage en spoedhulp) and diagnostiek (enkelvoudig, integraal).

They come from the contract register (optional columns, see docs/import.md) or from the beheer
page of the aanbieder; the aanbieder cannot change them itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.twents_model import DIAGNOSTIEK, check_spoedhulp
from keuzehulp.models import Aanbieder, Contract
from keuzehulp.models.periods import current
from keuzehulp.services.audit import Actor, record

COLUMNS = ("ambulante_spoedhulp", "coordinatiepunt", "diagnostiek")
_YES, _NO = ("ja", "j", "yes", "1", "waar", "true"), ("nee", "n", "no", "0", "onwaar", "false")


@dataclass(frozen=True)
class Kenmerken:
    """What a register row or form says; None: not stated (keep what is stored)."""

    ambulante_spoedhulp: bool | None = None
    coordinatiepunt: bool | None = None
    diagnostiek: tuple[str, ...] | None = None

    @classmethod
    def of(cls, aanbieder: Aanbieder) -> Kenmerken:
        return cls(aanbieder.ambulante_spoedhulp, aanbieder.coordinatiepunt, tuple(aanbieder.diagnostiek))

    def over(self, stored: Kenmerken) -> Kenmerken:
        """These statements on top of the stored values."""
        return Kenmerken(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(_values(self), _values(stored), strict=True)
            )
        )

    def changes_from(self, before: Kenmerken) -> Kenmerken:
        """Only the values that differ from `before`."""
        pairs = zip(_values(before), _values(self), strict=True)
        return Kenmerken(*(new if new != old else None for old, new in pairs))

    def describe(self) -> list[str]:
        """Each stated value in words, for the dry run."""
        words = []
        if self.ambulante_spoedhulp is not None:
            words.append(f"ambulante spoedhulp {_yes_no(self.ambulante_spoedhulp)}")
        if self.coordinatiepunt is not None:
            words.append(f"aangesloten op het coördinatiepunt {_yes_no(self.coordinatiepunt)}")
        if self.diagnostiek is not None:
            words.append(f"diagnostiek {' en '.join(self.diagnostiek) or 'geen'}")
        return words


def _values(kenmerken: Kenmerken) -> tuple:
    return (kenmerken.ambulante_spoedhulp, kenmerken.coordinatiepunt, kenmerken.diagnostiek)


def _yes_no(value: bool) -> str:
    return "ja" if value else "nee"


def parse_yes_no(text: str, label: str) -> bool | None:
    """'ja'/'nee' (and common spellings) as a bool; empty is None."""
    text = text.strip().lower()
    if not text:
        return None
    if text in _YES or text in _NO:
        return text in _YES
    raise RuleViolation(f"{label} is 'ja' of 'nee', niet '{text}'.")


def parse_diagnostiek(text: str) -> tuple[str, ...] | None:
    """'enkelvoudig', 'integraal', both ('enkelvoudig en integraal', 'beide') or 'geen'."""
    text = text.strip().lower()
    if not text:
        return None
    if text in ("geen", "nee"):
        return ()
    if text == "beide":
        return DIAGNOSTIEK
    parts = {part for part in re.split(r"[\s,;+/&]+", text) if part and part != "en"}
    unknown = parts - set(DIAGNOSTIEK)
    if unknown or not parts:
        raise RuleViolation(
            f"Diagnostiek '{text}' klopt niet. Schrijf enkelvoudig, integraal, beide of geen."
        )
    return tuple(d for d in DIAGNOSTIEK if d in parts)


def parse_row(row: dict[str, str]) -> Kenmerken:
    """The kenmerken a register row states."""
    return Kenmerken(
        parse_yes_no(row.get("ambulante_spoedhulp", ""), "Ambulante spoedhulp"),
        parse_yes_no(row.get("coordinatiepunt", ""), "Coördinatiepunt"),
        parse_diagnostiek(row.get("diagnostiek", "")),
    )


def combine(first: Kenmerken, other: Kenmerken) -> Kenmerken:
    """Two rows of one aanbieder together; RuleViolation when they state different values."""
    merged = []
    for mine, theirs, name in zip(_values(first), _values(other), COLUMNS, strict=True):
        if mine is not None and theirs is not None and mine != theirs:
            raise RuleViolation(
                f"Deze regel zegt iets anders over {name} dan een eerdere regel van deze KvK."
            )
        merged.append(mine if mine is not None else theirs)
    return Kenmerken(*merged)


def check(kenmerken: Kenmerken, percelen: set[str]) -> None:
    """The Twents-model rules for the resulting kenmerken (percelen: of the running contract lines)."""
    check_spoedhulp(bool(kenmerken.ambulante_spoedhulp), bool(kenmerken.coordinatiepunt), percelen)


def running_percelen(session: Session, aanbieder_id: int, today: date) -> set[str]:
    """The percelen of an aanbieder's current contract lines."""
    query = select(Contract.perceel).where(Contract.aanbieder_id == aanbieder_id, current(Contract, today))
    return set(session.exec(query))


def store(session: Session, actor: Actor, aanbieder: Aanbieder, kenmerken: Kenmerken, reden: str) -> bool:
    """Write the stated kenmerken (already checked), with audit and index; whether anything changed."""
    before = Kenmerken.of(aanbieder)
    after = kenmerken.over(before)
    if after == before:
        return False
    differences = [(name, old, new) for name, old, new in _pairs(before, after) if old != new]
    aanbieder.ambulante_spoedhulp = bool(after.ambulante_spoedhulp)
    aanbieder.coordinatiepunt = bool(after.coordinatiepunt)
    aanbieder.diagnostiek = list(after.diagnostiek or ())
    aanbieder.version += 1
    aanbieder.updated_at = clock.now()
    session.add(aanbieder)
    record(
        session,
        actor,
        "kenmerken gewijzigd",
        "aanbieder",
        aanbieder.slug,
        omschrijving=reden,
        voor={name: old for name, old, _ in differences},
        na={name: new for name, _, new in differences},
    )
    record_change(session, aanbieder.id, "kenmerken")
    return True


def _pairs(before: Kenmerken, after: Kenmerken):
    return [
        (name, list(old) if isinstance(old, tuple) else old, list(new) if isinstance(new, tuple) else new)
        for name, old, new in zip(COLUMNS, _values(before), _values(after), strict=True)
    ]
