"""What the site tells inwoners is true to the Twents model (seeds 003, 001): niveaus, dakjes,
maatregelhulp, who refers, the pgb, and where to go when it cannot wait. In Dutch and English."""

from __future__ import annotations

import re

import pytest

from keuzehulp.domain.taxonomy import labels

SPOED_PAGES = ["/", "/zoeken", "/keuzehulp", "/uitleg"]  # where an inwoner looks for spoed


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_niveau_beschrijft_de_situatie_niet_hoeveel_hulp(demo_client):
    for params in ({"lang": "nl"}, {"lang": "en"}):
        uitleg = _text(demo_client.get("/uitleg", params=params).text)
        zoeken = _text(demo_client.get("/zoeken", params=params).text)
        for page in (uitleg, zoeken):
            assert "hoeveel hulp nodig" not in page and "hoeveel hulp er nodig" not in page
            assert "how much help is needed" not in page.lower()
    assert "zegt niet hoeveel hulp u krijgt" in _text(demo_client.get("/uitleg", params={"lang": "nl"}).text)
    assert "Soms is extra toezicht nodig" in labels()["niveaus"]["C"]["b1"]


def test_dakje_3_is_besloten_en_jeugdzorgplus_is_geen_werk_van_een_gi():
    terms = labels()
    assert "besloten" in terms["dakjes"]["3"]["b1"] and "gesloten" not in terms["dakjes"]["3"]["b1"]
    maatregel = terms["modules"]["maatregelhulp"]["professioneel"]
    assert "gesloten accommodatie" in maatregel and "alleen uitgevoerd door gecertificeerde" not in maatregel
    assert terms["maatregelhulp"]["stp"] == "STP"  # the documents give no expansion


def test_ob_teksten_spreken_met_u_en_regie_hoort_bij_ob2():
    obs = labels()["ondersteuningsbehoeften"]
    assert "indelen" not in obs["1"]["b1"] and "dag in te delen" in obs["2"]["b1"]
    assert not any(re.search(r"\b(je|jij|jouw)\b", ob["b1"]) for ob in obs.values())


def test_pleegzorg_kan_in_het_eigen_netwerk_en_een_gezinshuis_heeft_een_professionele_ouder():
    dakjes = labels()["dakjes"]
    assert "familie of vrienden" in dakjes["0-A"]["b1"]
    assert "jeugdzorgmedewerker" in dakjes["0-B"]["b1"] and "geplaatst" in dakjes["0-B"]["b1"]


def test_niet_alleen_het_wijkteam_verwijst_en_het_pgb_wordt_uitgelegd(demo_client, demo_world):
    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder

    with Session(demo_world.engine) as db:
        slug = db.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    for path in ("/over", "/uitleg", f"/aanbieders/{slug}/voorkeur"):
        page = _text(demo_client.get(path, params={"lang": "nl"}).text)
        assert "huisarts" in page, path
        assert "altijd via het wijkteam" not in page, path
    assert "persoonsgebonden budget (pgb)" in _text(demo_client.get("/over").text)


@pytest.mark.parametrize("path", SPOED_PAGES)
def test_wat_te_doen_als_het_niet_kan_wachten(demo_client, path):
    for language, title in (("nl", "Kan het niet wachten?"), ("en", "Can it not wait?")):
        response = demo_client.get(path, params={"lang": language})
        assert response.status_code == 200
        if path == "/zoeken":  # a short line with a link, next to the spoedhulp filter
            link = "/uitleg#spoed"
            assert link in response.text, language
            continue
        page = _text(response.text)
        assert title in page and "112" in page and "0800-2000" in page, (path, language)
    demo_client.get("/", params={"lang": "nl"})  # the shared client goes back to Dutch


# Jargon: plain words first, the official term in brackets (the wijkteam's letters use it).


