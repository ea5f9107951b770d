"""Search parameters, each filter declared once: its URL parameter, parser and Dutch error, index
terms, loosening, API schema and label key. The parser, the links, the facets, the loosenings, the
OpenAPI description and the form are all driven by `FILTERS`.

Adding a filter on a list of terms (like `taal`) is one `Filter(...)` below, with `index_terms`
saying which terms a document has, plus its clause in the tests' SQL reference
(`tests/support/sql_reference.py`) and the English translation of its labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, make_dataclass, replace

from keuzehulp.domain.beschikbaarheid import START_BINNEN
from keuzehulp.domain.inkoopmodel import Inkoopmodel, match_code, or_list
from keuzehulp.domain.regio import REGIOS, model_of
from keuzehulp.domain.taxonomy import Taxonomy
from keuzehulp.domain.twents_model import FUNCTIENIVEAUS, NIVEAUS_PER_OB
from keuzehulp.domain.validation import whole_number
from keuzehulp.i18n import N_, gettext

PER_PAGE = 20
MAX_PER_PAGE = 100  # the API may ask for more results per page
SORTS = ("willekeurig", "relevantie", "wachttijd", "naam", "afstand", "resultaat")
WACHTTIJD_OPTIONS = START_BINNEN
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10_000
YES_NO = ("ja", "nee")


Models = tuple[Inkoopmodel, ...]  # the region models a search follows: its gemeente's, or every one
ALL: Models = tuple(model_of(slug) for slug in REGIOS)  # for the API's enums: every region's codes


class Invalid(ValueError):
    """A value that cannot be searched; the message (already translated) is for the user."""


@dataclass(frozen=True)
class Filter:
    """One search filter.

    `kind` says how the index answers it: "text" (the typed words), "scope" (the contract scope
    tokens: gemeente, perceel, ob, niveau, dakje, spoedhulp), "terms" (a term field of its own, named
    after the parameter, with `index_terms` and `options`), "resultaten", and "wachttijd" and "plek"
    (the availability tokens, domain/beschikbaarheid).
    """

    param: str  # URL parameter, facet name and (for "terms") the index field
    kind: str
    read: Callable[[str, Taxonomy, Models], object]  # a raw value -> the request's value; raises Invalid
    api: tuple[str, dict]  # OpenAPI description and schema
    attr: str = ""  # the SearchRequest field, when it differs from param
    type: object = str | None
    default: object = None
    many: bool = False  # repeatable: every value must hold
    write: Callable[[object], str] = str  # the request's value -> the URL value
    legend: str = ""  # N_: the fieldset's legend on /zoeken
    all_label: str = ""  # N_: a choice of one with this "all" option; empty: checkboxes
    labels: str = ""  # key of the Twents-model labels of the options (web/presenters.term_labels)
    chip: str = ""  # N_: the chosen-filter label, when the option's own label is too long
    loosen: tuple[int, str] | None = None  # (order, N_ label) of the one-step loosening
    drop: tuple[int, str] | None = None  # (order, N_ label) when loosenings are combined
    index_terms: Callable[[object], list[str]] | None = None  # "terms": a document's terms (documents.Source)
    options: Callable[[Taxonomy], list[tuple[str, str]]] | None = None  # "terms": (value, label) to count
    in_model: Callable[[Inkoopmodel], bool] | None = None  # whether a region's model has this filter

    @property
    def field(self) -> str:
        return self.attr or self.param

    def is_set(self, request) -> bool:
        return getattr(request, self.field) != self.default

    def params(self, request) -> list[tuple[str, str]]:
        """The URL parameters of this filter in a request."""
        value = getattr(request, self.field)
        if value == self.default:
            return []
        values = value if self.many else (value,)
        return [(self.param, self.write(v)) for v in values]


def _yes(message: str):
    def read(raw: str, taxonomy: Taxonomy, models: Models) -> bool:
        if raw.lower() not in YES_NO:
            raise Invalid(gettext(message))
        return raw.lower() == "ja"

    return read


def _known(options: Callable[[Taxonomy], list[tuple[str, str]]], message: str):
    """A reader accepting one of a term filter's option values."""

    def read(raw: str, taxonomy: Taxonomy, models: Models) -> str:
        if raw not in {value for value, _ in options(taxonomy)}:
            raise Invalid(gettext(message) % {"waarde": raw})
        return raw

    return read


