"""Signing in and out, the second step for beheerders, passwords, and the guard for signed-in routes.

`signed_in(*rollen)` wraps a synchronous handler `(request, db, user, form)`: it runs in a worker
thread with a database session, sends anonymous visitors to /inloggen and answers 403 to other roles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

import segno
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from keuzehulp.domain.twents_model import RuleViolation
from keuzehulp.i18n import gettext
from keuzehulp.models import Gebruiker
from keuzehulp.queries.consultatie import waits_for_answer
from keuzehulp.services import accounts, login
from keuzehulp.services.audit import SYSTEM, record
from keuzehulp.web.forms import read_form
from keuzehulp.web.public import render
from keuzehulp.web.security import CSRF_COOKIE
from keuzehulp.web.sessions import SESSION_COOKIE, current_session
from keuzehulp.web.visitor import see_other

log = logging.getLogger(__name__)
HOME = {"beheerder": "/beheer", "wijkteam": "/wijkteam", "aanbieder": "/aanbieder/profiel"}
INBOX = "/aanbieder/consultaties?status=nieuw"
TOTP_ENROL_SECONDS = 600


def _services(request: Request):
    return request.app.state.services


def client_address(request: Request) -> str:
    """The client's address (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else "onbekend"


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


def signed_in(*rollen: str) -> Callable:
    """Guard a handler `(request, db, user, form)` for users with one of these roles.

    After a POST, this process's search index applies what the handler committed at once (other
    processes follow by polling), so a saved change is in search before the next page loads.
    """

    def decorate(handler: Callable) -> Callable:
        @wraps(handler)
        async def endpoint(request: Request):
            form = await read_form(request) if request.method == "POST" else None
            try:
                return await run_in_threadpool(_guarded, handler, rollen, request, form)
            finally:
                if form is not None:
                    await form.close()

        return endpoint

    return decorate


def _guarded(handler, rollen, request: Request, form):
    with Session(_services(request).engine, expire_on_commit=False) as db:
        found = current_session(request, db)
        if found is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/inloggen?volgende={quote(target)}", status_code=303)
        row, user = found
        if not row.tweede_stap_gedaan:
            return RedirectResponse("/inloggen/code", status_code=303)
        if user.rol not in rollen:
            raise HTTPException(403, gettext("U heeft geen toegang tot deze pagina met uw account."))
        request.state.user = user
        response = handler(request, db, user, form)
    if form is not None:
        _sync_index(request)
    return response


def _sync_index(request: Request) -> None:
    try:
        _services(request).index.sync()
    except Exception:  # the polling loop catches up
        log.exception("Zoekindex niet direct bijgewerkt")


def page(request: Request, template: str, context: dict, status_code: int = 200):
    """Render a signed-in page (the user is available to the layout)."""
    return render(request, template, {"user": getattr(request.state, "user", None)} | context, status_code)


# --- sign in / out --------------------------------------------------------------------------------


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
    with Session(_services(request).engine, expire_on_commit=False) as db:
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
    return URLSafeTimedSerializer(_services(request).settings.secret_key, salt="totp-enrol")


def _tweede_stap(request: Request, form):
    with Session(_services(request).engine, expire_on_commit=False) as db:
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
            record(db, SYSTEM, "tweede stap mislukt", "gebruiker", user.id)
            db.commit()
            errors["code"] = "Deze code klopt niet. Typ de 6 cijfers die uw app nu laat zien."
        context = {"errors": errors, "volgende": volgende, "enrolment": enrolment}
        if enrolment:
            uri = login.totp_uri(secret, user.email)
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
    with Session(_services(request).engine) as db:
        login.sign_out(db, request.cookies.get(SESSION_COOKIE))
        db.commit()


# --- passwords ------------------------------------------------------------------------------------


async def wachtwoord_vergeten(request: Request):
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    if request.method == "GET":
        return render(
            request, "pages/wachtwoord_vergeten.html", {"email": "", "errors": {}, "verstuurd": False}
        )
    form = await read_form(request)
    return await run_in_threadpool(_vergeten_post, request, str(form.get("email", ""))[:200])


def _vergeten_post(request: Request, email: str):
    settings = _services(request).settings
    with Session(_services(request).engine) as db:
        key = login.attempt_key("herstel", client_address(request))
        if not login.claim_attempt(db.get_bind(), key, login.ACCOUNT_LIMIT * 2):
            errors = {
                "email": "U vroeg te vaak een nieuw wachtwoord aan. Probeer het over 15 minuten opnieuw."
            }
            return render(
                request,
                "pages/wachtwoord_vergeten.html",
                {"email": email, "errors": errors, "verstuurd": False},
                429,
            )
        accounts.request_reset(db, email, settings.public_url)
        db.commit()
    return render(request, "pages/wachtwoord_vergeten.html", {"email": "", "errors": {}, "verstuurd": True})


async def wachtwoord_instellen(request: Request):
    """Choose a password with a single-use link from an invitation or reset e-mail."""
    form = await read_form(request) if request.method == "POST" else None
    return await run_in_threadpool(_instellen, request, form)


def _instellen(request: Request, form):
    token = request.path_params["token"]
    with Session(_services(request).engine) as db:
        try:
            _, user = accounts.token_user(db, token)
        except RuleViolation as problem:
            return render(
                request, "pages/fout.html", {"title": "Deze link werkt niet", "text": str(problem)}, 400
            )
        errors = {}
        if form is not None:
            first, second = str(form.get("wachtwoord", "")), str(form.get("herhaal", ""))
            if first != second:
                errors["herhaal"] = "De twee wachtwoorden zijn niet gelijk. Typ ze nog eens."
            else:
                try:
                    accounts.set_password_with_token(db, token, first)
                    db.commit()
                except RuleViolation as problem:
                    errors["wachtwoord"] = str(problem)
            if not errors:
                return see_other("/inloggen", "Uw wachtwoord is ingesteld. U kunt nu inloggen.")
        context = {"email": user.email, "errors": errors}
        return render(request, "pages/wachtwoord_instellen.html", context, status_code=400 if errors else 200)


routes = [
    Route("/inloggen", inloggen, methods=["GET", "POST"], name="inloggen"),
    Route("/inloggen/code", tweede_stap, methods=["GET", "POST"], name="tweede_stap"),
    Route("/uitloggen", uitloggen, methods=["POST"], name="uitloggen"),
    Route("/wachtwoord/vergeten", wachtwoord_vergeten, methods=["GET", "POST"], name="wachtwoord_vergeten"),
    Route(
        "/wachtwoord/instellen/{token}",
        wachtwoord_instellen,
        methods=["GET", "POST"],
        name="wachtwoord_instellen",
    ),
]
