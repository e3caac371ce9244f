"""Invoice numbers under concurrency, on PostgreSQL (SQLite serialises writers and
would prove nothing): threads, each with its own database connection, issue at once."""

import threading

import pytest
from django.db import connection, transaction

from pavilion.billing.models import Invoice, InvoiceCounter
from pavilion.billing.services import invoice_issue

from .factories import MemberFactory, schedule_make, snapshot_make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24


def _run_together(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait(timeout=30)
            target()
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_issues_get_gapless_unique_numbers():
    snapshot_make()
    schedule_make(year=2027)
    members = [MemberFactory() for _ in range(THREADS)]
    # No counter row for the year yet: the threads also race to create it.
    assert not InvoiceCounter.objects.exists()

    errors = _run_together(
        [lambda member=member: invoice_issue(member=member, year=2027) for member in members]
    )

    assert errors == []
    sequences = sorted(Invoice.objects.filter(year=2027).values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS + 1))
    numbers = set(Invoice.objects.values_list("number", flat=True))
    assert numbers == {f"2027-{n:04d}" for n in range(1, THREADS + 1)}
    assert InvoiceCounter.objects.get(year=2027).last_number == THREADS


def test_concurrent_issues_for_the_same_member_give_one_invoice_and_one_number():
    snapshot_make()
    schedule_make(year=2027)
    member = MemberFactory()
    results = []

    def issue():
        results.append(invoice_issue(member=member, year=2027).pk)

    errors = _run_together([issue] * 20)

    assert errors == []
    assert Invoice.objects.count() == 1
    assert set(results) == {Invoice.objects.get().pk}
    assert InvoiceCounter.objects.get(year=2027).last_number == 1


def test_rolled_back_issues_among_concurrent_ones_leave_no_gap():
    snapshot_make()
    schedule_make(year=2027)
    members = [MemberFactory() for _ in range(THREADS)]

    def issue(member, fail):
        with transaction.atomic():
            invoice_issue(member=member, year=2027)
            if fail:
                raise RuntimeError("the caller's transaction fails")

    errors = _run_together(
        [
            lambda member=member, fail=(i % 3 == 0): issue(member, fail)
            for i, member in enumerate(members)
        ]
    )

    failed = len([i for i in range(THREADS) if i % 3 == 0])
    assert len(errors) == failed and all(isinstance(e, RuntimeError) for e in errors)
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS - failed + 1))
