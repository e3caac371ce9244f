import datetime as dt

import pytest
from django.utils import timezone

from pavilion.membership.demo import demo_schedules


def ensure_classification() -> None:
    """The shipped income classification, or a small one where a transactional test
    before this one emptied the database."""
    from pavilion.membership.fees import snapshot_in_force
    from pavilion.membership.services import income_snapshot_create

    if snapshot_in_force() is None:
        income_snapshot_create(
            title="Test classification",
            source="Test data",
            valid_from=dt.date(2023, 7, 1),
            groups={"JP": "H", "DE": "H", "FR": "H", "US": "H", "PH": "LM", "KE": "LM"},
        )


@pytest.fixture
def schedules(db):
    """This year's published EUR and JPY schedules (the demo's figures)."""
    ensure_classification()
    demo_schedules(year=timezone.localdate().year)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Documents go to a folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _commit_at_the_test_level(db, monkeypatch):
    """Run on-commit callbacks when a service's transaction ends at the test's own level,
    as a real commit would (a rolled-back block drops its callbacks, as in production).

    The test runs inside a transaction that never commits, so without this no mail
    would ever leave; wrapping every call in ``django_capture_on_commit_callbacks``
    would hide the order in which things happen."""
    from django.db import connection, transaction

    baseline = len(connection.atomic_blocks)
    original_exit = transaction.Atomic.__exit__

    def exit_and_commit(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        conn = transaction.get_connection(self.using)
        if exc_type is None and len(conn.atomic_blocks) == baseline:
            while conn.run_on_commit:
                _sids, func, _robust = conn.run_on_commit.pop(0)
                func()
        return result

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)