def _read_q(raw: str, taxonomy: Taxonomy, models: Models) -> str:
    if len(raw) > MAX_QUERY_LENGTH:
        raise Invalid(
            gettext("De zoektekst is te lang. Gebruik hooguit %(max)s tekens.") % {"max": MAX_QUERY_LENGTH}
        )
    return raw


def _read_gemeente(raw: str, taxonomy: Taxonomy, models: Models) -> str:
    gemeente = taxonomy.gemeente(raw)
    if gemeente is None:
        message = gettext("De gemeente '%(waarde)s' kennen we niet. Kies een gemeente uit de lijst.")
        raise Invalid(message % {"waarde": raw})
    return gemeente.cbs_code


def codes(models: Models, kind: str) -> tuple[str, ...]:
    """The codes of one kind (perceel, ob, niveau, dakje) in these models, first model first."""
    found: dict[str, None] = {}
    for model in models:
        if kind == "perceel":
            found.update(dict.fromkeys(model.percelen))
        elif kind == "ob":
            found.update(dict.fromkeys(model.producten))
        elif kind == "niveau":
            found.update(dict.fromkeys(model.varianten))
        else:
            found.update(dict.fromkeys(model.modules_for("verblijf", None)))
    return tuple(found)


def product_label(models: Models, code: str) -> str:
    """A product's code as letters name it: 'OB2' in the Twents model, the code itself elsewhere."""
    model = next((m for m in models if code in m.producten), None)
    return f"{model.terms['model']['product'].get('afkorting', '') if model else ''}{code}"


def _read_perceel(raw: str, taxonomy: Taxonomy, models: Models) -> str:
    if (code := match_code(raw, codes(models, "perceel"))) is None:
        raise Invalid(gettext("Kies %(keuzes)s.") % {"keuzes": or_list(codes(models, "perceel"))})
    return code


def _read_ob(raw: str, taxonomy: Taxonomy, models: Models) -> str:
    prefixes = tuple(m.terms["model"]["product"].get("afkorting", "").lower() for m in models)
    if (code := match_code(raw, codes(models, "ob"), tuple(p for p in prefixes if p))) is None:
        names = {m.terms["model"]["product"]["enkelvoud"] for m in models}
        soort = gettext(names.pop()).capitalize() if len(names) == 1 else gettext("Soort hulp")
        message = gettext("%(soort)s '%(waarde)s' bestaat niet. Kies %(keuzes)s.")
        raise Invalid(message % {"soort": soort, "waarde": raw, "keuzes": or_list(codes(models, "ob"))})
    return code


def _read_niveau(raw: str, taxonomy: Taxonomy, models: Models) -> str:
    if (code := match_code(raw, codes(models, "niveau"))) is None:
        message = gettext("Niveau '%(waarde)s' bestaat niet. Kies %(keuzes)s.")
        raise Invalid(message % {"waarde": raw, "keuzes": or_list(codes(models, "niveau"))})
    return code


def _read_dakje(raw: str, taxonomy: Taxonomy, models: Models) -> str:
    if (code := match_code(raw, codes(models, "dakje"))) is None:
        message = gettext("Dakje '%(waarde)s' bestaat niet. Kies %(dakjes)s.")
        raise Invalid(message % {"waarde": raw, "dakjes": ", ".join(codes(models, "dakje"))})
    return code


