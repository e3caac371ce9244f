"""A programme spreadsheet that cancels or moves a session tells the people registered,
as the back office does; an import that changes nothing for them tells nobody."""

import datetime as dt

import pytest
from django.core import mail

from pavilion.programme.spreadsheet.services import programme_import
from pavilion.registration.models import Registration
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    VenueFactory,
)
from tests.programme.spreadsheet_helpers import table

pytestmark = pytest.mark.django_db

Status = Registration.Status
COLUMNS = ("external_id", "status", "date", "start", "end", "venue", "title_en", "title_ja")
ROW = {
    "external_id": "S1",
    "status": "published",
    "date": "2024-11-12",
    "start": "16:30",
    "end": "17:30",
    "venue": "pavilion",
    "title_en": "Financing local climate action",
    "title_ja": "地域の気候変動対策の資金調達",
}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def session():
    """Published, Tue 12 Nov 2024, 16:30–17:30 Baku time, with two people registered
    (one in Japanese) and one who cancelled long ago."""
    event = EventFactory(
        slug="cop",
        timezone="Asia/Baku",
        secondary_timezones=["Asia/Tokyo"],
        start_date=dt.date(2024, 11, 11),
        end_date=dt.date(2024, 11, 22),
    )
    venue = VenueFactory(event=event, slug="pavilion", name_en="Multilevel Action Pavilion")
    session = SessionFactory(
        event=event,
        venue=venue,
        external_id="S1",
        slug="financing",
        title_en=ROW["title_en"],
        title_ja=ROW["title_ja"],
        starts_at=dt.datetime(2024, 11, 12, 12, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 11, 12, 13, 30, tzinfo=dt.UTC),
    )
    RegistrationSettingsFactory(session=session, capacity=10)
    RegistrationFactory(session=session, email="aiko@example.org")
    RegistrationFactory(session=session, email="kenji@example.org", language="ja")
    RegistrationFactory(session=session, email="gone@example.org", status=Status.CANCELLED)
    return session


def run(event, **changes):
    report = programme_import(
        event=event, rows=table({**ROW, **changes}, columns=COLUMNS), dry_run=False
    )
    assert report.ok, report.problem_lines()
    return report


def test_a_session_cancelled_by_import_tells_each_registrant_once(
    session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(session.event, status="cancelled")
    assert sorted(m.to[0] for m in mail.outbox) == ["aiko@example.org", "kenji@example.org"]
    assert set(session.registrations.values_list("status", flat=True)) == {Status.CANCELLED}

    # The same file again: nothing changes, nobody is told twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(session.event, status="cancelled")
    assert mail.outbox == []


def test_a_session_moved_by_import_tells_the_new_time_and_an_unchanged_file_tells_nobody(
    session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(session.event)  # the times it already has
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        run(session.event, start="17:00", end="18:00")
    assert sorted(m.to[0] for m in mail.outbox) == ["aiko@example.org", "kenji@example.org"]
    english = next(m for m in mail.outbox if m.to == ["aiko@example.org"])
    assert "17:00–18:00" in english.body and "16:30–17:30" in english.body
    assert set(
        session.registrations.exclude(email="gone@example.org").values_list("status", flat=True)
    ) == {Status.CONFIRMED}
