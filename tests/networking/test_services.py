"""The networking area's rules: when a table can be requested, confirmed, declined, cancelled."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pavilion.core.models import AuditEntry
from pavilion.networking import selectors, services
from pavilion.networking.demo import networking_demo_load
from pavilion.networking.models import OpeningHours, TableBooking
from tests.factories import (
    EventFactory,
    NetworkingTableFactory,
    OpeningHoursFactory,
    StaffFactory,
    TableBookingFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")
BEFORE_THE_EVENT = dt.datetime(2024, 11, 1, 12, 0, tzinfo=dt.UTC)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in November 2024, Baku time."""
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=BAKU)


@pytest.fixture
def event():
    return EventFactory(
        slug="cop29",
        start_date=dt.date(2024, 11, 11),
        end_date=dt.date(2024, 11, 22),
        timezone="Asia/Baku",
        secondary_timezones=["Asia/Tokyo"],
    )


@pytest.fixture
def pavilion(event):
    return VenueFactory(event=event, is_ours=True, name_en="Our Pavilion", name_ja="当パビリオン")


@pytest.fixture
def table(pavilion):
    return NetworkingTableFactory(venue=pavilion, name_en="Table A", name_ja="テーブルA")


@pytest.fixture
def staff():
    return StaffFactory(username="secretariat")


