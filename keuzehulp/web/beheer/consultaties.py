"""Consultaties for beheerders: response times per aanbieder, overdue requests, every request."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp import clock
from keuzehulp.domain.validation import whole_number
from keuzehulp.models import Gebruiker
from keuzehulp.services import consultatie as service
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.paging import paging, search_text
from keuzehulp.web.shared.consultatie import inbox_context


@signed_in("beheerder")
def beheer_overzicht(request: Request, db: Session, user: Gebruiker, form):
    """Response times per aanbieder and overdue requests; every request, searchable by aanbieder or
    number, 50 per page."""
    now: datetime = clock.now()
    context = {
        "rows": service.response_times(db, user.regio_id, now),
        "te_laat": service.count_overdue(db, user.regio_id, now),
    }
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
    Route("/beheer/consultaties", beheer_overzicht, name="beheer_consultaties"),
]
