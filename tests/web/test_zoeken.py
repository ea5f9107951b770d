"""/zoeken: filters, facets, fragments for htmx, errors, neutral order."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markupsafe import escape
from sqlmodel import Session

from keuzehulp import clock
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.domain.beschikbaarheid import START_BINNEN
from keuzehulp.search.engine import ORDER_VARIANTS, visitor_seed
from keuzehulp.search.filters import SearchRequest
from keuzehulp.web.kit.beschikbaarheid import matching_availability
from keuzehulp.web.kit.visitor import MARKERS, slot_values, split_at_markers, with_slots
from tests.support.http import cookie
from tests.support.sql_reference import sql_count, sql_slugs


def result_slugs(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*/aanbieders/([^"]+)">', html)


def test_filter_op_gemeente_ob_en_niveau_geeft_de_juiste_aanbieders(demo_client, demo_world):
    response = demo_client.get(
        "/zoeken", params={"gemeente": "enschede", "ob": "2", "niveau": "B", "sort": "naam"}
    )
    assert response.status_code == 200
    assert response.template.name == "pages/zoeken.html"
    request = SearchRequest(gemeente="GM0153", ob="2", niveau="B")
    with Session(demo_world.engine) as session:
        expected = sql_slugs(session, request, clock.today())
    assert response.context["result"].total == len(expected)
    shown = result_slugs(response.text)
    assert len(shown) == min(20, len(expected))
    assert set(shown) <= expected
    assert "Gecontracteerd in Enschede" in response.text
    assert "Wijkteam Enschede" in response.text


def test_gemeente_als_cbs_code_en_als_slug_is_hetzelfde(demo_client):
    by_code = demo_client.get("/zoeken", params={"gemeente": "GM1735", "sort": "naam"})
    by_slug = demo_client.get("/zoeken", params={"gemeente": "hof-van-twente", "sort": "naam"})
    assert result_slugs(by_code.text) == result_slugs(by_slug.text)
    assert by_code.context["result"].total > 0


def test_facetten_tonen_exacte_aantallen_en_lege_opties_zijn_uitgeschakeld(demo_client, demo_world):
    response = demo_client.get("/zoeken", params={"gemeente": "losser", "dakje": "3"})
    facets = response.context["result"].facets
    with Session(demo_world.engine) as session:
        for option in facets["ob"]:
            expected = sql_count(
                session, SearchRequest(gemeente="GM0168", dakje="3", ob=option.value), clock.today()
            )
            assert option.count == expected
    empty = [o for f in facets.values() for o in f if o.count == 0 and not o.selected]
    assert empty, "testdata heeft lege opties nodig"
    for option in empty[:5]:
        assert re.search(rf'value="{re.escape(option.value)}"[^>]* disabled', response.text)


def test_htmx_verzoek_krijgt_alleen_het_fragment(demo_client):
    response = demo_client.get("/zoeken", params={"ob": "3"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.template.name == "partials/zoeken_fragment.html"
    assert "<html" not in response.text
    assert 'id="zoek-status"' in response.text and 'hx-swap-oob="true"' in response.text
    assert response.headers["vary"] == "HX-Request"
    full = demo_client.get("/zoeken", params={"ob": "3"})
    assert full.headers["vary"] == "HX-Request"
    assert "<html" in full.text


def test_ongeldige_filters_geven_400_met_uitleg_en_behouden_de_rest(demo_client):
    response = demo_client.get(
        "/zoeken", params={"ob": "7", "niveau": "Z", "gemeente": "Atlantis", "q": "autisme"}
    )
    assert response.status_code == 400
    text = response.text
    assert (
        "Ondersteuningsbehoefte &#39;7&#39; bestaat niet" in text
        or "Ondersteuningsbehoefte '7' bestaat niet" in text
    )
    assert "Niveau" in text and "bestaat niet" in text
    assert "Atlantis" in text and "kennen we niet" in text
    assert 'value="autisme"' in text  # the rest of the form is kept
    assert response.context["result"].request.q == "autisme"


def test_onbekende_specialisatie_en_te_lange_tekst(demo_client):
    response = demo_client.get("/zoeken", params={"specialisatie": "bestaat-niet"})
    assert response.status_code == 400
    response = demo_client.get("/zoeken", params={"q": "a" * 500})
    assert response.status_code == 400
    assert "te lang" in response.text


def test_neutrale_volgorde_wordt_uitgelegd_en_is_per_bezoeker_anders(demo_client):
    today = clock.today()
    tokens = [c * 32 for c in "abcdef"]
    first_token = tokens[0]
    other_token = next(t for t in tokens if visitor_seed(t, today) != visitor_seed(first_token, today))
    with cookie(demo_client, "kh_volgorde", first_token):
        first = demo_client.get("/zoeken")
        again = demo_client.get("/zoeken")
    with cookie(demo_client, "kh_volgorde", other_token):
        other = demo_client.get("/zoeken")
    assert "Willekeurige volgorde, zodat geen aanbieder voorrang krijgt" in first.text
    assert result_slugs(first.text) == result_slugs(again.text)
    assert result_slugs(first.text) != result_slugs(other.text)


def test_bezoekers_krijgen_verschillende_volgordes():
    seeds = {visitor_seed(f"{n:032x}", clock.today()) for n in range(400)}
    assert len(seeds) == ORDER_VARIANTS


def test_nieuwe_bezoeker_krijgt_een_volgorde_cookie(demo_client):
    demo_client.cookies.clear()
    response = demo_client.get("/zoeken")
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith("kh_volgorde=")]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_neutrale_volgorde_geeft_iedere_aanbieder_een_kans_op_de_eerste_plaats(demo_world):
    snapshot = demo_world.index.snapshot()
    firsts = {
        demo_world.search.search(snapshot, SearchRequest(), seed=seed).hits[0].data["slug"]
        for seed in range(60)
    }
    assert len(firsts) > 40


def test_sorteren_op_wachttijd_naam_en_afstand(demo_client, demo_world):
    everything = SearchRequest(per_page=100_000)
    wachttijd = demo_world.search.search(
        demo_world.index.snapshot(), replace(everything, sort="wachttijd"), 3
    )
    starts = [matching_availability(h.data, everything, clock.today()) for h in wachttijd.hits]
    starts = [found[2].start if found else None for found in starts]
    groups = [  # within 1, 2, 4 ... 12 weeks, later, then unknown, stale or stopped
        len(START_BINNEN) + 1
        if start is None
        else next((i for i, t in enumerate(START_BINNEN) if start <= t), len(START_BINNEN))
        for start in starts
    ]
    assert groups == sorted(groups) and len(set(groups)) > 3
    assert demo_client.get("/zoeken", params={"sort": "wachttijd"}).context["result"].sort == "wachttijd"
    naam = demo_world.search.search(demo_world.index.snapshot(), replace(everything, sort="naam"), 3)
    names = [h.data["naam"].casefold() for h in naam.hits]
    assert names == sorted(names) and len(names) == naam.total
    afstand = demo_client.get("/zoeken", params={"sort": "afstand", "woonplaats": "delden"}).context["result"]
    km = [h.distance_km for h in afstand.hits]
    assert km == sorted(km) and km[0] < 5
    zonder_punt = demo_client.get("/zoeken", params={"sort": "afstand"})
    assert "Kies een gemeente of woonplaats" in zonder_punt.text


def test_paginering_met_20_per_pagina(demo_client):
    page1 = demo_client.get("/zoeken", params={"sort": "naam"})
    page2 = demo_client.get("/zoeken", params={"sort": "naam", "pagina": "2"})
    first, second = result_slugs(page1.text), result_slugs(page2.text)
    assert len(first) == 20 and len(second) == 20
    assert not set(first) & set(second)
    assert "Volgende pagina" in page1.text


def test_tekst_zoeken_met_synoniem_en_spelling(demo_client):
    synonym = demo_client.get("/zoeken", params={"q": "prikkelgevoelig"}).context["result"]
    direct = demo_client.get("/zoeken", params={"specialisatie": "autisme"}).context["result"]
    assert synonym.total >= direct.total > 0
    typo = demo_client.get("/zoeken", params={"q": "autisne"})
    assert typo.context["result"].total == 0
    assert "Bedoelde u" in typo.text and "autisme" in typo.text


def test_naamsuggesties_tijdens_typen(demo_client, demo_world):
    hits = demo_world.search.search(demo_world.index.snapshot(), SearchRequest(sort="naam"), 1).hits
    name = next(h.data["naam"] for h in hits if h.data["naam"].split()[0].isalpha())
    typed = name.split()[0][:4]
    response = demo_client.get("/zoeken/suggesties", params={"q": typed})
    assert response.status_code == 200
    assert response.template.name == "partials/suggesties.html"
    names = response.context["names"]
    assert names and all(
        any(word.startswith(typed.lower()) for word in item["naam"].lower().split()) for item in names
    )
    assert demo_client.get("/zoeken/suggesties", params={"q": "x"}).context["names"] == []


def test_startpagina(demo_client):
    response = demo_client.get("/")
    assert response.status_code == 200
    assert "Hof van Twente" in response.text
    assert 'action="/zoeken"' in response.text
    assert 'href="/keuzehulp"' in response.text
    assert "Demo-gegevens, fictieve aanbieders" in response.text


def test_zoekpagina_blijft_onder_100_kb_zonder_de_statische_bestanden(demo_client):
    """The page itself (20 results, every facet) stays light for phones; CSS and htmx are cached."""
    for language in ("en", "nl"):  # Dutch last: the shared client keeps the language cookie
        page = demo_client.get("/zoeken", params={"lang": language})
        assert page.status_code == 200 and page.text.count('class="result"') == 20
        assert len(page.content) < 100_000, (language, len(page.content))


def test_stopwoorden_tellen_niet_mee_en_worden_nooit_voorgesteld(demo_world):
    snapshot = demo_world.index.snapshot()
    sentence = (
        "ik zoek hulp voor mijn zoon van twaalf jaar met een vorm van autisme"  # 14 words, 6 stop words
    )
    result = demo_world.search.search(snapshot, SearchRequest(q=sentence), seed=1)
    assert not any("eerste 10 woorden" in notice for notice in result.notices)
    for q in ("ab", "xq", "autisne de"):
        suggestion = demo_world.search.search(snapshot, SearchRequest(q=q), seed=1).suggestion
        assert suggestion is None or all(
            len(word) >= 3 and word not in ("en", "de") for word in suggestion.split()
        )


@pytest.mark.parametrize(
    ("typed", "ob", "niveau", "rest"),
    [
        ("OB2B", "2", "B", ""),
        ("OB 2 niveau B", "2", "B", ""),
        ("2b", "2", "B", ""),
        ("ob2", "2", None, ""),
        ("autisme OB4 E", "4", "E", "autisme"),
        ("OB3D", "3", None, ""),  # D does not go with OB3
        ("niveau C", None, "C", ""),
    ],
)
def test_de_code_uit_de_brief_wordt_een_filter(demo_client, typed, ob, niveau, rest):
    response = demo_client.get("/zoeken", params={"q": typed})
    search = response.context["search"]
    assert (search.ob, search.niveau, search.q) == (ob, niveau, rest)
    plain = {"2": "hulp om overzicht te houden en te plannen", "3": "nieuwe dingen leren, zoals ander gedrag"}
    plain["4"] = "behandeling van psychische problemen"
    codes = ", ".join(([f"OB{ob}"] if ob else []) + ([f"niveau {niveau}"] if niveau else []))
    expected = "We zoeken op: " + (f"{plain[ob]} ({codes})" if ob else codes) + "."
    assert expected in response.text
    api = demo_client.get("/api/v1/aanbieders", params={"q": typed}).json()
    assert expected in api["notices"]


def test_een_gekozen_filter_gaat_voor_de_code_in_de_tekst(demo_client):
    search = demo_client.get("/zoeken", params={"q": "OB2B", "ob": "1"}).context["search"]
    assert (search.ob, search.niveau, search.q, search.from_text) == ("1", None, "OB2B", ())


def test_woorden_die_geen_aanbieder_heeft_vallen_weg_met_een_melding(demo_client):
    body = demo_client.get("/api/v1/aanbieders", params={"q": "zoonlief autisme"}).json()
    alone = demo_client.get("/api/v1/aanbieders", params={"q": "autisme"}).json()
    assert body["total"] == alone["total"] > 0
    assert "We zochten niet op het woord 'zoonlief': geen aanbieder gebruikt het." in body["notices"]
    nothing = demo_client.get("/api/v1/aanbieders", params={"q": "zoonlief"}).json()
    assert nothing["total"] == 0  # with no word found at all, nothing is left to search for


@pytest.mark.parametrize(
    ("english", "specialisatie"),
    [("parenting", "opvoeding"), ("debts", "schulden"), ("anxiety", "angst"), ("day care", "dagbesteding")],
)
def test_engelse_woorden_vinden_de_specialisatie(demo_world, english, specialisatie):
    snapshot, everything = demo_world.index.snapshot(), 100_000
    found = demo_world.search.search(snapshot, SearchRequest(q=english, per_page=everything), seed=1)
    direct = demo_world.search.search(
        snapshot, SearchRequest(specialisatie=(specialisatie,), per_page=everything), 1
    )
    assert direct.total > 0 and {h.data["slug"] for h in direct.hits} <= {h.data["slug"] for h in found.hits}


@pytest.mark.parametrize(("typed", "meant"), [("autisne", "autisme"), ("angts", "angst"), ("pgb", None)])
def test_bedoelde_u_kiest_het_dichtstbijzijnde_echte_woord(demo_world, typed, meant):
    result = demo_world.search.search(demo_world.index.snapshot(), SearchRequest(q=typed), seed=1)
    assert result.suggestion == meant


def test_pleegzorg_en_gezinshuis_zijn_jeugdhulp(demo_client, demo_world):
    from sqlmodel import select

    from keuzehulp.models import Contract, DakjeScope

    with Session(demo_world.engine) as session:  # the data has aanbieders with Wmo and pleegzorg
        both = session.exec(
            select(DakjeScope.aanbieder_id)
            .join(Contract, Contract.aanbieder_id == DakjeScope.aanbieder_id)
            .where(DakjeScope.dakje == "0-A", Contract.perceel == "wmo")
        ).first()
    assert both is not None
    wmo = demo_client.get("/api/v1/aanbieders", params={"perceel": "wmo", "dakje": "0-A"}).json()
    assert wmo["total"] == 0
    jeugd = demo_client.get("/api/v1/aanbieders", params={"perceel": "jeugd", "dakje": "0-A"}).json()
    assert jeugd["total"] > 0
    facets = demo_client.get("/zoeken", params={"perceel": "wmo"}).context["result"].facets
    assert [o.value for o in facets["dakje"]] == ["1", "2", "3"]


def test_ambulante_spoedhulp_is_jeugdhulp(demo_client):
    jeugd = demo_client.get("/zoeken", params={"perceel": "jeugd"})
    assert jeugd.context["result"].facets["spoedhulp"][0].count > 0 and 'id="veld-spoedhulp"' in jeugd.text
    wmo = demo_client.get("/zoeken", params={"perceel": "wmo"})
    assert wmo.context["result"].facets["spoedhulp"] == [] and 'id="veld-spoedhulp"' not in wmo.text
    assert "ambulante spoedhulp)</p>" not in wmo.text  # no badge on Wmo cards
    both = demo_client.get("/api/v1/aanbieders", params={"perceel": "wmo", "spoedhulp": "ja"}).json()
    assert both["total"] == 0
    perceel = demo_client.get("/zoeken", params={"spoedhulp": "ja"}).context["result"].facets["perceel"]
    assert {o.value: o.count for o in perceel}["wmo"] == 0  # choosing Wmo would give none


def test_filters_in_een_paneel_met_het_aantal_en_elke_keuze_weg_te_halen(demo_client):
    response = demo_client.get("/zoeken", params={"gemeente": "enschede", "ob": "2", "max_wachttijd": "4"})
    text = response.text
    panel = r'<details class="filter-paneel" id="filter-paneel">\s*<summary[^>]*>Filters \(3 gekozen\)'
    assert re.search(panel, text)
    links = re.findall(r'<a class="gekozen-filter" href="([^"]+)">', text)
    assert [link.replace("&amp;", "&") for link in links] == [
        "/zoeken?ob=2&max_wachttijd=4",
        "/zoeken?gemeente=enschede&max_wachttijd=4",
        "/zoeken?gemeente=enschede&ob=2",
    ]
    several = {"q": "gezin & school", "specialisatie": ["gedrag", "nah"], "sort": "naam", "pagina": "2"}
    links = re.findall(
        r'<a class="gekozen-filter" href="([^"]+)">', demo_client.get("/zoeken", params=several).text
    )
    assert [link.replace("&amp;", "&") for link in links] == [  # one value of several goes; so does the page
        "/zoeken?specialisatie=gedrag&specialisatie=nah&sort=naam",
        "/zoeken?q=gezin+%26+school&specialisatie=nah&sort=naam",
        "/zoeken?q=gezin+%26+school&specialisatie=gedrag&sort=naam",
    ]
    fragment = demo_client.get("/zoeken", params={"ob": "2"}, headers={"HX-Request": "true"}).text
    assert '<details class="filter-paneel" id="filter-paneel" open>' in fragment  # a change keeps it open
    assert 'hx-trigger="change"' in fragment  # "Toon resultaten" loads the page, panel closed
    plain = demo_client.get("/zoeken").text
    assert re.search(r"<summary[^>]*>Filters</summary>", plain) and "gekozen-filter" not in plain


def test_de_volgorde_heeft_een_neutrale_standaardkeuze(demo_client):
    def options(params) -> list[str]:
        html = demo_client.get("/zoeken", params=params).text
        start = html.index('<select id="sort"')
        select = html[start : html.index("</select>", start)]
        return re.findall(r"<option[^>]*>([^<]+)</option>", select)

    plain = options({})
    assert plain[0] == "Willekeurig" and plain.count("Willekeurig") == 1
    assert not any("Standaard" in o or "Beste match" in o for o in plain)
    with_words = options({"q": "autisme"})
    best = "Beste match met zoekwoorden"
    assert with_words[0] == best and with_words.count(best) == 1
    assert "Willekeurig" in with_words


def test_lege_opties_zijn_niet_doorgestreept(demo_client):
    css = demo_client.get("/static/css/site.css").text
    assert "line-through" not in "".join(line for line in css.splitlines() if ".leeg" in line)


def test_favicon_bestaat_en_de_paginas_verwijzen_ernaar(demo_client):
    response = demo_client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\0\0\1\0"
    assert 'rel="icon" href="/static/favicon.ico"' in demo_client.get("/").text
    assert demo_client.get("/static/favicon.ico").status_code == 200


def test_tekst_van_een_aanbieder_wordt_nooit_een_merkteken_van_de_gedeelde_pagina():
    html = str(escape("Beschrijving met <kh-csrf-7f3a> en 100% inzet")).encode()
    assert split_at_markers(html) == [html]  # escaped text has no markers
    card = with_slots(html + MARKERS["csrf"].encode(), "csrf")
    assert card % slot_values(csrf="token") == html + b"token"  # and keeps its %


def test_een_foute_zoekopdracht_blijft_400_met_uitleg_ook_uit_de_cache(demo_client):
    for _ in range(2):
        response = demo_client.get("/zoeken", params={"ob": "7"})
        assert response.status_code == 400
        assert "bestaat niet" in response.text


def test_dezelfde_zoekopdracht_is_dezelfde_sleutel():
    first = SearchRequest(q="autisme", ob="2")
    same = replace(SearchRequest(q="autisme"), ob="2")
    assert same == first and hash(same) == hash(first)
    assert replace(first, ob="3") != first


def test_htmx_en_de_stijl_gaan_gecomprimeerd_en_de_zoekpagina_blijft_onder_100_kb(demo_client):
    page = demo_client.get("/zoeken", headers={"Accept-Encoding": "identity"})
    total = len(page.content)
    [theme] = re.findall(r'href="(/thema\.css[^"]*)"', page.text)
    total += len(demo_client.get(theme).content)
    for path in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))', page.text):
        response = demo_client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.content == (PROJECT_ROOT / path.removeprefix("/")).read_bytes()
        total += int(response.headers["content-length"])
        again = demo_client.get(path, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304
        plain = demo_client.get(path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.headers["etag"] != response.headers["etag"]
    assert total < 100_000


def result_cards(html: str) -> dict[str, str]:
    """Each result card's HTML by slug."""
    parts = html.split('<li class="result" id="resultaat-')[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def test_kaart_toont_mogelijk_verouderde_wachttijd(demo_client, demo_world):
    """A card shows the figure that matches the search; 'mogelijk verouderd' exactly when it is stale."""
    search = SearchRequest(
        gemeente=demo_world.taxonomy.gemeente("enschede").cbs_code, sort="naam", per_page=100_000
    )
    hits = demo_world.search.search(demo_world.index.snapshot(), search, 3).hits
    found = {h.data["slug"]: matching_availability(h.data, search, clock.today()) for h in hits}
    stale = {slug for slug, f in found.items() if f and f[2].verouderd and f[2].stop is None}
    cards = {}
    for page in range(1, 4):
        params = {"gemeente": "enschede", "sort": "naam", "pagina": page}
        cards |= result_cards(demo_client.get("/zoeken", params=params).text)
    assert stale & set(cards) and set(cards) - stale  # the data has both
    assert {slug for slug, card in cards.items() if "Mogelijk verouderd:" in card} == stale & set(cards)
    unknown = [slug for slug in cards if found[slug] is None]
    assert all("Wachttijd: <strong>onbekend</strong>" in cards[slug] for slug in unknown)


def test_afstand_zegt_vanaf_waar(demo_client):
    html = demo_client.get("/zoeken", params={"gemeente": "enschede", "sort": "afstand"}).text
    assert re.search(r" · \d+ km van Enschede \(centrum\)</p>", html)
    assert '<option value="afstand" selected>Dichtst bij Enschede (centrum)</option>' in html
    delden = demo_client.get("/zoeken", params={"woonplaats": "delden", "sort": "afstand"}).text
    assert re.search(r" · \d+ km van Delden</p>", delden) and "Dichtst bij Delden<" in delden
    english = demo_client.get("/zoeken", params={"gemeente": "enschede", "sort": "afstand", "lang": "en"})
    demo_client.get("/", params={"lang": "nl"})  # the shared client goes back to Dutch
    assert re.search(r" · \d+ km from Enschede \(centre\)</p>", english.text)
    assert ">Nearest to Enschede (centre)</option>" in english.text
    plain = demo_client.get("/zoeken", params={"sort": "afstand"}).text  # from nowhere: no distance
    assert " km van " not in plain and ">Dichtstbij</option>" in plain


def test_lege_parameters_verdwijnen_uit_het_adres(small_client):
    long = "/zoeken?q=&gemeente=enschede&ob=&niveau=&dakje=&sort="
    response = small_client.get(long, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/zoeken?gemeente=enschede"
    assert small_client.get("/zoeken?q=&sort=", follow_redirects=False).headers["location"] == "/zoeken"
    htmx = small_client.get("/zoeken?gemeente=enschede&ob=&sort=", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.headers["HX-Push-Url"] == "/zoeken?gemeente=enschede"
    clean = small_client.get("/zoeken?gemeente=enschede", headers={"HX-Request": "true"})
    assert clean.status_code == 200 and "HX-Push-Url" not in clean.headers
