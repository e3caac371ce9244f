import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pavilion.core.models import AuditEntry
from pavilion.registration.models import Registration
from pavilion.registration.services import registration_move
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


# The list at the desk: narrowed to one session, the place each person is told


REGISTRATIONS = "/en/admin/registration/registration/"


def rows_of(response) -> list[tuple]:
    """The changelist as staff read it: name, status and place in line."""
    return [(r.name, r.get_status_display(), r.place) for r in response.context["cl"].result_list]


def test_the_list_shows_what_the_desk_needs_and_fits_a_laptop(staff_client, session):
    RegistrationFactory(
        session=session,
        name="Aiko Tanaka",
        checked_in_at=dt.datetime(2024, 11, 12, 12, 35, tzinfo=dt.UTC),
    )

    response = staff_client.get(REGISTRATIONS)

    assert response.context["cl"].list_display == [
        "action_checkbox",
        "name",
        "session",
        "status",
        "place",
        "checked_in",
    ]
    page = response.text
    assert "Place on the waiting list" in page
    assert "Checked in (venue time)" in page
    assert "Tue 12 Nov, 16:35" in page  # 12:35 UTC, in Baku time
    assert "E-mail address" not in page


def test_the_list_can_be_narrowed_to_one_session_of_the_chosen_event(staff_client, session):
    event = session.event
    other = SessionFactory(
        event=event,
        venue=session.venue,
        title_en="Cities and the NDCs",
        starts_at=dt.datetime(2024, 11, 13, 10, 0, tzinfo=dt.UTC),
    )
    RegistrationSettingsFactory(session=other)
    elsewhere = SessionFactory(title_en="Another event's session")
    RegistrationSettingsFactory(session=elsewhere)
    mine = RegistrationFactory(session=session, name="Aiko Tanaka")
    RegistrationFactory(session=other, name="Ken Sato")
    RegistrationFactory(session=elsewhere, name="Someone Else")

    listing = staff_client.get(REGISTRATIONS, {"session__event__id__exact": event.pk})
    one = staff_client.get(
        REGISTRATIONS, {"session__event__id__exact": event.pk, "session__id__exact": session.pk}
    )

    page = listing.text
    assert "By session" in page
    assert "LGMA Response to COP29 (Tue 12 Nov, 16:30)" in page
    assert "Cities and the NDCs (Wed 13 Nov, 14:00)" in page
    assert "Another event&#x27;s session" not in page  # only the chosen event's sessions
    assert [r.pk for r in one.context["cl"].result_list] == [mine.pk]


def test_the_session_filter_shows_even_with_one_session(staff_client, session):
    RegistrationFactory(session=session)

    response = staff_client.get(REGISTRATIONS)

    assert "By session" in response.text
    assert f"session__id__exact={session.pk}" in response.text


@pytest.mark.parametrize("term", ["LGMA Response", "気候変動"])
def test_searching_a_session_title_in_either_language_finds_its_registrations(
    staff_client, session, term
):
    session.title_ja = "気候変動に関するLGMAの対応"
    session.save(update_fields=["title_ja"])
    mine = RegistrationFactory(session=session, name="Aiko Tanaka")
    RegistrationFactory(session=SessionFactory(title_en="Other", title_ja="別のセッション"))

    response = staff_client.get(REGISTRATIONS, {"q": term})

    assert [r.pk for r in response.context["cl"].result_list] == [mine.pk]


def test_the_list_costs_the_same_queries_for_one_or_three_registrations(staff_client, session):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(REGISTRATIONS).status_code == 200
        return len(queries)

    RegistrationFactory(session=session)
    one = count()
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, status=Status.WAITING, position=1)

    assert count() == one


# Moving someone to the end of the waiting list: the place they are told is the one
# the list shows


@pytest.fixture
def two_seats_two_waiting(session):
    """The reviewer's session, with one more person waiting: Aiko and Ben seated,
    Carla and Dan waiting (in that order)."""
    return {
        "aiko": RegistrationFactory(session=session, name="Aiko Tanaka"),
        "ben": RegistrationFactory(session=session, name="Ben Okafor", email="ben@example.org"),
        "carla": RegistrationFactory(
            session=session, name="Carla Souza", status=Status.WAITING, position=1
        ),
        "dan": RegistrationFactory(
            session=session, name="Dan Brown", status=Status.WAITING, position=2
        ),
    }


def future(session):
    """Seats are offered only before the session starts: move it ahead."""
    start = session.starts_at.replace(year=2099)
    type(session).objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )


def mail_text(message) -> str:
    return message.body


