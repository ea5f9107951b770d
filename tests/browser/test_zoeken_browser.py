"""The search page in Chromium: htmx updates in place, URLs follow, back works, and JS-off works too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder, Resultaat
from keuzehulp.search.filters import SearchRequest
from tests.browser.conftest import ARTIFACTS, screenshot, settled
from tests.support.sql_reference import sql_count

pytestmark = pytest.mark.browser


def expected_count(world, **filters) -> int:
    with Session(world.engine) as session:
        return sql_count(session, SearchRequest(**filters), clock.today())


def status_text(count: int) -> str:
    return f"{count} {'aanbieder' if count == 1 else 'aanbieders'} gevonden"


def test_filteren_werkt_zonder_herladen_de_url_volgt_en_terug_herstelt(
    page, live_server, demo_world, backend
):
    page.goto(f"{live_server}/zoeken")
    page.evaluate("window.nogSteedsDezelfdePagina = true")
    page.get_by_label("Gemeente").select_option("enschede")
    page.wait_for_url(re.compile(r"gemeente=enschede"))
    expect(page.locator("#zoek-status")).to_have_text(
        status_text(expected_count(demo_world, gemeente="GM0153"))
    )

    page.locator("#ob-2").check()
    page.wait_for_url(re.compile(r"ob=2"))
    with_ob = expected_count(demo_world, gemeente="GM0153", ob="2")
    expect(page.locator("#zoek-status")).to_have_text(status_text(with_ob))
    settled(page)

    page.locator("#niveau-B").check()
    page.wait_for_url(re.compile(r"niveau=B"))
    final = expected_count(demo_world, gemeente="GM0153", ob="2", niveau="B")
    expect(page.locator("#zoek-status")).to_have_text(status_text(final))
    expect(page.locator("#resultaten-kop")).to_contain_text(str(final))
    assert page.evaluate("window.nogSteedsDezelfdePagina") is True  # no full page load
    screenshot(page, f"zoeken-enschede-ob2-b-1280-{backend}")

    page.go_back()
    page.wait_for_url(lambda url: "ob=2" in url and "niveau=B" not in url)
    expect(page.locator("#resultaten-kop")).to_contain_text(str(with_ob))
    expect(page.locator("#ob-2")).to_be_checked()


def test_zelfde_zoekactie_zonder_javascript(page_without_js, live_server, demo_world, backend):
    page = page_without_js
    page.goto(f"{live_server}/zoeken")
    page.locator("summary", has_text="Filters").click()  # on a phone the filters are behind one button
    page.get_by_label("Gemeente").select_option("hof-van-twente")
    page.locator("#ob-1").check()
    page.get_by_role("button", name="Toon resultaten").click()
    page.wait_for_url(re.compile(r"gemeente=hof-van-twente.*ob=1|ob=1.*gemeente=hof-van-twente"))
    count = expected_count(demo_world, gemeente="GM1735", ob="1")
    expect(page.locator("#resultaten-kop")).to_contain_text(f"{count} aanbieder")
    first = page.locator(".result h3 a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    screenshot(page, f"profiel-zonder-js-375-{backend}")


def test_met_twee_tabs_en_enter_naar_de_eerste_uitkomst(page, live_server):
    """A skip link, second on the page and visible when it has the focus, jumps over the filters."""
    page.goto(f"{live_server}/zoeken")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Naar de resultaten")
    box = skip.bounding_box()
    assert box["width"] > 50 and 0 <= box["y"] < 100  # on screen, not off to the left
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator(".result h3 a").first
    expect(first).to_be_focused()


def _violations(results) -> list[str]:
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def public_pages(world) -> list[tuple[str, str]]:
    """Every public page (and the states of the keuzehulp and comparison), by name and path."""
    with Session(world.engine) as session:
        slugs = list(session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief").limit(3)))
        with_results = session.exec(
            select(Aanbieder.slug)
            .join(Resultaat, Resultaat.aanbieder_id == Aanbieder.id)
            .where(Aanbieder.status == "actief", Resultaat.noemer >= 10)
        ).first()
    compare = "&".join(f"a={slug}" for slug in slugs)
    answers = "woonplaats=Delden&voor_wie=kind&besluit=ja&ob=2&niveau=B"
    return [
        ("start", "/"),
        ("zoeken", "/zoeken?gemeente=almelo&ob=1"),
        ("zoeken-alles", "/zoeken"),
        ("zoeken-filters", "/zoeken?gemeente=enschede&ob=2&niveau=B&max_wachttijd=4"),
        ("zoeken-niets", "/zoeken?gemeente=almelo&q=xyzzy&max_wachttijd=0"),
        ("zoeken-fout", "/zoeken?ob=9"),
        ("profiel", f"/aanbieders/{slugs[0]}"),
        ("profiel-resultaten", f"/aanbieders/{with_results}"),
        ("voorkeur", f"/aanbieders/{slugs[0]}/voorkeur"),
        ("keuzehulp", "/keuzehulp"),
        ("keuzehulp-brief", "/keuzehulp?woonplaats=Delden&voor_wie=kind&besluit=ja"),
        ("keuzehulp-overzicht", f"/keuzehulp?{answers}&verblijf=onbekend&klaar=ja"),
        ("vergelijken", f"/vergelijken?{compare}&gemeente=enschede&ob=2"),
        ("vergelijken-leeg", "/vergelijken"),
        ("uitleg", "/uitleg"),
        ("over", "/over"),
        ("toegankelijkheid", "/toegankelijkheid"),
        ("privacy", "/privacy"),
        ("open-data", "/open-data/"),
        ("niet-gevonden", "/bestaat-niet"),
    ]


def test_naar_het_engels_en_terug_met_dezelfde_filters(page, live_server, demo_world, backend):
    page.goto(f"{live_server}/zoeken?gemeente=enschede")
    page.locator("#ob-2").check()  # htmx updates the results and the address
    page.wait_for_url(re.compile(r"ob=2"))
    settled(page)
    count = expected_count(demo_world, gemeente="GM0153", ob="2")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert "gemeente=enschede" in page.url and "ob=2" in page.url
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a provider")
    expect(page.locator("#zoek-status")).to_have_text(
        f"{count} {'provider' if count == 1 else 'providers'} found"
    )
    expect(page.locator("#ob-2")).to_be_checked()
    expect(page.get_by_label("Municipality")).to_have_value("enschede")
    screenshot(page, f"zoeken-engels-1280-{backend}")

    page.locator("#niveau-B").check()  # filtering in English keeps the switch up to date
    page.wait_for_url(re.compile(r"niveau=B"))
    settled(page)
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_url(re.compile(r"lang=nl"))
    assert all(part in page.url for part in ("gemeente=enschede", "ob=2", "niveau=B"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#zoek-status")).to_have_text(
        status_text(expected_count(demo_world, gemeente="GM0153", ob="2", niveau="B"))
    )
    expect(page.locator("#niveau-B")).to_be_checked()


PHONE = {"width": 375, "height": 800}


def screenshots(page, name: str) -> None:
    """The whole page and, to look at, what fits on the screen."""
    screenshot(page, name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-scherm.png"))


def test_op_een_telefoon_komen_de_resultaten_eerst(browser, live_server, backend):
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/zoeken?gemeente=enschede&ob=2")
    first = page.locator(".result").first.bounding_box()
    assert first is not None and first["y"] <= 1.5 * PHONE["height"], first
    panel = page.locator("#filter-paneel")
    expect(panel).not_to_have_attribute("open", "")
    expect(panel.locator("> summary")).to_have_text("Filters (2 gekozen)")
    chosen = page.locator(".gekozen-filters a.gekozen-filter")
    expect(chosen).to_have_count(2)
    expect(page.locator("#zoek-status")).to_be_visible()
    screenshots(page, f"zoeken-filters-375-{backend}")

    panel.locator("> summary").click()  # open the filters; a change updates in place, the panel stays open
    page.evaluate("window.nogSteedsDezelfdePagina = true")
    page.locator("#niveau-B").check()
    page.wait_for_url(re.compile(r"niveau=B"))
    settled(page)
    expect(page.locator("#filter-paneel")).to_have_attribute("open", "")
    expect(page.locator("#filter-paneel > summary")).to_have_text("Filters (3 gekozen)")
    changed = page.locator("#niveau-B").bounding_box()  # still where it was, not scrolled away
    assert changed is not None and 0 <= changed["y"] <= PHONE["height"], changed
    assert page.evaluate("window.nogSteedsDezelfdePagina") is True
    screenshots(page, f"zoeken-filters-open-375-{backend}")

    page.get_by_role("button", name="Toon resultaten").click()  # a plain submit: results on top again
    page.wait_for_load_state()
    expect(page.locator("#filter-paneel")).not_to_have_attribute("open", "")

    ob_filter = page.locator(".gekozen-filters a.gekozen-filter").nth(1)  # gemeente, OB2, niveau B
    expect(ob_filter).to_contain_text("(OB2)")
    ob_filter.click()  # a plain link to the same search without it
    page.wait_for_url(lambda url: "ob=2" not in url and "gemeente=enschede" in url)
    expect(page.locator("#filter-paneel > summary")).to_have_text("Filters (2 gekozen)")
    page.goto(f"{live_server}/zoeken")
    expect(page.locator("#filter-paneel > summary")).to_have_text("Filters")
    screenshots(page, f"zoeken-375-{backend}")
    context.close()


def test_op_een_breed_scherm_staan_de_filters_open_naast_de_resultaten(page, live_server, backend):
    page.goto(f"{live_server}/zoeken")
    expect(page.locator("#filter-paneel > summary")).to_be_hidden()
    expect(page.get_by_label("Gemeente")).to_be_visible()
    screenshots(page, f"zoeken-1280-{backend}")
    page.goto(f"{live_server}/zoeken?gemeente=enschede&ob=2&max_wachttijd=4")
    expect(page.locator("#ob-2")).to_be_visible()
    expect(page.locator(".gekozen-filters a.gekozen-filter")).to_have_count(3)
    screenshots(page, f"zoeken-filters-1280-{backend}")


def test_favicon(live_server):
    import httpx2

    response = httpx2.get(f"{live_server}/favicon.ico", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\0\0\1\0"
