"""Consultatie and voorkeur in Chromium: request, accept, message, complete; an inwoner's voorkeur
reaches the right wijkteam only; axe on every page of the flow."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlmodel import Session

from keuzehulp import clock
from keuzehulp.services.demo_accounts import demo_aanbieder
from tests.browser.conftest import screenshot
from tests.browser.test_ingelogd_browser import sign_in
from tests.browser.test_zoeken_browser import _violations
from tests.support.accounts import PASSWORD, add_user

pytestmark = pytest.mark.browser


def _prepare(world) -> tuple[str, str]:
    with Session(world.engine) as db:
        aanbieder = demo_aanbieder(db, clock.today())
        aanbieder.consultatie_functieniveaus = ["HBO", "WO"]
        db.add(aanbieder)
        db.commit()
        return aanbieder.slug, aanbieder.naam


def test_consultatie_van_wijkteam_naar_aanbieder_en_terug(browser, writable_server, small_world, backend):
    slug, naam = _prepare(small_world)
    axe = Axe()
    problems = {}

    def check(name: str) -> None:
        found = _violations(axe.run(page))
        if found:
            problems[name] = found
        screenshot(page, f"consultatie-{name}-{backend}")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, writable_server, "wijkteam")
    page.goto(f"{writable_server}/aanbieders/{slug}")
    page.get_by_role("link", name="Consultatie aanvragen").click()
    check("formulier")
    page.get_by_label("Uw vraag aan de aanbieder").fill("Meisje van 9 met veel boosheid thuis. Welke aanpak?")
    page.get_by_label("Leeftijd van de inwoner").select_option("4-12")
    page.get_by_label("WO:", exact=False).check()
    page.get_by_label("Hoe kan de aanbieder u bereiken?").fill("Via de receptie van het wijkteam")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator(".melding")).to_contain_text(f"Uw vraag is naar {naam} gestuurd")
    detail_url = page.url
    context.clear_cookies()

    sign_in(page, writable_server, "aanbieder")
    page.goto(f"{writable_server}/aanbieder/consultaties")
    expect(page.get_by_text("Nieuw voor u")).to_be_visible()
    check("inbox")
    page.goto(detail_url)
    check("detail-nieuw")
    page.get_by_label("Contactpersoon").fill("Orthopedagoog De Boer")
    page.get_by_role("button", name="Accepteren").click()
    expect(page.locator(".melding")).to_contain_text("geaccepteerd")
    page.get_by_label("Nieuw bericht").fill("We bellen u donderdag.")
    page.get_by_role("button", name="Bericht versturen").click()
    page.get_by_label("Terugkoppeling aan het wijkteam").fill("Advies: ouderbegeleiding, OB2 niveau B.")
    page.get_by_role("button", name="Afronden").click()
    expect(page.locator(".melding")).to_contain_text("afgerond")
    check("detail-afgerond")
    context.clear_cookies()

    sign_in(page, writable_server, "wijkteam")
    page.goto(detail_url)
    expect(page.locator("main")).to_contain_text("Advies: ouderbegeleiding, OB2 niveau B.")
    expect(page.locator("main")).to_contain_text("We bellen u donderdag.")
    context.close()
    assert problems == {}


def test_voorkeur_van_inwoner_komt_bij_het_juiste_wijkteam(browser, writable_server, small_world, backend):
    slug, naam = _prepare(small_world)
    add_user(small_world, "wijkteam.hengelo@example.nl", "wijkteam", gemeente="GM0164")
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{writable_server}/aanbieders/{slug}")
    page.get_by_role("link", name="Ik wil hulp van deze aanbieder").click()
    axe = Axe()
    assert _violations(axe.run(page)) == []
    page.get_by_label("Uw naam").fill("Fatima B.")
    page.get_by_label("Uw telefoonnummer").fill("06 98765432")
    page.get_by_label("In welke gemeente woont u?").select_option("enschede")
    page.get_by_role("button", name="Stuur naar het wijkteam").click()
    expect(page.locator(".error-summary")).to_contain_text("Geef toestemming")
    expect(page.get_by_label("Uw naam")).to_have_value("Fatima B.")
    assert _violations(axe.run(page)) == []
    page.get_by_label("Ik geef toestemming").check()
    page.get_by_role("button", name="Stuur naar het wijkteam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw voorkeur is doorgegeven")
    reference = page.locator(".code").inner_text()
    assert _violations(axe.run(page)) == []
    screenshot(page, f"voorkeur-bevestiging-{backend}")
    sign_in(page, writable_server, "wijkteam")
    page.goto(f"{writable_server}/wijkteam")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text("Fatima B.")
    expect(page.locator("main")).to_contain_text(naam)
    assert _violations(axe.run(page)) == []
    context.clear_cookies()
    page.goto(f"{writable_server}/inloggen")
    page.get_by_label("E-mailadres").fill("wijkteam.hengelo@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{writable_server}/wijkteam")
    expect(page.locator("main")).not_to_contain_text(reference)
    context.close()
