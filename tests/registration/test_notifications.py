"""The registrant's e-mails: one per kind of news, in their language, queued after the
commit, with the .ics and the QR code when a seat is theirs."""

import datetime as dt
import email
import email.policy
import logging
import signal
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from pavilion.registration import notifications
from pavilion.registration.models import Registration
from pavilion.registration.notifications import registration_message, session_ics
from pavilion.registration.services import (
    offers_expire,
    registration_cancel,
    registration_create,
    registration_move,
)
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    SessionFactory,
    StaffFactory,
    VenueFactory,
)

Status = Registration.Status
BAKU = ZoneInfo("Asia/Baku")
# Eleven days before the session (Tue 12 Nov 2024, 16:30–17:30 Baku time).
NOW = dt.datetime(2024, 11, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PAVILION_SITE_URL = "https://pavilion.example.org"


@pytest.fixture
def session(db):
    event = EventFactory(slug="cop29")
    venue = VenueFactory(
        event=event, name_en="Multilevel Action Pavilion", name_ja="マルチレベル行動館"
    )
    session = SessionFactory(
        event=event,
        venue=venue,
        slug="urban7",
        title_en="The Urban7 High-Level Talks",
        title_ja="アーバン7 ハイレベル対談",
        starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU),
    )
    RegistrationSettingsFactory(session=session, capacity=1)
    return session


def offered(session, **kwargs):
    return RegistrationFactory(
        session=session,
        status=Status.OFFERED,
        position=1,
        offered_at=NOW,
        offer_expires_at=dt.datetime(2024, 11, 2, 10, 0, tzinfo=dt.UTC),
        **kwargs,
    )


def news(kind: str, session, lang: str) -> Registration:
    if kind == "offered":
        return offered(session, language=lang)
    status = {
        "confirmed": Status.CONFIRMED,
        "waitlisted": Status.WAITING,
        "expired": Status.EXPIRED,
        "cancelled": Status.CANCELLED,
    }[kind]
    return RegistrationFactory(
        session=session,
        status=status,
        position=3 if status == Status.WAITING else None,
        language=lang,
        name="Aiko Tanaka",
    )


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def attachments_of(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in parsed(message).iter_attachments()
    }


ENGLISH_SUBJECTS = {
    "confirmed": "Your seat is confirmed: The Urban7 High-Level Talks",
    "waitlisted": "You are number 1 on the waiting list: The Urban7 High-Level Talks",
    "offered": "A seat is free for you: The Urban7 High-Level Talks",
    "expired": "Your seat offer has passed on: The Urban7 High-Level Talks",
    "cancelled": "Your registration is cancelled: The Urban7 High-Level Talks",
}


@pytest.mark.parametrize("kind", list(ENGLISH_SUBJECTS))
def test_each_kind_of_news_has_its_own_message(kind, session):
    registration = news(kind, session, "en")

    message = registration_message(kind=kind, registration=registration)

    assert message["to"] == [registration.email]
    assert message["subject"] == ENGLISH_SUBJECTS[kind]
    assert message["body"].startswith(f"Dear {registration.name},\n")
    assert (
        "When: Tue 12 Nov 2024, 16:30–17:30 Baku time · 21:30–22:30 Japan time" in (message["body"])
    )
    assert "Where: Multilevel Action Pavilion, Conference" in message["body"]
    assert message["html"].startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("kind", list(ENGLISH_SUBJECTS))
def test_each_kind_of_news_is_written_in_japanese_for_a_japanese_registrant(kind, session):
    registration = news(kind, session, "ja")

    message = registration_message(kind=kind, registration=registration)

    assert "アーバン7 ハイレベル対談" in message["subject"]
    assert "2024年11月12日(火)" in message["body"]
    assert "21:30–22:30（日本時間）" in message["body"]
    assert "マルチレベル行動館" in message["body"]
    assert '<html lang="ja">' in message["html"]
    # Links lead to the Japanese pages.
    assert "https://pavilion.example.org/ja/events/cop29/" in message["body"]
    assert "/en/" not in message["body"]


def test_a_waiting_registrant_is_told_their_place_and_how_to_leave(session):
    RegistrationFactory(session=session, status=Status.WAITING, position=1)
    registration = RegistrationFactory(session=session, status=Status.WAITING, position=2)

    message = registration_message(kind="waitlisted", registration=registration)

    assert message["subject"].startswith("You are number 2 on the waiting list")
    assert "you are on the waiting list: you are number 2." in message["body"]
    assert (
        "If you no longer wish to come, please leave the waiting list: https://"
        in (message["body"])
    )
    assert message["attachments"] == []