def test_moving_a_seated_person_to_the_waiting_list_asks_first_and_names_who_is_emailed(
    staff_client, session, two_seats_two_waiting, django_capture_on_commit_callbacks
):
    future(session)
    ben = two_seats_two_waiting["ben"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            REGISTRATIONS, {"action": "move_to_waiting_list", "_selected_action": [ben.pk]}
        )

    assert response.status_code == 200
    page = response.text
    assert "Move to the end of the waiting list?" in page
    assert "Up to 2 people will be e-mailed." in page
    assert (
        "1 registration will become “On the waiting list”, and its person is told by e-mail."
        in page
    )
    assert (
        "The seats they free will be offered to up to 1 person on the waiting list, who will "
        "be e-mailed too." in page
    )
    assert "Ben Okafor, “LGMA Response to COP29”: Confirmed → On the waiting list" in page
    ben.refresh_from_db()
    assert ben.status == Status.CONFIRMED
    assert mail.outbox == []


def test_someone_moved_to_the_waiting_list_is_told_the_place_the_list_shows(
    staff_client, session, two_seats_two_waiting, django_capture_on_commit_callbacks
):
    future(session)
    ben = two_seats_two_waiting["ben"]

    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            REGISTRATIONS,
            {"action": "move_to_waiting_list", "_selected_action": [ben.pk], "post": "yes"},
            follow=True,
        )

    assert "1 registration is now “On the waiting list”." in done.text
    # Carla was offered Ben's seat and left the line; Dan is first; Ben behind him.
    assert sorted(rows_of(staff_client.get(REGISTRATIONS))) == [
        ("Aiko Tanaka", "Confirmed", None),
        ("Ben Okafor", "On the waiting list", 2),
        ("Carla Souza", "Offered a seat", None),
        ("Dan Brown", "On the waiting list", 1),
    ]
    [told] = [m for m in mail.outbox if m.to == ["ben@example.org"]]
    assert (
        "The pavilion team has moved your registration for “LGMA Response to COP29” to the "
        "waiting list: you are number 2." in mail_text(told)
    )


def test_the_export_gives_the_place_in_line_not_the_arrival_number(
    staff_client, session, two_seats_two_waiting
):
    future(session)
    registration_move(
        registration=two_seats_two_waiting["ben"], to_status=Status.WAITING, actor=StaffFactory()
    )

    response = staff_client.post(
        REGISTRATIONS,
        {
            "action": "export_csv",
            "_selected_action": list(Registration.objects.values_list("pk", flat=True)),
        },
    )

    places = {row[1]: (row[5], row[6]) for row in csv_rows(response)[1:]}
    assert places == {
        "Aiko Tanaka": ("Confirmed", ""),
        "Carla Souza": ("Offered a seat", ""),
        "Dan Brown": ("On the waiting list", "1"),
        "Ben Okafor": ("On the waiting list", "2"),
    }


def test_cancelling_registrations_asks_first(
    staff_client, session, two_seats_two_waiting, django_capture_on_commit_callbacks
):
    future(session)
    aiko, dan = two_seats_two_waiting["aiko"], two_seats_two_waiting["dan"]
    aiko.checked_in_at = dt.datetime(2024, 11, 12, 12, 35, tzinfo=dt.UTC)
    aiko.save(update_fields=["checked_in_at"])
    selected = [aiko.pk, dan.pk, two_seats_two_waiting["ben"].pk]

    with django_capture_on_commit_callbacks(execute=True):
        asked = staff_client.post(REGISTRATIONS, {"action": "cancel", "_selected_action": selected})

    assert "Cancel these registrations?" in asked.text
    # Ben and Dan are cancelled and told; Ben's seat goes to Carla, who is told too.
    assert "Up to 3 people will be e-mailed." in asked.text
    assert (
        "1 of the selected registrations will not change (already “Cancelled”, or checked in)."
        in asked.text
    )
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            REGISTRATIONS, {"action": "cancel", "_selected_action": selected, "post": "yes"}
        )

    assert len(mail.outbox) == 3
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Aiko Tanaka": Status.CONFIRMED,
        "Ben Okafor": Status.CANCELLED,
        "Carla Souza": Status.OFFERED,
        "Dan Brown": Status.CANCELLED,
    }


# Opening and closing times, typed and shown in the event's zone


def settings_url(settings) -> str:
    return reverse("admin:registration_registrationsettings_change", args=[settings.pk])


def settings_data(**overrides) -> dict:
    return {"is_open": "on", "capacity": "3", "offer_hours": "24"} | overrides


