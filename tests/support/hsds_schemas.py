"""Validators for the shared HSDS 3.0 schemas, offline."""

from __future__ import annotations

import json
from functools import cache

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from keuzehulp.config import PROJECT_ROOT

SCHEMAS = PROJECT_ROOT.parent / "shared" / "hsds-3" / "schema"
if not SCHEMAS.is_dir():
    raise RuntimeError(f"The HSDS schemas are missing: expected {SCHEMAS} (shared/ beside the checkout).")


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one schema file, resolving its relative $refs to the other local files."""
    registry = Registry().with_resources(
        (path.name, DRAFT202012.create_resource(json.loads(path.read_text())))
        for path in SCHEMAS.glob("*.json")
    )
    return Draft202012Validator(
        {"$ref": name}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
