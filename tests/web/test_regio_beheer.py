"""One installation, several regions: a beheerder of Regio Nijmegen never sees Twente's accounts,
import batches, audit lines or consultaties (not in lists, not in the CSV, 404 by direct URL), and
wijkteams get gemeenten of their own region only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from keuzehulp import clock
from keuzehulp.cli import app as cli
from keuzehulp.config import PROJECT_ROOT
from keuzehulp.models import Aanbieder, Consultatie, Contract, Gebruiker, Gemeente, ImportBatch, Regio
from keuzehulp.services.demo_accounts import demo_aanbieder
from tests.support.accounts import (
    DEMO,
    PASSWORD,
    TOTP_SECRET,
    add_user,
    csrf_token,
    login,
    login_as,
    post_form,
)

NIJMEGEN_BEHEER = "beheer@nijmegen.example"


@pytest.fixture
def nijmegen(small_world) -> int:
    """Regio Nijmegen with the gemeente Nijmegen (GM0268) next to Twente, and its beheerder; the
    region's id. Kept when the taxonomy already loads it."""
    with Session(small_world.engine) as db:
        regio = db.exec(select(Regio).where(Regio.slug == "nijmegen")).first()
        if regio is None:
            regio = Regio(slug="nijmegen", naam="Regio Nijmegen")
            db.add(regio)
            db.flush()
        if db.exec(select(Gemeente).where(Gemeente.cbs_code == "GM0268")).first() is None:
            db.add(
                Gemeente(
                    cbs_code="GM0268",
                    naam="Nijmegen",
                    slug="nijmegen",
                    regio_id=regio.id,
                    lat=51.84,
                    lon=5.86,
                    toegang_naam="Sociaal Wijkteam Nijmegen",
                )
            )
        db.commit()
        regio_id = regio.id
    add_user(small_world, NIJMEGEN_BEHEER, "beheerder", regio="nijmegen")
    return regio_id


def _sign_in_nijmegen(client) -> None:
    client.cookies.clear()
    assert login(client, NIJMEGEN_BEHEER, PASSWORD, TOTP_SECRET).status_code == 303


def _twente_batch(client) -> int:
    """A Twente beheerder uploads a contract register; the batch's id."""
    token = csrf_token(client, "/beheer/import")
    upload = client.post(
        "/beheer/import",
        data={"soort": "contracten", "csrf_token": token},
        files={"bestand": ("twente-register.csv", b"kvk;naam;gemeente\n1;X;GM0153\n", "text/csv")},
        follow_redirects=False,
    )
    assert upload.status_code == 303
    return int(upload.headers["location"].rsplit("/", 1)[1])


def test_beheerder_van_nijmegen_ziet_geen_accounts_van_twente(nijmegen, small_client, small_world):
    """Beheerders and wijkteams of the own region; aanbieder accounts of aanbieders with a contract in
    the region, or with no contract anywhere yet."""
    with Session(small_world.engine) as db:
        twente_only = demo_aanbieder(db, clock.today())  # contracts in Twente only
        both = db.exec(select(Aanbieder).where(Aanbieder.id != twente_only.id).order_by(Aanbieder.id)).first()
        gm0268 = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0268")).one()
        db.add(Contract(aanbieder_id=both.id, gemeente_id=gm0268, perceel="jeugd", ob=1, niveau="A",
                        geldig_vanaf=date(2020, 1, 1), geldig_tot=date(2021, 1, 1)))  # fmt: skip
        nieuw = Aanbieder(slug="nog-zonder-contract", naam="Nog Zonder Contract", kvk="99887766")
        db.add(nieuw)
        both_id, nieuw_id, twente_id = both.id, nieuw.id, twente_only.id
        both_slug, twente_slug = both.slug, twente_only.slug
        db.commit()
    add_user(small_world, "wijkteam@nijmegen.example", "wijkteam", gemeente="GM0268")
    add_user(small_world, "staf@beide.example", "aanbieder", aanbieder_id=both_id)
    add_user(small_world, "staf@nieuw.example", "aanbieder", aanbieder_id=nieuw_id)
    add_user(small_world, "staf@twente.example", "aanbieder", aanbieder_id=twente_id)
    add_user(small_world, "wijkteam@hengelo.example", "wijkteam", gemeente="GM0164")

    _sign_in_nijmegen(small_client)
    listing = small_client.get("/beheer/gebruikers").text
    for seen in (NIJMEGEN_BEHEER, "wijkteam@nijmegen.example", "staf@beide.example", "staf@nieuw.example"):
        assert seen in listing
    for hidden in (DEMO["beheerder"].email, DEMO["wijkteam"].email, DEMO["aanbieder"].email,
                   "staf@twente.example", "wijkteam@hengelo.example"):  # fmt: skip
        assert hidden not in listing
    assert "wijkteam@hengelo.example" not in small_client.get("/beheer/gebruikers?q=hengelo").text
    assert "staf@twente.example" not in small_client.get(f"/beheer/aanbieders/{twente_slug}").text
    assert "staf@beide.example" in small_client.get(f"/beheer/aanbieders/{both_slug}").text

    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    twente = small_client.get("/beheer/gebruikers").text
    assert "staf@twente.example" in twente and "staf@nieuw.example" in twente
    assert NIJMEGEN_BEHEER not in twente and "wijkteam@nijmegen.example" not in twente


