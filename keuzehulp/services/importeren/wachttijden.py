"""Wachttijd and plek per kind of help from a beheerder's CSV file: every bad row with its line, and
nothing written while any row is bad; then each aanbieder's figures through services/beschikbaarheid.

A row is one figure: KvK, kind of help (hulp key), gemeente (empty: every gemeente), weeks until the
first contact and the start, free places (dakjes) and the day it was confirmed (empty: today). A
figure for the same kind of help and gemeente is replaced; the aanbieder's other figures stay. A
beheerder writes figures of aanbieders contracted in its own region, for its region's gemeenten only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import Figure
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.validation import normalise_kvk, whole_number
from keuzehulp.models import Aanbieder
from keuzehulp.queries import beheer as reads
from keuzehulp.queries.beschikbaarheid import state
from keuzehulp.services import beschikbaarheid
from keuzehulp.services.audit import Actor
from keuzehulp.services.beschikbaarheid import Entry, entry_problem
from keuzehulp.services.beschikbaarheid_regio import Reach, Region, reach, region
from keuzehulp.services.importeren.files import ImportFileError, cbs_code, read_date, read_utf8_csv
from keuzehulp.services.importeren.plan import Plan, check_columns, record_import

COLUMNS = ("kvk", "hulp", "gemeente", "weken_tot_contact", "weken_tot_start", "vrije_plekken", "bevestigd_op")
ALIASES = {  # shorter names a file may use
    "weken_contact": "weken_tot_contact",
    "weken_start": "weken_tot_start",
    "plekken": "vrije_plekken",
    "bevestigd": "bevestigd_op",
}
WIE = "Deze aanbieder heeft"


@dataclass
class Figures:
    """One aanbieder's figures in the file, and how many are new, changed or only confirmed again."""

    aanbieder_id: int
    slug: str
    naam: str
    kvk: str
    entries: list[Entry] = field(default_factory=list)
    nieuw: int = 0
    gewijzigd: int = 0
    bevestigd: int = 0


@dataclass
class FigurePlan(Plan):
    """What the file would write, per aanbieder (in the order of the file)."""

    aanbieders: dict[int, Figures] = field(default_factory=dict)


def plan_file(
    session: Session, filename: str, content: bytes, regio_id: int | None, today: date
) -> FigurePlan:
    """Read and check a file of figures for a beheerder of this region; an unreadable file is one
    error (line 0)."""
    plan = FigurePlan("wachttijden")
    try:
        columns, rows = read_utf8_csv(filename, content)
    except ImportFileError as problem:
        plan.errors.append((0, str(problem)))
        return plan
    columns = [ALIASES.get(name, name) for name in columns]
    rows = [(number, {ALIASES.get(k, k): v for k, v in row.items()}) for number, row in rows]
    plan.rows = len(rows)
    if not check_columns(plan, columns, rows, ("kvk", "hulp")):
        return plan
    if "weken_tot_start" not in columns and "vrije_plekken" not in columns:
        plan.errors.append((1, "Het bestand heeft een kolom weken_tot_start of vrije_plekken nodig."))
        return plan
    _Checker(session, region(session, regio_id), regio_id, today, plan).check(rows)
    return plan


