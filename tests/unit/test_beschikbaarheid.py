"""Wachttijd and plek per kind of help: the rules (which figure answers, freshness, instroomstop) and
storing them (history, audit, change log, optimistic locking)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from keuzehulp import clock
from keuzehulp.domain.beschikbaarheid import (
    ALL,
    Figure,
    Stop,
    availability,
    check_figure,
    dakje_key,
    dakje_of,
    hulp_key,
    settings_of,
)
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import (
    Aanbieder,
    AuditRegel,
    ChangeLog,
    Contract,
    DakjeScope,
    Gemeente,
    WachttijdMelding,
)
from keuzehulp.models.periods import current
from keuzehulp.queries.beschikbaarheid import lines, state, stop_of
from keuzehulp.services import beschikbaarheid as service
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.profiel import Conflict

DAY = date(2026, 3, 2)
ENSCHEDE, HENGELO = "GM0153", "GM0164"
TODAY = clock.today()  # the day the demo's contracts are current


def _figure(hulp="jeugd/2", gemeente=None, start=3, plekken=None, op=DAY):
    return Figure(hulp, gemeente, None, start, plekken, op)


def test_de_sleutels_van_soorten_hulp():
    assert hulp_key("jeugd", "2") == "jeugd/2" and hulp_key("dyslexie", None) == "dyslexie"
    assert dakje_key("0-A") == "dakje/0-A" and dakje_of("dakje/0-A") == "0-A" and dakje_of("jeugd/2") is None


def test_het_cijfer_van_de_gemeente_gaat_voor_het_cijfer_voor_alle_gemeenten():
    figures = [_figure(start=8), _figure(gemeente=ENSCHEDE, start=2), _figure("jeugd/3", start=1)]
    assert availability(figures, [], "jeugd/2", ENSCHEDE, DAY).start == 2
    assert availability(figures, [], "jeugd/2", HENGELO, DAY).start == 8
    assert availability(figures, [], "jeugd/4", HENGELO, DAY).figure is None


def test_onbekend_is_nooit_nul_en_een_vrije_plek_is_nu_starten():
    unknown = availability([], [], "jeugd/2", ENSCHEDE, DAY)
    assert unknown.start is None and not unknown.plek
    plek = availability([_figure("dakje/2", start=None, plekken=1)], [], "dakje/2", ENSCHEDE, DAY)
    assert plek.start == 0 and plek.plek
    geen = availability([_figure("dakje/2", start=5, plekken=0)], [], "dakje/2", ENSCHEDE, DAY)
    assert geen.start == 5 and not geen.plek


def test_een_cijfer_ouder_dan_de_versheid_van_de_regio_is_mogelijk_verouderd_en_telt_niet():
    weeks = settings_of("twente").vers_weken
    assert weeks == 6
    fresh = availability([_figure(op=DAY - timedelta(weeks=weeks))], [], "jeugd/2", ENSCHEDE, DAY)
    assert not fresh.verouderd and fresh.start == 3
    stale = availability([_figure(op=DAY - timedelta(weeks=weeks, days=1))], [], "jeugd/2", ENSCHEDE, DAY)
    assert stale.verouderd and stale.start is None and stale.figure.weken_start == 3


def test_een_lopende_instroomstop_telt_voor_de_hulp_en_de_gemeente_die_hij_noemt():
    figures = [_figure(start=1)]
    stop = Stop("jeugd/2", ENSCHEDE, "vol", DAY, DAY + timedelta(days=10))
    assert availability(figures, [stop], "jeugd/2", ENSCHEDE, DAY).start is None
    assert availability(figures, [stop], "jeugd/2", HENGELO, DAY).start == 1
    assert availability(figures, [stop], "jeugd/2", ENSCHEDE, DAY + timedelta(days=11)).start == 1
    everything = Stop(ALL, None, "verbouwing", DAY + timedelta(days=1), None)
    assert availability(figures, [everything], "jeugd/2", HENGELO, DAY).start == 1  # not yet
    assert availability(figures, [everything], "jeugd/2", HENGELO, DAY + timedelta(days=1)).stop == everything


def test_de_norm_per_soort_hulp_het_meest_precieze_eerst():
    twente = settings_of("twente")
    assert twente.norm("dakje/2") == 2 and twente.norm("jeugd/3") == 6
    assert settings_of("nijmegen").norm("wmo/dagbesteding") == 6


def test_cijfers_buiten_het_bereik_krijgen_een_nederlandse_melding():
    assert check_figure(1, 3, None) == []
    assert "eerste contact" in check_figure(105, None, None)[0]
    assert "later" in check_figure(4, 2, None)[0]
    assert "vrije plekken" in check_figure(None, None, -1)[0]


def _contracted(world) -> tuple[int, str, str]:
    """An aanbieder with a current OB contract line and a dakje: its id, a product key and a dakje key."""
    with Session(world.engine) as db:
        dakje = db.exec(select(DakjeScope).where(current(DakjeScope, TODAY))).first()
        line = db.exec(
            select(Contract).where(
                Contract.aanbieder_id == dakje.aanbieder_id,
                Contract.product.is_not(None),
                current(Contract, TODAY),
            )
        ).first()
        return dakje.aanbieder_id, hulp_key(line.perceel, line.product), dakje_key(dakje.dakje)


def test_opslaan_bewaart_cijfers_met_historie_logboek_en_wijziging(small_world):
    aanbieder_id, product, dakje = _contracted(small_world)
    with Session(small_world.engine) as db:
        version = db.get(Aanbieder, aanbieder_id).beschikbaarheid_versie
        seq = len(db.exec(select(ChangeLog)).all())
        entries = [service.Entry(product, None, 1, 2), service.Entry(dakje, None, None, 3, plekken=1)]
        service.save(db, aanbieder_id, version, entries, SYSTEM, TODAY)
        db.commit()
        now = state(db, aanbieder_id)
        assert {(f.hulp, f.weken_start, f.plekken) for f in now.figures} == {
            (product, 2, None),
            (dakje, 3, 1),
        }
        history = db.exec(select(WachttijdMelding).where(WachttijdMelding.aanbieder_id == aanbieder_id)).all()
        assert {(h.hulp, h.weken, h.bevestigd_op) for h in history} >= {
            (product, 2, TODAY),
            (dakje, 3, TODAY),
        }
        assert db.exec(select(AuditRegel).where(AuditRegel.actie == "wachttijd gewijzigd")).first()
        assert len(db.exec(select(ChangeLog)).all()) == seq + 1
        with pytest.raises(Conflict):
            service.save(db, aanbieder_id, version, entries[:1], SYSTEM, TODAY)
        db.rollback()
        assert service.confirm_all(db, aanbieder_id, SYSTEM, TODAY + timedelta(days=7)) == 2
        db.commit()
        assert {f.bevestigd_op for f in state(db, aanbieder_id).figures} == {TODAY + timedelta(days=7)}


def test_opslaan_weigert_hulp_zonder_contract_en_plekken_buiten_een_dakje(small_world):
    aanbieder_id, product, dakje = _contracted(small_world)
    with Session(small_world.engine) as db:
        version = db.get(Aanbieder, aanbieder_id).beschikbaarheid_versie
        elsewhere = db.exec(select(Gemeente.cbs_code).where(Gemeente.cbs_code.startswith("GM"))).all()
        for entries in (
            [service.Entry("jeugd/9", None, None, 2)],
            [service.Entry(product, None, None, 2, plekken=1)],
            [service.Entry(product, None, None, None)],
            [service.Entry(product, None, 5, 2)],
            [service.Entry(product, None, None, 2), service.Entry(product, None, None, 3)],
        ):
            with pytest.raises(RuleViolation):
                service.save(db, aanbieder_id, version, entries, SYSTEM, TODAY)
        known = {line.hulp: line for line in lines(db, aanbieder_id, TODAY)}
        outside = next(code for code in elsewhere if code not in known[product].gemeenten)
        with pytest.raises(RuleViolation):
            service.save(db, aanbieder_id, version, [service.Entry(product, outside, None, 2)], SYSTEM, TODAY)


def test_instroomstop_zetten_en_opheffen(small_world):
    aanbieder_id, product, _ = _contracted(small_world)
    with Session(small_world.engine) as db:
        with pytest.raises(RuleViolation):
            service.set_stop(db, aanbieder_id, SYSTEM, product, None, "  ", None, TODAY)
        with pytest.raises(RuleViolation):
            service.set_stop(db, aanbieder_id, SYSTEM, product, None, "vol", TODAY - timedelta(days=1), TODAY)
        stop = service.set_stop(db, aanbieder_id, SYSTEM, product, None, "plafond bereikt", None, TODAY)
        db.commit()
        assert state(db, aanbieder_id).stops == (stop_of(stop, {}),)
        service.lift_stop(db, aanbieder_id, stop.id, SYSTEM, TODAY)
        db.commit()
        assert state(db, aanbieder_id).stops == ()
        with pytest.raises(RuleViolation):
            service.lift_stop(db, aanbieder_id, stop.id, SYSTEM, TODAY)