@pytest.fixture
def mail_sent_at_once(settings):
    """Run queued tasks at once, so that a queued mail lands in the outbox."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def ask(table, start, *, email="lena@example.org", organisation="Saitama City", **kwargs):
    values = {
        "table": table,
        "slot_start": start,
        "organisation_name": organisation,
        "contact_name": "Lena Example",
        "email": email,
        "language": "en",
        "purpose": "Partnership talks on district heating.",
        "now": BEFORE_THE_EVENT,
    }
    values.update(kwargs)
    return services.booking_request(**values)


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# Requesting


def test_a_request_waits_for_the_staff_and_is_audited(table):
    booking = ask(table, at(12, 10))

    booking.refresh_from_db()
    assert booking.status == TableBooking.Status.REQUESTED
    assert booking.slot_start == at(12, 10)
    assert booking.organisation_name == "Saitama City"
    entry = AuditEntry.objects.get(action="pavilion.networking.requested")
    assert entry.object_id == str(booking.pk)
    assert entry.data["to"] == "requested"


def test_without_opening_hours_the_area_is_open_from_nine_to_six_on_every_event_day(table):
    assert ask(table, at(11, 9), email="first@example.org").pk
    assert ask(table, at(22, 17, 30), email="last@example.org").pk

    with pytest.raises(ValidationError) as early:
        ask(table, at(12, 8, 30))
    assert "not open at 08:30; on that day it is open 09:00–18:00" in messages_of(early)

    with pytest.raises(ValidationError) as late:
        ask(table, at(12, 18))
    assert "not open at 18:00" in messages_of(late)


def test_a_slot_must_start_on_the_hour_or_half_hour(table):
    with pytest.raises(ValidationError) as exc:
        ask(table, at(12, 10, 15))

    assert exc.value.message_dict["slot_start"] == [
        "Slots start on the hour or half hour, such as 10:00 or 10:30."
    ]
    assert exc.value.error_dict["slot_start"][0].code == "off_grid"
    assert not TableBooking.objects.exists()


def test_a_slot_that_has_begun_cannot_be_requested(table):
    with pytest.raises(ValidationError) as exc:
        ask(table, at(12, 10), now=at(12, 10))

    assert "has already begun; choose a later one" in messages_of(exc)


def test_a_day_outside_the_event_is_closed(table):
    with pytest.raises(ValidationError) as exc:
        ask(table, at(23, 10))

    assert "The networking area is closed on Sat 23 Nov 2024." in messages_of(exc)


def test_once_staff_enter_opening_hours_they_are_the_whole_timetable(pavilion, table):
    OpeningHoursFactory(
        venue=pavilion, date=dt.date(2024, 11, 13), opens=dt.time(14), closes=dt.time(16)
    )

    assert ask(table, at(13, 15, 30)).pk
    with pytest.raises(ValidationError) as outside:
        ask(table, at(13, 10))
    assert "on that day it is open 14:00–16:00" in messages_of(outside)
    with pytest.raises(ValidationError) as other_day:
        ask(table, at(12, 10))
    assert "closed on Tue 12 Nov 2024" in messages_of(other_day)


def test_opening_hours_are_read_in_the_event_time_zone(event, pavilion, table):
    OpeningHoursFactory(
        venue=pavilion, date=dt.date(2024, 11, 13), opens=dt.time(9), closes=dt.time(10)
    )

    slots = selectors.table_day_slots(table=table, day=dt.date(2024, 11, 13), now=BEFORE_THE_EVENT)

    # 09:00 in Baku (UTC+4) is 05:00 UTC.
    assert [s.start for s in slots] == [
        dt.datetime(2024, 11, 13, 5, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 11, 13, 5, 30, tzinfo=dt.UTC),
    ]


def test_opening_hours_are_on_the_half_hour_and_on_a_day_of_the_event(pavilion):
    hours = OpeningHours(
        venue=pavilion, date=dt.date(2024, 11, 30), opens=dt.time(9, 15), closes=dt.time(18)
    )

    with pytest.raises(ValidationError) as exc:
        hours.full_clean()

    assert exc.value.message_dict["opens"] == [
        "Give a time on the hour or half hour, such as 09:00 or 17:30."
    ]
    assert "This day is not a day of the event" in exc.value.message_dict["date"][0]


def test_an_inactive_table_cannot_be_requested(pavilion):
    stored = NetworkingTableFactory(venue=pavilion, is_active=False)

    with pytest.raises(ValidationError) as exc:
        ask(stored, at(12, 10))

    assert exc.value.message_dict["table"] == ["This table cannot be booked; choose another one."]


def test_a_malformed_email_address_is_refused_before_anything_is_written(table):
    with pytest.raises(ValidationError) as exc:
        ask(table, at(12, 10), email="not-an-address")

    assert "email" in exc.value.message_dict
    assert not TableBooking.objects.exists()


def test_one_open_request_per_email_per_slot_whatever_the_case(table):
    ask(table, at(12, 10), email="lena@example.org")

    with pytest.raises(ValidationError) as exc:
        ask(table, at(12, 10), email="LENA@Example.org")

    assert "You have already asked for this table at this time" in messages_of(exc)
    assert TableBooking.objects.count() == 1


def test_requests_from_different_people_pile_up_for_one_slot(table):
    ask(table, at(12, 10), email="a@example.org")
    ask(table, at(12, 10), email="b@example.org")
    ask(table, at(12, 10), email="c@example.org")

    states = selectors.table_day_slots(table=table, day=dt.date(2024, 11, 12), now=BEFORE_THE_EVENT)
    ten = next(s for s in states if s.start == at(12, 10))
    assert (ten.state, ten.requests) == ("requested", 3)


def test_after_a_decline_the_same_address_may_ask_again(table, staff):
    first = ask(table, at(12, 10))
    services.booking_decline(booking=first, actor=staff)

    assert ask(table, at(12, 10)).pk != first.pk


def test_a_booked_slot_takes_no_more_requests(table, staff):
    services.booking_confirm(booking=ask(table, at(12, 10)), actor=staff, now=BEFORE_THE_EVENT)

    with pytest.raises(ValidationError) as exc:
        ask(table, at(12, 10), email="late@example.org")

    assert "Table A is already booked for Tue 12 Nov 2024, 10:00–10:30 Baku time" in messages_of(
        exc
    )


# Deciding


def test_confirming_books_the_table_records_who_and_tells_the_requester(
    table, staff, mail_sent_at_once, django_capture_on_commit_callbacks
):
    booking = ask(table, at(12, 16, 30), organisation="Saitama City")

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.booking_confirm(
            booking=booking, actor=staff, note="Table by the window.", now=BEFORE_THE_EVENT
        )

    confirmed.refresh_from_db()
    assert confirmed.status == TableBooking.Status.CONFIRMED
    assert confirmed.decided_by == staff
    assert confirmed.decided_at == BEFORE_THE_EVENT
    entry = AuditEntry.objects.get(action="pavilion.networking.confirmed")
    assert (entry.actor, entry.data["from"], entry.data["to"]) == (staff, "requested", "confirmed")
    [message] = mail.outbox
    assert message.to == ["lena@example.org"]
    assert message.subject.startswith("Your networking table is booked: Table A")
    assert "16:30–17:00 Baku time · 21:30–22:00 Japan time" in message.body
    assert "A note from the staff: Table by the window." in message.body


def test_the_decision_is_written_in_the_requesters_language(
    table, staff, mail_sent_at_once, django_capture_on_commit_callbacks
):
    booking = ask(table, at(12, 16, 30), language="ja")

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decline(booking=booking, actor=staff)

    # The names and times follow the requester's language (the sentences around them
    # come from the Japanese catalogue).
    [message] = mail.outbox
    assert "テーブルA" in message.body
    assert "当パビリオン" in message.body
    assert (
        "2024年11月12日(火) 16:30–17:00（アゼルバイジャン時間）21:30–22:00（日本時間）"
        in message.body
    )
    assert "Table A" not in message.body


def test_a_second_request_for_a_booked_slot_cannot_be_confirmed(table, staff):
    first = ask(table, at(12, 10), email="a@example.org", organisation="Saitama City")
    second = ask(table, at(12, 10), email="b@example.org", organisation="Yokohama City")
    services.booking_confirm(booking=first, actor=staff, now=BEFORE_THE_EVENT)

    with pytest.raises(ValidationError) as exc:
        services.booking_confirm(booking=second, actor=staff, now=BEFORE_THE_EVENT)

    assert messages_of(exc) == (
        "Table A is already booked for Tue 12 Nov 2024, 10:00–10:30 Baku time · "
        "15:00–15:30 Japan time by Saitama City; decline this request or offer the "
        "organisation another slot."
    )
    second.refresh_from_db()
    assert second.status == TableBooking.Status.REQUESTED
    assert TableBooking.objects.filter(status="confirmed").count() == 1


def test_the_same_slot_at_another_table_can_be_confirmed(pavilion, table, staff):
    other = NetworkingTableFactory(venue=pavilion, name_en="Table B")
    services.booking_confirm(booking=ask(table, at(12, 10)), actor=staff, now=BEFORE_THE_EVENT)

    booking = services.booking_confirm(
        booking=ask(other, at(12, 10)), actor=staff, now=BEFORE_THE_EVENT
    )

    assert booking.status == TableBooking.Status.CONFIRMED


def test_confirming_twice_says_it_is_already_confirmed(table, staff):
    booking = services.booking_confirm(
        booking=ask(table, at(12, 10)), actor=staff, now=BEFORE_THE_EVENT
    )

    with pytest.raises(ValidationError) as exc:
        services.booking_confirm(booking=booking, actor=staff, now=BEFORE_THE_EVENT)

    assert messages_of(exc) == "This booking is already confirmed."
    assert AuditEntry.objects.filter(action="pavilion.networking.confirmed").count() == 1


def test_a_declined_request_cannot_be_confirmed(table, staff):
    booking = services.booking_decline(booking=ask(table, at(12, 10)), actor=staff)

    with pytest.raises(ValidationError) as exc:
        services.booking_confirm(booking=booking, actor=staff, now=BEFORE_THE_EVENT)

    assert messages_of(exc) == "This request has already been declined."


def test_a_slot_that_has_begun_cannot_be_confirmed(table, staff):
    booking = ask(table, at(12, 10))

    with pytest.raises(ValidationError) as exc:
        services.booking_confirm(booking=booking, actor=staff, now=at(12, 10, 5))

    assert "has already begun" in messages_of(exc)


def test_a_request_for_a_table_taken_out_of_use_cannot_be_confirmed(table, staff):
    booking = ask(table, at(12, 10))
    table.is_active = False
    table.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as exc:
        services.booking_confirm(booking=booking, actor=staff, now=BEFORE_THE_EVENT)

    assert "Table A is no longer in use" in messages_of(exc)


def test_declining_is_audited_and_a_confirmed_booking_is_cancelled_instead(table, staff):
    declined = services.booking_decline(booking=ask(table, at(12, 10)), actor=staff)
    confirmed = services.booking_confirm(
        booking=ask(table, at(12, 11)), actor=staff, now=BEFORE_THE_EVENT
    )

    with pytest.raises(ValidationError) as exc:
        services.booking_decline(booking=confirmed, actor=staff)

    assert declined.status == TableBooking.Status.DECLINED
    assert AuditEntry.objects.filter(action="pavilion.networking.declined").count() == 1
    assert "cancel it instead of declining it" in messages_of(exc)


def test_cancelling_a_booking_frees_its_slot_for_another_request(table, staff):
    first = ask(table, at(12, 10), email="a@example.org")
    waiting = ask(table, at(12, 10), email="b@example.org")
    services.booking_confirm(booking=first, actor=staff, now=BEFORE_THE_EVENT)

    services.booking_cancel(booking=first, actor=staff)
    confirmed = services.booking_confirm(booking=waiting, actor=staff, now=BEFORE_THE_EVENT)

    assert confirmed.status == TableBooking.Status.CONFIRMED
    entry = AuditEntry.objects.get(action="pavilion.networking.cancelled")
    assert (entry.data["from"], entry.data["to"]) == ("confirmed", "cancelled")


def test_a_cancelled_booking_cannot_be_cancelled_again(table):
    booking = services.booking_cancel(booking=ask(table, at(12, 10)))

    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(booking=booking)

    assert messages_of(exc) == "This request has already been cancelled."


def test_a_decision_rolled_back_sends_no_mail(
    table, staff, mail_sent_at_once, django_capture_on_commit_callbacks
):
    booking = ask(table, at(12, 10))

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.booking_confirm(booking=booking, actor=staff, now=BEFORE_THE_EVENT)
        raise RuntimeError("something later in the same transaction failed")

    assert callbacks == []
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.status == TableBooking.Status.REQUESTED


# The database's own guarantee


def test_the_database_refuses_a_second_confirmed_booking_of_a_slot(table):
    TableBookingFactory(table=table, slot_start=at(12, 10), status="confirmed")

    with pytest.raises(IntegrityError), transaction.atomic():
        TableBookingFactory(table=table, slot_start=at(12, 10), status="confirmed")

    assert TableBooking.objects.filter(status="confirmed").count() == 1


def test_the_database_allows_many_requests_and_old_decisions_for_a_slot(table):
    TableBookingFactory(table=table, slot_start=at(12, 10), status="confirmed")
    TableBookingFactory(table=table, slot_start=at(12, 10), status="requested")
    TableBookingFactory(table=table, slot_start=at(12, 10), status="requested")
    TableBookingFactory(table=table, slot_start=at(12, 10), status="cancelled")
    TableBookingFactory(table=table, slot_start=at(12, 10), status="declined")

    assert TableBooking.objects.filter(table=table, slot_start=at(12, 10)).count() == 5


# Reading the slots


def test_slots_show_free_requested_and_booked_without_personal_data(pavilion, table, staff):
    OpeningHoursFactory(
        venue=pavilion, date=dt.date(2024, 11, 12), opens=dt.time(10), closes=dt.time(11, 30)
    )
    ask(table, at(12, 10, 30))
    services.booking_confirm(
        booking=ask(table, at(12, 11), email="b@example.org"), actor=staff, now=BEFORE_THE_EVENT
    )

    slots = selectors.table_day_slots(table=table, day=dt.date(2024, 11, 12), now=at(12, 10, 15))

    assert [(s.start, s.state, s.is_past) for s in slots] == [
        (at(12, 10), "free", True),
        (at(12, 10, 30), "requested", False),
        (at(12, 11), "booked", False),
    ]
    assert not any(hasattr(s, "email") or hasattr(s, "organisation_name") for s in slots)


def test_the_slots_of_many_tables_cost_the_same_queries_as_one(
    event, pavilion, django_assert_num_queries
):
    tables = [NetworkingTableFactory(venue=pavilion) for _ in range(3)]
    for n, table in enumerate(tables):
        TableBookingFactory(table=table, slot_start=at(12, 10 + n))

    with django_assert_num_queries(2):
        one = selectors.tables_day_slots(
            event=event, tables=tables[:1], day=dt.date(2024, 11, 12), now=BEFORE_THE_EVENT
        )
    with django_assert_num_queries(2):
        three = selectors.tables_day_slots(
            event=event, tables=tables, day=dt.date(2024, 11, 12), now=BEFORE_THE_EVENT
        )

    assert len(one) == 1
    assert len(three) == 3
    assert sum(s.state == "requested" for slots in three.values() for s in slots) == 3


# Demo data


def test_the_demo_tables_are_created_once_and_bookable(pavilion):
    networking_demo_load(venue=pavilion)
    networking_demo_load(venue=pavilion)

    tables = list(pavilion.networking_tables.order_by("order"))
    assert [t.name_en for t in tables] == [
        "Table 1 (example)",
        "Table 2 (example)",
        "Round table (example)",
    ]
    assert ask(tables[2], at(12, 9)).status == TableBooking.Status.REQUESTED
