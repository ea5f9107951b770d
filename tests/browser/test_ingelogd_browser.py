"""Signed-in flows in Chromium: an aanbieder updates its profile and search follows (its wachttijden:
test_beschikbaarheid_browser.py); a beheerder imports a contract register with bad rows, fixes it
and applies it (axe on every signed-in page: test_paginas_browser.py)."""

from __future__ import annotations

from urllib.parse import quote

import pyotp
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.models import AanbiederSpecialisatie, Specialisatie
from keuzehulp.services.demo_accounts import DEMO_TOTP_SECRET, demo_aanbieder
from tests.browser.conftest import screenshot
from tests.support.accounts import DEMO

pytestmark = pytest.mark.browser


def enter_password(page, base: str, rol: str) -> None:
    """The first step of signing in as the demo account of a role."""
    account = DEMO[rol]
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(account.email)
    page.get_by_label("Wachtwoord").fill(account.password)
    page.get_by_role("button", name="Inloggen").click()


def sign_in(page, base: str, rol: str) -> None:
    enter_password(page, base, rol)
    if rol == "beheerder":
        page.get_by_label("Code uit de app").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.get_by_role("button", name="Controleren").click()
        page.wait_for_url(f"{base}/beheer")


def test_aanbieder_past_specialisatie_aan_en_zoeken_toont_het(page, writable_server, small_world, backend):
    with Session(small_world.engine) as db:
        aanbieder = demo_aanbieder(db, clock.today())
        own = set(
            db.exec(
                select(AanbiederSpecialisatie.specialisatie_id).where(
                    AanbiederSpecialisatie.aanbieder_id == aanbieder.id
                )
            )
        )
        new = db.exec(
            select(Specialisatie).where(Specialisatie.id.not_in(own)).order_by(Specialisatie.id)
        ).first()
    sign_in(page, writable_server, "aanbieder")
    page.wait_for_url(f"{writable_server}/aanbieder/profiel")
    page.get_by_label(new.label_b1, exact=True).check()
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.locator(".melding")).to_contain_text("Uw profiel is opgeslagen")
    page.goto(f"{writable_server}/zoeken?specialisatie={new.slug}&sort=naam&q={quote(aanbieder.naam)}")
    expect(page.locator(".result-list")).to_contain_text(aanbieder.naam)
    screenshot(page, f"aanbieder-profiel-na-opslaan-{backend}")


def test_beheerder_importeert_verbetert_en_verwerkt(page, writable_server, tmp_path, backend):
    sample = (PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv").read_text()
    broken = sample.replace(
        "90000002;Voorbeeld Wmo Begeleiding;GM0158;wmo;2;A",
        "9000002;Voorbeeld Wmo Begeleiding;GM0158;wmo;3;A",
    )
    sign_in(page, writable_server, "beheerder")
    page.goto(f"{writable_server}/beheer/import")
    page.get_by_label("Bestand", exact=True).set_input_files(
        {"name": "register.csv", "mimeType": "text/csv", "buffer": broken.encode()}
    )
    page.get_by_role("button", name="Controleren").click()
    errors = page.locator(".error-summary")
    expect(errors).to_contain_text("Regel 6: Een KvK-nummer heeft 8 cijfers")
    expect(page.get_by_role("button", name="Verwerken")).to_have_count(0)
    screenshot(page, f"import-met-fouten-{backend}")
    page.get_by_role("link", name="Importeren").first.click()
    page.get_by_label("Bestand", exact=True).set_input_files(
        {"name": "register.csv", "mimeType": "text/csv", "buffer": sample.encode()}
    )
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("status")).to_contain_text("7 nieuw")
    page.get_by_role("button", name="Verwerken").click()
    expect(page.get_by_role("alert")).to_contain_text("Zet een vinkje")  # it ends many Haaksbergen lines
    page.get_by_label("Ja, ik weet dat dit in").check()
    screenshot(page, f"import-bevestigen-{backend}")
    page.get_by_role("button", name="Verwerken").click()
    expect(page.locator(".melding")).to_contain_text("Import verwerkt: 7 toegevoegd")
    page.goto(f"{writable_server}/zoeken?gemeente=haaksbergen&q=Voorbeeld")
    expect(page.locator(".result-list")).to_contain_text("Voorbeeld Jeugdhulp Haaksbergen")


def test_wijkteam_komt_van_zoeken_terug_en_ziet_welk_filter_gekozen_is(browser, writable_server, backend):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="nl-NL")
    page = context.new_page()
    sign_in(page, writable_server, "wijkteam")
    page.goto(f"{writable_server}/zoeken?gemeente=enschede")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    page.get_by_role("link", name="Mijn wijkteam").click()
    page.wait_for_url(f"{writable_server}/wijkteam")
    filters = page.get_by_role("navigation", name="Filter op status")
    filters.get_by_role("link", name="Nieuw").click()
    page.wait_for_url(f"{writable_server}/wijkteam?status=nieuw")

    def looks(name: str) -> list[str]:
        link = filters.get_by_role("link", name=name, exact=True)
        return link.evaluate("e => [getComputedStyle(e).fontWeight, getComputedStyle(e).backgroundColor]")

    chosen, other = looks("Nieuw"), looks("Alle")
    assert chosen[0] == "700" and other[0] != "700" and chosen[1] != other[1]  # bold and filled
    screenshot(page, f"wijkteam-statusfilter-{backend}")
    context.close()
