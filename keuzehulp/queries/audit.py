"""Reading the audit log: searched, newest first, with the people and aanbieders it names."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, select

from keuzehulp.models import Aanbieder, AuditRegel, Gebruiker
from keuzehulp.queries.listing import Listing, contains
from keuzehulp.queries.regio_scope import audit_seen


def search_audit(session: Session, regio_id: int | None, text: str = "") -> Listing:
    """The audit rows seen in the region (regio_scope), newest first, whose actor (e-mail or name),
    action, object or description holds text."""
    query = select(AuditRegel).where(audit_seen(regio_id))
    if text.strip():
        named = select(Gebruiker.id).where(contains(Gebruiker.naam, text.strip()))
        query = query.where(
            or_(
                contains(AuditRegel.wie, text.strip()),
                AuditRegel.gebruiker_id.in_(named),
                contains(AuditRegel.actie, text.strip()),
                contains(AuditRegel.object_soort + " " + AuditRegel.object_id, text.strip()),
                contains(AuditRegel.omschrijving, text.strip()),
            )
        )
    return Listing(session, query, (AuditRegel.id.desc(),))


def users_by_id(session: Session, ids: set[int]) -> dict[int, Gebruiker]:
    if not ids:
        return {}
    return {u.id: u for u in session.exec(select(Gebruiker).where(Gebruiker.id.in_(ids))).all()}


def aanbieder_names(session: Session, slugs: set[str]) -> dict[str, str]:
    """{slug: naam} of these aanbieders (any status)."""
    if not slugs:
        return {}
    return dict(session.exec(select(Aanbieder.slug, Aanbieder.naam).where(Aanbieder.slug.in_(slugs))).all())
