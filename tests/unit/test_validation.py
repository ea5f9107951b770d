import pytest

from keuzehulp.models.twents_model import RuleViolation
from keuzehulp.services.validation import normalise_agb, normalise_kvk, normalise_postcode


@pytest.mark.parametrize(
    ("raw", "expected"), [("7511 ab", "7511 AB"), ("7511AB", "7511 AB"), (" 1234  xy ", "1234 XY")]
)
def test_postcode_wordt_genormaliseerd(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0123 AB", "751 AB", "7511 A", "7511 SS", "abcd ef", ""])
def test_foute_postcode_wordt_geweigerd(raw):
    with pytest.raises(RuleViolation, match="postcode"):
        normalise_postcode(raw)


def test_kvk_nummer_heeft_8_cijfers():
    assert normalise_kvk(" 12345678 ") == "12345678"
    for bad in ["1234567", "123456789", "1234567a"]:
        with pytest.raises(RuleViolation, match="KvK-nummer heeft 8 cijfers"):
            normalise_kvk(bad)


def test_agb_is_optioneel_maar_dan_8_cijfers():
    assert normalise_agb("") is None
    assert normalise_agb("12345678") == "12345678"
    with pytest.raises(RuleViolation, match="AGB-code"):
        normalise_agb("123")
