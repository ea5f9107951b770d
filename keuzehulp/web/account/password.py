"""'Wachtwoord vergeten' and setting a password from an invitation or reset link."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.services import accounts, login
from keuzehulp.web.kit.forms import read_form
from keuzehulp.web.kit.guard import client_address
from keuzehulp.web.kit.render import render
from keuzehulp.web.kit.visitor import see_other


def _site(request: Request):
    return request.app.state.site


async def wachtwoord_vergeten(request: Request):
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    if request.method == "GET":
        return render(
            request, "pages/wachtwoord_vergeten.html", {"email": "", "errors": {}, "verstuurd": False}
        )
    form = await read_form(request)
    return await run_in_threadpool(_vergeten_post, request, str(form.get("email", ""))[:200])


def _vergeten_post(request: Request, email: str):
    settings = _site(request).settings
    with Session(_site(request).engine) as db:
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
    with Session(_site(request).engine) as db:
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
    Route("/wachtwoord/vergeten", wachtwoord_vergeten, methods=["GET", "POST"], name="wachtwoord_vergeten"),
    Route(
        "/wachtwoord/instellen/{token}",
        wachtwoord_instellen,
        methods=["GET", "POST"],
        name="wachtwoord_instellen",
    ),
]