def test_account_van_een_andere_regio_bestaat_niet_voor_de_beheerder(nijmegen, small_client, small_world):
    with Session(small_world.engine) as db:
        wijkteam = db.exec(select(Gebruiker).where(Gebruiker.email == DEMO["wijkteam"].email)).one()
    _sign_in_nijmegen(small_client)
    for action, data in (("actief", {"actief": "0"}), ("uitnodigen", {})):
        response = post_form(
            small_client, f"/beheer/gebruikers/{wijkteam.id}/{action}", data, token_page="/beheer/gebruikers"
        )
        assert response.status_code == 404, action
    with Session(small_world.engine) as db:
        assert db.get(Gebruiker, wijkteam.id).actief


def test_beheerder_van_nijmegen_ziet_de_imports_van_twente_niet(nijmegen, small_client, small_world):
    login_as(small_client, "beheerder")
    batch_id = _twente_batch(small_client)
    assert "twente-register.csv" in small_client.get("/beheer/import").text

    _sign_in_nijmegen(small_client)
    assert "twente-register.csv" not in small_client.get("/beheer/import").text
    assert small_client.get(f"/beheer/import/{batch_id}").status_code == 404
    applied = post_form(small_client, f"/beheer/import/{batch_id}/toepassen", token_page="/beheer/import")
    assert applied.status_code == 404
    own = _twente_batch(small_client)  # the same upload, now Nijmegen's own
    assert small_client.get(f"/beheer/import/{own}").status_code == 200
    with Session(small_world.engine) as db:
        assert db.get(ImportBatch, own).regio_id == nijmegen
        assert db.get(ImportBatch, batch_id).regio_id != nijmegen


def test_contractregister_van_nijmegen_verandert_niets_in_twente(nijmegen, small_client, small_world):
    """Twente's gemeenten are unknown to an import of Regio Nijmegen: the rows are errors, so the
    import cannot add or end a Twente contract line."""
    sample = (PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv").read_bytes()  # Twente's gemeenten
    _sign_in_nijmegen(small_client)
    token = csrf_token(small_client, "/beheer/import")
    upload = small_client.post(
        "/beheer/import",
        data={"soort": "contracten", "csrf_token": token},
        files={"bestand": ("voorbeeld.csv", sample, "text/csv")},
        follow_redirects=False,
    )
    plan = small_client.get(upload.headers["location"]).text
    assert "is geen CBS-code van een gemeente in de regio" in plan and "Verwerken" not in plan
    refused = post_form(small_client, upload.headers["location"] + "/toepassen", token_page="/beheer/import")
    assert refused.status_code == 400


def test_beheerder_van_nijmegen_ziet_het_logboek_van_twente_niet(nijmegen, small_client, small_world):
    login_as(small_client, "beheerder")
    made = post_form(
        small_client,
        "/beheer/gebruikers",
        {"email": "twente.collega@example.nl", "rol": "wijkteam", "gemeenten": "GM0153"},
        token_page="/beheer/gebruikers",
    )
    assert made.status_code == 303
    small_client.cookies.clear()
    login_as(small_client, "aanbieder")  # aanbieder staff acts for no region; this aanbieder is Twente's

    _sign_in_nijmegen(small_client)
    logboek = small_client.get("/beheer/logboek").text
    assert NIJMEGEN_BEHEER in logboek
    for twente in ("twente.collega@example.nl", DEMO["beheerder"].naam, DEMO["aanbieder"].naam):
        assert twente not in logboek
    assert "twente.collega@example.nl" not in small_client.get("/beheer/logboek?q=twente.collega").text
    rows = list(csv.reader(io.StringIO(small_client.get("/beheer/logboek.csv").text), delimiter=";"))
    assert rows[1:] and all(row[1] in (NIJMEGEN_BEHEER, "systeem") for row in rows[1:])
    assert "GM0153" not in str(rows) and "demo.keuzehulp.nl" not in str(rows)

    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    twente_log = small_client.get("/beheer/logboek").text
    assert "twente.collega@example.nl (wijkteam)" in twente_log and DEMO["aanbieder"].naam in twente_log
    assert NIJMEGEN_BEHEER not in twente_log


def test_wijkteam_met_een_gemeente_van_een_andere_regio_wordt_geweigerd(nijmegen, small_client, small_world):
    login_as(small_client, "beheerder")
    form = small_client.get("/beheer/gebruikers").text
    assert 'value="GM0153"' in form and 'value="GM0268"' not in form  # only Twente's gemeenten to tick
    email = "nieuw.wijkteam@example.nl"
    values = {"email": email, "naam": "Sanne", "rol": "wijkteam", "gemeenten": ["GM0268"]}
    refused = post_form(small_client, "/beheer/gebruikers", values, token_page="/beheer/gebruikers")
    assert refused.status_code == 400
    assert "Nijmegen hoort niet bij Twente. Kies alleen gemeenten van Twente." in refused.text
    assert 'value="nieuw.wijkteam@example.nl"' in refused.text and 'value="Sanne"' in refused.text
    with Session(small_world.engine) as db:
        assert db.exec(select(Gebruiker).where(Gebruiker.email == email)).first() is None

    _sign_in_nijmegen(small_client)
    values["gemeenten"] = ["GM0268"]
    made = post_form(small_client, "/beheer/gebruikers", values, token_page="/beheer/gebruikers")
    assert made.status_code == 303
    with Session(small_world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == "nieuw.wijkteam@example.nl")).one()
        assert user.regio_id == nijmegen


