"""Faults: each ends in an honest Dutch 503 (or keeps working) and heals without a restart."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from keuzehulp.web import background
from keuzehulp.web.app import create_app
from keuzehulp.web.ops import health
from tests.support.accounts import csrf_token


def _wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "niet op tijd hersteld"
        time.sleep(0.1)


def test_een_trage_zoekvraag_houdt_andere_verzoeken_niet_op(demo_world):
    """A search that blocks must not block the event loop: /healthz still answers."""
    app = create_app(demo_world.settings(), engine=demo_world.engine)
    release, started = threading.Event(), threading.Event()
    engine = app.state.site.search
    original = engine.search

    def slow_search(*args, **kwargs):
        started.set()
        release.wait(10)
        return original(*args, **kwargs)

    engine.search = slow_search
    with TestClient(app) as client:
        slow = threading.Thread(target=client.get, args=("/zoeken?q=autisme",))
        slow.start()
        assert started.wait(5)
        began = time.monotonic()
        assert client.get("/healthz").status_code == 200
        assert time.monotonic() - began < 5  # answered while the search was still running
        release.set()
        slow.join(10)


@pytest.fixture
def healing_app(small_world, monkeypatch):
    monkeypatch.setattr(background, "HEALTH_CHECK_SECONDS", 0)
    app = create_app(small_world.settings(index_poll_seconds=0.1), engine=small_world.engine)
    with TestClient(app) as client:
        yield client


def test_verwijderde_index_wordt_tijdens_het_draaien_opnieuw_opgebouwd(healing_app, small_world):
    expected = healing_app.get("/api/v1/aanbieders", params={"per_page": 100}).json()["total"]
    shutil.rmtree(small_world.index_dir)
    _wait_for(lambda: (small_world.index_dir / "current").exists())
    _wait_for(lambda: healing_app.get("/readyz").status_code == 200)
    assert healing_app.get("/api/v1/aanbieders", params={"per_page": 100}).json()["total"] == expected


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_kapotte_segmenten_geven_503_en_herstellen_zich(healing_app, small_world, monkeypatch):
    current = small_world.index_dir / (small_world.index_dir / "current").read_text()
    statuses = set()
    monkeypatch.setattr(background, "HEALTH_CHECK_SECONDS", 3600)  # only a failed search starts the repair
    # The segments are damaged in place, same length (cutting a mapped file short kills: SIGBUS).
    # Not the table of contents: the sync loop reads that itself and would repair the index
    # before any search, and this test is about a search that finds the damage.
    for path in current.iterdir():
        if path.suffix in (".seg", ".trm", ".pst"):
            with path.open("r+b") as file:
                size = file.seek(0, 2)
                file.seek(0)
                file.write(b"\xff" * size)
    for pagina in (1, 2, 3):  # the results' stored data is read from the damaged segments
        response = healing_app.get("/zoeken", params={"pagina": pagina, "sort": "naam"})
        statuses.add(response.status_code)
        if response.status_code == 503:
            assert response.headers["retry-after"] and "Probeer het over een minuut opnieuw" in response.text
    assert 503 in statuses and statuses <= {200, 503}, statuses  # never a 500
    _wait_for(lambda: healing_app.get("/zoeken", params={"q": "gezin"}).status_code == 200)
    _wait_for(lambda: healing_app.get("/readyz").status_code == 200)


def _short_wait_engine(world):
    if world.url.startswith("sqlite"):
        return create_engine(world.url, connect_args={"timeout": 0.5, "check_same_thread": False})
    return create_engine(world.url, connect_args={"options": "-c lock_timeout=500"})


def _hold_write_lock(world, engine):
    """Another connection that holds the database's write lock (SQLite) or a table lock (PostgreSQL)."""
    holder = engine.connect()
    if world.url.startswith("sqlite"):
        holder.exec_driver_sql("BEGIN EXCLUSIVE")
    else:
        holder.begin()
        holder.execute(text("LOCK TABLE aanmelding, sitemeta IN ACCESS EXCLUSIVE MODE"))
    return holder


def test_vergrendelde_database_geeft_503_met_de_getypte_waarden_en_herstelt(small_world, monkeypatch):
    engine, other = _short_wait_engine(small_world), create_engine(small_world.url)
    app = create_app(small_world.settings(), engine=engine)
    with TestClient(app) as client:
        token = csrf_token(client, "/aanmelden")
        typed = {
            "naam": "Zorg op Maat Twente",
            "kvk": "12345678",
            "contactpersoon": "Anna",
            "email": "anna@zorg.example",
        }
        holder = _hold_write_lock(small_world, other)
        try:
            refused = client.post("/aanmelden", data=typed | {"csrf_token": token})
            assert refused.status_code == 503 and refused.headers["retry-after"] == "60"
            assert "Probeer het over een minuut opnieuw" in refused.text
            assert 'name="naam" value="Zorg op Maat Twente"' in refused.text  # kept for "Probeer opnieuw"
            assert client.get("/readyz").status_code == 503
        finally:
            holder.rollback()
            holder.close()
        monkeypatch.setattr(health, "RECENT_FAILURE_SECONDS", 0)
        assert client.get("/readyz").status_code == 200
        again = client.post("/aanmelden", data=typed | {"csrf_token": csrf_token(client, "/aanmelden")})
        assert again.status_code == 200 and "ontvangen" in again.text.lower()
    engine.dispose()
    other.dispose()


def test_opnieuw_proberen_schrijft_nooit_een_wachtwoord_in_de_pagina():
    from starlette.datastructures import FormData
    from starlette.requests import Request

    from keuzehulp.web.kit.unavailable import retry_fields

    request = Request({"type": "http", "method": "POST", "headers": [], "state": {}})
    request.state.form = FormData(
        [
            ("email", "a@b.nl"),
            ("wachtwoord", "geheim-1234"),
            ("csrf_token", "t"),
            ("code", "123456"),
            ("naam", "x"),
        ]
    )
    assert retry_fields(request) == [("email", "a@b.nl"), ("naam", "x")]
