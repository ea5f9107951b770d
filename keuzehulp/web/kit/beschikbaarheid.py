"""Wachttijd and plek in words, for the result cards, the comparison, the profile and the API: which
figure answers a search (`matching_availability`) and the rows of a profile's table (`profile_rows`).
The rules (matching figure, freshness, stops) are in domain/beschikbaarheid.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from keuzehulp.domain.beschikbaarheid import (
    Availability,
    availability,
    dakje_key,
    dakje_of,
    hulp_key,
    settings_for,
    soonest,
)
from keuzehulp.i18n import gettext
from keuzehulp.queries.beschikbaarheid import State
from keuzehulp.search.documents import availability_data
from keuzehulp.search.filters import SearchRequest
from keuzehulp.web.kit.presenters import contract_matches, product_code, scope_line, term_labels

Found = tuple[str, str, Availability]  # hulp, gemeente, availability


def hulp_label(hulp: str) -> str:
    """A kind of help in plain words: 'Jeugdhulp: ... (OB3)', 'In een kleine groep ... (dakje 2)'."""
    dakje = dakje_of(hulp)
    if dakje is not None:
        return term_labels("dakje").get(dakje, dakje)
    perceel, _, product = hulp.partition("/")
    return scope_line(perceel, product or None)


def hulp_kort(hulp: str) -> str:
    """A kind of help in a few words: its code ('OB3'), 'wonen en verblijf (dakje 2)', else its label."""
    dakje = dakje_of(hulp)
    if dakje is not None:
        return gettext("wonen en verblijf (dakje %(dakje)s)") % {"dakje": dakje}
    perceel, _, product = hulp.partition("/")
    return (product and product_code(product)) or hulp_label(hulp)


def _soonest_of(figures, stops, contracts, dakjes, request: SearchRequest, today: date) -> Found | None:
    dakje_lines = [
        (dakje_key(dakje), gemeente)
        for gemeente, dakje in dakjes
        if (not request.gemeente or gemeente == request.gemeente)
        and (not request.dakje or dakje == request.dakje)
    ]
    if request.dakje or request.plek:
        return soonest(figures, stops, dakje_lines, today)
    lines = [
        (hulp_key(perceel, ob), gemeente)
        for gemeente, perceel, ob, niveau in contracts
        if contract_matches(request, gemeente, perceel, ob, niveau)
    ]
    found = soonest(figures, stops, lines, today)
    if found is None and not (request.perceel or request.ob or request.niveau):
        return soonest(figures, stops, dakje_lines, today)
    return found


def matching_availability(data: dict, request: SearchRequest, today: date, parsed=None) -> Found | None:
    """The figure a result shows for the search: of its dakje when one (or a free place) is asked,
    else the soonest of its matching contract lines (or, without a kind of help asked, of its
    dakjes). `parsed`: the document's `availability_data`, when the caller keeps it."""
    figures, stops = parsed or availability_data(data)
    return _soonest_of(figures, stops, data["contracten"], data["dakjes"], request, today)


def profile_availability(profile, request: SearchRequest, today: date) -> Found | None:
    """`matching_availability` for a profile read from the database (the comparison)."""
    contracts = [(g.cbs_code, c.perceel, c.product, c.variant) for c, g in profile.contracten]
    dakjes = [(g.cbs_code, d.dakje) for d, g in profile.dakjes]
    state: State = profile.beschikbaarheid
    return _soonest_of(state.figures, state.stops, contracts, dakjes, request, today)


@dataclass(frozen=True)
class Row:
    """One row of a profile's table: a kind of help, where (None: every gemeente), what it shows."""

    hulp: str
    label: str
    gemeente: str | None  # CBS code
    gemeente_naam: str | None
    availability: Availability


def profile_rows(profile, gemeente_namen: dict[str, str], today: date) -> list[Row]:
    """Per kind of help the aanbieder is contracted for, its general figure, then each gemeente whose
    own figure differs; help without a figure shows as unknown."""
    hulp_keys = {hulp_key(c.perceel, c.product) for c, _ in profile.contracten}
    dakjes = {dakje_key(d.dakje) for d, _ in profile.dakjes}
    state: State = profile.beschikbaarheid
    rows = []
    for hulp in [*sorted(hulp_keys), *sorted(dakjes)]:
        gemeenten = sorted({f.gemeente for f in state.figures if f.hulp == hulp and f.gemeente})
        for gemeente in [None, *gemeenten]:
            found = availability(state.figures, state.stops, hulp, gemeente, today)
            naam = gemeente_namen.get(gemeente, gemeente) if gemeente else None
            rows.append(Row(hulp, hulp_label(hulp), gemeente, naam, found))
    return rows


def running_stops(state: State, today: date) -> Iterable:
    """The instroomstops of a profile that are running today."""
    return [stop for stop in state.stops if stop.active(today)]


def vers_weken(gemeente: str | None) -> int:
    """The weeks a figure stays fresh in a gemeente's region (for 'mogelijk verouderd')."""
    return settings_for(gemeente).vers_weken
