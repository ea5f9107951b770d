"""The wijkteam's start page: its inbox, and its own gemeenten with direct searches.

A wijkteam user sees only the gemeenten it works for; asking for another gemeente gives 403.
"""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.twents_model import NIVEAUS_PER_OB, PERCEEL_OBS
from keuzehulp.models import Gebruiker, Gemeente
from keuzehulp.queries.consultatie import own_gemeenten
from keuzehulp.services.consultatie import read_moments
from keuzehulp.services.voorkeuren import for_wijkteam
from keuzehulp.services.zorglandschap import Cell, count_cell
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.shared.consultatie import inbox_context


def _matrix(site, gemeente: Gemeente) -> tuple[dict, Cell]:
    """Aanbieders in the gemeente per perceel: {perceel: [(OB, [(niveau, Cell)])]} for jeugd and Wmo
    apart, and the Cell for dyslexie."""
    snapshot = site.index.snapshot()

    def cell(**filters) -> Cell:
        return count_cell(site.search, snapshot, gemeente, filters)

    matrix: dict[str, list] = {}
    for perceel, ob in PERCEEL_OBS:
        cells = [(n, cell(perceel=perceel, ob=ob, niveau=n)) for n in NIVEAUS_PER_OB[ob]]
        matrix.setdefault(perceel, []).append((ob, cells))
    return matrix, cell(perceel="dyslexie")


@signed_in("wijkteam")
def start(request: Request, db: Session, user: Gebruiker, form):
    """The wijkteam's inbox (consultaties and voorkeuren) and its gemeenten with aanbieders per
    perceel, OB and niveau."""
    own = own_gemeenten(db, user)
    wanted = request.query_params.get("gemeente", "")
    if wanted and wanted not in {g.cbs_code for g in own}:
        raise HTTPException(
            403, "U werkt niet voor deze gemeente. U ziet alleen de gemeenten van uw wijkteam."
        )
    chosen = next((g for g in own if g.cbs_code == wanted), own[0] if own else None)
    matrix, dyslexie = _matrix(request.app.state.site, chosen) if chosen else ({}, None)
    context = {
        "gemeenten": own,
        "gekozen": chosen,
        "matrix": matrix,
        "dyslexie": dyslexie,
        "voorkeuren": for_wijkteam(db, user),
        "voorkeur_gelezen": read_moments(db, user, "voorkeur"),
    }
    return page(request, "pages/wijkteam/start.html", context | inbox_context(request, db, user))


routes = [Route("/wijkteam", start, name="wijkteam")]
