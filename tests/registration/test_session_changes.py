"""When the session itself changes: cancelled, given a new time, or moved back to draft.

Staff do these in the sessions' admin; the people registered hear of it by e-mail in
their language (or, for a draft, are not e-mailed but keep a working page), and staff
are told how many. Mail is queued after the commit: ``django_capture_on_commit_callbacks``
runs it into the outbox.
"""

import datetime as dt
import email
import email.policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from pavilion.core.models import AuditEntry
from pavilion.programme.models import Session
from pavilion.registration.models import Registration
from pavilion.registration.presenters import registration_path
from pavilion.registration.services import (
    offer_accept,
    registrations_session_cancelled,
    registrations_session_rescheduled,
)
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    StaffFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
BAKU = ZoneInfo("Asia/Baku")
SESSIONS = "/en/admin/programme/session/"
OFFER_ENDS = dt.datetime(2024, 11, 10, 10, 0, tzinfo=dt.UTC)
WHEN = "When: Tue 12 Nov 2024, 16:30–17:30 Baku time · 21:30–22:30 Japan time"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def session():
    """Published, Tue 12 Nov 2024, 16:30–17:30 Baku time; one seat."""
    event = EventFactory(slug="cop29", name_en="COP29")
    venue = VenueFactory(event=event, name_en="Multilevel Action Pavilion", capacity=1)
    session = SessionFactory(
        event=event,
        venue=venue,
        slug="financing",
        title_en="Financing local climate action",
        title_ja="地域の気候変動対策の資金調達",
    )
    RegistrationSettingsFactory(session=session, capacity=1)
    return session


@pytest.fixture
def people(session):
    """As the reviewer had them: one checked in, one offered a seat (Japanese), one
    waiting; and one who cancelled long ago."""
    return {
        "aiko": RegistrationFactory(
            session=session,
            name="Aiko Tanaka",
            email="aiko@example.org",
            checked_in_at=dt.datetime(2024, 11, 12, 12, 20, tzinfo=dt.UTC),
        ),
        "carla": RegistrationFactory(
            session=session,
            name="Carla Souza",
            email="carla@example.org",
            language="ja",
            status=Status.OFFERED,
            position=1,
            offered_at=OFFER_ENDS - dt.timedelta(hours=24),
            offer_expires_at=OFFER_ENDS,
        ),
        "ben": RegistrationFactory(
            session=session,
            name="Ben Okafor",
            email="ben@example.org",
            status=Status.WAITING,
            position=2,
        ),
        "dan": RegistrationFactory(
            session=session, name="Dan Gone", email="dan@example.org", status=Status.CANCELLED
        ),
    }


def text_of(message) -> str:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    return parsed.get_body(preferencelist=("plain",)).get_content()


def attachments_of(message) -> dict[str, bytes]:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    return {
        part.get_filename(): part.get_payload(decode=True) for part in parsed.iter_attachments()
    }


def mail_to(address: str):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def page_of(registration, lang="en") -> str:
    with translation.override(lang):
        return registration_path(registration)


def action(client, name: str, session, *, confirm: bool = False, follow: bool = False):
    data = {"action": name, ACTION_CHECKBOX_NAME: [session.pk]}
    if confirm:
        data["post"] = "yes"
    return client.post(SESSIONS, data, follow=follow)


