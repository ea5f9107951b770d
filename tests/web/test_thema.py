"""The theme in the pages (docs/theme.md): the page title and the logo text come from the tokens, and
the colours arrive as a stylesheet (no inline styles: the CSP forbids them), cached by its version."""

from __future__ import annotations

import re
from dataclasses import replace

from starlette.testclient import TestClient

from keuzehulp.web.app import create_app
from keuzehulp.web.kit.theme import Theme


def test_kop_en_kleuren_komen_uit_de_tokens(demo_client):
    theme = Theme.load("twente")
    for language, tagline in [
        ("nl", "jeugdhulp en Wmo in Twente"),
        ("en", "youth care and Wmo support in Twente"),
    ]:
        html = demo_client.get("/zoeken", params={"lang": language}).text
        assert f'<span class="logo-ondertitel">{tagline}</span>' in html
        assert f" – {theme.naam}: {tagline}</title>" in html
        assert f'<link rel="stylesheet" href="/thema.css?v={theme.version}">' in html
        assert "style=" not in html and "<style" not in html
    demo_client.get("/", params={"lang": "nl"})  # the shared client goes back to Dutch

    response = demo_client.get("/thema.css", params={"v": theme.version})
    assert response.headers["content-type"].startswith("text/css")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.text == theme.css and "--primair:#00587c;" in response.text
    assert demo_client.get("/thema.css", params={"v": "oud"}).headers["cache-control"] == "no-cache"


def test_het_menu_markeert_de_pagina_waar_u_bent(demo_client):
    for path, label in [("/", "Start"), ("/zoeken", "Zoek een aanbieder"), ("/uitleg", "Uitleg")]:
        html = demo_client.get(path).text
        current = re.findall(r'<a href="[^"]*"[^>]* aria-current="page">([^<]+)', html)
        assert current == [label], path
    assert 'aria-current="page"' not in demo_client.get("/over").text


def test_het_gebied_in_de_teksten_komt_uit_het_thema(demo_world):
    with TestClient(create_app(demo_world.settings(), engine=demo_world.engine)) as client:
        services = client.app.state.site
        services.templates.env.globals["thema"] = replace(services.theme, gebied="Regio Nijmegen")
        for path, text in [
            ("/aanmelden", "gemeenten in Regio Nijmegen, of wilt"),
            ("/over", "de gemeenten in Regio Nijmegen een contract mee hebben"),
            ("/over?lang=en", "the municipalities in Regio Nijmegen have a contract"),
        ]:
            html = client.get(path).text
            assert text in html and "Twente een contract" not in html, path
