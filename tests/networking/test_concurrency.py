"""No table is ever double-booked, even when many people act at the same moment.

These run on PostgreSQL only (``DATABASE_URL=postgres://…``), where rows are
really locked: SQLite runs one writer at a time and proves nothing here. The
threads wait at a barrier and then act together. Each thread has its own
database connection, closed when it is done; at most ``CONNECTIONS_AT_ONCE``
are open at a time (a semaphore after the barrier), so the test stays well
under PostgreSQL's ``max_connections`` even beside other test runs, while that
many threads still contend for the same row lock.
"""

import datetime as dt
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from pavilion.core.models import AuditEntry
from pavilion.networking import services
from pavilion.networking.models import TableBooking
from tests.factories import (
    EventFactory,
    NetworkingTableFactory,
    OpeningHoursFactory,
    StaffFactory,
    VenueFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BAKU = ZoneInfo("Asia/Baku")
THREADS = 50
CONNECTIONS_AT_ONCE = 25


def run_together(jobs) -> list[tuple[str, object]]:
    """Run every job in its own thread, released together; ("ok", result),
    ("refused", ValidationError) or ("error", exception) for each, in order."""
    barrier = threading.Barrier(len(jobs))
    gate = threading.BoundedSemaphore(CONNECTIONS_AT_ONCE)
    results: list[tuple[str, object]] = [("error", RuntimeError("did not run"))] * len(jobs)

    def work(index: int, job) -> None:
        try:
            barrier.wait(timeout=60)
            with gate:
                try:
                    results[index] = ("ok", job())
                except ValidationError as exc:
                    results[index] = ("refused", exc)
                finally:
                    connection.close()
        except Exception as exc:  # reported by the test, never swallowed
            results[index] = ("error", exc)

    threads = [threading.Thread(target=work, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def code_of(error: ValidationError) -> str:
    """The code of a refusal, whether keyed by field or not."""
    if hasattr(error, "error_dict"):
        return next(e.code for errors in error.error_dict.values() for e in errors)
    return error.code


@pytest.fixture
def day():
    return timezone.localdate(timezone=BAKU) + dt.timedelta(days=10)


@pytest.fixture
def pavilion(day):
    event = EventFactory(start_date=day, end_date=day, timezone="Asia/Baku")
    venue = VenueFactory(event=event, is_ours=True)
    OpeningHoursFactory(venue=venue, date=day, opens=dt.time(10), closes=dt.time(11, 30))
    return venue


@pytest.fixture
def staff():
    return StaffFactory(username="secretariat")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BAKU)


def ask(table, start, n: int) -> TableBooking:
    return services.booking_request(
        table=table,
        slot_start=start,
        organisation_name=f"City {n}",
        contact_name=f"Contact {n}",
        email=f"contact{n}@example.org",
        language="en",
        purpose="A meeting.",
    )


def test_fifty_staff_confirming_the_last_free_slot_book_it_exactly_once(pavilion, day, staff):
    table = NetworkingTableFactory(venue=pavilion, name_en="Table A")
    # 10:00 and 11:00 are booked already: 10:30 is the table's last free slot.
    for n, start in enumerate([at(day, 10), at(day, 11)]):
        services.booking_confirm(booking=ask(table, start, 1000 + n), actor=staff)
    requests = [ask(table, at(day, 10, 30), n) for n in range(THREADS)]

    results = run_together(
        [
            lambda booking=booking: services.booking_confirm(booking=booking, actor=staff)
            for booking in requests
        ]
    )

    outcomes = Counter(kind for kind, _value in results)
    assert outcomes == {"ok": 1, "refused": THREADS - 1}, [
        value for kind, value in results if kind == "error"
    ]
    for kind, value in results:
        if kind == "refused":
            assert code_of(value) == "taken"
            assert "Table A is already booked for" in " ".join(value.messages)
    slot = TableBooking.objects.filter(table=table, slot_start=at(day, 10, 30))
    assert slot.filter(status="confirmed").count() == 1
    assert slot.filter(status="requested").count() == THREADS - 1
    winner = slot.get(status="confirmed")
    assert (
        AuditEntry.objects.filter(
            action="pavilion.networking.confirmed", object_id=str(winner.pk)
        ).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="pavilion.networking.confirmed").count() == 3


def test_requests_and_confirmations_at_once_never_book_a_table_twice(pavilion, day, staff):
    tables = [NetworkingTableFactory(venue=pavilion) for _ in range(2)]
    slots = [at(day, 10), at(day, 10, 30), at(day, 11)]
    jobs_count = 60
    targets = [(tables[n % 2], slots[(n // 2) % 3]) for n in range(jobs_count)]

    def request_and_confirm(table, start, n):
        booking = ask(table, start, n)
        return services.booking_confirm(booking=booking, actor=staff)

    results = run_together(
        [
            lambda table=table, start=start, n=n: request_and_confirm(table, start, n)
            for n, (table, start) in enumerate(targets)
        ]
    )

    errors = [value for kind, value in results if kind == "error"]
    assert errors == []
    refusals = Counter(code_of(value) for kind, value in results if kind == "refused")
    assert set(refusals) <= {"taken", "booked"}
    confirmed = Counter(
        TableBooking.objects.filter(status="confirmed").values_list("table_id", "slot_start")
    )
    # Every (table, slot) that was asked for is booked, and none twice.
    assert confirmed == {(table.pk, start): 1 for table in tables for start in slots}
    assert sum(kind == "ok" for kind, _value in results) == len(tables) * len(slots)
    # Nobody's request was stored twice, and nothing was lost: a thread either
    # left a request (confirmed or waiting) or was told the slot was booked.
    stored = TableBooking.objects.count()
    assert stored == jobs_count - refusals["booked"]
    assert TableBooking.objects.values("email").distinct().count() == stored


def test_cancelling_while_others_confirm_never_leaves_two_bookings(pavilion, day, staff):
    table = NetworkingTableFactory(venue=pavilion)
    booked = ask(table, at(day, 10), 0)
    waiting = [ask(table, at(day, 10), n) for n in range(1, THREADS)]
    services.booking_confirm(booking=booked, actor=staff)

    jobs = [lambda: services.booking_cancel(booking=booked, actor=staff)] + [
        lambda booking=booking: services.booking_confirm(booking=booking, actor=staff)
        for booking in waiting
    ]
    results = run_together(jobs)

    assert [value for kind, value in results if kind == "error"] == []
    assert results[0][0] == "ok"  # the cancellation itself always succeeds
    booked.refresh_from_db()
    assert booked.status == TableBooking.Status.CANCELLED
    confirmed = TableBooking.objects.filter(status="confirmed", slot_start=at(day, 10))
    assert confirmed.count() <= 1
    # Whoever confirmed after the cancellation got the slot; those before were refused.
    assert sum(kind == "ok" for kind, _value in results[1:]) == confirmed.count()


def test_fifty_identical_submissions_at_once_store_one_request(pavilion, day):
    table = NetworkingTableFactory(venue=pavilion)

    results = run_together([lambda: ask(table, at(day, 10), 7) for _ in range(THREADS)])

    assert [value for kind, value in results if kind == "error"] == []
    assert sum(kind == "ok" for kind, _value in results) == 1
    assert {code_of(value) for kind, value in results if kind == "refused"} == {"duplicate"}
    assert TableBooking.objects.filter(email="contact7@example.org").count() == 1
    assert AuditEntry.objects.filter(action="pavilion.networking.requested").count() == 1