def test_an_offer_gives_its_deadline_in_both_zones_and_the_page_to_accept_it(session):
    registration = offered(session)

    message = registration_message(kind="offered", registration=registration)

    # 10:00 UTC is 14:00 in Baku and 19:00 in Tokyo.
    assert "accept it by Sat 2 Nov 2024, 14:00 Baku time · 19:00 Japan time." in message["body"]
    assert (
        "Accept it on your registration page: https://pavilion.example.org/en/" in (message["body"])
    )
    assert "Accept the seat</a>" in message["html"]


def test_a_confirmation_carries_the_sessions_ics_and_the_qr_code(session):
    registration = RegistrationFactory(session=session, language="ja")

    message = registration_message(kind="confirmed", registration=registration)

    files = {name: (content, kind) for name, content, kind in message["attachments"]}
    ics, content_type = files["cop29-urban7.ics"]
    assert content_type == "text/calendar"
    calendar = icalendar.Calendar.from_ical(ics)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "アーバン7 ハイレベル対談"
    assert vevent.decoded("DTSTART") == dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU)
    assert str(vevent["UID"]) == f"{session.pk}.cop29@pavilion"
    assert str(vevent["URL"]) == "https://pavilion.example.org/ja/events/cop29/sessions/urban7/"
    png, content_type = files[f"registration-{registration.code_display}.png"]
    assert content_type == "image/png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20]), int.from_bytes(png[20:24])
    assert width == height >= 250  # 29 modules with the quiet zone, 10 pixels each
    assert registration.code_display in message["body"]
    assert registration.code_display in message["html"]


def test_a_session_whose_date_is_to_be_confirmed_sends_the_qr_code_without_an_ics(session):
    session.starts_at = None
    session.ends_at = None
    session.save(update_fields=["starts_at", "ends_at"])
    registration = RegistrationFactory(session=session)

    message = registration_message(kind="confirmed", registration=registration)

    assert [name for name, _content, _type in message["attachments"]] == [
        f"registration-{registration.code_display}.png"
    ]
    assert "When: Date to be confirmed" in message["body"]
    assert ".ics" not in message["body"]


def test_the_ics_is_built_once_for_every_registrant_until_the_programme_changes(
    session, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = session_ics(session, lang="en")

    with django_assert_num_queries(0):
        again = session_ics(session, lang="en")

    assert again == first
    session.title_en = "The Urban7 Talks"
    with django_capture_on_commit_callbacks(execute=True):  # the programme's version moves on
        session.save(update_fields=["title_en"])
    changed = session_ics(session, lang="en")
    assert b"SUMMARY:The Urban7 Talks" in changed


def test_names_are_escaped_in_the_html_message(session):
    registration = RegistrationFactory(session=session, name="<b>Ann</b> & Co")

    message = registration_message(kind="confirmed", registration=registration)

    assert "Dear &lt;b&gt;Ann&lt;/b&gt; &amp; Co," in message["html"]
    assert "Dear <b>Ann</b> & Co," in message["body"]


# Through the services, after the commit


def register(session, email: str, **kwargs):
    values = {
        "session": session,
        "name": "Visitor",
        "organisation": "",
        "email": email,
        "language": "en",
        "consent": True,
        "now": NOW,
    }
    return registration_create(**values | kwargs)


def test_a_registration_sends_its_news_once_committed(session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(session, "first@example.org")

    assert mail.outbox == []  # nothing leaves before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:  # the commit
            callback()
    [sent] = mail.outbox
    assert sent.subject == ENGLISH_SUBJECTS["confirmed"]


@pytest.mark.django_db(transaction=True)
def test_a_registration_that_rolls_back_sends_nothing():
    event = EventFactory()
    session = SessionFactory(event=event, venue=VenueFactory(event=event))
    RegistrationSettingsFactory(session=session)

    with pytest.raises(RuntimeError), transaction.atomic():
        register(session, "first@example.org")
        raise RuntimeError("the request failed after registering")

    assert not Registration.objects.exists()
    assert mail.outbox == []

    register(session, "first@example.org")
    assert [m.to for m in mail.outbox] == [["first@example.org"]]


def test_a_cancellation_tells_the_canceller_and_offers_the_seat_to_the_first_in_line(
    session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seat = register(session, "seat@example.org")
        register(session, "queue@example.org", language="ja")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=seat, now=NOW)

    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("seat@example.org", ENGLISH_SUBJECTS["cancelled"]),
        ("queue@example.org", "【席のご案内】アーバン7 ハイレベル対談"),
    ]


def test_a_lapsed_offer_is_told_and_the_seat_offered_to_the_next(
    session, django_capture_on_commit_callbacks
):
    late = offered(session, email="late@example.org")
    RegistrationFactory(
        session=session, email="next@example.org", status=Status.WAITING, position=2
    )

    with django_capture_on_commit_callbacks(execute=True):
        offers_expire(now=dt.datetime(2024, 11, 3, tzinfo=dt.UTC))

    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("late@example.org", ENGLISH_SUBJECTS["expired"]),
        ("next@example.org", ENGLISH_SUBJECTS["offered"]),
    ]
    late.refresh_from_db()
    assert late.status == Status.EXPIRED


