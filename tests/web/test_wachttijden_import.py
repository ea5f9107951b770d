"""A beheerder's CSV import of wachttijden and plekken: a good file is written with history, audit and
change log; bad rows are each reported with their line number and change nothing; an upload that is
not CSV in UTF-8 gets a message, never a 500; an aanbieder of another region is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from keuzehulp import clock
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Aanbieder, AuditRegel, ChangeLog, WachttijdMelding
from keuzehulp.queries.beschikbaarheid import state
from keuzehulp.services import beschikbaarheid
from keuzehulp.services.aanbieders import (
    AanbiederData,
    CijferData,
    ContractLine,
    DakjeLine,
)
from keuzehulp.services.audit import SYSTEM
from keuzehulp.web.app import create_app
from tests.support.accounts import PASSWORD, TOTP_SECRET, login, login_as, post_form
from tests.support.world import two_region_world

PAGE = "/beheer/import/wachttijden"
HEADER = "kvk;hulp;gemeente;weken_tot_contact;weken_tot_start;vrije_plekken;bevestigd_op"


def _aanbieders(today) -> list[AanbiederData]:
    since, earlier = today - timedelta(days=400), today - timedelta(days=3)
    twents = AanbiederData(
        slug="twents",
        naam="Twentse Jeugdhulp",
        kvk="90000001",
        contracten=[
            ContractLine("GM0153", "jeugd", "3", "B", since),
            ContractLine("GM0164", "jeugd", "3", "B", since),
        ],
        dakjes=[DakjeLine("GM0153", "2", since)],
        beschikbaarheid=[
            CijferData("jeugd/3", None, 1, 5, None, earlier),
            CijferData("dakje/2", "GM0153", None, 6, 0, earlier),
        ],
    )
    nijmeegs = AanbiederData(
        slug="nijmeegs",
        naam="Nijmeegse GGZ",
        kvk="90000002",
        contracten=[ContractLine("GM0268", "jeugd", "jeugd-ggz", None, since)],
    )
    return [twents, nijmeegs]


@pytest.fixture
def world(database_factory, tmp_path):
    """Twente and Regio Nijmegen, an aanbieder in each, and the demo accounts."""
    world = two_region_world(database_factory.new_url(), tmp_path / "index", _aanbieders(clock.today()))
    yield world
    world.engine.dispose()


@pytest.fixture
def twente(world):
    with TestClient(create_app(world.settings(), engine=world.engine)) as client:
        login_as(client, "beheerder")  # the demo beheerder: Twente
        yield client


def _upload(client, content: bytes, name: str = "wachttijden.csv"):
    files = {"bestand": (name, content, "text/csv")}
    return post_form(client, PAGE, {}, token_page=PAGE, files=files)


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def _snapshot(world) -> tuple:
    """Everything an import may change: the figures, their history, the audit and the change log."""
    with Session(world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).where(Aanbieder.slug == "twents")).one()
        return (
            state(db, aanbieder.id).figures,
            len(db.exec(select(WachttijdMelding)).all()),
            len(db.exec(select(AuditRegel)).all()),
            len(db.exec(select(ChangeLog)).all()),
            aanbieder.beschikbaarheid_versie,
        )


def test_een_goed_bestand_schrijft_de_cijfers_met_historie_en_logboek(world, twente):
    today = clock.today()
    yesterday = today - timedelta(days=1)
    figures, history, audit, changes, version = _snapshot(world)
    content = "\ufeff".encode() + _csv(
        f"90000001;jeugd/3;;1;4;;{yesterday.isoformat()}",
        "90000001;jeugd/3;GM0164;2;8;;",
        "",
        f"90000001;dakje/2;Enschede;;3;1;{yesterday:%d-%m-%Y}",
    )
    response = _upload(twente, content)
    assert response.status_code == 200, response.text
    assert (
        "De cijfers uit wachttijden.csv zijn opgeslagen: 1 aanbieder, 1 nieuw, 2 gewijzigd" in response.text
    )
    assert '<a href="/beheer/aanbieders/twents">Twentse Jeugdhulp</a>' in response.text
    after, history_after, audit_after, changes_after, version_after = _snapshot(world)
    assert {
        (f.hulp, f.gemeente, f.weken_contact, f.weken_start, f.plekken, f.bevestigd_op) for f in after
    } == {
        ("jeugd/3", None, 1, 4, None, yesterday),
        ("jeugd/3", "GM0164", 2, 8, None, today),
        ("dakje/2", "GM0153", None, 3, 1, yesterday),
    }
    assert history_after == history + 3 and changes_after > changes and version_after == version + 1
    with Session(world.engine) as db:
        acties = [r.actie for r in db.exec(select(AuditRegel).order_by(AuditRegel.id)).all()[audit:]]
        assert acties == ["wachttijd geïmporteerd", "wachttijden geïmporteerd"]
        latest = db.exec(select(WachttijdMelding).order_by(WachttijdMelding.id.desc())).first()
        assert (latest.hulp, latest.plekken, latest.bevestigd_op) == ("dakje/2", 1, yesterday)
    assert audit_after == audit + 2


def test_elke_foute_regel_met_regelnummer_en_er_verandert_niets(world, twente):
    today = clock.today()
    before = _snapshot(world)
    content = _csv(
        "90000001;jeugd/3;;1;4;;",  # 2: good
        "123;jeugd/3;;1;4;;",
        "90000009;jeugd/3;;1;4;;",
        "90000001;jeugd/9;;1;4;;",
        "90000001;jeugd/3;;;200;;",
        "90000001;jeugd/3;GM0164;;4;2;",
        "90000001;jeugd/3;GM0164;5;2;;",
        "90000001;jeugd/3;GM0268;1;4;;",
        f"90000001;dakje/2;GM0153;;2;1;{(today + timedelta(days=1)).isoformat()}",
        "90000001;jeugd/3;;1;6;;",
        "90000001;jeugd/3;GM0164;;veel;;",
        f"90000001;dakje/2;GM0153;;2;1;{(today - timedelta(days=10)).isoformat()}",
        "90000001;;;1;4;;",
        "90000001;jeugd/3;GM0164;;;;",
        "90000001;dakje/2;GM0153;;2;1;gisteren",
    )
    response = _upload(twente, content)
    assert response.status_code == 400
    text = response.text.replace("&#39;", "'")
    expected = {
        3: "Een KvK-nummer heeft 8 cijfers",
        4: "Er is geen aanbieder met KvK 90000009.",
        5: "Deze aanbieder heeft geen contract voor 'jeugd/9'. Kies uit: jeugd/3, dakje/2.",
        6: "De weken tot de start zijn een heel aantal van 0 tot 104.",
        7: "Vrije plekken gelden alleen voor wonen en verblijf (dakjes).",
        8: "Het eerste contact kan niet later zijn dan de start van de hulp.",
        9: "Gemeente 'GM0268' is geen gemeente van Twente.",
        10: "Bevestigd op ligt in de toekomst.",
        11: "Dit cijfer staat al in het bestand op regel 2.",
        12: "Weken tot start 'veel' is geen heel getal van 0 of meer.",
        13: "Keuzehulp heeft voor 'dakje/2' een nieuwer cijfer",
        14: "Vul de soort hulp in",
        15: "Vul de weken tot de start in, of het aantal vrije plekken.",
        16: "Bevestigd op 'gisteren' is geen datum.",
    }
    assert "14 fouten in wachttijden.csv: er is niets veranderd" in text
    for line, message in expected.items():
        assert f"<li>Regel {line}: {message}" in text, line
    assert "Regel 2:" not in text
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plaatje.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "geen CSV-bestand in UTF-8"),
        (
            "oud.csv",
            f"{HEADER}\n90000001;jeugd/3;Hengelo;1;4;;\nRijssen;Holten".encode("cp1252") + b"\xeb",
            "UTF-8",
        ),
        ("lijst.xlsx", b"PK\x03\x04rest of a zip", "Dit is een Excel-bestand."),
        ("lijst.pdf", b"%PDF-1.4", "Kies een CSV-bestand (.csv)."),
        ("leeg.csv", b"", "Het bestand is leeg."),
        ("kop.csv", HEADER.encode(), "Regel 1: Het bestand heeft kolomnamen maar geen regels."),
        ("kolommen.csv", b"kvk;gemeente\n90000001;GM0153", "Regel 1: Deze kolommen ontbreken: hulp."),
        ("quote.csv", b'kvk;hulp\n"90000001;jeugd/3\n\x00', "geen CSV-bestand in UTF-8"),
    ],
)
def test_een_bestand_dat_geen_csv_in_utf8_is_krijgt_een_melding(world, twente, name, content, message):
    before = _snapshot(world)
    response = _upload(twente, content, name)
    assert response.status_code == 400 and message in response.text.replace("&#39;", "'"), response.text[
        -2000:
    ]
    assert _snapshot(world) == before


def test_zonder_bestand_een_melding(twente):
    response = post_form(twente, PAGE, {}, token_page=PAGE)
    assert response.status_code == 400 and "Kies een bestand." in response.text


def test_een_aanbieder_van_een_andere_regio_wordt_geweigerd(world, twente):
    row = "90000002;jeugd/jeugd-ggz;;1;3;;"
    refused = _upload(twente, _csv(row))
    assert refused.status_code == 400
    assert "Regel 2: Nijmeegse GGZ (KvK 90000002) heeft geen contract in Twente." in refused.text
    with TestClient(create_app(world.settings(), engine=world.engine)) as nijmegen:
        login(nijmegen, "beheer@nijmegen.example", PASSWORD, TOTP_SECRET)
        assert _upload(nijmegen, _csv("90000001;jeugd/3;;1;4;;")).status_code == 400
        accepted = _upload(nijmegen, _csv(row))
        assert accepted.status_code == 200, accepted.text
    with Session(world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).where(Aanbieder.slug == "nijmeegs")).one()
        [figure] = state(db, aanbieder.id).figures
        assert (figure.hulp, figure.gemeente, figure.weken_start) == ("jeugd/jeugd-ggz", None, 3)


def test_alleen_voor_beheerders(world):
    with TestClient(create_app(world.settings(), engine=world.engine)) as client:
        assert client.get(PAGE, follow_redirects=False).status_code == 303
        login_as(client, "wijkteam")
        assert client.get(PAGE).status_code == 403


def test_merge_vervangt_alleen_dezelfde_cijfers_en_het_open_formulier_veroudert(world):
    today = clock.today()
    with Session(world.engine) as db:
        aanbieder = db.exec(select(Aanbieder).where(Aanbieder.slug == "twents")).one()
        version = aanbieder.beschikbaarheid_versie
        entry = beschikbaarheid.Entry("jeugd/3", None, 0, 2, None, today - timedelta(days=1))
        beschikbaarheid.merge(db, aanbieder.id, [entry], SYSTEM, today)
        db.commit()
        figures = {
            (f.hulp, f.gemeente): (f.weken_start, f.bevestigd_op) for f in state(db, aanbieder.id).figures
        }
        assert figures == {
            ("jeugd/3", None): (2, today - timedelta(days=1)),
            ("dakje/2", "GM0153"): (6, today - timedelta(days=3)),  # not in the import: as it was
        }
        with pytest.raises(beschikbaarheid.Conflict):  # the aanbieder's form, opened before the import
            beschikbaarheid.save(db, aanbieder.id, version, [entry], SYSTEM, today)
        db.rollback()
        with pytest.raises(RuleViolation, match="Deze aanbieder heeft geen contract voor 'wmo/1'"):
            beschikbaarheid.merge(
                db, aanbieder.id, [beschikbaarheid.Entry("wmo/1", None, None, 2)], SYSTEM, today
            )
