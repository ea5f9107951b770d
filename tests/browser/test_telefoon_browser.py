"""Phone first (issue 15): the comparison on a 375 px screen, sharing and print, the "Vergelijk"
button's answer, and the keuzehulp's steps and back button."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import func
from sqlmodel import Session, select

from keuzehulp.models import Aanbieder, Gemeente, Resultaat
from tests.browser.conftest import answer_woonplaats, screenshot, settled

pytestmark = pytest.mark.browser

# Every visible comparison cell: each word (between spaces, hyphens and slashes) on one line, and no
# cell whose content is wider than the cell. A website address is no word: it may break (after its
# dots first), but never stick out.
BROKEN_WORDS = """() => {
  const selector = ".vergelijk-tabel th, .vergelijk-tabel td, .vergelijk-kaart h2, .vergelijk-kaart dt, "
    + ".vergelijk-kaart dd";
  const cells = [...document.querySelectorAll(selector)].filter((cell) => cell.getClientRects().length);
  const problems = [];
  for (const cell of cells) {
    if (cell.scrollWidth > cell.clientWidth + 1) {
      problems.push("te smal: " + cell.textContent.trim());
    }
    if (cell.classList.contains("adres")) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".visually-hidden")) continue;
      for (const match of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) problems.push("gebroken: " + match[0]);
      }
    }
  }
  return {cells: cells.length, problems: problems};
}"""


def _violations(results) -> list:
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def longest_names(world, count: int) -> list[str]:
    """The aanbieders with the longest names: the hardest case for a narrow screen."""
    with Session(world.engine) as session:
        query = (
            select(Aanbieder.slug)
            .where(Aanbieder.status == "actief")
            .order_by(func.length(Aanbieder.naam).desc(), Aanbieder.id)
            .limit(count)
        )
        return list(session.exec(query))


def comparison_url(world, count: int) -> str:
    return "/vergelijken?" + "&".join(f"a={s}" for s in longest_names(world, count)) + "&gemeente=enschede"


@pytest.mark.parametrize("count", [3, 4])
def test_vergelijking_op_375_pixels_breekt_geen_woorden_en_scrolt_niet_opzij(
    browser, live_server, demo_world, backend, count
):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}{comparison_url(demo_world, count)}")
    expect(page.locator(".vergelijk-kaart")).to_have_count(count)
    expect(page.locator(".vergelijk-tabel")).to_be_hidden()
    found = page.evaluate(BROKEN_WORDS)
    assert found["cells"] > count * 10 and found["problems"] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert _violations(Axe().run(page)) == []
    screenshot(page, f"vergelijken-{count}-375-{backend}")
    context.close()


@pytest.mark.parametrize(("width", "count"), [(800, 4), (1280, 3)])
def test_vergelijking_breed_is_een_tabel_zonder_gebroken_woorden(
    browser, live_server, demo_world, backend, width, count
):
    """Wider screens get the table; when it does not fit, it scrolls in its own region (row labels
    stay in view) and the page itself does not."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}{comparison_url(demo_world, count)}")
    expect(page.locator(".vergelijk-tabel")).to_be_visible()
    expect(page.locator(".vergelijk-kaarten")).to_be_hidden()
    found = page.evaluate(BROKEN_WORDS)
    assert found["cells"] > count * 10 and found["problems"] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"vergelijken-{count}-{width}-{backend}")
    context.close()


def test_kopieer_link_met_javascript_en_selecteerbaar_zonder(
    browser, live_server, demo_world, page_without_js
):
    path = comparison_url(demo_world, 3)
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="nl-NL")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}{path}")
    link = page.get_by_label("Link naar deze vergelijking")
    shared = link.input_value()
    assert re.fullmatch(r"https?://[^/]+/vergelijken\?a=.*&gemeente=enschede", shared)
    page.get_by_role("button", name="Kopieer link").click()
    expect(page.locator("#kopieer-status")).to_have_text("De link is gekopieerd.")
    assert page.evaluate("navigator.clipboard.readText()") == shared
    context.close()

    page_without_js.goto(f"{live_server}{path}")
    expect(page_without_js.get_by_role("button", name="Kopieer link")).to_be_hidden()
    field = page_without_js.get_by_label("Link naar deze vergelijking")
    expect(field).to_have_value(shared)
    field.select_text()  # readonly, but selectable to copy by hand
    assert page_without_js.evaluate("getSelection().toString() || document.activeElement.value") == shared


