"""Beheer pages people can read (issue 15): the logboek names people with their role and says what
changed in words, in Dutch time; the zorglandschap in Dutch numbers and months; every beheer list
pages and searches (and hostile parameters never break it); the aanbieder's inbox and landing page;
a help page on the site instead of repository paths."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.models import Aanbieder, Consultatie, Gebruiker
from keuzehulp.services.aanbieders import AanbiederData, CijferData, ContractLine, create_aanbieders
from keuzehulp.services.audit import Actor, record
from keuzehulp.services.demo_accounts import ensure_demo_accounts
from keuzehulp.web.app import create_app
from keuzehulp.web.kit.templating import tijdstip
from tests.support.accounts import DEMO, csrf_token, login, login_as
from tests.web.test_consultatie import _request, _target

MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
LIST_PAGES = ["/beheer/aanbieders", "/beheer/gebruikers", "/beheer/aanmeldingen", "/beheer/logboek"]
LIST_PAGES += ["/beheer/consultaties", "/beheer/tarieven"]


def _user(db: Session, rol: str) -> Gebruiker:
    return db.exec(select(Gebruiker).where(Gebruiker.email == DEMO[rol].email)).one()


def test_logboek_noemt_mensen_met_hun_rol_en_wijzigingen_in_woorden(small_client, small_world):
    with Session(small_world.engine) as db:
        beheerder, wijkteam = _user(db, "beheerder"), _user(db, "wijkteam")
        beheerder.naam = "Bea Beheer"
        db.add(beheerder)
        slug, naam = db.exec(select(Aanbieder.slug, Aanbieder.naam).order_by(Aanbieder.id)).first()
        actor = Actor.of(beheerder)
        record(
            db,
            actor,
            "status opgeschort",
            "aanbieder",
            slug,
            "Onderzoek",
            {"status": "actief"},
            {"status": "opgeschort"},
        )
        record(db, Actor.of(wijkteam), "ingelogd", "gebruiker", wijkteam.id)
        record(
            db,
            actor,
            "gebruiker gedeactiveerd",
            "gebruiker",
            wijkteam.id,
            voor={"actief": True},
            na={"actief": False},
        )
        record(
            db,
            actor,
            "consultatie geaccepteerd",
            "consultatie",
            7,
            na={"beantwoord_op": "2026-01-15 11:00:00+00:00"},
        )
        wijkteam_id, wijkteam_naam = wijkteam.id, wijkteam.naam
        db.commit()
    login_as(small_client, "beheerder")
    html = small_client.get("/beheer/logboek").text
    assert "Bea Beheer (beheerder)" in html and f"{wijkteam_naam} (wijkteam)" in html
    assert f"gebruiker {wijkteam_id}<" not in html and f"aanbieder {slug}" not in html and naam in html
    assert "Status: actief -> opgeschort" in html and "Actief: ja -> nee" in html
    assert '{"status"' not in html and "&#34;status&#34;" not in html  # no raw JSON
    assert "Beantwoord op: 15 januari 2026, 12:00" in html  # stored in UTC, shown in Dutch time
    assert "Bea Beheer" in small_client.get("/beheer/logboek", params={"q": "bea beh"}).text  # by name
    csv_text = small_client.get("/beheer/logboek.csv").text
    moments = [line.split(";", 1)[0] for line in csv_text.splitlines()[1:]]
    assert moments and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", m) for m in moments)


def test_een_tijdstip_zonder_tijdzone_is_utc_ook_als_de_server_anders_staat(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert tijdstip(datetime(2026, 1, 15, 11, 0)) == "15 januari 2026, 12:00"
        assert tijdstip(datetime(2026, 7, 15, 11, 0)) == "15 juli 2026, 13:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def _in_enschede(slug: str, weeks: int, confirmed) -> AanbiederData:
    line = ContractLine("GM0153", "jeugd", "1", "A", clock.today() - timedelta(days=30))
    return AanbiederData(
        slug=slug,
        naam=slug,
        kvk="12345678",
        contracten=[line],
        beschikbaarheid=[CijferData("jeugd/1", None, None, weeks, None, confirmed)],
    )


def test_zorglandschap_in_nederlandse_getallen_en_maanden(empty_world):
    fresh, stale = clock.today() - timedelta(days=3), clock.today() - timedelta(days=90)
    items = [_in_enschede("a", 5, fresh), _in_enschede("b", 6, fresh), _in_enschede("c", 40, stale)]
    with session_scope(empty_world.engine) as session:
        create_aanbieders(session, items)
        ensure_demo_accounts(session, clock.today())
    empty_world.index.rebuild()
    with TestClient(create_app(empty_world.settings(), engine=empty_world.engine)) as client:
        login_as(client, "beheerder")
        html = client.get("/beheer/zorglandschap", params={"gemeente": "enschede", "hulp": "jeugd-1"}).text
    enschede = html[html.index('<th scope="row">Enschede</th>', html.index('id="wachttijden"')) :]
    assert "5,5 / 6" in enschede[:400] and "2 van 3 aanbieders" in enschede[:400]  # decimal comma
    assert "5.5" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S)  # text, not chart coordinates
    assert re.search(rf"<td>({MONTHS}) 20\d\d</td>", html)  # 'januari 2026', not '1 januari 2026'
    assert not re.search(rf"<td>1 ({MONTHS}) 20\d\d</td>", html)
    assert not re.search(r">[a-z]{3} \d\d</text>", html)  # the chart: 'dec' over '2026', never 'dec 26'
    assert re.search(r'y="\d+">20\d\d</text>', html)
    assert re.search(r"In \d+ van \d+ vakjes \([\d,]+%\) is geen aanbieder", html)


def test_elke_beheerlijst_heeft_paginas_en_een_zoekvak(small_client, small_world):
    login_as(small_client, "beheerder")
    first = small_client.get("/beheer/aanbieders").text
    assert "Pagina 1 van 2" in first and "pagina=2" in first and "de eerste" not in first
    second = small_client.get("/beheer/aanbieders", params={"pagina": "2"}).text
    assert "Pagina 2 van 2" in second and "pagina=1" in second and "51 tot en met 60" in second
    assert small_client.get("/beheer/aanbieders", params={"pagina": "99"}).text.count("Pagina 2 van 2") == 1
    with Session(small_world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).where(Aanbieder.email != "").order_by(Aanbieder.id)).first()
    by_email = small_client.get("/beheer/aanbieders", params={"q": aanbieder.email.upper()}).text
    assert aanbieder.naam in by_email and "Pagina" not in by_email
    users = small_client.get("/beheer/gebruikers", params={"q": "wijkteam.enschede"}).text
    assert DEMO["wijkteam"].email in users and DEMO["aanbieder"].email not in users
    for path in LIST_PAGES:
        html = small_client.get(path).text
        assert 'role="search"' in html and 'name="q"' in html, path


@pytest.mark.parametrize(
    "params",
    [
        {"pagina": "-1"},
        {"pagina": "²"},
        {"pagina": "99999999999999999999"},
        {"pagina": "1e3"},
        {"q": "\x00"},
        {"q": "%_\\'\""},
        {"q": "x" * 5000},
        {"q": "<script>", "pagina": "0", "status": "nieuw"},
    ],
)
def test_vijandige_parameters_geven_nooit_een_serverfout(small_client, params):
    login_as(small_client, "beheerder")
    for path in LIST_PAGES:
        response = small_client.get(path, params=params)
        assert response.status_code == 200, (path, params)
        assert "<script>" not in response.text.split("</header>", 1)[-1]


def test_aanbieder_landt_op_de_inbox_zonder_kolom_aanbieder(small_client, small_world):
    aanbieder = _target(small_world)
    first = login(small_client, DEMO["aanbieder"].email, DEMO["aanbieder"].password)
    assert first.headers["location"] == "/aanbieder/profiel"  # nothing waiting
    small_client.cookies.clear()
    login_as(small_client, "wijkteam")
    _request(small_client, small_world, aanbieder)
    small_client.cookies.clear()
    landed = login(small_client, DEMO["aanbieder"].email, DEMO["aanbieder"].password)
    assert landed.headers["location"] == "/aanbieder/consultaties?status=nieuw"
    inbox = small_client.get(landed.headers["location"]).text
    assert "Vraag " in inbox and '<th scope="col">Aanbieder</th>' not in inbox
    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    beheer = small_client.get("/beheer/consultaties").text
    assert '<th scope="col">Aanbieder</th>' in beheer  # beheer does see whom it was asked of
    assert "0 vragen" in beheer and "vraagen" not in beheer
    assert "vraagen" not in small_client.get("/beheer").text


def test_beheer_schrijft_getallen_met_een_komma_en_punten_bij_duizendtallen(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    consultatie_id = _request(small_client, small_world, aanbieder)
    with Session(small_world.engine) as db:
        consultatie = db.get(Consultatie, consultatie_id)
        consultatie.beantwoord_op = consultatie.created_at + timedelta(hours=36)
        db.add(consultatie)
        record(
            db,
            Actor.of(_user(db, "beheerder")),
            "profiel gewijzigd",
            "aanbieder",
            aanbieder.slug,
            voor={"wachttijd_weken": 2},
            na={"wachttijd_weken": 2.5},
        )
        db.commit()
    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    row = re.search(
        rf"<tr><td><a [^>]*>{re.escape(aanbieder.naam)}</a>.*?</tr>",
        small_client.get("/beheer/consultaties").text,
        re.S,
    )[0]
    assert "<td>1,5</td>" in row and "<td>nog geen</td>" in row and "1.5" not in row
    assert "Wachttijd (weken): 2 -> 2,5" in small_client.get("/beheer/logboek").text
    rows = "".join(f"9{n:07d};2026;doelrealisatie;1;2\n" for n in range(1200))
    token = csrf_token(small_client, "/beheer/import")
    upload = small_client.post(
        "/beheer/import",
        data={"soort": "resultaten", "csrf_token": token},
        files={
            "bestand": ("resultaten.csv", f"kvk;periode;indicator;teller;noemer\n{rows}".encode(), "text/csv")
        },
        follow_redirects=False,
    )
    plan = small_client.get(upload.headers["location"]).text
    assert "Geboekte resultaten, 1.200 regels." in plan and "<h2>1.200 fouten:" in plan


def test_hulp_bij_importeren_staat_op_de_website(small_client):
    login_as(small_client, "wijkteam")
    assert small_client.get("/beheer/hulp/importeren").status_code == 403
    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    html = small_client.get("/beheer/import").text
    assert "docs/import.md" not in html and "seed/" not in html
    assert 'href="/beheer/hulp/importeren"' in html
    help_page = small_client.get("/beheer/hulp/importeren")
    assert help_page.status_code == 200 and "geldig_vanaf" in help_page.text and "teller" in help_page.text
    assert "seed/" not in help_page.text
    sample = small_client.get("/beheer/hulp/contractregister_voorbeeld.csv")
    assert sample.headers["content-type"].startswith("text/csv") and sample.text.startswith("kvk;naam;")
    nijmegen = small_client.get("/beheer/hulp/contractregister_voorbeeld_nijmegen.csv")
    assert 'href="/beheer/hulp/contractregister_voorbeeld_nijmegen.csv"' in help_page.text
    assert "contractregister_voorbeeld_nijmegen.csv" in nijmegen.headers["content-disposition"]
    assert nijmegen.text.startswith("kvk;naam;gemeente;perceel;product;") and "GM0944" in nijmegen.text
