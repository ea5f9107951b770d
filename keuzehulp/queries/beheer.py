"""Reads for the beheer pages: the figures that need attention and the searchable lists."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from keuzehulp.models import (
    Aanbieder,
    Aanmelding,
    Beschikbaarheid,
    Gebruiker,
    GebruikerGemeente,
    Gemeente,
    ImportBatch,
    Instroomstop,
    Maatregelhulp,
    Regio,
    Tarief,
    UitgaandBericht,
)
from keuzehulp.models.periods import current
from keuzehulp.queries.listing import Listing, contains
from keuzehulp.queries.regio_scope import aanbieder_seen, account_seen, batch_seen, gemeente_ids


def dashboard(session: Session, regio_id: int | None) -> dict:
    """Aanbieders per status, open applications, the region's active users and e-mail waiting to be sent."""
    active_users = select(func.count()).select_from(Gebruiker).where(Gebruiker.actief, account_seen(regio_id))
    return {
        "per_status": dict(
            session.exec(select(Aanbieder.status, func.count()).group_by(Aanbieder.status)).all()
        ),
        "open_aanmeldingen": session.exec(select(func.count()).where(Aanmelding.status == "nieuw")).one(),
        "gebruikers": session.exec(active_users).one(),
        "wachtende_mail": waiting_mail(session),
    }


def waiting_mail(session: Session, retried_only: bool = False) -> int:
    """E-mail in the outbox not yet sent (only those that failed at least once, with retried_only)."""
    query = select(func.count()).select_from(UitgaandBericht).where(UitgaandBericht.verzonden_op.is_(None))
    if retried_only:
        query = query.where(UitgaandBericht.pogingen > 0)
    return session.exec(query).one()


def _naam_kvk_or_email(model, q: str):
    """The rows whose naam or e-mail address holds q, or whose KvK number is q (all when q is empty)."""
    query = select(model)
    if not q:
        return query
    return query.where(contains(model.naam, q) | (model.kvk == q.replace(" ", "")) | contains(model.email, q))


def aanbieders(session: Session, q: str) -> Listing:
    """All aanbieders (any status) by name, searched by name, KvK or e-mail address."""
    return Listing(session, _naam_kvk_or_email(Aanbieder, q), (Aanbieder.naam, Aanbieder.id))


def aanmeldingen(session: Session, q: str) -> Listing:
    """Applications from new aanbieders, open ones first, then newest first."""
    order = ((Aanmelding.status != "nieuw"), Aanmelding.id.desc())
    return Listing(session, _naam_kvk_or_email(Aanmelding, q), order)


def accounts_of(session: Session, aanbieder_id: int, regio_id: int | None) -> list[Gebruiker]:
    """The aanbieder's accounts, when they are seen in the region."""
    query = select(Gebruiker).where(Gebruiker.aanbieder_id == aanbieder_id, account_seen(regio_id))
    return list(session.exec(query).all())


def maatregelhulp_of(
    session: Session, aanbieder_id: int, today: date
) -> list[tuple[Maatregelhulp, Gemeente]]:
    """The aanbieder's current maatregelhulp lines with their gemeente, by gemeente and kind."""
    return list(
        session.exec(
            select(Maatregelhulp, Gemeente)
            .join(Gemeente, Gemeente.id == Maatregelhulp.gemeente_id)
            .where(Maatregelhulp.aanbieder_id == aanbieder_id, current(Maatregelhulp, today))
            .order_by(Gemeente.naam, Maatregelhulp.soort)
        ).all()
    )


def users(session: Session, q: str, regio_id: int | None) -> Listing:
    """The accounts seen in the region by role and e-mail address, searched by e-mail address or name."""
    query = select(Gebruiker).where(account_seen(regio_id))
    if q:
        query = query.where(contains(Gebruiker.email, q) | contains(Gebruiker.naam, q))
    return Listing(session, query, (Gebruiker.rol, Gebruiker.email))


def account_in(session: Session, user_id: int, regio_id: int | None) -> Gebruiker | None:
    """The account with this id, when it is seen in the region."""
    return session.exec(select(Gebruiker).where(Gebruiker.id == user_id, account_seen(regio_id))).first()


