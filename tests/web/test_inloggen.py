"""Signing in: roles, second step, sessions, passwords, throttling, CSRF and logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.models import AuditRegel, EenmaligeToken, Gebruiker, LoginPoging, Sessie, UitgaandBericht
from keuzehulp.services import login as login_service
from keuzehulp.services.accounts import digest
from keuzehulp.services.demo_accounts import DEMO_TOTP_SECRET
from tests.support.accounts import DEMO, csrf_token, login, login_as, post_form

SIGNED_IN_PAGES = {
    "/beheer": "beheerder",
    "/beheer/aanbieders": "beheerder",
    "/beheer/gebruikers": "beheerder",
    "/beheer/import": "beheerder",
    "/beheer/import/wachttijden": "beheerder",
    "/beheer/aanmeldingen": "beheerder",
    "/beheer/tarieven": "beheerder",
    "/beheer/logboek": "beheerder",
    "/beheer/logboek.csv": "beheerder",
    "/wijkteam": "wijkteam",
    "/wijkteam/meldingen": "wijkteam",
    "/aanbieder/consultaties": "aanbieder",
    "/beheer/consultaties": "beheerder",
    "/beheer/zorglandschap": "beheerder",
    "/aanbieder/profiel": "aanbieder",
    "/aanbieder/historie": "aanbieder",
    "/aanbieder/wachttijden": "aanbieder",
}


@pytest.mark.parametrize("path", sorted(SIGNED_IN_PAGES))
def test_anoniem_wordt_naar_inloggen_gestuurd(small_client, path):
    response = small_client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/inloggen?volgende=")


def test_verkeerde_rol_krijgt_403_op_elke_pagina_van_een_andere_rol(small_client):
    for rol in ("wijkteam", "aanbieder", "beheerder"):
        small_client.cookies.clear()
        login_as(small_client, rol)
        for path, owner in SIGNED_IN_PAGES.items():
            status = small_client.get(path, follow_redirects=False).status_code
            assert status == (200 if owner == rol else 403), (rol, path, status)


def test_consultatie_aanvragen_alleen_voor_het_wijkteam(small_client):
    path = "/wijkteam/consultatie/nieuw?aanbieder=bestaat-niet"
    assert small_client.get(path, follow_redirects=False).status_code == 303
    login_as(small_client, "aanbieder")
    assert small_client.get(path).status_code == 403
    small_client.cookies.clear()
    login_as(small_client, "wijkteam")
    assert small_client.get(path).status_code == 404


def test_inloggen_start_een_nieuwe_sessie_en_uitloggen_beeindigt_die(small_client, small_world):
    small_client.cookies.set("kh_sessie", "door-aanvaller-gekozen")
    response = login_as(small_client, "wijkteam")
    token = response.cookies["kh_sessie"]
    assert token != "door-aanvaller-gekozen" and len(token) > 30
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=lax" in response.headers["set-cookie"].lower()
    with Session(small_world.engine) as db:
        assert db.get(Sessie, digest(token)) is not None
    out = post_form(small_client, "/uitloggen", token_page="/wijkteam")
    assert out.status_code == 303
    with Session(small_world.engine) as db:
        assert db.get(Sessie, digest(token)) is None
    small_client.cookies.set("kh_sessie", token)
    assert small_client.get("/wijkteam", follow_redirects=False).status_code == 303
    with Session(small_world.engine) as db:
        query = select(AuditRegel.actie).where(AuditRegel.wie == DEMO["wijkteam"].email)
        actions = db.exec(query.order_by(AuditRegel.id)).all()
    assert actions[-2:] == ["ingelogd", "uitgelogd"]


def test_sessie_verloopt_na_inactiviteit(small_client, small_world):
    token = login_as(small_client, "aanbieder").cookies["kh_sessie"]
    with Session(small_world.engine) as db:
        row = db.get(Sessie, digest(token))
        row.last_seen = clock.now() - timedelta(minutes=31)
        db.add(row)
        db.commit()
    response = small_client.get("/aanbieder/profiel", follow_redirects=False)
    assert response.headers["location"].startswith("/inloggen")


def test_beheerder_moet_de_tweede_stap_doen(small_client):
    account = DEMO["beheerder"]
    first = login(small_client, account.email, account.password)
    assert first.headers["location"] == "/inloggen/code"
    assert small_client.get("/beheer", follow_redirects=False).headers["location"] == "/inloggen/code"
    wrong = post_form(small_client, "/inloggen/code", {"code": "000000"}, token_page="/inloggen/code")
    assert wrong.status_code == 400 and "klopt niet" in wrong.text
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    right = post_form(small_client, "/inloggen/code", {"code": code}, token_page="/inloggen/code")
    assert right.status_code == 303 and right.headers["location"] == "/beheer"
    assert right.cookies["kh_sessie"] != first.cookies["kh_sessie"]
    assert small_client.get("/beheer").status_code == 200


def test_beheerder_zonder_app_stelt_eerst_de_tweede_stap_in(small_client, small_world):
    with Session(small_world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == DEMO["beheerder"].email)).one()
        user.totp_secret = None
        db.add(user)
        db.commit()
    login(small_client, DEMO["beheerder"].email, DEMO["beheerder"].password)
    page = small_client.get("/inloggen/code")
    assert "Scan deze QR-code" in page.text and "<svg" in page.text
    import re

    secret = re.search(r'<span class="code">([A-Z2-7]+)</span>', page.text).group(1)
    signed = re.search(r'name="geheim" value="([^"]+)"', page.text).group(1)
    response = post_form(
        small_client,
        "/inloggen/code",
        {"code": pyotp.TOTP(secret).now(), "geheim": signed},
        token_page="/inloggen/code",
    )
    assert response.status_code == 303
    with Session(small_world.engine) as db:
        assert (
            db.exec(select(Gebruiker.totp_secret).where(Gebruiker.email == DEMO["beheerder"].email)).one()
            == secret
        )


def test_mislukte_pogingen_staan_in_het_logboek_maar_onbekende_adressen_niet(small_client, small_world):
    login(small_client, DEMO["wijkteam"].email, "fout-wachtwoord-123")
    login(small_client, "niemand@example.nl", "wat-dan-ook-123")
    with Session(small_world.engine) as db:
        user_id = db.exec(select(Gebruiker.id).where(Gebruiker.email == DEMO["wijkteam"].email)).one()
        rows = db.exec(select(AuditRegel).where(AuditRegel.actie == "inloggen mislukt")).all()
        everything = db.exec(select(AuditRegel)).all()
    texts = " ".join(f"{r.wie} {r.object_id} {r.omschrijving} {r.na}" for r in everything)
    assert [(r.object_id, r.omschrijving) for r in rows] == [(str(user_id), "verkeerd wachtwoord")]
    assert "niemand@example.nl" not in texts


def test_verkeerd_wachtwoord_en_afremmen_per_account(small_client):
    account = DEMO["wijkteam"]
    for _ in range(5):
        response = login(small_client, account.email, "fout-wachtwoord-123")
        assert response.status_code == 400
        assert "klopt niet" in response.text
        assert account.email in response.text  # the typed address is kept
    blocked = login(small_client, account.email, account.password)
    assert blocked.status_code == 400
    assert "Wacht een paar minuten" in blocked.text


def test_onbekend_adres_krijgt_dezelfde_melding(small_client):
    response = login(small_client, "niemand@example.nl", "wat-dan-ook-123")
    assert response.status_code == 400 and "Het e-mailadres of het wachtwoord klopt niet." in response.text


def test_uitgezette_gebruiker_kan_niet_inloggen_en_verliest_zijn_sessie(small_client, small_world):
    token = login_as(small_client, "wijkteam").cookies["kh_sessie"]
    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    with Session(small_world.engine) as db:
        user_id = db.exec(select(Gebruiker.id).where(Gebruiker.email == DEMO["wijkteam"].email)).one()
    response = post_form(
        small_client, f"/beheer/gebruikers/{user_id}/actief", {"actief": "0"}, token_page="/beheer"
    )
    assert response.status_code == 303
    small_client.cookies.clear()
    small_client.cookies.set("kh_sessie", token)
    assert small_client.get("/wijkteam", follow_redirects=False).status_code == 303
    small_client.cookies.clear()
    again = login(small_client, DEMO["wijkteam"].email, DEMO["wijkteam"].password)
    assert again.status_code == 400


def _reset_link(small_client, small_world, email: str) -> str:
    response = post_form(
        small_client, "/wachtwoord/vergeten", {"email": email}, token_page="/wachtwoord/vergeten"
    )
    assert response.status_code == 200 and "Als er een account is" in response.text
    with Session(small_world.engine) as db:
        mail = db.exec(select(UitgaandBericht).order_by(UitgaandBericht.id.desc())).first()
    assert mail.aan == email
    return mail.tekst.split("http://127.0.0.1:8000")[1].split()[0]


def test_wachtwoord_herstellen_werkt_een_keer(small_client, small_world):
    email = DEMO["aanbieder"].email
    link = _reset_link(small_client, small_world, email)
    weak = post_form(small_client, link, {"wachtwoord": "kort", "herhaal": "kort"}, token_page=link)
    assert weak.status_code == 400 and "minstens 12 tekens" in weak.text
    new_password = "een nieuwe lange zin 2026"
    done = post_form(
        small_client, link, {"wachtwoord": new_password, "herhaal": new_password}, token_page=link
    )
    assert done.status_code == 303
    assert small_client.get(link).status_code == 400  # used
    assert login(small_client, email, DEMO["aanbieder"].password).status_code == 400
    assert login(small_client, email, new_password).status_code == 303


def test_verlopen_herstellink_werkt_niet(small_client, small_world):
    link = _reset_link(small_client, small_world, DEMO["wijkteam"].email)
    with Session(small_world.engine) as db:
        row = db.exec(
            select(EenmaligeToken).where(EenmaligeToken.token_hash == digest(link.rsplit("/", 1)[1]))
        ).one()
        row.verloopt_op = clock.now() - timedelta(minutes=1)
        db.add(row)
        db.commit()
    response = small_client.get(link)
    assert response.status_code == 400 and "verlopen" in response.text


def test_herstel_voor_onbekend_adres_verstuurt_niets(small_client, small_world):
    with Session(small_world.engine) as db:
        before = len(db.exec(select(UitgaandBericht)).all())
    response = post_form(
        small_client,
        "/wachtwoord/vergeten",
        {"email": "onbekend@example.nl"},
        token_page="/wachtwoord/vergeten",
    )
    assert "Als er een account is" in response.text
    with Session(small_world.engine) as db:
        assert len(db.exec(select(UitgaandBericht)).all()) == before


SIGNED_IN_POSTS = [
    "/inloggen",
    "/inloggen/code",
    "/uitloggen",
    "/wachtwoord/vergeten",
    "/aanbieder/profiel",
    "/aanbieder/wachttijden",
    "/aanbieder/wachttijden/bevestigen",
    "/aanbieder/instroomstop",
    "/aanbieder/instroomstop/1/opheffen",
    "/beheer/aanbieders/x/status",
    "/beheer/aanbieders/x/instroomstop",
    "/beheer/aanbieders/x/instroomstop/1/opheffen",
    "/beheer/gebruikers",
    "/beheer/gebruikers/1/actief",
    "/beheer/gebruikers/1/uitnodigen",
    "/beheer/import",
    "/beheer/import/1/toepassen",
    "/beheer/import/wachttijden",
    "/beheer/aanmeldingen/1",
    "/beheer/tarieven",
    "/beheer/tarieven/1/einde",
    "/aanmelden",
    "/wijkteam/consultatie/nieuw",
    "/consultaties/1/bericht",
    "/consultaties/1/accepteren",
    "/wijkteam/voorkeuren/1",
    "/wijkteam/meldingen",
    "/wijkteam/meldingen/1/verwijderen",
    "/aanbieders/x/voorkeur",
]


def test_elke_post_zonder_csrf_token_wordt_geweigerd_ook_ingelogd(small_client):
    login_as(small_client, "beheerder")
    for path in SIGNED_IN_POSTS:
        response = small_client.post(path, data={"x": "1"}, follow_redirects=False)
        assert response.status_code == 403, path
        forged = small_client.post(path, data={"csrf_token": "vervalst"}, follow_redirects=False)
        assert forged.status_code == 403, path


def test_geen_wachtwoorden_tokens_of_adressen_in_de_logs(small_client, small_world, caplog):
    caplog.set_level(logging.DEBUG)
    account = DEMO["aanbieder"]
    login(small_client, account.email, "verkeerd-wachtwoord-1")
    login_as(small_client, "aanbieder")
    link = _reset_link(small_client, small_world, account.email)
    post_form(
        small_client,
        link,
        {"wachtwoord": "nog een lange zin 42", "herhaal": "nog een lange zin 42"},
        token_page=link,
    )
    token = link.rsplit("/", 1)[1]
    # The test client writes no access log; write the lines uvicorn would for these requests.
    access = logging.getLogger("uvicorn.access")
    for path in ("/inloggen", link, f"/inloggen?email={account.email}"):
        access.info('%s - "%s %s HTTP/%s" %d', "192.0.2.7:51234", "POST", path, "1.1", 303)
    app_records = [r for r in caplog.records if not r.name.startswith("httpx")]  # the test client's own log
    assert len([r for r in app_records if r.name == "uvicorn.access"]) == 3
    text = "".join(r.getMessage() for r in app_records)
    for secret in (account.email, "verkeerd-wachtwoord-1", account.password, "nog een lange zin 42", token):
        assert secret not in text
    assert "192.0.2.7" not in text


def test_volgende_pagina_na_inloggen_blijft_op_deze_website(small_client):
    account = DEMO["wijkteam"]
    token = csrf_token(small_client)
    data = {
        "email": account.email,
        "wachtwoord": account.password,
        "volgende": "//evil.example/x",
        "csrf_token": token,
    }
    response = small_client.post("/inloggen", data=data, follow_redirects=False)
    assert response.headers["location"] == "/wijkteam"
    small_client.cookies.clear()
    data["volgende"], data["csrf_token"] = "/wijkteam?gemeente=GM0153", csrf_token(small_client)
    assert (
        small_client.post("/inloggen", data=data, follow_redirects=False).headers["location"]
        == "/wijkteam?gemeente=GM0153"
    )


def test_toegangslog_zonder_adres_en_zonder_token(demo_client):
    from keuzehulp.web.kit.log_privacy import AccessLogPrivacy

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("192.168.1.20:5000", "GET", "/wachtwoord/instellen/geheim-token-123?x=1", "1.1", 200),
        None,
    )
    installed = logging.getLogger("uvicorn.access").filters  # create_app installs the filter
    assert any(isinstance(f, AccessLogPrivacy) for f in installed)
    AccessLogPrivacy().filter(record)
    message = record.getMessage()
    assert "192.168.1.20" not in message and "geheim-token-123" not in message
    assert "/wachtwoord/instellen/[verborgen]?x=1" in message


def test_sessiecookie_is_secure_achter_https_en_ingelogde_paginas_hebben_de_beveiligingsheaders(small_world):
    from starlette.testclient import TestClient

    from keuzehulp.web.app import create_app

    with TestClient(
        create_app(small_world.settings(), engine=small_world.engine), base_url="https://testserver"
    ) as client:
        response = login_as(client, "beheerder")
        assert "secure" in response.headers["set-cookie"].lower()
        page = client.get("/beheer")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert (
        page.headers["x-content-type-options"] == "nosniff"
        and page.headers["referrer-policy"] == "same-origin"
    )


def test_pogingen_worden_atomair_geteld_ook_tegelijk(small_world):
    """Of 25 attempts at once, at most 5 go ahead (each is stored before it is counted; attempts
    that see each other may both be refused, never both let through)."""
    from concurrent.futures import ThreadPoolExecutor

    key = login_service.attempt_key("account", "tegelijk@example.nl|192.0.2.1")
    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(lambda _: login_service.claim_attempt(small_world.engine, key, 5), range(25)))
    assert 1 <= allowed.count(True) <= 5
    assert not login_service.claim_attempt(small_world.engine, key, 5)  # and the next one waits


def test_een_vreemde_sluit_de_eigenaar_niet_buiten(small_world):
    account, now = DEMO["beheerder"], clock.now()
    with Session(small_world.engine) as db:
        for _ in range(8):
            with pytest.raises(login_service.LoginRefused):
                login_service.authenticate(db, account.email, "geraden-wachtwoord", "198.51.100.66", now)
            db.commit()
        with pytest.raises(login_service.LoginRefused, match="Wacht"):  # the stranger waits, even when right
            login_service.authenticate(db, account.email, account.password, "198.51.100.66", now)
        db.rollback()
        owner = login_service.authenticate(db, account.email, account.password, "203.0.113.9", now)
        assert owner.email == account.email


def test_wachttijd_groeit_na_te_veel_fouten(small_world):
    key, start = "account:test-groei", clock.now()
    engine = small_world.engine
    assert all(login_service.claim_attempt(engine, key, 5, start, wait=True) for _ in range(5))
    late = [start + timedelta(seconds=s) for s in (30, 180, 200, 690)]
    assert not login_service.claim_attempt(engine, key, 5, late[0], wait=True)  # 6th: wait 1 minute
    assert login_service.claim_attempt(engine, key, 5, late[1], wait=True)  # 7th, 2.5 min later: waited 2
    assert not login_service.claim_attempt(engine, key, 5, late[2], wait=True)  # 8th: must wait 4
    assert login_service.claim_attempt(engine, key, 5, late[3], wait=True)  # 9th, 8 min after the 8th


def test_een_gebruikte_code_werkt_geen_tweede_keer(small_client):
    account = DEMO["beheerder"]
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    step = totp.timecode(clock.wall_now())
    login(small_client, account.email, account.password)
    first = post_form(
        small_client, "/inloggen/code", {"code": totp.generate_otp(step)}, token_page="/inloggen/code"
    )
    assert first.status_code == 303
    post_form(small_client, "/uitloggen", token_page="/beheer")
    login(small_client, account.email, account.password)
    replay = post_form(
        small_client, "/inloggen/code", {"code": totp.generate_otp(step)}, token_page="/inloggen/code"
    )
    assert replay.status_code == 400 and "klopt niet" in replay.text
    fresh = post_form(
        small_client, "/inloggen/code", {"code": totp.generate_otp(step + 1)}, token_page="/inloggen/code"
    )
    assert fresh.status_code == 303


def test_gelukte_inlog_telt_niet_mee_maar_wist_de_fouten_van_het_adres_niet(small_world):
    account, now = DEMO["wijkteam"], clock.now()
    address_key = login_service.attempt_key("adres", "192.0.2.44")
    with Session(small_world.engine) as db:
        with pytest.raises(login_service.LoginRefused):
            login_service.authenticate(db, "iemand.anders@example.nl", "fout", "192.0.2.44", now)
        login_service.authenticate(
            db, account.email, account.password, "192.0.2.44", now + timedelta(seconds=1)
        )
        db.commit()
        rows = db.exec(select(LoginPoging).where(LoginPoging.sleutel == address_key)).all()
    assert len(rows) == 1  # the failure stays, the success is not counted


def test_ingelogd_ziet_op_openbare_paginas_de_accountbalk_en_anoniem_nooit(small_client, small_world):
    """Search pages are rendered once and shared: the signed-in bar is filled in per visitor."""
    from keuzehulp.services.demo_accounts import demo_aanbieder

    with Session(small_world.engine) as db:
        slug = demo_aanbieder(db, clock.today()).slug
    search = "/zoeken?gemeente=enschede"
    assert "Ingelogd als" not in small_client.get(search).text  # the shared page is in the cache now
    login_as(small_client, "wijkteam")
    for path in ("/", search, f"/aanbieders/{slug}", f"/vergelijken?a={slug}", "/uitleg", "/keuzehulp"):
        response = small_client.get(path)
        assert "Mijn wijkteam" in response.text and "Uitloggen" in response.text, path
        assert f"Ingelogd als {DEMO['wijkteam'].email}" in response.text, path
        assert response.headers["cache-control"] == "private", path
    small_client.cookies.clear()
    login_as(small_client, "aanbieder")
    bar = small_client.get(search).text
    assert "Mijn profiel" in bar and DEMO["aanbieder"].email in bar and DEMO["wijkteam"].email not in bar
    small_client.cookies.clear()
    anonymous = small_client.get(search)
    assert "Ingelogd als" not in anonymous.text and "Uitloggen" not in anonymous.text
    assert "cache-control" not in anonymous.headers


def test_wijkteam_ziet_geen_tekst_voor_inwoners_maar_wat_het_zelf_nodig_heeft(small_client, small_world):
    from keuzehulp.services.demo_accounts import demo_aanbieder

    with Session(small_world.engine) as db:
        aanbieder = demo_aanbieder(db, clock.today())
    pages = {
        "zoeken": "/zoeken?gemeente=enschede",
        "profiel": f"/aanbieders/{aanbieder.slug}",
        "vergelijken": f"/vergelijken?a={aanbieder.slug}",
        "keuzehulp": "/keuzehulp?woonplaats=Enschede&voor_wie=kind&besluit=ja&ob=2&niveau=B&verblijf=nee"
        "&klaar=ja",
    }
    for_inwoners = {
        "zoeken": "Hulp nodig bij kiezen?",
        "profiel": "Ik wil hulp van deze aanbieder",
        "vergelijken": "Bespreek uw keuze met het wijkteam",
        "keuzehulp": "De volgende stap: praat met het wijkteam",
    }
    anonymous = {name: small_client.get(path).text for name, path in pages.items()}
    login_as(small_client, "wijkteam")
    wijkteam = {name: small_client.get(path).text for name, path in pages.items()}
    for name, text in for_inwoners.items():
        assert text in anonymous[name] and text not in wijkteam[name], name
        assert "Neem contact op met het wijkteam van uw gemeente" not in wijkteam[name], name
    assert "Open een aanbieder om consultatie aan te vragen" in wijkteam["zoeken"]
    assert "Open een aanbieder in de resultaten om consultatie aan te vragen" in wijkteam["keuzehulp"]
    assert f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}" in wijkteam["profiel"]
    small_client.cookies.clear()
    assert "Voor het wijkteam" not in small_client.get(pages["zoeken"]).text  # the wijkteam's page is its own
