"""Shortlist (up to four, in a cookie, CSRF-protected) and the aligned comparison."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder, Contract, Gemeente
from keuzehulp.search.documents import current

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def actieve_slugs(world, count: int) -> list[str]:
    with Session(world.engine) as session:
        query = select(Aanbieder.slug).where(Aanbieder.status == "actief").order_by(Aanbieder.id).limit(count)
        return list(session.exec(query))


def token(client) -> str:
    return TOKEN.search(client.get("/zoeken").text).group(1)


def voeg_toe(client, slug: str, **extra):
    data = {"csrf_token": token(client), "slug": slug, "actie": "toevoegen", "terug": "/zoeken"}
    return client.post("/vergelijken/lijst", data=data, follow_redirects=False, **extra)


def test_zoekpagina_is_gedeeld_maar_het_formuliertoken_is_per_bezoeker(small_client):
    first = small_client.get("/zoeken").text
    small_client.cookies.clear()
    second = small_client.get("/zoeken").text
    assert "-7f3a>" not in first  # every marker was filled in
    assert TOKEN.search(first).group(1) != TOKEN.search(second).group(1)


def test_vergelijk_zonder_csrf_token_wordt_geweigerd(small_client, small_world):
    [slug] = actieve_slugs(small_world, 1)
    response = small_client.post("/vergelijken/lijst", data={"slug": slug, "actie": "toevoegen"})
    assert response.status_code == 403
    assert "kh_vergelijk" not in response.cookies


def test_toevoegen_tot_vier_met_duidelijke_meldingen(small_client, small_world):
    slugs = actieve_slugs(small_world, 5)
    for slug in slugs[:4]:
        response = voeg_toe(small_client, slug)
        assert response.status_code == 303 and response.headers["location"] == "/zoeken"
    page = small_client.get("/zoeken").text
    assert "staat nu in uw vergelijking (4 van 4)" in page
    assert "aantal aanbieders: </span>4)" in page
    voeg_toe(small_client, slugs[4])
    assert "hooguit 4 aanbieders" in small_client.get("/zoeken").text
    voeg_toe(small_client, slugs[0])
    assert "staat al in uw vergelijking" in small_client.get("/zoeken").text
    voeg_toe(small_client, "bestaat-niet")
    assert "kennen we niet" in small_client.get("/zoeken").text
    comparison = small_client.get("/vergelijken")
    assert [p.aanbieder.slug for p in comparison.context["profiles"]] == slugs[:4]


def test_terug_adres_buiten_de_site_wordt_genegeerd(small_client, small_world):
    [slug] = actieve_slugs(small_world, 1)
    data = {"csrf_token": token(small_client), "slug": slug, "actie": "toevoegen", "terug": "//evil.example"}
    response = small_client.post("/vergelijken/lijst", data=data, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_htmx_toevoegen_geeft_melding_en_nieuwe_teller(small_client, small_world):
    [slug] = actieve_slugs(small_world, 1)
    response = voeg_toe(small_client, slug, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'role="status"' in response.text and "staat nu in uw vergelijking (1 van 4)" in response.text
    assert 'id="vergelijk-teller" hx-swap-oob="true"' in response.text


def test_vergelijking_zet_gegevens_naast_elkaar(demo_client, demo_world):
    slugs = actieve_slugs(demo_world, 3)
    response = demo_client.get("/vergelijken", params=[("a", s) for s in slugs] + [("gemeente", "enschede")])
    assert response.status_code == 200
    rows = {row["label"]: row for row in response.context["rows"]}
    with Session(demo_world.engine) as session:
        expected = [session.exec(select(Aanbieder).where(Aanbieder.slug == s)).one().telefoon for s in slugs]
    assert rows["Telefoon"]["cells"] == expected
    contract_row = next(row for label, row in rows.items() if label.startswith("Contract voor Enschede"))
    with Session(demo_world.engine) as session:
        expected_contract = [
            "Ja"
            if session.exec(
                select(func.count())
                .select_from(Contract)
                .join(Aanbieder, Aanbieder.id == Contract.aanbieder_id)
                .join(Gemeente, Gemeente.id == Contract.gemeente_id)
                .where(
                    Aanbieder.slug == slug, Gemeente.cbs_code == "GM0153", current(Contract, clock.today())
                )
            ).one()
            else "Nee"
            for slug in slugs
        ]
    assert contract_row["cells"] == expected_contract
    aspects = {"Wonen en verblijf", "Specialisaties", "Talen", "Wachttijd", "Afstand", "Vestigingen"}
    if "Doelen gehaald" in rows:
        assert all(
            cell == "Geen resultaten" or "cliënten" in cell or "Te weinig" in cell
            for cell in rows["Doelen gehaald"]["cells"]
        )
    assert aspects <= set(rows)
    assert any(row["differs"] for row in rows.values())
    differing = sum(row["differs"] for row in rows.values())
    assert response.text.count("(verschilt)") == differing  # in words, not by colour alone


def test_vergelijking_meldt_te_veel_dubbele_en_onbekende_aanbieders(demo_client, demo_world):
    slugs = actieve_slugs(demo_world, 5)
    too_many = demo_client.get("/vergelijken", params=[("a", s) for s in slugs])
    assert len(too_many.context["profiles"]) == 4
    assert "hooguit 4 aanbieders" in too_many.text
    odd = demo_client.get("/vergelijken", params=[("a", slugs[0]), ("a", slugs[0]), ("a", "bestaat-niet")])
    assert len(odd.context["profiles"]) == 1
    assert "twee keer" in odd.text and "bestaat-niet" in odd.text
    assert "Kies er nog minstens 1 bij om te vergelijken" in odd.text


@pytest.mark.parametrize("param", ["sort", "sorteer"])  # sorteer: links made before `sort` was used here too
def test_vergelijken_op_volgorde_van_doelen_gehaald(demo_client, demo_world, param):
    from keuzehulp.models import Resultaat

    with Session(demo_world.engine) as session:
        active = session.exec(select(Aanbieder).where(Aanbieder.status == "actief")).all()
        with_figure = {
            r.aanbieder_id
            for r in session.exec(
                select(Resultaat).where(Resultaat.indicator == "3.4", Resultaat.noemer >= 10)
            )
        }
    sure = next(a for a in active if a.id in with_figure)
    unknown = next(a for a in active if a.id not in with_figure)
    html = demo_client.get(
        "/vergelijken", params=[("a", unknown.slug), ("a", sure.slug), (param, "resultaat")]
    ).text
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert head.index(sure.naam) < head.index(unknown.naam)
    plain = demo_client.get("/vergelijken", params=[("a", unknown.slug), ("a", sure.slug)]).text
    plain_head = plain[plain.index("<thead>") : plain.index("</thead>")]
    assert plain_head.index(unknown.naam) < plain_head.index(sure.naam)


def test_vergelijking_onthoudt_de_gemeente_van_de_zoekopdracht(small_client, small_world):
    slugs = actieve_slugs(small_world, 2)
    search = "/zoeken?gemeente=hof-van-twente&ob=1&q=iets&woonplaats=delden"
    for slug in slugs:
        data = {"csrf_token": token(small_client), "slug": slug, "actie": "toevoegen", "terug": search}
        assert small_client.post("/vergelijken/lijst", data=data, follow_redirects=False).status_code == 303
    assert small_client.cookies.get("kh_vergelijk_voor") is not None
    response = small_client.get("/vergelijken")
    labels = [row["label"] for row in response.context["rows"]]
    assert any(label.startswith("Contract voor Hof van Twente") for label in labels), labels
    assert "woonplaats=delden" in response.context["share_query"]
    assert (
        "gemeente=hof-van-twente" in response.context["share_query"]
        and "q=" not in response.context["share_query"]
    )
    own = small_client.get("/vergelijken", params={"gemeente": "almelo"})
    assert any(row["label"].startswith("Contract voor Almelo") for row in own.context["rows"])


def test_vergelijking_noemt_het_perceel_van_de_zoekopdracht(demo_client, demo_world):
    """Wmo OB1 is another market than jeugd OB1: the row says which one it checks."""
    slugs = actieve_slugs(demo_world, 2)
    params = [("a", s) for s in slugs] + [("gemeente", "enschede"), ("perceel", "wmo"), ("ob", "1")]
    labels = [row["label"] for row in demo_client.get("/vergelijken", params=params).context["rows"]]
    assert "Contract voor Enschede, Wmo-ondersteuning: hulp bij dingen van elke dag (OB1)" in labels, labels
    jeugd = [*params[:-2], ("perceel", "jeugd"), ("ob", "1"), ("lang", "en")]
    english = [row["label"] for row in demo_client.get("/vergelijken", params=jeugd).context["rows"]]
    demo_client.get("/", params={"lang": "nl"})  # the shared client goes back to Dutch
    assert any(
        label.startswith("Contract for Enschede, Youth") and label.endswith("(OB1)") for label in english
    ), english


def test_vergelijking_deelt_een_volledig_adres_met_een_kopieerknop(demo_client, demo_world):
    slugs = actieve_slugs(demo_world, 3)
    response = demo_client.get("/vergelijken", params=[("a", s) for s in slugs] + [("gemeente", "enschede")])
    base = demo_client.app.state.site.settings.public_url.rstrip("/")
    expected = f"{base}/vergelijken?" + "&amp;".join(f"a={s}" for s in slugs) + "&amp;gemeente=enschede"
    assert f'id="deel-link" type="text" value="{expected}" readonly' in response.text
    assert 'data-kopieer="deel-link"' in response.text and "Kopieer link" in response.text
    assert "/static/js/kopieer-link.js" in response.text and "<script>" not in response.text
    # one card per aanbieder for phones, with every row of the table in the same order
    cards = re.findall(r'<section class="vergelijk-kaart".*?</section>', response.text, re.S)
    assert len(cards) == 3
    labels = [row["label"] for row in response.context["rows"]]
    for card in cards:
        found = [re.sub(r"\s*<span.*", "", dt) for dt in re.findall(r"<dt>(.*?)</dt>", card, re.S)]
        assert found == labels


def test_vergelijking_noemt_het_wijkteam_van_de_gemeente_met_telefoon(demo_client, demo_world):
    slugs = actieve_slugs(demo_world, 2)
    with Session(demo_world.engine) as session:
        enschede = session.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).one()
    response = demo_client.get("/vergelijken", params=[("a", s) for s in slugs] + [("gemeente", "enschede")])
    aside = re.search(r'<aside class="wijkteam">.*?</aside>', response.text, re.S).group(0)
    assert enschede.toegang_naam in aside and enschede.toegang_telefoon in aside
    without = demo_client.get("/vergelijken", params=[("a", s) for s in slugs])
    assert enschede.toegang_naam not in without.text


def test_htmx_toevoegen_toont_in_vergelijking_en_een_link_naar_de_vergelijking(small_client, small_world):
    first, second = actieve_slugs(small_world, 2)
    voeg_toe(small_client, first)
    response = voeg_toe(small_client, second, headers={"HX-Request": "true"})
    assert "In vergelijking" in response.text and f'id="vergelijk-{second}"' in response.text
    assert 'name="actie" value="verwijderen"' in response.text  # pressing it again takes it out
    assert re.search(r'<a href="/vergelijken">Bekijk vergelijking \(2\)</a>', response.text)
    again = small_client.post(
        "/vergelijken/lijst",
        data={"csrf_token": token(small_client), "slug": second, "actie": "verwijderen", "terug": "/zoeken"},
        headers={"HX-Request": "true"},
    )
    assert f'id="vergelijk-{second}"' in again.text and ">Vergelijk<" in again.text
    assert "Bekijk vergelijking (1)" in again.text


def test_zonder_javascript_na_toevoegen_een_link_naar_de_vergelijking(small_client, small_world):
    [slug] = actieve_slugs(small_world, 1)
    voeg_toe(small_client, slug)
    page = small_client.get("/zoeken").text
    assert re.search(r'<a href="/vergelijken">Bekijk vergelijking \(1\)</a>', page)
    assert "Bekijk vergelijking" not in small_client.get("/zoeken").text  # the message is shown once


def test_profiel_en_kaart_tonen_in_vergelijking_na_herladen(small_client, small_world):
    first, other = actieve_slugs(small_world, 2)
    voeg_toe(small_client, first)
    profile = small_client.get(f"/aanbieders/{first}").text
    assert f'id="vergelijk-{first}">In vergelijking' in profile and "Bekijk vergelijking (1)" in profile
    assert f'id="vergelijk-{other}">Vergelijk<' in small_client.get(f"/aanbieders/{other}").text
    with Session(small_world.engine) as db:
        naam = db.exec(select(Aanbieder.naam).where(Aanbieder.slug == first)).one()
    cards = small_client.get("/zoeken", params={"q": naam}).text  # its card on the first page
    assert f'id="vergelijk-{first}">In vergelijking' in cards
    assert 'value="verwijderen"' in cards and cards.count("In vergelijking<") == 1
    english = small_client.get("/zoeken", params={"q": naam, "lang": "en"}).text
    assert f'id="vergelijk-{first}">In comparison' in english


def test_een_gekozen_aanbieder_is_nog_geen_vergelijking(small_client, small_world):
    """One aanbieder: one message (choose one more), no "Vergelijking van 1 aanbieder" beside it."""
    [slug] = actieve_slugs(small_world, 1)
    voeg_toe(small_client, slug)
    dutch = small_client.get("/vergelijken").text
    assert "U heeft 1 aanbieder gekozen. Kies er nog minstens 1 bij" in dutch
    assert "Vergelijking van" not in dutch and "Kies minstens 2" not in dutch
    assert "<caption>Uw gekozen aanbieder</caption>" in dutch
    english = small_client.get("/vergelijken?lang=en").text
    assert "You have chosen 1 provider. Choose at least 1 more" in english and "Comparison of" not in english


def test_twee_aanbieders_heten_een_vergelijking_van_2(small_client, small_world):
    for slug in actieve_slugs(small_world, 2):
        voeg_toe(small_client, slug)
    assert "<caption>Vergelijking van 2 aanbieders</caption>" in small_client.get("/vergelijken").text


def haal_weg_links(html: str) -> list[str]:
    links = re.findall(r'<a class="button-secondary" href="([^"]+)">Haal weg', html)
    return [link.replace("&amp;", "&") for link in links]


def test_gedeelde_vergelijking_haal_weg_houdt_de_rest(small_client, small_world):
    """A new visitor opens a shared link: removing one shows the other two (their own list stays
    empty), and they can keep the shared comparison as their own."""
    slugs = actieve_slugs(small_world, 3)
    shared = small_client.get("/vergelijken", params=[("a", s) for s in slugs] + [("gemeente", "enschede")])
    assert "U bekijkt een vergelijking die iemand met u heeft gedeeld" in shared.text
    assert "Uw eigen vergelijking (in het menu) heeft 0 aanbieders" in shared.text
    links = haal_weg_links(shared.text)
    assert links[0] == f"/vergelijken?a={slugs[1]}&a={slugs[2]}&gemeente=enschede"  # table and cards
    rest = small_client.get(links[0])
    assert [p.aanbieder.slug for p in rest.context["profiles"]] == slugs[1:]
    assert "Kies minstens 2" not in rest.text and "Kies er nog" not in rest.text
    assert "kh_vergelijk" not in small_client.cookies

    data = {"csrf_token": token(small_client), "actie": "bewaren", "terug": links[0], "a": slugs[1:]}
    kept = small_client.post("/vergelijken/lijst", data=data, follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"] == links[0]
    own = small_client.get("/vergelijken")
    assert [p.aanbieder.slug for p in own.context["profiles"]] == slugs[1:]
    assert "Deze vergelijking is nu uw eigen vergelijking." in own.text
    assert "aantal aanbieders: </span>2)" in own.text and "gedeeld" not in own.text
    assert 'name="actie" value="verwijderen"' in own.text  # their own: "Haal weg" changes the list


def test_eigen_vergelijking_via_de_link_is_niet_gedeeld(small_client, small_world):
    slugs = actieve_slugs(small_world, 2)
    for slug in slugs:
        voeg_toe(small_client, slug)
    html = small_client.get("/vergelijken", params=[("a", s) for s in reversed(slugs)]).text
    assert "gedeeld" not in html and haal_weg_links(html) == []


def test_opgeschorte_aanbieder_met_naam_genoemd(small_client, small_world):
    from keuzehulp.db import session_scope
    from keuzehulp.services.aanbieders import set_status

    first, suspended = actieve_slugs(small_world, 2)
    with session_scope(small_world.engine) as session:
        set_status(session, suspended, "opgeschort")
        naam = session.exec(select(Aanbieder.naam).where(Aanbieder.slug == suspended)).one()
    params = [("a", first), ("a", suspended), ("a", "bestaat-niet")]
    html = small_client.get("/vergelijken", params=params).text
    assert f"Deze aanbieder is nu niet beschikbaar: {naam}." in html.replace("&#39;", "'")
    assert f"beschikbaar: {suspended}" not in html
    assert "Dit adres van een aanbieder kennen we niet: bestaat-niet." in html


def test_zonder_javascript_komt_vergelijk_terug_bij_de_kaart(small_client):
    html = small_client.get("/zoeken", params={"sort": "naam"}).text
    slug = re.search(r'<li class="result" id="resultaat-([^"]+)">', html).group(1)
    terug = f"/zoeken?sort=naam#resultaat-{slug}"
    assert f'name="terug" value="{terug}"' in html
    data = {"csrf_token": token(small_client), "slug": slug, "actie": "toevoegen", "terug": terug}
    response = small_client.post("/vergelijken/lijst", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == terug
    page = small_client.get("/zoeken", params={"sort": "naam"}).text
    card = page.split(f'id="resultaat-{slug}"')[1].split('<li class="result"')[0]
    assert "staat nu in uw vergelijking (1 van 4)" in card and "Bekijk vergelijking (1)" in card
    assert page.count('class="melding"') == 1  # there, not at the top of the page as well


def test_vergelijking_waarschuwt_bij_verouderde_wachttijd(demo_client, demo_world):
    from datetime import timedelta

    from sqlalchemy import func

    from keuzehulp.models import Beschikbaarheid, Instroomstop

    today = clock.today()
    with Session(demo_world.engine) as session:
        stopped = select(Instroomstop.aanbieder_id)
        dates = (
            select(Beschikbaarheid.aanbieder_id)
            .join(Aanbieder, Aanbieder.id == Beschikbaarheid.aanbieder_id)
            .where(Aanbieder.status == "actief", Aanbieder.id.not_in(stopped))
            .group_by(Beschikbaarheid.aanbieder_id)
        )
        stale = session.exec(
            dates.having(func.max(Beschikbaarheid.bevestigd_op) < today - timedelta(days=45))
        ).first()
        fresh = session.exec(
            dates.having(func.min(Beschikbaarheid.bevestigd_op) > today - timedelta(days=30))
        ).first()
        slugs = [session.get(Aanbieder, aid).slug for aid in (stale, fresh)]
    response = demo_client.get("/vergelijken", params=[("a", slug) for slug in slugs])
    [row] = [row for row in response.context["rows"] if row["label"] == "Wachttijd"]
    warning = "Mogelijk verouderd:</strong> al meer dan 6 weken niet bevestigd."
    assert warning in row["cells"][0] and "verouderd" not in row["cells"][1]
    assert warning in response.text


def test_afstand_in_de_vergelijking_zegt_vanaf_waar(demo_client, demo_world):
    slugs = actieve_slugs(demo_world, 2)
    response = demo_client.get("/vergelijken", params=[("a", s) for s in slugs] + [("gemeente", "enschede")])
    [row] = [row for row in response.context["rows"] if row["label"] == "Afstand"]
    assert all(re.fullmatch(r"\d+ km van Enschede \(centrum\)", cell) for cell in row["cells"]), row


def test_geprinte_vergelijking_heeft_naam_datum_en_printknop(demo_client, demo_world):
    from keuzehulp.web.kit.templating import datum

    slugs = actieve_slugs(demo_world, 2)
    html = demo_client.get("/vergelijken", params=[("a", s) for s in slugs]).text
    made = rf"Gemaakt op {datum(clock.today())}\."
    assert re.search(rf'<p class="print-only print-kop"><strong>Keuzehulp</strong>: [^<]+\. {made}</p>', html)
    button = 'class="button-secondary" data-print hidden>Print deze vergelijking</button>'
    assert button in html
