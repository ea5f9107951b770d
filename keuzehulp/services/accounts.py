"""Accounts: users and roles, argon2id passwords, single-use tokens (invitation, reset), deactivation.

Tokens and session ids are random and stored only as SHA-256 hashes; e-mail goes through the outbox.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, delete, func, select

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.regio import site_name
from keuzehulp.i18n import gettext
from keuzehulp.models import Aanbieder, EenmaligeToken, Gebruiker, GebruikerGemeente, Gemeente, Regio, Sessie
from keuzehulp.models.accounts import ROLLEN
from keuzehulp.queries.beheer import aanbieder_seen_in, regio_slug
from keuzehulp.services.audit import Actor, record
from keuzehulp.services.mail import queue_mail

HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
TOKEN_LIFETIME = {"uitnodiging": timedelta(days=7), "herstel": timedelta(hours=1)}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COMMON = {"welkom123456", "wachtwoord123", "password1234", "123456789012", "qwertyuiop12"}


def digest(value: str) -> str:
    """SHA-256 hex of a secret, for storing tokens and session ids."""
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(value: str) -> str:
    """Lower-case e-mail address, or RuleViolation in the request's language."""
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise RuleViolation(gettext("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."), "email")
    return email


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether the password fits the hash; a missing hash still costs one verification (timing)."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


