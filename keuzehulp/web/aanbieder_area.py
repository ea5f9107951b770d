"""The aanbieder's own area: edit the profile, confirm the wachttijd, see the history of changes."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.taxonomy import labels
from keuzehulp.domain.twents_model import FUNCTIENIVEAUS, RuleViolation
from keuzehulp.domain.validation import whole_number
from keuzehulp.models import Aanbieder, Gebruiker
from keuzehulp.queries.profiles import load_profile
from keuzehulp.services import profiel
from keuzehulp.services.audit import Actor
from keuzehulp.web.auth import page, signed_in
from keuzehulp.web.templating import datum
from keuzehulp.web.visitor import see_other


def options(request: Request) -> dict:
    """The choices of the profile form, as (value, label) pairs."""
    taxonomy = request.app.state.services.taxonomy
    return {
        "specialisaties": [(s.slug, s.label_b1) for s in taxonomy.specialisaties],
        "doelgroepen": [(d.slug, d.naam) for d in taxonomy.doelgroepen],
        "talen": [(t.slug, t.naam) for t in taxonomy.talen],
        "werkvormen": list(labels()["werkvormen"].items()),
        "functieniveaus": [(f, f"{f}: {labels()['functieniveaus'][f]}") for f in FUNCTIENIVEAUS],
        "plaatsen": [k.naam for k in taxonomy.kernen],
    }


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
    } | options(request)
    return page(request, "pages/aanbieder/profiel.html", context, status)


@signed_in("aanbieder")
def profiel_bewerken(request: Request, db: Session, user: Gebruiker, form):
    """The profile form; saving checks every field, keeps typed values and refuses stale versions."""
    aanbieder = db.get(Aanbieder, user.aanbieder_id)
    if form is None:
        return _form_page(request, db, aanbieder, profiel.snapshot(db, aanbieder), aanbieder.version)
    taxonomy = request.app.state.services.taxonomy
    values, errors = profiel.parse_form(form, taxonomy)
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
def wachttijd_bevestigen(request: Request, db: Session, user: Gebruiker, form):
    """One click: the wachttijd is still right."""
    back = request.url_for("aanbieder_profiel").path
    try:
        profiel.confirm_wachttijd(db, user.aanbieder_id, Actor.of(user), clock.today())
    except RuleViolation as problem:
        return see_other(back, str(problem))
    db.commit()
    return see_other(back, f"Bedankt. De wachttijd is bevestigd op {datum(clock.today())}.")


def readable(request: Request, changes: list[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    """(label, before, after) texts for a diff, with taxonomy labels instead of codes."""
    choices = options(request)
    names = {
        key: dict(choices[key])
        for key in ("specialisaties", "doelgroepen", "talen", "werkvormen", "functieniveaus")
    }
    names["consultatie_functieniveaus"] = {f: f for f in FUNCTIENIVEAUS}

    def text(field: str, value) -> str:
        if value is None or value == [] or value == "":
            return "(leeg)"
        if field == "vestigingen":
            return "; ".join(f"{v['naam'] or v['adres']}, {v['postcode']} {v['plaats']}" for v in value)
        if isinstance(value, list):
            return ", ".join(names.get(field, {}).get(v, v) for v in value)
        return str(value)

    return [(profiel.FIELD_LABELS[f], text(f, old), text(f, new)) for f, old, new in changes]


def history_page(request: Request, db: Session, aanbieder: Aanbieder):
    """The list of saved versions with a readable diff (for the aanbieder and for beheer)."""
    entries = [
        {"versie": e["versie"], "wijzigingen": readable(request, e["wijzigingen"])}
        for e in profiel.history(db, aanbieder.id)
    ]
    return page(request, "pages/aanbieder/historie.html", {"aanbieder": aanbieder, "entries": entries})


@signed_in("aanbieder")
def historie(request: Request, db: Session, user: Gebruiker, form):
    """Every saved version of the own profile."""
    return history_page(request, db, db.get(Aanbieder, user.aanbieder_id))


routes = [
    Route("/aanbieder/profiel", profiel_bewerken, methods=["GET", "POST"], name="aanbieder_profiel"),
    Route(
        "/aanbieder/wachttijd-bevestigen", wachttijd_bevestigen, methods=["POST"], name="wachttijd_bevestigen"
    ),
    Route("/aanbieder/historie", historie, name="aanbieder_historie"),
]
