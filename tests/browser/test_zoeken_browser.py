"""The search page in Chromium: htmx updates in place, URLs follow, back works, and JS-off works too."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import Aanbieder, Resultaat
from keuzehulp.search.filters import SearchRequest
from tests.browser.conftest import screenshot, settled
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
    with_ob = expected_count(demo_world, gemeente="GM0153", ob=2)
    expect(page.locator("#zoek-status")).to_have_text(status_text(with_ob))
    settled(page)

    page.locator("#niveau-B").check()
    page.wait_for_url(re.compile(r"niveau=B"))
    final = expected_count(demo_world, gemeente="GM0153", ob=2, niveau="B")
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
    page.get_by_label("Gemeente").select_option("hof-van-twente")
    page.locator("#ob-1").check()
    page.get_by_role("button", name="Toon resultaten").click()
    page.wait_for_url(re.compile(r"gemeente=hof-van-twente.*ob=1|ob=1.*gemeente=hof-van-twente"))
    count = expected_count(demo_world, gemeente="GM1735", ob=1)
    expect(page.locator("#resultaten-kop")).to_contain_text(f"{count} aanbieder")
    first = page.locator(".result h3 a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    screenshot(page, f"profiel-zonder-js-375-{backend}")


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


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("taal", ["nl", "en"])
def test_axe_vindt_geen_enkel_probleem_op_elke_pagina(browser, live_server, demo_world, width, taal, backend):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/?lang={taal}")
    axe = Axe()
    problems = {}
    for name, path in public_pages(demo_world):
        page.goto(f"{live_server}{path}")
        assert page.locator("html").get_attribute("lang") == taal, path
        found = _violations(axe.run(page))
        if found:
            problems[name] = found
        screenshot(page, f"{name}-{taal}-{width}-{backend}")
    context.close()
    assert problems == {}


def test_naar_het_engels_en_terug_met_dezelfde_filters(page, live_server, demo_world, backend):
    page.goto(f"{live_server}/zoeken?gemeente=enschede")
    page.locator("#ob-2").check()  # htmx updates the results and the address
    page.wait_for_url(re.compile(r"ob=2"))
    settled(page)
    count = expected_count(demo_world, gemeente="GM0153", ob=2)
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
        status_text(expected_count(demo_world, gemeente="GM0153", ob=2, niveau="B"))
    )
    expect(page.locator("#niveau-B")).to_be_checked()


def test_reflow_op_320_pixels_zonder_horizontaal_scrollen(browser, live_server, demo_world):
    with Session(demo_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = {}
    for path in ["/", "/zoeken?gemeente=hengelo", f"/aanbieders/{slug}", "/keuzehulp", "/uitleg", "/privacy"]:
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    context.close()
    assert too_wide == {}
