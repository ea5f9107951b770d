"""Signing in with e-mail address and password, the second step (TOTP) and signing out."""

from __future__ import annotations

from urllib.parse import quote

import segno
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from keuzehulp.models import Gebruiker
from keuzehulp.queries import beheer as beheer_reads
from keuzehulp.queries.consultatie import waits_for_answer
from keuzehulp.services import login
from keuzehulp.services.audit import SYSTEM, record
from keuzehulp.web.kit.forms import read_form
from keuzehulp.web.kit.guard import client_address
from keuzehulp.web.kit.render import render
from keuzehulp.web.kit.security import CSRF_COOKIE
from keuzehulp.web.kit.sessions import SESSION_COOKIE, current_session
from keuzehulp.web.kit.visitor import see_other


def _site(request: Request):
    return request.app.state.site


HOME = {"beheerder": "/beheer", "wijkteam": "/wijkteam", "aanbieder": "/aanbieder/profiel"}


INBOX = "/aanbieder/consultaties?status=nieuw"


TOTP_ENROL_SECONDS = 600


def safe_next(value: str | None, user: Gebruiker | None = None, db: Session | None = None) -> str:
    """A local path to continue to after signing in; anything else goes to the role's home
    (for an aanbieder with a request waiting for its answer: the consultatie inbox)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    if (
        user
        and db is not None
        and user.rol == "aanbieder"
        and user.aanbieder_id is not None
        and waits_for_answer(db, user.aanbieder_id)
    ):
        return INBOX
    return HOME.get(user.rol, "/") if user else "/"


def set_session_cookie(request: Request, response, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure behind https; a new CSRF cookie with it."""
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure)
    response.delete_cookie(CSRF_COOKIE)


async def inloggen(request: Request):
    """E-mail and password; beheerders continue to the second step."""
    if request.method == "GET":
        return render(
            request,
            "pages/inloggen.html",
            {"email": "", "errors": {}, "volgende": request.query_params.get("volgende", "")},
        )
    form = await read_form(request)
    return await run_in_threadpool(_inloggen_post, request, form)


def _inloggen_post(request: Request, form):
    email, password = str(form.get("email", ""))[:200], str(form.get("wachtwoord", ""))[:200]
    volgende = str(form.get("volgende", ""))[:500]
    with Session(_site(request).engine, expire_on_commit=False) as db:
        try:
            user = login.authenticate(db, email, password, client_address(request))
        except login.LoginRefused as refused:
            db.commit()
            context = {"email": email, "errors": {"email": str(refused)}, "volgende": volgende}
            return render(request, "pages/inloggen.html", context, status_code=400)
        login.end_session(db, request.cookies.get(SESSION_COOKIE))
        token = login.start_session(db, user)
        db.commit()
        target = "/inloggen/code" if login.needs_second_factor(user) else safe_next(volgende, user, db)
    if login.needs_second_factor(user) and volgende:
        target += f"?volgende={quote(safe_next(volgende, user))}"
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


async def tweede_stap(request: Request):
    """The TOTP code (and, the first time, setting up the authenticator app)."""
    form = await read_form(request) if request.method == "POST" else None
    return await run_in_threadpool(_tweede_stap, request, form)


def _enrol_signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_site(request).settings.secret_key, salt="totp-enrol")


def _tweede_stap(request: Request, form):
    with Session(_site(request).engine, expire_on_commit=False) as db:
        found = current_session(request, db)
        if found is None:
            return RedirectResponse("/inloggen", status_code=303)
        row, user = found
        volgende = str((form or request.query_params).get("volgende", ""))[:500]
        if row.tweede_stap_gedaan:
            return RedirectResponse(safe_next(volgende, user), status_code=303)
        signer = _enrol_signer(request)
        secret = user.totp_secret
        enrolment = None
        if secret is None:
            try:
                pending = signer.loads(str((form or {}).get("geheim", "")), max_age=TOTP_ENROL_SECONDS)
            except (BadSignature, SignatureExpired):
                pending = login.new_totp_secret()
            secret = pending
            enrolment = signer.dumps(pending)
        errors = {}
        if form is not None:
            key = login.attempt_key("code", user.email)
            if not login.claim_attempt(db.get_bind(), key, login.CODE_LIMIT):
                login.end_session(db, request.cookies.get(SESSION_COOKIE))
                db.commit()
                return see_other("/inloggen", login.THROTTLED)
            step = login.totp_step(secret, str(form.get("code", "")))
            if step is not None and login.use_totp_step(db, user, step):
                login.clear_attempts(db, key)
                if user.totp_secret is None:
                    user.totp_secret = secret
                token = login.complete_second_step(db, row, user)
                db.commit()
                response = RedirectResponse(safe_next(volgende, user), status_code=303)
                set_session_cookie(request, response, token)
                return response
            record(db, SYSTEM, "tweede stap mislukt", "gebruiker", user.id, regio_id=user.regio_id)
            db.commit()
            errors["code"] = "Deze code klopt niet. Typ de 6 cijfers die uw app nu laat zien."
        context = {"errors": errors, "volgende": volgende, "enrolment": enrolment}
        if enrolment:
            uri = login.totp_uri(secret, user.email, beheer_reads.regio_slug(db, user))
            context |= {
                "secret": secret,
                "qr": Markup(segno.make(uri).svg_inline(scale=4, title="QR-code voor uw app")),
            }
        return render(request, "pages/tweede_stap.html", context, status_code=400 if errors else 200)


async def uitloggen(request: Request):
    """End this browser's session."""
    await run_in_threadpool(_end, request)
    response = see_other("/inloggen", "U bent uitgelogd.")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _end(request: Request) -> None:
    with Session(_site(request).engine) as db:
        login.sign_out(db, request.cookies.get(SESSION_COOKIE))
        db.commit()


routes = [
    Route("/inloggen", inloggen, methods=["GET", "POST"], name="inloggen"),
    Route("/inloggen/code", tweede_stap, methods=["GET", "POST"], name="tweede_stap"),
    Route("/uitloggen", uitloggen, methods=["POST"], name="uitloggen"),
]
