"""/keuzehulp step by step, /uitleg, and no dead ends on /zoeken."""

from __future__ import annotations

import re

from keuzehulp.search.filters import SearchRequest

START = "woonplaats=Delden&voor_wie=kind&besluit=ja&ob=2&niveau=B&verblijf=nee"


def test_eerste_stap_vraagt_de_woonplaats(demo_client):
    response = demo_client.get("/keuzehulp")
    assert response.status_code == 200
    assert "Stap 1 van 5" in response.text
    assert "Waar woont u?" in response.text
    assert "Weet ik niet / sla over" in response.text


def test_elke_stap_bewaart_de_eerdere_antwoorden(demo_client):
    response = demo_client.get("/keuzehulp?woonplaats=Delden&voor_wie=kind")
    assert "Stap 3 van 5" in response.text
    assert '<input type="hidden" name="woonplaats" value="Delden">' in response.text
    assert '<input type="hidden" name="voor_wie" value="kind">' in response.text
    assert "Uw keuzes" in response.text and "Een kind of jongere tot 18 jaar" in response.text


def test_onbekende_woonplaats_geeft_melding_en_behoudt_wat_u_typte(demo_client):
    response = demo_client.get("/keuzehulp?woonplaats=Atlantis")
    assert response.status_code == 400
    assert "We kennen &#39;Atlantis&#39; niet" in response.text
    assert 'value="Atlantis"' in response.text
    assert "Stap 1 van 5" in response.text


def test_overzicht_toont_aantal_link_naar_zoeken_en_wijkteam(demo_client, demo_world):
    response = demo_client.get(f"/keuzehulp?{START}&klaar=ja")
    expected = demo_world.search.count(
        demo_world.index.snapshot(),
        SearchRequest(gemeente="GM1735", perceel="jeugd", ob="2", niveau="B", woonplaats="delden"),
    )
    assert expected > 0
    assert f"We vonden {expected} aanbieder" in response.text
    link = re.search(r'href="(/zoeken\?[^"]+)"', response.text).group(1).replace("&amp;", "&")
    assert demo_client.get(link).context["result"].total == expected
    assert "Sociaal Team Hof van Twente" in response.text
    assert "Delden hoort bij de gemeente Hof van Twente" in response.text


def test_wijzig_link_opent_de_stap_met_de_andere_antwoorden(demo_client):
    response = demo_client.get(f"/keuzehulp?{START}&klaar=ja")
    wijzig = re.findall(r'href="\?([^"]*stap=2)"', response.text)[0].replace("&amp;", "&")
    step = demo_client.get(f"/keuzehulp?{wijzig}")
    assert "Voor wie zoekt u hulp?" in step.text
    assert 'id="voor_wie-kind" name="voor_wie" value="kind" checked' in step.text


def test_htmx_krijgt_alleen_de_stap(demo_client):
    response = demo_client.get("/keuzehulp?woonplaats=Borne", headers={"HX-Request": "true"})
    assert response.template.name == "partials/keuzehulp_stap.html"
    assert "<html" not in response.text and "Stap 2 van 5" in response.text


def test_uitleg_legt_elk_begrip_uit(demo_client):
    text = demo_client.get("/uitleg").text
    for term in [
        "OB1",
        "OB4",
        "Niveau A",
        "Niveau E",
        "Pleegzorg",
        "Gezinshuis",
        "Advies aan het wijkteam (consultatie)",
        "Wachttijd",
        "Resultaten",
    ]:
        assert term in text


def test_zoeken_zonder_resultaten_biedt_een_versoepeling(demo_client):
    response = demo_client.get(
        "/zoeken", params={"gemeente": "enschede", "ob": "4", "niveau": "E", "dakje": "3"}
    )
    assert response.context["result"].total == 0
    assert "Met een kleine wijziging vindt u wel aanbieders" in response.text
    link = re.search(r'<a href="(/zoeken\?[^"]+)">Zoek ', response.text).group(1).replace("&amp;", "&")
    assert demo_client.get(link).context["result"].total > 0


