"""The change log: one row per change that affects search, in the writer's transaction."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from keuzehulp.models import Aanbieder, ChangeLog
from keuzehulp.models.periods import public


def record_change(session: Session, aanbieder_id: int, reden: str) -> None:
    """Append a change for one aanbieder; commits with the caller's transaction."""
    session.add(ChangeLog(aanbieder_id=aanbieder_id, reden=reden))


def changes_after(session: Session, seq: int, limit: int = 5000) -> list[ChangeLog]:
    """Change rows with a sequence number above seq, oldest first."""
    query = select(ChangeLog).where(ChangeLog.seq > seq).order_by(ChangeLog.seq).limit(limit)
    return list(session.exec(query))


def last_seq(session: Session) -> int:
    """The newest sequence number, 0 for an empty log."""
    return session.exec(select(func.coalesce(func.max(ChangeLog.seq), 0))).one()


def changes_with_aanbieders(session: Session, seq: int, today: date, moment=None, limit: int = 500) -> list:
    """(change, slug, public on `today`) after a sequence number and, if given, a moment; oldest first."""
    query = (
        select(ChangeLog, Aanbieder.slug, public(today))
        .join(Aanbieder, Aanbieder.id == ChangeLog.aanbieder_id)
        .where(ChangeLog.seq > seq)
        .order_by(ChangeLog.seq)
        .limit(limit)
    )
    if moment is not None:
        query = query.where(ChangeLog.created_at > moment)
    return list(session.exec(query))
