"""/beheer/import/wachttijden: a beheerder uploads wachttijden and plekken of its region's aanbieders
as CSV (services/importeren/wachttijden.py); a file with any bad row changes nothing."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.models import Gebruiker
from keuzehulp.services.audit import Actor
from keuzehulp.services.importeren import wachttijden
from keuzehulp.services.importeren.plan import summarise
from keuzehulp.web.beheer.imports import read_upload
from keuzehulp.web.kit.guard import page, signed_in

TEMPLATE = "pages/beheer/import_wachttijden.html"


@signed_in("beheerder")
def import_wachttijden(request: Request, db: Session, user: Gebruiker, form):
    """The upload form; after an upload every bad row with its line number, or what was written."""
    if form is None:
        return page(request, TEMPLATE, {"errors": {}, "plan": None, "counts": None})
    filename, content, problem = read_upload(
        form.get("bestand"), (".csv", ".txt", ".xlsx", ".xls"), "Kies een CSV-bestand (.csv)."
    )
    if problem:
        return page(request, TEMPLATE, {"errors": {"bestand": problem}, "plan": None, "counts": None}, 400)
    today = clock.today()
    plan = wachttijden.plan_file(db, filename, content, user.regio_id, today)
    if whole_file := [message for line, message in plan.errors if line == 0]:
        return page(
            request, TEMPLATE, {"errors": {"bestand": whole_file[0]}, "plan": None, "counts": None}, 400
        )
    if plan.errors:
        db.rollback()
        return page(request, TEMPLATE, {"errors": {}, "plan": plan, "counts": None, "bestand": filename}, 400)
    counts = wachttijden.apply_plan(
        db, plan, Actor.of(user), today, request.app.state.site.settings.public_url
    )
    db.commit()
    context = {
        "errors": {},
        "plan": plan,
        "counts": counts,
        "samenvatting": summarise(counts),
        "bestand": filename,
    }
    return page(request, TEMPLATE, context)


routes = [
    Route(
        "/beheer/import/wachttijden",
        import_wachttijden,
        methods=["GET", "POST"],
        name="beheer_import_wachttijden",
    ),
]
