"""/open-data/: HSDS paging and objects, the bundle, the CSV, the licence setting."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.models import Aanbieder, Contract
from keuzehulp.models.periods import public
from keuzehulp.search.documents import current
from keuzehulp.web.app import create_app
from tests.support.hsds_schemas import validator


def test_hsds_pagina_s_volgen_de_conventies_en_de_database(demo_client, demo_world):
    with Session(demo_world.engine) as session:
        actief = session.exec(select(func.count()).select_from(Aanbieder).where(public(clock.today()))).one()
    first = demo_client.get("/open-data/hsds/organizations", params={"per_page": 100}).json()
    assert first["total_items"] == actief
    assert first["total_pages"] == -(-actief // 100)
    assert (first["page_number"], first["size"], first["first_page"], first["empty"]) == (1, 100, True, False)
    last = demo_client.get(
        "/open-data/hsds/organizations", params={"per_page": 100, "page": first["total_pages"]}
    ).json()
    assert last["last_page"] is True and last["size"] == actief - 100 * (first["total_pages"] - 1)
    check = validator("organization.json")
    assert all(not list(check.iter_errors(item)) for item in first["contents"])


def test_hsds_services_en_begrippen_zijn_geldig_en_op_te_halen(demo_client):
    services = demo_client.get("/open-data/hsds/services", params={"per_page": 50}).json()["contents"]
    check = validator("service.json")
    assert services and all(not list(check.iter_errors(item)) for item in services)
    one = demo_client.get(f"/open-data/hsds/services/{services[0]['id']}")
    assert one.status_code == 200 and one.json() == services[0]
    terms = demo_client.get("/open-data/hsds/taxonomy_terms", params={"per_page": 500}).json()["contents"]
    assert {"OB1", "OB4", "niveau:E", "dakje:0-A", "autisme"} <= {t["code"] for t in terms}
    assert demo_client.get("/open-data/hsds/services/bestaat-niet").status_code == 404
    assert demo_client.get("/open-data/hsds/dingen").status_code == 404
    assert demo_client.get("/open-data/hsds/services", params={"page": "0"}).status_code == 400


def test_hsds_api_heeft_etag_en_cors(demo_client):
    first = demo_client.get("/open-data/hsds/organizations")
    assert first.headers["access-control-allow-origin"] == "*"
    again = demo_client.get("/open-data/hsds/organizations", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_csv_heeft_een_regel_per_contractregel(demo_client, demo_world):
    response = demo_client.get("/open-data/aanbieders.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    with Session(demo_world.engine) as session:
        expected = session.exec(
            select(func.count())
            .select_from(Contract)
            .join(Aanbieder, Aanbieder.id == Contract.aanbieder_id)
            .where(Aanbieder.status == "actief", current(Contract, clock.today()))
        ).one()
    assert len(rows) == expected
    assert set(rows[0]) >= {"aanbieder", "kvk", "gemeente", "perceel", "ob", "niveau", "wachttijd_weken"}


def test_bundel_download_bevat_alles(demo_client):
    bundle = demo_client.get("/open-data/keuzehulp-hsds.json").json()
    assert set(bundle) == {"organizations", "services", "taxonomies", "taxonomy_terms"}


def test_open_data_pagina_noemt_licentie_en_bron(demo_client, demo_world):
    text = demo_client.get("/open-data/").text
    assert "CC0-1.0" in text and "Human Services Data Specification: an Open Referral resource" in text
    assert 'lang="en"' in text
    app = create_app(demo_world.settings(open_data_license="CC-BY-4.0"), engine=demo_world.engine)
    with TestClient(app) as client:
        assert "CC-BY-4.0" in client.get("/open-data/").text


def test_de_hsds_bundel_wordt_eens_per_dataversie_gebouwd_ook_bij_gelijktijdige_verzoeken(
    small_world, monkeypatch
):
    """Requests that arrive while the bundle is built wait for that build (single flight)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from keuzehulp.db import session_scope
    from keuzehulp.services.aanbieders import set_status
    from keuzehulp.web.api import opendata

    builds, real_export = [], opendata.export

    def slow_export(*args):
        builds.append(threading.get_ident())
        time.sleep(0.3)  # long enough for every request below to arrive during the build
        return real_export(*args)

    monkeypatch.setattr(opendata, "export", slow_export)
    with TestClient(create_app(small_world.settings(), engine=small_world.engine)) as client:
        with ThreadPoolExecutor(6) as pool:
            responses = list(pool.map(lambda _: client.get("/open-data/hsds/organizations"), range(6)))
        assert [response.status_code for response in responses] == [200] * 6 and len(builds) == 1
        with Session(small_world.engine) as session:
            slug = session.exec(select(Aanbieder.slug).where(public(clock.today()))).first()
        with session_scope(small_world.engine) as session:
            set_status(session, slug, "opgeschort")
        small_world.index.sync()
        client.app.state.site.index.refresh()
        client.get("/open-data/hsds/organizations")
        assert len(builds) == 2  # a new data version: built again, once
