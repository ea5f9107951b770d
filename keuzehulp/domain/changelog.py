"""The change log: one row per change that affects search, written with the writer's commit.

A row's seq is handed out just before the commit, under the lock of the one ChangeCounter row,
which the committing transaction holds until it has committed. So seq order is commit order: once
a reader sees seq n, every seq below n is committed or was never handed out (a rolled back
transaction gives its numbers back). On PostgreSQL a transaction that wrote first but commits
last therefore gets the higher seq, and the index and the change feed cannot skip it. SQLite
serialises writers anyway. The counter is held only for the last statements of a commit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, func, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder, ChangeCounter, ChangeLog
from keuzehulp.models.periods import public

PENDING = "keuzehulp.pending_changes"


def record_change(session: Session, aanbieder_id: int, reden: str) -> None:
    """Append a change for one aanbieder; it is written (and numbered) with the caller's commit."""
    record_changes(session, [aanbieder_id], reden)


def record_changes(session: Session, aanbieder_ids: list[int], reden: str) -> None:
    """Append one change per aanbieder; written (and numbered) with the caller's commit."""
    session.info.setdefault(PENDING, []).extend({"aanbieder_id": i, "reden": reden} for i in aanbieder_ids)


@event.listens_for(OrmSession, "before_commit")
def _write_pending(session: OrmSession) -> None:
    changes = session.info.pop(PENDING, None)
    if not changes:
        return
    session.flush()  # every other write first: while holding the counter nothing else may wait
    last = session.execute(
        update(ChangeCounter)
        .where(ChangeCounter.id == 1)
        .values(seq=ChangeCounter.seq + len(changes))
        .returning(ChangeCounter.seq)
    ).scalar_one()
    first, now = last - len(changes) + 1, clock.now()
    rows = [change | {"seq": first + n, "created_at": now} for n, change in enumerate(changes)]
    session.execute(insert(ChangeLog), rows)


@event.listens_for(OrmSession, "after_rollback")
def _forget_pending(session: OrmSession) -> None:
    session.info.pop(PENDING, None)


def changes_after(session: Session, seq: int, limit: int = 5000) -> list[ChangeLog]:
    """Change rows with a sequence number above seq, oldest first."""
    query = select(ChangeLog).where(ChangeLog.seq > seq).order_by(ChangeLog.seq).limit(limit)
    return list(session.exec(query))


def first_change_time_after(session: Session, seq: int) -> datetime | None:
    """When the oldest change above seq was made (UTC), None when there is none: how long a
    reader at seq has been behind."""
    moment = session.exec(
        select(ChangeLog.created_at).where(ChangeLog.seq > seq).order_by(ChangeLog.seq).limit(1)
    ).first()
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


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