class _Checker:
    """Checks the rows one by one against the database, read once per aanbieder."""

    def __init__(self, session: Session, region: Region, regio_id: int | None, today: date, plan: FigurePlan):
        self.session, self.region, self.regio_id = session, region, regio_id
        self.today, self.plan = today, plan
        self.by_kvk: dict[str, list[Aanbieder]] = {}
        for aanbieder in session.exec(select(Aanbieder).order_by(Aanbieder.id)):
            self.by_kvk.setdefault(aanbieder.kvk, []).append(aanbieder)
        self.reach: dict[int, Reach] = {}
        self.by_name = {naam.lower(): code for code, naam in region.gemeenten.items()}
        self.figures: dict[int, dict[tuple, Figure]] = {}
        self.seen: dict[tuple, int] = {}

    def check(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        for number, row in rows:
            try:
                figures, entry = self._row(row)
            except RuleViolation as problem:
                self.plan.errors.append((number, str(problem)))
                continue
            key = (figures.aanbieder_id, entry.hulp, entry.gemeente)
            if key in self.seen:
                self.plan.errors.append(
                    (number, f"Dit cijfer staat al in het bestand op regel {self.seen[key]}.")
                )
                continue
            self.seen[key] = number
            figures.entries.append(entry)

    def _aanbieder(self, text: str) -> Figures:
        kvk = normalise_kvk(text)
        found = self.by_kvk.get(kvk)
        if not found:
            raise RuleViolation(f"Er is geen aanbieder met KvK {kvk}.")
        mine = [a for a in found if reads.aanbieder_seen_in(self.session, a.id, self.regio_id)]
        if not mine or not self._reach(mine[0].id).mine:
            raise RuleViolation(
                f"{found[0].naam} (KvK {kvk}) heeft geen contract in {self.region.naam}. U voert alleen"
                " cijfers in van aanbieders in uw eigen regio."
            )
        aanbieder = mine[0]
        if aanbieder.id not in self.plan.aanbieders:
            self.plan.aanbieders[aanbieder.id] = Figures(aanbieder.id, aanbieder.slug, aanbieder.naam, kvk)
        return self.plan.aanbieders[aanbieder.id]

    def _reach(self, aanbieder_id: int) -> Reach:
        if aanbieder_id not in self.reach:
            self.reach[aanbieder_id] = reach(self.session, self.region, aanbieder_id, self.today)
        return self.reach[aanbieder_id]

    def _gemeente(self, text: str) -> str | None:
        if not text.strip():
            return None
        code = self.by_name.get(text.strip().lower()) or cbs_code(text)
        if code not in self.region.gemeenten:
            raise RuleViolation(
                f"Gemeente '{text}' is geen gemeente van {self.region.naam}. Schrijf de CBS-code, zoals"
                f" {next(iter(self.region.gemeenten), 'GM0153')}, of laat de kolom leeg voor alle gemeenten."
            )
        return code

    def _row(self, row: dict[str, str]) -> tuple[Figures, Entry]:
        figures = self._aanbieder(row.get("kvk", ""))
        hulp = row.get("hulp", "").strip().lower()
        if not hulp:
            raise RuleViolation("Vul de soort hulp in, zoals jeugd/3, dyslexie of dakje/2.")
        gemeente = self._gemeente(row.get("gemeente", ""))
        bevestigd_op = read_date(row.get("bevestigd_op", ""), "Bevestigd op") or self.today
        if bevestigd_op > self.today:
            raise RuleViolation("Bevestigd op ligt in de toekomst.")
        entry = Entry(
            hulp,
            gemeente,
            _number(row, "weken_tot_contact", "Weken tot contact"),
            _number(row, "weken_tot_start", "Weken tot start"),
            _number(row, "vrije_plekken", "Vrije plekken"),
            bevestigd_op,
        )
        found = self._reach(figures.aanbieder_id)
        if problem := entry_problem(entry, found.mine.get(hulp), WIE):
            if hulp not in found.mine:
                problem += f" Kies uit: {', '.join(found.mine)}."
            raise RuleViolation(problem)
        if gemeente is None and (problem := found.all_gemeenten_problem(hulp)):
            raise RuleViolation(problem)
        self._count(figures, entry)
        return figures, entry

    def _count(self, figures: Figures, entry: Entry) -> None:
        if figures.aanbieder_id not in self.figures:
            found = state(self.session, figures.aanbieder_id).figures
            self.figures[figures.aanbieder_id] = {(f.hulp, f.gemeente): f for f in found}
        now = self.figures[figures.aanbieder_id].get((entry.hulp, entry.gemeente))
        if now is None:
            figures.nieuw += 1
        elif now.bevestigd_op > entry.bevestigd_op:
            raise RuleViolation(
                f"Keuzehulp heeft voor '{entry.hulp}' een nieuwer cijfer, bevestigd op"
                f" {now.bevestigd_op:%d-%m-%Y}. Laat deze regel weg."
            )
        elif (now.weken_contact, now.weken_start, now.plekken) != (
            entry.weken_contact,
            entry.weken_start,
            entry.plekken,
        ):
            figures.gewijzigd += 1
        else:
            figures.bevestigd += 1


def _number(row: dict[str, str], column: str, label: str) -> int | None:
    text = row.get(column, "").strip()
    if not text:
        return None
    if (number := whole_number(text)) is None:
        raise RuleViolation(f"{label} '{text}' is geen heel getal van 0 of meer.")
    return number


def apply_plan(
    session: Session, plan: FigurePlan, actor: Actor, today: date, public_url: str | None = None
) -> dict[str, int]:
    """Write a checked plan in the caller's transaction: each aanbieder's figures through
    services/beschikbaarheid (history, audit, change log); returns the counts."""
    if plan.errors:
        raise RuleViolation("Dit bestand heeft fouten. Verbeter het bestand en probeer het opnieuw.")
    for figures in plan.aanbieders.values():
        beschikbaarheid.merge(
            session, figures.aanbieder_id, figures.entries, actor, today, public_url=public_url
        )
    counts = {
        "aanbieders": len(plan.aanbieders),
        "nieuw": sum(f.nieuw for f in plan.aanbieders.values()),
        "gewijzigd": sum(f.gewijzigd for f in plan.aanbieders.values()),
        "opnieuw bevestigd": sum(f.bevestigd for f in plan.aanbieders.values()),
    }
    record_import(session, actor, "wachttijden geïmporteerd", counts)
    return counts
