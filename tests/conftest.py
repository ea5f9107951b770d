"""Fixtures: every database-touching test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.temp_postgres import PostgresServer
from keuzehulp.web.app import create_app
from tests.support.world import DatabaseFactory, build_world

BACKENDS = ["sqlite", "postgresql"]


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        default=None,
        help="Run the suite with the app's clock on this date (YYYY-MM-DD); default: the real date.",
    )


def pytest_configure(config):
    if day := config.getoption("--today"):
        clock.set_today(date.fromisoformat(day))


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def database_factory(backend, request, tmp_path_factory):
    postgres = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    return DatabaseFactory(backend, tmp_path_factory.mktemp(f"db-{backend}"), postgres)


@pytest.fixture
def empty_world(database_factory, tmp_path):
    """A fresh database with taxonomy and no aanbieders, and its (empty) index."""
    world = build_world(database_factory.new_url(), tmp_path / "index-empty")
    yield world
    world.engine.dispose()


@pytest.fixture
def small_world(database_factory, tmp_path):
    """A fresh database with 60 demo aanbieders, for tests that write."""
    world = build_world(database_factory.new_url(), tmp_path / "index-small", aanbieders=60, seed=3)
    yield world
    world.engine.dispose()


@pytest.fixture(scope="session")
def demo_world(database_factory, tmp_path_factory):
    """A shared, read-only data set of 300 demo aanbieders; tests must not write to it."""
    world = build_world(database_factory.new_url(), tmp_path_factory.mktemp("demo-index"), aanbieders=300)
    yield world
    world.engine.dispose()


@pytest.fixture(scope="session")
def regions_world(database_factory, tmp_path_factory):
    """A shared, read-only data set of Twente and Regio Nijmegen with 300 demo aanbieders."""
    world = build_world(
        database_factory.new_url(),
        tmp_path_factory.mktemp("regions-index"),
        aanbieders=300,
        regios=("twente", "nijmegen"),
    )
    yield world
    world.engine.dispose()


@pytest.fixture(scope="session")
def regions_client(regions_world):
    """A TestClient on the two-region data set."""
    with TestClient(create_app(regions_world.settings(), engine=regions_world.engine)) as client:
        yield client


@pytest.fixture(scope="session")
def demo_client(demo_world):
    """A TestClient on the shared demo data set."""
    with TestClient(create_app(demo_world.settings(), engine=demo_world.engine)) as client:
        yield client


@pytest.fixture(autouse=True)
def _demo_client_forgets_its_cookies(request):
    """The shared client starts every test as a new visitor: no language, order or CSRF cookie left
    by an earlier test."""
    yield
    for name in ("demo_client", "regions_client"):
        if name in request.fixturenames:
            request.getfixturevalue(name).cookies.clear()


@pytest.fixture
def small_client(small_world):
    """A TestClient on a fresh small data set, for tests that write."""
    with TestClient(create_app(small_world.settings(), engine=small_world.engine)) as client:
        yield client
