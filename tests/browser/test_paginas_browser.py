"""Every page, once per screen width (issue 15): axe finds nothing, the page does not scroll sideways
at 320 and 375 px, every text field has text of at least 16 px and every visible radio button and
checkbox is at least 24 by 24 px. Public pages in Dutch and English; the pages for professionals in
Dutch, signed in as the demo accounts. Screenshots at 375 and 1280 px go to test-artifacts/."""

from __future__ import annotations

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import Session
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.search.errors import IndexUnavailable
from keuzehulp.services.demo_accounts import DEMO_TOTP_SECRET, demo_aanbieder
from keuzehulp.web.app import create_app
from tests.browser.conftest import screenshot
from tests.browser.test_ingelogd_browser import enter_password
from tests.browser.test_zoeken_browser import _violations, public_pages

pytestmark = pytest.mark.browser

WIDTHS = (320, 375, 1280)
NARROW = (320, 375)  # no sideways scrolling here (WCAG 1.4.10 reflow)
LOOKED_AT = (375, 1280)  # axe and a screenshot here

# Every text field, with its computed text size, and every visible radio button and checkbox with its
# size. Hidden controls (a closed filter panel on a phone) are measured where they show (1280 px).
CONTROLS = """() => {
  const text = [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=submit]), select, textarea')]
    .filter(e => !e.closest('.honeypot'))
    .map(e => ({id: e.id || e.name || e.type, font: parseFloat(getComputedStyle(e).fontSize)}));
  const choices = [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
    .map(e => { const r = e.getBoundingClientRect(); return {id: e.id, width: r.width, height: r.height}; })
    .filter(c => c.width > 0);
  return {text, choices};
}"""


class Checks:
    """Runs every check on the page as it is loaded and collects what fails, per page."""

    def __init__(self, page, width: int, label: str):
        self.page, self.width, self.label = page, width, label
        self.axe = Axe()
        self.problems: dict[str, list] = {}
        self.text_fields = 0

    def run(self, name: str) -> None:
        found = []
        if self.width in NARROW and not self.page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        ):
            found.append(f"scrolt opzij: {self.page.evaluate('document.documentElement.scrollWidth')} px")
        controls = self.page.evaluate(CONTROLS)
        self.text_fields += len(controls["text"])
        found += [f"tekst {c['font']} px in {c['id']}" for c in controls["text"] if c["font"] < 16]
        found += [
            f"keuze {c['width']:.0f}x{c['height']:.0f} px: {c['id']}"
            for c in controls["choices"]
            if min(c["width"], c["height"]) < 24
        ]
        if self.width in LOOKED_AT:
            found += _violations(self.axe.run(self.page))
            screenshot(self.page, f"{name}-{self.label}")
        if found:
            self.problems[name] = found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("taal", ["nl", "en"])
def test_elke_openbare_pagina(browser, live_server, demo_world, width, taal, backend):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/?lang={taal}")
    checks = Checks(page, width, f"{taal}-{width}-{backend}")
    for name, path in public_pages(demo_world):
        page.goto(f"{live_server}{path}")
        assert page.locator("html").get_attribute("lang") == taal, path
        checks.run(name)
    context.close()
    assert checks.problems == {}
    assert checks.text_fields > 20  # the checks did see the search filters, the keuzehulp and the forms


