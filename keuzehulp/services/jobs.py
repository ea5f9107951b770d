"""Scheduled work that `keuzehulp jobs run` performs: freshness and consultatie reminders, removing
personal data after the retention period, then sending the outbox.

Idempotent: a reminder is sent once per aanbieder and confirmation date, so running the job
again (or twice a day) queues nothing new until the aanbieder confirms and the date ages again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.config import Settings
from keuzehulp.db import session_scope
from keuzehulp.domain.regio import site_name
from keuzehulp.models import Aanbieder, Gebruiker, Herinnering
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


def queue_reminders(session: Session, today: date, public_url: str) -> int:
    """Queue one reminder per aanbieder whose wachttijd or profile is older than 8 weeks."""
    sent_for = set(session.exec(select(Herinnering.aanbieder_id, Herinnering.bevestigd_op)))
    recipients: dict[int, list[str]] = {}
    for user in session.exec(select(Gebruiker).where(Gebruiker.rol == "aanbieder", Gebruiker.actief)):
        recipients.setdefault(user.aanbieder_id, []).append(user.email)
    count = 0
    for aanbieder in session.exec(
        select(Aanbieder).where(Aanbieder.status == "actief").order_by(Aanbieder.id)
    ):
        fresh = freshness(aanbieder, today)
        if not (fresh.wachttijd_verouderd or fresh.profiel_verouderd):
            continue
        moments = [
            d
            for d, stale in (
                (fresh.wachttijd_op, fresh.wachttijd_verouderd),
                (fresh.profiel_op, fresh.profiel_verouderd),
            )
            if stale and d
        ]
        key = min(moments) if moments else date.min
        addresses = recipients.get(aanbieder.id) or ([aanbieder.email] if aanbieder.email else [])
        if (aanbieder.id, key) in sent_for or not addresses:
            continue
        for address in addresses:
            queue_mail(
                session,
                address,
                f"Klopt uw profiel op {site_name()} nog?",
                f"Hallo,\n\nHet profiel van {aanbieder.naam} is meer dan 8 weken niet bevestigd. "
                "Bezoekers zien nu 'mogelijk verouderd' bij uw wachttijd of profiel.\n\n"
                "Log in en kijk of alles klopt. Klopt de "
                f"wachttijd nog? Dan is één klik genoeg:\n\n{public_url.rstrip('/')}/aanbieder/profiel\n",
            )
        session.add(Herinnering(aanbieder_id=aanbieder.id, bevestigd_op=key))
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