def check_password(password: str, email: str = "") -> None:
    """Refuse weak passwords with a plain-Dutch reason."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.")
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 5 or (email and email.split("@")[0] in lowered):
        raise RuleViolation("Dit wachtwoord is te makkelijk te raden. Kies een ander wachtwoord.")


def find_aanbieder(session: Session, text: str) -> Aanbieder | None:
    """The aanbieder meant by a slug, a KvK number or a name (case aside), when exactly one matches."""
    text = text.strip()
    lookups = ((Aanbieder.slug, text), (Aanbieder.kvk, text), (func.lower(Aanbieder.naam), text.lower()))
    for column, value in lookups:
        found = session.exec(select(Aanbieder).where(column == value).limit(2)).all()
        if len(found) == 1:
            return found[0]
    return None


def create_user(
    session: Session,
    actor: Actor,
    email: str,
    rol: str,
    naam: str = "",
    gemeenten: list[str] = (),
    aanbieder_slug: str | None = None,
    regio_id: int | None = None,
) -> Gebruiker:
    """Create an active user without a password; wijkteams get gemeenten (CBS codes), aanbieders a slug.

    `regio_id` is the region the account is made in (a beheerder's own region): a beheerder or
    wijkteam belongs to it, and a wijkteam's gemeenten must be its gemeenten. An aanbieder account
    belongs to no region; with a region, its aanbieder must be one that region sees (regio_scope),
    without one (the CLI, a new aanbieder from an import or aanmelding) any aanbieder will do."""
    email = normalise_email(email)
    if rol not in ROLLEN:
        raise RuleViolation(f"Onbekende rol '{rol}'. Kies uit: {', '.join(ROLLEN)}.", "rol")
    if session.exec(select(Gebruiker).where(Gebruiker.email == email)).first():
        raise RuleViolation("Er is al een account met dit e-mailadres.", "email")
    regio = session.get(Regio, regio_id) if regio_id is not None else None
    if rol != "aanbieder" and regio is None:
        raise RuleViolation("Kies de regio van dit account.", "regio")
    gemeente_rows = _gemeenten(session, gemeenten, regio) if rol == "wijkteam" else []
    if rol == "wijkteam" and not gemeente_rows:
        raise RuleViolation("Kies minstens één gemeente voor een wijkteam-account.", "gemeenten")
    aanbieder_id = None
    if rol == "aanbieder":
        aanbieder = find_aanbieder(session, aanbieder_slug or "")
        if aanbieder is None:
            raise RuleViolation("Kies de aanbieder waarvoor dit account is.", "aanbieder")
        if regio_id is not None and not aanbieder_seen_in(session, aanbieder.id, regio_id):
            raise RuleViolation(
                f"{aanbieder.naam} heeft geen contract in uw regio. Kies een aanbieder van uw regio.",
                "aanbieder",
            )
        aanbieder_id, aanbieder_slug = aanbieder.id, aanbieder.slug
    user = Gebruiker(
        email=email,
        naam=naam.strip(),
        rol=rol,
        aanbieder_id=aanbieder_id,
        regio_id=regio.id if rol != "aanbieder" else None,
    )
    session.add(user)
    session.flush()
    for row in gemeente_rows:
        session.add(GebruikerGemeente(gebruiker_id=user.id, gemeente_id=row.id))
    record(
        session,
        actor,
        "gebruiker aangemaakt",
        "gebruiker",
        user.id,
        na={"rol": rol, "gemeenten": [g.cbs_code for g in gemeente_rows], "aanbieder": aanbieder_slug},
        # A beheerder's action belongs to its region; the system's (the CLI) to the new account's.
        regio_id=user.regio_id if actor.regio_id is None else actor.regio_id,
    )
    return user


def account_regio(session: Session, slug: str, gemeenten: list[str] = ()) -> Regio:
    """The region named by slug; without one, the region of the first of these gemeenten (CBS codes)
    that exists, else the first region loaded. RuleViolation when there is none."""
    if slug.strip():
        regio = session.exec(select(Regio).where(Regio.slug == slug.strip().lower())).first()
        if regio is None:
            known = ", ".join(session.exec(select(Regio.slug).order_by(Regio.id)))
            raise RuleViolation(f"Onbekende regio '{slug}'. Kies uit: {known}.", "regio")
        return regio
    for code in gemeenten:
        if (gemeente := _gemeente(session, code)) is not None:
            return session.get(Regio, gemeente.regio_id)
    regio = session.exec(select(Regio).order_by(Regio.id)).first()
    if regio is None:
        raise RuleViolation("Er is nog geen regio. Laad eerst de regio's: keuzehulp seed taxonomy.", "regio")
    return regio


def _gemeente(session: Session, code: str) -> Gemeente | None:
    return session.exec(select(Gemeente).where(Gemeente.cbs_code == code.strip().upper())).first()


def _gemeenten(session: Session, codes: list[str], regio: Regio) -> list[Gemeente]:
    """The gemeenten with these CBS codes, each of the region, or RuleViolation."""
    rows = []
    for code in codes:
        row = _gemeente(session, code)
        if row is None:
            raise RuleViolation(f"Onbekende gemeente '{code}'.", "gemeenten")
        if row.regio_id != regio.id:
            raise RuleViolation(
                f"{row.naam} hoort niet bij {regio.naam}. Kies alleen gemeenten van {regio.naam}.",
                "gemeenten",
            )
        rows.append(row)
    return rows


def issue_token(session: Session, user: Gebruiker, doel: str, now: datetime | None = None) -> str:
    """A new single-use token for an invitation or reset; earlier unused ones of that kind lapse."""
    now = now or clock.now()
    session.exec(
        delete(EenmaligeToken).where(
            EenmaligeToken.gebruiker_id == user.id,
            EenmaligeToken.doel == doel,
            EenmaligeToken.gebruikt_op.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        EenmaligeToken(
            token_hash=digest(token), gebruiker_id=user.id, doel=doel, verloopt_op=now + TOKEN_LIFETIME[doel]
        )
    )
    session.flush()
    return token


def token_user(session: Session, token: str, now: datetime | None = None) -> tuple[EenmaligeToken, Gebruiker]:
    """The valid, unused token row and its active user, or RuleViolation."""
    now = now or clock.now()
    row = session.exec(select(EenmaligeToken).where(EenmaligeToken.token_hash == digest(token))).first()
    if row is None or row.gebruikt_op is not None:
        raise RuleViolation("Deze link is al gebruikt of bestaat niet. Vraag een nieuwe link aan.")
    if row.verloopt_op < now:
        raise RuleViolation("Deze link is verlopen. Vraag een nieuwe link aan.")
    user = session.get(Gebruiker, row.gebruiker_id)
    if user is None or not user.actief:
        raise RuleViolation("Dit account is niet actief. Neem contact op met beheer.")
    return row, user


def set_password_with_token(
    session: Session, token: str, password: str, now: datetime | None = None
) -> Gebruiker:
    """Use a token once to set a new password; all sessions of the user end."""
    now = now or clock.now()
    row, user = token_user(session, token, now)
    check_password(password, user.email)
    user.password_hash = hash_password(password)
    row.gebruikt_op = now
    session.add_all([user, row])
    end_all_sessions(session, user.id)
    record(session, Actor.of(user), f"wachtwoord ingesteld ({row.doel})", "gebruiker", user.id)
    return user


def invite(session: Session, user: Gebruiker, public_url: str) -> str:
    """Queue an invitation e-mail with a link to set a password; returns the link."""
    link = f"{public_url.rstrip('/')}/wachtwoord/instellen/{issue_token(session, user, 'uitnodiging')}"
    site = site_name(regio_slug(session, user))
    queue_mail(
        session,
        user.email,
        f"Uw account voor {site}",
        f"Hallo {user.naam or ''},\n\nEr is een account voor u gemaakt op {site} "
        f"(rol: {user.rol}).\nKies uw wachtwoord via deze link. De link werkt 7 dagen en één keer:\n\n"
        f"{link}\n\nHeeft u dit niet verwacht? Dan kunt u deze e-mail negeren.\n",
    )
    return link


def request_reset(session: Session, email: str, public_url: str) -> None:
    """Queue a reset link when an active account has this address; says nothing otherwise."""
    try:
        email = normalise_email(email)
    except RuleViolation:
        return
    user = session.exec(select(Gebruiker).where(Gebruiker.email == email)).first()
    if user is None or not user.actief:
        return
    link = f"{public_url.rstrip('/')}/wachtwoord/instellen/{issue_token(session, user, 'herstel')}"
    queue_mail(
        session,
        user.email,
        f"Nieuw wachtwoord voor {site_name(regio_slug(session, user))}",
        "Hallo,\n\nU vroeg om een nieuw wachtwoord. Kies het via deze link. De link werkt 1 uur en één keer:"
        f"\n\n{link}\n\nVroeg u dit niet? Dan hoeft u niets te doen; uw wachtwoord blijft hetzelfde.\n",
    )


def set_active(session: Session, actor: Actor, user_id: int, actief: bool) -> Gebruiker:
    """Deactivate (all sessions end at once) or reactivate a user."""
    user = session.get(Gebruiker, user_id)
    if user is None:
        raise RuleViolation("Dit account bestaat niet.")
    if actor.gebruiker_id == user.id and not actief:
        raise RuleViolation("U kunt uw eigen account niet uitzetten.")
    before = user.actief
    user.actief = actief
    session.add(user)
    if not actief:
        end_all_sessions(session, user.id)
    record(
        session,
        actor,
        "gebruiker geactiveerd" if actief else "gebruiker gedeactiveerd",
        "gebruiker",
        user.id,
        voor={"actief": before},
        na={"actief": actief},
    )
    return user


def end_all_sessions(session: Session, user_id: int) -> None:
    """Sign the user out everywhere."""
    session.exec(delete(Sessie).where(Sessie.gebruiker_id == user_id))


def gemeente_ids(session: Session, user: Gebruiker) -> set[int]:
    """The gemeenten a wijkteam user works for."""
    rows = session.exec(
        select(GebruikerGemeente.gemeente_id).where(GebruikerGemeente.gebruiker_id == user.id)
    )
    return set(rows)


def regio_of_gemeente(session: Session, gemeente_id: int) -> int | None:
    gemeente = session.get(Gemeente, gemeente_id)
    return gemeente.regio_id if gemeente else None


def works_for(session: Session, user: Gebruiker, gemeente_id: int) -> bool:
    """A wijkteam works for its own gemeenten, a beheerder for every gemeente of its region."""
    if user.rol == "beheerder":
        return user.regio_id is not None and regio_of_gemeente(session, gemeente_id) == user.regio_id
    return user.rol == "wijkteam" and gemeente_id in gemeente_ids(session, user)
