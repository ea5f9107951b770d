"""The plan of an import (what applying it would do, every bad row with its line) and its summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from keuzehulp.services.audit import Actor, record

LARGE_ENDING_SHARE = 0.10  # of a gemeente's running lines: ending more asks for a confirmation


@dataclass
class GemeentePlan:
    """Per gemeente in a contract plan: its running lines now, and what the file does to them."""

    naam: str
    running: int = 0
    added: int = 0
    changed: int = 0
    ended: int = 0


@dataclass
class Plan:
    """What applying an import would do."""

    soort: str
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    new_aanbieders: list[str] = field(default_factory=list)
    unchanged: int = 0
    gemeenten: dict[str, GemeentePlan] = field(default_factory=dict)  # by CBS code, contract plans only
    # internals used by apply
    _actions: list = field(default_factory=list, repr=False)

    @property
    def can_apply(self) -> bool:
        """Only a file without bad rows that changes something can be applied."""
        return not self.errors and bool(self.added or self.changed or self.ended)

    @property
    def large_endings(self) -> list[str]:
        """Gemeenten where applying would end more than a tenth of the running lines: these ask for
        an explicit confirmation (a file may hold only part of a gemeente's register by mistake)."""
        return [g.naam for g in self.gemeenten.values() if g.ended > LARGE_ENDING_SHARE * max(g.running, 1)]

    def summary(self) -> dict:
        """What the plan page shows, as JSON: stored with the upload, so a view never reads the file again."""
        return {
            "soort": self.soort,
            "rows": self.rows,
            "errors": self.errors,
            "added": self.added,
            "changed": self.changed,
            "ended": self.ended,
            "new_aanbieders": self.new_aanbieders,
            "unchanged": self.unchanged,
            "can_apply": self.can_apply,
            "large_endings": self.large_endings,
            "gemeenten": [vars(g) for g in sorted(self.gemeenten.values(), key=lambda g: g.naam)],
        }


def check_columns(
    plan: Plan, columns: list[str], rows: list, required: tuple[str, ...], also: dict[str, str] | None = None
) -> bool:
    """Whether the file has rows and every required column; if not, say so on line 1 of the plan
    (`also`: the other name a column may have, {'ob': 'product'})."""
    if not rows:
        plan.errors.append((1, "Het bestand heeft kolomnamen maar geen regels."))
    if missing := [name for name in required if name not in columns]:
        message = f"Deze kolommen ontbreken: {', '.join(missing)}."
        if others := [f"{also[name]} voor {name}" for name in missing if name in (also or {})]:
            message += f" Deze namen zijn ook goed: {', '.join(others)}."
        plan.errors.append((1, message))
    return not plan.errors


SINGULAR = {
    "nieuwe aanbieders": "nieuwe aanbieder",
    "uitnodigingen": "uitnodiging",
    "aanbieders": "aanbieder",
}


def summarise(counts: dict[str, int]) -> str:
    """'7 toegevoegd, 0 gewijzigd, 1 nieuwe aanbieder, 2 uitnodigingen'."""
    parts = (f"{value} {SINGULAR.get(name, name) if value == 1 else name}" for name, value in counts.items())
    return ", ".join(parts)


def record_import(session: Session, actor: Actor, actie: str, counts: dict[str, int]) -> None:
    record(session, actor, actie, "import", "", omschrijving=summarise(counts), na=counts)
