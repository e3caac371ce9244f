"""A CSV or XLSX file into rows of strings, the header first.

CSV is read as UTF-8 (with or without the byte-order mark Excel writes), then
as Shift_JIS (cp932, what Japanese Excel writes as "CSV"), and as UTF-16 when
it starts with a UTF-16 byte-order mark (Excel's "Unicode text"). The
delimiter is a comma, or a tab or semicolon when the header row uses one.
XLSX is read with openpyxl in read-only mode, from the workbook's first
sheet; cells Excel has turned into dates, times or numbers are written back
as the text the import expects (2024-11-12, 16:30, 42).

Anything that cannot be read raises ``UnreadableFile`` with a message for
staff, in the active language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import PurePath

from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other old Office files
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
MAX_FIELD = 1_000_000


class UnreadableFile(ValueError):
    """The file is empty, of the wrong format, or cannot be decoded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_table(data: bytes, file_name: str = "") -> list[list[str]]:
    """The rows of a CSV or XLSX file as lists of strings; the first is the header."""
    if not data or not data.strip():
        raise UnreadableFile(_("The file is empty."))
    suffix = PurePath(file_name or "").suffix.lower()
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise UnreadableFile(
            _("Old Excel workbooks (.xls) cannot be read. Save the file as .xlsx or as CSV.")
        )
    if suffix in XLSX_SUFFIXES or (suffix not in CSV_SUFFIXES and data.startswith(ZIP_MAGIC)):
        rows = read_xlsx(data)
    elif suffix in CSV_SUFFIXES or not suffix:
        rows = read_csv(data)
    else:
        raise UnreadableFile(
            _("Choose a CSV or XLSX file: “%(name)s” is neither.") % {"name": file_name}
        )
    rows = _trimmed(rows)
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    return rows


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Without the empty cells at the end of each row and the empty rows at the end."""
    out = []
    for row in rows:
        cells = [cell.strip() if isinstance(cell, str) else cell for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


# CSV


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "cp932"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise UnreadableFile(
        _(
            "The file could not be read as text: it is neither UTF-8 nor Shift_JIS. "
            "Save it from your spreadsheet program as “CSV UTF-8”, or as .xlsx."
        )
    )


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_csv(data: bytes) -> list[list[str]]:
    text = decode(data)
    if "\x00" in text:
        raise UnreadableFile(
            _("The file could not be read as CSV: it holds binary data. Choose a CSV or XLSX file.")
        )
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise UnreadableFile(
            _("The file could not be read as CSV near line %(line)s: check its quotation marks.")
            % {"line": getattr(reader, "line_num", 0) or 1}
        ) from exc
    finally:
        csv.field_size_limit(limit)


# XLSX


def cell_text(value: object) -> str:
    """A cell's value as the text the import reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.year < 1901 and value.time() != dt.time(0):  # a time on Excel's day zero
            return cell_text(value.time())
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):  # a duration cell, such as a chapter's offset
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    if not data.startswith(ZIP_MAGIC):
        raise _not_xlsx()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken workbook raises zipfile, KeyError, ValueError, lxml…
        raise _not_xlsx() from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile(_("The workbook has no sheet."))
        rows = [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except UnreadableFile:
        raise
    except Exception as exc:  # a sheet whose XML is broken
        raise _not_xlsx() from exc
    finally:
        workbook.close()
    return rows


def _not_xlsx() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The file could not be read as an XLSX workbook. Save it again from your "
            "spreadsheet program as .xlsx, or as CSV."
        )
    )
