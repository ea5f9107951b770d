"""Writing aanbieders: rules refuse bad data and change nothing; every write is in the change log."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session, func, select

from keuzehulp.db import session_scope
from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.twents_model import check_contract, check_contract_set
from keuzehulp.domain.validation import valid_phone
from keuzehulp.models import Aanbieder, ChangeLog, Contract, DakjeScope, Vestiging
from keuzehulp.services.aanbieders import (
    AanbiederData,
    ContractLine,
    DakjeLine,
    create_aanbieders,
    set_status,
)
from keuzehulp.services.demo import DemoGenerator

START = date(2025, 1, 1)


def aanbieder(**changes) -> AanbiederData:
    data = AanbiederData(
        slug="test-zorg",
        naam="Test Zorg",
        kvk="12345678",
        contracten=[ContractLine("GM0153", "jeugd", "2", "B", START)],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_aanmaken_schrijft_een_regel_in_het_wijzigingslog(empty_world):
    with session_scope(empty_world.engine) as session:
        [aid] = create_aanbieders(session, [aanbieder()])
    with Session(empty_world.engine) as session:
        assert [c.aanbieder_id for c in session.exec(select(ChangeLog))] == [aid]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contracten": [ContractLine("GM0153", "wmo", "3", "A", START)]}, "alleen voor jeugd"),
        ({"kvk": "123"}, "KvK-nummer"),
        ({"dakjes": [DakjeLine("GM0164", "2", START)]}, "Dakje 2 kan alleen"),
        (
            {
                "contracten": [
                    ContractLine("GM0153", "jeugd", "4", "E", START),
                    ContractLine("GM0153", "jeugd", "4", "A", START),
                ]
            },
            "niveau E",
        ),
        ({"contracten": [ContractLine("GM9999", "jeugd", "1", "A", START)]}, "Onbekende gemeente"),
        ({"telefoon": "053-526349"}, "telefoonnummer in met 10 cijfers"),
    ],
)
def test_regels_weigeren_en_er_verandert_niets(empty_world, changes, message):
    good = aanbieder(slug="goed", naam="Goed")
    with pytest.raises(RuleViolation, match=message), session_scope(empty_world.engine) as session:
        create_aanbieders(session, [good, aanbieder(**changes)])
    assert count(empty_world.engine, Aanbieder) == 0
    assert count(empty_world.engine, ChangeLog) == 0


def test_status_wijzigen_verhoogt_versie_en_logt(small_world):
    with Session(small_world.engine) as session:
        slug = session.exec(select(Aanbieder.slug).where(Aanbieder.status == "actief")).first()
        before = count(small_world.engine, ChangeLog)
    with session_scope(small_world.engine) as session:
        changed = set_status(session, slug, "opgeschort")
        assert changed.version == 2
    assert count(small_world.engine, ChangeLog) == before + 1
    with pytest.raises(RuleViolation, match="Onbekende status"), session_scope(small_world.engine) as session:
        set_status(session, slug, "weg")


def test_demogenerator_is_deterministisch_en_volgt_de_regels(empty_world):
    with Session(empty_world.engine) as session:
        first = DemoGenerator(session, seed=11, reference_date=date(2026, 6, 1)).generate(300)
        again = DemoGenerator(session, seed=11, reference_date=date(2026, 6, 1)).generate(300)
        other = DemoGenerator(session, seed=12, reference_date=date(2026, 6, 1)).generate(300)
    assert first == again
    assert [a.naam for a in first] != [a.naam for a in other]
    for item in first:
        per_gemeente: dict[str, list] = {}
        for line in item.contracten:
            check_contract(line.perceel, line.product, line.variant)
            per_gemeente.setdefault(line.gemeente, []).append((line.perceel, line.product, line.variant))
        for lines in per_gemeente.values():
            check_contract_set(lines)
    assert len({a.slug for a in first}) == 300
    assert all(valid_phone(a.telefoon) for a in first)  # the profile form accepts what the demo stores


def test_demodata_is_gevarieerd(empty_world):
    """Names and descriptions come from a rich vocabulary, not a handful of repeated words."""
    with Session(empty_world.engine) as session:
        items = DemoGenerator(session, seed=5, reference_date=date(2026, 6, 1)).generate(400)
    names = Counter(a.naam for a in items)
    assert len(names) > 350
    sentences = {s for a in items for s in a.beschrijving.split(". ")}
    assert len(sentences) > 150
    words = {w.lower() for a in items for w in a.beschrijving.split()}
    assert len(words) > 600
    kinds = Counter(len(a.vestigingen) > 1 for a in items)
    assert kinds[True] > 30 and kinds[False] > 200  # large regional and small local ones


def test_demodata_in_de_database(small_world):
    engine = small_world.engine
    assert count(engine, Aanbieder) == 60
    assert count(engine, Contract) > 300
    assert count(engine, Vestiging) >= 60
    with Session(engine) as session:
        protected = session.exec(select(Vestiging).where(Vestiging.beschermde_woonlocatie)).all()
        dakje_ids = set(session.exec(select(DakjeScope.aanbieder_id)).all())
    assert {v.aanbieder_id for v in protected} <= dakje_ids


def test_seedbestanden_hebben_alleen_bekende_velden():
    """A comma inside an unquoted flow-style value once split a label into extra keys."""
    import yaml

    from keuzehulp.domain.taxonomy import SEED_DIR

    for item in yaml.safe_load((SEED_DIR / "specialisaties.yaml").read_text(encoding="utf-8")):
        assert set(item) == {"slug", "naam", "label_b1", "synoniemen"}, item
    lists = yaml.safe_load((SEED_DIR / "doelgroepen_talen.yaml").read_text(encoding="utf-8"))
    for item in lists["doelgroepen"] + lists["talen"]:
        assert set(item) == {"slug", "naam"}, item
