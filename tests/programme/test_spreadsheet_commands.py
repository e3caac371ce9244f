"""``manage.py import_programme`` and ``manage.py export_programme``."""

import io

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from pavilion.programme.models import Session
from pavilion.programme.spreadsheet.readers import read_table
from tests.factories import EventFactory, OrganisationFactory, PersonFactory, VenueFactory
from tests.programme.spreadsheet_helpers import ROW, csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(slug="cop", name_en="COP29", timezone="Asia/Baku")
    VenueFactory(event=event, slug="pavilion", name_en="Multilevel Action Pavilion")
    OrganisationFactory(slug="saitama-city", name_en="Saitama City")
    OrganisationFactory(slug="iclei-japan", name_en="ICLEI Japan")
    PersonFactory(slug="kazuhiko-takemoto", name_en="Kazuhiko Takemoto", name_ja="竹本 和彦")
    return event


def import_programme(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_programme", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_file_and_reports_its_figures(event, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(csv_bytes(ROW))

    out, _err = import_programme(str(path), "--event", "cop")

    assert "programme.csv imported." in out
    assert "Sessions created: 1" in out
    assert Session.objects.get().external_id == "S1"


def test_a_dry_run_writes_nothing(event, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(csv_bytes(ROW))

    out, _err = import_programme(str(path), "--event", "cop", "--dry-run")

    assert "(dry run): no problems" in out
    assert not Session.objects.exists()


def test_problems_are_printed_by_row_and_column_and_the_exit_status_is_1(event, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(csv_bytes(row(start="17:30", end="16:30"), row(external_id="S1")))
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_programme", str(path), "--event", "cop", stdout=out)

    assert raised.value.returncode == 1
    assert "programme.csv: 2 problems found; nothing was saved." in str(raised.value)
    assert out.getvalue().splitlines() == [
        "row 2, column end: The end must be after the start.",
        "row 3, column external_id: The external id “S1” is also used in row 2; each row needs "
        "its own.",
    ]
    assert not Session.objects.exists()


def test_the_exit_status_reaches_the_shell(event, tmp_path, capsys):
    path = tmp_path / "programme.csv"
    path.write_bytes(b"not, a, programme\n1,2,3\n")

    with pytest.raises(SystemExit) as raised:
        ManagementUtility(["manage.py", "import_programme", str(path), "--event", "cop"]).execute()

    assert raised.value.code == 1
    captured = capsys.readouterr()
    assert "row 1, column date: The column date is missing." in captured.out
    assert "nothing was saved" in captured.err


def test_the_report_can_be_had_in_japanese(event, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(csv_bytes(row(start="17:30", end="16:30")))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_programme", str(path), "--event", "cop", "--lang", "ja", stdout=out)

    with translation.override("ja"):
        expected = gettext("row %(row)s, column %(column)s: %(message)s") % {
            "row": 2,
            "column": "end",
            "message": gettext("The end must be after the start."),
        }
    assert out.getvalue().strip() == expected
    assert translation.get_language() == "en"  # the command leaves the language as it found it


def test_an_unknown_event_or_file_is_a_clear_error(event, tmp_path):
    with pytest.raises(CommandError, match=r"No event has the slug “nope”\."):
        import_programme(str(tmp_path / "p.csv"), "--event", "nope")
    with pytest.raises(CommandError, match="could not be opened"):
        import_programme(str(tmp_path / "missing.csv"), "--event", "cop")


def test_a_large_file_shows_a_progress_bar_on_stderr(event, tmp_path):
    rows = [
        row(
            external_id=f"S{n}",
            status="draft",
            japan_start="",
            speakers="",
            hosts="",
            title_en=f"Session {n}",
        )
        for n in range(250)
    ]
    path = tmp_path / "programme.csv"
    path.write_bytes(csv_bytes(*rows))

    out, err = import_programme(str(path), "--event", "cop")

    assert "Sessions created: 250" in out
    assert "Checking rows" in err and "Saving" in err
    assert "250/250" in err
    _out, quiet = import_programme(str(path), "--event", "cop", "--no-progress")
    assert quiet == ""


def test_the_export_command_writes_csv_and_xlsx(event, tmp_path):
    path = tmp_path / "programme.csv"
    path.write_bytes(csv_bytes(ROW))
    import_programme(str(path), "--event", "cop")

    out = io.StringIO()
    call_command("export_programme", "--event", "cop", stdout=out)
    assert out.getvalue().startswith("external_id,status,date")
    assert "S1,published,2024-11-12,16:30,17:30,21:30" in out.getvalue()

    target = tmp_path / "out.xlsx"
    call_command("export_programme", "--event", "cop", "-o", str(target), stdout=io.StringIO())
    rows = read_table(target.read_bytes(), target.name)
    assert rows[1][:6] == ["S1", "published", "2024-11-12", "16:30", "17:30", "21:30"]

    again, _err = import_programme(str(target), "--event", "cop")
    assert "updated: 0, unchanged: 1" in again


def test_the_export_command_wants_a_file_for_xlsx(event):
    with pytest.raises(CommandError, match="Give a file to write XLSX to"):
        call_command("export_programme", "--event", "cop", "--format", "xlsx")
