"""The back office's "Import from a spreadsheet" and "Export to a spreadsheet" pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from pavilion.core.models import AuditEntry
from pavilion.programme.models import Session
from pavilion.programme.spreadsheet.readers import read_table
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    StaffFactory,
    UserFactory,
    VenueFactory,
)
from tests.programme.spreadsheet_helpers import ROW, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT = "/en/admin/programme/session/import/"
EXPORT = "/en/admin/programme/session/export/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def event():
    event = EventFactory(slug="cop", name_en="COP29", timezone="Asia/Baku")
    VenueFactory(event=event, slug="pavilion", name_en="Multilevel Action Pavilion")
    OrganisationFactory(slug="saitama-city", name_en="Saitama City")
    OrganisationFactory(slug="iclei-japan", name_en="ICLEI Japan")
    PersonFactory(slug="kazuhiko-takemoto", name_en="Kazuhiko Takemoto", name_ja="竹本 和彦")
    return event


def upload(data: bytes, name: str = "programme.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_urls_are_named_in_the_admin():
    assert reverse("admin:programme_session_import") == IMPORT
    assert reverse("admin:programme_session_export") == EXPORT


def test_the_sessions_list_and_the_event_page_link_to_the_spreadsheet_pages(staff_client, event):
    listing = staff_client.get("/en/admin/programme/session/", {"event__id__exact": event.pk})
    assert listing.status_code == 200
    assert f'href="{IMPORT}?event={event.pk}"' in listing.text
    assert f'href="{EXPORT}?event={event.pk}"' in listing.text
    assert "Import from a spreadsheet" in listing.text

    page = staff_client.get(f"/en/admin/programme/event/{event.pk}/change/")
    assert page.status_code == 200
    assert f'href="{IMPORT}?event={event.pk}"' in page.text
    assert escape(f"{EXPORT}?event={event.pk}&format=xlsx") in page.text


def test_the_import_page_offers_the_form_with_the_event_chosen(staff_client, event):
    response = staff_client.get(IMPORT, {"event": event.pk})
    assert response.status_code == 200
    assert "Import from a spreadsheet" in response.text
    assert response.context["form"].initial["event"] == event.pk
    assert 'type="file"' in response.text
    assert 'id="id_dry_run" checked' in response.text


def test_a_dry_run_shows_what_would_change_then_imports_for_real(staff_client, event):
    response = staff_client.post(
        IMPORT, {"event": event.pk, "file": upload(csv_bytes(ROW)), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert "Dry run: no problems" in response.text
    assert "Sessions created: 1" in response.text
    assert "Import for real" in response.text
    assert not Session.objects.exists()

    token = response.context["token"]
    response = staff_client.post(IMPORT, {"token": token})

    assert response.status_code == 200
    assert "programme.csv imported." in response.text
    session = Session.objects.get()
    assert session.external_id == "S1"
    (entry,) = AuditEntry.objects.filter(action="pavilion.programme.imported")
    assert entry.actor.is_staff

    again = staff_client.post(IMPORT, {"token": token})
    assert again.status_code == 400
    assert "no longer kept" in again.text
    assert Session.objects.count() == 1


def test_an_import_without_a_dry_run_saves_at_once(staff_client, event):
    response = staff_client.post(IMPORT, {"event": event.pk, "file": upload(csv_bytes(ROW))})
    assert response.status_code == 200
    assert "imported" in response.text
    assert Session.objects.count() == 1


def test_problems_are_shown_as_a_table_of_rows_columns_and_messages(staff_client, event):
    data = csv_bytes(row(start="17:30", end="16:30"), row(external_id="S2", venue="Nowhere"))
    response = staff_client.post(IMPORT, {"event": event.pk, "file": upload(data)})

    assert response.status_code == 400
    assert "Problems found: nothing was saved" in response.text
    problems = [(p.row, p.column) for p in response.context["report"].problems]
    assert problems == [(2, "end"), (3, "venue")]
    assert "<td>2</td>" in response.text
    assert "<code>end</code>" in response.text
    assert "The end must be after the start." in response.text
    assert "Import for real" not in response.text
    assert not Session.objects.exists()


def test_problems_are_shown_in_the_admin_language(staff_client, event):
    data = csv_bytes(row(start="17:30", end="16:30"))
    response = staff_client.post(
        IMPORT.replace("/en/", "/ja/"), {"event": event.pk, "file": upload(data)}
    )
    assert response.status_code == 400
    (problem,) = response.context["report"].problems
    assert problem.message != "The end must be after the start."  # a catalogue entry exists


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "programme.csv", "The submitted file is empty."),
        (b"PK\x03\x04garbage", "programme.xlsx", "could not be read as an XLSX workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "programme.png", "Choose a CSV or XLSX file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "programme.xls", "(.xls) cannot be read"),
        (b"a,b\n\x00\x00\x00", "programme.csv", "it holds binary data"),
    ],
)
def test_a_bad_file_gets_the_report_never_a_server_error(staff_client, event, data, name, message):
    response = staff_client.post(IMPORT, {"event": event.pk, "file": upload(data, name)})
    assert response.status_code == 400
    assert escape(message) in response.text
    assert not Session.objects.exists()


def test_a_form_without_a_file_says_so(staff_client, event):
    response = staff_client.post(IMPORT, {"event": event.pk})
    assert response.status_code == 400
    assert "This field is required." in response.text


def test_an_xlsx_upload_is_imported(staff_client, event):
    header = list(ROW)
    data = xlsx_bytes([header, [ROW[key] for key in header]])
    response = staff_client.post(
        IMPORT, {"event": event.pk, "file": upload(data, "programme.xlsx")}
    )
    assert response.status_code == 200, response.context["report"].problem_lines()
    assert Session.objects.get().starts_at == dt.datetime(2024, 11, 12, 12, 30, tzinfo=dt.UTC)


def test_staff_without_the_right_to_change_sessions_cannot_import(client, event):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_export_downloads_csv_and_xlsx(staff_client, event):
    SessionFactory(event=event, venue=event.venues.get(), external_id="S9", title_en="Talks")

    response = staff_client.get(EXPORT, {"event": event.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cop-programme.csv"' in response["Content-Disposition"]
    rows = read_table(response.content, "p.csv")
    assert rows[0][:3] == ["external_id", "status", "date"]
    assert rows[1][0] == "S9"

    response = staff_client.get(EXPORT, {"event": event.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert read_table(response.content, "p.xlsx")[1][0] == "S9"


def test_the_export_page_asks_for_the_event_and_rejects_a_bad_one(staff_client, event):
    page = staff_client.get(EXPORT)
    assert page.status_code == 200
    assert "Choose the event and the format" in page.text
    bad = staff_client.get(EXPORT, {"event": "999999", "format": "pdf"})
    assert bad.status_code == 400
    assert "Select a valid choice." in bad.text


def staff_with(*codenames: str):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="programme", codename__in=codenames)
    )
    return user


def test_importing_needs_the_rights_to_add_sessions_and_people(client, event):
    client.force_login(staff_with("add_session", "change_session", "view_session"))
    assert client.get(IMPORT).status_code == 403

    client.force_login(
        staff_with("add_session", "change_session", "view_session", "add_person", "change_person")
    )
    assert client.get(IMPORT).status_code == 200
    response = client.post(
        IMPORT, {"event": event.pk, "file": upload(csv_bytes(ROW)), "create_missing": "on"}
    )
    assert response.status_code == 400
    assert "You do not have the right to add organisations." in response.text
    assert not Session.objects.exists()


def test_the_import_page_lists_the_columns(staff_client, event):
    response = staff_client.get(IMPORT)
    assert "<code>external_id</code> (required)" in response.text
    assert "タイトル（日本語）" in response.text
