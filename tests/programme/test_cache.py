"""Programme versions move on with every change; sessions' revisions rise."""

import pytest

from pavilion.programme.cache import programme_changed, programme_version
from pavilion.programme.models import Session
from tests.factories import (
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_saving_a_session_moves_its_event_version_on_after_commit(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory()
    other = EventFactory()
    before, other_before = programme_version(session.event_id), programme_version(other.pk)
    with django_capture_on_commit_callbacks(execute=True):
        session.title_en = "Renamed"
        session.save()
    assert programme_version(session.event_id) != before
    assert programme_version(other.pk) == other_before


def test_nothing_moves_before_commit(django_capture_on_commit_callbacks):
    session = SessionFactory()
    before = programme_version(session.event_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        session.save()
    assert programme_version(session.event_id) == before
    assert callbacks  # would run on commit


def test_a_shared_change_moves_every_event_on(django_capture_on_commit_callbacks):
    session = SessionFactory()
    other = EventFactory()
    before = programme_version(other.pk)
    with django_capture_on_commit_callbacks(execute=True):
        PersonFactory(name_en="New person")
    assert programme_version(other.pk) != before
    assert programme_version(session.event_id)


def test_explicit_change_for_bulk_writers(django_capture_on_commit_callbacks):
    event = EventFactory()
    before = programme_version(event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        programme_changed([event.pk])
    assert programme_version(event.pk) != before


def test_session_revision_rises_on_its_own_change_and_on_its_speakers():
    session = SessionFactory()
    assert Session.objects.get(pk=session.pk).sequence == 0
    session.title_en = "Changed"
    session.save()
    after_save = Session.objects.get(pk=session.pk)
    assert after_save.sequence == 1
    ParticipationFactory(session=session)
    after_speaker = Session.objects.get(pk=session.pk)
    assert after_speaker.sequence == 2
    assert after_speaker.updated_at >= after_save.updated_at


def test_a_version_never_repeats_after_the_cache_is_emptied():
    from django.core.cache import cache

    event = EventFactory()
    first = programme_version(event.pk)
    cache.clear()
    assert programme_version(event.pk) != first
