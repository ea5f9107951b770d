"""Validation of Dutch identifiers and addresses, with messages in plain Dutch."""

from __future__ import annotations

import re

from keuzehulp.domain.errors import RuleViolation

_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")
DATABASE_INT_MAX = 2**31 - 1  # the largest INTEGER PostgreSQL stores


def whole_number(text, minimum: int = 0, maximum: int = DATABASE_INT_MAX) -> int | None:
    """The number in `text` when it is written with the digits 0-9 and lies within the bounds,
    else None. The one way to read a typed or sent number (str.isdigit() also accepts '²')."""
    text = str(text).strip() if text is not None else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


_PHONE_CHARACTERS = re.compile(r"[0-9 +()\-.]{8,25}")
_WEBSITE = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)
PHONE_ERROR = "Vul een telefoonnummer in met 10 cijfers, zoals 053 123 45 67."
WEBSITE_ERROR = "Vul het hele adres van de website in, beginnend met https://"


def valid_phone(text: str) -> bool:
    """A phone number as people write one: 10 to 13 digits (or a service number such as
    0800-1234), with spaces, dashes, dots, + or ()."""
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    if not _PHONE_CHARACTERS.fullmatch(text):
        return False
    service = digits.startswith(("0800", "0900", "0906", "0909")) and len(digits) in (8, 11)
    return service or 10 <= len(digits) <= 13


def normalise_website(text: str) -> str:
    """A typed website with https:// added when it was left off (www.voorbeeld.nl)."""
    text = text.strip()
    if text and "://" not in text and ":" not in text.split("/")[0] and "." in text.split("/")[0]:
        return "https://" + text
    return text


def valid_website(text: str) -> bool:
    """An http(s) address with a host name: the only links we publish from typed input."""
    return bool(_WEBSITE.fullmatch(text))


def published_link(address: str | None) -> str | None:
    """The address when it may be published as a link, else None (data from before this rule)."""
    return address if address and valid_website(address) else None


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
