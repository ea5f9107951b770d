"""Asking an aanbieder for consultatie (optionally for an inwoner's voorkeur)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.validation import whole_number
from keuzehulp.i18n import gettext
from keuzehulp.models import Aanbieder, Gebruiker, Voorkeur
from keuzehulp.queries import consultatie as reads
from keuzehulp.queries.profiles import aanbieder_by_slug
from keuzehulp.services import consultatie as service
from keuzehulp.services import voorkeuren
from keuzehulp.web.kit.forms import typed_values
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.visitor import see_other


def _public_url(request: Request) -> str:
    return request.app.state.site.settings.public_url


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
    values, errors, confirm = service.check_request(
        typed_values(form, service.REQUEST_FIELDS, ("zeker",)), aanbieder, scopes
    )
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


routes = [
    Route("/wijkteam/consultatie/nieuw", nieuw, methods=["GET", "POST"], name="consultatie_nieuw"),
]