def test_informatiepaginas(demo_client):
    over = demo_client.get("/over")
    assert over.status_code == 200 and "Geen aanbieder betaalt voor een betere plek" in over.text
    assert "<h1>Toegankelijkheid</h1>" in demo_client.get("/toegankelijkheid").text
    privacy = demo_client.get("/privacy").text
    for cookie_name in ["kh_volgorde", "kh_vergelijk", "kh_csrf", "kh_melding"]:
        assert cookie_name in privacy


def test_pleeggezin_en_gezinshuis_alleen_voor_kinderen_en_jongeren(demo_client):
    step = "/keuzehulp?woonplaats=Delden&besluit=onbekend&hulp=onbekend&voor_wie="
    for voor_wie, offered in (
        ("kind", True),
        ("jongvolwassene", True),
        ("volwassene", False),
        ("oudere", False),
    ):
        text = demo_client.get(step + voor_wie).text
        assert "Stap 4 van 5" in text
        assert ('value="pleegzorg"' in text) == offered and ('value="gezinshuis"' in text) == offered
        assert 'value="logeren"' in text


def test_antwoorden_die_niet_bij_een_volwassene_passen_worden_opnieuw_gevraagd(demo_client):
    """'Voor wie' changed from a child to an adult: OB3/OB4, niveau E and the pleeggezin no longer fit."""
    adult = "/keuzehulp?woonplaats=Delden&voor_wie=volwassene"
    leren = demo_client.get(adult + "&besluit=nee&hulp=leren").text
    assert "Wat voor hulp zoekt u vooral?" in leren and 'value="leren"' not in leren  # asked again
    brief = demo_client.get(adult + "&besluit=ja").text
    assert (
        '<option value="3"' not in brief and '<option value="E"' not in brief and '<option value="2"' in brief
    )
    refused = demo_client.get(adult + "&besluit=ja&ob=4&niveau=E").text
    assert "alleen hulp voor kinderen en jongeren" in refused
    pleeg = demo_client.get(adult + "&besluit=onbekend&hulp=onbekend&verblijf=pleegzorg").text
    assert "Moet iemand (een tijd) ergens anders wonen?" in pleeg and "in een pleeggezin." not in pleeg


