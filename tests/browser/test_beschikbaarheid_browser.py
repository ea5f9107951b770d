"""Wachttijd and plek per kind of help in Chromium (issue 19): an aanbieder sets OB3 to 2 weeks and
dakje 2 to one free place, a wijkteam finds it with "kan binnen 4 weken starten" and "nu een plek",
the aanbieder sets an instroomstop, it is gone from both, and the beheerder sees the melding."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.changelog import record_change
from keuzehulp.models import Contract, DakjeScope, Gemeente, UitgaandBericht
from keuzehulp.services.demo_accounts import demo_aanbieder
from keuzehulp.serving import stop_server
from keuzehulp.web.kit.beschikbaarheid import hulp_label
from tests.browser.conftest import _serve, screenshot
from tests.browser.test_ingelogd_browser import sign_in

pytestmark = pytest.mark.browser
OB3, DAKJE2 = "jeugd/3", "dakje/2"


@pytest.fixture
def server_with_ob3_and_dakje2(small_world):
    """The site, with the demo aanbieder contracted for OB3 and dakje 2 in Enschede from today."""
    with Session(small_world.engine) as db:
        aanbieder = demo_aanbieder(db, clock.today())
        enschede = db.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).one()
        today = clock.today()
        owned = select(Contract).where(
            Contract.aanbieder_id == aanbieder.id,
            Contract.gemeente_id == enschede.id,
            Contract.perceel == "jeugd",
            Contract.product == "3",
        )
        if db.exec(owned).first() is None:
            db.add(
                Contract(
                    aanbieder_id=aanbieder.id,
                    gemeente_id=enschede.id,
                    perceel="jeugd",
                    product="3",
                    variant="B",
                    geldig_vanaf=today,
                )
            )
        owned = select(DakjeScope).where(
            DakjeScope.aanbieder_id == aanbieder.id,
            DakjeScope.gemeente_id == enschede.id,
            DakjeScope.dakje == "2",
        )
        if db.exec(owned).first() is None:
            db.add(
                DakjeScope(aanbieder_id=aanbieder.id, gemeente_id=enschede.id, dakje="2", geldig_vanaf=today)
            )
        record_change(db, aanbieder.id, "contract")
        db.commit()
        naam = aanbieder.naam
    process, base = _serve(small_world)
    yield base, naam
    stop_server(process)


def _figure_row(page, hulp: str):
    legend = page.locator("legend").filter(has_text=re.compile(f"^{re.escape(hulp_label(hulp))}$"))
    return page.locator("fieldset").filter(has=legend)


def _card(page, base: str, query: str, naam: str):
    """The aanbieder's result card in a search narrowed to its name (one page holds it)."""
    page.goto(f"{base}/zoeken?{query}&{urlencode({'q': naam})}")
    return page.locator(".result", has_text=naam)


def test_aanbieder_meldt_plek_wijkteam_vindt_hem_en_de_instroomstop_haalt_hem_weg(
    browser, server_with_ob3_and_dakje2, small_world, backend
):
    base, naam = server_with_ob3_and_dakje2
    phone = browser.new_context(viewport={"width": 375, "height": 800}, locale="nl-NL")
    aanbieder = phone.new_page()
    sign_in(aanbieder, base, "aanbieder")
    aanbieder.goto(f"{base}/aanbieder/wachttijden")
    for field in aanbieder.locator("input[inputmode=numeric]").all():
        field.fill("")  # every other kind of help unknown, so only these two can match
    _figure_row(aanbieder, OB3).get_by_label("Weken tot de start van de hulp").fill("2")
    dakje = _figure_row(aanbieder, DAKJE2)
    dakje.get_by_label("Weken tot de start van de hulp").fill("3")
    dakje.get_by_label("Vrije plekken nu").fill("1")
    aanbieder.get_by_role("button", name="Opslaan en bevestigen").click()
    expect(aanbieder.locator(".melding")).to_contain_text("Uw wachttijden en plekken zijn opgeslagen")
    screenshot(aanbieder, f"wachttijden-opgeslagen-375-{backend}")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    wijkteam = desk.new_page()
    sign_in(wijkteam, base, "wijkteam")
    start = "gemeente=enschede&perceel=jeugd&ob=3&max_wachttijd=4"
    plek = "gemeente=enschede&dakje=2&plek=ja"
    expect(_card(wijkteam, base, start, naam)).to_contain_text("Wachttijd voor OB3: Start: 2 weken")
    expect(_card(wijkteam, base, plek, naam)).to_contain_text("Nu 1 vrije plek")
    screenshot(wijkteam, f"zoeken-nu-een-plek-1280-{backend}")

    aanbieder.goto(f"{base}/aanbieder/wachttijden#instroomstop")
    aanbieder.get_by_label("Voor welke hulp?").select_option("*")
    aanbieder.get_by_label("Reden").fill("Alle plekken zijn vol.")
    aanbieder.get_by_role("button", name="Instroomstop aanzetten").click()
    expect(aanbieder.locator(".melding")).to_contain_text("De instroomstop staat aan")
    for query in (start, plek):
        expect(_card(wijkteam, base, query, naam)).to_have_count(0)
    card = _card(wijkteam, base, "gemeente=enschede&perceel=jeugd&ob=3", naam)
    expect(card).to_contain_text("Neemt nu geen nieuwe cliënten aan")

    beheer = desk.new_page()
    beheer.context.clear_cookies()
    sign_in(beheer, base, "beheerder")
    beheer.goto(f"{base}/beheer/zorglandschap#meldingen")
    stops = beheer.locator("table", has_text="Lopende instroomstops")
    expect(stops).to_contain_text(naam)
    expect(stops).to_contain_text("Alle plekken zijn vol.")
    screenshot(beheer, f"zorglandschap-melding-1280-{backend}")
    with Session(small_world.engine) as db:
        subjects = [m.onderwerp for m in db.exec(select(UitgaandBericht))]
    assert any("instroomstop" in subject.lower() for subject in subjects), subjects
    phone.close()
    desk.close()
