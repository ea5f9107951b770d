"""Keyword tokens that encode contract scope.

The index holds one specific token per contract line, 'GM0153:jeugd:OB2:B' (a dyslexie line,
without OB and niveau: 'GM0153:dyslexie:*:*'), per dakje 'GM0153:D2', and 'GM0153:SPOED' for
ambulante spoedhulp with a jeugd contract. A search asks a pattern in the same shape, with '*'
for a value left open ('*:*:OB2:*'); the snapshot answers it as the union of the specific tokens
it matches (see Snapshot.scope_mask), so a document carries a few tokens, not every combination.
"""

from __future__ import annotations

from itertools import product

ANY = "*"


def scope_token(gemeente: str | None, perceel: str | None, ob: str | None, niveau: str | None) -> str:
    """The token of a contract line, or the pattern of a filter combination (None: any)."""
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


def patterns_of(token: str) -> set[str]:
    """Every pattern a specific token answers: each part kept or replaced by '*'."""
    return {":".join(parts) for parts in product(*((value, ANY) for value in token.split(":")))}
