"""A beheerder sets or lifts an aanbieder's instroomstop (e.g. at a contract plafond) on its beheer
page, through services/beschikbaarheid with the beheerder as actor; only for an aanbieder with
contract lines in the beheerder's region, and "every gemeente" only where that reaches no other."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import ALL
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Gebruiker
from keuzehulp.queries import beheer as reads
from keuzehulp.services import beschikbaarheid
from keuzehulp.services.audit import Actor
from keuzehulp.services.importeren.files import read_date
from keuzehulp.web.beheer.aanbieders import _aanbieder, _aanbieder_page
from keuzehulp.web.beheer.beschikbaarheid_view import BLANK_STOP, reach_of
from keuzehulp.web.kit.guard import signed_in
from keuzehulp.web.kit.visitor import see_route


def _stop_errors(seen, values: dict) -> tuple[dict, date | None]:
    """What is wrong with the chosen kind of help, gemeente and end date for this region, and the date."""
    errors, hulp, gemeente = {}, values["stop_hulp"], values["stop_gemeente"] or None
    if hulp != ALL and hulp not in seen.mine:
        errors["stop_hulp"] = "Kies een soort hulp waarvoor de aanbieder in uw regio een contract heeft."
    elif gemeente is not None and gemeente not in dict(seen.gemeenten()):
        errors["stop_gemeente"] = "Kies een gemeente van uw regio waar de aanbieder een contract heeft."
    elif gemeente is None and (problem := seen.all_gemeenten_problem(hulp)):
        errors["stop_gemeente"] = problem
    tot = None
    try:
        tot = read_date(values["stop_tot"], "Verwachte einddatum")
    except RuleViolation as problem:
        errors["stop_tot"] = str(problem)
    return errors, tot


@signed_in("beheerder")
def stop_zetten(request: Request, db: Session, user: Gebruiker, form):
    """Set an instroomstop from today; a refused one comes back with its message and the typed values."""
    aanbieder = _aanbieder(db, request.path_params["slug"])
    seen = reach_of(db, user, aanbieder)
    if seen is None:
        raise HTTPException(404, "Deze aanbieder heeft geen contract in uw regio.")
    values = {name: str(form.get(name, "")).strip()[:400] for name in BLANK_STOP}
    errors, tot = _stop_errors(seen, values)
    if not errors:
        try:
            beschikbaarheid.set_stop(
                db,
                aanbieder.id,
                Actor.of(user),
                values["stop_hulp"],
                values["stop_gemeente"] or None,
                values["stop_reden"],
                tot,
                clock.today(),
                public_url=request.app.state.site.settings.public_url,
            )
        except RuleViolation as problem:
            errors[f"stop_{problem.field or 'reden'}"] = str(problem)
    if errors:
        db.rollback()
        return _aanbieder_page(request, db, user, aanbieder, stop={"values": values, "errors": errors})
    db.commit()
    return see_route(request, "beheer_aanbieder", "De instroomstop is gezet.", slug=aanbieder.slug)


@signed_in("beheerder")
def stop_opheffen(request: Request, db: Session, user: Gebruiker, form):
    """Lift a running instroomstop today."""
    aanbieder = _aanbieder(db, request.path_params["slug"])
    seen = reach_of(db, user, aanbieder)
    stop_id = int(request.path_params["stop_id"])
    stop = next((s for s in reads.instroomstops_of(db, aanbieder.id) if s.id == stop_id), None)
    if seen is None or stop is None:
        raise HTTPException(404, "Deze instroomstop bestaat niet.")
    taxonomy = request.app.state.site.taxonomy
    gemeente = taxonomy.gemeente_by_id(stop.gemeente_id).cbs_code if stop.gemeente_id else None
    if gemeente is None:
        problem = seen.all_gemeenten_problem(stop.hulp)
    else:
        problem = None if gemeente in seen.region.gemeenten else "Deze instroomstop geldt buiten uw regio."
    try:
        if problem:
            raise RuleViolation(problem)
        beschikbaarheid.lift_stop(
            db,
            aanbieder.id,
            stop.id,
            Actor.of(user),
            clock.today(),
            public_url=request.app.state.site.settings.public_url,
        )
    except RuleViolation as refused:
        db.rollback()
        errors = {"opheffen": str(refused)}
        return _aanbieder_page(request, db, user, aanbieder, stop={"values": None, "errors": errors})
    db.commit()
    return see_route(request, "beheer_aanbieder", "De instroomstop is opgeheven.", slug=aanbieder.slug)


routes = [
    Route(
        "/beheer/aanbieders/{slug}/instroomstop", stop_zetten, methods=["POST"], name="beheer_instroomstop"
    ),
    Route(
        "/beheer/aanbieders/{slug}/instroomstop/{stop_id:id}/opheffen",
        stop_opheffen,
        methods=["POST"],
        name="beheer_instroomstop_opheffen",
    ),
]