def _items(html: str, css_class: str) -> list[str]:
    """The texts of the list items in every <ul class="..."> of a page."""
    lists = re.findall(rf'<ul class="{css_class}">(.*?)</ul>', html, re.S)
    return [
        " ".join(_text(item).split())
        for block in lists
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def _aanbieder(world, wanted) -> str:
    """The slug of the first active aanbieder (by slug) for which wanted(aanbieder, session) holds."""
    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder

    with Session(world.engine) as db:
        active = db.exec(select(Aanbieder).where(Aanbieder.status == "actief").order_by(Aanbieder.slug))
        return next(a.slug for a in active if wanted(a, db))


PLAIN_SCOPE = re.compile(
    r"^(Jeugdhulp|Wmo-ondersteuning): [a-z][^()]* \(OB[1-4], niveau [A-E]((, [A-E])* en [A-E])?\)$|"
    r"^Dyslexiezorg \(EED\)$"
)


@pytest.mark.parametrize("perceel", ["jeugd", "wmo", "dyslexie"])
def test_resultaatkaart_zegt_eerst_in_gewone_woorden_welke_hulp(demo_client, perceel):
    html = demo_client.get("/zoeken", params={"perceel": perceel, "lang": "nl"}).text
    lines = [line for line in _items(html, "contract") if not line.startswith("Gecontracteerd in")]
    assert lines, perceel
    assert all(PLAIN_SCOPE.match(line) for line in lines), lines
    assert not re.search(r"(Jeugd|Wmo|Dyslexie \(EED\)): OB\d niveau", html)
    first = {"jeugd": "Jeugdhulp: ", "wmo": "Wmo-ondersteuning: ", "dyslexie": "Dyslexiezorg (EED)"}[perceel]
    assert any(line.startswith(first) for line in lines)


def test_resultaatkaart_en_profiel_noemen_de_soort_hulp_zoals_de_keuzehulp(demo_client, demo_world):
    from sqlmodel import select

    from keuzehulp import clock
    from keuzehulp.models import Contract
    from keuzehulp.models.periods import current

    search = {"perceel": "jeugd", "ob": "1"}
    cards = _items(demo_client.get("/zoeken", params=search | {"lang": "nl"}).text, "contract")
    assert any(line.startswith("Jeugdhulp: hulp bij dingen van elke dag (OB1, niveau ") for line in cards)
    english = demo_client.get("/zoeken", params=search | {"lang": "en"}).text
    assert "Youth care: help with everyday things (OB1, level " in english and "OB1 level" not in english
    ob3 = select(Contract.aanbieder_id).where(
        Contract.perceel == "jeugd", Contract.product == "3", current(Contract, clock.today())
    )
    slug = _aanbieder(demo_world, lambda a, db: a.id in set(db.exec(ob3)))
    profile = demo_client.get(f"/aanbieders/{slug}", params={"lang": "nl"}).text
    demo_client.get("/", params={"lang": "nl"})
    matrix = re.search(r'<table class="matrix">.*?</table>', profile, re.S).group(0)
    assert "Jeugdhulp: nieuwe dingen leren, zoals ander gedrag (OB3, niveau " in _text(matrix)
    assert "Jeugd: OB3" not in matrix and "Tussen haakjes staat hoe het in de brief" in matrix


def test_de_keuzes_in_de_keuzehulp_noemen_de_brief_in_gewone_woorden(demo_client):
    params = {"woonplaats": "Enschede", "voor_wie": "kind", "besluit": "ja", "ob": "2", "niveau": "B"}
    page = _text(demo_client.get("/keuzehulp", params=params | {"lang": "nl"}).text)
    assert "Uit de brief: hulp om overzicht te houden en te plannen (OB2, niveau B)" in page


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        ("2026-H1", "eerste helft van 2026", "first half of 2026"),
        ("2026-H2", "tweede helft van 2026", "second half of 2026"),
        ("2026-Q1", "eerste kwartaal van 2026", "first quarter of 2026"),
        ("2026-Q2", "tweede kwartaal van 2026", "second quarter of 2026"),
        ("2026-Q3", "derde kwartaal van 2026", "third quarter of 2026"),
        ("2026-Q4", "vierde kwartaal van 2026", "fourth quarter of 2026"),
        ("2026", "2026", "2026"),
    ],
)
def test_periode_in_woorden(value, dutch, english):
    from keuzehulp.i18n import reset_language, set_language
    from keuzehulp.web.kit.templating import periode

    for language, words in (("nl", dutch), ("en", english)):
        token = set_language(language)
        try:
            assert periode(value) == words
        finally:
            reset_language(token)


