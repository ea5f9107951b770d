"""Storing wachttijd and plek per kind of help, and instroomstops (rules in domain/beschikbaarheid.py).

Every write keeps a history row per figure (WachttijdMelding: the trend per month), an audit row and
a change-log row (the index and the change feed follow it), then calls `_after_change` with the
aanbieder's availability before and after, where meldingen and subscriptions hook in. The figure
form uses optimistic locking on `Aanbieder.beschikbaarheid_versie`, like the profile on `version`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, update
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import ALL, check_figure
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import (
    Aanbieder,
    Beschikbaarheid,
    Instroomstop,
    WachttijdMelding,
)
from keuzehulp.queries.beschikbaarheid import Line, State, cbs_codes, lines, state
from keuzehulp.services import abonnementen, meldingen
from keuzehulp.services.audit import Actor, record
from keuzehulp.services.profiel import Conflict


@dataclass(frozen=True)
class Entry:
    """One figure as a form or an import states it (gemeente None: every gemeente)."""

    hulp: str
    gemeente: str | None
    weken_contact: int | None
    weken_start: int | None
    plekken: int | None = None
    bevestigd_op: date | None = None  # None: today; an import states the day it was confirmed


def _gemeente_ids(session: Session) -> dict[str, int]:
    return {code: gid for gid, code in cbs_codes(session).items()}


def _history(session: Session, aanbieder_id: int, entry: Entry, gemeente_id: int | None, today: date) -> None:
    session.add(
        WachttijdMelding(
            aanbieder_id=aanbieder_id,
            hulp=entry.hulp,
            gemeente_id=gemeente_id,
            weken=entry.weken_start,
            weken_contact=entry.weken_contact,
            plekken=entry.plekken,
            bevestigd_op=entry.bevestigd_op or today,
        )
    )


def entry_problem(entry: Entry, line: Line | None, wie: str = "U heeft") -> str | None:
    """What is wrong with one figure for the contract line of its kind of help (None: no contract),
    in Dutch, or None; `wie` starts the sentence ('Deze aanbieder heeft' in a beheerder's import).
    The one check of a figure, for the form and the import alike."""
    if line is None:
        return f"{wie} geen contract voor '{entry.hulp}'."
    if entry.gemeente is not None and entry.gemeente not in line.gemeenten:
        return f"{wie} in deze gemeente geen contract voor '{entry.hulp}'."
    if line.dakje is None and entry.plekken is not None:
        return "Vrije plekken gelden alleen voor wonen en verblijf (dakjes)."
    if problems := check_figure(entry.weken_contact, entry.weken_start, entry.plekken):
        return problems[0]
    return None


def _check(entries: list[Entry], known: dict[str, Line], wie: str = "U heeft") -> None:
    seen = set()
    for entry in entries:
        if problem := entry_problem(entry, known.get(entry.hulp), wie):
            raise RuleViolation(problem)
        if (entry.hulp, entry.gemeente) in seen:
            raise RuleViolation(f"'{entry.hulp}' staat twee keer in de lijst.")
        seen.add((entry.hulp, entry.gemeente))


def save(
    session: Session,
    aanbieder_id: int,
    expected_version: int,
    entries: list[Entry],
    actor: Actor,
    today: date,
    *,
    public_url: str | None = None,
) -> Aanbieder:
    """Replace the aanbieder's figures by `entries`, all confirmed today (a figure left out is
    removed: unknown again). Raises RuleViolation for a figure the rules refuse and Conflict when
    someone else saved in the meantime; the caller rolls back."""
    _check(entries, {line.hulp: line for line in lines(session, aanbieder_id, today)})
    bumped = session.execute(
        update(Aanbieder)
        .where(Aanbieder.id == aanbieder_id, Aanbieder.beschikbaarheid_versie == expected_version)
        .values(beschikbaarheid_versie=expected_version + 1)
    ).rowcount
    if bumped != 1:
        raise Conflict("De wachttijden zijn intussen door iemand anders opgeslagen.")
    before = state(session, aanbieder_id)
    ids = _gemeente_ids(session)
    session.execute(delete(Beschikbaarheid).where(Beschikbaarheid.aanbieder_id == aanbieder_id))
    for entry in entries:
        _store(session, aanbieder_id, entry, ids[entry.gemeente] if entry.gemeente else None, today)
    return _figures_changed(
        session, aanbieder_id, before, actor, "wachttijd gewijzigd", len(entries), today, public_url
    )


def merge(
    session: Session,
    aanbieder_id: int,
    entries: list[Entry],
    actor: Actor,
    today: date,
    *,
    public_url: str | None = None,
) -> Aanbieder:
    """Write figures as a beheerder's import states them, each confirmed on its own day (None:
    today): a figure for the same kind of help and gemeente is replaced, the others stay. Raises
    RuleViolation like `save`; an open figure form of the aanbieder goes stale (Conflict)."""
    _check(entries, {line.hulp: line for line in lines(session, aanbieder_id, today)}, "Deze aanbieder heeft")
    session.execute(
        update(Aanbieder)
        .where(Aanbieder.id == aanbieder_id)
        .values(beschikbaarheid_versie=Aanbieder.beschikbaarheid_versie + 1)
    )
    before = state(session, aanbieder_id)
    ids = _gemeente_ids(session)
    for entry in entries:
        gemeente_id = ids[entry.gemeente] if entry.gemeente else None
        column = Beschikbaarheid.gemeente_id
        same = column == gemeente_id if gemeente_id else column.is_(None)
        session.execute(
            delete(Beschikbaarheid).where(
                Beschikbaarheid.aanbieder_id == aanbieder_id, Beschikbaarheid.hulp == entry.hulp, same
            )
        )
        _store(session, aanbieder_id, entry, gemeente_id, today)
    actie = "wachttijd geïmporteerd"
    return _figures_changed(session, aanbieder_id, before, actor, actie, len(entries), today, public_url)


def _store(session: Session, aanbieder_id: int, entry: Entry, gemeente_id: int | None, today: date) -> None:
    """One current figure and its history row."""
    session.add(
        Beschikbaarheid(
            aanbieder_id=aanbieder_id,
            hulp=entry.hulp,
            gemeente_id=gemeente_id,
            weken_contact=entry.weken_contact,
            weken_start=entry.weken_start,
            plekken=entry.plekken,
            bevestigd_op=entry.bevestigd_op or today,
        )
    )
    _history(session, aanbieder_id, entry, gemeente_id, today)


def _figures_changed(
    session: Session,
    aanbieder_id: int,
    before: State,
    actor: Actor,
    actie: str,
    count: int,
    today: date,
    public_url: str | None,
) -> Aanbieder:
    """After figures were written: the audit row with all figures before and after, then `_after_change`."""
    session.flush()
    aanbieder = _touch(session, aanbieder_id)
    after = state(session, aanbieder_id)
    record(
        session,
        actor,
        actie,
        "aanbieder",
        aanbieder.slug,
        omschrijving=f"{count} cijfers bevestigd",
        voor={"cijfers": [f.stated() for f in before.figures]},
        na={"cijfers": [f.stated() for f in after.figures]},
    )
    _after_change(session, aanbieder, before, after, actor, today, public_url)
    return aanbieder


def confirm_all(
    session: Session, aanbieder_id: int, actor: Actor, today: date, *, public_url: str | None = None
) -> int:
    """'Alles klopt nog': confirm every figure today without changing it; the number confirmed."""
    rows = list(session.exec(select(Beschikbaarheid).where(Beschikbaarheid.aanbieder_id == aanbieder_id)))
    if not rows:
        raise RuleViolation("Er staan nog geen wachttijden. Vul ze eerst in.")
    before = state(session, aanbieder_id)
    for row in rows:
        row.bevestigd_op = today
        session.add(row)
        entry = Entry(row.hulp, None, row.weken_contact, row.weken_start, row.plekken)
        _history(session, aanbieder_id, entry, row.gemeente_id, today)
    session.flush()
    aanbieder = _touch(session, aanbieder_id)
    record(
        session,
        actor,
        "wachttijd bevestigd",
        "aanbieder",
        aanbieder.slug,
        omschrijving=f"{len(rows)} cijfers",
    )
    _after_change(session, aanbieder, before, state(session, aanbieder_id), actor, today, public_url)
    return len(rows)


def set_stop(
    session: Session,
    aanbieder_id: int,
    actor: Actor,
    hulp: str,
    gemeente: str | None,
    reden: str,
    tot: date | None,
    today: date,
    *,
    public_url: str | None = None,
) -> Instroomstop:
    """Stop new intake for a kind of help (ALL: everything) from today, with a reason."""
    known = {line.hulp: line for line in lines(session, aanbieder_id, today)}
    if hulp != ALL and hulp not in known:
        raise RuleViolation("Kies een soort hulp waarvoor u een contract heeft.", field="hulp")
    if gemeente is not None and not any(gemeente in line.gemeenten for line in known.values()):
        raise RuleViolation("Kies een gemeente waar u een contract heeft.", field="gemeente")
    reden = " ".join(reden.split())
    if not reden:
        raise RuleViolation("Schrijf kort waarom er geen nieuwe cliënten bij kunnen.", field="reden")
    if len(reden) > 300:
        raise RuleViolation("Schrijf de reden in hooguit 300 tekens.", field="reden")
    if tot is not None and tot < today:
        raise RuleViolation("De verwachte einddatum ligt in het verleden.", field="tot")
    before = state(session, aanbieder_id)
    gemeente_id = _gemeente_ids(session)[gemeente] if gemeente else None
    stop = Instroomstop(
        aanbieder_id=aanbieder_id,
        hulp=hulp,
        gemeente_id=gemeente_id,
        reden=reden,
        vanaf=today,
        tot=tot,
        door=actor.wie,
    )
    session.add(stop)
    session.flush()
    aanbieder = _touch(session, aanbieder_id)
    record(
        session,
        actor,
        "instroomstop gezet",
        "aanbieder",
        aanbieder.slug,
        omschrijving=reden,
        na={"hulp": hulp, "gemeente": gemeente, "tot": tot.isoformat() if tot else None},
    )
    _after_change(session, aanbieder, before, state(session, aanbieder_id), actor, today, public_url)
    return stop


def lift_stop(
    session: Session,
    aanbieder_id: int,
    stop_id: int,
    actor: Actor,
    today: date,
    *,
    public_url: str | None = None,
) -> None:
    """End an instroomstop today (it no longer covers tomorrow's and today's intake)."""
    stop = session.get(Instroomstop, stop_id)
    if stop is None or stop.aanbieder_id != aanbieder_id or stop.opgeheven_op is not None:
        raise RuleViolation("Deze instroomstop bestaat niet of is al opgeheven.")
    before = state(session, aanbieder_id)
    stop.opgeheven_op = today
    session.add(stop)
    session.flush()
    aanbieder = _touch(session, aanbieder_id)
    record(session, actor, "instroomstop opgeheven", "aanbieder", aanbieder.slug, omschrijving=stop.reden)
    _after_change(session, aanbieder, before, state(session, aanbieder_id), actor, today, public_url)


def _touch(session: Session, aanbieder_id: int) -> Aanbieder:
    aanbieder = session.get(Aanbieder, aanbieder_id)
    session.refresh(aanbieder)
    aanbieder.updated_at = clock.now()
    session.add(aanbieder)
    return aanbieder


def _after_change(
    session: Session,
    aanbieder: Aanbieder,
    before: State,
    after: State,
    actor: Actor,
    today: date,
    public_url: str | None = None,
) -> None:
    """What follows every change of figures or stops: the index and the change feed learn of it,
    beheerders hear of a wait above the norm or a new stop (services/meldingen.py), and wijkteam
    subscriptions that came true for this aanbieder are sent (services/abonnementen.py).
    `public_url` is the site's address for the links (the environment's setting when None)."""
    record_change(session, aanbieder.id, "wachttijd")
    contracted = lines(session, aanbieder.id, today)
    meldingen.wait_at_risk(session, aanbieder, contracted, before, after, today, public_url)
    abonnementen.notify(session, aanbieder, contracted, before, after, today, public_url)
