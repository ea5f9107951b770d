"""The OpenAPI 3.1 description of /api/v1; a test checks real responses against these schemas."""

from __future__ import annotations

from functools import cache

from keuzehulp.domain.twents_model import DAKJES, NIVEAUS, OBS, PERCELEN
from keuzehulp.domain.validation import DATABASE_INT_MAX
from keuzehulp.search.filters import FILTERS, MAX_PAGE, MAX_PER_PAGE, PER_PAGE, SORTS

_nullable_str = {"type": ["string", "null"]}
_nullable_int = {"type": ["integer", "null"]}

CONTRACT_LINE = {
    "type": "object",
    "required": ["gemeente", "perceel", "ob", "niveau"],
    "properties": {
        "gemeente": {"type": "string", "pattern": "^GM[0-9]{4}$"},
        "perceel": {"enum": list(PERCELEN)},
        "ob": {"enum": [*OBS, None]},
        "niveau": {"enum": [*NIVEAUS, None]},
        "geldig_vanaf": {"type": "string", "format": "date"},
        "geldig_tot": {"type": ["string", "null"], "format": "date"},
    },
}
FACET_OPTION = {
    "type": "object",
    "required": ["value", "label", "count", "selected"],
    "properties": {
        "value": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"},
    },
}
WACHTTIJD = {
    "type": "object",
    "description": "An aanbieder's figure for one kind of help ('jeugd/3', 'wmo/begeleiding', 'dakje/2'), "
    "for one gemeente or (gemeente null) every gemeente where it is contracted for it.",
    "required": ["hulp", "gemeente", "weken_contact", "weken_start", "plekken", "bevestigd_op", "verouderd"],
    "properties": {
        "hulp": {"type": "string"},
        "gemeente": _nullable_str,
        "weken_contact": _nullable_int,
        "weken_start": _nullable_int,
        "plekken": {"type": ["integer", "null"], "description": "Free places now (dakjes only)."},
        "bevestigd_op": {"type": "string", "format": "date"},
        "verouderd": {"type": "boolean", "description": "Older than the region's freshness limit."},
    },
}
INSTROOMSTOP = {
    "type": "object",
    "description": "No new cliënten for a kind of help ('*': all) in a gemeente (null: all).",
    "required": ["hulp", "gemeente", "reden", "vanaf", "tot"],
    "properties": {
        "hulp": {"type": "string"},
        "gemeente": _nullable_str,
        "reden": {"type": "string"},
        "vanaf": {"type": "string", "format": "date"},
        "tot": {"type": ["string", "null"], "format": "date"},
    },
}
SEARCH_HIT = {
    "type": "object",
    "required": ["slug", "naam", "url", "plaatsen", "specialisaties", "wachttijd_weken", "contracten"],
    "properties": {
        "slug": {"type": "string"},
        "naam": {"type": "string"},
        "url": {"type": "string"},
        "plaatsen": {"type": "array", "items": {"type": "string"}},
        "specialisaties": {"type": "array", "items": {"type": "string"}},
        "wachttijd_weken": {
            "type": ["integer", "null"],
            "description": "Weeks until the help searched can start (0: a free place; null: unknown).",
        },
        "wachttijd_bevestigd_op": _nullable_str,
        "beschikbaarheid": {
            "type": ["object", "null"],
            "description": "The line shown for the search: kind of help, gemeente, figure, instroomstop.",
            "required": ["hulp", "gemeente", "figure", "instroomstop"],
            "properties": {
                "hulp": {"type": "string"},
                "gemeente": {"type": "string"},
                "figure": {"oneOf": [{"$ref": "#/components/schemas/Wachttijd"}, {"type": "null"}]},
                "instroomstop": {"oneOf": [{"$ref": "#/components/schemas/Instroomstop"}, {"type": "null"}]},
            },
        },
        "ambulante_spoedhulp": {"type": "boolean"},
        "contracten": {"type": "array", "items": {"$ref": "#/components/schemas/ContractLine"}},
        "afstand_km": {"type": ["number", "null"]},
    },
}
FACET_NAMES = [spec.param for spec in FILTERS if spec.param != "q"]
SEARCH_RESULT = {
    "type": "object",
    "required": ["total", "page", "per_page", "pages", "sort", "order", "notices", "results", "facets"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "sort": {"enum": list(SORTS)},
        "order": {"type": "string", "description": "The order used, in plain Dutch."},
        "suggestion": _nullable_str,
        "notices": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Plain-language notes about the search, e.g. text without searchable words.",
        },
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "facets": {
            "type": "object",
            "required": FACET_NAMES,
            "additionalProperties": False,
            "properties": {
                name: {"type": "array", "items": {"$ref": "#/components/schemas/FacetOption"}}
                for name in FACET_NAMES
            },
        },
    },
}
VESTIGING = {
    "type": "object",
    "required": ["plaats", "gemeente", "beschermde_woonlocatie"],
    "properties": {
        "naam": {"type": "string"},
        "plaats": {"type": "string"},
        "gemeente": {"type": "string"},
        "gemeente_naam": {"type": "string"},
        "rolstoeltoegankelijk": {"type": "boolean"},
        "beschermde_woonlocatie": {"type": "boolean"},
        "adres": {"type": "string", "description": "Absent for protected woonlocaties."},
        "postcode": {"type": "string", "pattern": "^[1-9][0-9]{3} [A-Z]{2}$"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
    },
}
PROFILE = {
    "type": "object",
    "required": ["slug", "naam", "kvk", "status", "contracten", "dakjes", "vestigingen", "specialisaties"],
    "properties": {
        "slug": {"type": "string"},
        "naam": {"type": "string"},
        "kvk": {"type": "string", "pattern": "^[0-9]{8}$"},
        "agb": {"type": ["string", "null"]},
        "website": {"type": "string"},
        "email": {"type": "string"},
        "telefoon": {"type": "string"},
        "beschrijving": {"type": "string"},
        "status": {"enum": ["actief"]},
        "beschikbaarheid": {"type": "array", "items": {"$ref": "#/components/schemas/Wachttijd"}},
        "instroomstops": {"type": "array", "items": {"$ref": "#/components/schemas/Instroomstop"}},
        "consultatie_functieniveaus": {"type": "array", "items": {"enum": ["MBO", "HBO", "WO", "WO++"]}},
        "diagnostiek": {"type": "array", "items": {"enum": ["enkelvoudig", "integraal"]}},
        "ambulante_spoedhulp": {"type": "boolean"},
        "werkvormen": {"type": "array", "items": {"type": "string"}},
        "specialisaties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "naam"],
                "properties": {"slug": {"type": "string"}, "naam": {"type": "string"}},
            },
        },
        "doelgroepen": {"type": "array", "items": {"type": "string"}},
        "talen": {"type": "array", "items": {"type": "string"}},
        "vestigingen": {"type": "array", "items": {"$ref": "#/components/schemas/Vestiging"}},
        "contracten": {"type": "array", "items": {"$ref": "#/components/schemas/ContractLine"}},
        "dakjes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["gemeente", "dakje"],
                "properties": {"gemeente": {"type": "string"}, "dakje": {"enum": list(DAKJES)}},
            },
        },
        "maatregelhulp": {"type": "array", "items": {"type": "object"}},
    },
}
CHANGES = {
    "type": "object",
    "required": ["sinds", "tot", "meer", "wijzigingen"],
    "properties": {
        "sinds": {"type": "integer"},
        "tot": {"type": "integer", "description": "Ask again with sinds=<tot> for what came after."},
        "meer": {"type": "boolean", "description": "True when more changes wait (500 per page)."},
        "wijzigingen": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["seq", "aanbieder", "soort", "tijd", "url"],
                "properties": {
                    "seq": {"type": "integer"},
                    "aanbieder": {"type": "string"},
                    "soort": {"enum": ["gewijzigd", "niet-beschikbaar"]},
                    "tijd": {"type": "string", "format": "date-time"},
                    "url": {"type": "string"},
                },
            },
        },
    },
}
ERROR = {
    "type": "object",
    "required": ["error", "details"],
    "properties": {
        "error": {"type": "string"},
        "details": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def _param(name: str, description: str, schema: dict, repeat: bool = False) -> dict:
    """A query parameter; an empty value means 'not set' (as HTML forms send it), so it is allowed."""
    if schema.get("type") != "string":
        schema = {"anyOf": [schema, {"enum": [""]}]}
    if repeat:
        schema = {"type": "array", "items": schema}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": True} if repeat else {}),
    }


SEARCH_PARAMETERS = [
    *(_param(spec.param, *spec.api, repeat=spec.many) for spec in FILTERS),
    _param("woonplaats", "Kern used as the point for sort=afstand.", {"type": "string"}),
    _param(
        "sort",
        "Order; default relevantie with q, else willekeurig. "
        "resultaat: Wilson lower bound of 'doelen gehaald' (3.4), best first.",
        {"enum": list(SORTS)},
    ),
    _param("pagina", "Page number.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    _param(
        "per_page",
        f"Results per page (default {PER_PAGE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
    _param("volgorde", "Any string: the seed of the neutral daily shuffle.", {"type": "string"}),
]


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def _responses(**specific: dict) -> dict:
    """An operation's responses: its own, and those every GET of the API can give."""
    return {
        **{status.removeprefix("s"): response for status, response in specific.items()},
        "304": {"description": "Not modified: the ETag sent in If-None-Match still holds."},
        "429": _json("Error", "Too many requests from this address; see the Retry-After header."),
        "500": _json("Error", "Something went wrong on our side; try again later."),
    }


@cache
def openapi_document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Keuzehulp API",
            "version": "1",
            "description": "Gecontracteerde aanbieders for jeugdhulp and Wmo in a region (Twents model). "
            "Default order is a neutral seeded shuffle: no aanbieder is favoured. Every GET answers with a "
            "weak ETag and Cache-Control; send If-None-Match to get 304 when nothing changed. CORS is open "
            "for GET. Each client address may make a limited number of requests per minute (429 with "
            "Retry-After past it).",
        },
        "paths": {
            "/api/v1/aanbieders": {
                "get": {
                    "summary": "Search aanbieders with facets",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": _responses(
                        s200=_json("SearchResult", "Results, facet counts and the order used."),
                        s400=_json("Error", "Invalid parameters, each explained in Dutch."),
                    ),
                }
            },
            "/api/v1/wijzigingen": {
                "get": {
                    "summary": "Changes for incremental harvesting, fed by the change log",
                    "parameters": [
                        _param(
                            "sinds",
                            "Sequence number: changes after it.",
                            {"type": "integer", "minimum": 0, "maximum": DATABASE_INT_MAX},
                        ),
                        _param("sinds_tijd", "Only changes after this moment.", {"type": "string"}),
                    ],
                    "responses": _responses(
                        s200=_json("Changes", "Changes, oldest first."),
                        s400=_json("Error", "Invalid parameters."),
                    ),
                }
            },
            "/api/v1/aanbieders/{slug}": {
                "get": {
                    "summary": "One aanbieder's profile",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": _responses(
                        s200=_json("Profile", "The profile with current contract scope."),
                        s404=_json("Error", "Unknown aanbieder."),
                        s410=_json("Error", "Aanbieder suspended or ended."),
                    ),
                }
            },
        },
        "components": {
            "schemas": {
                "ContractLine": CONTRACT_LINE,
                "FacetOption": FACET_OPTION,
                "SearchHit": SEARCH_HIT,
                "Wachttijd": WACHTTIJD,
                "Instroomstop": INSTROOMSTOP,
                "SearchResult": SEARCH_RESULT,
                "Vestiging": VESTIGING,
                "Profile": PROFILE,
                "Changes": CHANGES,
                "Error": ERROR,
            }
        },
    }
