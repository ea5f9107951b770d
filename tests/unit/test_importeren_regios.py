"""The contract register in a database with Twente and Regio Nijmegen: each line is checked against
the inkoopmodel of its gemeente's region, in the columns of either model."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from keuzehulp.config import PROJECT_ROOT
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Aanbieder, Contract, DakjeScope, Gemeente
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.importeren.batches import plan_file
from keuzehulp.services.importeren.contracten import apply_contracts
from tests.support.world import build_world

TODAY = date(2026, 11, 23)
NIJMEGEN_SAMPLE = (PROJECT_ROOT / "seed/regio/nijmegen/contractregister_voorbeeld.csv").read_bytes()
TWENTE_SAMPLE = (PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv").read_bytes()


@pytest.fixture
def two_regions(database_factory, tmp_path):
    """A fresh database with Twente and Regio Nijmegen and no aanbieders, for tests that write."""
    world = build_world(database_factory.new_url(), tmp_path / "index-regions", regios=("twente", "nijmegen"))
    yield world
    world.engine.dispose()


def _plan(world, content: bytes):
    with Session(world.engine) as db:
        return plan_file(db, "contracten", "register.csv", content, TODAY)


def _apply(world, content: bytes):
    with Session(world.engine) as db:
        plan = plan_file(db, "contracten", "register.csv", content, TODAY)
        counts = apply_contracts(db, plan, SYSTEM, "http://test")
        db.commit()
    return plan, counts


def _contracts(world) -> set[tuple[str, str, str, str | None, str | None]]:
    with Session(world.engine) as db:
        query = (
            select(Aanbieder.kvk, Gemeente.cbs_code, Contract.perceel, Contract.product, Contract.variant)
            .join(Aanbieder, Aanbieder.id == Contract.aanbieder_id)
            .join(Gemeente, Gemeente.id == Contract.gemeente_id)
        )
        return set(db.exec(query))


def test_voorbeeldregister_van_nijmegen_komt_in_de_database(two_regions):
    plan, counts = _apply(two_regions, NIJMEGEN_SAMPLE)
    assert plan.errors == []
    assert counts["toegevoegd"] == 18 and counts["nieuwe aanbieders"] == 3 and counts["uitnodigingen"] == 1
    stored = _contracts(two_regions)
    assert len(stored) == 18
    wmo = {cbs for kvk, cbs, perceel, product, _ in stored if product == "wmo-begeleiding"}
    assert wmo == {"GM1945", "GM0209", "GM0225", "GM0252", "GM0268", "GM0296", "GM0944"}
    assert ("91000003", "GM0268", "jeugd", "jeugd-ggz", None) in stored
    assert all(variant is None for *_, variant in stored)
    assert "Voorbeeld Jeugdhulp Nijmegen (91000003), Nijmegen: jeugd jeugd-ggz" in plan.added
    assert not _plan(two_regions, NIJMEGEN_SAMPLE).can_apply  # the same file again changes nothing


def test_beide_voorbeeldregisters_naast_elkaar(two_regions):
    _apply(two_regions, NIJMEGEN_SAMPLE)
    plan, counts = _apply(two_regions, TWENTE_SAMPLE)
    assert plan.errors == [] and counts["toegevoegd"] == 7 and plan.ended == []  # Nijmegen left alone
    stored = _contracts(two_regions)
    assert ("90000001", "GM0158", "jeugd", "3", "B") in stored and len(stored) == 18 + 6
    with Session(two_regions.engine) as db:
        assert [d.dakje for d in db.exec(select(DakjeScope))] == ["1"]


def test_een_bestand_met_product_en_variant_voor_twente(two_regions):
    content = (
        b"kvk;naam;gemeente;perceel;product;variant;geldig_vanaf\n"
        b"90000031;Twente Generiek;GM0153;jeugd;OB2;b;2026-01-01\n"
        b"90000031;Twente Generiek;GM0268;jeugd;jeugd-ggz;;2026-01-01\n"
    )
    plan, _ = _apply(two_regions, content)
    assert plan.errors == []
    assert _contracts(two_regions) == {
        ("90000031", "GM0153", "jeugd", "2", "B"),
        ("90000031", "GM0268", "jeugd", "jeugd-ggz", None),
    }


def test_twentse_codes_in_nijmegen_met_regelnummer_en_er_verandert_niets(two_regions):
    content = (
        b"kvk;naam;gemeente;perceel;product;niveau;dakje;maatregelhulp;geldig_vanaf;geldig_tot\n"
        b"91000011;A;GM0268;jeugd;jeugd-ggz;;;;2026-01-01;\n"  # 2: fine
        b"91000012;B;GM0268;wmo;2;;;;2026-01-01;\n"  # 3: a Twente OB
        b"91000013;C;GM0209;jeugd;jeugd-begeleiding;B;;;2026-01-01;\n"  # 4: a niveau
        b"91000014;D;GM0296;;;;1;;2026-01-01;\n"  # 5: a dakje
        b"91000015;E;GM0944;;;;;voogdij;2026-01-01;\n"  # 6: maatregelhulp
        b"91000016;F;GM0225;wmo;jeugd-ggz;;;;2026-01-01;\n"  # 7: a jeugd product under Wmo
        b"91000017;G;GM0252;dyslexie;;;;;2026-01-01;\n"  # 8: no dyslexie perceel in Nijmegen
        b"91000018;H;GM0153;wmo;wmo-begeleiding;;;;2026-01-01;\n"  # 9: Nijmegen's product in Twente
    )
    plan = _plan(two_regions, content)
    assert [line for line, _ in plan.errors] == [3, 4, 5, 6, 7, 8, 9]
    messages = dict(plan.errors)
    assert "Product moet wmo-dagbesteding" in messages[3] and "niet '2'" in messages[3]
    assert "Product jeugd-begeleiding heeft geen niveau" in messages[4]
    assert messages[5] == (
        "Wijchen hoort bij Regio Nijmegen; daar bestaan geen dakjes. Laat de kolom dakje leeg."
    )
    assert "Mook en Middelaar hoort bij Regio Nijmegen; daar bestaan geen maatregelhulp" in messages[6]
    assert "Wmo en jeugdhulp zijn aparte percelen" in messages[7]
    assert messages[8] == "Onbekend perceel 'dyslexie'. Kies uit: wmo of jeugd."
    assert "Ondersteuningsbehoefte moet 1, 2, 3 of 4 zijn, niet 'wmo-begeleiding'" in messages[9]
    assert not plan.can_apply
    with Session(two_regions.engine) as db, pytest.raises(RuleViolation):
        apply_contracts(db, plan, SYSTEM, "http://test")
    with Session(two_regions.engine) as db:
        assert db.exec(select(Aanbieder)).all() == [] and db.exec(select(Contract)).all() == []


def test_kolommen_die_een_model_vraagt(two_regions):
    header = "kvk;naam;gemeente;perceel;product;geldig_vanaf\n"
    without_niveau = header + "91000021;A;GM0268;jeugd;jeugd-ggz;2026-01-01\n"
    assert _plan(two_regions, without_niveau.encode()).errors == []  # Nijmegen has no variants
    twente = without_niveau.replace("GM0268;jeugd;jeugd-ggz", "GM0153;jeugd;1")
    assert _plan(two_regions, twente.encode()).errors == [
        (1, "Deze kolommen ontbreken: niveau. Deze namen zijn ook goed: variant voor niveau.")
    ]
    no_product = "kvk;naam;gemeente;perceel;geldig_vanaf\n91000021;A;GM0268;jeugd;2026-01-01\n"
    assert _plan(two_regions, no_product.encode()).errors == [
        (1, "Deze kolommen ontbreken: ob. Deze namen zijn ook goed: product voor ob.")
    ]
    both = "kvk;naam;gemeente;perceel;ob;product;geldig_vanaf\n"
    both += "91000021;A;GM0268;jeugd;;jeugd-ggz;2026-01-01\n"
    assert "staat twee keer" in _plan(two_regions, both.encode()).errors[0][1]


def test_kenmerken_die_nijmegen_niet_kent(two_regions):
    content = (
        b"kvk;naam;gemeente;perceel;product;geldig_vanaf;ambulante_spoedhulp;diagnostiek\n"
        b"91000031;A;GM0268;jeugd;jeugd-ggz;2026-01-01;ja;\n"
        b"91000032;B;GM0268;jeugd;jeugd-ggz;2026-01-01;;integraal\n"
        b"91000033;C;GM0268;jeugd;jeugd-ggz;2026-01-01;nee;geen\n"  # 'no' is not a claim: fine
    )
    plan = _plan(two_regions, content)
    assert [line for line, _ in plan.errors] == [2, 3]
    assert "daar bestaat geen ambulante spoedhulp" in dict(plan.errors)[2]
