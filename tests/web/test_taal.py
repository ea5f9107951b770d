"""The English version: a language switch that keeps page and filters, and a complete catalog."""

from __future__ import annotations

import re

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
        ("seed/regio/*/inkoopmodel.yaml", seed),
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
    assert "Kind of help (ondersteuningsbehoefte)" in html and "Within 4 weeks" in html
    assert (
        "OB1: Practical support" in html and "Level (niveau)" in html and "Young people (12-18 years)" in html
    )
    assert "Random order, so that no provider gets priority." in html
    dutch = small_client.get(
        "/zoeken", params={"gemeente": "enschede", "max_wachttijd": "4", "lang": "nl"}
    ).text
    assert "Binnen 4 weken" in dutch and "Willekeurige volgorde" in dutch


def test_profiel_in_het_engels(demo_client, demo_world):
    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder

    with Session(demo_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
    html = demo_client.get(f"/aanbieders/{slug}", params={"lang": "en"}).text
    demo_client.get("/", params={"lang": "nl"})  # the shared client goes back to Dutch
    assert "What does this provider have a contract for?" in html and "Back to search" in html
    assert "Practical support" in html and "Waarvoor heeft deze aanbieder" not in html


def test_engelse_teksten_zeggen_provider_en_municipality(small_client, small_world):
    """One English term each, as most of the catalog has it: 'provider' and 'municipality' (Dutch
    names stay only as an explanation in brackets); 'wijkteam' is the domain term itself."""
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    dutch = re.compile(r"\b(aanbieder|gemeente)", re.I)
    mixed = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if dutch.search(re.sub(r"\([^)]*\)|%\(\w+\)s", "", text))
    ]
    assert mixed == []
    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder

    with Session(small_world.engine) as session:
        aanbieder = session.exec(select(Aanbieder).where(Aanbieder.status == "actief")).first()
    html = small_client.get(f"/aanbieders/{aanbieder.slug}", params={"lang": "en"}).text
    assert "Usually the wijkteam (neighbourhood team) of your municipality arranges the help" in html
    assert "The provider wrote this themselves (in Dutch):" in html
    assert f'<p lang="nl">{aanbieder.beschrijving}</p>' in html.replace("&#39;", "'")
    dutch_page = small_client.get(f"/aanbieders/{aanbieder.slug}", params={"lang": "nl"}).text
    assert "in het Nederlands:" not in dutch_page


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


def _active_slugs(world, count: int) -> list[str]:
    from sqlmodel import Session, select

    from keuzehulp.models import Aanbieder

    with Session(world.engine) as session:
        query = select(Aanbieder.slug).where(Aanbieder.status == "actief").order_by(Aanbieder.slug)
        return list(session.exec(query.limit(count)))


def test_vergelijking_in_het_engels(small_client, small_world):
    first, second = _active_slugs(small_world, 2)
    html = small_client.get(
        "/vergelijken", params=[("a", first), ("a", second), ("a", first), ("lang", "en")]
    ).text
    assert "Compare providers" in html and "You named a provider twice; we show it once." in html
    for row in ("Waiting time", "Specialisms", "Languages", "Housing and residential care", "Distance"):
        assert f'<th scope="row">{row}' in html
    assert "Wachttijd" not in html and "Ambulante spoedhulp<" not in html


def test_vergelijklijst_meldingen_in_het_engels(small_client, small_world):
    from tests.support.accounts import post_form

    [slug] = _active_slugs(small_world, 1)
    small_client.get("/", params={"lang": "en"})
    added = post_form(
        small_client,
        "/vergelijken/lijst",
        {"slug": slug, "actie": "toevoegen", "terug": "/zoeken"},
        token_page="/zoeken",
        headers={"HX-Request": "true"},
    )
    assert "is now in your comparison (1 of 4)." in added.text and "Compare (" in added.text


