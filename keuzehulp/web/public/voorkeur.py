"""'Ik wil hulp van deze aanbieder': an inwoner's wish, sent to the wijkteam of their gemeente."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.i18n import gettext
from keuzehulp.queries.profiles import aanbieder_by_slug
from keuzehulp.services import consultatie as service
from keuzehulp.services import login, ratelimit, voorkeuren
from keuzehulp.web.kit.forms import read_form, typed_values
from keuzehulp.web.kit.guard import client_address
from keuzehulp.web.kit.render import render


def _public_url(request: Request) -> str:
    return request.app.state.site.settings.public_url


VOORKEUR_LIMIT = 5  # voorkeuren per client address in VOORKEUR_WINDOW_SECONDS


VOORKEUR_WINDOW_SECONDS = 15 * 60


async def voorkeur_form(request: Request):
    """'Ik wil hulp van deze aanbieder': a wish sent to the inwoner's wijkteam, never to the aanbieder."""
    form = await read_form(request) if request.method == "POST" else None
    return await run_in_threadpool(_voorkeur, request, form)


def _voorkeur(request: Request, form):
    site = request.app.state.site
    gemeenten = {g.slug: g for g in site.taxonomy.gemeenten}
    with Session(site.engine, expire_on_commit=False) as db:
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
            "bewaardagen": site.settings.retention_days,
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
        values, errors = voorkeuren.check_voorkeur(
            typed_values(form, voorkeuren.FIELDS, ("toestemming",)), gemeenten
        )
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


routes = [
    Route("/aanbieders/{slug}/voorkeur", voorkeur_form, methods=["GET", "POST"], name="voorkeur"),
]
