"""What production relies on PostgreSQL itself to enforce.

These run only when DATABASE_URL names PostgreSQL (``make test`` with
``DATABASE_URL=postgres://…``); on SQLite they skip, and CI's SQLite run leaves
them out with ``-m "not postgres"``. Rows are written with ``objects.create``
through the factories, which skips model validation, so the database's own
constraints are what is tested.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from pavilion.programme.models import Event, Session
from tests.factories import EventFactory, SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BAKU = dt.timezone(dt.timedelta(hours=4))


def test_the_database_is_postgresql_in_utf8():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"


def test_postgresql_refuses_a_second_featured_event():
    EventFactory(slug="cop29", is_featured=True)

    with pytest.raises(IntegrityError, match="programme_event_one_featured"), transaction.atomic():
        EventFactory(slug="cop30", is_featured=True)

    assert list(Event.objects.filter(is_featured=True).values_list("slug", flat=True)) == ["cop29"]


def test_postgresql_allows_any_number_of_events_that_are_not_featured():
    EventFactory(is_featured=True)
    EventFactory(is_featured=False)
    EventFactory(is_featured=False)

    assert Event.objects.filter(is_featured=False).count() == 2


def test_postgresql_refuses_an_event_ending_before_it_starts():
    with pytest.raises(IntegrityError, match="programme_event_dates_ordered"), transaction.atomic():
        EventFactory(start_date=dt.date(2024, 11, 22), end_date=dt.date(2024, 11, 11))


def test_postgresql_refuses_a_session_ending_before_it_starts():
    start = dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU)

    with (
        pytest.raises(IntegrityError, match="programme_session_times_ordered"),
        transaction.atomic(),
    ):
        SessionFactory(starts_at=start, ends_at=start - dt.timedelta(minutes=30))

    assert not Session.objects.exists()


def test_postgresql_refuses_a_session_ending_when_it_starts():
    start = dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU)

    with (
        pytest.raises(IntegrityError, match="programme_session_times_ordered"),
        transaction.atomic(),
    ):
        SessionFactory(starts_at=start, ends_at=start)


def test_postgresql_refuses_a_session_with_a_start_but_no_end():
    with (
        pytest.raises(IntegrityError, match="programme_session_times_ordered"),
        transaction.atomic(),
    ):
        SessionFactory(starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU), ends_at=None)


def test_postgresql_accepts_a_session_whose_date_is_to_be_confirmed():
    session = SessionFactory(
        starts_at=None, ends_at=None, tbc_start_time=dt.time(14), tbc_end_time=dt.time(15, 15)
    )

    session.refresh_from_db()
    assert session.starts_at is None
    assert session.tbc_start_time == dt.time(14)


def test_icontains_finds_japanese_text_in_japanese_titles():
    wanted = SessionFactory(title_ja="COP29及び世界気候行動サミットへのLGMAの対応")
    SessionFactory(title_ja="都市と地域の連携")

    found = Session.objects.filter(title_ja__icontains="気候行動")

    assert list(found) == [wanted]


def test_icontains_ignores_latin_case_inside_japanese_titles():
    wanted = SessionFactory(title_ja="COP29及び世界気候行動サミットへのLGMAの対応")

    assert list(Session.objects.filter(title_ja__icontains="lgmaの対応")) == [wanted]


def test_japanese_text_round_trips_unchanged():
    session = SessionFactory(title_ja="清水 勇人（さいたま市長）「E-KIZUNA」")

    assert Session.objects.get(pk=session.pk).title_ja == "清水 勇人（さいたま市長）「E-KIZUNA」"
