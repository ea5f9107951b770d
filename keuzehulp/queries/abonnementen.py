"""Reading a wijkteam member's subscriptions (services/abonnementen.py writes them)."""

from __future__ import annotations

from sqlmodel import Session, select

from keuzehulp.models import Abonnement, Gebruiker, Gemeente


def of_user(session: Session, user: Gebruiker) -> list[tuple[Abonnement, Gemeente]]:
    """The user's own subscriptions with their gemeente, oldest first."""
    query = (
        select(Abonnement, Gemeente)
        .join(Gemeente, Gemeente.id == Abonnement.gemeente_id)
        .where(Abonnement.gebruiker_id == user.id)
        .order_by(Abonnement.id)
    )
    return list(session.exec(query).all())
