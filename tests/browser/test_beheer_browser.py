"""Beheer pages in Chromium (issue 15): the zorglandschap fits a 1280 px screen without scrolling
sideways, on a phone only its tables scroll (inside their own box); screenshots of every changed
beheer page at 1280 and 375 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_ingelogd_browser import sign_in

pytestmark = pytest.mark.browser

CHANGED_PAGES = [
    ("zorglandschap", "/beheer/zorglandschap"),
    ("logboek", "/beheer/logboek"),
    ("aanbieders", "/beheer/aanbieders"),
    ("aanbieders-pagina-2", "/beheer/aanbieders?pagina=2"),
    ("gebruikers", "/beheer/gebruikers"),
    ("aanmeldingen", "/beheer/aanmeldingen"),
    ("consultaties", "/beheer/consultaties"),
    ("tarieven", "/beheer/tarieven"),
    ("import", "/beheer/import"),
    ("import-wachttijden", "/beheer/import/wachttijden"),
    ("hulp-importeren", "/beheer/hulp/importeren"),
]
PAGE_WIDTH = "document.documentElement.scrollWidth"
WIDEST_TABLE = (
    "Math.max(...[...document.querySelectorAll('.table-wrap')].map(e => e.scrollWidth - e.clientWidth))"
)


@pytest.mark.parametrize("width", [1280, 375])
def test_zorglandschap_past_op_het_scherm_en_schermafdrukken(browser, writable_server, width, backend):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    sign_in(page, writable_server, "beheerder")
    page.goto(f"{writable_server}/beheer/zorglandschap")
    assert page.evaluate(PAGE_WIDTH) <= width  # the page never scrolls sideways
    if width == 1280:
        assert page.evaluate(WIDEST_TABLE) <= 0  # and at 1280 px no table needs to either
    for name, path in CHANGED_PAGES:
        page.goto(f"{writable_server}{path}")
        assert page.evaluate(PAGE_WIDTH) <= width, path
        screenshot(page, f"beheer-{name}-{width}-{backend}")
    context.close()


TREND_LAYOUT = """svg => {
  const box = svg.viewBox.baseVal, inside = r => r.x >= 0 && r.y >= 0
    && r.x + r.width <= box.width && r.y + r.height <= box.height;
  const meets = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width
    && a.y < b.y + b.height && b.y < a.y + a.height;
  const texts = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBBox()]);
  const marks = [...svg.querySelectorAll("circle, rect")].map(m => m.getBBox());
  return {
    outside: texts.filter(([, r]) => !inside(r)).map(([t]) => t),
    overlapping: texts.flatMap(([t, r], i) =>
      texts.slice(i + 1).filter(([, o]) => meets(r, o)).map(([u]) => t + "/" + u)),
    on_a_point: texts.filter(([, r]) => marks.some(m => meets(r, m))).map(([t]) => t),
    legend: [...svg.querySelectorAll(".legenda text")].map(t => t.textContent),
    dashes: [...svg.querySelectorAll("polyline")].map(l => l.getAttribute("stroke-dasharray")),
  };
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_grafiek_van_de_wachttijd_heeft_een_legenda_en_alles_past(browser, writable_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    sign_in(page, writable_server, "beheerder")
    page.goto(f"{writable_server}/beheer/zorglandschap?gemeente=enschede&hulp=jeugd-1#trend")
    medians = page.locator("#trend-tabel tbody td:nth-child(3)").all_inner_texts()
    assert len([m for m in medians if m != "-"]) >= 2  # there are points to draw (and a line between)
    layout = page.locator("svg.trend").evaluate(TREND_LAYOUT)
    assert layout["outside"] == [] and layout["overlapping"] == [] and layout["on_a_point"] == []
    assert layout["legend"] == ["Mediaan (de helft wacht korter)", "P90 (9 van de 10 wachten korter)"]
    assert layout["dashes"] == [None, "6 4"]  # the lines differ by dash, not only by colour
    font = page.locator(".legenda text").first.evaluate("t => t.getBoundingClientRect().height")
    assert font >= 11, font  # the legend stays readable on a phone (the chart scrolls in its box)
    assert page.evaluate(PAGE_WIDTH) <= width
    page.locator("svg.trend").screenshot(path=str(ARTIFACTS / f"beheer-trend-{width}.png"))
    context.close()