def test_uitleg_en_informatiepaginas_in_het_engels(small_client):
    small_client.get("/", params={"lang": "en"})
    uitleg = small_client.get("/uitleg").text
    assert "Kind of help (ondersteuningsbehoefte, OB)" in uitleg and "OB1: Practical support" in uitleg
    assert "Achter de soort hulp" not in uitleg
    assert "In what order are the providers shown?" in small_client.get("/over").text
    assert "Which cookies do we use?" in small_client.get("/privacy").text
    assert "We follow the WCAG 2.1 guidelines" in small_client.get("/toegankelijkheid").text
    open_data = small_client.get("/open-data/").text
    assert "What do we publish?" in open_data and 'id="english"' not in open_data
    missing = small_client.get("/bestaat-niet")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_zoekfouten_en_versoepelingen_in_het_engels(small_client):
    small_client.get("/", params={"lang": "en"})
    wrong = small_client.get("/zoeken", params={"ob": "9"})
    assert wrong.status_code == 400 and "(kind of help) &#39;9&#39; does not exist" in wrong.text
    empty = small_client.get("/zoeken", params={"q": "xyzzyonbekend", "gemeente": "enschede"}).text
    assert "without the search words &#39;xyzzyonbekend&#39;" in empty
    cards = small_client.get("/zoeken", params={"gemeente": "enschede", "ob": "1"}).text
    assert "Contracted in Enschede" in cards and "Gecontracteerd" not in cards


def test_voorkeur_formulier_en_fouten_in_het_engels(small_client, small_world):
    from tests.support.accounts import post_form

    [slug] = _active_slugs(small_world, 1)
    page = f"/aanbieders/{slug}/voorkeur"
    small_client.get("/", params={"lang": "en"})
    form = small_client.get(page).text
    assert "What happens to your details?" in form and "Send to the wijkteam" in form
    refused = post_form(small_client, page, {"naam": "", "telefoon": "12", "gemeente": ""}, token_page=page)
    assert refused.status_code == 400
    for message in (
        "Fill in your name",
        "A phone number has 10 digits",
        "Choose the municipality where you live.",
        "Give permission to send your details",
        "Something is not right",
    ):
        assert message in refused.text, message


def test_paginas_voor_medewerkers_blijven_nederlands(small_client):
    small_client.get("/", params={"lang": "en"})
    login_page = small_client.get("/inloggen")
    assert '<html lang="nl">' in login_page.text and 'id="taal-wissel"' not in login_page.text
    assert login_page.headers["content-language"] == "nl"
    assert small_client.get("/aanmelden", params={"lang": "en"}).headers["content-language"] == "nl"
    assert '<html lang="en">' in small_client.get("/").text  # the choice is kept for public pages


def test_taalwissel_volgt_htmx_stappen_en_filters(small_client):
    step = small_client.get(
        "/keuzehulp", params={"woonplaats": "Delden", "lang": "nl"}, headers={"HX-Request": "true"}
    ).text
    switch = re.search(r'<a id="taal-wissel" href="([^"]+)"[^>]*hx-swap-oob="true"', step)
    assert switch and switch.group(1) == "/keuzehulp?woonplaats=Delden&amp;stap=2&amp;lang=en"
    fragment = small_client.get(
        "/zoeken", params={"gemeente": "enschede", "ob": "2"}, headers={"HX-Request": "true"}
    ).text
    assert 'id="taal-wissel" href="/zoeken?gemeente=enschede&amp;ob=2&amp;lang=en" hreflang="en"' in fragment
    full = small_client.get("/zoeken", params={"gemeente": "enschede"}).text
    assert full.count('id="taal-wissel"') == 1


def test_onverwachte_fout_in_de_taal_van_de_bezoeker(small_world, monkeypatch):
    """A 500 is rendered outside the language middleware; it still follows the visitor's language."""
    from starlette.testclient import TestClient

    from keuzehulp.services import guided_questions as kh
    from keuzehulp.web.app import create_app

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(kh, "parse_antwoorden", broken)
    app = create_app(small_world.settings(), engine=small_world.engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        english = client.get("/keuzehulp", params={"lang": "en"})
        dutch = client.get("/keuzehulp", params={"lang": "nl"})
    assert english.status_code == 500 and "Something went wrong on our side" in english.text
    assert '<html lang="en">' in english.text and "kapot" not in english.text
    assert dutch.status_code == 500 and "Er ging bij ons iets mis" in dutch.text
