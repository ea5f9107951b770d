"""Contract register and resultaten imports: dry run, bad rows with line numbers, apply, idempotence."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlmodel import Session, or_, select

from keuzehulp.config import PROJECT_ROOT
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import Aanbieder, Contract, DakjeScope, Gebruiker, Gemeente, Resultaat, UitgaandBericht
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.importeren.batches import plan_file
from keuzehulp.services.importeren.contracten import apply_contracts
from keuzehulp.services.importeren.plan import summarise
from keuzehulp.services.importeren.resultaten import apply_resultaten

TODAY = date(2026, 11, 23)
SAMPLE = (PROJECT_ROOT / "seed" / "contractregister_voorbeeld.csv").read_bytes()
HEADER = "kvk;naam;gemeente;perceel;ob;niveau;dakje;geldig_vanaf;geldig_tot\n"


def _plan(world, content: bytes, name: str = "register.csv", soort: str = "contracten"):
    with Session(world.engine) as db:
        return plan_file(db, soort, name, content, TODAY)


def _apply(world, content: bytes, soort: str = "contracten"):
    with Session(world.engine) as db:
        plan = plan_file(db, soort, "register.csv", content, TODAY)
        if soort == "contracten":
            counts = apply_contracts(db, plan, SYSTEM, "http://test")
        else:
            counts = apply_resultaten(db, plan, SYSTEM)
        db.commit()
    return plan, counts


def test_voorbeeldbestand_maakt_nieuwe_aanbieders_en_is_herhaalbaar(empty_world):
    plan = _plan(empty_world, SAMPLE)
    assert plan.errors == []
    assert len(plan.added) == 7 and plan.changed == [] and plan.ended == []
    assert [n.split(" (KvK")[0] for n in plan.new_aanbieders] == [
        "Voorbeeld Jeugdhulp Haaksbergen",
        "Voorbeeld Wmo Begeleiding",
        "Voorbeeld Dyslexiezorg",
    ]
    _, counts = _apply(empty_world, SAMPLE)
    assert counts["toegevoegd"] == 7 and counts["nieuwe aanbieders"] == 3 and counts["uitnodigingen"] == 1
    summary = summarise(counts)
    assert summary == "7 toegevoegd, 0 gewijzigd, 0 beëindigd, 3 nieuwe aanbieders, 1 uitnodiging"
    with Session(empty_world.engine) as db:
        assert len(db.exec(select(Contract)).all()) == 6
        assert [d.dakje for d in db.exec(select(DakjeScope))] == ["1"]
        user = db.exec(select(Gebruiker).where(Gebruiker.email == "contact@voorbeeld-wmo.example")).one()
        assert user.rol == "aanbieder"
        assert db.exec(select(UitgaandBericht).where(UitgaandBericht.aan == user.email)).one()
    again = _plan(empty_world, SAMPLE)
    assert again.added == again.changed == again.ended == [] and again.unchanged == 7
    assert not again.can_apply


def test_regels_die_niet_meer_in_het_register_staan_worden_beeindigd(empty_world):
    _apply(empty_world, SAMPLE)
    shorter = b"\n".join(line for line in SAMPLE.split(b"\n") if b";3;B;" not in line)
    changed = shorter.replace(b"jeugd;1;B;;2026-01-01;;", b"jeugd;1;B;;2026-01-01;2026-12-31;")
    plan = _plan(empty_world, changed)
    assert plan.errors == []
    assert len(plan.ended) == 1 and "OB3 niveau B" in plan.ended[0]
    assert len(plan.changed) == 1 and "einddatum geen wordt 31-12-2026" in plan.changed[0]
    _apply(empty_world, changed)
    with Session(empty_world.engine) as db:
        ended = db.exec(select(Contract).where(Contract.product == "3")).one()
        assert ended.geldig_tot == TODAY - timedelta(days=1)
    assert not _plan(empty_world, changed).can_apply  # applying the same file again changes nothing


def test_andere_gemeenten_blijven_ongemoeid(small_world):
    running = or_(Contract.geldig_tot.is_(None), Contract.geldig_tot >= TODAY)
    with Session(small_world.engine) as db:
        before = len(db.exec(select(Contract).where(running)).all())
        haaksbergen = db.exec(select(Gemeente.id).where(Gemeente.cbs_code == "GM0158")).one()
        in_haaksbergen = len(
            db.exec(select(Contract).where(running, Contract.gemeente_id == haaksbergen)).all()
        )
    plan = _plan(small_world, SAMPLE)
    assert len([e for e in plan.ended if "Haaksbergen" in e]) == len(plan.ended)
    assert len([e for e in plan.ended if "dakje" not in e]) == in_haaksbergen
    assert before > in_haaksbergen


def test_foute_regels_met_regelnummer_en_er_verandert_niets(empty_world):
    content = (
        HEADER
        + "90000001;A;GM0153;jeugd;1;A;;2026-01-01;\n"  # line 2: fine
        + "1234;B;GM0153;jeugd;1;A;;2026-01-01;\n"  # 3: bad KvK
        + "90000002;C;GM9999;jeugd;1;A;;2026-01-01;\n"  # 4: unknown gemeente
        + "90000003;D;GM0153;wmo;3;A;;2026-01-01;\n"  # 5: OB3 only jeugd
        + "90000004;E;GM0153;jeugd;1;E;;2026-01-01;\n"  # 6: E only with OB4
        + "90000005;F;GM0153;jeugd;2;A;;31-02-2026;\n"  # 7: no such date
        + "90000006;G;GM0153;jeugd;2;A;;2026-03-01;2026-01-01\n"  # 8: ends before it starts
        + "90000001;A;GM0153;jeugd;1;A;;2026-01-01;\n"  # 9: duplicate of line 2
        + "90000007;H;GM0153;;;;2;2026-01-01;\n"  # 10: dakje 2 without an OB contract
        + "90000008;;GM0153;jeugd;1;A;;2026-01-01;\n"  # 11: new KvK without a name
    ).encode()
    plan = _plan(empty_world, content)
    lines = [line for line, _ in plan.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    messages = dict(plan.errors)
    assert "8 cijfers" in messages[3] and "GM9999" in messages[4] and "regel 2" in messages[9]
    assert "datum" in messages[7] and "voor geldig vanaf" in messages[8]
    assert not plan.can_apply
    with Session(empty_world.engine) as db, pytest.raises(RuleViolation):
        apply_contracts(db, plan, SYSTEM, "http://test")
    with Session(empty_world.engine) as db:
        assert db.exec(select(Aanbieder)).all() == []


def test_ontbrekende_kolommen_en_onleesbaar_bestand(empty_world):
    assert _plan(empty_world, b"kvk;naam\n12345678;x\n").errors[0][1].startswith("Deze kolommen ontbreken")
    assert "CSV" in _plan(empty_world, b"x", name="register.pdf").errors[0][1]
    assert "Excel" in _plan(empty_world, b"geen zip", name="register.xlsx").errors[0][1]


def test_xlsx_met_datums_en_getallen(empty_world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["KvK", "Naam", "Gemeente CBS code", "Perceel", "OB", "Niveau", "Dakje", "Geldig vanaf", "Geldig tot"]
    )
    sheet.append([90000011, "Excel Zorg", "GM0153", "jeugd", 2, "C", None, date(2026, 1, 1), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = _plan(empty_world, buffer.getvalue(), name="register.xlsx")
    assert plan.errors == [] and plan.added == ["Excel Zorg (90000011), Enschede: jeugd OB2 niveau C"]


def test_resultaten_importeren(small_world):
    with Session(small_world.engine) as db:
        existing = db.exec(select(Resultaat).order_by(Resultaat.id)).first()
        aanbieder = db.get(Aanbieder, existing.aanbieder_id)
    content = (
        "kvk,periode,indicator,teller,noemer,bron\n"
        f"{aanbieder.kvk},2027,3.1,8,10,regio\n"
        f"{aanbieder.kvk},{existing.periode},{existing.indicator},{existing.teller},{existing.noemer},{existing.bron}\n"
        f"{aanbieder.kvk},2027,3.1,8,10,regio\n"
        f"{aanbieder.kvk},2027,onzin,1,2,\n"
        f"{aanbieder.kvk},2027,3.2,12,10,\n"
        "99999999,2027,3.1,1,2,\n"
    ).encode()
    plan = _plan(small_world, content, soort="resultaten")
    assert [line for line, _ in plan.errors] == [4, 5, 6, 7]
    good = b"\n".join(content.split(b"\n")[:3]) + b"\n"
    plan, counts = _apply(small_world, good, soort="resultaten")
    assert counts == {"toegevoegd": 1, "gewijzigd": 0} and plan.unchanged == 1
    with Session(small_world.engine) as db:
        row = db.exec(
            select(Resultaat).where(Resultaat.aanbieder_id == aanbieder.id, Resultaat.periode == "2027")
        ).one()
        assert (row.teller, row.noemer) == (8, 10)


def test_doelrealisatie_alleen_voor_aanbieders_met_een_jeugdcontract(small_world):
    with Session(small_world.engine) as db:
        jeugd = select(Contract.aanbieder_id).where(Contract.perceel == "jeugd")
        wmo_only = db.exec(
            select(Aanbieder).join(Contract).where(Contract.perceel == "wmo", Aanbieder.id.not_in(jeugd))
        ).first()
    content = (
        "kvk,periode,indicator,teller,noemer\n"
        f"{wmo_only.kvk},2027,uitval,1,10\n"
        f"{wmo_only.kvk},2027,3.4,8,10\n"
    ).encode()
    plan = _plan(small_world, content, soort="resultaten")
    assert plan.errors == [
        (
            3,
            f"Indicator 3.4 (doelrealisatie) hoort bij jeugdhulp, en {wmo_only.naam}"
            " heeft geen contract voor jeugd.",
        )
    ]


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(xlsx: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed (to make the files attackers send)."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def test_ieder_bestand_krijgt_een_nederlandse_melding(empty_world):
    register = SAMPLE.decode("utf-8")
    for content, name in (
        (os.urandom(5000), "register.csv"),
        (b"\x00\x01\x02binary" * 100, "register.txt"),
        (b"", "register.csv"),
        (b"PK\x03\x04 not really a zip", "register.csv"),
    ):
        plan = _plan(empty_world, content, name)
        assert plan.errors and plan.errors[0][0] in (0, 1), name
    for encoding in ("utf-8-sig", "utf-16", "utf-16-le", "cp1252"):
        text = register.replace("Voorbeeld Jeugdhulp", "Voorbeeld Jeugdhülp")
        assert _plan(empty_world, text.encode(encoding)).errors == [], encoding
    renamed = _workbook(
        [
            HEADER.strip().split(";"),
            [90000011, "Excel Zorg", "GM0153", "jeugd", 2, "C", None, "2026-01-01", None],
        ]
    )
    assert _plan(empty_world, renamed, name="register.csv").added  # read as the Excel file it is


def test_xlsx_bommen_worden_snel_en_zuinig_geweigerd_of_gelezen(empty_world):
    rows = [
        HEADER.strip().split(";"),
        [90000011, "Excel Zorg", "GM0153", "jeugd", 2, "C", None, "2026-01-01", None],
    ]
    claims_huge = _rewrite_sheet(
        _workbook(rows),
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    started = time.monotonic()
    assert _plan(empty_world, claims_huge, name="register.xlsx").added  # the claimed size is ignored
    assert time.monotonic() - started < 5
    padded = _rewrite_sheet(
        _workbook(rows), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 60_000_000)
    )
    assert len(padded) < 1_000_000  # a small upload that unpacks to 60 MB
    started = time.monotonic()
    assert "uitgepakt groter dan 50 MB" in _plan(empty_world, padded, name="register.xlsx").errors[0][1]
    assert time.monotonic() - started < 5
    wide = _workbook([[f"k{i}" for i in range(500)]])
    assert _plan(empty_world, wide, name="register.xlsx").errors  # 50 columns are read, no more


def test_dakje_vraagt_een_ob_contract_voor_dezelfde_dagen_en_e_sluit_abc_uit(empty_world):
    ob_2027 = "90000021;Verblijf Twente;GM0153;jeugd;2;B;;2027-01-01;2027-06-30\n"
    dakje_late = "90000021;Verblijf Twente;GM0153;;;;2;2027-07-01;\n"
    plan = _plan(empty_world, (HEADER + ob_2027 + dakje_late).encode())
    assert any("Dakje 2 kan alleen" in message and line == 3 for line, message in plan.errors)
    dakje_same = "90000021;Verblijf Twente;GM0153;;;;2;2027-03-01;2027-06-30\n"
    assert _plan(empty_world, (HEADER + ob_2027 + dakje_same).encode()).errors == []
    e_and_a = (
        "90000022;Kinderziekenhuis;GM0153;jeugd;4;E;;2026-01-01;\n"
        "90000022;Kinderziekenhuis;GM0164;jeugd;1;A;;2026-01-01;\n"  # another gemeente: still not allowed
    )
    assert any("niveau E" in message for _, message in _plan(empty_world, (HEADER + e_and_a).encode()).errors)


KENMERKEN_HEADER = (
    "KvK;Naam;Gemeente;Perceel;OB;Niveau;Dakje;Maatregelhulp;Geldig vanaf;Geldig tot;"
    "Ambulante spoedhulp;Coördinatiepunt;Diagnostiek\n"
)


def test_spoedhulp_diagnostiek_en_maatregelhulp_komen_uit_het_register(empty_world):
    from keuzehulp.models import Maatregelhulp

    content = (
        KENMERKEN_HEADER
        + "90000011;GI Twente;GM0153;;;;;ots-kort;2026-01-01;;;;\n"
        + "90000011;GI Twente;GM0153;;;;;jeugdzorgplus;2026-01-01;2027-12-31;;;\n"
        + "90000012;Spoed Jeugd;GM0153;jeugd;1;B;;;2026-01-01;;ja;ja;enkelvoudig en integraal\n"
        + "90000012;Spoed Jeugd;GM0153;jeugd;2;B;;;2026-01-01;;;;\n"
    ).encode()
    plan = _plan(empty_world, content)
    assert plan.errors == []
    assert any("maatregelhulp ots-kort" in a for a in plan.added)
    assert plan.changed == [
        "Spoed Jeugd (90000012): ambulante spoedhulp ja, aangesloten op het coördinatiepunt ja,"
        " diagnostiek enkelvoudig en integraal"
    ]
    _apply(empty_world, content)
    with Session(empty_world.engine) as db:
        spoed = db.exec(select(Aanbieder).where(Aanbieder.kvk == "90000012")).one()
        assert (spoed.ambulante_spoedhulp, spoed.coordinatiepunt) == (True, True)
        assert spoed.diagnostiek == ["enkelvoudig", "integraal"]
        soorten = db.exec(select(Maatregelhulp.soort).order_by(Maatregelhulp.soort)).all()
        assert soorten == ["jeugdzorgplus", "ots-kort"]
    assert not _plan(empty_world, content).can_apply  # the same file again changes nothing
    # empty cells keep what is stored; a file without the maatregelhulp line ends it
    later = content.replace(b"ja;ja;enkelvoudig en integraal", b";;geen").replace(
        b"90000011;GI Twente;GM0153;;;;;ots-kort;2026-01-01;;;;\n", b""
    )
    plan = _plan(empty_world, later)
    assert plan.changed == ["Spoed Jeugd (90000012): diagnostiek geen"]
    assert [e for e in plan.ended if "ots-kort" in e]


def test_foute_kenmerken_met_regelnummer(empty_world):
    content = (
        KENMERKEN_HEADER
        + "90000021;A;GM0153;wmo;1;A;;;2026-01-01;;ja;ja;\n"  # 2: spoedhulp without jeugd
        + "90000022;B;GM0153;jeugd;1;A;;;2026-01-01;;ja;nee;\n"  # 3: not connected
        + "90000023;C;GM0153;jeugd;1;A;;;2026-01-01;;misschien;;\n"  # 4: not ja/nee
        + "90000024;D;GM0153;jeugd;1;A;;;2026-01-01;;;;soms\n"  # 5: unknown diagnostiek
        + "90000025;E;GM0153;;;;;ots-heel-lang;2026-01-01;;;;\n"  # 6: unknown maatregelhulp
        + "90000026;F;GM0153;jeugd;1;A;;voogdij;2026-01-01;;;;\n"  # 7: maatregelhulp with an OB
        + "90000027;G;GM0153;jeugd;1;A;;;2026-01-01;;;;integraal\n"
        + "90000027;G;GM0153;jeugd;1;B;;;2026-01-01;;;;enkelvoudig\n"  # 9: contradicts line 8
        + "90000028;H;GM0153;wmo;;;0-A;;2026-01-01;;;;\n"  # 10: pleegzorg is jeugd
    ).encode()
    plan = _plan(empty_world, content)
    assert [line for line, _ in plan.errors] == [2, 3, 4, 5, 6, 7, 9, 10]
    assert "Dakje 0-A hoort bij jeugd, niet bij wmo" in dict(plan.errors)[10]
    messages = dict(plan.errors)
    assert "hoort bij jeugdhulp" in messages[2] and "coördinatiepunt" in messages[3]
    assert "'ja' of 'nee'" in messages[4] and "enkelvoudig, integraal, beide of geen" in messages[5]
    assert "Onbekende maatregelhulp" in messages[6] and "geen OB, niveau of dakje" in messages[7]
    assert "iets anders over diagnostiek" in messages[9]
