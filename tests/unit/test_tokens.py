from keuzehulp.search.tokens import contract_tokens, dakje_token, scope_token, spoed_token


def test_een_contractregel_geeft_een_token_per_combinatie_van_filters():
    tokens = contract_tokens("GM0153", "jeugd", 2, "B")
    assert len(tokens) == 16
    assert {
        "GM0153:jeugd:OB2:B",
        "GM0153:*:OB2:B",
        "*:*:OB2:*",
        "GM0153:*:*:*",
        "*:*:*:B",
        "*:*:*:*",
    } <= tokens
    assert scope_token("GM0153", None, 2, "B") in tokens
    assert scope_token("GM0164", None, 2, "B") not in tokens


def test_dyslexie_contract_zonder_ob():
    assert contract_tokens("GM0153", "dyslexie", None, None) == {
        "GM0153:dyslexie:*:*",
        "GM0153:*:*:*",
        "*:dyslexie:*:*",
        "*:*:*:*",
    }


def test_dakje_en_spoed_tokens():
    assert dakje_token("GM0153", "0-A") == "GM0153:D0-A"
    assert dakje_token(None, "2") == "*:D2"
    assert spoed_token(None) == "*:SPOED"
