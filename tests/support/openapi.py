"""Check a response body against a schema of our OpenAPI document."""

from __future__ import annotations

import jsonschema


def validate(openapi: dict, instance, schema_name: str) -> None:
    """Raise when instance does not match components/schemas/<schema_name>."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": openapi["components"]}
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator)
