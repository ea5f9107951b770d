"""No dead ends: when a search finds nothing, the nearest searches that do find something."""

from __future__ import annotations

from dataclasses import dataclass, replace

from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.filters import SearchRequest
from keuzehulp.search.snapshot import Snapshot
from keuzehulp.services.taxonomy import Taxonomy

NEIGHBOURS = {"A": ("B",), "B": ("A", "C"), "C": ("B",)}
MAX_OPTIONS = 3
# Filters dropped one after another when no single change helps: wishes first, the need last.
DROPS = (
    ("zonder specialisatie", "specialisatie", ()),
    ("met elke wachttijd", "max_wachttijd", None),
    ("in elke taal", "taal", None),
    ("ook zonder spoedhulp", "spoedhulp", False),
    ("ook zonder resultaten", "met_resultaten", False),
    ("zonder zoekwoorden", "q", ""),
    ("voor elke leeftijd", "doelgroep", None),
    ("zonder wonen of verblijf", "dakje", None),
    ("met elk niveau", "niveau", None),
)


@dataclass(frozen=True)
class Relaxation:
    label: str
    request: SearchRequest
    count: int


def _candidates(r: SearchRequest, taxonomy: Taxonomy) -> list[tuple[str, SearchRequest]]:
    """One-step loosenings, the smallest change first."""
    options: list[tuple[str, SearchRequest]] = []
    for slug in r.specialisatie:
        spec = taxonomy.specialisatie(slug)
        rest = tuple(s for s in r.specialisatie if s != slug)
        options.append(
            (f"zonder de specialisatie '{spec.label_b1 if spec else slug}'", replace(r, specialisatie=rest))
        )
    if r.max_wachttijd is not None:
        options.append(("met elke wachttijd", replace(r, max_wachttijd=None)))
    if r.taal:
        options.append(("in elke taal", replace(r, taal=None)))
    if r.spoedhulp:
        options.append(("ook zonder spoedhulp", replace(r, spoedhulp=False)))
    if r.met_resultaten:
        options.append(("ook zonder resultaten", replace(r, met_resultaten=False)))
    if r.doelgroep:
        options.append(("voor elke leeftijd", replace(r, doelgroep=None)))
    for other in NEIGHBOURS.get(r.niveau or "", ()):
        options.append((f"met niveau {other} in plaats van {r.niveau}", replace(r, niveau=other)))
    if r.niveau:
        options.append(("met elk niveau", replace(r, niveau=None)))
    if r.dakje:
        options.append(("zonder wonen of verblijf", replace(r, dakje=None)))
    if r.q:
        options.append((f"zonder de zoekwoorden '{r.q}'", replace(r, q="")))
    if r.perceel and r.ob is None:
        options.append(("voor alle leeftijden", replace(r, perceel=None)))
    return [(label, replace(request, pagina=1)) for label, request in options]


def relaxations(engine: SearchEngine, snapshot: Snapshot, request: SearchRequest) -> list[Relaxation]:
    """Up to three loosened searches with results, nearest first; empty when none helps.

    First single changes; when none of those finds anything, the changes are combined in the
    same order until the search finds something, so there is always a way forward.
    """
    candidates = _candidates(request, engine.taxonomy)
    found = []
    for label, loosened in candidates:
        count = engine.count(snapshot, loosened)
        if count:
            found.append(Relaxation(label, loosened, count))
        if len(found) == MAX_OPTIONS:
            break
    if found:
        return found
    labels, current = [], request
    for label, field_name, cleared in DROPS:
        if getattr(current, field_name) == cleared:
            continue
        current = replace(current, **{field_name: cleared})
        labels.append(label)
        count = engine.count(snapshot, current)
        if count:
            return [Relaxation(_join(labels), current, count)]
    return []


def _join(parts: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"
