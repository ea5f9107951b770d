"""What the beheer page of an aanbieder shows of its wachttijd and plek: its current figures (read
only) and its instroomstops, with the form to set one when the aanbieder works in the region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import ALL, Figure, settings_for, settings_of
from keuzehulp.domain.regio import SERVED, model_of
from keuzehulp.models import Aanbieder, Gebruiker, Instroomstop
from keuzehulp.queries import beheer as reads
from keuzehulp.queries.beschikbaarheid import state
from keuzehulp.services.beschikbaarheid_regio import Reach, reach, region
from keuzehulp.services.zorglandschap_wachttijd import hulp_name
from keuzehulp.web.kit.templating import datum

BLANK_STOP = {"stop_hulp": ALL, "stop_gemeente": "", "stop_reden": "", "stop_tot": ""}


@dataclass(frozen=True)
class FigureRow:
    """One current figure as the page lists it (`verouderd`: by the freshness of its region)."""

    figure: Figure
    hulp: str
    gemeente: str
    verouderd: bool


@dataclass(frozen=True)
class StopRow:
    """One instroomstop as the page lists it."""

    stop: Instroomstop
    hulp: str
    gemeente: str
    status: str
    kan_opheffen: bool


def reach_of(db: Session, user: Gebruiker, aanbieder: Aanbieder) -> Reach | None:
    """The aanbieder's contract lines as the beheerder's region sees them; None when it has none there."""
    if not reads.aanbieder_seen_in(db, aanbieder.id, user.regio_id):
        return None
    found = reach(db, region(db, user.regio_id), aanbieder.id, clock.today())
    return found if found.mine else None


def _status(stop: Instroomstop, today: date) -> str:
    if stop.opgeheven_op is not None:
        return f"opgeheven op {datum(stop.opgeheven_op)}"
    if stop.tot is not None and stop.tot < today:
        return "afgelopen"
    return "loopt" if stop.vanaf <= today else f"begint op {datum(stop.vanaf)}"


def context(request, db: Session, user: Gebruiker, aanbieder: Aanbieder, values=None, errors=None) -> dict:
    """The figures, the stops and the stop form (`values` and `errors` after a refused one)."""
    today, names = clock.today(), request.app.state.site.taxonomy.gemeente_namen
    slug = reads.regio_slug(db, user) or SERVED
    model, own = model_of(slug), settings_of(slug)
    figures = [
        FigureRow(
            f,
            hulp_name(model, f.hulp),
            names.get(f.gemeente, "Alle gemeenten"),
            not (settings_for(f.gemeente) if f.gemeente else own).fresh(f.bevestigd_op, today),
        )
        for f in sorted(state(db, aanbieder.id).figures, key=lambda f: (f.hulp, f.gemeente or ""))
    ]
    seen = reach_of(db, user, aanbieder)
    ids = {g.id: g.naam for g in request.app.state.site.taxonomy.gemeenten}
    stops = [
        StopRow(
            s,
            hulp_name(model, s.hulp),
            ids.get(s.gemeente_id, "Alle gemeenten"),
            _status(s, today),
            seen is not None and s.opgeheven_op is None and (s.tot is None or s.tot >= today),
        )
        for s in reads.instroomstops_of(db, aanbieder.id)
    ]
    hulp_choices = [(ALL, "Alle hulp")]
    if seen is not None:
        hulp_choices += [(hulp, hulp_name(model, hulp)) for hulp in seen.mine]
    return {
        "cijfers": figures,
        "stops": stops,
        "stop_mag": seen is not None,
        "stop_waarden": values or BLANK_STOP,
        "stop_fouten": {k: v for k, v in (errors or {}).items() if k != "opheffen"},
        "opheffen_fout": (errors or {}).get("opheffen", ""),
        "stop_hulp_keuzes": hulp_choices,
        "stop_gemeente_keuzes": seen.gemeenten() if seen else [],
        "regio_naam": region(db, user.regio_id).naam,
    }
