"""The JSON API against its own OpenAPI description (schemathesis): no 5xx, and every response,
including errors, conforms to the documented status codes, headers and schemas; invalid input
(negative cases) is refused with a 4xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from keuzehulp.web.app import create_app

CHECKS = (status_code_conformance, response_schema_conformance, negative_data_rejection)


@pytest.fixture(scope="module")
def api_schema(demo_world):
    app = create_app(demo_world.settings(api_rate_limit=0), engine=demo_world.engine)
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_houdt_zich_aan_zijn_beschrijving(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 3
    tested = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case):
            if mode == GenerationMode.NEGATIVE:
                # An object has no form of its own in a query string: {} goes out as an empty
                # value (which means 'not set') and {"a": 1} as a parameter a, so the request as
                # sent is not invalid.
                assume(not any(isinstance(value, dict) for value in (case.query or {}).values()))
            response = case.call()
            assert response.status_code < 500, (case.formatted_path, case.query, response.text[:300])
            case.validate_response(response, checks=CHECKS)

        try:
            call()
            tested += 1
        except Unsatisfiable:  # no invalid value exists for it (a path of any text)
            assert mode == GenerationMode.NEGATIVE
    assert tested >= 2