def test_stappen_met_namen_de_huidige_gemarkeerd_en_een_vorige_vraag(demo_client):
    cases = [
        ("", 1, None),
        ("woonplaats=Delden", 2, "woonplaats=Delden&stap=1"),
        ("woonplaats=Delden&voor_wie=kind", 3, "woonplaats=Delden&voor_wie=kind&stap=2"),
        (
            "woonplaats=Delden&voor_wie=kind&besluit=ja",
            3,
            "woonplaats=Delden&voor_wie=kind&besluit=ja&stap=3&vraag=besluit",
        ),
        (
            "woonplaats=Delden&voor_wie=kind&besluit=nee",
            3,
            "woonplaats=Delden&voor_wie=kind&besluit=nee&stap=3&vraag=besluit",
        ),
        (START, 5, None),
    ]
    for query, step, previous in cases:
        html = demo_client.get(f"/keuzehulp?{query}").text
        steps = re.search(r'<ol class="stappen"[^>]*>(.*?)</ol>', html, re.S).group(1)
        names = [re.sub(r"<[^>]+>.*", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", steps)]
        assert names == ["Woonplaats", "Voor wie", "Soort hulp", "Wonen en verblijf", "Wensen"]
        current = re.findall(r'<li aria-current="step">([^<]*)</li>', steps)
        assert current == [names[step - 1]], query
        assert f"Stap {step} van 5" in html
        links = re.findall(r'<a href="\?([^"]*)">Vorige vraag</a>', html)
        if step == 1:
            assert links == []
        else:
            assert len(links) == 1, query
            if previous:
                assert links[0].replace("&amp;", "&") == previous, query


def test_woonplaats_staat_in_het_formulier_met_autocomplete(demo_client):
    html = demo_client.get("/keuzehulp?woonplaats=Delden&voor_wie=kind&stap=1").text
    assert 'name="woonplaats" type="text" list="plaatsen" autocomplete="address-level2"' in html
    assert 'value="Delden"' in html


def _previous(client, html: str) -> str:
    link = re.search(r'<a href="\?([^"]*)">Vorige vraag</a>', html).group(1).replace("&amp;", "&")
    return client.get(f"/keuzehulp?{link}").text


def _hidden(html: str) -> str:
    """The query the step's form sends besides its own question."""
    form = re.search(r'<form class="stap".*?</form>', html, re.S).group(0)
    return "&".join(f"{n}={v}" for n, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_vorige_vraag_toont_elke_stap_met_het_eerdere_antwoord(demo_client):
    html = demo_client.get(
        "/keuzehulp?woonplaats=Delden&voor_wie=kind&besluit=nee&hulp=leren&verblijf=logeren"
    ).text
    assert "Stap 5 van 5" in html
    html = _previous(demo_client, html)
    assert 'id="verblijf-logeren" name="verblijf" value="logeren" checked' in html
    html = _previous(demo_client, html)
    assert "Wat voor hulp zoekt u vooral?" in html and 'value="leren" checked' in html
    html = _previous(demo_client, html)
    assert "Heeft u al een besluit" in html and 'id="besluit-nee" name="besluit" value="nee" checked' in html
    again = demo_client.get(f"/keuzehulp?{_hidden(html)}&besluit=nee").text  # "Volgende vraag" once more
    assert "Wat voor hulp zoekt u vooral?" in again and 'value="leren" checked' in again
    html = _previous(demo_client, html)
    assert 'id="voor_wie-kind" name="voor_wie" value="kind" checked' in html
    html = _previous(demo_client, html)
    assert "Waar woont u?" in html and 'value="Delden"' in html

    brief = demo_client.get("/keuzehulp?woonplaats=Delden&voor_wie=kind&besluit=ja&ob=2&niveau=B&stap=3").text
    assert '<option value="2" selected>' in brief and '<option value="B" selected>' in brief
    html = _previous(demo_client, brief)
    assert 'id="besluit-ja" name="besluit" value="ja" required checked' in html


def test_uw_keuzes_zegt_wat_u_koos_in_gewone_woorden(demo_client):
    start = "woonplaats=Delden&voor_wie=kind&verblijf=nee&klaar=ja&"
    cases = [
        (
            "besluit=ja&ob=onbekend&niveau=onbekend",
            "U weet niet wat er in de brief staat",
            "You do not know what the letter says",
        ),
        (
            "besluit=ja&ob=onbekend&niveau=B",
            "Uit de brief: niveau B. De soort hulp weet u niet.",
            "From the letter: level B. You do not know the kind of help.",
        ),
        (
            "besluit=ja&ob=2&niveau=onbekend",
            "Uit de brief: hulp om overzicht te houden en te plannen (OB2). Het niveau weet u niet.",
            "From the letter: help to keep track and to plan (OB2). You do not know the level.",
        ),
        (
            "besluit=ja&ob=2&niveau=B",
            "Uit de brief: hulp om overzicht te houden en te plannen (OB2, niveau B)",
            "From the letter: help to keep track and to plan (OB2, level B)",
        ),
        (
            "besluit=nee&hulp=onbekend",
            "U heeft nog geen brief. Welke hulp u zoekt, weet u nog niet.",
            "You do not have a letter yet. You do not know yet what help you are looking for.",
        ),
        ("besluit=nee&hulp=leren", "Nieuwe dingen leren, zoals ander gedrag", "Learning new things"),
        ("besluit=onbekend&hulp=onbekend", "Overgeslagen", "Skipped"),
    ]
    for answers, dutch, english in cases:
        for lang, expected in (("nl", dutch), ("en", english)):
            html = demo_client.get(f"/keuzehulp?{start}{answers}&lang={lang}").text
            line = re.search(r"<dt>(?:Soort hulp|Kind of help)</dt>\s*<dd>\s*(.*?)\s*<a ", html, re.S).group(
                1
            )
            assert line.startswith(expected), (answers, lang, line)
            assert "onbekend" not in line and "unknown" not in line
