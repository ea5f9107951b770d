"""Consultatie pages (wijkteam asks, aanbieder answers, a shared detail page with a thread) and
voorkeuren (an inwoner's wish, for the wijkteam of their gemeente).

Requests are only visible to the requesting gemeente's wijkteam, the addressed aanbieder and
beheerders; everyone else gets 404 on every URL, so ids cannot be guessed.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.twents_model import RuleViolation
from keuzehulp.domain.validation import whole_number
from keuzehulp.i18n import gettext
from keuzehulp.models import Aanbieder, Consultatie, Gebruiker, Gemeente, Voorkeur
from keuzehulp.models.consultatie import CONSULTATIE_STATUSES
from keuzehulp.queries import consultatie as reads
from keuzehulp.queries.profiles import aanbieder_by_slug
from keuzehulp.services import consultatie as service
from keuzehulp.services import login, ratelimit, voorkeuren
from keuzehulp.services.audit import Actor, record
from keuzehulp.web.auth import client_address, page, signed_in
from keuzehulp.web.forms import read_form
from keuzehulp.web.paging import paging, search_text
from keuzehulp.web.public import render
from keuzehulp.web.visitor import see_other

NOT_FOUND = "Deze aanvraag bestaat niet, of u heeft er geen toegang toe."
VOORKEUR_LIMIT = 5  # voorkeuren per client address in VOORKEUR_WINDOW_SECONDS
VOORKEUR_WINDOW_SECONDS = 15 * 60


def _public_url(request: Request) -> str:
    return request.app.state.services.settings.public_url


# --- wijkteam: ask ---------------------------------------------------------------------------------


def _request_page(request, aanbieder, values, gemeenten, scopes, errors=None, confirm=False, status=200):
    obniveaus, leeftijdsgroepen = service.combined(scopes.values()).options()
    context = {
        "aanbieder": aanbieder,
        "values": values,
        "gemeenten": [(str(gid), naam) for gid, naam in gemeenten.items()],
        "errors": errors or {},
        "confirm": confirm,
        "leeftijdsgroepen": leeftijdsgroepen,
        "obniveaus": obniveaus,
        "urgenties": list(service.URGENTIES.items()),
        "warning": service.CONTACT_WARNING if confirm else "",
        "aanbieder_kiest": service.AANBIEDER_KIEST,
    }
    return page(request, "pages/consultatie/nieuw.html", context, status)


@signed_in("wijkteam")
def nieuw(request: Request, db: Session, user: Gebruiker, form):
    """The consultatie form for one aanbieder (optionally linked to an inwoner's voorkeur): it offers
    only what the aanbieder is contracted for in the user's gemeenten, and accepts nothing else."""
    params = form if form is not None else request.query_params
    aanbieder = aanbieder_by_slug(db, str(params.get("aanbieder", "")))
    if aanbieder is None or aanbieder.status != "actief":
        raise HTTPException(404, gettext("Deze aanbieder bestaat niet of is nu niet beschikbaar."))
    contracted = service.scope_per_gemeente(db, aanbieder.id, clock.today())
    gemeenten = {g.id: g.naam for g in reads.own_gemeenten(db, user) if g.id in contracted}
    scopes = {gid: contracted[gid] for gid in gemeenten}
    voorkeur = _linked_voorkeur(db, user, aanbieder, str(params.get("voorkeur", "")))
    if form is None:
        first = str(voorkeur.gemeente_id) if voorkeur else str(next(iter(gemeenten), ""))
        values = {
            "gemeente_id": first,
            "urgentie": "normaal",
            "voorkeur": str(voorkeur.id) if voorkeur else "",
        }
        return _request_page(request, aanbieder, values, gemeenten, scopes)
    if not gemeenten:  # no contract in any of the user's gemeenten: nothing to ask
        return _request_page(request, aanbieder, {}, gemeenten, scopes, status=400)
    values, errors, confirm = service.check_request(form, aanbieder, scopes)
    values["voorkeur"] = str(voorkeur.id) if voorkeur else ""
    if errors or confirm:
        return _request_page(request, aanbieder, values, gemeenten, scopes, errors, confirm, 400)
    created = service.create(
        db, user, aanbieder, values, _public_url(request), voorkeur.id if voorkeur else None
    )
    db.commit()
    return see_other(
        f"/consultaties/{created.id}",
        f"Uw vraag is naar {aanbieder.naam} gestuurd. "
        f"U krijgt binnen {service.ANSWER_WORKDAYS} werkdagen antwoord.",
    )


def _linked_voorkeur(db: Session, user: Gebruiker, aanbieder: Aanbieder, raw: str) -> Voorkeur | None:
    """The voorkeur to link: only one the user may see, for this same aanbieder."""
    if (voorkeur_id := whole_number(raw)) is None:
        return None
    voorkeur = db.get(Voorkeur, voorkeur_id)
    if voorkeur is None or voorkeur.aanbieder_id != aanbieder.id:
        return None
    return voorkeur if voorkeuren.may_see(db, user, voorkeur) else None


# --- lists ----------------------------------------------------------------------------------------


def inbox_context(request: Request, db: Session, user: Gebruiker) -> dict:
    """The consultatie list (filtered by ?status=) with unread counts, for any role."""
    status = request.query_params.get("status", "")
    status = status if status in CONSULTATIE_STATUSES else ""
    items, unread = service.list_for(db, user, status)
    return {"items": items, "unread": unread, "status": status, "statuses": CONSULTATIE_STATUSES}


@signed_in("aanbieder")
def aanbieder_inbox(request: Request, db: Session, user: Gebruiker, form):
    """The aanbieder's inbox of requests."""
    return page(
        request,
        "pages/consultatie/inbox.html",
        inbox_context(request, db, user) | {"title": "Vragen om consultatie"},
    )


# --- detail, thread and transitions ---------------------------------------------------------------


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
        service.transition(db, user, consultatie.id, action, form, _public_url(request))
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


# --- voorkeuren -----------------------------------------------------------------------------------


async def voorkeur_form(request: Request):
    """'Ik wil hulp van deze aanbieder': a wish sent to the inwoner's wijkteam, never to the aanbieder."""
    form = await read_form(request) if request.method == "POST" else None
    return await run_in_threadpool(_voorkeur, request, form)


def _voorkeur(request: Request, form):
    services = request.app.state.services
    gemeenten = {g.slug: g for g in services.taxonomy.gemeenten}
    with Session(services.engine, expire_on_commit=False) as db:
        today = clock.today()
        aanbieder = aanbieder_by_slug(db, request.path_params["slug"], public_on=today)
        if aanbieder is None:
            raise HTTPException(404, gettext("We kennen geen beschikbare aanbieder met dit adres."))
        contracted = service.contracted_gemeenten(db, aanbieder.id, today)
        context = {
            "aanbieder": aanbieder,
            "contract_gemeenten": [g.naam for g in gemeenten.values() if g.id in contracted],
            "gemeenten": list(gemeenten.values()),
            "errors": {},
            "bevestiging": None,
            "bewaardagen": services.settings.retention_days,
        }
        if form is None:
            values = {
                "naam": "",
                "telefoon": "",
                "email": "",
                "gemeente": request.query_params.get("gemeente", ""),
                "toelichting": "",
                "toestemming": False,
            }
            return render(request, "pages/voorkeur.html", context | {"values": values})
        values, errors = voorkeuren.check_voorkeur(form, gemeenten)
        if form.get("website"):  # the honeypot: people never see this field
            errors = {
                "naam": gettext(
                    "Dit formulier kon niet worden verstuurd. Probeer het later opnieuw of bel het wijkteam."
                )
            }
        key = login.attempt_key("voorkeur", client_address(request))
        if not errors and ratelimit.take(db.get_bind(), key, VOORKEUR_LIMIT, VOORKEUR_WINDOW_SECONDS):
            errors = {
                "naam": gettext(
                    "U heeft al een paar keer een voorkeur doorgegeven. "
                    "Probeer het over 15 minuten opnieuw, of bel het wijkteam."
                )
            }
        if errors:
            return render(request, "pages/voorkeur.html", context | {"values": values, "errors": errors}, 400)
        gemeente = gemeenten[values["gemeente"]]
        voorkeur = voorkeuren.submit(db, values, aanbieder, gemeente, _public_url(request))
        db.commit()
        warning = (
            None
            if gemeente.id in contracted
            else voorkeuren.not_contracted_text(aanbieder.naam, gemeente.naam)
        )
        confirmation = {"bevestiging": voorkeur, "gemeente": gemeente, "waarschuwing": warning}
        return render(request, "pages/voorkeur.html", context | {"values": values} | confirmation)


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


# --- beheer ---------------------------------------------------------------------------------------


@signed_in("beheerder")
def beheer_overzicht(request: Request, db: Session, user: Gebruiker, form):
    """Response times per aanbieder and overdue requests; every request, searchable by aanbieder or
    number, 50 per page."""
    now: datetime = clock.now()
    context = {"rows": service.response_times(db, now), "te_laat": service.count_overdue(db, now)}
    inbox = inbox_context(request, db, user)
    q = search_text(request)
    if q:
        number = whole_number(q.lower().removeprefix("vraag").strip())
        inbox["items"] = [
            item
            for item in inbox["items"]
            if q.lower() in item.aanbieder_naam.lower() or item.consultatie.id == number
        ]
    p = paging(request, len(inbox["items"]))
    inbox["items"] = inbox["items"][p.offset : p.offset + p.size]
    context |= {"q": q, "p": p}
    return page(request, "pages/beheer/consultaties.html", context | inbox)


routes = [
    Route("/wijkteam/consultatie/nieuw", nieuw, methods=["GET", "POST"], name="consultatie_nieuw"),
    Route("/aanbieder/consultaties", aanbieder_inbox, name="aanbieder_consultaties"),
    Route("/consultaties/{consultatie_id:id}", detail, name="consultatie"),
    Route("/consultaties/{consultatie_id:id}/bericht", bericht, methods=["POST"], name="consultatie_bericht"),
    Route("/consultaties/{consultatie_id:id}/{actie}", actie, methods=["POST"], name="consultatie_actie"),
    Route("/aanbieders/{slug}/voorkeur", voorkeur_form, methods=["GET", "POST"], name="voorkeur"),
    Route(
        "/wijkteam/voorkeuren/{voorkeur_id:id}",
        voorkeur_detail,
        methods=["GET", "POST"],
        name="voorkeur_detail",
    ),
    Route("/beheer/consultaties", beheer_overzicht, name="beheer_consultaties"),
]
