"""Search parameters: one parser for the HTML page and the JSON API, with plain-language errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.domain.twents_model import DAKJES, NIVEAUS, NIVEAUS_PER_OB, OBS, PERCELEN
from keuzehulp.domain.validation import whole_number
from keuzehulp.i18n import gettext

PER_PAGE = 20
MAX_PER_PAGE = 100  # the API may ask for more results per page
SORTS = ("willekeurig", "relevantie", "wachttijd", "naam", "afstand", "resultaat")
WACHTTIJD_OPTIONS = (1, 2, 4, 8, 12)
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10_000
MAX_WACHTTIJD = 104
YES_NO = ("ja", "nee")


@dataclass(frozen=True)
class SearchRequest:
    """A normalised search: filters (gemeente as CBS code), text, order and page."""

    q: str = ""
    gemeente: str | None = None
    perceel: str | None = None
    ob: int | None = None
    niveau: str | None = None
    dakje: str | None = None
    specialisatie: tuple[str, ...] = ()
    doelgroep: str | None = None
    taal: str | None = None
    spoedhulp: bool = False
    met_resultaten: bool = False
    max_wachttijd: int | None = None
    woonplaats: str | None = None
    sort: str = ""
    pagina: int = 1
    per_page: int = field(default=PER_PAGE)
    from_text: tuple[str, ...] = ()  # filters read from the typed text ("OB2B"), to say so
    _hash: int | None = field(default=None, init=False, repr=False, compare=False)

    def __hash__(self) -> int:  # a request is a key of several caches: hash it once
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(tuple(getattr(self, name) for name in _COMPARED)))
        return self._hash

    @property
    def effective_sort(self) -> str:
        """The order used: relevance with text, otherwise the neutral shuffle, unless chosen."""
        if self.sort == "relevantie" and not self.q:
            return "willekeurig"
        if self.sort:
            return self.sort
        return "relevantie" if self.q else "willekeurig"


_COMPARED = tuple(f.name for f in fields(SearchRequest) if f.compare)


class InvalidSearch(ValueError):
    """Parameters that cannot be searched; `details` maps each parameter to a message (Dutch by default)."""

    def __init__(self, details: dict[str, str]):
        super().__init__("; ".join(details.values()))
        self.details = details


def _first(params: Mapping, name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def _all(params, name: str) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if v and v.strip()]


_LETTER_CODE = re.compile(
    r"\b(?:ob\s*([1-4])(?:\s*(?:niveau\s*)?([a-e]))?|([1-4])([a-e])|niveau\s*([a-e]))\b", re.IGNORECASE
)


def _letter_code(q: str) -> dict:
    """Filters for what a letter from the wijkteam says, typed as text: 'OB2B', 'OB 2 niveau B',
    '2B', 'ob2' or 'niveau B'. The code is taken out of the text; from_text says what was read."""
    match = _LETTER_CODE.search(q)
    if match is None:
        return {}
    ob_text = match.group(1) or match.group(3)
    niveau = (match.group(2) or match.group(4) or match.group(5) or "").upper()
    ob = int(ob_text) if ob_text else None
    if ob is not None and niveau and niveau not in NIVEAUS_PER_OB[ob]:
        niveau = ""  # 'OB3D' does not exist: keep the OB only
    found = {"q": " ".join((q[: match.start()] + " " + q[match.end() :]).split())}
    if ob is not None:
        found["ob"] = ob
    if niveau:
        found["niveau"] = niveau
    found["from_text"] = tuple(name for name in ("ob", "niveau") if name in found)
    return found


def parse_search(params, taxonomy: Taxonomy) -> SearchRequest:
    """Turn query parameters into a SearchRequest, or raise InvalidSearch listing every bad one."""
    errors: dict[str, str] = {}
    values: dict = {}

    q = _first(params, "q")
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = gettext("De zoektekst is te lang. Gebruik hooguit %(max)s tekens.") % {
            "max": MAX_QUERY_LENGTH
        }
    values["q"] = q[:MAX_QUERY_LENGTH]
    if not _first(params, "ob") and not _first(params, "niveau"):
        values.update(_letter_code(values["q"]))

    if raw := _first(params, "gemeente"):
        gemeente = taxonomy.gemeente(raw)
        if gemeente is None:
            errors["gemeente"] = gettext(
                "De gemeente '%(waarde)s' kennen we niet. Kies een gemeente uit de lijst."
            ) % {"waarde": raw}
        else:
            values["gemeente"] = gemeente.cbs_code
    if raw := _first(params, "perceel").lower():
        if raw not in PERCELEN:
            errors["perceel"] = gettext("Kies jeugd, wmo of dyslexie.")
        values["perceel"] = raw if raw in PERCELEN else None
    if raw := _first(params, "ob"):
        number = whole_number(raw.upper().removeprefix("OB"))
        if number not in OBS:
            errors["ob"] = gettext("Ondersteuningsbehoefte '%(waarde)s' bestaat niet. Kies 1, 2, 3 of 4.") % {
                "waarde": raw
            }
        else:
            values["ob"] = number
    if raw := _first(params, "niveau").upper():
        if raw not in NIVEAUS:
            errors["niveau"] = gettext("Niveau '%(waarde)s' bestaat niet. Kies A, B, C, D of E.") % {
                "waarde": raw
            }
        else:
            values["niveau"] = raw
    if raw := _first(params, "dakje").upper():
        if raw not in DAKJES:
            errors["dakje"] = gettext("Dakje '%(waarde)s' bestaat niet. Kies %(dakjes)s.") % {
                "waarde": raw,
                "dakjes": ", ".join(DAKJES),
            }
        else:
            values["dakje"] = raw
    specialisaties = []
    for raw in _all(params, "specialisatie"):
        if taxonomy.specialisatie(raw) is None:
            errors["specialisatie"] = gettext("De specialisatie '%(waarde)s' kennen we niet.") % {
                "waarde": raw
            }
        elif raw not in specialisaties:
            specialisaties.append(raw)
    values["specialisatie"] = tuple(sorted(specialisaties))
    if raw := _first(params, "doelgroep"):
        if raw not in {d.slug for d in taxonomy.doelgroepen}:
            errors["doelgroep"] = gettext("De doelgroep '%(waarde)s' kennen we niet.") % {"waarde": raw}
        else:
            values["doelgroep"] = raw
    if raw := _first(params, "taal"):
        if raw not in {t.slug for t in taxonomy.talen}:
            errors["taal"] = gettext("De taal '%(waarde)s' kennen we niet.") % {"waarde": raw}
        else:
            values["taal"] = raw
    if raw := _first(params, "spoedhulp").lower():
        if raw not in YES_NO:
            errors["spoedhulp"] = gettext("Spoedhulp is 'ja' of 'nee'.")
        values["spoedhulp"] = raw == "ja"
    if raw := _first(params, "resultaten").lower():
        if raw not in YES_NO:
            errors["resultaten"] = gettext("Resultaten is 'ja' of 'nee'.")
        values["met_resultaten"] = raw == "ja"
    if raw := _first(params, "max_wachttijd"):
        if (weeks := whole_number(raw, 0, MAX_WACHTTIJD)) is None:
            errors["max_wachttijd"] = gettext("De wachttijd is een aantal weken, van 0 tot 104.")
        else:
            values["max_wachttijd"] = weeks
    if raw := _first(params, "woonplaats"):
        kern = taxonomy.kern(raw)
        if kern is None:
            errors["woonplaats"] = gettext("De woonplaats '%(waarde)s' kennen we niet.") % {"waarde": raw}
        else:
            values["woonplaats"] = kern.slug
    if raw := _first(params, "sort").lower():
        if raw not in SORTS:
            errors["sort"] = gettext("Kies een volgorde uit de lijst.")
        else:
            values["sort"] = raw
    if raw := _first(params, "pagina"):
        if (page := whole_number(raw, 1, MAX_PAGE)) is None:
            errors["pagina"] = gettext("Het paginanummer klopt niet.")
        else:
            values["pagina"] = page
    if errors:
        raise InvalidSearch(errors)
    return SearchRequest(**values)


def to_params(search: SearchRequest, **changes) -> list[tuple[str, str]]:
    """Query parameters for a search (for links and hx-push-url); keyword changes override."""
    if changes:
        search = replace(search, **changes)
    items: list[tuple[str, str]] = []
    for name in ("q", "gemeente", "perceel", "ob", "niveau", "dakje"):
        value = getattr(search, name)
        if value not in (None, ""):
            items.append((name, str(value)))
    items += [("specialisatie", s) for s in search.specialisatie]
    for name in ("doelgroep", "taal"):
        if value := getattr(search, name):
            items.append((name, value))
    if search.spoedhulp:
        items.append(("spoedhulp", "ja"))
    if search.met_resultaten:
        items.append(("resultaten", "ja"))
    if search.max_wachttijd is not None:
        items.append(("max_wachttijd", str(search.max_wachttijd)))
    if search.woonplaats:
        items.append(("woonplaats", search.woonplaats))
    if search.sort:
        items.append(("sort", search.sort))
    if search.pagina > 1:
        items.append(("pagina", str(search.pagina)))
    return items
