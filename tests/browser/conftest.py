"""Browser fixtures: the real site in a uvicorn subprocess on 127.0.0.1, driven by Debian's Chromium."""

from __future__ import annotations

import time
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import sync_playwright

from keuzehulp import clock
from keuzehulp.serving import start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _serve(world):
    env = {
        "KEUZEHULP_DATABASE_URL": world.url,
        "KEUZEHULP_INDEX_DIR": str(world.index_dir),
        "KEUZEHULP_INDEX_POLL_SECONDS": "0",
        "KEUZEHULP_MAIL_SEND_SECONDS": "0",
        "KEUZEHULP_TODAY": clock.today().isoformat(),  # the server runs on the suite's clock
    }
    process, port = start_server("keuzehulp.web.asgi:app", env, timeout=60)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while httpx2.get(f"{base}/readyz", timeout=2).status_code != 200:
        assert time.monotonic() < deadline, "de testserver wordt niet klaar"
        time.sleep(0.2)
    return process, base


@pytest.fixture(scope="session")
def live_server(demo_world):
    """The site on the shared demo data set, as a real server process."""
    process, base = _serve(demo_world)
    yield base
    stop_server(process)


@pytest.fixture
def writable_server(small_world):
    """The site on a fresh small data set, for browser tests that change data."""
    process, base = _serve(small_world)
    yield base
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def settled(page, timeout: float = 5.0) -> None:
    """Wait until htmx has finished swapping and wiring new content (as a person would).

    Polled from Python: the site's CSP forbids the eval that wait_for_function would need.
    """
    busy = "!!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    deadline = time.monotonic() + timeout
    while page.evaluate(busy):
        assert time.monotonic() < deadline, "htmx is nog bezig"
        page.wait_for_timeout(20)
    page.wait_for_timeout(50)  # htmx's settle delay (20 ms) before new forms are processed


def answer_woonplaats(page, base_url: str, woonplaats: str) -> None:
    """Open the keuzehulp and answer its first question."""
    page.goto(f"{base_url}/keuzehulp")
    page.get_by_label("Waar woont u?").fill(woonplaats)
    page.get_by_role("button", name="Volgende vraag").click()