def test_consultaties_van_twente_blijven_buiten_nijmegen(nijmegen, small_client, small_world):
    with Session(small_world.engine) as db:
        aanbieder = demo_aanbieder(db, clock.today())
        wijkteam = db.exec(select(Gebruiker).where(Gebruiker.email == DEMO["wijkteam"].email)).one()
        enschede = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0153")).one()
        consultatie = Consultatie(
            gemeente_id=enschede,
            aanbieder_id=aanbieder.id,
            aangevraagd_door=wijkteam.id,
            vraag="Twentse vraag over schoolverzuim",
            leeftijdsgroep="12-18",
            functieniveau="WO",
            bereikbaar="Wijkteam Enschede",
        )
        db.add(consultatie)
        db.commit()
        consultatie_id = consultatie.id
    add_user(small_world, "wijkteam@nijmegen.example", "wijkteam", gemeente="GM0268")

    _sign_in_nijmegen(small_client)
    assert small_client.get(f"/consultaties/{consultatie_id}").status_code == 404
    assert f"Vraag {consultatie_id}<" not in small_client.get("/beheer/consultaties").text
    small_client.cookies.clear()
    assert login(small_client, "wijkteam@nijmegen.example", PASSWORD).status_code == 303
    assert f"Vraag {consultatie_id}<" not in small_client.get("/wijkteam").text
    assert small_client.get(f"/consultaties/{consultatie_id}").status_code == 404

    small_client.cookies.clear()
    login_as(small_client, "beheerder")
    assert small_client.get(f"/consultaties/{consultatie_id}").status_code == 200


def test_cli_maakt_een_beheerder_in_de_gekozen_regio(nijmegen, small_world, monkeypatch, tmp_path):
    monkeypatch.setenv("KEUZEHULP_DATABASE_URL", small_world.url)
    monkeypatch.setenv("KEUZEHULP_MAIL_DIR", str(tmp_path))
    runner = CliRunner()
    for email, extra in (
        ("nijmegen@example.nl", ["--regio", "nijmegen"]),
        ("eerste@example.nl", []),
    ):
        made = runner.invoke(cli, ["users", "create", "--rol", "beheerder", "--email", email, *extra])
        assert made.exit_code == 0, made.output
    wijkteam = runner.invoke(
        cli, ["users", "create", "--rol", "wijkteam", "--email", "wt@example.nl", "--gemeente", "GM0268"]
    )
    assert wijkteam.exit_code == 0, wijkteam.output
    unknown = runner.invoke(
        cli, ["users", "create", "--rol", "beheerder", "--email", "x@example.nl", "--regio", "utrecht"]
    )
    assert unknown.exit_code == 2 and "Onbekende regio 'utrecht'" in unknown.output
    wrong = runner.invoke(
        cli,
        ["users", "create", "--rol", "wijkteam", "--email", "y@example.nl", "--gemeente", "GM0268",
         "--regio", "twente"],
    )  # fmt: skip
    assert wrong.exit_code == 2 and "Nijmegen hoort niet bij Twente" in wrong.output
    with Session(small_world.engine) as db:
        regio = dict(db.exec(select(Gebruiker.email, Gebruiker.regio_id)).all())
        first = db.exec(select(Regio.id).order_by(Regio.id)).first()
    assert regio["nijmegen@example.nl"] == nijmegen and regio["wt@example.nl"] == nijmegen
    assert regio["eerste@example.nl"] == first
    assert "y@example.nl" not in regio
    assert "--regio" in runner.invoke(cli, ["users", "create", "--help"]).output