def _read_weeks(raw: str, taxonomy: Taxonomy, models: Models) -> int:
    if (weeks := whole_number(raw, 0, 10_000)) not in WACHTTIJD_OPTIONS:
        message = gettext("Kies binnen hoeveel weken de hulp kan starten: %(keuzes)s.")
        raise Invalid(message % {"keuzes": or_list(WACHTTIJD_OPTIONS)})
    return weeks


def _specialisaties(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    return list(taxonomy.specialisatie_labels.items())


def _doelgroepen(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    return [(d.slug, d.naam) for d in taxonomy.doelgroepen]


def _talen(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    return [(t.slug, t.naam) for t in taxonomy.talen]


def _functieniveaus(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    return [(niveau, niveau) for niveau in FUNCTIENIVEAUS]


FILTERS: tuple[Filter, ...] = (
    Filter(
        "q",
        "text",
        _read_q,
        ("Free text (naam, beschrijving, specialisaties with synonyms, plaatsen).", {"type": "string"}),
        type=str,
        default="",
        loosen=(9, N_("zonder de zoekwoorden '%(woorden)s'")),
        drop=(6, N_("zonder zoekwoorden")),
    ),
    Filter(
        "gemeente",
        "scope",
        _read_gemeente,
        ("Gemeente by slug (hof-van-twente) or CBS code (GM1735).", {"type": "string"}),
    ),
    Filter(
        "perceel",
        "scope",
        _read_perceel,
        (
            "Perceel of the gemeente's inkoopmodel (Twente: jeugd, wmo, dyslexie).",
            {"enum": list(codes(ALL, "perceel"))},
        ),
        legend=N_("Voor wie"),
        all_label=N_("Iedereen"),
        labels="perceel",
        loosen=(10, N_("voor alle leeftijden")),
    ),
    Filter(
        "ob",
        "scope",
        _read_ob,
        (
            "Product of the gemeente's inkoopmodel (Twente: ondersteuningsbehoefte 1-4).",
            {"enum": list(codes(ALL, "ob"))},
        ),
        type=str | None,
        legend=N_("Soort hulp (ondersteuningsbehoefte)"),
        all_label=N_("Alle soorten"),
        labels="ob",
    ),
    Filter(
        "niveau",
        "scope",
        _read_niveau,
        ("Variant (Twente: niveau A-E).", {"enum": list(codes(ALL, "niveau"))}),
        in_model=lambda model: bool(model.varianten),
        legend=N_("Niveau"),
        all_label=N_("Alle niveaus"),
        labels="niveau",
        loosen=(7, N_("met elk niveau")),
        drop=(9, N_("met elk niveau")),
    ),
    Filter(
        "dakje",
        "scope",
        _read_dakje,
        ("Wonen en verblijf.", {"enum": list(codes(ALL, "dakje"))}),
        in_model=lambda model: model.has("verblijf"),
        legend=N_("Wonen en verblijf (dakje)"),
        all_label=N_("Maakt niet uit"),
        labels="dakje",
        loosen=(8, N_("zonder wonen of verblijf")),
        drop=(8, N_("zonder wonen of verblijf")),
    ),
    Filter(
        "specialisatie",
        "terms",
        _known(_specialisaties, N_("De specialisatie '%(waarde)s' kennen we niet.")),
        ("Specialisatie slug; repeat: all must hold.", {"type": "string"}),
        type=tuple[str, ...],
        default=(),
        many=True,
        legend=N_("Specialisatie"),
        loosen=(1, N_("zonder de specialisatie '%(naam)s'")),
        drop=(1, N_("zonder specialisatie")),
        index_terms=lambda source: [s.slug for s in source.specialisaties],
        options=_specialisaties,
    ),
    Filter(
        "doelgroep",
        "terms",
        _known(_doelgroepen, N_("De doelgroep '%(waarde)s' kennen we niet.")),
        ("Doelgroep slug.", {"type": "string"}),
        legend=N_("Leeftijd en doelgroep"),
        all_label=N_("Iedereen"),
        loosen=(6, N_("voor elke leeftijd")),
        drop=(7, N_("voor elke leeftijd")),
        index_terms=lambda source: source.doelgroepen,
        options=_doelgroepen,
    ),
    Filter(
        "taal",
        "terms",
        _known(_talen, N_("De taal '%(waarde)s' kennen we niet.")),
        ("Taal slug.", {"type": "string"}),
        legend=N_("Taal"),
        all_label=N_("Alle talen"),
        loosen=(3, N_("in elke taal")),
        drop=(3, N_("in elke taal")),
        index_terms=lambda source: source.talen,
        options=_talen,
    ),
    Filter(
        "spoedhulp",
        "scope",
        _yes(N_("Spoedhulp is 'ja' of 'nee'.")),
        ("ja: offers ambulante spoedhulp.", {"enum": list(YES_NO)}),
        in_model=lambda model: "ambulante_spoedhulp" in model.kenmerken,
        type=bool,
        default=False,
        write=lambda value: "ja",
        legend=N_("Spoedhulp"),
        chip=N_("Spoedhulp"),
        loosen=(4, N_("ook zonder spoedhulp")),
        drop=(4, N_("ook zonder spoedhulp")),
    ),
    Filter(
        "resultaten",
        "resultaten",
        _yes(N_("Resultaten is 'ja' of 'nee'.")),
        ("ja: only aanbieders with outcome figures (n >= 10).", {"enum": list(YES_NO)}),
        attr="met_resultaten",
        type=bool,
        default=False,
        write=lambda value: "ja",
        legend=N_("Resultaten"),
        loosen=(5, N_("ook zonder resultaten")),
        drop=(5, N_("ook zonder resultaten")),
    ),
    Filter(
        "max_wachttijd",
        "wachttijd",
        _read_weeks,
        (
            "Can start within this many weeks: the aanbieder's figure for the help searched (its contract "
            "line, and the dakje when one is asked) is fresh, says so, and no instroomstop covers it.",
            {"enum": list(WACHTTIJD_OPTIONS)},
        ),
        type=int | None,
        legend=N_("Kan starten binnen"),
        all_label=N_("Maakt niet uit"),
        loosen=(2, N_("met elke wachttijd")),
        drop=(2, N_("met elke wachttijd")),
    ),
    Filter(
        "plek",
        "plek",
        _yes(N_("Plek is 'ja' of 'nee'.")),
        (
            "ja: a free place now in the dakje searched (or any dakje), fresh and not stopped.",
            {"enum": list(YES_NO)},
        ),
        in_model=lambda model: model.has("verblijf"),
        type=bool,
        default=False,
        write=lambda value: "ja",
        legend=N_("Plek in wonen en verblijf"),
        chip=N_("Nu een plek"),
        loosen=(12, N_("ook zonder vrije plek")),
        drop=(11, N_("ook zonder vrije plek")),
    ),
    Filter(
        "functieniveau",
        "terms",
        _known(
            _functieniveaus, N_("Het functieniveau '%(waarde)s' kennen we niet. Kies MBO, HBO, WO of WO++.")
        ),
        (
            "Consultatie: an aanbieder with staff of this functieniveau advises wijkteams.",
            {"enum": list(FUNCTIENIVEAUS)},
        ),
        in_model=lambda model: model.has("advies"),
        legend=N_("Advies aan het wijkteam (consultatie)"),
        all_label=N_("Maakt niet uit"),
        loosen=(11, N_("met elk functieniveau")),
        drop=(10, N_("met elk functieniveau")),
        index_terms=lambda source: source.aanbieder.consultatie_functieniveaus,
        options=_functieniveaus,
    ),
)
BY_PARAM = {f.param: f for f in FILTERS}
TERM_FILTERS = tuple(f for f in FILTERS if f.kind == "terms")


def _request_hash(self) -> int:  # a request is a key of several caches: hash it once
    if self._hash is None:
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, name) for name in _COMPARED)))
    return self._hash


