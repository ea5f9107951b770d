"""The Twents-model rules, enforced with Dutch messages."""

import pytest

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.twents_model import check_contract, check_contract_set, check_dakje


@pytest.mark.parametrize(
    ("perceel", "ob", "niveau"),
    [
        ("jeugd", "1", "A"),
        ("jeugd", "2", "D"),
        ("wmo", "1", "D"),
        ("wmo", "2", "C"),
        ("jeugd", "3", "C"),
        ("jeugd", "4", "E"),
        ("dyslexie", None, None),
    ],
)
def test_toegestane_contractregels(perceel, ob, niveau):
    check_contract(perceel, ob, niveau)


@pytest.mark.parametrize(
    ("perceel", "ob", "niveau", "message"),
    [
        ("wmo", "3", "A", "alleen voor jeugd"),
        ("wmo", "4", "B", "alleen voor jeugd"),
        ("jeugd", "3", "D", "past niet bij ondersteuningsbehoefte 3"),
        ("jeugd", "4", "D", "past niet bij ondersteuningsbehoefte 4"),
        ("jeugd", "1", "E", "past niet bij ondersteuningsbehoefte 1"),
        ("jeugd", "5", "A", "1, 2, 3 of 4"),
        ("dyslexie", "4", "A", "geen ondersteuningsbehoefte"),
        ("zorg", "1", "A", "Onbekend perceel"),
    ],
)
def test_verboden_contractregels_krijgen_een_nederlandse_uitleg(perceel, ob, niveau, message):
    with pytest.raises(RuleViolation, match=message):
        check_contract(perceel, ob, niveau)


def test_e_aanbieder_levert_helemaal_geen_a_b_of_c():
    check_contract_set([("jeugd", "4", "E"), ("jeugd", "1", "D")])  # D is combinable
    for other in (("jeugd", "4", "B"), ("jeugd", "1", "A"), ("wmo", "2", "C")):
        with pytest.raises(RuleViolation, match="niveau E"):
            check_contract_set([("jeugd", "4", "E"), other])


def test_perioden_overlappen():
    from datetime import date

    from keuzehulp.domain.twents_model import overlaps

    jan, jun, dec = date(2027, 1, 1), date(2027, 6, 30), date(2027, 12, 31)
    assert overlaps(jan, jun, jun, None) and overlaps(jan, None, dec, dec)
    assert not overlaps(jan, jun, date(2027, 7, 1), dec)


def test_dakje_1_tot_3_vraagt_een_ob_contract_maar_pleegzorg_niet():
    check_dakje("0-A", set())
    check_dakje("0-B", set())
    check_dakje("2", {"wmo"})
    with pytest.raises(RuleViolation, match="Dakje 3 kan alleen"):
        check_dakje("3", set())
    with pytest.raises(RuleViolation, match="Onbekend dakje"):
        check_dakje("4", {"jeugd"})


def test_pleegzorg_en_gezinshuis_zijn_jeugd():
    from keuzehulp.domain.twents_model import dakjes_for

    assert dakjes_for("wmo") == ("1", "2", "3")
    assert dakjes_for("jeugd") == ("0-A", "0-B", "1", "2", "3")
    assert dakjes_for("dyslexie") == ()


def test_ambulante_spoedhulp_hoort_bij_jeugd_en_het_coordinatiepunt():
    from keuzehulp.domain.twents_model import check_spoedhulp

    check_spoedhulp(True, True, {"jeugd"})
    check_spoedhulp(False, False, {"wmo"})
    with pytest.raises(RuleViolation, match="hoort bij jeugdhulp"):
        check_spoedhulp(True, True, {"wmo"})
    with pytest.raises(RuleViolation, match="coördinatiepunt"):
        check_spoedhulp(True, False, {"jeugd"})
