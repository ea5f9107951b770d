"""No dead ends: when a search finds nothing, the nearest searches that do find something."""

from __future__ import annotations

from dataclasses import dataclass, replace

from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.i18n import N_, gettext, seed_text
from keuzehulp.search.engine import SearchEngine
from keuzehulp.search.filters import SearchRequest
from keuzehulp.search.snapshot import Snapshot

NEIGHBOURS = {"A": ("B",), "B": ("A", "C"), "C": ("B",)}
MAX_OPTIONS = 3
# Filters dropped one after another when no single change helps: wishes first, the need last.
DROPS = (  # labels are translated where they are used
    (N_("zonder specialisatie"), "specialisatie", ()),
    (N_("met elke wachttijd"), "max_wachttijd", None),
    (N_("in elke taal"), "taal", None),
    (N_("ook zonder spoedhulp"), "spoedhulp", False),
    (N_("ook zonder resultaten"), "met_resultaten", False),
    (N_("zonder zoekwoorden"), "q", ""),
    (N_("voor elke leeftijd"), "doelgroep", None),
    (N_("zonder wonen of verblijf"), "dakje", None),
    (N_("met elk niveau"), "niveau", None),
)


@dataclass(frozen=True)
class Relaxation:
    label: str
    request: SearchRequest
    count: int


def _candidates(r: SearchRequest, taxonomy: Taxonomy) -> list[tuple[str, SearchRequest]]:
    """One-step loosenings, the smallest change first, labelled in the request's language."""
    options: list[tuple[str, SearchRequest]] = []
    for slug in r.specialisatie:
        spec = taxonomy.specialisatie(slug)
        rest = tuple(s for s in r.specialisatie if s != slug)
        name = seed_text(spec.label_b1) if spec else slug
        label = gettext("zonder de specialisatie '%(naam)s'") % {"naam": name}
        options.append((label, replace(r, specialisatie=rest)))
    if r.max_wachttijd is not None:
        options.append((gettext("met elke wachttijd"), replace(r, max_wachttijd=None)))
    if r.taal:
        options.append((gettext("in elke taal"), replace(r, taal=None)))
    if r.spoedhulp:
        options.append((gettext("ook zonder spoedhulp"), replace(r, spoedhulp=False)))
    if r.met_resultaten:
        options.append((gettext("ook zonder resultaten"), replace(r, met_resultaten=False)))
    if r.doelgroep:
        options.append((gettext("voor elke leeftijd"), replace(r, doelgroep=None)))
    for other in NEIGHBOURS.get(r.niveau or "", ()):
        label = gettext("met niveau %(ander)s in plaats van %(niveau)s")
        label %= {"ander": other, "niveau": r.niveau}
        options.append((label, replace(r, niveau=other)))
    if r.niveau:
        options.append((gettext("met elk niveau"), replace(r, niveau=None)))
    if r.dakje:
        options.append((gettext("zonder wonen of verblijf"), replace(r, dakje=None)))
    if r.q:
        options.append((gettext("zonder de zoekwoorden '%(woorden)s'") % {"woorden": r.q}, replace(r, q="")))
    if r.perceel and r.ob is None:
        options.append((gettext("voor alle leeftijden"), replace(r, perceel=None)))
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
        labels.append(gettext(label))
        count = engine.count(snapshot, current)
        if count:
            return [Relaxation(_join(labels), current, count)]
    return []


def _join(parts: list[str]) -> str:
    """'a', 'a en b', 'a, b en c' (or 'and' in English)."""
    if len(parts) == 1:
        return parts[0]
    return gettext("%(eerste)s en %(laatste)s") % {"eerste": ", ".join(parts[:-1]), "laatste": parts[-1]}
