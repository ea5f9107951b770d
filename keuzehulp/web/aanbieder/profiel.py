"""The aanbieder's own area: edit the profile and see the history of changes (wachttijden and
instroomstops: wachttijden.py)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.validation import whole_number
from keuzehulp.models import Aanbieder, Gebruiker
from keuzehulp.queries.beschikbaarheid import summary
from keuzehulp.queries.profiles import load_profile
from keuzehulp.services import profiel
from keuzehulp.services.audit import Actor
from keuzehulp.web.kit.forms import typed_values
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.visitor import see_other
from keuzehulp.web.shared.historie import history_page, options, readable


def _form_page(
    request: Request,
    db: Session,
    aanbieder: Aanbieder,
    values: dict,
    version: int,
    errors=None,
    conflict=None,
    status=200,
):
    profile = load_profile(db, aanbieder.slug, clock.today())
    context = {
        "aanbieder": aanbieder,
        "profile": profile,
        "values": values,
        "version": version,
        "errors": errors or {},
        "conflict": conflict,
        "fresh": profiel.freshness(aanbieder, clock.today()),
        "cijfers": summary(db, aanbieder.id, clock.today()),
    } | options(request)
    return page(request, "pages/aanbieder/profiel.html", context, status)


LISTS = {  # value name -> the form's field name (also the id its error is shown at)
    "specialisaties": "specialisatie",
    "doelgroepen": "doelgroep",
    "talen": "taal",
    "werkvormen": "werkvorm",
    "consultatie_functieniveaus": "functieniveau",
}
TEXTS = ("beschrijving", "email", "telefoon", "website")


def read_profile_form(form) -> dict:
    """The profile form as typed values: texts, chosen lists, and the vestiging rows that were not
    marked 'verwijderen' (rows are named vestiging-<i>-<field>; the last one is the empty new row)."""
    typed = typed_values(form, TEXTS)
    typed |= {name: [v for v in form.getlist(field) if isinstance(v, str)] for name, field in LISTS.items()}
    count = min(whole_number(form.get("vestigingen_aantal")) or 0, profiel.MAX_VESTIGINGEN)
    rows = []
    for i in range(count + 1):
        prefix = f"vestiging-{i}-"
        if form.get(prefix + "verwijderen"):
            continue
        names = tuple(prefix + name for name in (*profiel.VESTIGING_FIELDS, "id"))
        flags = (prefix + "rolstoeltoegankelijk", prefix + "beschermde_woonlocatie")
        rows.append(
            {key.removeprefix(prefix): value for key, value in typed_values(form, names, flags).items()}
        )
    return typed | {"vestigingen": rows}


def field_id(key: str) -> str:
    """The form field an error of check_profile belongs to: 'vestigingen.0.plaats' -> 'vestiging-0-plaats'."""
    if key.startswith("vestigingen."):
        return "vestiging-" + key.removeprefix("vestigingen.").replace(".", "-")
    return LISTS.get(key, key)


@signed_in("aanbieder")
def profiel_bewerken(request: Request, db: Session, user: Gebruiker, form):
    """The profile form; saving checks every field, keeps typed values and refuses stale versions."""
    aanbieder = db.get(Aanbieder, user.aanbieder_id)
    if form is None:
        return _form_page(request, db, aanbieder, profiel.snapshot(db, aanbieder), aanbieder.version)
    taxonomy = request.app.state.site.taxonomy
    values, errors = profiel.check_profile(read_profile_form(form), taxonomy)
    errors = {field_id(key): message for key, message in errors.items()}
    version = whole_number(form.get("version"))
    version = -1 if version is None else version
    if errors:
        return _form_page(request, db, aanbieder, values, version, errors=errors, status=400)
    try:
        profiel.save(db, aanbieder.id, version, values, Actor.of(user), taxonomy, clock.today())
    except profiel.Conflict:
        db.rollback()
        db.refresh(aanbieder)
        changes = [
            {"versie": e["versie"], "wijzigingen": readable(request, e["wijzigingen"])}
            for e in profiel.history(db, aanbieder.id)
            if e["versie"].version > version
        ]
        return _form_page(request, db, aanbieder, values, aanbieder.version, conflict=changes, status=409)
    db.commit()
    return see_other(
        request.url_for("aanbieder_profiel").path,
        "Uw profiel is opgeslagen. Bezoekers zien de wijziging binnen een paar seconden.",
    )


@signed_in("aanbieder")
def historie(request: Request, db: Session, user: Gebruiker, form):
    """Every saved version of the own profile."""
    return history_page(request, db, db.get(Aanbieder, user.aanbieder_id))


routes = [
    Route("/aanbieder/profiel", profiel_bewerken, methods=["GET", "POST"], name="aanbieder_profiel"),
    Route("/aanbieder/historie", historie, name="aanbieder_historie"),
]
