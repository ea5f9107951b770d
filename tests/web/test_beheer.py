"""Beheer: suspend (search follows at once), imports through the web, applications, users,
tarieven (per perceel) and the budget calculator, the audit log; a wijkteam sees only its own
gemeenten, with jeugd and Wmo apart."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from sqlmodel import Session, create_engine, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.db import session_scope
from keuzehulp.domain.changelog import record_change
from keuzehulp.domain.twents_model import PERCEEL_OBS
from keuzehulp.models import (
    Aanbieder,
    Aanmelding,
    AuditRegel,
    Contract,
    Gebruiker,
    Gemeente,
    Tarief,
    UitgaandBericht,
)
from keuzehulp.services.aanbieders import AanbiederData, ContractLine, create_aanbieders
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.demo_accounts import demo_aanbieder
from keuzehulp.services.mail import send_pending
from keuzehulp.services.tarieven import add_tarief
from keuzehulp.web.app import create_app
from tests.support.accounts import DEMO, PASSWORD, add_user, csrf_token, login, login_as, post_form
from tests.support.world import build_world


def _active_slug(world) -> str:
    with Session(world.engine) as db:
        return db.exec(
            select(Aanbieder.slug).where(Aanbieder.status == "actief").order_by(Aanbieder.id)
        ).first()


def _public_names(client) -> set[str]:
    """The names of every aanbieder in search without filters that is also in the HSDS export."""
    search = client.get("/api/v1/aanbieders", params={"per_page": 100}).json()
    hsds = client.get("/open-data/hsds/organizations", params={"per_page": 100}).json()
    assert search["total"] <= 100 and hsds["total_items"] <= 100
    return {r["naam"] for r in search["results"]} & {o["name"] for o in hsds["contents"]}


def test_opschorten_haalt_de_aanbieder_direct_uit_zoeken_met_reden_in_het_logboek(small_client, small_world):
    slug = _active_slug(small_world)
    before = small_client.get("/api/v1/aanbieders", params={"per_page": 100}).json()
    assert before["total"] <= 100  # one page holds every aanbieder, whatever the neutral order
    assert slug in [r["slug"] for r in before["results"]]
    login_as(small_client, "beheerder")
    page = f"/beheer/aanbieders/{slug}"
    no_reason = post_form(
        small_client, f"{page}/status", {"status": "beeindigd", "reden": ""}, token_page=page
    )
    assert no_reason.status_code == 400 and "Schrijf de reden op" in no_reason.text
    assert 'value="beeindigd" checked' in no_reason.text  # the chosen status is kept
    assert 'value="opgeschort" checked' not in no_reason.text
    assert "Kies een nieuwe status" not in no_reason.text
    done = post_form(
        small_client,
        f"{page}/status",
        {"status": "opgeschort", "reden": "Onderzoek kwaliteit"},
        token_page=page,
    )
    assert done.status_code == 303
    api = small_client.get("/api/v1/aanbieders", params={"per_page": 100}).json()
    assert slug not in [r["slug"] for r in api["results"]] and api["total"] == before["total"] - 1
    assert small_client.get(f"/aanbieders/{slug}").status_code == 410
    log = small_client.get("/beheer/logboek", params={"q": slug}).text
    assert "status opgeschort" in log and "Onderzoek kwaliteit" in log
    csv_text = small_client.get("/beheer/logboek.csv", params={"q": slug}).text
    assert csv_text.splitlines()[0] == "tijdstip;wie;actie;object;id;omschrijving;voor;na"
    assert "Onderzoek kwaliteit" in csv_text and DEMO["beheerder"].email in csv_text


def test_status_zonder_keuze_en_zonder_reden_meldt_beide_bij_het_veld(small_client, small_world):
    slug = _active_slug(small_world)
    login_as(small_client, "beheerder")
    page = f"/beheer/aanbieders/{slug}"
    fieldset = re.compile(r'<fieldset class="facet" id="status".*?</fieldset>', re.S)
    assert " checked" not in fieldset.search(small_client.get(page).text)[0]  # no status chosen for you
    nothing = post_form(small_client, f"{page}/status", {"reden": ""}, token_page=page)
    assert nothing.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', nothing.text, re.S)[0]
    assert '<a href="#status">Kies een nieuwe status.</a>' in summary
    assert '<a href="#reden">Schrijf de reden op' in summary
    status = fieldset.search(nothing.text)[0]
    assert 'aria-invalid="true"' in status and 'id="status-fout"' in status
    assert "Kies een nieuwe status." in status and 'id="reden-fout"' in nothing.text
    kept = post_form(small_client, f"{page}/status", {"reden": "Onderzoek kwaliteit"}, token_page=page)
    assert kept.status_code == 400 and "Kies een nieuwe status." in kept.text
    assert ">Onderzoek kwaliteit</textarea>" in kept.text and "Schrijf de reden op" not in kept.text
    same = post_form(small_client, f"{page}/status", {"status": "actief", "reden": "x"}, token_page=page)
    assert same.status_code == 400 and "Kies een nieuwe status." in same.text  # already actief
    with Session(small_world.engine) as db:
        assert db.exec(select(Aanbieder.status).where(Aanbieder.slug == slug)).one() == "actief"


def test_import_via_de_website_met_controle_en_verwerken(small_client, small_world):
    login_as(small_client, "beheerder")
    bad = (
        b"kvk;naam;gemeente;perceel;ob;niveau;dakje;geldig_vanaf;geldig_tot\n"
        + b"1;X;GM0158;jeugd;1;A;;2026-01-01;\n"
    )
    token = csrf_token(small_client, "/beheer/import")
    upload = small_client.post(
        "/beheer/import",
        data={"soort": "contracten", "csrf_token": token},
        files={"bestand": ("register.csv", bad, "text/csv")},
        follow_redirects=False,
    )
    assert upload.status_code == 303
    report = small_client.get(upload.headers["location"])
    assert "Regel 2: Een KvK-nummer heeft 8 cijfers" in report.text and "Verwerken" not in report.text
    refused = post_form(small_client, upload.headers["location"] + "/toepassen", token_page="/beheer/import")
    assert refused.status_code == 400
    sample = (PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv").read_bytes()
    token = csrf_token(small_client, "/beheer/import")
    upload = small_client.post(
        "/beheer/import",
        data={"soort": "contracten", "csrf_token": token},
        files={"bestand": ("voorbeeld.csv", sample, "text/csv")},
        follow_redirects=False,
    )
    plan_url = upload.headers["location"]
    plan = small_client.get(plan_url).text
    assert "7 nieuw" in plan and "Per gemeente" in plan
    assert plan.index("Per gemeente") < plan.index("Verwerken") < plan.index("<summary>Nieuw (7)")
    unconfirmed = post_form(small_client, plan_url + "/toepassen", token_page=plan_url)
    assert unconfirmed.status_code == 400 and "Zet een vinkje" in unconfirmed.text
    applied = post_form(
        small_client, plan_url + "/toepassen", {"bevestig_beeindigen": "ja"}, token_page=plan_url
    )
    assert applied.status_code == 303
    assert "Import verwerkt: 7 toegevoegd" in small_client.get(plan_url).text
    hits = small_client.get(
        "/api/v1/aanbieders", params={"gemeente": "haaksbergen", "q": "Voorbeeld Jeugdhulp"}
    ).json()
    assert "voorbeeld-jeugdhulp-haaksbergen" in [r["slug"] for r in hits["results"]]


@pytest.mark.parametrize(
    ("soort", "header", "missing"),
    [
        ("contracten", "gemeente;naam;kvk", "perceel, ob, niveau, geldig_vanaf"),
        ("resultaten", "kvk;periode;indicator", "teller, noemer"),
    ],
)
def test_bestand_met_alleen_kolomnamen_zegt_dat_er_geen_regels_zijn(small_client, soort, header, missing):
    login_as(small_client, "beheerder")

    def report(content: str) -> str:
        token = csrf_token(small_client, "/beheer/import")
        upload = small_client.post(
            "/beheer/import",
            data={"soort": soort, "csrf_token": token},
            files={"bestand": ("register.csv", content.encode(), "text/csv")},
            follow_redirects=False,
        )
        return small_client.get(upload.headers["location"]).text

    only_header = report(header + "\n")
    assert "Regel 1: Het bestand heeft kolomnamen maar geen regels." in only_header
    assert f"Regel 1: Deze kolommen ontbreken: {missing}." in only_header
    one_row = report(header + "\n" + ";".join("x" * len(header.split(";"))) + "\n")
    assert "geen regels" not in one_row and f"Deze kolommen ontbreken: {missing}." in one_row
    all_columns = report(SAMPLE_HEADER[soort] + "\n")
    assert "geen regels" in all_columns and "ontbreken" not in all_columns


SAMPLE_HEADER = {
    "contracten": "kvk;naam;gemeente;perceel;ob;niveau;dakje;geldig_vanaf;geldig_tot",
    "resultaten": "kvk;periode;indicator;teller;noemer",
}


def test_upload_zonder_bestand_geeft_een_melding(small_client):
    login_as(small_client, "beheerder")
    response = post_form(small_client, "/beheer/import", {"soort": "contracten"}, token_page="/beheer/import")
    assert response.status_code == 400 and "Kies een bestand." in response.text


def test_aanmelding_is_pas_openbaar_na_accepteren(small_client, small_world):
    data = {
        "naam": "Nieuwe Zorg Twente",
        "kvk": "87654321",
        "contactpersoon": "Iemand",
        "email": "iemand@nieuwezorg.example",
    }
    bad = post_form(small_client, "/aanmelden", data | {"kvk": "12"}, token_page="/aanmelden")
    assert bad.status_code == 400 and "8 cijfers" in bad.text and 'value="Nieuwe Zorg Twente"' in bad.text
    assert post_form(small_client, "/aanmelden", data, token_page="/aanmelden").status_code == 200
    assert small_client.get("/aanbieders/nieuwe-zorg-twente").status_code == 404
    login_as(small_client, "beheerder")
    with Session(small_world.engine) as db:
        application = db.exec(select(Aanmelding).where(Aanmelding.kvk == "87654321")).one()
    response = post_form(
        small_client,
        f"/beheer/aanmeldingen/{application.id}",
        {"besluit": "accepteren"},
        token_page="/beheer/aanmeldingen",
    )
    assert response.status_code == 303
    # Accepted is not contracted: nothing is public until a contract line names the aanbieder.
    assert small_client.get("/aanbieders/nieuwe-zorg-twente").status_code == 410
    assert small_client.get("/api/v1/aanbieders/nieuwe-zorg-twente").status_code == 410
    assert "Nee: er is geen lopend contract" in small_client.get("/beheer/aanbieders/nieuwe-zorg-twente").text
    assert "Nieuwe Zorg Twente" not in _public_names(small_client)
    with Session(small_world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).where(Aanbieder.kvk == "87654321")).one()
        db.add(
            Contract(
                aanbieder_id=aanbieder.id,
                gemeente_id=db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one(),
                perceel="wmo",
                product="1",
                variant="A",
                geldig_vanaf=clock.today(),
            )
        )
        record_change(db, aanbieder.id, "contractregister")
        db.commit()
    small_client.app.state.site.index.sync()
    assert small_client.get("/aanbieders/nieuwe-zorg-twente").status_code == 200
    assert "Nieuwe Zorg Twente" in _public_names(small_client)
    with Session(small_world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == "iemand@nieuwezorg.example")).one()
        assert user.rol == "aanbieder"
        mails = db.exec(select(UitgaandBericht.onderwerp).where(UitgaandBericht.aan == user.email)).all()
    assert "Uw account voor Keuzehulp Twente" in mails


def test_gebruiker_uitnodigen_en_de_mail_komt_als_eml_bestand(small_client, small_world, tmp_path):
    login_as(small_client, "beheerder")
    missing = post_form(
        small_client,
        "/beheer/gebruikers",
        {"email": "nieuw@wijkteam.example", "rol": "wijkteam"},
        token_page="/beheer/gebruikers",
    )
    assert missing.status_code == 400 and "minstens één gemeente" in missing.text
    assert 'value="nieuw@wijkteam.example"' in missing.text
    ok = post_form(
        small_client,
        "/beheer/gebruikers",
        {"email": "nieuw@wijkteam.example", "rol": "wijkteam", "gemeenten": ["GM0164"]},
        token_page="/beheer/gebruikers",
    )
    assert ok.status_code == 303
    with Session(small_world.engine) as db:
        new_id = db.exec(select(Gebruiker.id).where(Gebruiker.email == "nieuw@wijkteam.example")).one()
    again = post_form(
        small_client, f"/beheer/gebruikers/{new_id}/uitnodigen", token_page="/beheer/gebruikers"
    )
    assert again.status_code == 303
    settings = small_world.settings(mail_dir=tmp_path)
    sent, failed = send_pending(small_world.engine, settings)
    assert sent >= 1 and failed == 0
    messages = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(tmp_path.glob("*.eml"))
    ]
    invitation = [m.get_content() for m in messages if m["To"] == "nieuw@wijkteam.example"]
    links = [re.search(r"/wachtwoord/instellen/[A-Za-z0-9_-]+", text).group(0) for text in invitation]
    assert len(links) == 2 and "[verborgen]" not in "".join(links)
    assert small_client.get(links[0]).status_code == 400  # the new invitation replaced the first link
    assert small_client.get(links[1]).status_code == 200
    with Session(small_world.engine) as db:
        stored = db.exec(select(UitgaandBericht).where(UitgaandBericht.aan == "nieuw@wijkteam.example")).all()
    assert all(m.verzonden_op is not None and "/wachtwoord/instellen/[verborgen]" in m.tekst for m in stored)


def test_mislukte_mail_blijft_staan_en_wordt_later_opnieuw_geprobeerd(small_world, tmp_path, monkeypatch):
    from keuzehulp.services import mail

    with Session(small_world.engine) as db:
        mail.queue_mail(db, "a@example.nl", "Onderwerp", "Tekst")
        db.commit()
    monkeypatch.setattr(mail, "deliver", lambda *a: (_ for _ in ()).throw(OSError("smtp weg")))
    assert mail.send_pending(small_world.engine, small_world.settings(mail_dir=tmp_path))[1] >= 1
    assert mail.send_pending(small_world.engine, small_world.settings(mail_dir=tmp_path)) == (0, 0)  # waits
    monkeypatch.undo()
    with Session(small_world.engine) as db:
        row = db.exec(select(UitgaandBericht).where(UitgaandBericht.aan == "a@example.nl")).one()
        assert row.verzonden_op is None and row.pogingen == 1 and row.laatste_fout == "OSError"
        row.volgende_poging = row.created_at
        db.add(row)
        db.commit()
    assert mail.send_pending(small_world.engine, small_world.settings(mail_dir=tmp_path))[0] >= 1


def test_herinneringen_zijn_idempotent(small_world):
    """Ten weeks on, every demo aanbieder's figures and profile are due: one e-mail each, with the
    link to its wachttijden where it has figures; a second run the same day or later sends nothing.
    (Timing per figure: tests/unit/test_meldingen.py.)"""
    from keuzehulp.queries.beschikbaarheid import states
    from keuzehulp.services.jobs import queue_reminders

    later = clock.today() + timedelta(weeks=10)
    with Session(small_world.engine) as db:
        with_figures = set(states(db))
        first = queue_reminders(db, later, "http://test")
        db.commit()
        mails = db.exec(select(UitgaandBericht).where(UitgaandBericht.onderwerp.contains("nog?"))).all()
        second = queue_reminders(db, later, "x") + queue_reminders(db, later + timedelta(days=3), "x")
    assert first > 0 and second == 0
    assert len(mails) >= first and all("http://test/aanbieder/profiel" in m.tekst for m in mails)
    assert with_figures and sum("http://test/aanbieder/wachttijden" in m.tekst for m in mails) >= 1


def test_tarieven_en_budget_voor_het_wijkteam(small_client, small_world):
    login_as(small_client, "beheerder")
    overlap = post_form(
        small_client,
        "/beheer/tarieven",
        {"perceel": "wmo", "code": "ob:1A", "bedrag": "60,00", "vanaf": "2026-06-01"},
        token_page="/beheer/tarieven",
    )
    assert overlap.status_code == 400 and "Er is al een tarief voor Wmo OB1 niveau A" in overlap.text
    bad = post_form(
        small_client,
        "/beheer/tarieven",
        {"code": "ob:1E", "bedrag": "abc", "vanaf": ""},
        token_page="/beheer/tarieven",
    )
    assert bad.status_code == 400 and "geen bedrag" in bad.text and "Kies de datum" in bad.text
    with Session(small_world.engine) as db:
        running = db.exec(select(Tarief).where(Tarief.geldig_tot.is_(None))).first()
    too_early = (running.geldig_vanaf - timedelta(days=1)).isoformat()
    refused = post_form(
        small_client,
        f"/beheer/tarieven/{running.id}/einde",
        {"tot": too_early},
        token_page="/beheer/tarieven",
    )
    assert refused.status_code == 400 and "De einddatum ligt voor de begindatum." in refused.text
    assert f'value="{too_early}" aria-invalid="true"' in refused.text  # the typed date is kept
    with Session(small_world.engine) as db:
        assert db.get(Tarief, running.id).geldig_tot is None
        aanbieder = demo_aanbieder(db, clock.today())
        tarieven = db.exec(select(Tarief).where(Tarief.soort == "ob")).all()
        hourly = {f"ob-{t.perceel}-{t.code}": t.bedrag_centen for t in tarieven}
    small_client.cookies.clear()
    assert (
        "Budget berekenen" not in small_client.get(f"/aanbieders/{aanbieder.slug}").text
    )  # not for inwoners
    login_as(small_client, "wijkteam")
    html = small_client.get(f"/aanbieders/{aanbieder.slug}").text
    code = re.search(r'<option value="(ob-(?:jeugd|wmo)-\d[A-E])"', html).group(1)
    result = small_client.get(
        f"/aanbieders/{aanbieder.slug}", params={"budget_code": code, "uren": "3", "weken": "10"}
    )
    cents = hourly[code] * 30
    expected = f"€ {cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"
    assert f"Budget: <strong>{expected}</strong>" in result.text


def test_tarief_voor_wmo_ob3_of_een_dakje_met_perceel_wordt_geweigerd(small_client, small_world):
    login_as(small_client, "beheerder")
    page = small_client.get("/beheer/tarieven").text
    assert "Jeugd OB1 niveau A" in page and "Wmo OB2 niveau D" in page and "Wmo OB3" not in page
    wmo_ob3 = post_form(
        small_client,
        "/beheer/tarieven",
        {"perceel": "wmo", "code": "ob:3A", "bedrag": "91,50", "vanaf": "2030-01-01"},
        token_page="/beheer/tarieven",
    )
    assert wmo_ob3.status_code == 400
    assert "Ondersteuningsbehoefte 3 bestaat alleen voor jeugd, niet voor Wmo." in wmo_ob3.text
    assert '<option value="wmo" selected>' in wmo_ob3.text  # every typed value is kept
    assert '<option value="ob:3A" selected>' in wmo_ob3.text
    assert 'value="91,50"' in wmo_ob3.text and 'value="2030-01-01"' in wmo_ob3.text
    assert 'id="perceel" name="perceel" aria-describedby="perceel-hint perceel-fout" aria-invalid="true"' in (
        wmo_ob3.text
    )
    refusals = {
        ("", "ob:1A"): "Kies bij een OB het perceel: jeugd of Wmo.",
        ("jeugd", "dakje:1"): "Een dakje heeft één tarief, voor jeugd en Wmo samen.",
    }
    for (perceel, code), message in refusals.items():
        data = {"perceel": perceel, "code": code, "bedrag": "10", "vanaf": "2030-01-01"}
        refused = post_form(small_client, "/beheer/tarieven", data, token_page="/beheer/tarieven")
        assert refused.status_code == 400 and message in refused.text
    with Session(small_world.engine) as db:
        assert not db.exec(select(Tarief).where(Tarief.geldig_vanaf >= date(2030, 1, 1))).all()
        demo = {(t.perceel, t.code[0]) for t in db.exec(select(Tarief).where(Tarief.soort == "ob"))}
    assert demo == set(PERCEEL_OBS)  # demo tarieven: jeugd OB1-OB4 and Wmo OB1-OB2


@contextmanager
def _wijkteam_in_enschede(world, aanbieders: list[AanbiederData]):
    """A client signed in as a wijkteam for Enschede, on a world with just these aanbieders."""
    with session_scope(world.engine) as session:
        create_aanbieders(session, aanbieders)
    world.index.rebuild()
    add_user(world, "wijkteam@example.nl", "wijkteam", gemeente="GM0153")
    with TestClient(create_app(world.settings(), engine=world.engine)) as client:
        assert login(client, "wijkteam@example.nl", PASSWORD).status_code == 303
        yield client


def _contracted(slug: str, *lines: tuple[str, str, str]) -> AanbiederData:
    since = clock.today() - timedelta(days=30)
    contracten = [ContractLine("GM0153", perceel, ob, niveau, since) for perceel, ob, niveau in lines]
    return AanbiederData(slug=slug, naam=slug.title(), kvk="12345678", contracten=contracten)


def test_budget_gebruikt_het_tarief_van_het_perceel(empty_world):
    since = clock.today() - timedelta(days=30)
    with session_scope(empty_world.engine) as session:
        add_tarief(session, SYSTEM, "ob", "jeugd", "1A", 50_00, since, None)
        add_tarief(session, SYSTEM, "ob", "wmo", "1A", 40_00, since, None)
    beide = _contracted("beide", ("jeugd", "1", "A"), ("wmo", "1", "A"))
    with _wijkteam_in_enschede(empty_world, [beide]) as client:
        html = client.get("/aanbieders/beide").text
        assert "Jeugd OB1 niveau A (praktische ondersteuning), per uur: € 50,00" in html
        assert "Wmo OB1 niveau A (praktische ondersteuning), per uur: € 40,00" in html
        budgets = {
            code: client.get(
                "/aanbieders/beide", params={"budget_code": code, "uren": "3", "weken": "10"}
            ).text
            for code in ("ob-jeugd-1A", "ob-wmo-1A")
        }
    assert "Budget: <strong>€ 1.500,00</strong>" in budgets["ob-jeugd-1A"]
    assert "Budget: <strong>€ 1.200,00</strong>" in budgets["ob-wmo-1A"]


def test_wijkteam_telt_jeugd_en_wmo_apart(empty_world):
    aanbieders = [_contracted("jeugd", ("jeugd", "1", "A")), _contracted("wmo", ("wmo", "1", "A"))]
    with _wijkteam_in_enschede(empty_world, aanbieders) as client:
        html = client.get("/wijkteam").text
    links = re.findall(
        r'<a class="tag" href="/zoeken\?gemeente=enschede&amp;perceel=([^"]+)">[^<:]+: (\d+)</a>', html
    )
    counts = {query.replace("&amp;", "&"): int(count) for query, count in links}
    assert counts["jeugd&ob=1&niveau=A"] == 1 and counts["wmo&ob=1&niveau=A"] == 1  # not 2 and 2
    assert counts["jeugd&ob=1&niveau=B"] == 0 and counts["dyslexie"] == 0
    assert len(counts) == 15 + 8 + 1  # jeugd OB1-OB4, Wmo OB1-OB2 with their niveaus, and dyslexie
    assert not any(query.startswith(("wmo&ob=3", "wmo&ob=4")) for query in counts)
    assert "Volwassenen (Wmo)" in html and "Wmo OB1: Praktische ondersteuning" in html


def test_een_wijkteam_in_nijmegen_telt_per_perceel_en_product_van_zijn_regio(database_factory, tmp_path):
    world = build_world(database_factory.new_url(), tmp_path / "index", regios=("twente", "nijmegen"))
    since = clock.today() - timedelta(days=30)
    ggz = AanbiederData(
        slug="ggz",
        naam="Ggz",
        kvk="12345678",
        contracten=[ContractLine("GM0268", "jeugd", "jeugd-ggz", None, since)],
    )
    with session_scope(world.engine) as session:
        create_aanbieders(session, [ggz])
    world.index.rebuild()
    add_user(world, "wijkteam@nijmegen.example", "wijkteam", gemeente="GM0268")
    with TestClient(create_app(world.settings(), engine=world.engine)) as client:
        assert login(client, "wijkteam@nijmegen.example", PASSWORD).status_code == 303
        html = client.get("/wijkteam").text
    world.engine.dispose()
    links = re.findall(
        r'<a class="tag" href="/zoeken\?gemeente=nijmegen&amp;perceel=([^"]+)">aanbieders: (\d+)</a>', html
    )
    counts = {query.replace("&amp;", "&"): int(count) for query, count in links}
    assert counts["jeugd&ob=jeugd-ggz"] == 1 and counts["wmo&ob=wmo-begeleiding"] == 0
    text = re.sub(r'value="[^"]*"', "", html)  # not the random CSRF token, which may hold 'OB'
    assert len(counts) == 3 + 6 and "niveau" not in text and "OB" not in text
    assert "Kinderen en jongeren (jeugdhulp)" in html and "Jeugdhulp: GGZ" in html and "per product." in html


def test_wijkteam_ziet_alleen_de_eigen_gemeenten(small_client):
    login_as(small_client, "wijkteam")
    own = small_client.get("/wijkteam", params={"gemeente": "GM0153"})
    assert own.status_code == 200 and "Enschede" in own.text
    assert small_client.get("/wijkteam", params={"gemeente": "GM0164"}).status_code == 403


def test_beheeracties_staan_in_het_logboek(small_client, small_world):
    login_as(small_client, "beheerder")
    post_form(
        small_client,
        "/beheer/tarieven",
        {"code": "dakje:1", "bedrag": "1", "vanaf": "2020-01-01", "tot": "2020-12-31"},
        token_page="/beheer/tarieven",
    )
    with Session(small_world.engine) as db:
        actions = set(db.exec(select(AuditRegel.actie)))
    assert {"ingelogd", "tarief toegevoegd", "demo-account aangemaakt"} <= actions


def test_een_bericht_dat_een_ander_proces_verstuurt_wordt_overgeslagen(small_world, tmp_path, backend):
    """Two app processes share the outbox: a row claimed by one is skipped by the other."""
    from keuzehulp.services import mail

    if backend != "postgresql":
        pytest.skip("SQLite has a single writer; row claims need PostgreSQL")
    with Session(small_world.engine) as db:
        for address in ("een@example.nl", "twee@example.nl"):
            mail.queue_mail(db, address, "Onderwerp", "Tekst")
        db.commit()
    settings = small_world.settings(mail_dir=tmp_path)
    # A sender that waits at most 2 s for a lock: without SKIP LOCKED it fails instead of hanging.
    impatient = create_engine(small_world.url, connect_args={"options": "-c lock_timeout=2000"})
    with Session(small_world.engine) as other:  # the other process holds the first due message
        claimed = other.exec(
            select(UitgaandBericht)
            .where(UitgaandBericht.verzonden_op.is_(None))
            .order_by(UitgaandBericht.id)
            .limit(1)
            .with_for_update()
        ).one()
        claimed_id = claimed.id
        sent, _ = mail.send_pending(impatient, settings)
        other.rollback()
    impatient.dispose()
    with Session(small_world.engine) as db:
        still_due = db.exec(select(UitgaandBericht.id).where(UitgaandBericht.verzonden_op.is_(None))).all()
    assert sent >= 1 and still_due == [claimed_id]


def test_aanbieder_account_kiezen_op_naam_of_kvk(small_client, small_world):
    with Session(small_world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).order_by(Aanbieder.naam)).first()
        namesake_count = len(db.exec(select(Aanbieder).where(Aanbieder.naam == aanbieder.naam)).all())
    login_as(small_client, "beheerder")
    form = small_client.get("/beheer/gebruikers").text
    assert f'<option value="{aanbieder.slug}">{aanbieder.naam}</option>' in form  # the datalist
    by_name = post_form(
        small_client,
        "/beheer/gebruikers",
        {"email": "naam@aanbieder.example", "rol": "aanbieder", "aanbieder": aanbieder.naam.upper()},
        token_page="/beheer/gebruikers",
    )
    unknown_kvk = post_form(
        small_client,
        "/beheer/gebruikers",
        {"email": "kvk@aanbieder.example", "rol": "aanbieder", "aanbieder": "00000000"},
        token_page="/beheer/gebruikers",
    )
    assert namesake_count == 1 and by_name.status_code == 303
    assert unknown_kvk.status_code == 400 and "Kies de aanbieder waarvoor dit account is." in unknown_kvk.text
    with Session(small_world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == "naam@aanbieder.example")).one()
        assert user.aanbieder_id == aanbieder.id
        other = db.exec(select(Aanbieder).where(Aanbieder.id != aanbieder.id)).first()
    by_real_kvk = post_form(
        small_client,
        "/beheer/gebruikers",
        {"email": "kvk@aanbieder.example", "rol": "aanbieder", "aanbieder": other.kvk},
        token_page="/beheer/gebruikers",
    )
    assert by_real_kvk.status_code == 303
    with Session(small_world.engine) as db:
        kvk_user = db.exec(select(Gebruiker).where(Gebruiker.email == "kvk@aanbieder.example")).one()
    assert kvk_user.aanbieder_id == other.id


def test_demo_aanbieder_heeft_altijd_een_lopend_contract_in_de_gemeente_van_het_demo_wijkteam(small_world):
    from keuzehulp.models import Contract, Gemeente
    from keuzehulp.models.periods import current
    from keuzehulp.services.demo_accounts import ensure_demo_accounts

    today = clock.today()

    def enschede_lines(db, aanbieder_id):
        query = (
            select(Contract)
            .join(Gemeente, Gemeente.id == Contract.gemeente_id)
            .where(
                Contract.aanbieder_id == aanbieder_id, Gemeente.cbs_code == "GM0153", current(Contract, today)
            )
        )
        return db.exec(query).all()

    with Session(small_world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == DEMO["aanbieder"].email)).one()
        first = user.aanbieder_id
        lines = enschede_lines(db, first)
        assert lines
        for line in lines:  # the contract ends; the next start links the account to another aanbieder
            line.geldig_tot = today - timedelta(days=1)
            db.add(line)
        db.commit()
        ensure_demo_accounts(db, today)
        db.commit()
        relinked = db.get(Gebruiker, user.id).aanbieder_id
        assert relinked != first and enschede_lines(db, relinked)


def test_beheer_legt_spoedhulp_en_diagnostiek_vast_volgens_het_contract(small_client, small_world):
    with Session(small_world.engine) as db:
        jeugd = select(Contract.aanbieder_id).where(
            Contract.perceel == "jeugd", Contract.geldig_tot > clock.today()
        )
        aanbieder = db.exec(
            select(Aanbieder).where(
                Aanbieder.id.in_(jeugd),
                Aanbieder.status == "actief",
                Aanbieder.ambulante_spoedhulp.is_(False),
            )
        ).first()
    login_as(small_client, "beheerder")
    page = f"/beheer/aanbieders/{aanbieder.slug}"
    assert "Contractkenmerken" in small_client.get(page).text
    url = f"{page}/kenmerken"
    refused = post_form(
        small_client, url, {"kenmerk": "ambulante_spoedhulp", "diagnostiek": "integraal"}, token_page=page
    )
    assert refused.status_code == 400 and "coördinatiepunt" in refused.text
    assert re.search(r'value="ambulante_spoedhulp" checked', refused.text)  # what was ticked comes back
    assert re.search(r'value="integraal" checked', refused.text)
    saved = post_form(
        small_client,
        url,
        {"kenmerk": ["ambulante_spoedhulp", "coordinatiepunt"], "diagnostiek": "integraal"},
        token_page=page,
    )
    assert saved.status_code == 303
    with Session(small_world.engine) as db:
        stored = db.get(Aanbieder, aanbieder.id)
        assert (stored.ambulante_spoedhulp, stored.coordinatiepunt, stored.diagnostiek) == (
            True,
            True,
            ["integraal"],
        )
    hits = small_client.get("/api/v1/aanbieders", params={"spoedhulp": "ja", "per_page": 100}).json()
    assert aanbieder.slug in [r["slug"] for r in hits["results"]]
    assert "kenmerken gewijzigd" in small_client.get("/beheer/logboek", params={"q": aanbieder.slug}).text
