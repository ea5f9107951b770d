"""The history of an aanbieder's profile in words (for the aanbieder and for beheer), and the
choices of the profile form whose labels it uses."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request

from keuzehulp.domain.taxonomy import labels
from keuzehulp.domain.twents_model import FUNCTIENIVEAUS
from keuzehulp.models import Aanbieder
from keuzehulp.services import profiel
from keuzehulp.web.kit.guard import page


def options(request: Request) -> dict:
    """The choices of the profile form, as (value, label) pairs."""
    taxonomy = request.app.state.site.taxonomy
    return {
        "specialisaties": [(s.slug, s.label_b1) for s in taxonomy.specialisaties],
        "doelgroepen": [(d.slug, d.naam) for d in taxonomy.doelgroepen],
        "talen": [(t.slug, t.naam) for t in taxonomy.talen],
        "werkvormen": list(labels()["werkvormen"].items()),
        "functieniveaus": [(f, f"{f}: {labels()['functieniveaus'][f]}") for f in FUNCTIENIVEAUS],
        "plaatsen": [k.naam for k in taxonomy.kernen],
    }


def readable(request: Request, changes: list[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    """(label, before, after) texts for a diff, with taxonomy labels instead of codes."""
    choices = options(request)
    names = {
        key: dict(choices[key])
        for key in ("specialisaties", "doelgroepen", "talen", "werkvormen", "functieniveaus")
    }
    names["consultatie_functieniveaus"] = {f: f for f in FUNCTIENIVEAUS}

    def text(field: str, value) -> str:
        if value is None or value == [] or value == "":
            return "(leeg)"
        if field == "vestigingen":
            return "; ".join(f"{v['naam'] or v['adres']}, {v['postcode']} {v['plaats']}" for v in value)
        if isinstance(value, list):
            return ", ".join(names.get(field, {}).get(v, v) for v in value)
        return str(value)

    return [(profiel.FIELD_LABELS[f], text(f, old), text(f, new)) for f, old, new in changes]


def history_page(request: Request, db: Session, aanbieder: Aanbieder):
    """The list of saved versions with a readable diff (for the aanbieder and for beheer)."""
    entries = [
        {"versie": e["versie"], "wijzigingen": readable(request, e["wijzigingen"])}
        for e in profiel.history(db, aanbieder.id)
    ]
    return page(request, "pages/aanbieder/historie.html", {"aanbieder": aanbieder, "entries": entries})
