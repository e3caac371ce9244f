"""Capacity under real concurrency, on PostgreSQL (the row lock is what is tested).

Each test starts many threads, each with its own database connection, holds them
at a barrier so that they start together, and checks the outcome against what
the services promise: no seat given twice, capacity never exceeded, the waiting
list in the order the lock was acquired, never two rows for one address.

How many connections at once: PostgreSQL refuses connections beyond
``max_connections`` (100 by default, a few reserved for superusers, and other
test runs may share the server). So every thread is started and released by the
barrier at once, but at most ``pool_size()`` of them (30, fewer if the server has
less room) hold a connection at the same time: the others queue on a semaphore
and take a connection as soon as one is closed. All 240 registrations are still
in flight together and compete for the same row lock; at any moment up to 30 of
them are inside PostgreSQL waiting on it. Each thread closes its connection
before releasing its slot.

These run only when DATABASE_URL names PostgreSQL; on SQLite they skip (SQLite
serialises whole write transactions, so there is no row lock to test).
"""

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from pavilion.core.models import AuditEntry
from pavilion.registration.models import Registration
from pavilion.registration.services import (
    AlreadyRegistered,
    offer_accept,
    offers_expire,
    registration_cancel,
    registration_create,
)
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    VenueFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2024, 11, 1, 10, 0, tzinfo=dt.UTC)
Status = Registration.Status
MAX_POOL = 30


def pool_size() -> int:
    """Connections the threads may hold at once: at most 30, and leave room for others."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        in_use = int(cursor.fetchone()[0])
    size = min(MAX_POOL, limit - reserved - in_use - 10)
    assert size >= 8, f"PostgreSQL has too few free connections ({limit=}, {in_use=})"
    return size


def run_together(tasks: list[Callable[[], object]]) -> list[object]:
    """Run every task in its own thread, all released at once; return each task's
    result, or the exception it raised, in the tasks' order."""
    barrier = threading.Barrier(len(tasks), timeout=60)
    slots = threading.BoundedSemaphore(pool_size())
    results: list[object] = [None] * len(tasks)

    def work(index: int, task: Callable[[], object]) -> None:
        barrier.wait()
        with slots:
            try:
                results[index] = task()
            except Exception as exc:
                results[index] = exc
            finally:
                connections.close_all()  # this thread's connection only

    threads = [threading.Thread(target=work, args=item) for item in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results


class SeatWatcher:
    """Counts the seats held, over and over, while the threads run; keeps the highest."""

    def __init__(self, session):
        self.session_id = session.pk
        self.highest = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def _watch(self) -> None:
        try:
            while not self._stop.is_set():
                held = Registration.objects.filter(
                    session_id=self.session_id, status__in=Registration.HOLDS_SEAT
                ).count()
                self.highest = max(self.highest, held)
                self.samples += 1
        finally:
            connections.close_all()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)


def make_session(*, seats: int):
    venue = VenueFactory(event=EventFactory(), capacity=200)
    session = SessionFactory(event=venue.event, venue=venue)
    RegistrationSettingsFactory(session=session, capacity=seats)
    return session


def full_session_with_queue(*, seats: int, waiting: int):
    """A full session (made directly, not through the services) and a queue behind it."""
    session = make_session(seats=seats)
    seated = RegistrationFactory.create_batch(seats, session=session)
    queue = [
        RegistrationFactory(session=session, status=Status.WAITING, position=n)
        for n in range(1, waiting + 1)
    ]
    return session, seated, queue


def errors_in(results: list[object], *, allowed: tuple[type, ...] = ()) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, allowed)]


def test_240_registrations_at_once_fill_60_seats_and_queue_the_rest_in_lock_order():
    session = make_session(seats=60)
    tasks = [
        partial(
            registration_create,
            session=session,
            name=f"Visitor {n}",
            organisation="",
            email=f"visitor{n}@example.org",
            language="en",
            consent=True,
            now=NOW,
        )
        for n in range(240)
    ]

    results = run_together(tasks)

    assert errors_in(results) == []
    assert Counter(r.status for r in results) == {Status.CONFIRMED: 60, Status.WAITING: 180}
    rows = list(Registration.objects.filter(session=session).order_by("id"))
    assert len(rows) == 240
    assert len({row.email_key for row in rows}) == 240
    confirmed = [row for row in rows if row.status == Status.CONFIRMED]
    waiting = [row for row in rows if row.status == Status.WAITING]
    assert len(confirmed) == 60
    # Places 1…180, none missing, none twice.
    assert sorted(row.position for row in waiting) == list(range(1, 181))
    # Ids are drawn at INSERT, which happens under the lock, so id order is the order in
    # which the lock was taken: the first 60 holders got the seats, and the queue
    # follows the same order.
    assert max(row.id for row in confirmed) < min(row.id for row in waiting)
    assert [row.position for row in waiting] == list(range(1, 181))
    audited = Counter(
        AuditEntry.objects.filter(action__startswith="pavilion.registration.").values_list(
            "action", flat=True
        )
    )
    assert audited == {
        "pavilion.registration.confirmed": 60,
        "pavilion.registration.waitlisted": 180,
    }


