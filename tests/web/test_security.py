"""Security headers on every response, CSRF on every unsafe method, escaped output."""

from __future__ import annotations

import pytest

from keuzehulp.web.kit.security import CSRF
from tests.support.http import cookie


@pytest.mark.parametrize(
    "path", ["/", "/zoeken", "/api/v1/aanbieders", "/aanbieders/bestaat-niet", "/healthz"]
)
def test_beveiligingsheaders(demo_client, path):
    headers = demo_client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_geen_inline_scripts_in_paginas(demo_client):
    html = demo_client.get("/zoeken").text
    assert "<script>" not in html and "onclick" not in html
    assert "<script src=" in html


def test_post_zonder_geldig_csrf_token_wordt_geweigerd(demo_client):
    response = demo_client.post("/zoeken", data={"q": "x"})
    assert response.status_code == 403
    assert "niet via deze website verstuurd" in response.text
    with cookie(demo_client, "kh_csrf", "abc"):
        forged = demo_client.post("/zoeken", data={"csrf_token": "vervalst"})
        header_forged = demo_client.post("/zoeken", headers={"X-CSRF-Token": "vervalst"})
    assert forged.status_code == 403
    assert header_forged.status_code == 403


def test_post_met_geldig_token_komt_door_de_csrf_controle(demo_client):
    csrf = CSRF(demo_client.app.state.site.settings.secret_key)
    value = csrf.new_cookie_value()
    with cookie(demo_client, "kh_csrf", value):
        response = demo_client.post("/zoeken", data={"csrf_token": csrf.token_for(value)})
    assert response.status_code == 405  # past the CSRF check; /zoeken itself only answers GET


def test_zoektekst_wordt_ge_escaped(demo_client):
    response = demo_client.get("/zoeken", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
