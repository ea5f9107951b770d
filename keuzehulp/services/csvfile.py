"""The one CSV writer: every CSV the site offers is written here, safe to open in a spreadsheet.

A text cell that starts with = + - @, a tab or a carriage return would be run as a formula by
Excel or LibreOffice (CSV injection); such a cell gets a leading apostrophe, which spreadsheets
hide and which shows that the text was meant as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """The value as it may go into a CSV cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[Iterable], delimiter: str = ";") -> str:
    """CSV text with a header row; every cell passes `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
