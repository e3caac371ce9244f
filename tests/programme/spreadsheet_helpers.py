"""Building programme spreadsheets for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
import io

from pavilion.programme.spreadsheet.columns import KEYS

# A valid row for the ``cop`` fixture event (Asia/Baku, 11-22 Nov 2024, Japan time beside).
ROW = {
    "external_id": "S1",
    "status": "published",
    "date": "2024-11-12",
    "start": "16:30",
    "end": "17:30",
    "japan_start": "21:30",
    "venue": "pavilion",
    "title_en": "E-KIZUNA High-Level Talks",
    "title_ja": "E-KIZUNAハイレベル・トーク",
    "summary_en": "Local governments in the G7.",
    "summary_ja": "G7における自治体。",
    "hosts": "organiser: Saitama City; cooperation: ICLEI Japan",
    "speakers": (
        "opening: Kazuhiko Takemoto | 竹本 和彦 | President, ICLEI Japan | イクレイ日本理事長; "
        "moderator [High-level session|ハイレベル・セッション]: Togo Uchida | 内田 東吾 | "
        "Secretary General, ICLEI Japan | イクレイ日本事務局長; speaker: TBA"
    ),
    "links": "website [Saitama City website|さいたま市ホームページ]: https://www.city.saitama.lg.jp/",
    "recording": "https://www.youtube.com/watch?v=abc",
    "chapters": "23:05 C2P2 good practice | C2P2の優良事例; 1:02:03 Closing | 閉会",
}


def row(**changes: str) -> dict[str, str]:
    return {**ROW, **changes}


def table(*rows: dict[str, str], columns: tuple[str, ...] | list[str] = KEYS) -> list[list[str]]:
    """The header and the rows, as the readers return them."""
    return [list(columns), *([r.get(column, "") for column in columns] for r in rows)]


def csv_bytes(
    *rows: dict[str, str],
    columns: tuple[str, ...] | list[str] = KEYS,
    encoding: str = "utf-8-sig",
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table(*rows, columns=columns))
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A workbook whose first sheet holds the rows as given (strings, dates, times…)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def baku(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=4)))
