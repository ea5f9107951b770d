"""Profile pages: contract matrix, protected addresses, unknown and suspended aanbieders."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.resultaten import main_scope
from keuzehulp.domain.taxonomy import labels
from keuzehulp.models import Aanbieder, Beschikbaarheid, DakjeScope, Resultaat, Vestiging
from keuzehulp.models.periods import current
from keuzehulp.queries.profiles import load_profile
from keuzehulp.services.aanbieders import set_status
from keuzehulp.web.kit.beschikbaarheid import hulp_label
from keuzehulp.web.kit.templating import datum


def test_profiel_toont_contracten_wachttijd_en_contact(demo_client, demo_world):
    with Session(demo_world.engine) as session:
        figure = session.exec(
            select(Beschikbaarheid)
            .join(Aanbieder, Aanbieder.id == Beschikbaarheid.aanbieder_id)
            .where(
                Aanbieder.status == "actief",
                Beschikbaarheid.gemeente_id.is_(None),
                Beschikbaarheid.weken_start > 1,
                Beschikbaarheid.plekken.is_(None),
            )
        ).first()
        aanbieder = session.get(Aanbieder, figure.aanbieder_id)
        profile = load_profile(session, aanbieder.slug, clock.today())
    response = demo_client.get(f"/aanbieders/{aanbieder.slug}")
    assert response.status_code == 200
    text = response.text
    assert aanbieder.naam.replace("'", "&#39;") in text
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(hulp_label(figure.hulp))}</th>(.*?)</tr>", text, re.S)
    assert row and f"<strong>{figure.weken_start} weken</strong>" in row.group(1)
    assert datum(figure.bevestigd_op) in row.group(1)
    for gemeente in {g.naam for _, g in profile.contracten}:
        assert gemeente in text
    assert aanbieder.kvk in text
    assert "Bespreek dat eerst met het wijkteam" in text


def test_adres_van_beschermde_woonlocatie_is_nooit_zichtbaar(demo_client, demo_world):
    with Session(demo_world.engine) as session:
        vestiging = session.exec(select(Vestiging).where(Vestiging.beschermde_woonlocatie)).first()
        slug = session.get(Aanbieder, vestiging.aanbieder_id).slug
    html = demo_client.get(f"/aanbieders/{slug}").text
    api = demo_client.get(f"/api/v1/aanbieders/{slug}").text
    for shown in (html, api):
        assert vestiging.adres not in shown
        assert vestiging.postcode not in shown
        assert vestiging.plaats in shown
    assert "Het adres is niet openbaar" in html


def test_dakjes_staan_in_de_contractmatrix(demo_client, demo_world):
    """The matrix's 'Wonen en verblijf' column names exactly the aanbieder's current dakjes."""
    names = {str(code): f"{term['kort']} (dakje {code})" for code, term in labels()["dakjes"].items()}
    with Session(demo_world.engine) as session:
        rows = session.exec(
            select(DakjeScope.aanbieder_id, DakjeScope.dakje).where(current(DakjeScope, clock.today()))
        )
        per_aanbieder: dict[int, set[str]] = {}
        for aanbieder_id, code in rows:
            per_aanbieder.setdefault(aanbieder_id, set()).add(code)
        aanbieder_id, own = next(
            (a, d) for a, d in sorted(per_aanbieder.items()) if "2" in d and d != set(names)
        )
        slug = session.get(Aanbieder, aanbieder_id).slug
    matrix = re.search(
        r'<table class="matrix">.*?</table>', demo_client.get(f"/aanbieders/{slug}").text, re.S
    )
    cells = re.findall(r"</ul>\s*</td>\s*<td>(.*?)</td>", matrix.group(0), re.S)
    shown = {item for cell in cells for item in re.findall(r"<li>(.*?)</li>", cell)}
    assert shown == {names[d] for d in own}


def test_onbekende_aanbieder_geeft_een_nederlandse_404(demo_client):
    response = demo_client.get("/aanbieders/bestaat-niet")
    assert response.status_code == 404
    assert "We kennen geen aanbieder met dit adres" in response.text
    assert response.template.name == "pages/fout.html"


def test_opgeschorte_aanbieder_is_niet_beschikbaar(small_client, small_world):
    with Session(small_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    with session_scope(small_world.engine) as session:
        set_status(session, slug, "opgeschort")
    response = small_client.get(f"/aanbieders/{slug}")
    assert response.status_code == 410
    assert "nu niet beschikbaar" in response.text
    assert small_client.get(f"/api/v1/aanbieders/{slug}").status_code == 410


def test_profiel_toont_resultaten_als_grafiek_met_tekst_en_tabel(demo_client, demo_world):
    with Session(demo_world.engine) as session:
        rows = session.exec(
            select(Resultaat, Aanbieder)
            .join(Aanbieder, Aanbieder.id == Resultaat.aanbieder_id)
            .where(Aanbieder.status == "actief", Resultaat.noemer >= 10)
        ).all()
        few = session.exec(
            select(Aanbieder)
            .join(Resultaat, Aanbieder.id == Resultaat.aanbieder_id)
            .where(Aanbieder.status == "actief", Resultaat.noemer < 10)
        ).first()
        _, aanbieder = rows[0]
        perceel, ob = main_scope(session, aanbieder.id, clock.today())
    text = demo_client.get(f"/aanbieders/{aanbieder.slug}").text
    assert '<svg class="grafiek"' in text and "<title id=" in text and "<desc id=" in text
    assert "Alle resultaten in cijfers" in text
    from keuzehulp.web.kit.presenters import scope_line

    hulp = scope_line(perceel, ob)  # same perceel and OB, in plain words: 'Jeugdhulp: ... (OB2)'
    assert f"andere aanbieders met dezelfde soort hulp: {hulp}." in text
    assert "van de 10 cliënten" in text
    assert "Wat betekenen deze cijfers?" in text
    few_text = demo_client.get(f"/aanbieders/{few.slug}").text
    assert "te weinig gegevens" in few_text and "Te weinig gegevens" not in few_text  # one sentence
    assert "Percentage (waarschijnlijk tussen)" not in text
    cell = r"<td>\d+% <span class=\"muted\">\(waarschijnlijk tussen \d+% en \d+%\)</span></td>"
    assert re.search(cell, text)


def test_profiel_zonder_genoeg_resultaten_zegt_dat_in_een_zin(small_client, small_world):
    from keuzehulp.services.aanbieders import AanbiederData, ContractLine, ResultaatData, create_aanbieders

    start = clock.today().replace(month=1, day=1)
    resultaten = [ResultaatData(p, i, 2, 6, "test") for p in ("2025", "2026-H1") for i in ("uitval", "3.4")]
    data = AanbiederData(
        slug="weinig-cijfers",
        naam="Weinig Cijfers",
        kvk="12345678",
        contracten=[ContractLine("GM0153", "jeugd", "2", "A", start)],
        resultaten=resultaten,
    )
    with session_scope(small_world.engine) as session:
        create_aanbieders(session, [data])
    html = small_client.get("/aanbieders/weinig-cijfers").text
    section = html[html.index('<h2 id="resultaten">') : html.index('<h2 id="specialisaties">')]
    one = "Er zijn nog te weinig gegevens om iets over de resultaten te zeggen: minder dan 10 cliënten."
    assert one in section
    assert "<table" not in section and '<ul class="figuren">' not in section
