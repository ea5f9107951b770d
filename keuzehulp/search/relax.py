"""No dead ends: when a search finds nothing, the nearest searches that do find something."""

from __future__ import annotations

from dataclasses import dataclass, replace

from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.i18n import gettext, seed_text
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.filters import FILTERS, Filter, SearchRequest
from keuzehulp.search.snapshot import Snapshot

NEIGHBOURS = {"A": ("B",), "B": ("A", "C"), "C": ("B",)}
MAX_OPTIONS = 3
LOOSENABLE = tuple(sorted((f for f in FILTERS if f.loosen), key=lambda f: f.loosen[0]))
# Filters dropped one after another when no single change helps: wishes first, the need last.
DROPS = tuple(sorted((f for f in FILTERS if f.drop), key=lambda f: f.drop[0]))


@dataclass(frozen=True)
class Relaxation:
    label: str
    request: SearchRequest
    count: int


def _candidates(r: SearchRequest, taxonomy: Taxonomy) -> list[tuple[str, SearchRequest]]:
    """One-step loosenings, the smallest change first, labelled in the request's language."""
    options: list[tuple[str, SearchRequest]] = []
    for spec in LOOSENABLE:
        if spec.is_set(r):
            options += _loosenings(spec, r, taxonomy)
    return [(label, replace(request, pagina=1)) for label, request in options]


def _loosenings(spec: Filter, r: SearchRequest, taxonomy: Taxonomy) -> list[tuple[str, SearchRequest]]:
    label = gettext(spec.loosen[1])
    value = getattr(r, spec.field)
    if spec.many:  # one value at a time
        names = dict(spec.options(taxonomy))
        return [
            (
                label % {"naam": seed_text(names.get(v, v))},
                replace(r, **{spec.field: tuple(x for x in value if x != v)}),
            )
            for v in value
        ]
    cleared = replace(r, **{spec.field: spec.default})
    if spec.param == "niveau":  # a neighbouring niveau is a smaller change than any niveau
        label_other = gettext("met niveau %(ander)s in plaats van %(niveau)s")
        return [
            *(
                (label_other % {"ander": o, "niveau": value}, replace(r, niveau=o))
                for o in NEIGHBOURS.get(value, ())
            ),
            (label, cleared),
        ]
    if spec.param == "perceel" and r.ob is not None:
        return []  # the OB decides the perceel
    if spec.param == "q":
        return [(label % {"woorden": value}, cleared)]
    return [(label, cleared)]


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
    for spec in DROPS:
        if not spec.is_set(current):
            continue
        current = replace(current, **{spec.field: spec.default})
        labels.append(gettext(spec.drop[1]))
        count = engine.count(snapshot, current)
        if count:
            return [Relaxation(_join(labels), current, count)]
    return []


def _join(parts: list[str]) -> str:
    """'a', 'a en b', 'a, b en c' (or 'and' in English)."""
    if len(parts) == 1:
        return parts[0]
    return gettext("%(eerste)s en %(laatste)s") % {"eerste": ", ".join(parts[:-1]), "laatste": parts[-1]}
