"""One voorkeur of an inwoner, for the wijkteam of its gemeente."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Aanbieder, Gebruiker, Gemeente, Voorkeur
from keuzehulp.queries import consultatie as reads
from keuzehulp.services import consultatie as service
from keuzehulp.services import voorkeuren
from keuzehulp.services.audit import Actor, record
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.visitor import see_other
from keuzehulp.web.shared.consultatie import NOT_FOUND


@signed_in("wijkteam", "beheerder")
def voorkeur_detail(request: Request, db: Session, user: Gebruiker, form):
    """One voorkeur for the wijkteam of its gemeente."""
    voorkeur = db.get(Voorkeur, request.path_params["voorkeur_id"])
    if voorkeur is None or not voorkeuren.may_see(db, user, voorkeur):
        raise HTTPException(404, NOT_FOUND)
    if form is not None:
        try:
            voorkeuren.mark_handled(db, user, voorkeur)
            db.commit()
        except RuleViolation as problem:
            return see_other(f"/wijkteam/voorkeuren/{voorkeur.id}", str(problem))
        return see_other("/wijkteam", f"Voorkeur {voorkeur.referentie} is afgehandeld.")
    if user.rol == "beheerder":
        record(db, Actor.of(user), "voorkeur bekeken", "voorkeur", voorkeur.id)
    service.mark_read(db, user, "voorkeur", voorkeur.id)
    db.commit()
    context = {
        "v": voorkeur,
        "aanbieder": db.get(Aanbieder, voorkeur.aanbieder_id),
        "gemeente": db.get(Gemeente, voorkeur.gemeente_id),
        "gecontracteerd": voorkeuren.is_contracted(db, voorkeur, clock.today()),
        "linked": reads.linked_to_voorkeur(db, voorkeur.id),
    }
    return page(request, "pages/consultatie/voorkeur_detail.html", context)


routes = [
    Route(
        "/wijkteam/voorkeuren/{voorkeur_id:id}",
        voorkeur_detail,
        methods=["GET", "POST"],
        name="voorkeur_detail",
    ),
]
