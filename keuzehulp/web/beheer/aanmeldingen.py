"""Applications from new aanbieders: accept (creates the aanbieder) or reject with a reason."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import (
    Gebruiker,
)
from keuzehulp.queries import beheer as reads
from keuzehulp.services import aanmeldingen
from keuzehulp.services.audit import Actor
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.paging import paging, search_text
from keuzehulp.web.kit.visitor import see_route


def _aanmeldingen_page(request: Request, db: Session, errors: dict, status: int = 200):
    """Applications from new aanbieders, open ones first, searchable by name, KvK or e-mail address."""
    q = search_text(request)
    listing = reads.aanmeldingen(db, q)
    p = paging(request, listing.count(), size=20)
    rows = listing.page(p.offset, p.size)
    context = {"rows": rows, "errors": errors, "q": q, "p": p}
    return page(request, "pages/beheer/aanmeldingen.html", context, status)


@signed_in("beheerder")
def aanmeldingen_lijst(request: Request, db: Session, user: Gebruiker, form):
    """Applications from new aanbieders, open ones first."""
    return _aanmeldingen_page(request, db, {})


@signed_in("beheerder")
def aanmelding_beoordelen(request: Request, db: Session, user: Gebruiker, form):
    """Accept (creates the aanbieder and invites its contact) or reject with a reason."""
    application_id = int(request.path_params["aanmelding_id"])
    try:
        if form.get("besluit") == "accepteren":
            aanbieder = aanmeldingen.accept(
                db, Actor.of(user), application_id, request.app.state.site.settings.public_url
            )
            message = (
                f"{aanbieder.naam} is toegevoegd. De contactpersoon krijgt een uitnodiging. Inwoners zien"
                " de aanbieder pas als het contractregister een contract noemt."
            )
        else:
            aanmeldingen.reject(db, Actor.of(user), application_id, str(form.get("reden", ""))[:2000])
            message = "De aanmelding is afgewezen. De aanvrager krijgt de reden per e-mail."
    except RuleViolation as problem:
        db.rollback()
        return _aanmeldingen_page(request, db, {f"reden-{application_id}": str(problem)}, 400)
    db.commit()
    return see_route(request, "beheer_aanmeldingen", message)


routes = [
    Route("/beheer/aanmeldingen", aanmeldingen_lijst, name="beheer_aanmeldingen"),
    Route(
        "/beheer/aanmeldingen/{aanmelding_id:id}",
        aanmelding_beoordelen,
        methods=["POST"],
        name="beheer_aanmelding",
    ),
]
