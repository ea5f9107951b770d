"""A wijkteam member's meldingen: an e-mail when an aanbieder for a kind of help in one of its
gemeenten has a free place (dakjes) or can start within some weeks (services/abonnementen.py)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.beschikbaarheid import START_BINNEN
from keuzehulp.models import Gebruiker
from keuzehulp.queries.abonnementen import of_user
from keuzehulp.queries.consultatie import own_gemeenten
from keuzehulp.services import abonnementen
from keuzehulp.web.kit.forms import typed_values
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.visitor import see_route

SOORT_KEUZES = [
    ("start", "Kan starten binnen een aantal weken"),
    ("plek", "Heeft een vrije plek (alleen dakjes)"),
]


def _blank(db: Session, user: Gebruiker) -> dict:
    own = own_gemeenten(db, user)
    return {"gemeente": own[0].cbs_code if len(own) == 1 else "", "hulp": "", "soort": "start", "weken": "4"}


def _page(request: Request, db: Session, user: Gebruiker, values: dict, errors: dict, status: int = 200):
    own = own_gemeenten(db, user)
    context = {
        "rows": [(a.id, abonnementen.describe(a, g)) for a, g in of_user(db, user)],
        "values": values,
        "errors": errors,
        "gemeenten": [(g.cbs_code, g.naam) for g in own],
        "hulp_keuzes": abonnementen.kinds_of_help(own),
        "soort_keuzes": SOORT_KEUZES,
        "weken_keuzes": [(str(n), f"{n} {'week' if n == 1 else 'weken'}") for n in START_BINNEN],
        "maximum": abonnementen.MAX_PER_GEBRUIKER,
    }
    return page(request, "pages/wijkteam/meldingen.html", context, status)


@signed_in("wijkteam")
def meldingen(request: Request, db: Session, user: Gebruiker, form):
    """The member's subscriptions, and a form to add one."""
    if form is None:
        return _page(request, db, user, _blank(db, user), {})
    values = {name: value.strip()[:40] for name, value in typed_values(form, abonnementen.FIELDS).items()}
    errors = abonnementen.problems(db, user, values)
    if errors:
        db.rollback()
        return _page(request, db, user, values, errors, 400)
    abonnementen.add(db, user, values)
    db.commit()
    return see_route(
        request,
        "wijkteam_meldingen",
        "De melding is opgeslagen. U krijgt een e-mail als er een aanbieder bij past.",
    )


@signed_in("wijkteam")
def melding_verwijderen(request: Request, db: Session, user: Gebruiker, form):
    """Remove one of the member's own subscriptions (another's: 404)."""
    if not abonnementen.remove(db, user, request.path_params["abonnement_id"]):
        raise HTTPException(404, "Deze melding bestaat niet (meer).")
    db.commit()
    return see_route(request, "wijkteam_meldingen", "De melding is verwijderd.")


routes = [
    Route("/wijkteam/meldingen", meldingen, methods=["GET", "POST"], name="wijkteam_meldingen"),
    Route(
        "/wijkteam/meldingen/{abonnement_id:id}/verwijderen",
        melding_verwijderen,
        methods=["POST"],
        name="wijkteam_melding_verwijderen",
    ),
]
