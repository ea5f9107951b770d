import pytest

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.validation import normalise_agb, normalise_kvk, normalise_postcode


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


def test_telefoonnummers_zoals_mensen_ze_schrijven():
    from keuzehulp.domain.validation import valid_phone

    for good in (
        "053 123 45 67",
        "06-12345678",
        "+31 6 1234 5678",
        "(053) 1234567",
        "0800-1234",
        "0900 123 4567",
    ):
        assert valid_phone(good), good
    for bad in ("12", "0800-12", "053 123", "javascript:1", "1" * 20, "06-1234567８"):
        assert not valid_phone(bad), bad


def test_websites_alleen_http_en_https_en_https_erbij_als_het_ontbreekt():
    from keuzehulp.domain.validation import normalise_website, published_link, valid_website

    assert normalise_website("www.voorbeeld.nl") == "https://www.voorbeeld.nl"
    assert normalise_website("voorbeeld.nl/over-ons") == "https://voorbeeld.nl/over-ons"
    assert normalise_website("javascript:alert(1)") == "javascript:alert(1)"
    assert valid_website("https://voorbeeld.nl/pad?x=1") and valid_website("http://voorbeeld.nl")
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://voorbeeld.nl",
        "https://",
        "https://localhost",
        "//x.nl",
    ):
        assert not valid_website(bad), bad
        assert published_link(bad) is None


def test_csv_cellen_die_een_formule_zouden_zijn_worden_tekst():
    from keuzehulp.services.csvfile import csv_text

    rows = [['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "gewoon", 5, -3]]
    lines = csv_text(["a", "b", "c", "d", "e", "f", "g", "h"], rows).splitlines()
    cells = lines[1].split(";")
    assert all(cell.startswith(("'", "\"'")) for cell in cells[:5]), cells
    assert cells[5:] == ["gewoon", "5", "-3"]  # numbers stay numbers
