"""Hostile input on every public route, property-based: stop words, operators, quotes, wildcards,
emoji, control characters (NUL among them), odd digits, huge values and unknown or repeated
parameters. Never a 5xx: always a page or JSON that explains, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from contextlib import ExitStack
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from keuzehulp.models import Aanbieder
from keuzehulp.web.api.openapi import SEARCH_PARAMETERS
from keuzehulp.web.app import create_app
from tests.support.accounts import csrf_token, login_as

HOSTILE = [
    *("de", "het", "en", "een", "a", "ja", "OR", "AND", "NOT", "TO", "*", "a*", "?", "~", "~2", "^", "!!"),
    *('"', "'", '"autisme', "(", ")", "[", "]", "{", "}", ":", "/", "\\", "-", "+", "&&", "||", "%"),
    *("²", "³", "½", "٣", "１", "0", "-1", "1.5", "1e3", "2147483648", "9" * 30, "", " ", "\t"),
    *("😀", "👩‍👧", "\x00", "a\x00b", "\x01", "\x1f", "\x7f", "\u202e", "\ufeff", "<script>", "../..", "%00"),
    *("x" * 5000, "de " * 300, "autisme " * 40, "Ençhédé", "ß", "İ"),
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=4).map(" ".join),
    st.text(max_size=40),
)
# Every parameter a public page or the API reads, and some that none does.
PARAMETERS = sorted(
    {p["name"] for p in SEARCH_PARAMETERS}
    | {"lang", "stap", "voor_wie", "besluit", "hulp", "verblijf", "onderwerp", "wens", "klaar"}
    | {"page", "per_page", "sinds", "sinds_tijd", "a", "sorteer", "volgende", "onbekend", "q[]"}
)
query = st.lists(st.tuples(st.sampled_from(PARAMETERS), hostile_text), max_size=6)
hostile_int = st.one_of(st.sampled_from(["0", "1", "2147483648", "9" * 30]), st.integers(0, 10**6).map(str))


def _routes(routes, prefix=""):
    for route in routes:
        if isinstance(route, Mount):
            if route.path != "/static":
                yield from _routes(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def _get_routes(app) -> list[tuple[str, Route]]:
    return [(path, r) for path, r in _routes(app.routes) if "GET" in (r.methods or {"GET"})]


def _fill(path: str, route: Route, draw) -> str:
    """The path with each {parameter} filled: digits for int convertors, hostile text otherwise."""

    def value(match):
        name = match.group(1)
        kind = type(route.param_convertors[name]).__name__
        return (
            draw(hostile_int)
            if kind in ("IntegerConvertor", "DatabaseIdConvertor")
            else quote(draw(hostile_text), safe="") or "x"
        )

    return re.sub(r"{(\w+)(?::\w+)?}", value, path)


def _explains(response) -> bool:
    """An answer a person can read: a page with text, JSON with an error, or a redirect."""
    if response.status_code in (301, 302, 303, 304, 307, 308):
        return True
    if response.status_code >= 400:
        return bool(response.text.strip())
    return True


def _check(client, path: str, params) -> None:
    response = client.get(path, params=params, follow_redirects=False)
    assert response.status_code < 500, (path, params, response.text[-500:])
    assert _explains(response), (path, params, response.status_code)


@pytest.fixture(scope="module")
def client(demo_world):
    """A client of its own on the shared demo data, without the API rate limit (and not using up
    the shared client's)."""
    app = create_app(demo_world.settings(api_rate_limit=0), engine=demo_world.engine)
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def public_routes(client):
    return _get_routes(client.app)


@given(data=st.data())
@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_geen_enkele_openbare_pagina_geeft_een_serverfout(client, public_routes, data):
    path, route = data.draw(st.sampled_from(public_routes))
    _check(client, _fill(path, route, data.draw), data.draw(query))


def test_elke_route_met_vaste_vijandige_tekst(client, public_routes):
    """Every route once with each fixed hostile value as free text and in every parameter."""
    for path, _route in public_routes:
        filled = re.sub(r"{(\w+)(?::\w+)?}", lambda m: "1" if ":id" in m.group(0) else "a%00b", path)
        for value in HOSTILE:
            _check(client, filled, [("q", value), ("gemeente", value), ("pagina", value)])


def test_405_noemt_wat_wel_kan(client):
    token = csrf_token(client, "/aanmelden")
    for path in ("/over", "/api/v1/aanbieders"):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 405 and "GET" in response.headers["allow"], path
        assert response.text.strip()


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_ingelogd_geeft_vijandige_invoer_geen_serverfout(signed_in_clients, data):
    """As each role, every page (also those of other roles) with hostile parameters."""
    client = data.draw(st.sampled_from(signed_in_clients))
    path, route = data.draw(st.sampled_from(_get_routes(client.app)))
    if path in ("/uitloggen",):
        return
    _check(client, _fill(path, route, data.draw), data.draw(query))


PUBLIC_FORMS = {
    "/aanmelden": ("naam", "kvk", "contactpersoon", "email", "telefoon", "website", "toelichting"),
    "/inloggen": ("email", "wachtwoord", "volgende"),
    "/wachtwoord/vergeten": ("email",),
    "/vergelijken/lijst": ("slug", "actie", "terug"),
}


@given(data=st.data())
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_openbare_formulieren_met_vijandige_invoer(small_client, small_world, data):
    slug = _some_slug(small_world)
    forms = PUBLIC_FORMS | {
        f"/aanbieders/{slug}/voorkeur": (
            "naam",
            "telefoon",
            "email",
            "gemeente",
            "toelichting",
            "toestemming",
        )
    }
    path = data.draw(st.sampled_from(sorted(forms)))
    fields = {name: data.draw(hostile_text) for name in data.draw(st.sets(st.sampled_from(forms[path])))}
    token = csrf_token(small_client, "/aanmelden")
    response = small_client.post(path, data=fields | {"csrf_token": token}, follow_redirects=False)
    assert response.status_code < 500, (path, fields, response.text[-500:])
    assert _explains(response)


def _some_slug(world) -> str:
    with Session(world.engine) as db:
        return db.exec(
            select(Aanbieder.slug).where(Aanbieder.status == "actief").order_by(Aanbieder.id)
        ).first()


@pytest.fixture
def signed_in_clients(small_world):
    """One signed-in client per role."""
    with ExitStack() as stack:
        clients = []
        for rol in ("beheerder", "wijkteam", "aanbieder"):
            app = create_app(small_world.settings(api_rate_limit=0), engine=small_world.engine)
            client = stack.enter_context(TestClient(app))
            login_as(client, rol)
            clients.append(client)
        yield clients
