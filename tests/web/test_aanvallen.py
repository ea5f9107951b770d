"""Attacks that must fail: forged cookies and tokens, Host and X-Forwarded-For headers, big bodies."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from keuzehulp.web.app import create_app
from tests.support.accounts import csrf_token, login_as


def test_geplant_csrf_paar_van_een_aanvaller_werkt_niet_bij_een_ingelogde_gebruiker(small_world):
    app = create_app(small_world.settings(), engine=small_world.engine)
    with TestClient(app) as attacker, TestClient(app) as victim:
        attacker_token = csrf_token(attacker, "/aanmelden")
        attacker_cookie = attacker.cookies["kh_csrf"]
        login_as(victim, "aanbieder")
        own = victim.post(
            "/aanbieder/wachttijden/bevestigen",
            data={"csrf_token": csrf_token(victim, "/aanbieder/wachttijden")},
            follow_redirects=False,
        )
        assert own.status_code == 303  # the victim's own token works
        victim.cookies.set("kh_csrf", attacker_cookie)  # planted, e.g. from a sibling domain
        forged = victim.post(
            "/aanbieder/wachttijden/bevestigen", data={"csrf_token": attacker_token}, follow_redirects=False
        )
        assert forged.status_code == 403


def test_absolute_adressen_volgen_de_instelling_niet_de_host_header(demo_world):
    app = create_app(demo_world.settings(public_url="https://keuzehulp.example.nl"), engine=demo_world.engine)
    with TestClient(app) as client:
        body = client.get("/api/v1/aanbieders", headers={"host": "evil.example"}).json()
        assert body["results"] and all(
            r["url"].startswith("https://keuzehulp.example.nl/aanbieders/") for r in body["results"]
        )
        root = client.get("/open-data/hsds/", headers={"host": "evil.example"}).json()
        assert root["profile"].startswith("https://keuzehulp.example.nl/")


def test_achter_https_hsts_en_een_secure_csrf_cookie(demo_world):
    app = create_app(demo_world.settings(), engine=demo_world.engine)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/aanmelden")
        assert "max-age=" in response.headers["strict-transport-security"]
        assert re.search(r"kh_csrf=[^;]+;.*Secure", response.headers["set-cookie"], re.I)
    with TestClient(app) as plain:
        response = plain.get("/aanmelden")
        assert "strict-transport-security" not in response.headers
        assert "secure" not in response.headers["set-cookie"].lower()


def test_x_forwarded_for_telt_alleen_van_een_vertrouwde_proxy(demo_world):
    untrusted = create_app(demo_world.settings(api_rate_limit=3), engine=demo_world.engine)
    with TestClient(untrusted) as client:
        statuses = [
            client.get("/api/v1/aanbieders", headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
            for n in range(5)
        ]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    trusted = create_app(demo_world.settings(api_rate_limit=3, trusted_proxies="*"), engine=demo_world.engine)
    with TestClient(trusted) as client:
        statuses = [
            client.get("/api/v1/aanbieders", headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
            for n in range(5)
        ]
        assert statuses == [200] * 5  # five different clients behind the proxy


def test_grote_bodies_worden_geweigerd_voordat_ze_gelezen_zijn(demo_world):
    app = create_app(demo_world.settings(), engine=demo_world.engine)

    def body(size: int):
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            yield chunk

    with TestClient(app) as client:
        # no CSRF cookie: refused on the headers, whatever the size
        anonymous = client.post(
            "/aanmelden",
            content=b"naam=x" * 10,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert anonymous.status_code == 403
        declared = client.post(
            "/aanmelden",
            content=b"x",
            headers={
                "content-length": str(200 * 1024 * 1024),
                "content-type": "application/x-www-form-urlencoded",
            },
        )
        assert declared.status_code == 413 and "te groot" in declared.text
        csrf_token(client, "/aanmelden")
        streamed = client.post(
            "/aanmelden",
            content=body(8 * 1024 * 1024),  # no Content-Length: refused while reading
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert streamed.status_code == 413
        many = "&".join(f"f{i}=v" for i in range(1500)) + "&csrf_token=" + csrf_token(client, "/aanmelden")
        refused = client.post(
            "/aanmelden", content=many.encode(), headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert refused.status_code == 400 and "niet lezen" in refused.text
