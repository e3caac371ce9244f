"""Loading a World Bank income classification: CLASS.xlsx or CSV, all or nothing,
problems listed by row; from the back office and from the command line."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from pavilion.core.models import AuditEntry
from pavilion.membership.classification import read_classification
from pavilion.membership.models import CountryIncome, IncomeSnapshot
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HEADER = ["Economy", "Code", "Region", "Income group", "Lending category"]
GOOD = [
    ["Japan", "JPN", "East Asia & Pacific", "High income", ""],
    ["Kenya", "KEN", "Sub-Saharan Africa", "Lower middle income", "IDA"],
    ["Brazil", "BRA", "Latin America & Caribbean", "Upper middle income", "IBRD"],
    ["Ethiopia", "ETH", "Sub-Saharan Africa", "Low income", "IDA"],
    ["Kosovo", "XKX", "Europe & Central Asia", "Upper middle income", "IDA"],
    ["Venezuela, RB", "VEN", "Latin America & Caribbean", "", ""],
]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "List of economies"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Note: the classification is updated each 1 July.", None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("name", "make"), [("CLASS.xlsx", xlsx), ("class.csv", csv_bytes)])
def test_reads_the_world_bank_layout(name, make):
    result = read_classification(name=name, data=make(GOOD))
    assert result.ok
    assert result.groups == {"JP": "H", "KE": "LM", "BR": "UM", "ET": "L"}
    assert result.skipped == 2  # Kosovo (not ISO) and Venezuela (unclassified)


def test_bad_rows_are_listed_with_their_row_numbers():
    rows = [*GOOD, ["Atlantis", "ATL", "", "High income", ""], ["Japan", "JPN", "", "Rich", ""]]
    result = read_classification(name="class.xlsx", data=xlsx(rows))
    assert not result.ok
    assert [(p.row, p.message) for p in result.problems] == [
        (8, "“ATL” (Atlantis) is not an ISO 3166 country code."),
        (9, "“Rich” is not a World Bank income group."),
    ]


def test_a_file_without_the_headers_or_of_another_type_is_refused():
    assert "header row" in read_classification(name="x.csv", data=b"a,b\n1,2\n").problems[0].message
    assert read_classification(name="x.pdf", data=b"%PDF").problems[0].message == (
        "Upload an XLSX or a CSV file."
    )
    assert read_classification(name="x.xlsx", data=b"not a zip").problems


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


UPLOAD = "/en/admin/membership/incomesnapshot/upload/"


def test_staff_upload_adds_a_snapshot_used_from_its_date(staff_client):
    before = IncomeSnapshot.objects.count()
    response = staff_client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("CLASS.xlsx", xlsx(GOOD)),
            "title": "World Bank FY2026",
            "title_ja": "世界銀行の所得分類（2026会計年度）",
            "valid_from": "2025-07-01",
            "source": "World Bank, CLASS.xlsx",
        },
    )
    assert response.status_code == 302
    snapshot = IncomeSnapshot.objects.get(title="World Bank FY2026")
    assert snapshot.title_in("ja") == "世界銀行の所得分類（2026会計年度）"
    assert snapshot.title_in("en") == "World Bank FY2026"
    assert IncomeSnapshot.objects.count() == before + 1
    assert snapshot.valid_from == dt.date(2025, 7, 1)
    assert snapshot.uploaded_by is not None
    assert len(snapshot.file_sha256) == 64
    assert dict(snapshot.countries.values_list("country", "group")) == {
        "JP": "H",
        "KE": "LM",
        "BR": "UM",
        "ET": "L",
    }
    assert AuditEntry.objects.filter(action="pavilion.membership.classification.loaded").exists()


def test_staff_upload_with_bad_rows_loads_nothing_and_lists_them(staff_client):
    before = CountryIncome.objects.count()
    rows = [*GOOD, ["Atlantis", "ATL", "", "High income", ""]]
    response = staff_client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("class.csv", csv_bytes(rows)),
            "title": "Bad",
            "valid_from": "2025-07-01",
            "source": "test",
        },
    )
    assert response.status_code == 400
    assert "Atlantis" in response.content.decode()
    assert "Problems found: nothing was loaded" in response.content.decode()
    assert not IncomeSnapshot.objects.filter(title="Bad").exists()
    assert CountryIncome.objects.count() == before


def test_staff_upload_refuses_another_file_type_and_keeps_the_fields(staff_client):
    response = staff_client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("class.pdf", b"%PDF-1.4"),
            "title": "Kept title",
            "valid_from": "2025-07-01",
            "source": "test",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Upload an XLSX or a CSV file." in body
    assert 'value="Kept title"' in body


def test_upload_page_is_for_staff_only(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_command_loads_a_file_and_refuses_a_bad_one(tmp_path):
    good = tmp_path / "CLASS.xlsx"
    good.write_bytes(xlsx(GOOD))
    out = io.StringIO()
    call_command(
        "load_income_classification",
        str(good),
        "--title",
        "FY2026",
        "--valid-from",
        "2025-07-01",
        "--source",
        "World Bank",
        stdout=out,
    )
    assert "4 countries" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["Atlantis", "ATL", "", "High income", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "load_income_classification",
            str(bad),
            "--title",
            "X",
            "--valid-from",
            "2025-07-01",
            "--source",
            "s",
            stderr=err,
        )
    assert "row 2" in err.getvalue()
    assert not IncomeSnapshot.objects.filter(title="X").exists()


def test_the_shipped_classification_is_installed_by_the_migrations():
    shipped = IncomeSnapshot.objects.get(is_shipped=True)
    assert shipped.valid_from == dt.date(2023, 7, 1)
    assert "hdx-python-country 4.2.5" in shipped.source
    assert shipped.countries.count() == 215
    assert shipped.countries.get(country="JP").group == "H"
