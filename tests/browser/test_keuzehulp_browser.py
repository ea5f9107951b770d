"""The keuzehulp in Chromium: keyboard only with htmx, and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_woonplaats, screenshot, settled

pytestmark = pytest.mark.browser


def test_keuzehulp_met_alleen_het_toetsenbord(page, live_server, backend):
    page.goto(f"{live_server}/keuzehulp")
    page.evaluate("window.nogSteedsDezelfdePagina = true")
    page.get_by_label("Waar woont u?").focus()
    page.keyboard.type("Delden")
    page.keyboard.press("Enter")
    expect(page.locator(".voortgang")).to_have_text("Stap 2 van 5")
    settled(page)
    page.get_by_label("Een kind of jongere tot 18 jaar").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator(".voortgang")).to_have_text("Stap 3 van 5")
    settled(page)
    page.get_by_label("Ja, ik heb een brief").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Soort hulp (ondersteuningsbehoefte)")).to_be_visible()
    settled(page)
    page.get_by_label("Soort hulp (ondersteuningsbehoefte)").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # OB2
    page.get_by_label("Niveau", exact=True).focus()
    page.keyboard.press("ArrowDown")  # A
    page.get_by_role("button", name="Volgende vraag").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".voortgang")).to_have_text("Stap 4 van 5")
    settled(page)
    page.get_by_label("Nee, iemand blijft thuis wonen").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator(".voortgang")).to_have_text("Stap 5 van 5")
    settled(page)
    page.get_by_role("button", name="Toon mijn overzicht").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".voortgang")).to_have_text("Klaar: uw overzicht")
    assert page.evaluate("window.nogSteedsDezelfdePagina") is True
    assert "ob=2" in page.url and "niveau=A" in page.url
    screenshot(page, f"keuzehulp-overzicht-1280-{backend}")
    link = page.get_by_role("link", name=re.compile(r"Bekijk de \d+ aanbieder"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/zoeken\?.*gemeente=GM1735.*ob=2.*niveau=A"))
    expect(page.locator("#zoek-status")).to_contain_text("gevonden")
    expect(page.locator(".wijkteam")).to_contain_text("Sociaal Team Hof van Twente")


def test_keuzehulp_zonder_javascript_met_overslaan(page_without_js, live_server):
    page = page_without_js
    answer_woonplaats(page, live_server, "Vriezenveen")
    page.get_by_role("button", name="Weet ik niet / sla over").click()
    expect(page.locator(".voortgang")).to_have_text("Stap 3 van 5")
    page.get_by_label("Nee, nog niet").check()
    page.get_by_role("button", name="Volgende vraag").click()
    page.get_by_label("Hulp om overzicht te houden en te plannen").check()
    page.get_by_role("button", name="Volgende vraag").click()
    page.get_by_role("button", name="Weet ik niet / sla over").click()
    page.get_by_label("Waar gaat het over?").fill("schulden")
    page.get_by_role("button", name="Toon mijn overzicht").click()
    expect(page.locator(".overzicht")).to_contain_text("Vriezenveen hoort bij de gemeente Twenterand")
    expect(page.locator(".overzicht")).to_contain_text("Geldzorgen en schulden")
    expect(page.locator(".wijkteam")).to_contain_text("Sociaal Team Twenterand")


@pytest.mark.parametrize("javascript", [True, False])
def test_vorige_vraag_houdt_elk_antwoord(request, live_server, javascript):
    """'Vorige vraag' from the help question shows 'Nee' still chosen, and so on back to the typed
    woonplaats (the browser's back button: test_telefoon_browser.py)."""
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    answer_woonplaats(page, live_server, "Delden")
    page.get_by_label("Een kind of jongere tot 18 jaar").check()
    page.get_by_role("button", name="Volgende vraag").click()
    page.get_by_label("Nee, nog niet").check()
    page.get_by_role("button", name="Volgende vraag").click()
    page.get_by_label("Nieuwe dingen leren, zoals ander gedrag").check()
    page.get_by_role("button", name="Volgende vraag").click()
    expect(page.locator(".voortgang")).to_have_text("Stap 4 van 5")
    page.get_by_role("link", name="Vorige vraag").click()
    expect(page.get_by_label("Nieuwe dingen leren, zoals ander gedrag")).to_be_checked()
    page.get_by_role("link", name="Vorige vraag").click()
    expect(page.get_by_label("Nee, nog niet")).to_be_checked()
    page.get_by_role("button", name="Volgende vraag").click()
    expect(page.get_by_label("Nieuwe dingen leren, zoals ander gedrag")).to_be_checked()
    page.get_by_role("link", name="Vorige vraag").click()
    page.get_by_role("link", name="Vorige vraag").click()
    expect(page.get_by_label("Een kind of jongere tot 18 jaar")).to_be_checked()
    page.get_by_role("link", name="Vorige vraag").click()
    expect(page.get_by_label("Waar woont u?")).to_have_value("Delden")


def test_drie_aanbieders_vergelijken(page, live_server, backend):
    page.goto(f"{live_server}/zoeken?gemeente=borne&sort=naam")
    names = []
    for index in range(3):
        result = page.locator(".result").nth(index)
        names.append(result.locator("h3").inner_text())
        result.get_by_role("button", name=re.compile("^Vergelijk")).click()
        expect(page.locator("#vergelijk-teller")).to_contain_text(f"{index + 1})")
    page.locator("#vergelijk-teller").click()
    page.wait_for_url(re.compile(r"/vergelijken"))
    headers = page.locator(".vergelijk-tabel thead th").all_inner_texts()
    assert headers == names
    for label in ["Wachttijd", "Talen", "Specialisaties", "Vestigingen"]:
        row = page.locator(".vergelijk-tabel tbody tr", has=page.locator("th", has_text=label))
        assert row.locator("td").count() == 3
    screenshot(page, f"vergelijken-1280-{backend}")


def test_een_verkeerd_getypte_woonplaats_toont_de_fout_en_een_suggestie(page, live_server, backend):
    """With htmx the 400 answer is shown in place (not silently dropped), with the typed text kept."""
    page.goto(f"{live_server}/keuzehulp")
    page.evaluate("window.nogSteedsDezelfdePagina = true")
    page.get_by_label("Waar woont u?").fill("Deldn")
    page.get_by_label("Waar woont u?").press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("Bedoelde u Delden?")
    expect(page.get_by_label("Waar woont u?")).to_have_value("Deldn")
    assert page.evaluate("window.nogSteedsDezelfdePagina") is True  # swapped in place by htmx
    screenshot(page, f"keuzehulp-woonplaats-fout-{backend}")


def test_op_een_telefoon_staat_de_volgende_vraag_in_beeld(page, live_server, backend):
    """After 'Volgende vraag' the new question is on the screen, not the footer the old scroll
    position now shows."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/keuzehulp")
    page.get_by_label("Waar woont u?").fill("Delden")
    page.get_by_role("button", name="Volgende vraag").click()
    expect(page.locator(".voortgang")).to_have_text("Stap 2 van 5")
    page.get_by_label("Een kind of jongere tot 18 jaar").check()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # as after reading a long step
    page.get_by_role("button", name="Volgende vraag").click()
    expect(page.locator(".voortgang")).to_have_text("Stap 3 van 5")
    settled(page)
    top = page.locator("#keuzehulp").evaluate("element => element.getBoundingClientRect().top")
    assert -5 <= top < 800, top