def test_resultaten_op_profiel_en_vergelijking_met_de_periode_in_woorden(demo_client, demo_world):
    from sqlmodel import select

    from keuzehulp.models import Resultaat

    def has_half_year(aanbieder, db) -> bool:
        query = select(Resultaat.id).where(
            Resultaat.aanbieder_id == aanbieder.id, Resultaat.periode == "2026-H1"
        )
        return db.exec(query).first() is not None

    slug = _aanbieder(demo_world, has_half_year)
    other = _aanbieder(demo_world, lambda a, db: a.slug != slug and has_half_year(a, db))
    for language, words in (("nl", "eerste helft van 2026"), ("en", "first half of 2026")):
        profile = demo_client.get(f"/aanbieders/{slug}", params={"lang": language}).text
        compare = demo_client.get("/vergelijken", params=[("a", slug), ("a", other), ("lang", language)]).text
        for page in (profile, compare):
            assert words in page and "2026-H1" not in page, language
    demo_client.get("/", params={"lang": "nl"})


def test_ambulante_spoedhulp_in_gewone_woorden(demo_client, demo_world):
    slug = _aanbieder(demo_world, lambda a, db: a.ambulante_spoedhulp)
    other = _aanbieder(demo_world, lambda a, db: a.slug != slug)
    pages = {
        "zoeken": demo_client.get("/zoeken", params={"spoedhulp": "ja", "lang": "nl"}).text,
        "profiel": demo_client.get(f"/aanbieders/{slug}", params={"lang": "nl"}).text,
        "vergelijken": demo_client.get(
            "/vergelijken", params=[("a", slug), ("a", other), ("lang", "nl")]
        ).text,
    }
    plain = "Snel hulp thuis bij een crisis (ambulante spoedhulp)"
    assert "Biedt snel hulp thuis bij een crisis (ambulante spoedhulp)" in pages["zoeken"]
    assert re.search(r'<label for="spoedhulp-ja">' + re.escape(plain), pages["zoeken"])
    assert f"<dt>{plain}</dt>" in pages["profiel"]
    assert f'<th scope="row">{plain}' in pages["vergelijken"]
    for page in pages.values():
        assert "Ambulante spoedhulp" not in page and "Biedt ambulante spoedhulp" not in page
    english = demo_client.get("/zoeken", params={"spoedhulp": "ja", "lang": "en"}).text
    demo_client.get("/", params={"lang": "nl"})
    assert "Offers quick help at home in a crisis (ambulante spoedhulp)" in english


def test_consultatie_is_advies_aan_het_wijkteam_door_medewerkers_in_gewone_woorden(demo_client, demo_world):
    slug = _aanbieder(demo_world, lambda a, db: "HBO" in a.consultatie_functieniveaus)
    html = demo_client.get(f"/aanbieders/{slug}", params={"lang": "nl"}).text
    page = _text(html)
    assert "<dt>Advies aan het wijkteam (consultatie)</dt>" in html and "Consultatie door" not in page
    assert (
        "Het wijkteam kan deze aanbieder om advies vragen over uw situatie. Het advies komt van deze "
        "medewerkers: Medewerker met"
    ) in page  # what the list of staff is, before the list
    assert "Medewerker met een hbo-opleiding, bijvoorbeeld maatschappelijk werker of pedagoog (HBO)" in page
    assert "Dat doet alleen het wijkteam, niet u zelf." in page
    assert "gz-psycholoog" not in page  # the term is not lower-cased any more
    uitleg = _text(demo_client.get("/uitleg", params={"lang": "nl"}).text)
    assert "Advies aan het wijkteam (consultatie)" in uitleg


