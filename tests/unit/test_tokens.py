from keuzehulp.search.tokens import dakje_token, patterns_of, scope_token, spoed_token


def matches(pattern: str, token: str) -> bool:
    return pattern in patterns_of(token)


def test_een_contractregel_is_een_token_en_een_filter_een_patroon():
    line = scope_token("GM0153", "jeugd", 2, "B")
    assert line == "GM0153:jeugd:OB2:B"
    for pattern in (
        "GM0153:jeugd:OB2:B",
        "GM0153:*:OB2:B",
        "*:*:OB2:*",
        "GM0153:*:*:*",
        "*:*:*:B",
        "*:*:*:*",
    ):
        assert matches(pattern, line), pattern
    for pattern in ("GM0164:*:OB2:B", "*:wmo:*:*", "*:*:OB3:*", "*:*:*:A", "*:D2", "*:SPOED"):
        assert not matches(pattern, line), pattern


def test_dyslexie_contract_zonder_ob():
    line = scope_token("GM0153", "dyslexie", None, None)
    assert line == "GM0153:dyslexie:*:*"
    assert matches("*:dyslexie:*:*", line) and matches("*:*:*:*", line)
    assert not matches("*:*:OB1:*", line) and not matches("*:*:*:A", line)


def test_dakje_en_spoed_tokens():
    assert dakje_token("GM0153", "0-A") == "GM0153:D0-A"
    assert dakje_token(None, "2") == "*:D2"
    assert matches("*:D2", dakje_token("GM0164", "2")) and not matches("*:D2", dakje_token("GM0164", "3"))
    assert spoed_token(None) == "*:SPOED" and matches("*:SPOED", spoed_token("GM0153"))
