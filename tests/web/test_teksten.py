"""What the site tells inwoners is true to the Twents model (seeds 003, 001): niveaus, dakjes,
maatregelhulp, who refers, the pgb, and where to go when it cannot wait. In Dutch and English."""

from __future__ import annotations

import re

import pytest

from keuzehulp.services.taxonomy import labels

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
    assert "indelen" not in obs[1]["b1"] and "dag in te delen" in obs[2]["b1"]
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
