"""Reading an import file: CSV (any usual encoding and separator) or XLSX, into rows by column name."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from keuzehulp.domain.errors import RuleViolation
from keuzehulp.domain.validation import whole_number

ALIASES = {
    "kvk_nummer": "kvk",
    "kvknummer": "kvk",
    "gemeente_cbs_code": "gemeente",
    "cbs_code": "gemeente",
    "gemeente_cbs": "gemeente",
    "ondersteuningsbehoefte": "ob",
    "product": "ob",  # the generic name of a region model's product (Twente: the OB)
    "variant": "niveau",
    "vanaf": "geldig_vanaf",
    "tot": "geldig_tot",
    "e_mail": "email",
    "e_mailadres": "email",
    "spoedhulp": "ambulante_spoedhulp",
    "coordinatiepunt_triage_en_spoedhulp": "coordinatiepunt",
}


MAX_ROWS = 100_000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the beheerder."""


def read_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The column names and (line number, row) for each data row of a CSV (comma or semicolon) or
    XLSX file.

    The kind of file is read from its content, not its name (an Excel file renamed to .csv is
    still read). Rows and columns are read one at a time and stop at MAX_ROWS and MAX_COLUMNS.
    """
    if content.startswith(_ZIP):
        table = _xlsx_table(content)
    elif filename.lower().endswith(".xlsx"):
        raise ImportFileError(UNREADABLE_XLSX)
    elif not filename.lower().endswith((".csv", ".txt")):
        raise ImportFileError("Kies een CSV-bestand (.csv) of een Excel-bestand (.xlsx).")
    else:
        table = _csv_table(content)
    return _read_table(table, UNREADABLE_XLSX if content.startswith(_ZIP) else UNREADABLE_CSV)


def read_utf8_csv(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Like `read_rows`, for a file that must be CSV in UTF-8 (with or without BOM): any other file
    (Excel, another encoding, binary) is refused with a message that says how to save it."""
    if content.startswith(_ZIP) or filename.lower().endswith((".xlsx", ".xls")):
        raise ImportFileError("Dit is een Excel-bestand. " + SAVE_AS_UTF8)
    if not filename.lower().endswith((".csv", ".txt")):
        raise ImportFileError("Kies een CSV-bestand (.csv). " + SAVE_AS_UTF8)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None
    if _BINARY.search(text):
        raise ImportFileError(NOT_UTF8)
    return _read_table(_csv_cells(text), NOT_UTF8)


def _read_table(table: Iterator[list], unreadable: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and numbered non-empty rows of a table of cells (`unreadable`: the message for a
    file that breaks while it is read)."""
    try:
        header = [_column_name(cell) for cell in next(table, [])]
        if not any(header):
            raise ImportFileError("Het bestand is leeg.")
        if twice := sorted({name for name in header if name and header.count(name) > 1}):
            raise ImportFileError(
                f"De kolom '{twice[0]}' staat twee keer in het bestand (ook onder een andere naam,"
                " zoals product en ob). Laat er één over."
            )
        rows = []
        for number, cells in enumerate(table, start=2):
            if not any(str(c).strip() for c in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise ImportFileError(f"Het bestand heeft meer dan {MAX_ROWS} regels.")
            rows.append(
                (
                    number,
                    {
                        name: _cell(cells[i]) if i < len(cells) else ""
                        for i, name in enumerate(header)
                        if name
                    },
                )
            )
    except ImportFileError:
        raise
    except Exception as problem:  # a damaged file fails while its rows are read
        raise ImportFileError(unreadable) from problem
    return [name for name in header if name], rows


_ZIP = b"PK\x03\x04"


MAX_COLUMNS = 50


MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to more


UNREADABLE_XLSX = "Dit Excel-bestand kan niet worden gelezen. Sla het opnieuw op als .xlsx."


UNREADABLE_CSV = (
    "Dit bestand is geen CSV-bestand dat we kunnen lezen. Sla het in Excel op als 'CSV UTF-8' of als .xlsx."
)


SAVE_AS_UTF8 = "Sla het in Excel op als 'CSV UTF-8 (door komma's gescheiden)' en upload het opnieuw."


NOT_UTF8 = "Dit bestand is geen CSV-bestand in UTF-8 dat we kunnen lezen. " + SAVE_AS_UTF8


def decode_text(content: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM), UTF-16 or Windows-1252."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in content[:4096]:  # UTF-16 without a BOM: every other byte of Latin text is 0
        encodings = ["utf-16-le" if content[1:2] == b"\x00" else "utf-16-be"]
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _BINARY.search(text):
            return text.removeprefix("\ufeff")
    raise ImportFileError(UNREADABLE_CSV)


_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _csv_table(content: bytes) -> Iterator[list]:
    yield from _csv_cells(decode_text(content))


def _csv_cells(text: str) -> Iterator[list]:
    """The cells of CSV text, separated by semicolons when the first line has more of those than commas."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for cells in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield cells[:MAX_COLUMNS]


def _xlsx_table(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(UNREADABLE_XLSX) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("Dit Excel-bestand is uitgepakt groter dan 50 MB. Sla alleen het register op.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(UNREADABLE_XLSX) from None
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # ignore the size the file claims; read the rows that are there
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield ["" if v is None else v for v in row]
    finally:
        workbook.close()


def cbs_code(text: str) -> str:
    """A gemeente's CBS code as a file may write it ('GM0153', '0153', '153'): 'GM0153'."""
    text = text.strip().upper()
    return f"GM{code:04d}" if (code := whole_number(text, 0, 9999)) is not None else text


def read_date(text: str, label: str) -> date | None:
    """A date as a file writes it (2026-01-31, 31-01-2026 or 31/01/2026), None when empty; else
    RuleViolation naming the column (`label`)."""
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RuleViolation(f"{label} '{text}' is geen datum. Schrijf de datum zo: 2026-01-31 of 31-01-2026.")


def _column_name(cell) -> str:
    plain = unicodedata.normalize("NFKD", str(cell)).encode("ascii", "ignore").decode()  # coördinatiepunt
    name = re.sub(r"[^a-z0-9]+", "_", plain.strip().lower()).strip("_")
    return ALIASES.get(name, name)


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
