"""Reading a World Bank income classification file (CLASS.xlsx, or CSV with the same
headers) into ``{ISO2: IncomeGroup}``, with every problem listed by row number.

The layout is the World Bank's: a first sheet with the columns "Economy", "Code"
(ISO 3166-1 alpha-3) and "Income group" ("High income", "Upper middle income",
"Lower middle income", "Low income"); other columns are ignored. Rows without a code
(notes, blank lines) are skipped, as are economies the World Bank leaves
unclassified (an empty income group) and its two codes that are not ISO countries
(XKX Kosovo, CHI Channel Islands). Any other unknown code or group is a problem; a
file with problems loads nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pycountry
from django.utils.translation import gettext as _

from .countries import is_country
from .models import IncomeGroup

HEADERS = ("Economy", "Code", "Income group")
GROUPS = {
    "high income": IncomeGroup.HIGH,
    "upper middle income": IncomeGroup.UPPER_MIDDLE,
    "upper-middle income": IncomeGroup.UPPER_MIDDLE,
    "lower middle income": IncomeGroup.LOWER_MIDDLE,
    "lower-middle income": IncomeGroup.LOWER_MIDDLE,
    "low income": IncomeGroup.LOW,
}
NOT_ISO = {"XKX", "CHI"}


@dataclass
class Problem:
    row: int
    message: str


@dataclass
class Classification:
    groups: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.groups)


def _rows_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _rows_csv(data: bytes) -> list[list[object]]:
    text = data.decode("utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_classification(*, name: str, data: bytes) -> Classification:
    result = Classification()
    lower = name.lower()
    try:
        if lower.endswith(".xlsx"):
            rows = _rows_xlsx(data)
        elif lower.endswith(".csv"):
            rows = _rows_csv(data)
        else:
            result.problems.append(Problem(0, _("Upload an XLSX or a CSV file.")))
            return result
    except UnicodeDecodeError:
        result.problems.append(Problem(0, _("The CSV file is not in UTF-8.")))
        return result
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        result.problems.append(Problem(0, _("The file cannot be read as a spreadsheet.")))
        return result

    header_index = None
    for index, row in enumerate(rows[:20]):
        cells = [_text(c) for c in row]
        if all(h in cells for h in HEADERS):
            header_index = index
            columns = {h: cells.index(h) for h in HEADERS}
            break
    if header_index is None:
        result.problems.append(
            Problem(
                0,
                _("The file has no header row with the columns %(columns)s.")
                % {"columns": ", ".join(f"“{h}”" for h in HEADERS)},
            )
        )
        return result

    for index, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = [_text(c) for c in row] + [""] * len(HEADERS)
        code = cells[columns["Code"]].upper()
        group_text = cells[columns["Income group"]]
        economy = cells[columns["Economy"]]
        if not code:
            continue
        if code in NOT_ISO or not group_text:
            result.skipped += 1
            continue
        country = pycountry.countries.get(alpha_3=code)
        if country is None or not is_country(country.alpha_2):
            result.problems.append(
                Problem(
                    index,
                    _("“%(code)s” (%(economy)s) is not an ISO 3166 country code.")
                    % {"code": code, "economy": economy or "?"},
                )
            )
            continue
        group = GROUPS.get(" ".join(group_text.lower().split()))
        if group is None:
            result.problems.append(
                Problem(
                    index,
                    _("“%(group)s” is not a World Bank income group.") % {"group": group_text},
                )
            )
            continue
        if country.alpha_2 in result.groups:
            result.problems.append(
                Problem(index, _("%(code)s appears more than once.") % {"code": code})
            )
            continue
        result.groups[country.alpha_2] = group
    if not result.groups and not result.problems:
        result.problems.append(Problem(0, _("The file holds no countries.")))
    return result
