import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from pavilion.core.models import AuditEntry
from pavilion.programme.models import Session
from pavilion.programme.services import (
    session_check_times,
    session_person_clashes,
    session_set_status,
    session_venue_clash,
)
from tests.factories import (
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    StaffFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")


def baku(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=BAKU)


def errors_of(session: Session) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        session_check_times(session=session)
    return caught.value.message_dict


@pytest.fixture
def venue():
    return VenueFactory(event=EventFactory())


def test_check_times_accepts_a_session_inside_the_event(venue):
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(12, 16, 30), ends_at=baku(12, 17, 30)
    )
    session_check_times(session=session)  # raises nothing


def test_check_times_refuses_an_end_before_the_start(venue):
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(12, 17), ends_at=baku(12, 16)
    )
    assert errors_of(session) == {"ends_at": ["The end must be after the start."]}


def test_check_times_refuses_an_end_equal_to_the_start(venue):
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(12, 17), ends_at=baku(12, 17)
    )
    assert "ends_at" in errors_of(session)


def test_check_times_refuses_a_start_without_an_end(venue):
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(12, 17), ends_at=None
    )
    assert errors_of(session)["ends_at"] == [
        "Give both the start and the end, or neither while the date is to be confirmed."
    ]


def test_check_times_refuses_a_session_outside_the_event_dates(venue):
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(23, 10), ends_at=baku(23, 11)
    )
    with pytest.raises(ValidationError) as caught:
        session_check_times(session=session)
    [error] = caught.value.error_dict["starts_at"]
    assert error.code == "outside_event"
    assert "within the event's dates, 11 Nov 2024 to 22 Nov 2024" in error.message


def test_check_times_uses_the_event_zone_for_the_last_day(venue):
    # 23:00–23:30 Baku time on the last day is 19:00–19:30 UTC: still inside.
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(22, 23), ends_at=baku(22, 23, 30)
    )
    session_check_times(session=session)
    # 00:30 Baku on the day after the last is 20:30 UTC on the last day, but outside.
    late = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(22, 23, 30), ends_at=baku(23, 0, 30)
    )
    assert "starts_at" in errors_of(late)


def test_check_times_refuses_a_venue_of_another_event(venue):
    other_venue = VenueFactory(event=EventFactory(), name_en="Japan Pavilion")
    session = SessionFactory.build(
        event=venue.event, venue=other_venue, starts_at=baku(12, 10), ends_at=baku(12, 11)
    )
    assert errors_of(session)["venue"] == [
        f"This venue belongs to another event: choose a venue of “{venue.event}”."
    ]


def test_check_times_accepts_a_date_to_be_confirmed_with_times_only(venue):
    session = SessionFactory.build(
        event=venue.event,
        venue=venue,
        starts_at=None,
        ends_at=None,
        tbc_start_time=dt.time(14),
        tbc_end_time=dt.time(15, 15),
    )
    session_check_times(session=session)


def test_check_times_refuses_a_to_be_confirmed_end_before_its_start(venue):
    session = SessionFactory.build(
        event=venue.event,
        venue=venue,
        starts_at=None,
        ends_at=None,
        tbc_start_time=dt.time(15),
        tbc_end_time=dt.time(14),
    )
    assert errors_of(session) == {"tbc_end_time": ["The end must be after the start."]}


def test_check_times_refuses_a_to_be_confirmed_end_without_a_start(venue):
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=None, ends_at=None, tbc_end_time=dt.time(15)
    )
    assert errors_of(session) == {"tbc_start_time": ["Give the start time too."]}


def test_check_times_refuses_publishing_over_another_published_session(venue):
    SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="LGMA Response to COP29",
        starts_at=baku(13, 10),
        ends_at=baku(13, 11),
    )
    session = SessionFactory.build(
        event=venue.event,
        venue=venue,
        status=Session.Status.PUBLISHED,
        starts_at=baku(13, 10, 30),
        ends_at=baku(13, 11, 30),
    )
    with pytest.raises(ValidationError) as caught:
        session_check_times(session=session)
    [error] = caught.value.error_dict["starts_at"]
    assert error.code == "venue_clash"
    assert "“LGMA Response to COP29” is already published in" in error.message
    assert "from 2024-11-13 10:00 to 2024-11-13 11:00" in error.message


def test_check_times_lets_a_draft_overlap(venue):
    SessionFactory(event=venue.event, venue=venue, starts_at=baku(13, 10), ends_at=baku(13, 11))
    draft = SessionFactory.build(
        event=venue.event,
        venue=venue,
        status=Session.Status.DRAFT,
        starts_at=baku(13, 10, 30),
        ends_at=baku(13, 11, 30),
    )
    session_check_times(session=draft)


def test_venue_clash_finds_the_overlapping_published_session(venue):
    other = SessionFactory(
        event=venue.event, venue=venue, starts_at=baku(13, 10), ends_at=baku(13, 11)
    )
    session = SessionFactory(
        event=venue.event,
        venue=venue,
        status=Session.Status.DRAFT,
        starts_at=baku(13, 10, 45),
        ends_at=baku(13, 12),
    )
    assert session_venue_clash(session=session) == other


def test_venue_clash_ignores_other_venues_drafts_and_back_to_back_sessions(venue):
    event = venue.event
    SessionFactory(event=event, venue=VenueFactory(event=event), starts_at=baku(13, 10))
    SessionFactory(event=event, venue=venue, status=Session.Status.DRAFT, starts_at=baku(13, 10))
    SessionFactory(event=event, venue=venue, starts_at=baku(13, 9), ends_at=baku(13, 10))
    SessionFactory(
        event=event, venue=venue, status=Session.Status.CANCELLED, starts_at=baku(13, 10)
    )
    session = SessionFactory(event=event, venue=venue, starts_at=baku(13, 10))
    assert session_venue_clash(session=session) is None


