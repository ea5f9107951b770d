"""The public form with which a new aanbieder applies; nothing is public until beheer accepts it."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.services.aanmeldingen import FIELDS, check_application, submit
from keuzehulp.web.kit.forms import read_form, typed_values
from keuzehulp.web.kit.render import render


async def aanmelden(request: Request):
    """Show the application form, or store a checked application."""
    if request.method == "GET":
        return render(
            request,
            "pages/aanmelden.html",
            {"values": dict.fromkeys(FIELDS, ""), "errors": {}, "klaar": False},
        )
    form = await read_form(request)
    values, errors = check_application(typed_values(form, FIELDS))
    if errors:
        return render(
            request, "pages/aanmelden.html", {"values": values, "errors": errors, "klaar": False}, 400
        )
    await run_in_threadpool(_store, request, values)
    return render(request, "pages/aanmelden.html", {"values": values, "errors": {}, "klaar": True})


def _store(request: Request, values: dict) -> None:
    with Session(request.app.state.site.engine) as db:
        submit(db, values)
        db.commit()


routes = [Route("/aanmelden", aanmelden, methods=["GET", "POST"], name="aanmelden")]
