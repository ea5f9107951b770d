"""Users: the list, inviting, deactivating and inviting again; a beheerder sees and manages the
accounts of its own region only (queries/regio_scope.py), another region's account is not found."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Gebruiker
from keuzehulp.models.accounts import ROLLEN
from keuzehulp.queries import beheer as reads
from keuzehulp.services.accounts import create_user, invite, set_active
from keuzehulp.services.audit import Actor, record
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.paging import paging, search_text
from keuzehulp.web.kit.visitor import see_route


def _users_page(request: Request, db: Session, user: Gebruiker, values: dict, errors: dict, status=200):
    q = search_text(request)
    listing = reads.users(db, q, user.regio_id)
    p = paging(request, listing.count())
    users = listing.page(p.offset, p.size)
    context = {
        "users": users,
        "gemeenten_per_user": reads.gemeenten_per_user(db),
        "aanbieder_names": reads.aanbieder_names(db, {u.aanbieder_id for u in users if u.aanbieder_id}),
        "aanbieder_keuzes": reads.aanbieder_choices(db, user.regio_id),
        "gemeente_keuzes": reads.gemeenten_of(db, user.regio_id),
        "values": values,
        "errors": errors,
        "rollen": ROLLEN,
        "q": q,
        "p": p,
    }
    return page(request, "pages/beheer/gebruikers.html", context, status)


@signed_in("beheerder")
def gebruikers(request: Request, db: Session, user: Gebruiker, form):
    """Users, and inviting a new one by e-mail."""
    empty = {"email": "", "naam": "", "rol": "wijkteam", "gemeenten": [], "aanbieder": ""}
    if form is None:
        return _users_page(request, db, user, empty, {})
    values = {
        "email": str(form.get("email", "")).strip()[:200],
        "naam": str(form.get("naam", "")).strip()[:200],
        "rol": str(form.get("rol", "")),
        "gemeenten": form.getlist("gemeenten"),
        "aanbieder": str(form.get("aanbieder", "")).strip()[:200],
    }
    try:
        new_user = create_user(
            db,
            Actor.of(user),
            values["email"],
            values["rol"],
            values["naam"],
            values["gemeenten"],
            values["aanbieder"] or None,
            regio_id=user.regio_id,
        )
        invite(db, new_user, request.app.state.site.settings.public_url)
    except RuleViolation as problem:
        db.rollback()
        return _users_page(request, db, user, values, {problem.field or "email": str(problem)}, 400)
    db.commit()
    return see_route(
        request,
        "beheer_gebruikers",
        f"{new_user.email} is uitgenodigd. De uitnodiging staat klaar om te versturen.",
    )


def _account(db: Session, request: Request, user: Gebruiker) -> Gebruiker:
    """The account in the URL, when the beheerder's region sees it; 404 otherwise."""
    target = reads.account_in(db, int(request.path_params["user_id"]), user.regio_id)
    if target is None:
        raise HTTPException(404, "Dit account bestaat niet.")
    return target


@signed_in("beheerder")
def gebruiker_actief(request: Request, db: Session, user: Gebruiker, form):
    """Deactivate (signs out everywhere) or reactivate a user."""
    target = _account(db, request, user)
    try:
        target = set_active(db, Actor.of(user), target.id, form.get("actief") == "1")
    except RuleViolation as problem:
        return see_route(request, "beheer_gebruikers", str(problem))
    db.commit()
    return see_route(
        request, "beheer_gebruikers", f"{target.email} is {'weer actief' if target.actief else 'uitgezet'}."
    )


@signed_in("beheerder")
def gebruiker_uitnodigen(request: Request, db: Session, user: Gebruiker, form):
    """Send a new invitation (the old link stops working), e.g. when the first one expired."""
    target = _account(db, request, user)
    if not target.actief:
        return see_route(request, "beheer_gebruikers", "Dit account staat uit.")
    invite(db, target, request.app.state.site.settings.public_url)
    record(db, Actor.of(user), "opnieuw uitgenodigd", "gebruiker", target.id)
    db.commit()
    return see_route(request, "beheer_gebruikers", f"{target.email} krijgt een nieuwe uitnodiging.")


routes = [
    Route("/beheer/gebruikers", gebruikers, methods=["GET", "POST"], name="beheer_gebruikers"),
    Route(
        "/beheer/gebruikers/{user_id:id}/actief",
        gebruiker_actief,
        methods=["POST"],
        name="beheer_gebruiker_actief",
    ),
    Route(
        "/beheer/gebruikers/{user_id:id}/uitnodigen",
        gebruiker_uitnodigen,
        methods=["POST"],
        name="beheer_gebruiker_uitnodigen",
    ),
]