def test_expertisecentrum_duurzame_gezinsvormen_in_gewone_woorden(demo_client):
    answers = {"woonplaats": "Enschede", "voor_wie": "kind", "besluit": "nee", "hulp": "leren"}
    step = _text(demo_client.get("/keuzehulp", params=answers | {"lang": "nl"}).text)
    done = answers | {"verblijf": "pleegzorg", "klaar": "ja", "lang": "nl"}
    overview = _text(demo_client.get("/keuzehulp", params=done).text)
    plain = "een centrum dat pleeggezinnen en gezinshuizen zoekt (het expertisecentrum duurzame gezinsvormen)"
    assert plain in overview
    assert "een centrum voor pleeggezinnen en gezinshuizen" in step and "expertisecentrum" not in step
    english = _text(demo_client.get("/keuzehulp", params=done | {"lang": "en"}).text)
    demo_client.get("/", params={"lang": "nl"})
    assert "a centre that finds foster families and family homes (the expertisecentrum" in english


def test_andere_vaktermen_eerst_in_gewone_woorden(demo_client, demo_world):
    from sqlmodel import select

    from keuzehulp.models import Maatregelhulp

    search = demo_client.get("/zoeken", params={"lang": "nl"}).text
    assert ">Rustige situatie (niveau A) <" in search and ">Controle van medicijnen (niveau E) <" in search
    assert ">Hulp bij dingen van elke dag (OB1) <" in search
    assert ">Op een besloten plek bij gevaar voor zichzelf of anderen (dakje 3) <" in search
    assert ">3: Verblijf bij gevaar" not in search and ">Niveau A <" not in search
    slug = _aanbieder(demo_world, lambda a, db: set(a.diagnostiek) == {"enkelvoudig", "integraal"})
    profile = _text(demo_client.get(f"/aanbieders/{slug}", params={"lang": "nl"}).text)
    assert "Onderzoek naar wat er aan de hand is (diagnostiek)" in profile
    assert (
        "een test of observatie (enkelvoudig)" in profile
        and "verschillende specialisten (integraal)" in profile
    )
    assert "enkelvoudig + integraal" not in profile
    gi = _aanbieder(
        demo_world,
        lambda a, db: db.exec(select(Maatregelhulp.id).where(Maatregelhulp.aanbieder_id == a.id)).first(),
    )
    maatregel = _text(demo_client.get(f"/aanbieders/{gi}", params={"lang": "nl"}).text)
    assert "Hulp die de rechter verplicht maakt (maatregelhulp)" in maatregel
    assert "organisaties die daarvoor een keurmerk hebben (gecertificeerde instellingen)" in maatregel
    over = _text(demo_client.get("/over", params={"lang": "nl"}).text)
    assert "de organisatie die de maatregel uitvoert (de gecertificeerde instelling)" in over
    assert "hulp voor kinderen en jongeren (jeugdhulp) en voor volwassenen (Wmo-ondersteuning)" in over
    home = _text(demo_client.get("/", params={"lang": "nl"}).text)
    assert "(jeugdhulp) of voor volwassenen (Wmo-ondersteuning)" in home


def test_hulp_bij_plannen_hoort_bij_ob2_ook_in_de_keuzehulp():
    from keuzehulp.services.guided_questions import HULPVRAGEN

    obs = labels()["ondersteuningsbehoeften"]
    assert "indelen" not in HULPVRAGEN["dagelijks"].hint and "dag in te delen" in obs["2"]["b1"]
    assert [choice.label for choice in HULPVRAGEN.values()] == [ob["kort"] for ob in obs.values()]