def test_geprinte_vergelijking_noemt_het_wijkteam_met_telefoon(page, live_server, demo_world, backend):
    with Session(demo_world.engine) as session:
        enschede = session.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0153")).one()
    page.set_viewport_size({"width": 375, "height": 800})  # printed from a phone: still the table
    page.goto(f"{live_server}{comparison_url(demo_world, 3)}")
    page.emulate_media(media="print")
    expect(page.locator(".vergelijk-tabel")).to_be_visible()
    expect(page.locator(".vergelijk-kaarten")).to_be_hidden()
    expect(page.get_by_role("button", name="Kopieer link")).to_be_hidden()
    expect(page.locator(".wijkteam")).to_contain_text(enschede.toegang_naam)
    expect(page.locator(".wijkteam")).to_contain_text(enschede.toegang_telefoon)
    online = page.locator(".print-only", has_text="Deze vergelijking online:")
    expect(online).to_contain_text("/vergelijken?a=")
    expect(page.locator(".print-kop")).to_be_visible()
    expect(page.locator(".print-kop")).to_contain_text("Keuzehulp")
    expect(page.locator(".print-kop")).to_contain_text("Gemaakt op ")
    expect(page.get_by_role("button", name="Print deze vergelijking")).to_be_hidden()
    screenshot(page, f"vergelijken-print-{backend}")


def test_printknop_opent_het_printvenster_en_ontbreekt_zonder_javascript(
    page, page_without_js, live_server, demo_world
):
    path = comparison_url(demo_world, 2)
    page.goto(f"{live_server}{path}")
    expect(page.locator(".print-kop")).to_be_hidden()  # on screen the page header says it
    page.evaluate("window.print = () => { window.geprint = true; }")
    page.get_by_role("button", name="Print deze vergelijking").click()
    assert page.evaluate("window.geprint") is True
    page_without_js.goto(f"{live_server}{path}")
    expect(page_without_js.get_by_role("button", name="Print deze vergelijking")).to_be_hidden()


