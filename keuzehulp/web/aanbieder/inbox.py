"""The aanbieder's inbox of consultatie requests."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.models import Gebruiker
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.shared.consultatie import inbox_context


@signed_in("aanbieder")
def aanbieder_inbox(request: Request, db: Session, user: Gebruiker, form):
    """The aanbieder's inbox of requests."""
    return page(
        request,
        "pages/consultatie/inbox.html",
        inbox_context(request, db, user) | {"title": "Vragen om consultatie"},
    )


routes = [
    Route("/aanbieder/consultaties", aanbieder_inbox, name="aanbieder_consultaties"),
]
