"""The audit log of the beheerder's region (queries/regio_scope.py): searchable, in words, and as CSV."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keuzehulp.models import Gebruiker
from keuzehulp.queries.audit import search_audit
from keuzehulp.services.audit import audit_csv
from keuzehulp.web.beheer.audit_view import describe
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.kit.paging import paging, search_text


@signed_in("beheerder")
def logboek(request: Request, db: Session, user: Gebruiker, form):
    """The audit log, searchable, newest first, in words: people by name and role, changes per field."""
    q = search_text(request)
    listing = search_audit(db, user.regio_id, q)
    p = paging(request, listing.count())
    rows = listing.page(p.offset, p.size)
    return page(request, "pages/beheer/logboek.html", {"lines": describe(db, rows), "q": q, "p": p})


@signed_in("beheerder")
def logboek_csv(request: Request, db: Session, user: Gebruiker, form):
    """The (filtered) audit log as CSV."""
    rows = search_audit(db, user.regio_id, search_text(request)).page(0, 100_000)
    headers = {"Content-Disposition": 'attachment; filename="logboek.csv"'}
    return Response(audit_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


routes = [
    Route("/beheer/logboek", logboek, name="beheer_audit"),
    Route("/beheer/logboek.csv", logboek_csv, name="beheer_audit_csv"),
]
