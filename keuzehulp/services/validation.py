"""Validation of Dutch identifiers and addresses, with messages in plain Dutch."""

from __future__ import annotations

import re

from keuzehulp.models.twents_model import RuleViolation

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")


def normalise_kvk(value: str) -> str:
    """Return the 8-digit KvK number or raise RuleViolation."""
    digits = value.strip().replace(" ", "")
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise RuleViolation(f"Een KvK-nummer heeft 8 cijfers; '{value}' klopt niet.")
    return digits


def normalise_agb(value: str | None) -> str | None:
    """Return the 8-digit AGB code, None when empty, or raise RuleViolation."""
    if value is None or not value.strip():
        return None
    digits = value.strip()
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise RuleViolation(f"Een AGB-code heeft 8 cijfers; '{value}' klopt niet.")
    return digits


def normalise_postcode(value: str) -> str:
    """Return a postcode as '1234 AB' or raise RuleViolation."""
    match = _POSTCODE.match(value)
    if not match:
        raise RuleViolation(f"Een postcode ziet eruit als 1234 AB; '{value}' klopt niet.")
    letters = match.group(2).upper()
    if letters in {"SA", "SD", "SS"}:
        raise RuleViolation(
            f"De postcode '{value}' bestaat niet (de letters {letters} worden niet gebruikt)."
        )
    return f"{match.group(1)} {letters}"
