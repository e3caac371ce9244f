import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from pavilion.core.models import AuditEntry
from pavilion.registration.models import Registration
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    StaffFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def session():
    venue = VenueFactory(event=EventFactory(), capacity=2)
    session = SessionFactory(event=venue.event, venue=venue, title_en="LGMA Response to COP29")
    RegistrationSettingsFactory(session=session)
    return session


def csv_rows(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def test_the_attendees_of_a_session_export_as_csv_in_venue_time(staff_client, session):
    RegistrationFactory(
        session=session,
        name="清水 勇人",
        organisation="さいたま市",
        email="shimizu@example.jp",
        checked_in_at=dt.datetime(2024, 11, 12, 12, 35, tzinfo=dt.UTC),
    )
    RegistrationFactory(session=session, name="=HYPERLINK(1)", status=Status.WAITING, position=1)

    response = staff_client.post(
        reverse("admin:registration_registrationsettings_changelist"),
        {"action": "export_attendees", "_selected_action": [session.registration_settings.pk]},
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"attendees-{session.slug}.csv" in response["Content-Disposition"]
    header, first, second = csv_rows(response)
    assert header[:3] == ["Session", "Name", "Organisation"]
    assert first[:6] == [
        "LGMA Response to COP29",
        "清水 勇人",
        "さいたま市",
        "shimizu@example.jp",
        "English",
        "Confirmed",
    ]
    assert first[8] == "2024-11-12 16:35"  # 12:35 UTC, in Baku time
    assert second[1] == "'=HYPERLINK(1)"  # shown as text, never run as a formula
    assert second[5:7] == ["On the waiting list", "1"]


def test_the_settings_list_shows_seats_taken_and_waiting(staff_client, session):
    RegistrationFactory.create_batch(2, session=session)
    RegistrationFactory(session=session, status=Status.WAITING, position=1)

    response = staff_client.get(reverse("admin:registration_registrationsettings_changelist"))

    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    assert (row.seats, row.n_taken, row.n_waiting, row.n_checked_in) == (2, 2, 1, 0)


def test_staff_confirm_over_capacity_through_the_service(staff_client, session):
    RegistrationFactory.create_batch(2, session=session)
    waiting = RegistrationFactory(session=session, status=Status.WAITING, position=1)
    url = reverse("admin:registration_registration_changelist")

    refused = staff_client.post(
        url, {"action": "confirm", "_selected_action": [waiting.pk]}, follow=True
    )
    assert "All 2 seats are taken." in refused.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING

    done = staff_client.post(
        url, {"action": "confirm_over_capacity", "_selected_action": [waiting.pk]}, follow=True
    )
    assert "1 registration is now “Confirmed”." in done.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    entry = AuditEntry.objects.get(action="pavilion.registration.moved")
    assert entry.actor == staff_client.staff
    assert entry.data["over_capacity"] is True


def test_saving_more_seats_in_the_admin_offers_them_to_the_queue(staff_client, session):
    RegistrationFactory.create_batch(2, session=session)
    waiting = RegistrationFactory(session=session, status=Status.WAITING, position=1)
    settings = session.registration_settings
    # Registration for the default session (Nov 2024) is long past; move it ahead.
    future = session.starts_at.replace(year=2099)
    type(session).objects.filter(pk=session.pk).update(
        starts_at=future, ends_at=future + dt.timedelta(hours=1)
    )

    response = staff_client.post(
        reverse("admin:registration_registrationsettings_change", args=[settings.pk]),
        {"is_open": "on", "capacity": "3", "offer_hours": "24"},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    assert AuditEntry.objects.filter(action="pavilion.registration.settings_changed").exists()


def test_a_registration_page_shows_its_code_and_cannot_be_deleted(staff_client, session):
    registration = RegistrationFactory(session=session, code="7K3MQ9TDX2HB")

    response = staff_client.get(
        reverse("admin:registration_registration_change", args=[registration.pk])
    )

    assert "7K3M-Q9TD-X2HB" in response.content.decode()
    assert not response.context["has_delete_permission"]


def test_staff_find_a_registration_by_its_typed_code(staff_client, session):
    registration = RegistrationFactory(session=session, name="Togo Uchida", code="7K3MQ9TDX2HB")
    RegistrationFactory(session=session, name="Someone Else")

    response = staff_client.get(
        reverse("admin:registration_registration_changelist"), {"q": "7k3m-q9td-x2hb"}
    )

    assert [r.pk for r in response.context["cl"].result_list] == [registration.pk]
