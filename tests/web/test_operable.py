"""Operable (issue 16): /metrics for allowed scrapers only, by route template; JSON request logs
without personal data; /readyz false until the index has caught up."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.changelog import record_change
from keuzehulp.models import Aanbieder, ChangeLog
from keuzehulp.services.mail import queue_mail
from keuzehulp.web.app import create_app
from keuzehulp.web.kit.log_privacy import JsonLines
from tests.support.accounts import csrf_token

LOCAL = ("127.0.0.1", 50000)


def _metric(text: str, name: str, default: float | None = None, **labels) -> float:
    """The value of one sample in Prometheus text format (labels given must all match)."""
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        sample, value = line.rsplit(" ", 1)
        if sample.split("{")[0] == name and all(f'{k}="{v}"' in sample for k, v in labels.items()):
            return float(value)
    if default is not None:
        return default
    raise AssertionError(f"{name} {labels} not in the metrics")


def _one_aanbieder(world) -> Aanbieder:
    with Session(world.engine) as session:
        return session.exec(
            select(Aanbieder).where(Aanbieder.status == "actief").order_by(Aanbieder.id)
        ).first()


def test_metrics_alleen_van_deze_machine_of_met_het_token(demo_world):
    app = create_app(demo_world.settings(), engine=demo_world.engine)
    with TestClient(app, client=LOCAL) as local, TestClient(app, client=("203.0.113.9", 50000)) as remote:
        assert local.get("/metrics").status_code == 200
        assert remote.get("/metrics").status_code == 404
        relayed = local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})  # a proxy on this host
        assert relayed.status_code == 404 and "keuzehulp_" not in relayed.text
    app = create_app(demo_world.settings(metrics_token="geheim-scrape-token"), engine=demo_world.engine)
    with TestClient(app, client=LOCAL) as local, TestClient(app, client=("203.0.113.9", 50000)) as remote:
        assert local.get("/metrics").status_code == 404  # with a token set, only the token counts
        assert remote.get("/metrics", headers={"Authorization": "Bearer fout"}).status_code == 404
        allowed = remote.get("/metrics", headers={"Authorization": "Bearer geheim-scrape-token"})
        assert allowed.status_code == 200 and allowed.headers["content-type"].startswith("text/plain")


def test_metrics_tellen_per_route_sjabloon_en_volgen_de_index(small_world):
    aanbieder = _one_aanbieder(small_world)
    app = create_app(small_world.settings(), engine=small_world.engine)
    with TestClient(app, client=LOCAL) as client:
        before = client.get("/metrics").text
        route = {"route": "/aanbieders/{slug}", "method": "GET", "status": "200"}
        counted = _metric(before, "keuzehulp_http_request_duration_seconds_count", default=0, **route)
        page_hits = _metric(before, "keuzehulp_cache_hits_total", default=0, cache="page")
        assert client.get(f"/aanbieders/{aanbieder.slug}").status_code == 200
        for _ in range(2):  # the second time from the page cache
            assert client.get("/zoeken", params={"q": "pietje@example.org jansen"}).status_code == 200
        assert client.get("/api/v1/aanbieders/bestaat-niet-xyz").status_code == 404
        assert client.get("/niets-hier/pietje@example.org").status_code == 404
        with session_scope(small_world.engine) as session:
            queue_mail(session, "iemand@example.org", "Onderwerp", "Tekst")
            record_change(session, aanbieder.id, "test")
        _backdate_newest_change(small_world, timedelta(seconds=30))
        text = client.get("/metrics").text

        assert _metric(text, "keuzehulp_http_request_duration_seconds_count", **route) == counted + 1
        assert (
            _metric(text, "keuzehulp_http_request_duration_seconds_bucket", le="+Inf", **route) == counted + 1
        )
        assert (
            _metric(text, "keuzehulp_http_request_duration_seconds_count", route="/zoeken", status="200") >= 1
        )
        api = {"route": "/api/v1/aanbieders/{slug}", "status": "404"}
        assert _metric(text, "keuzehulp_http_request_duration_seconds_count", **api) >= 1
        assert _metric(text, "keuzehulp_http_request_duration_seconds_count", route="(geen route)") >= 1
        for private in (aanbieder.slug, "pietje", "example.org", "bestaat-niet", "niets-hier", "testclient"):
            assert private not in text, private
        assert _metric(text, "keuzehulp_index_lag_changes") == 1
        assert 29 <= _metric(text, "keuzehulp_index_lag_seconds") < 120
        assert _metric(text, "keuzehulp_index_applied_seq") + 1 == _metric(text, "keuzehulp_changelog_seq")
        assert _metric(text, "keuzehulp_index_documents") > 0
        assert _metric(text, "keuzehulp_index_generation_built_timestamp_seconds") > 1.7e9
        assert _metric(text, "keuzehulp_outbox_queued") >= 1 and _metric(text, "keuzehulp_database_up") == 1
        assert _metric(text, "keuzehulp_cache_hits_total", cache="page") >= page_hits + 1
        assert _metric(text, "keuzehulp_cache_misses_total", cache="stored") >= 1  # the profile page read it
        assert _metric(text, "keuzehulp_cache_budget_bytes", cache="matches") > 0
        assert _metric(text, "keuzehulp_db_pool_size") >= 1

        app.state.site.index.sync()
        caught_up = client.get("/metrics").text
        assert _metric(caught_up, "keuzehulp_index_lag_changes") == 0
        assert _metric(caught_up, "keuzehulp_index_lag_seconds") == 0


def _backdate_newest_change(world, age: timedelta) -> None:
    """Make the newest change-log row `age` old (numbering happens at commit, so set it after)."""
    with session_scope(world.engine) as session:
        newest = session.exec(select(ChangeLog).order_by(ChangeLog.seq.desc())).first()
        newest.created_at = clock.now() - age


def test_readyz_is_niet_klaar_tot_de_index_is_bijgewerkt(small_world):
    aanbieder = _one_aanbieder(small_world)
    app = create_app(small_world.settings(), engine=small_world.engine)  # no sync loop: we sync by hand
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        with session_scope(small_world.engine) as session:  # a change the index has not applied
            record_change(session, aanbieder.id, "test")
        assert client.get("/readyz").status_code == 200  # a fresh change: within the grace period
        _backdate_newest_change(small_world, timedelta(seconds=30))  # 30 seconds later, not applied
        behind = client.get("/readyz")
        assert behind.status_code == 503 and behind.json() == {
            "status": "niet klaar",
            "database": True,
            "index": False,
        }
        app.state.site.index.sync()
        assert client.get("/readyz").status_code == 200


@pytest.fixture
def json_log():
    """The app's JSON lines, captured; the logging set-up is put back afterwards."""
    root, names = logging.getLogger(), ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = (root.handlers[:], root.level, [vars(logging.getLogger(n)).copy() for n in names])
    stream = io.StringIO()
    yield stream
    root.handlers, root.level = saved[0], saved[1]
    for name, state in zip(names, saved[2], strict=True):
        vars(logging.getLogger(name)).update(state)