def gemeenten_of(session: Session, regio_id: int | None) -> list[Gemeente]:
    """The region's gemeenten by name."""
    query = select(Gemeente).where(Gemeente.id.in_(gemeente_ids(regio_id)))
    return list(session.exec(query.order_by(Gemeente.naam)))


def gemeenten_per_user(session: Session) -> dict[int, list[str]]:
    """{user id: names of the gemeenten a wijkteam user works for}."""
    links = session.exec(
        select(GebruikerGemeente.gebruiker_id, Gemeente.naam).join(
            Gemeente, Gemeente.id == GebruikerGemeente.gemeente_id
        )
    ).all()
    found: dict[int, list[str]] = {}
    for user_id, naam in links:
        found.setdefault(user_id, []).append(naam)
    return found


def aanbieder_names(session: Session, ids: set[int]) -> dict[int, str]:
    """{id: naam} of these aanbieders."""
    return dict(session.exec(select(Aanbieder.id, Aanbieder.naam).where(Aanbieder.id.in_(ids))).all())


def aanbieder_choices(session: Session, regio_id: int | None) -> list[tuple[str, str]]:
    """(slug, naam) of every aanbieder whose accounts the region sees, by name, for choosing one in a form."""
    query = select(Aanbieder.slug, Aanbieder.naam).where(aanbieder_seen(Aanbieder.id, regio_id))
    return list(session.exec(query.order_by(Aanbieder.naam)).all())


def aanbieder_seen_in(session: Session, aanbieder_id: int, regio_id: int | None) -> bool:
    """Whether the region sees this aanbieder's accounts (regio_scope)."""
    query = select(Aanbieder.id).where(Aanbieder.id == aanbieder_id, aanbieder_seen(Aanbieder.id, regio_id))
    return session.exec(query).first() is not None


def recent_imports(session: Session, regio_id: int | None, count: int = 10) -> list[ImportBatch]:
    """The region's last import batches, newest first."""
    query = select(ImportBatch).where(batch_seen(regio_id)).order_by(ImportBatch.id.desc())
    return list(session.exec(query.limit(count)).all())


def batch_in(session: Session, batch_id: int, regio_id: int | None) -> ImportBatch | None:
    """The import batch with this id, when it was uploaded in the region."""
    return session.exec(select(ImportBatch).where(ImportBatch.id == batch_id, batch_seen(regio_id))).first()


def regio_slug(session: Session, user: Gebruiker) -> str | None:
    """The slug of the user's region (None for aanbieder staff)."""
    regio = session.get(Regio, user.regio_id) if user.regio_id else None
    return regio.slug if regio else None


def tarief_of_regio(session: Session, tarief_id: int, regio: str | None) -> bool:
    """Whether the tarief exists and is one of this region's."""
    tarief = session.get(Tarief, tarief_id)
    return tarief is not None and tarief.regio == regio


def tarieven(session: Session, regio: str) -> list[Tarief]:
    """The tarieven of one region (slug): products before dakjes, then by perceel, code, gemeente
    and start date."""
    order = (
        Tarief.regio.desc(),
        Tarief.soort.desc(),
        Tarief.perceel,
        Tarief.code,
        Tarief.gemeente,
        Tarief.geldig_vanaf,
    )
    return list(session.exec(select(Tarief).where(Tarief.regio == regio).order_by(*order)).all())


def instroomstops_of(session: Session, aanbieder_id: int) -> list[Instroomstop]:
    """Every instroomstop of the aanbieder, running and lifted, the newest first."""
    query = select(Instroomstop).where(Instroomstop.aanbieder_id == aanbieder_id)
    return list(session.exec(query.order_by(Instroomstop.vanaf.desc(), Instroomstop.id.desc())).all())


def last_confirmed(session: Session, aanbieder_ids: list[int]) -> dict[int, date]:
    """{aanbieder id: the day its most recently confirmed figure was confirmed}, for those with figures."""
    query = (
        select(Beschikbaarheid.aanbieder_id, func.max(Beschikbaarheid.bevestigd_op))
        .where(Beschikbaarheid.aanbieder_id.in_(aanbieder_ids))
        .group_by(Beschikbaarheid.aanbieder_id)
    )
    return dict(session.exec(query).all())
