"""Consultatie (wijkteam -> aanbieder) and voorkeuren (inwoner -> wijkteam): flow, transitions,
access by role and gemeente, privacy checks, reminders, retention and notifications."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import (
    Aanbieder,
    Consultatie,
    Gebruiker,
    Gemeente,
    UitgaandBericht,
    Voorkeur,
)
from keuzehulp.services import consultatie as service
from keuzehulp.services.demo_accounts import demo_aanbieder
from keuzehulp.services.jobs import run_jobs
from tests.support.accounts import DEMO, PASSWORD, add_user, csrf_token, login, login_as, post_form


def test_bsn_elfproef_en_contactgegevens():
    assert service.is_bsn("111222333") and service.is_bsn("123456782")
    assert not service.is_bsn("123456789") and not service.is_bsn("000000000")
    assert service.contains_bsn("Het BSN is 111.222.333, graag advies")
    assert not service.contains_bsn("Dossier 123456789 en telefoon 0612345678")
    assert service.contact_warning("Mail moeder@example.nl") and service.contact_warning("Bel 06-12345678")
    assert not service.contact_warning("Jongen van 14 met angstklachten")


def test_werkdagen():
    friday = date(2026, 11, 20)
    assert service.add_workdays(friday, 5) == date(2026, 11, 27)
    assert service.add_workdays(date(2026, 11, 23), 5) == date(2026, 11, 30)


def _target(world) -> Aanbieder:
    with Session(world.engine) as db:
        aanbieder = demo_aanbieder(db, clock.today())
        aanbieder.consultatie_functieniveaus = ["HBO", "WO"]
        db.add(aanbieder)
        db.commit()
        db.refresh(aanbieder)
        return aanbieder


REQUEST = {
    "vraag": "Jongen met angst en schoolverzuim; welke aanpak past?",
    "leeftijdsgroep": "12-18",
    "obniveau": "3B",
    "functieniveau": "WO",
    "urgentie": "normaal",
    "bereikbaar": "Wijkteam Enschede, via de receptie",
    "geprobeerd": "",
}


def _request(client, world, aanbieder, extra=None) -> int:
    with Session(world.engine) as db:
        enschede = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one()
    page = f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}"
    data = REQUEST | {"aanbieder": aanbieder.slug, "gemeente_id": str(enschede)} | (extra or {})
    response = post_form(client, "/wijkteam/consultatie/nieuw", data, token_page=page)
    assert response.status_code == 303, response.text[:300]
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_consultatie_van_aanvraag_tot_terugkoppeling(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    assert "Consultatie aanvragen" in small_client.get(f"/aanbieders/{aanbieder.slug}").text
    consultatie_id = _request(small_client, small_world, aanbieder)
    with Session(small_world.engine) as db:
        mail = db.exec(
            select(UitgaandBericht).where(UitgaandBericht.onderwerp == "Nieuwe vraag om consultatie")
        ).one()
        assert mail.aan == DEMO["aanbieder"].email and "Jongen" not in mail.tekst  # no content in e-mail
    small_client.cookies.clear()
    login_as(small_client, "aanbieder")
    inbox = small_client.get("/aanbieder/consultaties").text
    assert f"Vraag {consultatie_id}" in inbox and "Nieuw (1 ongelezen)" in inbox
    detail = f"/consultaties/{consultatie_id}"
    assert "Jongen met angst" in small_client.get(detail).text
    assert "Nieuw (1 ongelezen)" not in small_client.get("/aanbieder/consultaties").text
    early = post_form(small_client, f"{detail}/afronden", {"terugkoppeling": "x"}, token_page=detail)
    assert early.status_code == 409 and "nog niet geaccepteerd" in early.text
    missing = post_form(small_client, f"{detail}/accepteren", {"contactpersoon": ""}, token_page=detail)
    assert missing.status_code == 400 and "contactpersoon" in missing.text
    ok = post_form(
        small_client,
        f"{detail}/accepteren",
        {"contactpersoon": "Dr. Jansen", "geplande_datum": clock.today().isoformat()},
        token_page=detail,
    )
    assert ok.status_code == 303
    post_form(small_client, f"{detail}/bericht", {"tekst": "Wij bellen dinsdag."}, token_page=detail)
    no_feedback = post_form(small_client, f"{detail}/afronden", {"terugkoppeling": ""}, token_page=detail)
    assert no_feedback.status_code == 400 and "verplicht" in no_feedback.text
    with_bsn = post_form(
        small_client, f"{detail}/afronden", {"terugkoppeling": "BSN 111222333 besproken"}, token_page=detail
    )
    assert (
        with_bsn.status_code == 400 and "BSN 111222333 besproken</textarea>" in with_bsn.text
    )  # typed text kept
    done = post_form(
        small_client,
        f"{detail}/afronden",
        {"terugkoppeling": "Advies: start met OB3 niveau B."},
        token_page=detail,
    )
    assert done.status_code == 303
    small_client.cookies.clear()
    login_as(small_client, "wijkteam")
    seen = small_client.get(detail).text
    assert "afgerond" in seen and "Advies: start met OB3 niveau B." in seen and "Wij bellen dinsdag." in seen
    with Session(small_world.engine) as db:
        subjects = set(
            db.exec(select(UitgaandBericht.onderwerp).where(UitgaandBericht.aan == DEMO["wijkteam"].email))
        )
    assert {
        "Consultatie geaccepteerd",
        "Consultatie afgerond",
        "Nieuw bericht over een consultatie",
    } <= subjects


def test_bsn_wordt_geweigerd_en_contactgegevens_vragen_om_bevestiging(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    page = f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}"
    with Session(small_world.engine) as db:
        enschede = str(db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one())
    base = REQUEST | {"aanbieder": aanbieder.slug, "gemeente_id": enschede}
    bsn = post_form(
        small_client, "/wijkteam/consultatie/nieuw", base | {"vraag": "BSN 111222333"}, token_page=page
    )
    assert bsn.status_code == 400 and "burgerservicenummer" in bsn.text
    warn = post_form(
        small_client,
        "/wijkteam/consultatie/nieuw",
        base | {"geprobeerd": "Bel moeder 0612345678"},
        token_page=page,
    )
    assert warn.status_code == 400 and "Ik weet zeker" in warn.text and "Bel moeder 0612345678" in warn.text
    other = post_form(
        small_client, "/wijkteam/consultatie/nieuw", base | {"functieniveau": "MBO"}, token_page=page
    )
    assert other.status_code == 400 and "functieniveau dat deze aanbieder heeft" in other.text
    sure = post_form(
        small_client,
        "/wijkteam/consultatie/nieuw",
        base | {"geprobeerd": "Bel moeder 0612345678", "zeker": "1"},
        token_page=page,
    )
    assert sure.status_code == 303


def test_andere_gemeente_en_andere_aanbieder_krijgen_404(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    consultatie_id = _request(small_client, small_world, aanbieder)
    with Session(small_world.engine) as db:
        other_aanbieder = db.exec(select(Aanbieder.id).where(Aanbieder.id != aanbieder.id)).first()
    add_user(small_world, "wijkteam.hengelo@example.nl", "wijkteam", gemeente="GM0164")
    add_user(small_world, "andere.aanbieder@example.nl", "aanbieder", aanbieder_id=other_aanbieder)
    for email in ("wijkteam.hengelo@example.nl", "andere.aanbieder@example.nl"):
        small_client.cookies.clear()
        assert login(small_client, email, PASSWORD).status_code == 303
        token = csrf_token(small_client, "/wijkteam" if "wijkteam" in email else "/aanbieder/consultaties")
        for cid in (consultatie_id, consultatie_id + 1, 999999):
            assert small_client.get(f"/consultaties/{cid}").status_code == 404
            for action in ("bericht", "accepteren"):
                response = small_client.post(
                    f"/consultaties/{cid}/{action}", data={"csrf_token": token, "tekst": "x"}
                )
                # a wijkteam may never accept (403, its role); anything else is not theirs to see (404)
                expected = 403 if "wijkteam" in email and action == "accepteren" else 404
                assert response.status_code == expected, (email, cid, action)
        listing = small_client.get("/wijkteam" if "wijkteam" in email else "/aanbieder/consultaties").text
        assert f"Vraag {consultatie_id}<" not in listing


def test_twee_tegelijk_accepteren_een_wint(small_world):
    aanbieder = _target(small_world)
    with Session(small_world.engine) as db:
        requester = db.exec(select(Gebruiker).where(Gebruiker.email == DEMO["wijkteam"].email)).one()
        enschede = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one()
        created = service.create(
            db, requester, aanbieder, REQUEST | {"gemeente_id": str(enschede)}, "http://t"
        )
        db.commit()
        consultatie_id = created.id
    add_user(small_world, "collega@aanbieder.example", "aanbieder", aanbieder_id=aanbieder.id)
    with Session(small_world.engine) as first, Session(small_world.engine) as second:
        user_a = first.exec(select(Gebruiker).where(Gebruiker.email == DEMO["aanbieder"].email)).one()
        user_b = second.exec(select(Gebruiker).where(Gebruiker.email == "collega@aanbieder.example")).one()
        both = (first.get(Consultatie, consultatie_id), second.get(Consultatie, consultatie_id))
        assert [c.status for c in both] == ["nieuw", "nieuw"]  # both have read it as new
        form = {"contactpersoon": "A", "geplande_datum": clock.today().isoformat()}
        service.transition(first, user_a, consultatie_id, "accepteren", form, "http://t")
        first.commit()
        with pytest.raises(RuleViolation, match="al geaccepteerd"):
            service.transition(
                second, user_b, consultatie_id, "accepteren", form | {"contactpersoon": "B"}, "http://t"
            )
    with Session(small_world.engine) as db:
        assert db.get(Consultatie, consultatie_id).contactpersoon == "A"


VOORKEUR = {
    "naam": "Sanne de Vries",
    "telefoon": "06 12345678",
    "email": "sanne@example.nl",
    "gemeente": "enschede",
    "toestemming": "1",
}


def test_voorkeur_gaat_naar_het_wijkteam_van_de_gemeente_en_niet_naar_de_aanbieder(small_client, small_world):
    aanbieder = _target(small_world)
    add_user(small_world, "wijkteam.hengelo@example.nl", "wijkteam", gemeente="GM0164")
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    no_consent = post_form(small_client, page, VOORKEUR | {"toestemming": ""}, token_page=page)
    assert no_consent.status_code == 400 and "Geef toestemming" in no_consent.text
    assert 'value="Sanne de Vries"' in no_consent.text and 'value="06 12345678"' in no_consent.text
    sent = post_form(
        small_client, page, VOORKEUR | {"toelichting": "Goede verhalen gehoord"}, token_page=page
    )
    assert sent.status_code == 200
    reference = re.search(r"KH-[A-Z2-9]{6}", sent.text).group(0)
    assert "Niet naar de aanbieder" in sent.text and "Wijkteam Enschede" in sent.text
    with Session(small_world.engine) as db:
        voorkeur = db.exec(select(Voorkeur).where(Voorkeur.referentie == reference)).one()
        recipients = set(
            db.exec(select(UitgaandBericht.aan).where(UitgaandBericht.onderwerp.contains(reference)))
        )
    assert recipients == {DEMO["wijkteam"].email, "sanne@example.nl"}
    login_as(small_client, "wijkteam")
    assert reference in small_client.get("/wijkteam").text
    assert "Sanne de Vries" in small_client.get(f"/wijkteam/voorkeuren/{voorkeur.id}").text
    small_client.cookies.clear()
    login(small_client, "wijkteam.hengelo@example.nl", PASSWORD)
    assert reference not in small_client.get("/wijkteam").text
    assert small_client.get(f"/wijkteam/voorkeuren/{voorkeur.id}").status_code == 404
    small_client.cookies.clear()
    login_as(small_client, "aanbieder")
    assert small_client.get(f"/wijkteam/voorkeuren/{voorkeur.id}").status_code == 403


def test_voorkeur_wordt_consultatie_en_afgehandeld(small_client, small_world):
    aanbieder = _target(small_world)
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    post_form(small_client, page, VOORKEUR, token_page=page)
    with Session(small_world.engine) as db:
        voorkeur = db.exec(select(Voorkeur)).one()
    login_as(small_client, "wijkteam")
    consultatie_id = _request(small_client, small_world, aanbieder, {"voorkeur": str(voorkeur.id)})
    detail = f"/wijkteam/voorkeuren/{voorkeur.id}"
    assert f"Vraag {consultatie_id}" in small_client.get(detail).text
    assert post_form(small_client, detail, token_page=detail).status_code == 303
    with Session(small_world.engine) as db:
        assert db.get(Voorkeur, voorkeur.id).status == "afgehandeld"
        assert db.get(Consultatie, consultatie_id).voorkeur_id == voorkeur.id


def test_spam_bescherming(small_client, small_world):
    aanbieder = _target(small_world)
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    bot = post_form(small_client, page, VOORKEUR | {"website": "http://spam"}, token_page=page)
    assert bot.status_code == 400 and 'value="Sanne de Vries"' in bot.text
    too_long = post_form(small_client, page, VOORKEUR | {"toelichting": "x" * 1001}, token_page=page)
    assert too_long.status_code == 400 and "te lang" in too_long.text
    statuses = [post_form(small_client, page, VOORKEUR, token_page=page).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [400]


def test_herinnering_na_vijf_werkdagen_en_anonimiseren_na_bewaartermijn(small_client, small_world, tmp_path):
    aanbieder = _target(small_world)
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    post_form(small_client, page, VOORKEUR, token_page=page)
    login_as(small_client, "wijkteam")
    old_id = _request(small_client, small_world, aanbieder)
    late_id = _request(small_client, small_world, aanbieder)
    now = clock.now()
    with Session(small_world.engine) as db:
        late = db.get(Consultatie, late_id)
        late.created_at = now - timedelta(days=10)
        old = db.get(Consultatie, old_id)
        old.status, old.afgerond_op, old.terugkoppeling = "afgerond", now - timedelta(days=181), "Advies"
        voorkeur = db.exec(select(Voorkeur)).one()
        voorkeur.status, voorkeur.afgehandeld_op = "afgehandeld", now - timedelta(days=181)
        db.add_all([late, old, voorkeur])
        db.commit()
    assert "Te laat" in small_client.get("/wijkteam").text
    settings = small_world.settings(mail_dir=tmp_path)
    report = run_jobs(small_world.engine, settings, clock.today())
    assert report.consultatie_herinneringen == 1 and report.geanonimiseerd == 2
    assert run_jobs(small_world.engine, settings, clock.today()).consultatie_herinneringen == 0
    with Session(small_world.engine) as db:
        voorkeur = db.exec(select(Voorkeur)).one()
        assert (voorkeur.naam, voorkeur.telefoon, voorkeur.email) == (
            "[verwijderd na de bewaartermijn]",
            "",
            "",
        )
        old = db.get(Consultatie, old_id)
        assert "Jongen" not in old.vraag and old.terugkoppeling == "[verwijderd na de bewaartermijn]"
        assert db.get(Consultatie, late_id).vraag == REQUEST["vraag"]  # still open: kept


def test_beheerder_ziet_reactietijden_en_inzage_staat_in_het_logboek(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    consultatie_id = _request(small_client, small_world, aanbieder)
    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    overview = small_client.get("/beheer/consultaties").text
    assert aanbieder.naam in overview and f"Vraag {consultatie_id}" in overview
    assert small_client.get(f"/consultaties/{consultatie_id}").status_code == 200
    assert "consultatie bekeken" in small_client.get("/beheer/logboek").text


def test_consultatie_hoort_bij_elk_contract_ook_zonder_opgegeven_functieniveau(small_client, small_world):
    aanbieder = _target(small_world)
    with Session(small_world.engine) as db:
        stored = db.get(Aanbieder, aanbieder.id)
        stored.consultatie_functieniveaus = []  # nothing stated: it can still be asked
        db.add(stored)
        db.commit()
    login_as(small_client, "wijkteam")
    form = small_client.get(f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}").text
    assert "Laat de aanbieder kiezen" in form
    consultatie_id = _request(small_client, small_world, aanbieder, {"functieniveau": "aanbieder kiest"})
    assert "De aanbieder kiest" in small_client.get(f"/consultaties/{consultatie_id}").text


def test_geen_consultatie_bij_een_aanbieder_zonder_contract_in_de_gemeente(small_client, small_world):
    from keuzehulp.models import Contract, DakjeScope

    aanbieder = _target(small_world)
    with Session(small_world.engine) as db:
        for model in (Contract, DakjeScope):
            for line in db.exec(select(model).where(model.aanbieder_id == aanbieder.id)):
                line.geldig_tot = clock.today() - timedelta(days=1)
                db.add(line)
        db.commit()
        enschede = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one()
        before = db.exec(select(func.count()).select_from(Consultatie)).one()
    login_as(small_client, "wijkteam")
    page = f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}"
    assert "heeft nu geen contract in uw gemeente" in small_client.get(page).text
    data = REQUEST | {"aanbieder": aanbieder.slug, "gemeente_id": str(enschede)}
    refused = post_form(small_client, "/wijkteam/consultatie/nieuw", data, token_page=page)
    assert refused.status_code == 400
    with Session(small_world.engine) as db:
        assert db.exec(select(func.count()).select_from(Consultatie)).one() == before


def _only_contract(world, aanbieder: Aanbieder, cbs_code: str, perceel: str, niveau: str) -> None:
    """End every contract line of the aanbieder yesterday and give it one OB2 line from today."""
    from keuzehulp.models import Contract, DakjeScope, Maatregelhulp

    with Session(world.engine) as db:
        for model in (Contract, DakjeScope, Maatregelhulp):
            for line in db.exec(select(model).where(model.aanbieder_id == aanbieder.id)):
                line.geldig_tot = clock.today() - timedelta(days=1)
                db.add(line)
        gemeente = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == cbs_code)).one()
        db.add(
            Contract(
                aanbieder_id=aanbieder.id,
                gemeente_id=gemeente,
                perceel=perceel,
                product="2",
                variant=niveau,
                geldig_vanaf=clock.today(),
            )
        )
        db.commit()


def test_voorkeur_voor_een_aanbieder_zonder_contract_in_de_gemeente_zegt_dat(small_client, small_world):
    aanbieder = _target(small_world)
    _only_contract(small_world, aanbieder, "GM0164", "jeugd", "B")  # VOORKEUR comes from Enschede
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    assert "heeft een contract met de gemeente Hengelo." in small_client.get(page).text
    sent = post_form(small_client, page, VOORKEUR, token_page=page)
    assert sent.status_code == 200 and "heeft geen contract met de gemeente Enschede" in sent.text
    reference = re.search(r"KH-[A-Z2-9]{6}", sent.text).group(0)
    with Session(small_world.engine) as db:
        voorkeur = db.exec(select(Voorkeur).where(Voorkeur.referentie == reference)).one()
        mails = {
            m.aan: m.tekst
            for m in db.exec(select(UitgaandBericht).where(UitgaandBericht.onderwerp.contains(reference)))
        }
    assert "geen contract met de gemeente Enschede" in mails["sanne@example.nl"]
    assert "geen contract in Enschede" in mails[DEMO["wijkteam"].email]
    login_as(small_client, "wijkteam")
    detail = small_client.get(f"/wijkteam/voorkeuren/{voorkeur.id}").text
    assert "heeft nu geen contract in Enschede" in detail and "Consultatie aanvragen bij" not in detail
    profile = small_client.get(f"/aanbieders/{aanbieder.slug}").text
    assert "Consultatie kan niet" in profile and "/wijkteam/consultatie/nieuw?" not in profile
    compare = small_client.get("/vergelijken", params={"a": aanbieder.slug}).text
    assert "geen contract in uw gemeente" in compare and "/wijkteam/consultatie/nieuw?" not in compare


def test_voorkeur_binnen_het_contract_heeft_geen_waarschuwing(small_client, small_world):
    aanbieder = _target(small_world)
    page = f"/aanbieders/{aanbieder.slug}/voorkeur"
    sent = post_form(small_client, page, VOORKEUR, token_page=page)
    assert sent.status_code == 200 and "geen contract" not in sent.text
    login_as(small_client, "wijkteam")
    assert "/wijkteam/consultatie/nieuw?" in small_client.get(f"/aanbieders/{aanbieder.slug}").text
    compare = small_client.get("/vergelijken", params={"a": aanbieder.slug}).text
    assert "/wijkteam/consultatie/nieuw?" in compare


def test_aanvraag_biedt_alleen_wat_de_aanbieder_in_de_gemeente_levert(small_client, small_world):
    aanbieder = _target(small_world)
    _only_contract(small_world, aanbieder, "GM0153", "wmo", "A")
    login_as(small_client, "wijkteam")
    page = f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}"
    form = small_client.get(page).text
    offered = re.findall(r'<option value="([^"]+)"', form)
    assert "2A" in offered and not {"1A", "2B", "3A", "4E"} & set(offered)
    assert {"18-23", "23+"} <= set(offered) and not {"0-4", "4-12", "12-18"} & set(offered)
    with Session(small_world.engine) as db:
        enschede = str(db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one())
    data = REQUEST | {"aanbieder": aanbieder.slug, "gemeente_id": enschede}  # OB3 niveau B, 12 tot 18 jaar
    refused = post_form(small_client, "/wijkteam/consultatie/nieuw", data, token_page=page)
    assert refused.status_code == 400
    assert 'id="obniveau-fout"' in refused.text and 'id="leeftijdsgroep-fout"' in refused.text
    assert "geen contract voor inwoners van 12 tot 18 jaar" in refused.text
    accepted = post_form(
        small_client,
        "/wijkteam/consultatie/nieuw",
        data | {"obniveau": "2A", "leeftijdsgroep": "23+"},
        token_page=page,
    )
    assert accepted.status_code == 303


def _summary_links(html: str) -> list[str]:
    summary = html[html.index('class="error-summary"') :]
    return re.findall(r'<li><a href="#([^"]+)"', summary[: summary.index("</div>")])


def test_foutensamenvatting_volgt_de_volgorde_van_het_formulier(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    page = f"/wijkteam/consultatie/nieuw?aanbieder={aanbieder.slug}"
    with Session(small_world.engine) as db:
        enschede = str(db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one())
    data = REQUEST | {"aanbieder": aanbieder.slug, "gemeente_id": enschede}
    data |= {"vraag": "", "leeftijdsgroep": "", "bereikbaar": ""}
    refused = post_form(small_client, "/wijkteam/consultatie/nieuw", data, token_page=page)
    assert _summary_links(refused.text) == ["vraag", "leeftijdsgroep", "bereikbaar"]


def _accept(client, consultatie_id: int, data: dict):
    detail = f"/consultaties/{consultatie_id}"
    return post_form(client, f"{detail}/accepteren", data, token_page=detail)


def test_accepteren_weigert_een_datum_in_het_verleden_of_te_ver_weg_bij_het_veld(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    consultatie_id = _request(small_client, small_world, aanbieder)
    small_client.cookies.clear()
    login_as(small_client, "aanbieder")
    jansen = {"contactpersoon": "Dr. Jansen"}
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    past = _accept(small_client, consultatie_id, jansen | {"geplande_datum": yesterday})
    assert past.status_code == 400
    assert _summary_links(past.text) == ["geplande_datum"]  # only the wrong field, no other message
    field = past.text[past.text.index('id="geplande_datum-fout"') :]
    assert field.startswith('id="geplande_datum-fout"><span class="visually-hidden">Fout: </span>Deze datum')
    assert f'value="{yesterday}"' in past.text and 'value="Dr. Jansen"' in past.text  # both kept
    far = (clock.today() + timedelta(days=400)).isoformat()
    too_far = _accept(small_client, consultatie_id, jansen | {"geplande_datum": far})
    assert too_far.status_code == 400 and "meer dan een jaar vooruit" in too_far.text
    nobody = _accept(small_client, consultatie_id, {"contactpersoon": "", "geplande_datum": ""})
    assert _summary_links(nobody.text) == ["contactpersoon", "geplande_datum"]
    with Session(small_world.engine) as db:
        assert db.get(Consultatie, consultatie_id).status == "nieuw"
    today = clock.today().isoformat()
    ok = _accept(small_client, consultatie_id, jansen | {"geplande_datum": today})
    assert ok.status_code == 303 and ok.headers["location"] == f"/consultaties/{consultatie_id}"  # PRG


def test_spoedvragen_staan_bovenaan_met_tekst_en_de_vragende_gemeente(small_client, small_world):
    aanbieder = _target(small_world)
    login_as(small_client, "wijkteam")
    urgent = _request(small_client, small_world, aanbieder, {"urgentie": "hoog"})
    normal = _request(small_client, small_world, aanbieder)
    small_client.cookies.clear()
    login_as(small_client, "aanbieder")
    inbox = small_client.get("/aanbieder/consultaties").text
    assert inbox.index(f"Vraag {urgent}<") < inbox.index(f"Vraag {normal}<")  # newer, but not urgent
    rows = inbox.split("<tr>")
    urgent_row = next(r for r in rows if f"Vraag {urgent}<" in r)
    normal_row = next(r for r in rows if f"Vraag {normal}<" in r)
    assert "Met spoed" in urgent_row and "Met spoed" not in normal_row
    assert "Wijkteam Enschede" in urgent_row and "gemeente Enschede" in urgent_row


def test_statusfilter_met_hoofdletters_en_de_gekozen_staat_zichtbaar(small_client):
    login_as(small_client, "wijkteam")
    html = small_client.get("/wijkteam?status=nieuw").text
    links = re.findall(r'<li><a href="\?[^"]*"( aria-current="page")?>([^<(]+)', html)
    assert [text.strip() for _, text in links] == ["Alle", "Nieuw", "Geaccepteerd", "Afgewezen", "Afgerond"]
    assert [text.strip() for current, text in links if current] == ["Nieuw"]
    css = small_client.get("/static/css/site.css").text
    assert ".status-filter a[aria-current]" in css
