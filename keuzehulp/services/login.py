"""Signing in: throttled password checks, server-side sessions with idle and absolute expiry, TOTP.

A session cookie holds a random token; the database keeps its SHA-256 only. Every login starts
a new session (no fixation). Beheerders finish a second step (TOTP) before their session counts.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import Engine, or_, update
from sqlmodel import Session, delete, select

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.regio import site_name
from keuzehulp.domain.validation import whole_number
from keuzehulp.models import Gebruiker, LoginPoging, Sessie
from keuzehulp.services.accounts import digest, normalise_email, password_matches
from keuzehulp.services.audit import SYSTEM, Actor, record

THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5  # failures of one account from one address before each try must wait longer
ADDRESS_LIMIT = 30  # failures from one address, over all accounts
CODE_LIMIT = 5  # wrong second-step codes before the half-signed-in session ends
MAX_DELAY = timedelta(minutes=15)
ABSOLUTE_LIFETIME = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(seconds=60)
WRONG = "Het e-mailadres of het wachtwoord klopt niet."
THROTTLED = (
    "U heeft te vaak een verkeerd wachtwoord gebruikt. Wacht een paar minuten (hooguit 15) en probeer "
    "het dan opnieuw. "
    "Wachtwoord vergeten? Vraag een nieuw wachtwoord aan."
)


class LoginRefused(Exception):
    """Sign-in refused; the message is for the user."""


def needs_second_factor(user: Gebruiker) -> bool:
    """Beheerders sign in with a second factor."""
    return user.rol == "beheerder"


def attempt_key(kind: str, value: str) -> str:
    """A throttling key that does not reveal the e-mail address or IP address it stands for."""
    return f"{kind}:" + digest(value.strip().lower())[:40]


def claim_attempt(
    engine: Engine, key: str, limit: int, now: datetime | None = None, wait: bool = False
) -> bool:
    """Count one attempt under a key, atomically, and say whether it may go ahead.

    The attempt is stored and committed before it is counted, so parallel attempts see each
    other: of any number sent at once, at most `limit` go ahead. With `wait`, attempts past the
    limit are not refused for the whole window but must wait longer each time (1, 2, 4 ...
    minutes after the previous one, at most 15). A successful sign-in clears its key.
    """
    now = now or clock.now()
    with Session(engine) as own:
        own.add(LoginPoging(sleutel=key, at=now))
        own.commit()
        query = select(LoginPoging.at).where(
            LoginPoging.sleutel == key, LoginPoging.at > now - THROTTLE_WINDOW
        )
        times = sorted(own.exec(query).all())
    if len(times) <= limit:
        return True
    if not wait:
        return False
    previous = times[-2]  # the attempt before this one (or a parallel one)
    delay = min(MAX_DELAY, timedelta(minutes=2 ** (len(times) - limit - 1)))
    return now - previous >= delay


def clear_attempts(session: Session, key: str) -> None:
    """Forget the attempts under a key (after a success)."""
    session.exec(delete(LoginPoging).where(LoginPoging.sleutel == key))


def authenticate(
    session: Session, email: str, password: str, address: str, now: datetime | None = None
) -> Gebruiker:
    """The active user with this e-mail and password, or LoginRefused.

    Throttled per account and address pair (growing waits) and per address (a hard limit): a
    stranger's failures never lock the owner out of a sign-in from another address.
    """
    now = now or clock.now()
    engine = session.get_bind()
    pair_key, address_key = (
        attempt_key("account", f"{email.strip()}|{address}"),
        attempt_key("adres", address),
    )
    if not claim_attempt(engine, address_key, ADDRESS_LIMIT, now) or not claim_attempt(
        engine, pair_key, ACCOUNT_LIMIT, now, wait=True
    ):
        raise LoginRefused(THROTTLED)
    try:
        email = normalise_email(email)
    except RuleViolation:
        email = ""
    user = session.exec(select(Gebruiker).where(Gebruiker.email == email)).first() if email else None
    if not password_matches(user.password_hash if user else None, password) or not user.actief:
        if user is not None:  # attempts on unknown addresses are not kept: they may be anyone's
            reason = "verkeerd wachtwoord" if user.actief else "account gedeactiveerd"
            record(
                session,
                SYSTEM,
                "inloggen mislukt",
                "gebruiker",
                user.id,
                omschrijving=reason,
                regio_id=user.regio_id,
            )
        raise LoginRefused(WRONG)
    clear_attempts(session, pair_key)
    # A success does not count against the address, but does not wipe its failures either (or
    # signing in to one's own account would reset a password-spraying count).
    session.exec(delete(LoginPoging).where(LoginPoging.sleutel == address_key, LoginPoging.at == now))
    return user


def start_session(session: Session, user: Gebruiker, now: datetime | None = None) -> str:
    """A new session for the user; returns the cookie token. Beheerders still need their second step."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    session.add(
        Sessie(
            id=digest(token),
            gebruiker_id=user.id,
            tweede_stap_gedaan=not needs_second_factor(user),
            created_at=now,
            last_seen=now,
        )
    )
    if not needs_second_factor(user):
        user.laatst_ingelogd = now
        session.add(user)
        record(session, Actor.of(user), "ingelogd", "gebruiker", user.id)
    return token


