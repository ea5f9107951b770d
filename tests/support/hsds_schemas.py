"""Validators for the HSDS 3.0 object schemas vendored in `tests/support/hsds-3/`, offline."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "hsds-3" / "schema"


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (path.name, DRAFT202012.create_resource(json.loads(path.read_text())))
        for path in SCHEMAS.glob("*.json")
    )


def validator(name: str, *, many: bool = False) -> Draft202012Validator:
    """A validator for one schema file (or a list of its objects, with `many`), resolving its
    relative $refs to the other vendored files."""
    schema = {"type": "array", "items": {"$ref": name}} if many else {"$ref": name}
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
