"""Scheduled work that `keuzehulp jobs run` performs: freshness reminders (a week before an
aanbieder's first figure goes stale, and for a profile older than 8 weeks) and consultatie
reminders, removing personal data after the retention period, then sending the outbox.

Idempotent: a reminder is sent once per aanbieder and confirmation date, so running the job
again (or twice a day) queues nothing new until the aanbieder confirms and the date ages again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date
from sqlalchemy import Engine
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.config import Settings
from keuzehulp.db import session_scope
from keuzehulp.domain.beschikbaarheid import Figure, settings_for
from keuzehulp.domain.regio import site_name
from keuzehulp.models import Aanbieder, Gebruiker, Herinnering
from keuzehulp.queries.beschikbaarheid import lines, states
from keuzehulp.services import ratelimit
from keuzehulp.services.consultatie import remind_overdue
from keuzehulp.services.mail import queue_mail, send_pending
from keuzehulp.services.profiel import freshness
from keuzehulp.services.voorkeuren import anonymise_closed


@dataclass(frozen=True)
class JobReport:
    herinneringen: int
    consultatie_herinneringen: int
    geanonimiseerd: int
    verzonden: int
    mislukt: int


REMIND_BEFORE = timedelta(weeks=1)  # figures: one reminder this long before the first goes stale


def first_stale(
    session: Session, aanbieder_id: int, figures: tuple[Figure, ...], today: date
) -> tuple[date, date] | None:
    """Of an aanbieder's figures for its current contract lines, the one that goes stale first under
    its gemeenten's region settings: (its confirmation date, its first stale day); None without any."""
    if not figures:
        return None
    gemeenten = {line.hulp: line.gemeenten for line in lines(session, aanbieder_id, today)}
    found = None
    for figure in figures:
        where = (figure.gemeente,) if figure.gemeente else gemeenten.get(figure.hulp, ())
        if figure.hulp not in gemeenten or not where:
            continue  # a figure no contract line shows
        stale_on = min(settings_for(g).stale_on(figure.bevestigd_op) for g in where)
        if found is None or stale_on < found[1]:
            found = (figure.bevestigd_op, stale_on)
    return found


def _day(row: Herinnering | None) -> date | None:
    return row.created_at.date() if row else None


def _figures_text(naam: str, bevestigd_op: date, stale_on: date, today: date, link: str) -> str:
    when = "Sinds" if today >= stale_on else "Vanaf"
    return (
        f"De wachttijden van {naam} zijn voor het laatst bevestigd op {_datum(bevestigd_op)}. "
        f"{when} {_datum(stale_on)} zien bezoekers bij de wachttijden 'mogelijk verouderd' en tellen ze "
        "niet mee als iemand zoekt op wachttijd of een vrije plek.\n\n"
        "Kloppen de wachttijden nog? Dan is één klik op 'Alles klopt nog' genoeg. Klopt er iets niet? "
        f"Pas het dan aan:\n\n{link}/aanbieder/wachttijden\n"
    )


def _profile_text(naam: str, link: str) -> str:
    return (
        f"Het profiel van {naam} is meer dan 8 weken niet bevestigd. Bezoekers zien nu 'mogelijk "
        f"verouderd' bij uw profiel.\n\nLog in en kijk of alles klopt:\n\n{link}/aanbieder/profiel\n"
    )


def _datum(day: date) -> str:
    return format_date(day, "long", locale="nl")


def queue_reminders(session: Session, today: date, public_url: str) -> int:
    """Queue reminders to aanbieders: one a week before the first of their figures goes stale (the
    region's `vers_weken`), and one when the profile is older than 8 weeks; the number of
    aanbieders reminded. Each is sent once per aanbieder and confirmation date (a Herinnering row,
    dated the day it went out); one e-mail holds what is due and not yet sent."""
    sent = {(row.aanbieder_id, row.bevestigd_op): row for row in session.exec(select(Herinnering))}
    recipients: dict[int, list[str]] = {}
    for user in session.exec(select(Gebruiker).where(Gebruiker.rol == "aanbieder", Gebruiker.actief)):
        recipients.setdefault(user.aanbieder_id, []).append(user.email)
    figures = {aid: found.figures for aid, found in states(session).items()}
    link = public_url.rstrip("/")
    count = 0
    for aanbieder in session.exec(
        select(Aanbieder).where(Aanbieder.status == "actief").order_by(Aanbieder.id)
    ):
        parts: dict[str, tuple[date, str]] = {}  # what is due: its confirmation date and paragraph
        stale = first_stale(session, aanbieder.id, figures.get(aanbieder.id, ()), today)
        if stale and today >= stale[1] - REMIND_BEFORE:
            day = _day(sent.get((aanbieder.id, stale[0])))
            if day is None or day < stale[1] - REMIND_BEFORE:
                parts["wachttijden"] = (stale[0], _figures_text(aanbieder.naam, *stale, today, link))
        fresh = freshness(aanbieder, today)
        if fresh.profiel_verouderd:
            day = _day(sent.get((aanbieder.id, fresh.profiel_op)))
            if day is None or not freshness(aanbieder, day).profiel_verouderd:  # that one was not about it
                parts["profiel"] = (fresh.profiel_op, _profile_text(aanbieder.naam, link))
        addresses = recipients.get(aanbieder.id) or ([aanbieder.email] if aanbieder.email else [])
        if not parts or not addresses:
            continue
        what = " en ".join(parts)
        verb = "Klopt" if what == "profiel" else "Kloppen"
        subject = f"{verb} uw {what} op {site_name()} nog?"
        body = "Hallo,\n\n" + "\n".join(text for _, text in parts.values())
        for address in addresses:
            queue_mail(session, address, subject, body)
        for key in dict.fromkeys(key for key, _ in parts.values()):
            row = sent.get((aanbieder.id, key)) or Herinnering(aanbieder_id=aanbieder.id, bevestigd_op=key)
            row.created_at = datetime.combine(today, time(12), tzinfo=UTC)  # the day the job sent it
            session.add(row)
            sent[(aanbieder.id, key)] = row
        count += 1
    return count


def run_jobs(engine: Engine, settings: Settings, today: date, now: datetime | None = None) -> JobReport:
    """Queue reminders, remove personal data past the retention period, then send the outbox."""
    now = now or clock.now()
    with session_scope(engine) as session:
        reminders = queue_reminders(session, today, settings.public_url)
        overdue = remind_overdue(session, now, settings.public_url)
        removed = sum(anonymise_closed(session, now, settings.retention_days))
    ratelimit.forget_old(engine)
    sent, failed = send_pending(engine, settings)
    return JobReport(reminders, overdue, removed, sent, failed)
