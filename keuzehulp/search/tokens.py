"""Keyword tokens that encode contract scope, so one term answers one filter combination.

A contract line (gemeente G, perceel P, OB x, niveau y) yields a token for every subset of those
four values, with '*' for a value left open: 'GM0153:jeugd:OB2:B', 'GM0153:*:OB2:*', '*:*:*:B', ...
Dakjes yield 'GM0153:D2' and '*:D2'; ambulante spoedhulp with a jeugd contract 'GM0153:SPOED'.
"""

from __future__ import annotations

from functools import cache
from itertools import product

ANY = "*"


def scope_token(gemeente: str | None, perceel: str | None, ob: int | None, niveau: str | None) -> str:
    """The token for one filter combination; None means 'any'."""
    return ":".join(
        [
            gemeente or ANY,
            perceel or ANY,
            f"OB{ob}" if ob is not None else ANY,
            niveau or ANY,
        ]
    )


def dakje_token(gemeente: str | None, dakje: str) -> str:
    """Token for 'delivers dakje d (in gemeente G)'."""
    return f"{gemeente or ANY}:D{dakje}"


RESULTATEN_TOKEN = "RESULTATEN"  # has at least one outcome figure that may be shown (n >= 10)


def spoed_token(gemeente: str | None) -> str:
    """Token for 'offers ambulante spoedhulp (with a jeugd contract in gemeente G)'."""
    return f"{gemeente or ANY}:SPOED"


@cache
def contract_tokens(gemeente: str, perceel: str, ob: int | None, niveau: str | None) -> frozenset[str]:
    """Every token a contract line answers to."""
    return frozenset(
        {
            scope_token(g, p, o, n)
            for g, p, o, n in product((gemeente, None), (perceel, None), (ob, None), (niveau, None))
        }
    )