def test_venue_clash_is_none_while_the_date_is_to_be_confirmed(venue):
    SessionFactory(event=venue.event, venue=venue, starts_at=baku(13, 10))
    session = SessionFactory(
        event=venue.event, venue=venue, starts_at=None, tbc_start_time=dt.time(10)
    )
    assert session_venue_clash(session=session) is None


def test_person_clashes_lists_the_person_and_the_other_session(venue):
    koike = PersonFactory(name_en="Yuriko Koike")
    other = SessionFactory(event=venue.event, venue=venue, starts_at=baku(13, 10))
    ParticipationFactory(session=other, person=koike)
    session = SessionFactory(
        event=venue.event, venue=VenueFactory(event=venue.event), starts_at=baku(13, 10, 30)
    )
    ParticipationFactory(session=session, person=koike)
    ParticipationFactory(session=session, person=PersonFactory())
    assert session_person_clashes(session=session) == [(koike, other)]


def test_person_clashes_lists_each_pair_once(venue):
    person = PersonFactory()
    other = SessionFactory(event=venue.event, venue=venue, starts_at=baku(13, 10))
    ParticipationFactory(session=other, person=person, role="opening")
    ParticipationFactory(session=other, person=person, role="closing")
    session = SessionFactory(
        event=venue.event, venue=VenueFactory(event=venue.event), starts_at=baku(13, 10)
    )
    ParticipationFactory(session=session, person=person)
    assert session_person_clashes(session=session) == [(person, other)]


def test_person_clashes_ignore_cancelled_sessions(venue):
    person = PersonFactory()
    cancelled = SessionFactory(
        event=venue.event, venue=venue, status=Session.Status.CANCELLED, starts_at=baku(13, 10)
    )
    ParticipationFactory(session=cancelled, person=person)
    session = SessionFactory(
        event=venue.event, venue=VenueFactory(event=venue.event), starts_at=baku(13, 10)
    )
    ParticipationFactory(session=session, person=person)
    assert session_person_clashes(session=session) == []
    # Nor does a cancelled session clash with the others.
    assert session_person_clashes(session=cancelled) == []


def test_person_clashes_ignore_sessions_that_do_not_overlap(venue):
    person = PersonFactory()
    earlier = SessionFactory(
        event=venue.event, venue=venue, starts_at=baku(13, 9), ends_at=baku(13, 10)
    )
    ParticipationFactory(session=earlier, person=person)
    session = SessionFactory(event=venue.event, venue=venue, starts_at=baku(13, 10))
    ParticipationFactory(session=session, person=person)
    assert session_person_clashes(session=session) == []


def test_person_clashes_take_the_people_given(venue):
    person = PersonFactory()
    other = SessionFactory(event=venue.event, venue=venue, starts_at=baku(13, 10))
    ParticipationFactory(session=other, person=person)
    session = SessionFactory.build(
        event=venue.event, venue=venue, starts_at=baku(13, 10), ends_at=baku(13, 11)
    )
    assert session_person_clashes(session=session, person_ids=[person.pk]) == [(person, other)]


def test_set_status_publishes_and_audits_with_the_actor(venue):
    staff = StaffFactory()
    session = SessionFactory(event=venue.event, venue=venue, status=Session.Status.DRAFT)
    session_set_status(session=session, status=Session.Status.PUBLISHED, actor=staff)
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    entry = AuditEntry.objects.get()
    assert entry.action == "pavilion.session.published"
    assert entry.actor == staff
    assert entry.data == {"from": "draft", "to": "published"}
    assert entry.object_repr == str(session)


def test_set_status_refuses_an_overlap_and_leaves_the_status_unchanged(venue):
    SessionFactory(
        event=venue.event, venue=venue, title_en="E-KIZUNA High-Level Talks", starts_at=baku(12, 16)
    )
    session = SessionFactory(
        event=venue.event, venue=venue, status=Session.Status.DRAFT, starts_at=baku(12, 16, 30)
    )
    with pytest.raises(ValidationError) as caught:
        session_set_status(session=session, status=Session.Status.PUBLISHED, actor=StaffFactory())
    assert "“E-KIZUNA High-Level Talks” is already published" in " ".join(caught.value.messages)
    assert session.status == Session.Status.DRAFT
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT
    assert not AuditEntry.objects.exists()


def test_set_status_to_the_same_status_changes_and_audits_nothing(venue):
    session = SessionFactory(event=venue.event, venue=venue)
    session_set_status(session=session, status=Session.Status.PUBLISHED)
    assert not AuditEntry.objects.exists()


def test_set_status_cancels_and_unpublishes_with_their_action_codes(venue):
    session = SessionFactory(event=venue.event, venue=venue)
    session_set_status(session=session, status=Session.Status.CANCELLED)
    session_set_status(session=session, status=Session.Status.DRAFT)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "pavilion.session.cancelled",
        "pavilion.session.draft",
    ]


def test_a_draft_cannot_be_cancelled_since_it_was_never_announced():
    from pavilion.programme.services import session_set_status

    draft = SessionFactory(status=Session.Status.DRAFT)
    with pytest.raises(ValidationError) as exc:
        session_set_status(session=draft, status=Session.Status.CANCELLED)
    assert "A draft cannot be marked cancelled" in str(exc.value)
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT
