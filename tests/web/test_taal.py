"""The English version: a language switch that keeps page and filters, and a complete catalog."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from keuzehulp.config import PROJECT_ROOT
from keuzehulp.i18n import LOCALE_DIR


def test_taal_wisselen_en_onthouden(small_client):
    english = small_client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Find help that suits you" in english.text
    assert english.headers["content-language"] == "en"
    assert "kh_taal=en" in english.headers["set-cookie"]
    again = small_client.get("/")
    assert "Find help that suits you" in again.text and 'hreflang="nl"' in again.text
    dutch = small_client.get("/", params={"lang": "nl"})
    assert '<html lang="nl">' in dutch.text and "Vind hulp die bij u past" in dutch.text


def test_wissel_houdt_pagina_en_filters(small_client):
    html = small_client.get("/zoeken", params={"gemeente": "enschede", "ob": "1", "lang": "en"}).text
    assert 'href="/zoeken?gemeente=enschede&amp;ob=1&amp;lang=nl"' in html
    dutch = small_client.get("/zoeken", params={"gemeente": "enschede", "ob": "1", "lang": "nl"}).text
    assert 'href="/zoeken?gemeente=enschede&amp;ob=1&amp;lang=en"' in dutch
    assert "Find a provider" in html and "Find a provider" not in dutch  # cached per language


def test_elke_gemarkeerde_tekst_heeft_een_engelse_vertaling():
    seed = "keuzehulp.i18n_extract:extract_seed"
    method_map = [
        ("templates/**.html", "jinja2"),
        ("keuzehulp/**.py", "python"),
        ("seed/twents_model.yaml", seed),
        ("seed/specialisaties.yaml", seed),
        ("seed/doelgroepen_talen.yaml", seed),
    ]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = extract_from_dir(PROJECT_ROOT, method_map, options, keywords=keywords)
    found = {message[0] if isinstance(message, tuple) else message for _, _, message, _, _ in extracted}
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert found and found <= translated, sorted(found - translated)


def test_zoekpagina_in_het_engels(small_client):
    html = small_client.get(
        "/zoeken", params={"gemeente": "enschede", "max_wachttijd": "4", "lang": "en"}
    ).text
    assert "providers found" in html or "provider found" in html
    assert "Kind of help (ondersteuningsbehoefte)" in html and "At most 4 weeks" in html
    assert (
        "OB1: Practical support" in html and "Level (niveau)" in html and "Young people (12-18 years)" in html
    )
    assert "Random order, so that no provider gets priority." in html
    dutch = small_client.get(
        "/zoeken", params={"gemeente": "enschede", "max_wachttijd": "4", "lang": "nl"}
    ).text
    assert "Hooguit 4 weken" in dutch and "Willekeurige volgorde" in dutch


def test_profiel_in_het_engels(demo_client, demo_world):
    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder

    with Session(demo_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    html = demo_client.get(f"/aanbieders/{slug}", params={"lang": "en"}).text
    demo_client.get("/", params={"lang": "nl"})  # the shared client goes back to Dutch
    assert "What does this provider have a contract for?" in html and "Back to search" in html
    assert "Practical support" in html and "Waarvoor heeft deze aanbieder" not in html


def test_keuzehulp_in_het_engels(small_client):
    first = small_client.get("/keuzehulp", params={"lang": "en"}).text
    assert "Which help suits you?" in first and "Where do you live?" in first and "Step 1 of 5" in first
    wrong = small_client.get("/keuzehulp", params={"woonplaats": "Atlantis"})
    assert wrong.status_code == 400 and "We do not know &#39;Atlantis&#39;" in wrong.text
    second = small_client.get("/keuzehulp", params={"woonplaats": "Delden"}).text
    assert (
        "Who are you looking for help for?" in second and "Delden belongs to the municipality" not in second
    )
    assert "A child or young person under 18" in second and "Your choices" in second


def test_vertalingen_hebben_dezelfde_invulplekken():
    """A translation with a missing or misspelt %(name)s would lose a value or fail at run time."""
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        wrong += [ids[0] for s in strings if set(placeholder.findall(s)) != expected]
    assert not wrong, wrong
