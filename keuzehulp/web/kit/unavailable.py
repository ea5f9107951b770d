"""Honest 503s: when the database refuses or the search index is being repaired, the visitor gets
a Dutch "probeer het over een minuut opnieuw" with Retry-After, and a form's typed values come
back in a "Probeer opnieuw" form. The app heals itself; nothing needs a restart."""

from __future__ import annotations

import logging
import time

from starlette.requests import Request

from keuzehulp.i18n import N_, gettext

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 60
TITLE = N_("Even niet beschikbaar")
DATABASE_TEXT = N_(
    "We kunnen uw gegevens nu niet opslaan of ophalen. Er is niets veranderd. "
    "Probeer het over een minuut opnieuw."
)
SEARCH_TEXT = N_(
    "Zoeken werkt even niet. We maken de zoekfunctie nu opnieuw. Probeer het over een minuut opnieuw."
)


SECRET_FIELDS = ("csrf_token", "wachtwoord", "herhaal", "code", "geheim")  # never written into a page


def retry_fields(request: Request) -> list[tuple[str, str]]:
    """The typed values of the form this request sent, to send again: no files, no token and no
    password or second-step code."""
    form = getattr(request.state, "form", None)
    if form is None or request.method != "POST":
        return []
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str) and k not in SECRET_FIELDS]


def database_unavailable(request: Request, error: Exception) -> tuple[str, str]:
    """Title and text for a database that refuses. Nothing else is needed to recover: a
    connection that lost the database is invalidated by SQLAlchemy and replaced on next use
    (and checked with pre-ping on PostgreSQL)."""
    log.warning("Database weigert (%s): 503", type(error).__name__)
    request.app.state.write_failed_at = time.monotonic()  # /readyz says so for a while
    return gettext(TITLE), gettext(DATABASE_TEXT)


def search_unavailable(request: Request) -> tuple[str, str]:
    """Title and text while the index is repaired (the sync loop rebuilds it)."""
    log.warning("Zoekindex kon niet lezen: 503, de index wordt opnieuw opgebouwd")
    request.app.state.site.index.report_broken()
    return gettext(TITLE), gettext(SEARCH_TEXT)
