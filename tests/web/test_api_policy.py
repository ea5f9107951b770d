"""API for harvesters: ETag/304, CORS, a rate limit, and a change feed that follows writes."""

from __future__ import annotations

from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.changelog import last_seq
from keuzehulp.models import Aanbieder
from keuzehulp.services.aanbieders import set_status
from keuzehulp.web.app import create_app
from tests.support.openapi import validate


def test_zelfde_gegevens_geven_304_met_etag(small_client, small_world):
    first = small_client.get("/api/v1/aanbieders", params={"ob": "2"})
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=60"
    again = small_client.get("/api/v1/aanbieders", params={"ob": "2"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other_query = small_client.get("/api/v1/aanbieders", params={"ob": "3"}, headers={"If-None-Match": etag})
    assert other_query.status_code == 200
    with Session(small_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "opgeschort")
    small_world.index.sync()
    changed = small_client.get("/api/v1/aanbieders", params={"ob": "2"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_cors_voor_lezen(small_client):
    response = small_client.get("/api/v1/aanbieders", headers={"Origin": "https://gemeente.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = small_client.options("/api/v1/aanbieders", headers={"Origin": "https://x.example"})
    assert preflight.status_code == 204
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-origin" not in small_client.get("/zoeken").headers


def test_te_veel_verzoeken_geeft_429(small_world):
    app = create_app(small_world.settings(api_rate_limit=3), engine=small_world.engine)
    with TestClient(app) as client:
        statuses = [client.get("/api/v1/aanbieders").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = client.get("/api/v1/aanbieders/iets")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "Te veel verzoeken" in refused.json()["error"]
        assert client.get("/zoeken").status_code == 200  # pages are not limited


def test_wijzigingen_na_een_volgnummer_zijn_precies_de_nieuwe(small_client, small_world):
    with Session(small_world.engine) as session:
        before = last_seq(session)
        slugs = list(session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief").limit(2)))
    moment = clock.now()
    with session_scope(small_world.engine) as session:
        set_status(session, slugs[0], "opgeschort")
        set_status(session, slugs[1], "beeindigd")
    body = small_client.get("/api/v1/wijzigingen", params={"sinds": before}).json()
    assert [(c["aanbieder"], c["soort"]) for c in body["wijzigingen"]] == [
        (slugs[0], "niet-beschikbaar"),
        (slugs[1], "niet-beschikbaar"),
    ]
    assert body["tot"] == before + 2 and body["meer"] is False
    validate(small_client.get("/api/v1/openapi.json").json(), body, "Changes")
    assert small_client.get("/api/v1/wijzigingen", params={"sinds": body["tot"]}).json()["wijzigingen"] == []
    by_time = small_client.get("/api/v1/wijzigingen", params={"sinds_tijd": moment.isoformat()}).json()
    assert [c["aanbieder"] for c in by_time["wijzigingen"]] == slugs
    assert small_client.get(body["wijzigingen"][0]["url"]).status_code == 410


def test_wijzigingen_met_foute_parameters(small_client):
    response = small_client.get("/api/v1/wijzigingen", params={"sinds": "gisteren", "sinds_tijd": "morgen"})
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"sinds", "sinds_tijd"}