def session_form_data(session, **values) -> dict[str, str]:
    """The session's change form as stored, with ``values`` changed (times in Baku)."""
    start = session.starts_at.astimezone(BAKU)
    data = {
        "event": str(session.event_id),
        "venue": str(session.venue_id),
        "status": session.status,
        "slug": session.slug,
        "external_id": "",
        "title_en": session.title_en,
        "title_ja": session.title_ja,
        "summary_en": "",
        "summary_ja": "",
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": session.ends_at.astimezone(BAKU).strftime("%H:%M"),
        "recording_url": "",
    }
    for prefix in ("participations", "hosts", "links", "chapters"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | {key: str(value) for key, value in values.items()}


def save_form(client, session, **values):
    return client.post(
        f"{SESSIONS}{session.pk}/change/", session_form_data(session, **values), follow=True
    )


# Cancelling a session


def test_marking_a_session_cancelled_asks_first_and_names_how_many_will_be_emailed(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = action(staff_client, "cancel", session)

    assert response.status_code == 200
    page = response.text
    assert "Mark these sessions cancelled?" in page
    assert "3 people will be e-mailed that the session is cancelled." in page
    assert "“Financing local climate action” (Tue 12 Nov 2024, 16:30–17:30 Baku time): " in page
    assert "3 people registered" in page
    assert 'name="post" value="yes"' in page
    # Nothing has happened yet.
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert mail.outbox == []
    assert not AuditEntry.objects.exists()


def test_a_cancelled_session_tells_every_active_registrant_in_their_language(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = action(staff_client, "cancel", session, confirm=True, follow=True)

    assert "“Financing local climate action” is now marked cancelled." in response.text
    assert (
        "3 people registered for “Financing local climate action” were told by e-mail that it "
        "is cancelled." in response.text
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "aiko@example.org",
        "ben@example.org",
        "carla@example.org",
    ]
    for address in ("aiko@example.org", "ben@example.org"):
        message = mail_to(address)
        assert message.subject == "Session cancelled: Financing local climate action"
        body = text_of(message)
        assert (
            "We are sorry to tell you that “Financing local climate action” has been cancelled."
            in body
        )
        assert "Your registration has ended with it. There is nothing you need to do." in body
        assert WHEN in body
        assert attachments_of(message) == {}
    japanese = mail_to("carla@example.org")
    assert japanese.subject == "【開催中止】地域の気候変動対策の資金調達"
    body = text_of(japanese)
    assert "「地域の気候変動対策の資金調達」は開催中止となりました" in body
    assert "2024年11月12日(火)" in body
    assert "21:30–22:30（日本時間）" in body


def test_a_cancelled_sessions_registrations_end_with_their_history_and_nobody_moves_up(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "cancel", session, confirm=True)

    rows = {r.name: r for r in Registration.objects.all()}
    assert {name: r.status for name, r in rows.items()} == {
        "Aiko Tanaka": Status.CANCELLED,
        "Carla Souza": Status.CANCELLED,
        "Ben Okafor": Status.CANCELLED,
        "Dan Gone": Status.CANCELLED,
    }
    assert rows["Aiko Tanaka"].checked_in_at is not None  # the check-in stays recorded
    assert rows["Carla Souza"].offer_expires_at is None
    entries = {
        e.object_id: e
        for e in AuditEntry.objects.filter(action="pavilion.registration.session_cancelled")
    }
    assert {entries[str(r.pk)].data["from"] for r in rows.values() if r.name != "Dan Gone"} == {
        "confirmed",
        "offered",
        "waiting",
    }
    assert str(rows["Dan Gone"].pk) not in entries  # already cancelled: not told again
    assert all(e.actor == staff_client.staff for e in entries.values())


def test_cancelling_twice_tells_nobody_twice(session, people, django_capture_on_commit_callbacks):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        first = registrations_session_cancelled(session=session)
        second = registrations_session_cancelled(session=session)

    assert (first, second) == (3, 0)
    assert len(mail.outbox) == 3


def test_the_service_tells_nobody_while_the_session_is_not_cancelled(session, people):
    assert registrations_session_cancelled(session=session) == 0
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 1


def test_cancelling_in_the_session_form_tells_the_registrants_too(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = save_form(staff_client, session, status="cancelled")

    assert (
        "3 people registered for “Financing local climate action” were told by e-mail that it "
        "is cancelled." in response.text
    )
    assert len(mail.outbox) == 3
    assert not Registration.objects.filter(status__in=Registration.ACTIVE).exists()


def test_the_registrants_page_says_the_session_is_cancelled(
    client, staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "cancel", session, confirm=True)

    page = client.get(page_of(people["aiko"])).text

    assert "This session has been cancelled" in page
    assert "the session will not take place, so your registration has ended" in page
    assert "Your seat is confirmed" not in page
    assert "You have checked in" not in page
    assert "Register again" not in page
    assert "Cancel my registration" not in page


def test_a_seat_still_held_for_a_cancelled_session_is_shown_as_cancelled(client, session):
    # A session cancelled by a way that left its registrations as they were.
    registration = RegistrationFactory(session=session)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)

    page = client.get(page_of(registration)).text

    assert "This session has been cancelled" in page
    assert "Your seat is confirmed" not in page
    assert "<svg" not in page  # no QR code to show at a door that will not open


def test_an_offer_for_a_cancelled_session_cannot_be_accepted(session, people):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)

    with pytest.raises(ValidationError) as caught:
        offer_accept(registration=people["carla"], now=OFFER_ENDS - dt.timedelta(hours=1))

    assert caught.value.messages == [
        "This session has been cancelled, so its seats are no longer offered."
    ]
    assert Registration.objects.get(pk=people["carla"].pk).status == Status.OFFERED


def test_a_session_nobody_registered_for_is_cancelled_without_a_confirmation_page(
    staff_client, session
):
    response = action(staff_client, "cancel", session, follow=True)

    assert "“Financing local climate action” is now marked cancelled." in response.text
    assert "were told by e-mail" not in response.text
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


# A new time


def test_a_new_time_is_emailed_to_everyone_registered_in_both_zones(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = save_form(staff_client, session, start_time="17:00", end_time="18:00")

    assert response.status_code == 200
    assert (
        "3 people registered for “Financing local climate action” were told the new time by "
        "e-mail." in response.text
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "aiko@example.org",
        "ben@example.org",
        "carla@example.org",
    ]
    seat = mail_to("aiko@example.org")
    assert seat.subject == "New time: Financing local climate action"
    body = text_of(seat)
    assert "The time of “Financing local climate action” has changed." in body
    assert "New time: Tue 12 Nov 2024, 17:00–18:00 Baku time · 22:00–23:00 Japan time" in body
    assert "Previous time: Tue 12 Nov 2024, 16:30–17:30 Baku time · 21:30–22:30 Japan time" in body
    assert "Your seat is kept for the new time." in body
    # The calendar file again, with the new time.
    [vevent] = icalendar.Calendar.from_ical(attachments_of(seat)["cop29-financing.ics"]).walk(
        "VEVENT"
    )
    assert vevent.decoded("DTSTART") == dt.datetime(2024, 11, 12, 17, 0, tzinfo=BAKU)
    waiting = text_of(mail_to("ben@example.org"))
    assert "You keep your place on the waiting list: you are number 1." in waiting
    assert "If you no longer wish to come, please leave the waiting list: https://" in waiting
    japanese = mail_to("carla@example.org")
    assert japanese.subject == "【日時変更】地域の気候変動対策の資金調達"
    body = text_of(japanese)
    assert "22:00–23:00（日本時間）" in body
    assert "21:30–22:30（日本時間）" in body
    entry = AuditEntry.objects.get(action="pavilion.registration.session_rescheduled")
    assert entry.actor == staff_client.staff
    assert entry.data["told"] == 3
    assert entry.data["to"]["starts_at"] == "2024-11-12T13:00:00+00:00"


def test_saving_a_session_without_moving_it_emails_nobody(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = save_form(staff_client, session, title_en="Financing climate action")

    assert response.status_code == 200
    assert "told the new time" not in response.text
    assert mail.outbox == []


def test_a_draft_session_given_a_new_time_emails_nobody(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    session.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        save_form(staff_client, session, start_time="17:00", end_time="18:00")

    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2024, 11, 12, 17, 0, tzinfo=BAKU)
    assert mail.outbox == []


def test_one_save_sends_one_message_per_registrant(
    session, people, django_capture_on_commit_callbacks
):
    old = (session.starts_at, session.ends_at)
    Session.objects.filter(pk=session.pk).update(
        starts_at=old[0] + dt.timedelta(minutes=30), ends_at=old[1] + dt.timedelta(minutes=30)
    )

    with django_capture_on_commit_callbacks(execute=True):
        told = registrations_session_rescheduled(
            session=session, old_starts_at=old[0], old_ends_at=old[1]
        )
        unchanged = registrations_session_rescheduled(
            session=session,
            old_starts_at=old[0] + dt.timedelta(minutes=30),
            old_ends_at=old[1] + dt.timedelta(minutes=30),
        )

    assert (told, unchanged) == (3, 0)
    assert len(mail.outbox) == 3


# Back to draft


def test_unpublishing_a_session_with_registrants_asks_first_and_emails_nobody(
    client, staff_client, session, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = action(staff_client, "unpublish", session)
    assert "Move these sessions back to draft?" in asked.text
    assert "3 people are registered. Nobody will be e-mailed." in asked.text
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        done = action(staff_client, "unpublish", session, confirm=True, follow=True)

    assert "is back to draft and no longer shown on the site." in done.text
    assert (
        "3 people are registered for “Financing local climate action”. Nobody was e-mailed; "
        "their registration pages still work" in done.text
    )
    assert mail.outbox == []
    assert Registration.objects.filter(status__in=Registration.ACTIVE).count() == 3
    # The public page is gone, but the registrant's own page works and says why.
    assert client.get(session.get_absolute_url()).status_code == 404
    response = client.get(page_of(people["aiko"]))
    assert response.status_code == 200
    assert "This session is not in the public programme at the moment." in response.text
    assert "Your seat is confirmed" in response.text
    assert f'href="{session.get_absolute_url()}"' not in response.text


def test_a_session_nobody_registered_for_is_unpublished_at_once(staff_client, session):
    response = action(staff_client, "unpublish", session, follow=True)

    assert "is back to draft and no longer shown on the site." in response.text
    assert "Nobody was e-mailed" not in response.text
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


def test_a_session_moved_before_a_seat_offers_deadline_brings_the_deadline_forward(
    session, people, django_capture_on_commit_callbacks
):
    old = (session.starts_at, session.ends_at)
    session.starts_at = OFFER_ENDS - dt.timedelta(hours=2)  # Sun 10 Nov, 12:00 Baku time
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.save(update_fields=["starts_at", "ends_at"])
    with django_capture_on_commit_callbacks(execute=True):
        told = registrations_session_rescheduled(
            session=session, old_starts_at=old[0], old_ends_at=old[1]
        )

    assert told == 3
    carla = people["carla"]
    carla.refresh_from_db()
    assert carla.status == Status.OFFERED
    assert carla.offer_expires_at == session.starts_at
    # Those waiting are not offered anything by the move.
    people["ben"].refresh_from_db()
    assert people["ben"].status == Status.WAITING and people["ben"].offer_expires_at is None
    assert "12:00" in text_of(mail_to("carla@example.org"))
