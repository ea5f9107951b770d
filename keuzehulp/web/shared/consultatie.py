"""One consultatie, on the page its wijkteam, its aanbieder and beheerders share: the request,
the answer, the thread and the aanbieder's answers (accept, reject, complete); and the inbox list.

Requests are only visible to the requesting gemeente's wijkteam, the addressed aanbieder and
beheerders; everyone else gets 404 on every URL, so ids cannot be guessed."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Aanbieder, Consultatie, Gebruiker, Gemeente
from keuzehulp.models.consultatie import CONSULTATIE_STATUSES
from keuzehulp.queries import consultatie as reads
from keuzehulp.services import consultatie as service
from keuzehulp.services.audit import Actor, record
from keuzehulp.web.kit.forms import typed_values
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.visitor import see_other

NOT_FOUND = "Deze aanvraag bestaat niet, of u heeft er geen toegang toe."


def _public_url(request: Request) -> str:
    return request.app.state.site.settings.public_url


def inbox_context(request: Request, db: Session, user: Gebruiker) -> dict:
    """The consultatie list (filtered by ?status=) with unread counts, for any role."""
    status = request.query_params.get("status", "")
    status = status if status in CONSULTATIE_STATUSES else ""
    items, unread = service.list_for(db, user, status)
    return {"items": items, "unread": unread, "status": status, "statuses": CONSULTATIE_STATUSES}


def _visible(db: Session, user: Gebruiker, consultatie_id: int) -> Consultatie:
    consultatie = db.get(Consultatie, consultatie_id)
    if consultatie is None or not service.may_see(db, user, consultatie):
        raise HTTPException(404, NOT_FOUND)
    return consultatie


def _detail(
    request: Request,
    db: Session,
    user: Gebruiker,
    consultatie: Consultatie,
    errors=None,
    status=200,
    form=None,
):
    """The detail page; after an error the typed values come back in their fields."""
    if user.rol == "beheerder":
        record(db, Actor.of(user), "consultatie bekeken", "consultatie", consultatie.id)
    service.mark_read(db, user, "consultatie", consultatie.id)
    db.commit()
    context = {
        "c": consultatie,
        "aanbieder": db.get(Aanbieder, consultatie.aanbieder_id),
        "gemeente": db.get(Gemeente, consultatie.gemeente_id),
        "requester": db.get(Gebruiker, consultatie.aangevraagd_door),
        "messages": reads.thread(db, consultatie.id),
        "errors": errors or {},
        "te_laat": service.is_overdue(consultatie, clock.now()),
        "leeftijdsgroepen": service.LEEFTIJDSGROEPEN,
        "urgenties": service.URGENTIES,
        "today": clock.today().isoformat(),
        "typed": {k: str(v) for k, v in (form or {}).items() if k != "csrf_token"},
    }
    return page(request, "pages/consultatie/detail.html", context, status)


@signed_in("wijkteam", "aanbieder", "beheerder")
def detail(request: Request, db: Session, user: Gebruiker, form):
    """One request with its answer and thread."""
    return _detail(request, db, user, _visible(db, user, request.path_params["consultatie_id"]))


@signed_in("wijkteam", "aanbieder")
def bericht(request: Request, db: Session, user: Gebruiker, form):
    """Add a message to the thread."""
    consultatie = _visible(db, user, request.path_params["consultatie_id"])
    try:
        service.add_message(db, user, consultatie, str(form.get("tekst", "")), _public_url(request))
    except RuleViolation as problem:
        db.rollback()
        return _detail(request, db, user, consultatie, {"tekst": str(problem)}, 400, form)
    db.commit()
    return see_other(f"/consultaties/{consultatie.id}#berichten", "Uw bericht is verstuurd.")


@signed_in("aanbieder")
def actie(request: Request, db: Session, user: Gebruiker, form):
    """Accept, reject or complete (aanbieder)."""
    consultatie = _visible(db, user, request.path_params["consultatie_id"])
    action = request.path_params["actie"]
    if action not in service.TRANSITIONS:
        raise HTTPException(404, NOT_FOUND)
    try:
        typed = typed_values(form, service.ANSWER_FIELDS)
        service.transition(db, user, consultatie.id, action, typed, _public_url(request))
    except RuleViolation as problem:
        db.rollback()
        consultatie = db.get(Consultatie, consultatie.id)
        db.refresh(consultatie)
        status = 409 if isinstance(problem, service.StateConflict) else 400
        errors = problem.errors if isinstance(problem, service.FormErrors) else {"status": str(problem)}
        return _detail(request, db, user, consultatie, errors, status, form)
    db.commit()
    return see_other(
        f"/consultaties/{consultatie.id}",
        {
            "accepteren": "U heeft de vraag geaccepteerd.",
            "afwijzen": "U heeft de vraag afgewezen.",
            "afronden": "De consultatie is afgerond. Het wijkteam krijgt uw terugkoppeling.",
        }[action],
    )


routes = [
    Route("/consultaties/{consultatie_id:id}", detail, name="consultatie"),
    Route("/consultaties/{consultatie_id:id}/bericht", bericht, methods=["POST"], name="consultatie_bericht"),
    Route("/consultaties/{consultatie_id:id}/{actie}", actie, methods=["POST"], name="consultatie_actie"),
]