def _effective_sort(self) -> str:
    """The order used: relevance with text, otherwise the neutral shuffle, unless chosen."""
    if self.sort == "relevantie" and not self.q:
        return "willekeurig"
    if self.sort:
        return self.sort
    return "relevantie" if self.q else "willekeurig"


SearchRequest = make_dataclass(
    "SearchRequest",
    [
        *((f.field, f.type, field(default=f.default)) for f in FILTERS),
        ("woonplaats", str | None, field(default=None)),
        ("sort", str, field(default="")),
        ("pagina", int, field(default=1)),
        ("per_page", int, field(default=PER_PAGE)),
        ("from_text", tuple[str, ...], field(default=())),  # filters read from the typed text ("OB2B")
        ("_hash", int | None, field(default=None, init=False, repr=False, compare=False)),
    ],
    frozen=True,
    namespace={
        "__module__": __name__,
        "__doc__": "A normalised search: the filters of FILTERS (gemeente as CBS code), order and page.",
        "__hash__": _request_hash,
        "effective_sort": property(_effective_sort),
    },
)
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
    ob = ob_text or None
    if ob is not None and niveau and niveau not in NIVEAUS_PER_OB[ob]:
        niveau = ""  # 'OB3D' does not exist: keep the OB only
    found = {"q": " ".join((q[: match.start()] + " " + q[match.end() :]).split())}
    if ob is not None:
        found["ob"] = ob
    if niveau:
        found["niveau"] = niveau
    found["from_text"] = tuple(name for name in ("ob", "niveau") if name in found)
    return found


