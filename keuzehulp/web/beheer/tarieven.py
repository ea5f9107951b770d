"""Tarieven of the products of the served regions' models, with validity dates (services/tarieven.py)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.taxonomy import labels
from keuzehulp.models import (
    Gebruiker,
)
from keuzehulp.queries import beheer as reads
from keuzehulp.services import tarieven
from keuzehulp.services.audit import Actor
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.paging import paging, search_text
from keuzehulp.web.kit.visitor import see_route


def _blank_tarief() -> dict:
    """The new-tarief form's starting values: it starts today."""
    return {
        "perceel": "",
        "code": "",
        "gemeente": "",
        "bedrag": "",
        "vanaf": clock.today().isoformat(),
        "tot": "",
    }


def _tarieven_page(
    request: Request,
    db: Session,
    user: Gebruiker,
    values: dict,
    errors: dict,
    status: int = 200,
    einde: dict | None = None,
):
    """The tarieven of the beheerder's own region; `einde` keeps a refused end date with its
    message: {id, tot, fout}."""
    regios = [reads.regio_slug(db, user)]
    rows = reads.tarieven(db, regios[0])
    q = search_text(request)
    if q:  # by product name: 'jeugd ob1', 'dakje 2', 'wijchen'
        rows = [t for t in rows if q.lower() in tarieven.tarief_name(t).lower()]
    p = paging(request, len(rows))
    context = {
        "rows": rows[p.offset : p.offset + p.size],
        "q": q,
        "p": p,
        "values": values,
        "errors": errors,
        "einde": einde or {},
        "percelen": _percelen(regios),
        "codes": tarieven.choices(regios),
        "gemeenten": tarieven.gemeente_choices(regios),
        "product": tarieven.tarief_name,
        "euros": tarieven.euros,
        "eenheid": tarieven.eenheid,
    }
    return page(request, "pages/beheer/tarieven.html", context, status)


def _percelen(regios: list[str]) -> list[tuple[str, str]]:
    """The percelen that have products in these regions (a code two regions share once)."""
    codes = {p.perceel: None for regio in regios for p in tarieven.products(regio).values() if p.perceel}
    return [(code, labels()["percelen"][code]["naam"]) for code in codes]


@signed_in("beheerder")
def tarieven_beheer(request: Request, db: Session, user: Gebruiker, form):
    """Tarieven per product of the served regions' models (Twente: perceel x OB x niveau and
    dakje), with validity dates, for a whole region or, where it buys per gemeente, one gemeente."""
    if form is None:
        return _tarieven_page(request, db, user, _blank_tarief(), {})
    values = {name: str(form.get(name, "")).strip()[:40] for name in _blank_tarief()}
    errors = {}
    regio, soort, code = tarieven.read_choice(values["code"])
    try:
        cents = tarieven.parse_euros(values["bedrag"])
    except RuleViolation as problem:
        errors["bedrag"] = str(problem)
    dates = {}
    for name in ("vanaf", "tot"):
        try:
            dates[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            errors[name] = "Kies een geldige datum."
    if not dates.get("vanaf") and "vanaf" not in errors:
        errors["vanaf"] = "Kies de datum waarop het tarief ingaat."
    if not errors:
        try:
            tarieven.add_tarief(
                db,
                Actor.of(user),
                soort,
                values["perceel"],
                code,
                cents,
                dates["vanaf"],
                dates["tot"],
                regio=regio if regio == reads.regio_slug(db, user) else "",  # never another region's
                gemeente=values["gemeente"].upper(),
            )
        except RuleViolation as problem:
            errors[problem.field or "code"] = str(problem)
    if errors:
        db.rollback()
        return _tarieven_page(request, db, user, values, errors, 400)
    db.commit()
    return see_route(request, "beheer_tarieven", "Het tarief is opgeslagen.")


@signed_in("beheerder")
def tarief_einde(request: Request, db: Session, user: Gebruiker, form):
    """Give a tarief an end date; a refused date comes back with its message."""
    tarief_id, typed = int(request.path_params["tarief_id"]), str(form.get("tot", ""))[:40]
    if not reads.tarief_of_regio(db, tarief_id, reads.regio_slug(db, user)):
        raise HTTPException(404)
    try:
        tarieven.end_tarief(db, Actor.of(user), tarief_id, date.fromisoformat(typed))
    except (ValueError, RuleViolation) as problem:
        db.rollback()
        message = str(problem) if isinstance(problem, RuleViolation) else "Kies een geldige einddatum."
        einde = {"id": tarief_id, "tot": typed, "fout": message}
        return _tarieven_page(request, db, user, _blank_tarief(), {}, 400, einde)
    db.commit()
    return see_route(request, "beheer_tarieven", "De einddatum is opgeslagen.")


routes = [
    Route("/beheer/tarieven", tarieven_beheer, methods=["GET", "POST"], name="beheer_tarieven"),
    Route(
        "/beheer/tarieven/{tarief_id:id}/einde", tarief_einde, methods=["POST"], name="beheer_tarief_einde"
    ),
]