def test_a_seat_given_by_staff_is_told_as_their_doing_with_the_qr_code_and_ics(
    session, django_capture_on_commit_callbacks
):
    RegistrationFactory(session=session)  # the only seat is taken
    waiting = RegistrationFactory(session=session, status=Status.WAITING, position=1)

    with django_capture_on_commit_callbacks(execute=True):
        registration_move(
            registration=waiting, to_status=Status.CONFIRMED, actor=StaffFactory(), force=True
        )

    [sent] = mail.outbox
    assert sent.subject == "Your registration has changed: The Urban7 High-Level Talks"
    body = parsed(sent).get_body(preferencelist=("plain",)).get_content()
    assert (
        "The pavilion team has given you a confirmed seat at “The Urban7 High-Level Talks”." in body
    )
    assert set(attachments_of(sent)) == {
        "cop29-urban7.ics",
        f"registration-{waiting.code_display}.png",
    }


def test_a_registration_cancelled_by_staff_is_told_so(session, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(session=session)

    with django_capture_on_commit_callbacks(execute=True):
        registration_move(
            registration=registration, to_status=Status.CANCELLED, actor=StaffFactory()
        )

    [sent] = mail.outbox
    body = parsed(sent).get_body(preferencelist=("plain",)).get_content()
    assert "The pavilion team has cancelled your registration for “The Urban7" in body
    assert "you can register again while registration is open: https://" in body
    assert attachments_of(sent) == {}


def test_a_message_that_cannot_be_built_is_logged_and_the_change_stands(
    session, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(notifications, "render_mail", broken)
    caplog.set_level(logging.ERROR, logger="pavilion.registration")

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session, "first@example.org")

    assert Registration.objects.get().pk == registration.pk
    assert mail.outbox == []
    assert "Registration mail not built: kind=confirmed" in caplog.text


def test_an_unknown_kind_of_news_is_a_programming_error(session):
    registration = RegistrationFactory(session=session)

    with pytest.raises(ValueError, match="Unknown kind of registration news: 'moved'"):
        notifications.registration_notify(kind="moved", registration=registration)


@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_a_small_task_and_the_worker_builds_and_sends_the_mail(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory()
    session = SessionFactory(event=event, venue=VenueFactory(event=event), title_en="Urban7")
    RegistrationSettingsFactory(session=session)

    registration = register(session, "first@example.org", language="ja")

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "pavilion.registration.notifications.registration_mail_build"
    assert queued.args_kwargs["kwargs"] == {
        "registration_id": registration.pk,
        "kind": "confirmed",
        "status": "confirmed",
        "offer_expires_at": None,
        "as_news": True,
    }
    assert mail.outbox == []

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        # The worker builds the message (queuing its sending), then sends it.
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    [sent] = mail.outbox
    assert sent.to == ["first@example.org"]
    assert session.title_ja in sent.subject  # in the registrant's language
    assert set(attachments_of(sent)) == {
        f"{event.slug}-{session.slug}.ics",
        f"registration-{registration.code_display}.png",
    }
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_mail_task_commits_or_rolls_back_with_the_registration(
    settings,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory()
    session = SessionFactory(event=event, venue=VenueFactory(event=event))
    RegistrationSettingsFactory(session=session)

    with pytest.raises(RuntimeError), transaction.atomic():
        register(session, "rolled-back@example.org")
        # The task row is written beside the registration, in the same transaction.
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("the request failed after registering")

    assert not Registration.objects.exists()
    assert not DBTaskResult.objects.exists()

    kept = register(session, "kept@example.org")
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["kwargs"]["registration_id"] == kept.pk


@pytest.mark.django_db(transaction=True)
def test_the_queued_message_carries_the_place_in_line_as_it_was_when_registering(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory()
    session = SessionFactory(event=event, venue=VenueFactory(event=event))
    RegistrationSettingsFactory(session=session, capacity=1)
    register(session, "seat@example.org")
    register(session, "first@example.org")

    second = register(session, "second@example.org")

    queued = DBTaskResult.objects.get(args_kwargs__kwargs__registration_id=second.pk)
    assert queued.args_kwargs["kwargs"]["status"] == "waiting"
    assert queued.args_kwargs["kwargs"]["place"] == 2
    message = notifications.registration_message(
        kind="waitlisted", registration=second, place=queued.args_kwargs["kwargs"]["place"]
    )
    assert "you are on the waiting list: you are number 2." in message["body"]
