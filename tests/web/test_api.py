"""JSON API: same filters as /zoeken, responses match the OpenAPI description."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder
from keuzehulp.search.filters import FILTERS, SearchRequest, parse_search, to_params
from tests.support.openapi import validate
from tests.support.sql_reference import sql_count


@pytest.fixture(scope="module")
def openapi(demo_client):
    document = demo_client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    return document


def test_zoeken_via_api_geeft_dezelfde_resultaten_als_de_database(demo_client, demo_world, openapi):
    response = demo_client.get("/api/v1/aanbieders", params={"gemeente": "GM0164", "ob": "1", "taal": "en"})
    assert response.status_code == 200
    body = response.json()
    validate(openapi, body, "SearchResult")
    with Session(demo_world.engine) as session:
        assert body["total"] == sql_count(
            session, SearchRequest(gemeente="GM0164", ob="1", taal="en"), clock.today()
        )
    assert body["sort"] == "willekeurig"
    assert "voorrang" in body["order"]
    for hit in body["results"]:
        assert hit["contracten"] and all(
            c["gemeente"] == "GM0164" and c["ob"] == "1" for c in hit["contracten"]
        )
    assert {f["value"] for f in body["facets"]["ob"]} == {"1", "2", "3", "4"}


def test_api_en_html_tellen_hetzelfde(demo_client):
    params = {"specialisatie": ["autisme", "gedrag"], "perceel": "jeugd"}
    api = demo_client.get("/api/v1/aanbieders", params=params).json()
    html = demo_client.get("/zoeken", params=params)
    assert api["total"] == html.context["result"].total


def test_foute_parameters_geven_400_met_error_en_details(demo_client, openapi):
    response = demo_client.get("/api/v1/aanbieders", params={"ob": "7", "niveau": "Z"})
    assert response.status_code == 400
    body = response.json()
    validate(openapi, body, "Error")
    assert set(body["details"]) == {"ob", "niveau"}


def test_profiel_via_api(demo_client, demo_world, openapi):
    with Session(demo_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    response = demo_client.get(f"/api/v1/aanbieders/{slug}")
    assert response.status_code == 200
    body = response.json()
    validate(openapi, body, "Profile")
    assert body["slug"] == slug
    assert body["contracten"] and {"gemeente", "perceel", "ob", "niveau"} <= set(body["contracten"][0])
    missing = demo_client.get("/api/v1/aanbieders/bestaat-niet")
    assert missing.status_code == 404
    validate(openapi, missing.json(), "Error")


SAMPLES = {"q": "x", "gemeente": "GM0153", "perceel": "jeugd", "ob": "1", "niveau": "A", "dakje": "1"}
SAMPLES |= {"spoedhulp": "ja", "resultaten": "ja", "max_wachttijd": "4", "plek": "ja", "woonplaats": "delden"}
SAMPLES |= {"sort": "naam", "pagina": "2"}


def test_elke_zoekparameter_staat_in_openapi(openapi, demo_world):
    """Every declared filter (and the order and page) is read, written back into links and documented."""
    documented = {p["name"] for p in openapi["paths"]["/api/v1/aanbieders"]["get"]["parameters"]}
    raw = SAMPLES | {spec.param: spec.options(demo_world.taxonomy)[0][0] for spec in FILTERS if spec.options}
    everything = parse_search(raw, demo_world.taxonomy)
    understood = {name for name, _ in to_params(everything)}
    assert understood == {spec.param for spec in FILTERS} | {"woonplaats", "sort", "pagina"}
    assert understood <= documented


def test_health_en_ready(demo_client):
    assert demo_client.get("/healthz").json() == {"status": "ok"}
    ready = demo_client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] is True and ready.json()["index"] is True
