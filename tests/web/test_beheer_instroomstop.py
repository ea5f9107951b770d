"""The beheer page of an aanbieder: its current figures (read only) and its instroomstops, which a
beheerder of its region sets and lifts; refused input comes back with the typed values."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.models import Aanbieder, AuditRegel, Instroomstop
from keuzehulp.queries.beschikbaarheid import state
from keuzehulp.services.aanbieders import (
    AanbiederData,
    CijferData,
    ContractLine,
    DakjeLine,
)
from keuzehulp.services.demo_accounts import DEMO_ACCOUNTS
from keuzehulp.web.app import create_app
from keuzehulp.web.kit.templating import datum
from tests.support.accounts import PASSWORD, TOTP_SECRET, login, login_as, post_form
from tests.support.world import two_region_world

PAGE = "/beheer/aanbieders/twents"


@pytest.fixture
def world(database_factory, tmp_path):
    """Twente and Regio Nijmegen, an aanbieder in each, the demo accounts and a Nijmegen beheerder."""
    today = clock.today()
    since = today - timedelta(days=400)
    twents = AanbiederData(
        slug="twents",
        naam="Twentse Jeugdhulp",
        kvk="90000001",
        contracten=[ContractLine(g, "jeugd", "3", "B", since) for g in ("GM0153", "GM0164")],
        dakjes=[DakjeLine("GM0153", "2", since)],
        beschikbaarheid=[
            CijferData("jeugd/3", None, 1, 5, None, today - timedelta(days=3)),
            CijferData("dakje/2", "GM0153", None, 6, 2, today - timedelta(days=60)),
        ],
    )
    nijmeegs = AanbiederData(
        slug="nijmeegs",
        naam="Nijmeegse GGZ",
        kvk="90000002",
        contracten=[ContractLine("GM0268", "jeugd", "jeugd-ggz", None, since)],
    )
    world = two_region_world(database_factory.new_url(), tmp_path / "index", [twents, nijmeegs])
    yield world
    world.engine.dispose()


@pytest.fixture
def twente(world):
    with TestClient(create_app(world.settings(), engine=world.engine)) as client:
        login_as(client, "beheerder")  # the demo beheerder: Twente
        yield client


def _set(client, slug: str = "twents", **values):
    fields = {"stop_hulp": "*", "stop_gemeente": "", "stop_reden": "", "stop_tot": ""} | values
    return post_form(
        client, f"/beheer/aanbieders/{slug}/instroomstop", fields, token_page=f"/beheer/aanbieders/{slug}"
    )


def _stops(world, slug: str = "twents") -> list[Instroomstop]:
    with Session(world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).where(Aanbieder.slug == slug)).one()
        return list(db.exec(select(Instroomstop).where(Instroomstop.aanbieder_id == aanbieder.id)).all())


def test_de_pagina_toont_de_cijfers_van_de_aanbieder(twente):
    listed = twente.get("/beheer/aanbieders", params={"q": "Twentse"}).text
    assert f"<td>{datum(clock.today() - timedelta(days=3))}</td>" in listed  # the latest confirmation
    assert "<td>nooit</td>" in twente.get("/beheer/aanbieders", params={"q": "Nijmeegse"}).text
    html = twente.get(PAGE).text
    table = html[html.index('<h2 id="wachttijden">') : html.index('<h2 id="instroomstops">')]
    rows = [row.split("</tr>")[0] for row in table.split("<tr>")[2:]]
    assert rows[0].startswith(
        '<th scope="row">Dakje 2</th><td>Enschede</td><td>onbekend</td><td>6</td><td>2</td>'
    )
    assert rows[0].endswith("<td>Ja</td>")  # confirmed 60 days ago: mogelijk verouderd
    assert rows[1].startswith(
        '<th scope="row">Jeugd OB3</th><td>Alle gemeenten</td><td>1</td><td>5</td><td></td>'
    )
    assert rows[1].endswith("<td>Nee</td>")
    assert "Deze aanbieder heeft geen instroomstop gehad." in html
    assert '<option value="jeugd/3">Jeugd OB3</option>' in html
    assert '<option value="GM0164">Hengelo</option>' in html and "GM0268" not in html


def test_een_beheerder_zet_en_heft_een_instroomstop_op(world, twente):
    today = clock.today()
    tot = today + timedelta(days=30)
    response = _set(
        twente,
        stop_hulp="jeugd/3",
        stop_gemeente="GM0164",
        stop_reden=" plafond  bereikt ",
        stop_tot=tot.isoformat(),
    )
    assert response.status_code == 303 and response.headers["location"] == PAGE
    [stop] = _stops(world)
    beheerder = next(a.email for a in DEMO_ACCOUNTS if a.rol == "beheerder")
    assert (stop.hulp, stop.reden, stop.vanaf, stop.tot, stop.door) == (
        "jeugd/3",
        "plafond bereikt",
        today,
        tot,
        beheerder,
    )
    with Session(world.engine) as db:
        assert [s.hulp for s in state(db, stop.aanbieder_id).stops] == ["jeugd/3"]
        assert (
            db.exec(select(AuditRegel).where(AuditRegel.actie == "instroomstop gezet")).one().wie == beheerder
        )
    html = twente.get(PAGE).text
    assert "<td>Hengelo</td><td>plafond bereikt</td>" in html and "loopt" in html
    lift = f"{PAGE}/instroomstop/{stop.id}/opheffen"
    assert post_form(twente, lift, {}, token_page=PAGE).status_code == 303
    [lifted] = _stops(world)
    assert lifted.opgeheven_op == today
    html = twente.get(PAGE).text
    assert f"opgeheven op {datum(today)}" in html and lift not in html
    again = post_form(twente, lift, {}, token_page=PAGE)
    assert again.status_code == 400 and "Deze instroomstop bestaat niet of is al opgeheven." in again.text


def test_een_geweigerde_stop_komt_terug_met_de_getypte_waarden(world, twente):
    refused = _set(twente, stop_hulp="dakje/2", stop_gemeente="GM0153", stop_reden="", stop_tot="morgen")
    assert refused.status_code == 400
    html = refused.text.replace("&#39;", "'")
    assert "Verwachte einddatum 'morgen' is geen datum." in html
    assert '<option value="dakje/2" selected>' in html and '<option value="GM0153" selected>' in html
    assert 'value="morgen"' in html
    refused = _set(twente, stop_hulp="dakje/2", stop_reden="", stop_tot="")
    assert "Schrijf kort waarom er geen nieuwe cliënten bij kunnen." in refused.text
    past = (clock.today() - timedelta(days=1)).isoformat()
    refused = _set(twente, stop_reden="vol", stop_tot=past)
    assert (
        "De verwachte einddatum ligt in het verleden." in refused.text and f'value="{past}"' in refused.text
    )
    refused = _set(twente, stop_hulp="jeugd/jeugd-ggz", stop_reden="vol")
    assert (
        refused.status_code == 400 and "Kies een soort hulp waarvoor de aanbieder in uw regio" in refused.text
    )
    refused = _set(twente, stop_gemeente="GM0268", stop_reden="vol")
    assert refused.status_code == 400 and "Kies een gemeente van uw regio" in refused.text
    assert _stops(world) == []


def test_een_beheerder_zet_geen_stop_bij_een_aanbieder_van_een_andere_regio(world, twente):
    assert _set(twente, "nijmeegs", stop_reden="vol").status_code == 404
    html = twente.get("/beheer/aanbieders/nijmeegs").text
    assert "Een instroomstop zetten kan alleen voor een aanbieder met een contract in Twente." in html
    assert "/beheer/aanbieders/nijmeegs/instroomstop" not in html
    with TestClient(create_app(world.settings(), engine=world.engine)) as nijmegen:
        login(nijmegen, "beheer@nijmegen.example", PASSWORD, TOTP_SECRET)
        assert _set(nijmegen, "nijmeegs", stop_reden="plafond").status_code == 303
        [stop] = _stops(world, "nijmeegs")
        assert _set(nijmegen, "twents", stop_reden="plafond").status_code == 404
    lift = f"/beheer/aanbieders/nijmeegs/instroomstop/{stop.id}/opheffen"
    assert post_form(twente, lift, {}, token_page=PAGE).status_code == 404
    assert (
        post_form(twente, f"{PAGE}/instroomstop/{stop.id}/opheffen", {}, token_page=PAGE).status_code == 404
    )
    assert _stops(world, "nijmeegs")[0].opgeheven_op is None
