"""The wijkteam's start page: its inbox, and its own gemeenten with direct searches.

A wijkteam user sees only the gemeenten it works for; asking for another gemeente gives 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from keuzehulp.domain.regio import model_for
from keuzehulp.models import Gebruiker, Gemeente
from keuzehulp.queries.consultatie import own_gemeenten
from keuzehulp.services import zorglandschap as service
from keuzehulp.services.consultatie import read_moments
from keuzehulp.services.voorkeuren import for_wijkteam
from keuzehulp.services.zorglandschap import Cell, Column, count_cell
from keuzehulp.web.kit.guard import page, signed_in
from keuzehulp.web.shared.consultatie import inbox_context


@dataclass(frozen=True)
class Row:
    """One row of the wijkteam's matrix: a product of a perceel (or a perceel without products)
    and its counts, each with the text of its link ('niveau A', 'aanbieders')."""

    header: str
    cells: list[tuple[str, Cell]]


def _product_row(model, perceel: str, product: str, cells: list[tuple[Column, Cell]]) -> Row:
    """'Wmo OB1: Praktische ondersteuning' with a link per niveau in Twente; 'Jeugdhulp: GGZ' with
    one link in Regio Nijmegen."""
    terms = model.terms
    perceel_naam, naam = terms["percelen"][perceel]["naam"], terms["producten"][product]["naam"]
    code = service.product_name(model, product)
    header = f"{perceel_naam} {code}: {naam}" if code != naam else f"{perceel_naam}: {naam}"
    variant_word = terms["model"].get("variant", {}).get("enkelvoud", "")
    return Row(
        header,
        [
            (f"{variant_word} {c.filters['niveau']}" if "niveau" in c.filters else "aanbieders", cell)
            for c, cell in cells
        ],
    )


def _matrix(site, gemeente: Gemeente) -> list[tuple[str | None, list[Row]]]:
    """Aanbieders in the gemeente per perceel of its region's model, jeugd and Wmo apart: per
    product (and variant where the product has them: Twente's OB and niveau), under the perceel's
    label; a perceel without products (dyslexie) is a row of its own without a heading. The cells
    are the zorglandschap's."""
    model = model_for(gemeente.cbs_code)
    snapshot = site.index.snapshot()
    cells = [
        (c, count_cell(site.search, snapshot, gemeente, c.filters))
        for c in service.columns(model)
        if "perceel" in c.filters
    ]
    blocks: list[tuple[str | None, list[Row]]] = []
    for perceel, in_perceel in groupby(cells, key=lambda item: item[0].filters["perceel"]):
        terms = model.terms["percelen"][perceel]
        if not model.percelen[perceel].producten:
            blocks.append((None, [Row(terms["label"], [(terms["naam"], cell) for _, cell in in_perceel])]))
            continue
        rows = [
            _product_row(model, perceel, product, list(same))
            for product, same in groupby(in_perceel, key=lambda item: item[0].filters["ob"])
        ]
        blocks.append((terms["label"], rows))
    return blocks


@signed_in("wijkteam")
def start(request: Request, db: Session, user: Gebruiker, form):
    """The wijkteam's inbox (consultaties and voorkeuren) and its gemeenten with aanbieders per
    perceel and product (and variant) of the gemeente's region model."""
    own = own_gemeenten(db, user)
    wanted = request.query_params.get("gemeente", "")
    if wanted and wanted not in {g.cbs_code for g in own}:
        raise HTTPException(
            403, "U werkt niet voor deze gemeente. U ziet alleen de gemeenten van uw wijkteam."
        )
    chosen = next((g for g in own if g.cbs_code == wanted), own[0] if own else None)
    matrix = _matrix(request.app.state.site, chosen) if chosen else []
    model = model_for(chosen.cbs_code).terms["model"] if chosen else {}
    context = {
        "gemeenten": own,
        "gekozen": chosen,
        "matrix": matrix,
        "product_woord": model.get("product", {}).get("enkelvoud", ""),
        "variant_woord": model.get("variant", {}).get("enkelvoud", ""),
        "voorkeuren": for_wijkteam(db, user),
        "voorkeur_gelezen": read_moments(db, user, "voorkeur"),
    }
    return page(request, "pages/wijkteam/start.html", context | inbox_context(request, db, user))


routes = [Route("/wijkteam", start, name="wijkteam")]
