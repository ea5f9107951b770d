"""Signing in with the TestClient: read the CSRF token from a page, post forms, log in per role, add users."""

from __future__ import annotations

import re

import pyotp
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Gebruiker, GebruikerGemeente, Gemeente, Regio
from keuzehulp.services.accounts import hash_password
from keuzehulp.services.demo_accounts import DEMO_ACCOUNTS, DEMO_TOTP_SECRET

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
DEMO = {account.rol: account for account in DEMO_ACCOUNTS}
PASSWORD = "een lang test wachtwoord"
TOTP_SECRET = "TESTBEHEERDERGEHEIMVOORDESUITE23"  # every beheerder made by add_user


def add_user(
    world,
    email: str,
    rol: str,
    gemeente: str | None = None,
    aanbieder_id: int | None = None,
    regio: str | None = None,
) -> int:
    """A user with PASSWORD (a wijkteam for the gemeente with this CBS code, a beheerder with
    TOTP_SECRET); a beheerder or wijkteam belongs to the region with this slug, else to its
    gemeente's region, else to Twente. Returns its id."""
    with Session(world.engine) as db:
        gemeente_row = db.exec(select(Gemeente).where(Gemeente.cbs_code == gemeente)).first()
        regio_id = None
        if rol != "aanbieder" and (regio or gemeente_row is None):
            regio_id = db.exec(select(Regio.id).where(Regio.slug == (regio or "twente"))).one()
        elif rol != "aanbieder":
            regio_id = gemeente_row.regio_id
        user = Gebruiker(
            email=email,
            rol=rol,
            password_hash=hash_password(PASSWORD),
            aanbieder_id=aanbieder_id,
            regio_id=regio_id,
            totp_secret=TOTP_SECRET if rol == "beheerder" else None,
        )
        db.add(user)
        db.flush()
        if gemeente_row:
            db.add(GebruikerGemeente(gebruiker_id=user.id, gemeente_id=gemeente_row.id))
        db.commit()
        return user.id


def csrf_token(client, path: str = "/inloggen") -> str:
    """The CSRF token from a page's form (the client keeps the matching cookie)."""
    return _TOKEN.search(client.get(path).text).group(1)


def post_form(client, path: str, data: dict | None = None, token_page: str = "/inloggen", **kwargs):
    """POST a form with a valid CSRF token, without following redirects."""
    fields = dict(data or {}) | {"csrf_token": csrf_token(client, token_page)}
    return client.post(path, data=fields, follow_redirects=False, **kwargs)


def login(client, email: str, password: str, totp_secret: str | None = None):
    """Sign in (and do the second step when a TOTP secret is given); returns the last response."""
    response = post_form(client, "/inloggen", {"email": email, "wachtwoord": password})
    if totp_secret and response.headers.get("location", "").startswith("/inloggen/code"):
        totp = pyotp.TOTP(totp_secret)
        step = totp.timecode(clock.wall_now())
        for code in (totp.generate_otp(step), totp.generate_otp(step + 1)):  # a used code is refused
            response = post_form(client, "/inloggen/code", {"code": code}, token_page="/inloggen/code")
            if response.status_code == 303:
                break
    return response


def login_as(client, rol: str):
    """Sign in with the demo account of a role."""
    account = DEMO[rol]
    response = login(
        client, account.email, account.password, DEMO_TOTP_SECRET if rol == "beheerder" else None
    )
    assert response.status_code == 303, response.text[:500]
    return response