def test_json_log_per_verzoek_zonder_persoonsgegevens(small_world, json_log):
    app = create_app(small_world.settings(log_format="json"), engine=small_world.engine)
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonLines))
    handler.setStream(json_log)
    typed = {"naam": "Zorg van Jansje Pietersen", "kvk": "12345678", "contactpersoon": "Jansje Pietersen"}
    with TestClient(app) as client:
        page = client.get("/zoeken", params={"q": "jansje.pietersen@example.org dyslexie"})
        token = csrf_token(client, "/aanmelden")
        client.post("/aanmelden", data=typed | {"email": "jansje@example.org", "csrf_token": token})
        client.get("/wachtwoord/instellen/GeheimToken123456789")
        logging.getLogger("keuzehulp.test").warning(
            "Mail aan jansje@example.org via /wachtwoord/instellen/Xyz987"
        )
    output = json_log.getvalue()
    entries = [json.loads(line) for line in output.splitlines()]
    requests = [entry for entry in entries if entry["logger"] == "keuzehulp.request"]
    first = requests[0]
    assert first["route"] == "/zoeken" and first["status"] == 200 and first["method"] == "GET"
    assert first["request_id"] == page.headers["x-request-id"] and re.fullmatch(
        r"[0-9a-f]{16}", first["request_id"]
    )
    assert first["duration_ms"] > 0 and set(first) == {
        "time", "level", "logger", "request_id", "method", "route", "status", "duration_ms",
    }  # fmt: skip
    assert {"/aanmelden", "/wachtwoord/instellen/{token}"} <= {entry["route"] for entry in requests}
    assert any("[verborgen]" in entry.get("message", "") for entry in entries)
    for private in (
        "jansje",
        "Jansje",
        "Pietersen",
        "example.org",
        "GeheimToken",
        "Xyz987",
        "dyslexie",
        "testclient",
    ):
        assert private not in output, private