def professional_pages(slug: str) -> dict[str | None, list[tuple[str, str]]]:
    """Dutch-only pages by the role that sees them (None: signed out)."""
    return {
        None: [
            ("inloggen", "/inloggen"),
            ("vergeten", "/wachtwoord/vergeten"),
            ("aanmelden", "/aanmelden"),
        ],
        "aanbieder": [
            ("aanbieder-profiel", "/aanbieder/profiel"),
            ("aanbieder-wachttijden", "/aanbieder/wachttijden"),
            ("aanbieder-historie", "/aanbieder/historie"),
            ("aanbieder-consultaties", "/aanbieder/consultaties"),
        ],
        "wijkteam": [
            ("wijkteam", "/wijkteam"),
            ("wijkteam-meldingen", "/wijkteam/meldingen"),
            ("wijkteam-consultatie-nieuw", f"/wijkteam/consultatie/nieuw?aanbieder={slug}"),
            ("profiel-budget", f"/aanbieders/{slug}?budget_code=ob-jeugd-1A&uren=2&weken=10"),
            ("zoeken-als-wijkteam", "/zoeken?gemeente=enschede"),  # a public page with the account bar
        ],
        "beheerder": [
            ("beheer", "/beheer"),
            ("beheer-aanbieders", "/beheer/aanbieders"),
            ("beheer-aanbieder", f"/beheer/aanbieders/{slug}"),
            ("beheer-gebruikers", "/beheer/gebruikers"),
            ("beheer-import", "/beheer/import"),
            ("beheer-import-wachttijden", "/beheer/import/wachttijden"),
            ("beheer-aanmeldingen", "/beheer/aanmeldingen"),
            ("beheer-tarieven", "/beheer/tarieven"),
            ("beheer-logboek", "/beheer/logboek"),
            ("beheer-zorglandschap", "/beheer/zorglandschap"),
            ("beheer-consultaties", "/beheer/consultaties"),
            ("beheer-hulp-importeren", "/beheer/hulp/importeren"),
        ],
    }


def test_elke_pagina_voor_professionals(browser, writable_server, small_world, backend):
    """Signed in once per role (a TOTP code counts once), then every page at every width."""
    with Session(small_world.engine) as db:
        slug = demo_aanbieder(db, clock.today()).slug
    problems = {}
    for rol, pages in professional_pages(slug).items():
        context = browser.new_context(viewport={"width": 375, "height": 900})
        page = context.new_page()
        if rol:
            enter_password(page, writable_server, rol)
            if rol == "beheerder":
                page.wait_for_url(f"{writable_server}/inloggen/code")
                for width in WIDTHS:  # the second step, at every width, before it is used
                    page.set_viewport_size({"width": width, "height": 900})
                    checks = Checks(page, width, f"{width}-{backend}")
                    checks.run("ingelogd-tweede-stap")
                    problems |= {(width, k): v for k, v in checks.problems.items()}
                page.get_by_label("Code uit de app").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
                page.get_by_role("button", name="Controleren").click()
            page.wait_for_load_state()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            checks = Checks(page, width, f"{width}-{backend}")
            for name, path in pages:
                page.goto(f"{writable_server}{path}")
                assert page.locator("html").get_attribute("lang") == "nl", path
                assert rol is None or "/inloggen" not in page.url, path  # still signed in
                checks.run(f"ingelogd-{name}")
            if rol == "aanbieder":  # the forms with an error summary
                page.goto(f"{writable_server}/aanbieder/profiel")
                page.get_by_label("Telefoonnummer").fill("12")
                page.get_by_role("button", name="Profiel opslaan").click()
                checks.run("ingelogd-aanbieder-profiel-fouten")
                page.goto(f"{writable_server}/aanbieder/wachttijden")
                page.get_by_label("Weken tot de start van de hulp").first.fill("veel")
                page.get_by_role("button", name="Opslaan en bevestigen").click()
                checks.run("ingelogd-aanbieder-wachttijden-fouten")
            problems |= {(width, k): v for k, v in checks.problems.items()}
        context.close()
    assert problems == {}


@pytest.mark.parametrize("taal", ["nl", "en"])
def test_de_storingspagina(browser, live_server, demo_world, taal, backend, monkeypatch):
    """The page shown while search cannot read its index (a 503), served in place of /zoeken."""

    def unreadable():
        raise IndexUnavailable("test")

    with TestClient(create_app(demo_world.settings(), engine=demo_world.engine)) as client:
        monkeypatch.setattr(client.app.state.site.index, "snapshot", unreadable)
        outage = client.get("/zoeken", params={"q": "autisme", "lang": taal})
    assert outage.status_code == 503
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.route(
        f"{live_server}/zoeken?storing",
        lambda route: route.fulfill(status=503, content_type="text/html", body=outage.text),
    )
    problems = {}
    for width in LOOKED_AT:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/zoeken?storing")
        assert page.locator("html").get_attribute("lang") == taal
        checks = Checks(page, width, f"{taal}-{width}-{backend}")
        checks.run("storing")
        problems |= {(width, k): v for k, v in checks.problems.items()}
    context.close()
    assert problems == {}
