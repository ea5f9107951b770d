"""The start of beheer and the aanbieders: list, status (suspend, reactivate, end), kenmerken
and profile history. Every route is for beheerders only; every change is audited."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.twents_model import DIAGNOSTIEK, STATUS_NAMEN
from keuzehulp.models import (
    Aanbieder,
    Gebruiker,
)
from keuzehulp.queries import beheer as reads
from keuzehulp.queries.profiles import aanbieder_by_slug
from keuzehulp.services import kenmerken
from keuzehulp.services.aanbieders import change_status, status_change_errors
from keuzehulp.services.audit import Actor
from keuzehulp.services.consultatie import contracted_gemeenten, count_overdue
from keuzehulp.services.kenmerken import Kenmerken
from keuzehulp.web.beheer import beschikbaarheid_view
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.paging import paging, search_text
from keuzehulp.web.kit.visitor import see_route
from keuzehulp.web.shared.historie import history_page


def _aanbieder(db: Session, slug: str) -> Aanbieder:
    aanbieder = aanbieder_by_slug(db, slug)
    if aanbieder is None:
        raise HTTPException(404, "Deze aanbieder bestaat niet.")
    return aanbieder


@signed_in("beheerder")
def overzicht(request: Request, db: Session, user: Gebruiker, form):
    """Start of beheer: the figures that need attention."""
    context = reads.dashboard(db, user.regio_id) | {"te_laat": count_overdue(db, user.regio_id)}
    return page(request, "pages/beheer/overzicht.html", context)


@signed_in("beheerder")
def aanbieders(request: Request, db: Session, user: Gebruiker, form):
    """All aanbieders (any status), searchable by name, KvK or e-mail address, 50 per page."""
    q = search_text(request)
    listing = reads.aanbieders(db, q)
    p = paging(request, listing.count())
    rows = listing.page(p.offset, p.size)
    bevestigd = reads.last_confirmed(db, [a.id for a in rows])
    return page(
        request, "pages/beheer/aanbieders.html", {"rows": rows, "q": q, "p": p, "bevestigd": bevestigd}
    )


@signed_in("beheerder")
def aanbieder_detail(request: Request, db: Session, user: Gebruiker, form):
    """One aanbieder: status with reason, its accounts, links to profile and history."""
    return _aanbieder_page(request, db, user, _aanbieder(db, request.path_params["slug"]))


def _aanbieder_page(
    request: Request,
    db: Session,
    user: Gebruiker,
    aanbieder: Aanbieder,
    errors=None,
    typed=None,
    stop: dict | None = None,
):
    """The aanbieder's beheer page; after an error the chosen status, reason or kenmerken come back,
    or (`stop`: values and errors) the refused instroomstop."""
    typed, stop = typed or {}, stop or {}
    context = {
        "aanbieder": aanbieder,
        "users": reads.accounts_of(db, aanbieder.id, user.regio_id),  # those its region sees
        "errors": errors or {},
        "reden": typed.get("reden", ""),
        "gekozen": typed.get("status", ""),
        "kenmerken": typed.get("kenmerken", Kenmerken.of(aanbieder)),
        "gecontracteerd": bool(contracted_gemeenten(db, aanbieder.id, clock.today())),
        "maatregelhulp": reads.maatregelhulp_of(db, aanbieder.id, clock.today()),
    }
    context |= beschikbaarheid_view.context(
        request, db, user, aanbieder, stop.get("values"), stop.get("errors")
    )
    return page(request, "pages/beheer/aanbieder.html", context, 400 if errors or stop.get("errors") else 200)


@signed_in("beheerder")
def aanbieder_status(request: Request, db: Session, user: Gebruiker, form):
    """Suspend, reactivate or end an aanbieder; gone from search at once."""
    aanbieder = _aanbieder(db, request.path_params["slug"])
    status, reden = str(form.get("status", "")), str(form.get("reden", ""))[:1000]
    if errors := status_change_errors(aanbieder.status, status, reden):
        return _aanbieder_page(request, db, user, aanbieder, errors, {"status": status, "reden": reden})
    change_status(db, Actor.of(user), aanbieder.slug, status, reden)
    db.commit()
    word = "weer actief" if status == "actief" else STATUS_NAMEN[status]
    return see_route(request, "beheer_aanbieder", f"{aanbieder.naam} is nu {word}.", slug=aanbieder.slug)


@signed_in("beheerder")
def aanbieder_kenmerken(request: Request, db: Session, user: Gebruiker, form):
    """Set ambulante spoedhulp (with the coördinatiepunt) and diagnostiek, as the contract says."""
    aanbieder = _aanbieder(db, request.path_params["slug"])
    chosen = form.getlist("kenmerk")
    said = Kenmerken(
        "ambulante_spoedhulp" in chosen,
        "coordinatiepunt" in chosen,
        tuple(d for d in DIAGNOSTIEK if d in form.getlist("diagnostiek")),
    )
    try:
        kenmerken.check(said, kenmerken.running_percelen(db, aanbieder.id, clock.today()))
    except RuleViolation as problem:
        return _aanbieder_page(request, db, user, aanbieder, {"kenmerk": str(problem)}, {"kenmerken": said})
    changed = kenmerken.store(db, Actor.of(user), aanbieder, said, "beheer")
    db.commit()
    message = "De kenmerken zijn opgeslagen." if changed else "Er was niets veranderd."
    return see_route(request, "beheer_aanbieder", message, slug=aanbieder.slug)


@signed_in("beheerder")
def aanbieder_historie(request: Request, db: Session, user: Gebruiker, form):
    """The profile history of one aanbieder."""
    return history_page(request, db, _aanbieder(db, request.path_params["slug"]))


routes = [
    Route("/beheer", overzicht, name="beheer"),
    Route("/beheer/aanbieders", aanbieders, name="beheer_aanbieders"),
    Route("/beheer/aanbieders/{slug}", aanbieder_detail, name="beheer_aanbieder"),
    Route(
        "/beheer/aanbieders/{slug}/status", aanbieder_status, methods=["POST"], name="beheer_aanbieder_status"
    ),
    Route(
        "/beheer/aanbieders/{slug}/kenmerken",
        aanbieder_kenmerken,
        methods=["POST"],
        name="beheer_aanbieder_kenmerken",
    ),
    Route("/beheer/aanbieders/{slug}/historie", aanbieder_historie, name="beheer_aanbieder_historie"),
]
