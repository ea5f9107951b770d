"""Reads for the consultatie and voorkeur pages and the wijkteam start page."""

from __future__ import annotations

from sqlmodel import Session, select

from keuzehulp.models import Consultatie, ConsultatieBericht, Gebruiker, GebruikerGemeente, Gemeente


def own_gemeenten(session: Session, user: Gebruiker) -> list[Gemeente]:
    """The gemeenten a wijkteam user works for, by name."""
    query = (
        select(Gemeente)
        .join(GebruikerGemeente, GebruikerGemeente.gemeente_id == Gemeente.id)
        .where(GebruikerGemeente.gebruiker_id == user.id)
        .order_by(Gemeente.naam)
    )
    return list(session.exec(query).all())


def thread(session: Session, consultatie_id: int) -> list[ConsultatieBericht]:
    """The messages of one consultatie, oldest first."""
    query = select(ConsultatieBericht).where(ConsultatieBericht.consultatie_id == consultatie_id)
    return list(session.exec(query.order_by(ConsultatieBericht.id)).all())


def linked_to_voorkeur(session: Session, voorkeur_id: int) -> list[int]:
    """The ids of the consultaties asked for this voorkeur."""
    return list(session.exec(select(Consultatie.id).where(Consultatie.voorkeur_id == voorkeur_id)).all())


def waits_for_answer(session: Session, aanbieder_id: int) -> bool:
    """Whether a request to this aanbieder waits for its answer (status nieuw)."""
    query = select(Consultatie.id).where(
        Consultatie.aanbieder_id == aanbieder_id, Consultatie.status == "nieuw"
    )
    return session.exec(query.limit(1)).first() is not None
