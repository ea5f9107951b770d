"""What follows a change of wachttijden or stops: meldingen to the beheerders of the regions it
concerns (a wait above the norm, a new instroomstop), e-mails to wijkteams whose subscription came
true, and the reminders before figures go stale. On a fresh database with Twente and Regio
Nijmegen and an aanbieder of our own, with a fixed day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from keuzehulp.domain.beschikbaarheid import ALL, hulp_naam, kinds_of_help
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.models import (
    Aanbieder,
    Contract,
    DakjeScope,
    Gebruiker,
    Gemeente,
    Herinnering,
    UitgaandBericht,
)
from keuzehulp.services import abonnementen
from keuzehulp.services import beschikbaarheid as service
from keuzehulp.services.audit import SYSTEM
from keuzehulp.services.jobs import queue_reminders
from tests.support.accounts import add_user
from tests.support.world import build_world

DAY = date(2026, 3, 2)  # a Monday; every call gets its day, nothing reads the real date
URL = "http://keuzehulp.test"
ENSCHEDE, HENGELO, NIJMEGEN = "GM0153", "GM0164", "GM0268"
OB3, GGZ, DAKJE = "jeugd/3", "jeugd/jeugd-ggz", "dakje/2"
TWENTE_BEHEER, NIJMEGEN_BEHEER, SLAPEND = "beheer@twente.test", "beheer@nijmegen.test", "oud@twente.test"


@pytest.fixture
def world(database_factory, tmp_path):
    """Twente and Regio Nijmegen without demo aanbieders, with a beheerder per region (and an
    inactive one in Twente)."""
    world = build_world(database_factory.new_url(), tmp_path / "index", regios=("twente", "nijmegen"))
    add_user(world, TWENTE_BEHEER, "beheerder", regio="twente")
    add_user(world, NIJMEGEN_BEHEER, "beheerder", regio="nijmegen")
    add_user(world, SLAPEND, "beheerder", regio="twente")
    with Session(world.engine) as db:
        slapend = db.exec(select(Gebruiker).where(Gebruiker.email == SLAPEND)).one()
        slapend.actief = False
        db.add(slapend)
        db.commit()
    yield world
    world.engine.dispose()


def _aanbieder(world, slug: str = "de-wachtkamer", status: str = "actief", profiel_op: date = DAY) -> int:
    """An aanbieder with OB3 jeugd in Enschede and Hengelo, dakje 2 in Enschede and jeugd-GGZ in
    Nijmegen, all current on DAY, its profile confirmed on `profiel_op`; its id."""
    with Session(world.engine) as db:
        ids = dict(db.exec(select(Gemeente.cbs_code, Gemeente.id)).all())
        aanbieder = Aanbieder(
            slug=slug, naam="De Wachtkamer", kvk="12345678", status=status, profiel_bevestigd_op=profiel_op
        )
        db.add(aanbieder)
        db.flush()
        since = DAY - timedelta(days=365)
        for cbs, perceel, product, variant in (
            (ENSCHEDE, "jeugd", "3", "A"),
            (HENGELO, "jeugd", "3", "A"),
            (NIJMEGEN, "jeugd", "jeugd-ggz", None),
        ):
            db.add(Contract(aanbieder_id=aanbieder.id, gemeente_id=ids[cbs], perceel=perceel,
                            product=product, variant=variant, geldig_vanaf=since))  # fmt: skip
        db.add(DakjeScope(aanbieder_id=aanbieder.id, gemeente_id=ids[ENSCHEDE], dakje="2",
                          geldig_vanaf=since))  # fmt: skip
        db.commit()
        return aanbieder.id


def _mails(world, to: str) -> list[UitgaandBericht]:
    with Session(world.engine) as db:
        query = select(UitgaandBericht).where(UitgaandBericht.aan == to).order_by(UitgaandBericht.id)
        return list(db.exec(query))


def _save(world, aanbieder_id: int, entries: list, day: date = DAY) -> None:
    with Session(world.engine) as db:
        version = db.get(Aanbieder, aanbieder_id).beschikbaarheid_versie
        service.save(db, aanbieder_id, version, entries, SYSTEM, day, public_url=URL)
        db.commit()


def _confirm(world, aanbieder_id: int, day: date) -> None:
    with Session(world.engine) as db:
        service.confirm_all(db, aanbieder_id, SYSTEM, day, public_url=URL)
        db.commit()


def _stop(world, aanbieder_id: int, hulp: str, gemeente: str | None, reden: str, tot: date | None) -> int:
    with Session(world.engine) as db:
        stop = service.set_stop(db, aanbieder_id, SYSTEM, hulp, gemeente, reden, tot, DAY, public_url=URL)
        db.commit()
        return stop.id


def test_de_namen_van_soorten_hulp_komen_uit_het_model_van_de_regio():
    assert hulp_naam(OB3, "twente") == "Jeugd OB3" and hulp_naam(DAKJE, "twente") == "Dakje 2"
    assert hulp_naam("dyslexie", "twente") == "Dyslexie (EED)"
    assert hulp_naam("wmo/wmo-begeleiding", "nijmegen") == "Wmo Begeleiding"
    assert hulp_naam("jeugd/9", "twente") == "jeugd/9"  # unknown: the key itself
    twente = dict(kinds_of_help("twente"))
    assert {OB3, "wmo/2", "dyslexie", DAKJE} <= set(twente) and "wmo/3" not in twente
    assert not any(key.startswith("dakje/") for key, _ in kinds_of_help("nijmegen"))


def test_melding_boven_de_norm_eenmaal_en_alleen_aan_de_beheerders_van_die_regio(world):
    aanbieder_id = _aanbieder(world)
    _save(world, aanbieder_id, [service.Entry(OB3, None, 1, 6)])  # the norm itself: not above
    assert _mails(world, TWENTE_BEHEER) == []
    _save(world, aanbieder_id, [service.Entry(OB3, None, 2, 9)])
    [melding] = _mails(world, TWENTE_BEHEER)
    assert melding.onderwerp == "Wachttijd boven de norm bij De Wachtkamer"
    assert "Jeugd OB3 in Enschede en Hengelo" in melding.tekst and "over 9 weken" in melding.tekst
    assert "De norm is 6 weken" in melding.tekst and "Twente" in melding.tekst
    assert f"{URL}/beheer/aanbieders/de-wachtkamer" in melding.tekst
    assert _mails(world, NIJMEGEN_BEHEER) == [] and _mails(world, SLAPEND) == []

    _confirm(world, aanbieder_id, DAY + timedelta(days=7))  # unchanged: nothing new
    _save(world, aanbieder_id, [service.Entry(OB3, None, 2, 12)], DAY + timedelta(days=8))  # still above
    assert len(_mails(world, TWENTE_BEHEER)) == 1

    _save(world, aanbieder_id, [service.Entry(OB3, None, 2, 12), service.Entry(GGZ, None, 3, 8)])
    [nijmegen] = _mails(world, NIJMEGEN_BEHEER)
    assert "Jeugdhulp GGZ in Nijmegen" in nijmegen.tekst and "Regio Nijmegen" in nijmegen.tekst
    assert "Enschede" not in nijmegen.tekst and len(_mails(world, TWENTE_BEHEER)) == 1

    # Back under the norm in Hengelo only, then above again there: Hengelo's line is new.
    _save(world, aanbieder_id, [service.Entry(OB3, None, 2, 12), service.Entry(OB3, HENGELO, 1, 3)])
    _save(world, aanbieder_id, [service.Entry(OB3, None, 2, 12), service.Entry(OB3, HENGELO, 1, 7)])
    last = _mails(world, TWENTE_BEHEER)[-1]
    assert len(_mails(world, TWENTE_BEHEER)) == 2 and "Jeugd OB3 in Hengelo: " in last.tekst
    assert "Enschede" not in last.tekst


def test_melding_bij_een_nieuwe_instroomstop_in_de_regios_die_hij_raakt(world):
    aanbieder_id = _aanbieder(world)
    _stop(world, aanbieder_id, OB3, ENSCHEDE, "Plafond bereikt", DAY + timedelta(days=30))
    [melding] = _mails(world, TWENTE_BEHEER)
    assert melding.onderwerp == "Instroomstop bij De Wachtkamer"
    assert 'Instroomstop voor Jeugd OB3 in Enschede: "Plafond bereikt"' in melding.tekst
    assert "tot en met 1 april 2026" in melding.tekst
    assert _mails(world, NIJMEGEN_BEHEER) == []

    stop_id = _stop(world, aanbieder_id, ALL, None, "Verbouwing", None)
    assert len(_mails(world, TWENTE_BEHEER)) == 2
    [nijmegen] = _mails(world, NIJMEGEN_BEHEER)
    assert "alle soorten hulp in alle gemeenten" in nijmegen.tekst and "opheft" in nijmegen.tekst
    with Session(world.engine) as db:
        service.lift_stop(db, aanbieder_id, stop_id, SYSTEM, DAY, public_url=URL)
        db.commit()
    assert len(_mails(world, TWENTE_BEHEER)) == 2 and len(_mails(world, NIJMEGEN_BEHEER)) == 1


def _subscriber(world, email: str, gemeente: str, hulp: str, soort: str, weken: str = "") -> None:
    add_user(world, email, "wijkteam", gemeente=gemeente)
    with Session(world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == email)).one()
        abonnementen.add(db, user, {"gemeente": gemeente, "hulp": hulp, "soort": soort, "weken": weken})
        db.commit()


def test_abonnement_krijgt_een_mail_precies_als_het_waar_wordt(world):
    aanbieder_id = _aanbieder(world)
    _subscriber(world, "start@enschede.test", ENSCHEDE, OB3, "start", "4")
    _subscriber(world, "plek@enschede.test", ENSCHEDE, DAKJE, "plek")
    _subscriber(world, "start@hengelo.test", HENGELO, OB3, "start", "1")

    _save(world, aanbieder_id, [service.Entry(OB3, None, 2, 6)])  # 6 weeks: not within 4
    assert _mails(world, "start@enschede.test") == []
    _save(world, aanbieder_id, [service.Entry(OB3, None, 1, 3)])
    [mail] = _mails(world, "start@enschede.test")
    assert "De Wachtkamer" in mail.onderwerp
    assert "Jeugd OB3 in Enschede: kan starten binnen 4 weken" in mail.tekst
    assert f"{URL}/aanbieders/de-wachtkamer" in mail.tekst and f"{URL}/wijkteam/meldingen" in mail.tekst
    assert _mails(world, "start@hengelo.test") == [] and _mails(world, "plek@enschede.test") == []

    _confirm(world, aanbieder_id, DAY + timedelta(days=1))  # unchanged and still true: nothing
    _save(world, aanbieder_id, [service.Entry(OB3, None, 1, 2)], DAY + timedelta(days=2))
    assert len(_mails(world, "start@enschede.test")) == 1

    entries = [service.Entry(OB3, None, 1, 2), service.Entry(DAKJE, None, None, 3, plekken=0)]
    _save(world, aanbieder_id, entries)
    assert _mails(world, "plek@enschede.test") == []
    _save(world, aanbieder_id, [entries[0], service.Entry(DAKJE, None, None, 3, plekken=2)])
    assert len(_mails(world, "plek@enschede.test")) == 1

    # A stop makes it untrue; lifting it makes it true again, and that is news.
    stop_id = _stop(world, aanbieder_id, OB3, None, "Vol", None)
    with Session(world.engine) as db:
        service.lift_stop(db, aanbieder_id, stop_id, SYSTEM, DAY, public_url=URL)
        db.commit()
    assert len(_mails(world, "start@enschede.test")) == 2
    # A stale figure does not count: confirming it after the region's 6 weeks makes it count again.
    _confirm(world, aanbieder_id, DAY + timedelta(weeks=7))
    assert len(_mails(world, "start@enschede.test")) == 3


def test_abonnement_telt_alleen_actieve_aanbieders_en_leden(world):
    stil = _aanbieder(world, "opgeschort", status="opgeschort")
    _subscriber(world, "start@enschede.test", ENSCHEDE, OB3, "start", "4")
    _save(world, stil, [service.Entry(OB3, None, 1, 1)])
    assert _mails(world, "start@enschede.test") == []
    _subscriber(world, "weg@enschede.test", ENSCHEDE, OB3, "start", "4")
    with Session(world.engine) as db:
        weg = db.exec(select(Gebruiker).where(Gebruiker.email == "weg@enschede.test")).one()
        weg.actief = False
        db.add(weg)
        db.commit()
    actief = _aanbieder(world, "wel-actief")
    _save(world, actief, [service.Entry(OB3, None, 1, 1)])
    assert len(_mails(world, "start@enschede.test")) == 1 and _mails(world, "weg@enschede.test") == []


def test_abonnement_regels(world):
    add_user(world, "lid@enschede.test", "wijkteam", gemeente=ENSCHEDE)
    with Session(world.engine) as db:
        user = db.exec(select(Gebruiker).where(Gebruiker.email == "lid@enschede.test")).one()

        def problems(**values):
            return abonnementen.problems(db, user, {"gemeente": ENSCHEDE, "hulp": OB3, "soort": "start",
                                                    "weken": "4"} | values)  # fmt: skip

        assert problems() == {}
        assert "gemeente" in problems(gemeente=HENGELO)  # not the member's
        assert "hulp" in problems(hulp="jeugd/jeugd-ggz") and "hulp" in problems(hulp="")
        assert "dakje" in problems(soort="plek")["soort"]
        assert problems(hulp=DAKJE, soort="plek", weken="") == {}
        assert "weken" in problems(weken="3") and "soort" in problems(soort="altijd")
        abonnementen.add(db, user, {"gemeente": ENSCHEDE, "hulp": OB3, "soort": "start", "weken": "4"})
        assert problems()["hulp"] == "Deze melding heeft u al."
        with pytest.raises(RuleViolation):
            abonnementen.add(db, user, {"gemeente": HENGELO, "hulp": OB3, "soort": "start", "weken": "4"})


def _staf(world, aanbieder_id: int) -> str:
    email = f"staf{aanbieder_id}@aanbieder.test"
    add_user(world, email, "aanbieder", aanbieder_id=aanbieder_id)
    return email


def _remind(world, day: date) -> int:
    with Session(world.engine) as db:
        count = queue_reminders(db, day, URL)
        db.commit()
        return count


def test_herinnering_een_week_voor_het_eerste_cijfer_verouderd_raakt(world):
    aanbieder_id = _aanbieder(world, profiel_op=DAY + timedelta(weeks=8))  # its profile is no part of this
    staf = _staf(world, aanbieder_id)
    _save(world, aanbieder_id, [service.Entry(OB3, None, 1, 3), service.Entry(DAKJE, None, None, 1, 1)])
    stale_on = DAY + timedelta(weeks=6, days=1)  # Twente: 6 weeks fresh
    _remind(world, stale_on - timedelta(days=8))
    assert _mails(world, staf) == []
    _remind(world, stale_on - timedelta(days=7))
    [mail] = _mails(world, staf)
    assert mail.onderwerp == "Kloppen uw wachttijden op Keuzehulp Twente nog?"
    assert "Vanaf 14 april 2026" in mail.tekst and "bevestigd op 2 maart 2026" in mail.tekst
    assert "Alles klopt nog" in mail.tekst and f"{URL}/aanbieder/wachttijden" in mail.tekst
    assert "profiel" not in mail.tekst
    for day in (stale_on - timedelta(days=7), stale_on - timedelta(days=3), stale_on + timedelta(days=5)):
        assert _remind(world, day) == 0  # once: not again, not when it has gone stale
    assert len(_mails(world, staf)) == 1

    confirmed = stale_on + timedelta(days=5)
    _confirm(world, aanbieder_id, confirmed)
    again = confirmed + timedelta(weeks=5, days=1)
    _remind(world, again - timedelta(days=1))
    assert len(_mails(world, staf)) == 1
    _remind(world, again)
    assert len(_mails(world, staf)) == 2
    with Session(world.engine) as db:
        keys = set(db.exec(select(Herinnering.bevestigd_op).where(Herinnering.aanbieder_id == aanbieder_id)))
    assert keys == {DAY, confirmed}


def test_profiel_en_wachttijden_van_dezelfde_dag_krijgen_elk_hun_herinnering(world):
    aanbieder_id = _aanbieder(world)
    staf = _staf(world, aanbieder_id)
    _save(world, aanbieder_id, [service.Entry(OB3, None, 1, 3)])  # the profile is confirmed on DAY too
    _remind(world, DAY + timedelta(weeks=5, days=1))
    assert len(_mails(world, staf)) == 1
    _remind(world, DAY + timedelta(days=56))
    assert len(_mails(world, staf)) == 1  # the profile is not 8 weeks old yet
    _remind(world, DAY + timedelta(days=57))
    mails = _mails(world, staf)
    assert len(mails) == 2 and mails[1].onderwerp == "Klopt uw profiel op Keuzehulp Twente nog?"
    assert f"{URL}/aanbieder/profiel" in mails[1].tekst and "wachttijden van" not in mails[1].tekst
    assert _remind(world, DAY + timedelta(days=58)) == 0 and len(_mails(world, staf)) == 2


def test_geen_herinnering_over_wachttijden_zonder_cijfers_of_voor_een_opgeschorte_aanbieder(world):
    zonder = _aanbieder(world)
    stil = _aanbieder(world, "stil", status="opgeschort")
    _save(world, stil, [service.Entry(OB3, None, 1, 3)])
    staf_zonder, staf_stil = _staf(world, zonder), _staf(world, stil)
    _remind(world, DAY + timedelta(weeks=6))
    assert _mails(world, staf_zonder) == [] and _mails(world, staf_stil) == []
