"""Beheer pages in Chromium (issue 15): the zorglandschap fits a 1280 px screen without scrolling
sideways, on a phone only its tables scroll (inside their own box); screenshots of every changed
beheer page at 1280 and 375 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
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