def test_opening_and_closing_times_are_typed_in_the_events_zone(staff_client, session):
    settings = session.registration_settings

    response = staff_client.post(
        settings_url(settings),
        settings_data(
            opens_at_0="2024-11-01",
            opens_at_1="10:00",
            closes_at_0="2024-11-11",
            closes_at_1="18:30",
        ),
    )

    assert response.status_code == 302
    settings.refresh_from_db()
    # Baku is UTC+4: 10:00 there is 06:00 UTC.
    assert settings.opens_at == dt.datetime(2024, 11, 1, 6, 0, tzinfo=dt.UTC)
    assert settings.closes_at == dt.datetime(2024, 11, 11, 14, 30, tzinfo=dt.UTC)
    entry = AuditEntry.objects.get(action="pavilion.registration.settings_changed")
    assert entry.data["opens_at"] == "2024-11-01T06:00:00+00:00"


def test_the_settings_form_names_the_zone_and_shows_stored_times_in_it(staff_client, session):
    settings = session.registration_settings
    settings.opens_at = dt.datetime(2024, 11, 1, 6, 0, tzinfo=dt.UTC)
    settings.save()

    page = staff_client.get(settings_url(settings)).content.decode()

    assert "Registration opens" in page
    assert (
        "The day and time in Asia/Baku, the event's time zone. Leave both empty to open at once."
    ) in page
    assert "The day and time in Asia/Baku, the event's time zone. Leave both empty to close" in page
    assert 'type="date" name="opens_at_0" value="2024-11-01"' in page
    assert 'type="time" name="opens_at_1" value="10:00"' in page
    assert 'name="closes_at_0"' in page and 'value="06:00"' not in page


def test_the_settings_list_shows_opening_times_in_venue_time(staff_client, session):
    settings = session.registration_settings
    settings.opens_at = dt.datetime(2024, 11, 1, 6, 0, tzinfo=dt.UTC)
    settings.save()

    page = staff_client.get(reverse("admin:registration_registrationsettings_changelist")).text

    assert "Opens (venue time)" in page
    assert "Fri 1 Nov 2024, 10:00" in page


def test_new_settings_take_the_zone_of_the_chosen_sessions_event(staff_client):
    event = EventFactory(name_en="Climate Week Belém", timezone="America/Belem")
    venue = VenueFactory(event=event, capacity=10)
    session = SessionFactory(event=event, venue=venue)
    url = reverse("admin:registration_registrationsettings_add")

    form = staff_client.get(url).content.decode()
    saved = staff_client.post(
        url, settings_data(session=session.pk, opens_at_0="2024-11-01", opens_at_1="10:00")
    )

    assert "Climate Week Belém: America/Belem" in form
    assert saved.status_code == 302
    # Belém is UTC-3: 10:00 there is 13:00 UTC.
    assert session.registration_settings.opens_at == dt.datetime(2024, 11, 1, 13, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"opens_at_0": "2024-11-01"}, "Give the time as well as the day."),
        ({"opens_at_1": "10:00"}, "Give the day as well as the time."),
        (
            {"opens_at_0": "1/11/2024", "opens_at_1": "10:00"},
            "Enter the day as YYYY-MM-DD, for example 2026-11-20.",
        ),
        (
            {"opens_at_0": "2024-11-01", "opens_at_1": "10am"},
            "Enter the time as HH:MM on the 24-hour clock, for example 14:30.",
        ),
        (
            {
                "opens_at_0": "2024-11-01",
                "opens_at_1": "10:00",
                "closes_at_0": "2024-11-01",
                "closes_at_1": "09:00",
            },
            "Registration must close after it opens.",
        ),
    ],
)
def test_a_half_typed_or_misordered_time_is_refused_on_its_field(
    staff_client, session, data, message
):
    settings = session.registration_settings

    response = staff_client.post(settings_url(settings), settings_data(**data))

    assert response.status_code == 200
    assert message in response.content.decode()
    settings.refresh_from_db()
    assert settings.opens_at is None
    assert settings.capacity is None  # nothing saved


def test_a_time_the_clocks_skip_is_refused(staff_client):
    event = EventFactory(timezone="Europe/Berlin", secondary_timezones=[])
    venue = VenueFactory(event=event, capacity=10)
    settings = RegistrationSettingsFactory(session=SessionFactory(event=event, venue=venue))

    response = staff_client.post(
        settings_url(settings), settings_data(opens_at_0="2026-03-29", opens_at_1="02:30")
    )

    assert response.status_code == 200
    assert "02:30 does not exist on Sunday 29 March 2026 in Europe/Berlin" in response.text
    settings.refresh_from_db()
    assert settings.opens_at is None


def test_a_registrations_page_gives_its_times_in_the_venues_zone(staff_client, session):
    registration = RegistrationFactory(
        session=session, checked_in_at=dt.datetime(2024, 11, 12, 12, 35, tzinfo=dt.UTC)
    )

    page = staff_client.get(
        reverse("admin:registration_registration_change", args=[registration.pk])
    ).text

    assert "Times are in Asia/Baku, the event" in page
    assert "4:35 p.m." in page  # 12:35 UTC, in Baku time
    assert "12:35 p.m." not in page
