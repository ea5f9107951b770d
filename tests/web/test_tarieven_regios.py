"""Tarieven of every served region's model: Regio Nijmegen's products per their eenheid, a price of
one gemeente where the region buys a perceel per gemeente, and the wijkteam's budget from them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.db import session_scope
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Tarief
from keuzehulp.services.aanbieders import AanbiederData, ContractLine, create_aanbieders
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.tarieven import add_tarief, current_tarieven
from keuzehulp.web.app import create_app
from tests.support.accounts import PASSWORD, TOTP_SECRET, add_user, login, login_as, post_form
from tests.support.world import build_world


@pytest.fixture
def two_regions(database_factory, tmp_path):
    """A fresh database with Twente and Regio Nijmegen and a few demo aanbieders, for tests that write."""
    world = build_world(
        database_factory.new_url(), tmp_path / "index-tarieven", aanbieders=20, regios=("twente", "nijmegen")
    )
    yield world
    world.engine.dispose()


def _post(client, data: dict):
    fields = {"perceel": "", "gemeente": "", "vanaf": "2030-01-01"} | data
    return post_form(client, "/beheer/tarieven", fields, token_page="/beheer/tarieven")


def test_beheerder_prijst_producten_van_nijmegen_per_eenheid_en_per_gemeente(two_regions):
    add_user(two_regions, "beheer@nijmegen.example", "beheerder", regio="nijmegen")
    with TestClient(create_app(two_regions.settings(), engine=two_regions.engine)) as client:
        login(client, "beheer@nijmegen.example", PASSWORD, TOTP_SECRET)
        page = client.get("/beheer/tarieven").text
        assert '<option value="nijmegen:product:wmo-dagbesteding">' in page
        assert "Dagbesteding (Wmo) (per dag)" in page
        assert "GGZ (jeugdhulp) (per uur)" in page
        assert "Wijchen (Regio Nijmegen)" in page
        assert "Twente: OB1 niveau A" not in page  # a beheerder prices its own region only
        dagbesteding = {"code": "nijmegen:product:wmo-dagbesteding"}
        wijchen = _post(client, dagbesteding | {"gemeente": "GM0296", "bedrag": "45"})
        regionaal = _post(client, dagbesteding | {"bedrag": "40,00"})
        assert wijchen.status_code == regionaal.status_code == 303
        refusals = {
            ("nijmegen:product:jeugd-ggz", "", "GM0296"): "heeft één tarief voor heel Regio Nijmegen",
            ("nijmegen:product:wmo-begeleiding", "", "GM0153"): "Kies een gemeente van Regio Nijmegen",
            ("nijmegen:product:wmo-begeleiding", "jeugd", ""): "Wmo en jeugdhulp zijn aparte percelen",
            ("nijmegen:ob:2B", "jeugd", ""): "&#39;2B&#39; is geen bestaande combinatie",
            ("nijmegen:dakje:1", "", ""): "&#39;1&#39; is geen bestaande combinatie",
        }
        for (code, perceel, gemeente), message in refusals.items():
            refused = _post(client, {"code": code, "perceel": perceel, "gemeente": gemeente, "bedrag": "10"})
            assert refused.status_code == 400 and message in refused.text, code
        assert _post(client, {"code": "ob:2B", "perceel": "jeugd", "bedrag": "10"}).status_code == 400
        twice = _post(client, dagbesteding | {"gemeente": "GM0296", "bedrag": "1"})
        assert "Er is al een tarief voor Wmo Dagbesteding (Regio Nijmegen, Wijchen)" in twice.text
        listed = client.get("/beheer/tarieven", params={"q": "wijchen"}).text
        assert "Regio Nijmegen: Wmo Dagbesteding, Wijchen" in listed and "€ 45,00 per dag" in listed
    with Session(two_regions.engine) as db:
        stored = db.exec(select(Tarief).where(Tarief.regio == "nijmegen").order_by(Tarief.id)).all()
        assert [(t.perceel, t.code, t.gemeente, t.bedrag_centen) for t in stored] == [
            ("wmo", "wmo-dagbesteding", "GM0296", 45_00),  # the perceel follows from the product
            ("wmo", "wmo-dagbesteding", None, 40_00),
        ]
        day = clock.today().replace(year=2030, month=6, day=1)
        prices = current_tarieven(db, day)
        key = ("product", "wmo", "wmo-dagbesteding")
        assert prices.get(key, "GM0296") == 45_00 and prices.get(key, "GM0268") == 40_00
        assert prices.get(key, "GM0153") is None  # a Twente gemeente: not Nijmegen's tarief
        nijmegen_id = stored[0].id
    with TestClient(create_app(two_regions.settings(), engine=two_regions.engine)) as twente:
        login_as(twente, "beheerder")  # the demo beheerder: Twente
        assert "Wmo Dagbesteding" not in twente.get("/beheer/tarieven").text
        refused = _post(twente, {"code": "nijmegen:product:wmo-begeleiding", "bedrag": "10"})
        assert refused.status_code == 400
        path = f"/beheer/tarieven/{nijmegen_id}/einde"
        ended = post_form(twente, path, {"tot": "2031-01-01"}, token_page="/beheer/tarieven")
        assert ended.status_code == 404


def test_wijkteam_in_wijchen_rekent_met_de_tarieven_van_nijmegen(two_regions):
    since = clock.today() - timedelta(days=30)
    with session_scope(two_regions.engine) as session:
        add_tarief(session, SYSTEM, "product", "wmo", "wmo-dagbesteding", 40_00, since, None, "nijmegen")
        add_tarief(
            session, SYSTEM, "product", "", "wmo-dagbesteding", 45_00, since, None, "nijmegen", "GM0296"
        )
        add_tarief(session, SYSTEM, "product", "jeugd", "jeugd-ggz", 90_00, since, None, "nijmegen")
        with pytest.raises(RuleViolation, match="bestaat alleen voor Wmo, niet voor jeugdhulp"):
            add_tarief(session, SYSTEM, "product", "jeugd", "wmo-begeleiding", 1, since, None, "nijmegen")
        lines = [
            ContractLine("GM0296", "wmo", "wmo-dagbesteding", None, since),
            ContractLine("GM0296", "jeugd", "jeugd-ggz", None, since),
            ContractLine("GM0268", "jeugd", "jeugd-behandeling", None, since),  # not the wijkteam's gemeente
        ]
        aanbieder = AanbiederData(slug="waalzorg", naam="Waalzorg", kvk="91000099", contracten=lines)
        create_aanbieders(session, [aanbieder])
    two_regions.index.rebuild()
    add_user(two_regions, "wijkteam@wijchen.example", "wijkteam", gemeente="GM0296")
    with TestClient(create_app(two_regions.settings(), engine=two_regions.engine)) as client:
        assert login(client, "wijkteam@wijchen.example", PASSWORD).status_code == 303
        html = client.get("/aanbieders/waalzorg").text
        assert "Wmo Dagbesteding in Wijchen, per dag: € 45,00" in html
        assert "Jeugdhulp GGZ, per uur: € 90,00" in html and 'value="product-jeugd-jeugd-ggz"' in html
        assert "jeugd-behandeling" not in html  # a contract in Nijmegen, not the wijkteam's Wijchen
        in_wijchen = "product-wmo-wmo-dagbesteding-GM0296"
        days = client.get("/aanbieders/waalzorg", params={"budget_code": in_wijchen, "dagen": "10"}).text
        hours = client.get(
            "/aanbieders/waalzorg",
            params={"budget_code": "product-jeugd-jeugd-ggz", "uren": "2", "weken": "5", "dagen": ""},
        ).text
        no_days = client.get("/aanbieders/waalzorg", params={"budget_code": in_wijchen, "uren": "3"}).text
    assert "Budget: <strong>€ 450,00</strong>" in days
    assert "Budget: <strong>€ 900,00</strong>" in hours
    assert "Vul het aantal dagen in" in no_days
