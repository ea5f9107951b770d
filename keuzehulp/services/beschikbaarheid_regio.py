"""What a beheerder of one region may do with an aanbieder's figures and instroomstops: its contract
lines in the region's gemeenten only, and "every gemeente" only where that reaches no other region."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from keuzehulp.domain.beschikbaarheid import ALL
from keuzehulp.models import Regio
from keuzehulp.queries import beheer as reads
from keuzehulp.queries.beschikbaarheid import Line, lines


@dataclass(frozen=True)
class Region:
    """A beheerder's region: its name and gemeenten (CBS code -> naam)."""

    naam: str
    gemeenten: dict[str, str]


def region(session: Session, regio_id: int | None) -> Region:
    regio = session.get(Regio, regio_id) if regio_id else None
    gemeenten = {g.cbs_code: g.naam for g in reads.gemeenten_of(session, regio_id)}
    return Region(regio.naam if regio else "uw regio", gemeenten)


@dataclass(frozen=True)
class Reach:
    """An aanbieder's current contract lines (every gemeente) as seen from one region."""

    region: Region
    lines: dict[str, Line]

    @property
    def mine(self) -> dict[str, Line]:
        """The lines with a gemeente in the region, each with the region's gemeenten only."""
        found = {}
        for hulp, line in self.lines.items():
            inside = tuple(g for g in line.gemeenten if g in self.region.gemeenten)
            if inside:
                found[hulp] = replace(line, gemeenten=inside)
        return found

    def gemeenten(self) -> list[tuple[str, str]]:
        """(CBS code, naam) of the region's gemeenten where the aanbieder has any line, by name."""
        codes = {g for line in self.mine.values() for g in line.gemeenten}
        return sorted(((c, self.region.gemeenten[c]) for c in codes), key=lambda item: item[1])

    def all_gemeenten_problem(self, hulp: str) -> str | None:
        """Why "every gemeente" for this kind of help (ALL: every kind) reaches another region, or None."""
        chosen = self.lines.values() if hulp == ALL else [self.lines[hulp]] if hulp in self.lines else []
        if all(g in self.region.gemeenten for line in chosen for g in line.gemeenten):
            return None
        what = "heeft ook" if hulp == ALL else f"heeft voor '{hulp}' ook"
        return (
            f"Deze aanbieder {what} buiten {self.region.naam} een contract. Kies een gemeente:"
            f" alle gemeenten geldt ook buiten {self.region.naam}."
        )


def reach(session: Session, found: Region, aanbieder_id: int, today: date) -> Reach:
    return Reach(found, {line.hulp: line for line in lines(session, aanbieder_id, today)})
