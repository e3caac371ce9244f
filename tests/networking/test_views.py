"""The networking page as a visitor uses it, and the staff's Confirm and Decline actions."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pavilion.core.models import AuditEntry
from pavilion.networking import views
from pavilion.networking.models import TableBooking
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


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def first_day():
    return timezone.localdate(timezone=BAKU) + dt.timedelta(days=20)


@pytest.fixture
def event(first_day):
    return EventFactory(
        slug="climate-week",
        name_en="Climate Week",
        name_ja="気候週間",
        start_date=first_day,
        end_date=first_day + dt.timedelta(days=2),
        timezone="Asia/Baku",
        secondary_timezones=["Asia/Tokyo"],
    )


@pytest.fixture
def pavilion(event, first_day):
    venue = VenueFactory(
        event=event,
        is_ours=True,
        name_en="Our Pavilion",
        name_ja="当パビリオン",
        networking_area_en="A dedicated networking space for informal discussions.",
    )
    # A short day keeps the grid small: 10:00, 10:30, 11:00 and 11:30.
    OpeningHoursFactory(venue=venue, date=first_day, opens=dt.time(10), closes=dt.time(12))
    return venue


@pytest.fixture
def table(pavilion):
    return NetworkingTableFactory(venue=pavilion, name_en="Table A", name_ja="テーブルA", seats=6)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BAKU)


def page_url(event, lang="en") -> str:
    return f"/{lang}/events/{event.slug}/networking/"


def form_data(table, day, /, **changes) -> dict:
    data = {
        "organisation_name": "Saitama City",
        "contact_name": "Lena Example",
        "email": "lena@example.org",
        "language": "ja",
        "purpose": "Partnership talks on district heating.",
        "table": str(table.pk),
        "slot": f"{day.isoformat()}T10:30",
    }
    data.update(changes)
    return data


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


# The page


def test_the_page_lists_the_tables_and_a_day_of_slots(client, event, table, first_day):
    response = client.get(page_url(event))

    assert response.status_code == 200
    page = text_of(response)
    assert "Networking area" in page
    assert "A dedicated networking space for informal discussions." in page
    assert "Table A · Our Pavilion (6 seats)" in page or "Table A, Our Pavilion (6 seats)" in page
    assert "10:00–10:30 Baku time · 15:00–15:30 Japan time" in page
    assert "11:30–12:00 Baku time · 16:30–17:00 Japan time" in page
    assert "12:00–12:30 Baku time" not in page
    assert page.count("Free") == 4


def test_the_grid_shows_requested_and_booked_slots_but_no_personal_data(
    client, event, table, first_day
):
    TableBookingFactory(
        table=table,
        slot_start=at(first_day, 10),
        organisation_name="Yokohama City",
        email="secret@example.org",
    )
    TableBookingFactory(
        table=table,
        slot_start=at(first_day, 11),
        organisation_name="Bangkok Metropolitan Administration",
        contact_name="Private Person",
        status=TableBooking.Status.CONFIRMED,
    )

    page = text_of(client.get(page_url(event)))

    assert "Requested (1 request waiting)" in page
    assert "Booked" in page
    assert page.count("Free") == 2
    for private in ("Yokohama", "secret@example.org", "Bangkok", "Private Person"):
        assert private not in page


def test_a_free_slot_links_to_the_form_filled_in_with_it(client, event, table, first_day):
    response = client.get(page_url(event))
    links = re.findall(r'href="(\?day=[^"]+#request)"', response.text)
    assert len(links) == 4

    followed = client.get(page_url(event) + links[1].replace("&amp;", "&"))

    form = followed.context["form"]
    assert form["table"].value() == str(table.pk)
    assert form["slot"].value() == f"{first_day.isoformat()}T10:30"
    assert f'<option value="{first_day.isoformat()}T10:30" selected>' in followed.text


def test_the_days_without_opening_hours_are_not_offered(client, event, table, first_day):
    response = client.get(page_url(event))

    day_links = re.findall(r'href="\?day=(\d{4}-\d\d-\d\d)"', response.text)
    assert day_links == [first_day.isoformat()]


def test_a_day_the_area_is_closed_gets_a_notice_and_a_400(client, event, table, first_day):
    response = client.get(page_url(event), {"day": "not-a-day"})

    assert response.status_code == 400
    assert "The networking area is not open on “not-a-day”; here is its first open day." in (
        text_of(response)
    )
    assert "10:00–10:30 Baku time" in text_of(response)


def test_an_unknown_event_is_not_found(client):
    assert client.get("/en/events/no-such-event/networking/").status_code == 404


def test_an_event_without_tables_says_so(client, event):
    response = client.get(page_url(event))

    assert response.status_code == 200
    assert "There are no tables to book at this event." in text_of(response)


def test_the_page_costs_the_same_queries_for_one_table_or_three(client, event, pavilion, first_day):
    tables = [NetworkingTableFactory(venue=pavilion) for _ in range(3)]
    TableBookingFactory(table=tables[0], slot_start=at(first_day, 10))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(event)).status_code == 200
        return len(captured)

    pavilion.networking_tables.exclude(pk=tables[0].pk).update(is_active=False)
    with_one = queries()
    pavilion.networking_tables.update(is_active=True)
    for n, table in enumerate(tables[1:], start=1):
        TableBookingFactory(table=table, slot_start=at(first_day, 10 + n // 2, 30 * (n % 2)))
    with_three = queries()

    assert with_one == with_three


def test_the_page_in_japanese(client, event, table, first_day):
    response = client.get(page_url(event, "ja"))

    assert response.status_code == 200
    assert '<html lang="ja">' in response.text
    page = text_of(response)
    assert "テーブルA" in page
    assert "当パビリオン" in page
    assert "10:00–10:30（アゼルバイジャン時間）15:00–15:30（日本時間）" in page
    assert f"{first_day.year}年{first_day.month}月{first_day.day}日" in page


# Asking for a table


def test_a_valid_request_is_thanked_and_waits_for_the_staff(client, event, table, first_day):
    response = client.post(page_url(event), form_data(table, first_day))

    assert response.status_code == 302
    booking = TableBooking.objects.get()
    assert booking.status == TableBooking.Status.REQUESTED
    assert booking.slot_start == at(first_day, 10, 30)
    assert booking.language == "ja"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    page = text_of(thanks)
    assert "Thank you for your request" in page
    assert "Table A" in page
    assert "10:30–11:00 Baku time" in page
    assert "in Japanese" in page
    grid = text_of(client.get(page_url(event)))
    assert "Requested (1 request waiting)" in grid


def test_missing_and_malformed_fields_are_marked_and_nothing_typed_is_lost(
    client, event, table, first_day
):
    data = form_data(table, first_day, contact_name="", email="lena-at-example", purpose="")

    response = client.post(page_url(event), data)

    assert response.status_code == 400
    assert field_errors(response, "contact_name") == ["This field is required."]
    assert field_errors(response, "email") == ["Enter a valid email address."]
    assert field_errors(response, "purpose") == ["This field is required."]
    assert "Your request was not sent: please correct what is marked below." in text_of(response)
    assert 'value="Saitama City"' in response.text
    assert 'value="lena-at-example"' in response.text
    assert f'<option value="{first_day.isoformat()}T10:30" selected>' in response.text
    assert not TableBooking.objects.exists()


def test_a_made_up_table_or_time_is_refused_on_its_field(client, event, table, first_day):
    response = client.post(
        page_url(event), form_data(table, first_day, table="999999", slot="tomorrow at ten")
    )

    assert response.status_code == 400
    assert field_errors(response, "table") == ["Choose one of the tables listed."]
    assert field_errors(response, "slot") == ["Choose one of the times listed."]


def test_a_time_outside_opening_hours_gets_the_hours_on_the_time_field(
    client, event, table, first_day
):
    response = client.post(
        page_url(event), form_data(table, first_day, slot=f"{first_day.isoformat()}T15:00")
    )

    assert response.status_code == 400
    assert field_errors(response, "slot") == [
        "The networking area is not open at 15:00; on that day it is open 10:00–12:00."
    ]


def test_a_booked_slot_is_refused_with_a_clear_message(client, event, table, first_day):
    TableBookingFactory(
        table=table, slot_start=at(first_day, 10, 30), status=TableBooking.Status.CONFIRMED
    )

    response = client.post(page_url(event), form_data(table, first_day))

    assert response.status_code == 400
    [message] = field_errors(response, "slot")
    assert message.startswith("Table A is already booked for ")
    assert TableBooking.objects.count() == 1


def test_a_repeated_submission_makes_no_second_request(client, event, table, first_day):
    assert client.post(page_url(event), form_data(table, first_day)).status_code == 302

    again = client.post(page_url(event), form_data(table, first_day, email="LENA@example.org"))

    assert again.status_code == 400
    assert "You have already asked for this table at this time" in text_of(again)
    assert TableBooking.objects.count() == 1


def test_errors_are_given_in_japanese_on_the_japanese_page(client, event, table, first_day):
    response = client.post(page_url(event, "ja"), form_data(table, first_day, contact_name=""))

    assert response.status_code == 400
    assert field_errors(response, "contact_name") == ["このフィールドは必須です。"]
    assert "このフィールドは必須です。" in response.text


def test_requests_are_limited_per_email_address(client, event, table, first_day, monkeypatch):
    monkeypatch.setattr(views, "MAX_REQUESTS_PER_EMAIL", 2)
    for time in ("10:00", "10:30"):
        slot = f"{first_day.isoformat()}T{time}"
        assert (
            client.post(page_url(event), form_data(table, first_day, slot=slot)).status_code == 302
        )

    response = client.post(
        page_url(event),
        form_data(table, first_day, slot=f"{first_day.isoformat()}T11:00", organisation_name="X"),
    )

    assert response.status_code == 429
    assert "You have sent many requests in a short time, so this one was not sent." in (
        text_of(response)
    )
    assert 'value="X"' in response.text
    assert TableBooking.objects.count() == 2


def test_submissions_are_limited_per_client_address(client, event, table, first_day, monkeypatch):
    monkeypatch.setattr(views, "MAX_POSTS_PER_ADDRESS", 3)
    for n in range(3):
        client.post(
            page_url(event), form_data(table, first_day, email=f"p{n}@example.org", purpose="")
        )

    response = client.post(page_url(event), form_data(table, first_day, email="new@example.org"))

    assert response.status_code == 429
    assert not TableBooking.objects.exists()
    other_client = client.post(
        page_url(event), form_data(table, first_day), REMOTE_ADDR="192.0.2.7"
    )
    assert other_client.status_code == 302


def test_a_forged_thank_you_address_is_not_found(client, event):
    assert client.get(page_url(event) + "thanks/not-a-token/").status_code == 404


def test_when_every_slot_has_passed_the_form_is_not_offered(client, table):
    past = EventFactory(
        slug="cop29", start_date=dt.date(2024, 11, 11), end_date=dt.date(2024, 11, 22)
    )
    NetworkingTableFactory(venue=VenueFactory(event=past, is_ours=True))

    response = client.get("/en/events/cop29/networking/")

    assert response.status_code == 200
    assert "No slot can be requested now: every slot of this event has passed." in text_of(response)
    assert '<form method="post"' not in response.text
    assert "Past" in text_of(response)


# Staff


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(username="secretariat"))
    return client


BOOKINGS = "/en/admin/networking/tablebooking/"


def run_action(staff_client, action, bookings):
    return staff_client.post(
        BOOKINGS,
        {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [b.pk for b in bookings]},
        follow=True,
    )


def test_confirming_two_requests_for_one_slot_books_one_and_explains_the_other(
    staff_client, table, first_day
):
    first = TableBookingFactory(
        table=table, slot_start=at(first_day, 10), organisation_name="Saitama City"
    )
    second = TableBookingFactory(
        table=table, slot_start=at(first_day, 10), organisation_name="Yokohama City"
    )

    response = run_action(staff_client, "confirm", [first, second])

    assert response.status_code == 200
    page = text_of(response)
    assert "Confirmed: Saitama City, Table A," in page
    assert "Not confirmed: Yokohama City, Table A," in page
    assert "is already booked for" in page and "by Saitama City" in page
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "requested")
    assert AuditEntry.objects.get(action="pavilion.networking.confirmed").actor.username == (
        "secretariat"
    )


def test_declining_through_the_admin_is_audited(staff_client, table, first_day):
    booking = TableBookingFactory(table=table, slot_start=at(first_day, 10))

    response = run_action(staff_client, "decline", [booking])

    assert "Declined: " in text_of(response)
    booking.refresh_from_db()
    assert booking.status == TableBooking.Status.DECLINED
    assert AuditEntry.objects.filter(action="pavilion.networking.declined").exists()


def test_declining_a_confirmed_booking_is_reported_not_an_error_page(
    staff_client, table, first_day
):
    booking = TableBookingFactory(
        table=table, slot_start=at(first_day, 10), status=TableBooking.Status.CONFIRMED
    )

    response = run_action(staff_client, "decline", [booking])

    assert response.status_code == 200
    assert "Not declined: " in text_of(response)
    assert "cancel it instead of declining it" in text_of(response)


def test_the_booking_pages_open_in_both_languages(staff_client, table, first_day):
    booking = TableBookingFactory(table=table, slot_start=at(first_day, 10))
    for lang in ("en", "ja"):
        listing = staff_client.get(f"/{lang}/admin/networking/tablebooking/")
        change = staff_client.get(f"/{lang}/admin/networking/tablebooking/{booking.pk}/change/")
        assert listing.status_code == 200
        assert change.status_code == 200
        assert booking.organisation_name in listing.text


def test_the_home_page_links_to_the_tables_of_the_featured_pavilion(client, event, table):
    event.is_featured = True
    event.save(update_fields=["is_featured"])

    response = client.get("/en/")

    assert f'href="/en/events/{event.slug}/networking/"' in response.text
    assert "Book a table in the networking area" in text_of(response)


def test_the_home_page_offers_no_booking_where_there_are_no_tables(client, pavilion, event):
    event.is_featured = True
    event.save(update_fields=["is_featured"])

    assert "Book a table in the networking area" not in text_of(client.get("/en/"))