def _read_filter(params, spec: Filter, taxonomy: Taxonomy, models: Models, errors: dict[str, str]):
    """The request's value of one filter; a bad value is noted in errors (the last one for a
    repeated parameter)."""
    if spec.many:
        values: list = []
        for raw in _all(params, spec.param):
            try:
                value = spec.read(raw, taxonomy, models)
            except Invalid as error:
                errors[spec.param] = str(error)
                continue
            if value not in values:
                values.append(value)
        return tuple(sorted(values))
    raw = _first(params, spec.param)
    if not raw:
        return spec.default
    try:
        return spec.read(raw, taxonomy, models)
    except Invalid as error:
        errors[spec.param] = str(error)
        return spec.default


def parse_search(params, taxonomy: Taxonomy) -> SearchRequest:
    """Turn query parameters into a SearchRequest, or raise InvalidSearch listing every bad one."""
    errors: dict[str, str] = {}
    values: dict = {}
    gemeente = _read_filter(params, BY_PARAM["gemeente"], taxonomy, taxonomy.models, errors)
    models = taxonomy.models_for(gemeente)
    for spec in FILTERS:
        if gemeente and spec.in_model and not spec.in_model(models[0]) and _all(params, spec.param):
            message = gettext("In %(regio)s kunt u niet zoeken op '%(filter)s'. Laat dit filter weg.")
            regio = taxonomy.regio_naam(gemeente)
            errors[spec.param] = message % {"regio": regio, "filter": gettext(spec.legend)}
            continue
        value = _read_filter(params, spec, taxonomy, models, errors)
        if value != spec.default:
            values[spec.field] = value
    values["q"] = _first(params, "q")[:MAX_QUERY_LENGTH]  # kept, cut short, even when too long
    if not _first(params, "ob") and not _first(params, "niveau"):
        found = _letter_code(values["q"])
        if found.get("ob") in (None, *codes(models, "ob")) and found.get("niveau") in (
            None,
            *codes(models, "niveau"),
        ):
            values.update(found)  # a letter code of the Twents model, in a region that has it
    if raw := _first(params, "woonplaats"):
        kern = taxonomy.kern(raw, gemeente)
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
    items = [item for spec in FILTERS for item in spec.params(search)]
    if search.woonplaats:
        items.append(("woonplaats", search.woonplaats))
    if search.sort:
        items.append(("sort", search.sort))
    if search.pagina > 1:
        items.append(("pagina", str(search.pagina)))
    return items