def test_50_submissions_of_one_address_at_once_leave_exactly_one_row():
    session = make_session(seats=60)
    spellings = ["aiko@example.org", "Aiko@Example.org", "AIKO@EXAMPLE.ORG", " aiko@example.org "]
    tasks = [
        partial(
            registration_create,
            session=session,
            name="Aiko Tanaka",
            organisation="Saitama City",
            email=spellings[n % len(spellings)],
            language="ja",
            consent=True,
            now=NOW,
        )
        for n in range(50)
    ]

    results = run_together(tasks)

    assert errors_in(results, allowed=(AlreadyRegistered,)) == []
    created = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, AlreadyRegistered)]
    assert len(created) == 1
    assert len(refused) == 49
    assert {r.registration.pk for r in refused} == {created[0].pk}
    assert Registration.objects.filter(session=session).count() == 1
    assert created[0].status == Status.CONFIRMED


def test_20_cancellations_at_once_offer_20_seats_to_the_first_20_in_line():
    session, seated, queue = full_session_with_queue(seats=60, waiting=40)
    tasks = [
        partial(registration_cancel, registration=registration, now=NOW)
        for registration in seated[:20]
    ]

    with SeatWatcher(session) as watcher:
        results = run_together(tasks)

    assert errors_in(results) == []
    assert watcher.samples > 0
    assert watcher.highest <= 60
    statuses = dict(Registration.objects.filter(session=session).values_list("pk", "status"))
    assert [statuses[r.pk] for r in seated[:20]] == [Status.CANCELLED] * 20
    assert [statuses[r.pk] for r in queue[:20]] == [Status.OFFERED] * 20
    assert [statuses[r.pk] for r in queue[20:]] == [Status.WAITING] * 20
    assert Counter(statuses.values())[Status.CONFIRMED] == 40
    # Each seat was offered once, to one person, in the order of the queue.
    offers = AuditEntry.objects.filter(action="pavilion.registration.offered").order_by("id")
    assert [entry.data["position"] for entry in offers] == list(range(1, 21))
    assert len({entry.object_id for entry in offers}) == 20


def test_cancellations_and_newcomers_at_once_serve_the_queue_first():
    session, seated, queue = full_session_with_queue(seats=60, waiting=40)
    cancels = [partial(registration_cancel, registration=r, now=NOW) for r in seated[:20]]
    newcomers = [
        partial(
            registration_create,
            session=session,
            name=f"Newcomer {n}",
            organisation="",
            email=f"new{n}@example.org",
            language="en",
            consent=True,
            now=NOW,
        )
        for n in range(60)
    ]
    tasks = [*cancels, *newcomers]

    with SeatWatcher(session) as watcher:
        results = run_together(tasks)

    assert errors_in(results) == []
    assert watcher.highest <= 60
    rows = Registration.objects.filter(session=session)
    assert rows.filter(status__in=Registration.HOLDS_SEAT).count() == 60
    statuses = dict(rows.values_list("pk", "status"))
    assert [statuses[r.pk] for r in queue[:20]] == [Status.OFFERED] * 20
    assert [statuses[r.pk] for r in queue[20:]] == [Status.WAITING] * 20
    new_rows = rows.filter(email__startswith="new")
    assert set(new_rows.values_list("status", flat=True)) == {Status.WAITING}
    assert sorted(new_rows.values_list("position", flat=True)) == list(range(41, 101))


def test_acceptances_racing_the_expiry_each_end_one_way_only():
    session, seated, queue = full_session_with_queue(seats=60, waiting=60)
    for registration in seated[:20]:
        registration_cancel(registration=registration, now=NOW)
    offered = queue[:20]
    deadline = NOW + dt.timedelta(hours=24)
    # Half the people accept just in time; the other half too late. Four runs of the
    # expiry job start at the same moment, as if cron fired them on several servers.
    accepts = [
        partial(
            offer_accept,
            registration=r,
            now=deadline - dt.timedelta(minutes=1)
            if n % 2 == 0
            else deadline + dt.timedelta(minutes=1),
        )
        for n, r in enumerate(offered)
    ]
    expiries = [partial(offers_expire, now=deadline + dt.timedelta(minutes=1)) for _ in range(4)]

    with SeatWatcher(session) as watcher:
        results = run_together(accepts + expiries)

    # An acceptance either confirms or is refused with a message; never a crash or a deadlock.
    for result in results[:20]:
        assert isinstance(result, Registration) or (
            isinstance(result, ValidationError) and result.code in {"offer_expired", "no_offer"}
        ), repr(result)
    assert errors_in(results[20:]) == []
    assert watcher.highest <= 60

    statuses = dict(Registration.objects.filter(session=session).values_list("pk", "status"))
    ends = Counter(statuses[r.pk] for r in offered)
    assert set(ends) <= {Status.CONFIRMED, Status.EXPIRED}
    # An on-time acceptance can still lose to an expiry run that took the lock first
    # (the run's clock is past the deadline); a late one never wins.
    late = [r for n, r in enumerate(offered) if n % 2 == 1]
    assert {statuses[r.pk] for r in late} == {Status.EXPIRED}
    for registration in offered:
        actions = set(
            AuditEntry.objects.filter(object_id=str(registration.pk)).values_list(
                "action", flat=True
            )
        )
        assert not {"pavilion.registration.accepted", "pavilion.registration.expired"} <= actions

    # Every expired offer passed its seat to exactly one next person, in queue order.
    expired = ends[Status.EXPIRED]
    next_offered = [statuses[r.pk] for r in queue[20:]]
    assert next_offered == [Status.OFFERED] * expired + [Status.WAITING] * (40 - expired)
    held = sum(1 for s in statuses.values() if s in Registration.HOLDS_SEAT)
    assert held == 60
    assert sum(1 for r in results[20:] if isinstance(r, int)) == 4
    assert (
        sum(results[20:])
        + sum(1 for r in results[:20] if getattr(r, "code", None) == "offer_expired")
        == expired
    )