# Every word in a heading that would fit on a line, but is split over two.
BROKEN_HEADING_WORDS = """() => {
  const problems = [];
  for (const heading of document.querySelectorAll("h1, h2, h3")) {
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()];
        const width = rects.reduce((sum, rect) => sum + rect.width, 0);
        if (new Set(rects.map((rect) => Math.round(rect.top))).size > 1 && width <= heading.clientWidth) {
          problems.push(match[0]);
        }
      }
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("width", [320, 375])
def test_lange_naam_in_een_kop_breekt_niet_midden_in_een_woord(browser, live_server, demo_world, width):
    with Session(demo_world.engine) as session:
        names = session.exec(select(Aanbieder.slug, Aanbieder.naam).where(Aanbieder.status == "actief")).all()
    slug, naam = max(names, key=lambda row: max(len(word) for word in row[1].split()))
    assert max(len(word) for word in naam.split()) >= 20, naam  # "Kamertrainingscentrum"
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="nl-NL")
    page = context.new_page()
    for path in (f"/aanbieders/{slug}", f"/aanbieders/{slug}/voorkeur"):
        page.goto(f"{live_server}{path}")
        expect(page.locator("h1")).to_contain_text(naam)
        assert page.evaluate(BROKEN_HEADING_WORDS) == [], path
    context.close()


def test_tabellen_op_een_telefoon_tonen_dat_ze_opzij_schuiven(browser, live_server, demo_world, backend):
    """A table wider than the screen scrolls in a labelled, focusable region with a shadow at the
    edge; its caption wraps within the screen."""
    with Session(demo_world.engine) as session:
        slug = session.exec(
            select(Aanbieder.slug)
            .join(Resultaat, Resultaat.aanbieder_id == Aanbieder.id)
            .where(Aanbieder.status == "actief", Resultaat.noemer >= 10)
            .order_by(Aanbieder.id)
        ).first()
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/aanbieders/{slug}?lang=en")
    regions = page.evaluate("""() => [...document.querySelectorAll(".table-wrap")].map((wrap) => ({
      label: wrap.getAttribute("aria-label"), role: wrap.getAttribute("role"), tabindex: wrap.tabIndex,
      wide: wrap.scrollWidth > wrap.clientWidth, background: getComputedStyle(wrap).backgroundImage,
      caption: wrap.querySelector("caption").getBoundingClientRect().right
        - wrap.getBoundingClientRect().right,
    }))""")
    assert len(regions) == 3 and any(region["wide"] for region in regions), regions  # wachttijd too
    for region in regions:
        assert region["label"] and region["role"] == "region" and region["tabindex"] == 0
        assert region["caption"] <= 1 and region["background"].count("radial-gradient") == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, f"profiel-tabellen-en-375-{backend}")
    context.close()


def test_na_vergelijk_een_link_naar_de_vergelijking_en_in_vergelijking_na_herladen(
    browser, live_server, backend
):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/zoeken?gemeente=borne&sort=naam")
    result = page.locator(".result").first
    name = result.locator("h3").inner_text()
    result.get_by_role("button", name=re.compile("^Vergelijk")).click()
    settled(page)
    button = result.get_by_role("button", name=re.compile("^In vergelijking"))
    expect(button).to_be_focused()  # the keyboard focus stays on the button
    expect(result.get_by_role("link", name="Bekijk vergelijking (1)")).to_be_visible()
    expect(result.locator(".melding")).to_contain_text(f"{name} staat nu in uw vergelijking")
    expect(page.locator("#vergelijk-teller")).to_contain_text("1)")
    assert _violations(Axe().run(page)) == []
    screenshot(page, f"vergelijk-knop-375-{backend}")
    result.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/aanbieders/"))
    page.reload()
    expect(page.get_by_role("button", name=re.compile("^In vergelijking"))).to_be_visible()
    expect(page.get_by_role("link", name="Bekijk vergelijking (1)")).to_be_visible()
    page.get_by_role("button", name=re.compile("^In vergelijking")).click()  # and out again
    settled(page)
    expect(page.get_by_role("button", name=re.compile("^Vergelijk"))).to_be_focused()
    expect(page.locator("#vergelijk-teller")).to_contain_text("0)")
    context.close()


def test_zonder_javascript_na_vergelijk_een_link_naar_de_vergelijking(page_without_js, live_server):
    """The page comes back at the card whose button was pressed, not at the top of the list."""
    page = page_without_js
    page.goto(f"{live_server}/zoeken?gemeente=borne&sort=naam")
    card = page.locator(".result").nth(4)
    card_id = card.get_attribute("id")
    card.get_by_role("button", name=re.compile("^Vergelijk")).click()
    page.wait_for_url(re.compile(rf"/zoeken\?.*#{card_id}$"))
    top = page.evaluate(f"document.getElementById('{card_id}').getBoundingClientRect().top")
    assert -2 <= top < 100 and page.evaluate("window.scrollY") > 500
    expect(card.locator(".melding")).to_contain_text("staat nu in uw vergelijking (1 van 4)")
    expect(card.get_by_role("button", name=re.compile("^In vergelijking"))).to_be_visible()
    page.get_by_role("link", name="Bekijk vergelijking (1)").click()
    page.wait_for_url(re.compile(r"/vergelijken"))
    expect(page.locator(".vergelijk-kaart")).to_have_count(1)
    page.goto(f"{live_server}/zoeken?gemeente=borne&sort=naam")  # later, the same search again
    expect(
        page.locator(f"#{card_id}").get_by_role("button", name=re.compile("^In vergelijking"))
    ).to_be_visible()


def test_stappen_van_de_keuzehulp_en_de_woonplaats_blijft_bij_terug(page, live_server, backend):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/keuzehulp")
    current = page.locator('.stappen [aria-current="step"]')
    expect(current).to_have_text("Woonplaats")
    expect(page.get_by_role("link", name="Vorige vraag")).to_have_count(0)
    page.get_by_label("Waar woont u?").fill("Delden")
    page.get_by_role("button", name="Volgende vraag").click()
    expect(page.locator(".voortgang")).to_have_text("Stap 2 van 5")
    expect(current).to_have_text("Voor wie")
    expect(page.locator(".stappen li")).to_have_count(5)
    expect(page.get_by_role("link", name="Vorige vraag")).to_have_count(1)
    settled(page)
    assert _violations(Axe().run(page)) == []
    screenshot(page, f"keuzehulp-stap-2-375-{backend}")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, f"keuzehulp-stap-2-1280-{backend}")
    page.go_back()
    expect(page.locator(".voortgang")).to_have_text("Stap 1 van 5")
    expect(page.get_by_label("Waar woont u?")).to_have_value("Delden")


def test_zonder_javascript_blijft_de_woonplaats_bij_terug(page_without_js, live_server):
    page = page_without_js
    answer_woonplaats(page, live_server, "Vriezenveen")
    expect(page.locator(".voortgang")).to_have_text("Stap 2 van 5")
    page.go_back()
    expect(page.locator(".voortgang")).to_have_text("Stap 1 van 5")
    expect(page.get_by_label("Waar woont u?")).to_have_value("Vriezenveen")