def load_session(
    session: Session, token: str | None, idle: timedelta, now: datetime | None = None
) -> tuple[Sessie, Gebruiker] | None:
    """The live session and its active user for a cookie token; expired sessions are removed."""
    if not token or len(token) > 100:
        return None
    now = now or clock.now()
    row = session.get(Sessie, digest(token))
    if row is None:
        return None
    user = session.get(Gebruiker, row.gebruiker_id)
    expired = row.last_seen + idle < now or row.created_at + ABSOLUTE_LIFETIME < now
    if expired or user is None or not user.actief:
        session.delete(row)
        session.commit()
        return None
    if row.last_seen + TOUCH_INTERVAL < now:
        row.last_seen = now
        session.add(row)
        session.commit()
    return row, user


def end_session(session: Session, token: str | None) -> None:
    """End this browser's session, if it has one (silently: also used before a new sign-in)."""
    if token:
        session.exec(delete(Sessie).where(Sessie.id == digest(token)))


def sign_out(session: Session, token: str | None) -> None:
    """The user signs out: end the session and note it in the audit log."""
    row = session.get(Sessie, digest(token)) if token else None
    user = session.get(Gebruiker, row.gebruiker_id) if row else None
    end_session(session, token)
    if user is not None:
        record(session, Actor.of(user), "uitgelogd", "gebruiker", user.id)


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret."""
    return pyotp.random_base32()


def totp_uri(secret: str, email: str, regio: str | None = None) -> str:
    """The otpauth:// URI that authenticator apps read from a QR code; the issuer names the
    user's region."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=site_name(regio))


def totp_step(secret: str | None, code: str, now: datetime | None = None) -> int | None:
    """The 30-second time step a 6-digit code belongs to, or None when it fits none (one step of
    clock drift either way is allowed).

    Codes follow the wall clock of the user's phone, so this reads real time, never the app's
    settable clock."""
    code = code.strip().replace(" ", "")
    if not secret or whole_number(code, 0, 999_999) is None or len(code) != 6:
        return None
    totp, moment = pyotp.TOTP(secret), now or clock.wall_now()
    current = totp.timecode(moment)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_totp_step(session: Session, user: Gebruiker, step: int) -> bool:
    """Record a code's time step as used, atomically; False when it (or a later one) was used
    already, so a seen code cannot sign in a second time."""
    result = session.execute(
        update(Gebruiker)
        .where(
            Gebruiker.id == user.id,
            or_(Gebruiker.totp_laatste_stap.is_(None), Gebruiker.totp_laatste_stap < step),
        )
        .values(totp_laatste_stap=step)
    )
    return result.rowcount == 1


def complete_second_step(session: Session, row: Sessie, user: Gebruiker, now: datetime | None = None) -> str:
    """Mark the second factor done by replacing the session with a new id; returns the new token."""
    now = now or clock.now()
    session.delete(row)
    token = secrets.token_urlsafe(32)
    session.add(
        Sessie(id=digest(token), gebruiker_id=user.id, tweede_stap_gedaan=True, created_at=now, last_seen=now)
    )
    user.laatst_ingelogd = now
    session.add(user)
    record(session, Actor.of(user), "ingelogd", "gebruiker", user.id, omschrijving="met tweede stap")
    return token
