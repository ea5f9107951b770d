"""Keyword tokens that encode contract scope.

The index holds one specific token per contract line, 'GM0153:jeugd:OB2:B' (a dyslexie line,
without OB and niveau: 'GM0153:dyslexie:*:*'), per dakje 'GM0153:D2', and 'GM0153:SPOED' for
ambulante spoedhulp with a jeugd contract. A search asks a pattern in the same shape, with '*'
for a value left open ('*:*:OB2:*'); the snapshot answers it as the union of the specific tokens
it matches (see Snapshot.scope_mask), so a document carries a few tokens, not every combination.

Availability has tokens of the same shape with a fixed first part: 'S4:GM0153:jeugd:OB3:B' for a
contract line whose matching figure (fresh, no instroomstop) says help can start within 4 weeks,
one per choice of START_BINNEN the figure fits in, 'SK:...' when its start is known at all, the
same for a dakje ('S2:GM0153:D2'), and 'P:GM0153:D2' for a dakje with a free place now.
"""

from __future__ import annotations

from itertools import product

from keuzehulp.domain.beschikbaarheid import START_BINNEN

ANY = "*"
KNOWN = "K"  # the start limit of 'SK:' tokens: any known start


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


def start_token(limit: int | str, line: str) -> str:
    """Token (or pattern) for 'can start within `limit` weeks' (KNOWN: at all) on a contract line or
    dakje token (or pattern)."""
    return f"S{limit}:{line}"


def start_tokens(weeks: int, line: str) -> list[str]:
    """The start tokens of a line whose help can start in `weeks` weeks."""
    return [start_token(limit, line) for limit in START_BINNEN if weeks <= limit] + [start_token(KNOWN, line)]


def plek_token(gemeente: str | None, dakje: str) -> str:
    """Token for 'has a free place now in dakje d (in gemeente G)'."""
    return f"P:{dakje_token(gemeente, dakje)}"


RESULTATEN_TOKEN = "RESULTATEN"  # has at least one outcome figure that may be shown (n >= 10)


def spoed_token(gemeente: str | None) -> str:
    """Token for 'offers ambulante spoedhulp (with a jeugd contract in gemeente G)'."""
    return f"{gemeente or ANY}:SPOED"


def patterns_of(token: str) -> set[str]:
    """Every pattern a specific token answers: each part kept or replaced by '*' (the first part of
    an availability token is always kept)."""
    parts = token.split(":")
    fixed = [parts.pop(0)] if parts[0].startswith("S") or parts[0] == "P" else []
    return {":".join([*fixed, *rest]) for rest in product(*((value, ANY) for value in parts))}
