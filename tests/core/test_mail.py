"""Mail goes out through the queue: only after a commit, in the recipient's language,
with its attachments intact, retried when the server refuses for now.

The test runner replaces every mailer with the in-memory one, so what the worker
sends lands in ``django.core.mail.outbox``. Tests that need the worker use the real
database queue (django-tasks-db) and run one batch of ``manage.py db_worker`` in
this process; the others run each task as it is queued (the Immediate backend).
"""

import datetime as dt
import email
import email.policy
import logging
import signal
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pavilion.core.mail import mail_enqueue, render_mail

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pavilion//Programme//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1.cop29@pavilion\r\nDTSTAMP:20241101T000000Z\r\n"
    "DTSTART:20241112T123000Z\r\nSUMMARY:E-KIZUNA ハイレベル対談\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()
BINARY = bytes(range(256)) * 4


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def run_worker(database_queue):
    """Run the real worker command in this process until no task is due, as
    ``manage.py db_worker --batch`` does; its signal handlers are undone after."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def parsed(message) -> email.message.EmailMessage:
    """A sent message as its recipient's mail program reads it."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def attachments_of(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in parsed(message).iter_attachments()
    }


@pytest.mark.django_db(transaction=True)
def test_mail_queued_in_a_transaction_that_rolls_back_is_never_sent(immediate_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_enqueue(to=["visitor@example.org"], subject="Your seat is confirmed", body="See you.")
        raise RuntimeError("the registration failed")

    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_mail_queued_in_a_transaction_that_rolls_back_leaves_nothing_in_the_queue(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_enqueue(to=["visitor@example.org"], subject="Your seat is confirmed", body="See you.")
        raise RuntimeError("the registration failed")

    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_mail_in_the_database_queue_commits_with_the_data_it_tells_of(database_queue):
    with transaction.atomic():
        mail_enqueue(to=["visitor@example.org"], subject="Your seat is confirmed", body="See you.")
        # Written in the caller's transaction: no second commit after it.
        assert DBTaskResult.objects.count() == 1

    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"]["subject"] == "Your seat is confirmed"


@pytest.mark.django_db(transaction=True)
def test_mail_queued_in_a_transaction_is_sent_once_it_commits(immediate_tasks):
    with transaction.atomic():
        mail_enqueue(
            to=["visitor@example.org"],
            subject="Your seat is confirmed",
            body="See you on 12 November.",
            reply_to=["pavilion@example.org"],
            headers={"X-Pavilion-Registration": "42"},
        )
        assert mail.outbox == []  # not before the commit

    [sent] = mail.outbox
    assert sent.to == ["visitor@example.org"]
    assert sent.subject == "Your seat is confirmed"
    assert sent.body == "See you on 12 November."
    assert sent.reply_to == ["pavilion@example.org"]
    assert parsed(sent)["X-Pavilion-Registration"] == "42"
    assert parsed(sent)["From"] == "Pavilion <noreply@localhost>"


@pytest.mark.django_db(transaction=True)
def test_mail_queued_outside_a_transaction_is_sent_at_once(immediate_tasks):
    mail_enqueue(to=["visitor@example.org"], subject="Welcome", body="Hello.")

    assert [m.subject for m in mail.outbox] == ["Welcome"]


@pytest.mark.django_db(transaction=True)
def test_queued_mail_waits_in_the_database_until_the_worker_sends_it(run_worker):
    mail_enqueue(to=["visitor@example.org"], subject="Welcome", body="Hello.")

    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"

    run_worker()

    [sent] = mail.outbox
    assert sent.subject == "Welcome"
    # The queue row names the message as its recipient will see it.
    assert parsed(sent)["Message-ID"] == queued.args_kwargs["kwargs"]["message_id"]
    assert parsed(sent)["Message-ID"].endswith("@localhost>")  # the sender's domain
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_attachments_survive_the_queue_intact(run_worker):
    mail_enqueue(
        to=["visitor@example.org"],
        subject="Your seat is confirmed",
        body="The session is attached for your calendar.",
        html="<p>The session is attached for your calendar.</p>",
        attachments=[
            ("session.ics", ICS, "text/calendar"),
            ("badge.bin", BINARY, "application/octet-stream"),
        ],
    )
    # In the queue they are base64 text inside the task's JSON arguments.
    [task_row] = DBTaskResult.objects.all()
    assert [a[0] for a in task_row.args_kwargs["kwargs"]["attachments"]] == [
        "session.ics",
        "badge.bin",
    ]

    run_worker()

    [sent] = mail.outbox
    assert attachments_of(sent) == {
        "session.ics": ("text/calendar", ICS),
        "badge.bin": ("application/octet-stream", BINARY),
    }
    html = parsed(sent).get_body(preferencelist=("html",)).get_content()
    assert "<p>The session is attached for your calendar.</p>" in html


@pytest.fixture
def mail_templates(settings, tmp_path):
    """Three small mail templates in a folder of their own."""
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "greeting.subject.txt").write_text(
        '{% load i18n %}\n{% translate "Japanese" %}:\n  {{ name }} — {{ site_name }}\n'
    )
    (folder / "greeting.txt").write_text(
        '{% load i18n %}\n{{ name }}, {{ when|date:"DATE_FORMAT" }} ({{ lang }})\n'
    )
    (folder / "greeting.html").write_text("<p>{{ name }}</p>\n")
    (folder / "plain.subject.txt").write_text("Plain\n")
    (folder / "plain.txt").write_text("No HTML here.\n")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


CONTEXT = {"name": "O'Brien & <Co>", "when": dt.date(2024, 11, 12)}


def test_mail_is_rendered_in_japanese_when_asked(mail_templates):
    subject, text, html = render_mail("mail/greeting", CONTEXT, "ja")

    assert subject == "日本語: O'Brien & <Co> — パビリオン"
    assert text == "O'Brien & <Co>, 2024年11月12日 (ja)\n"
    assert html == "<p>O&#x27;Brien &amp; &lt;Co&gt;</p>\n"


def test_mail_is_rendered_in_english_when_asked(mail_templates):
    subject, text, html = render_mail("mail/greeting", CONTEXT, "en")

    assert subject == "Japanese: O'Brien & <Co> — Pavilion"
    assert text == "O'Brien & <Co>, Nov. 12, 2024 (en)\n"
    assert html == "<p>O&#x27;Brien &amp; &lt;Co&gt;</p>\n"


def test_mail_in_a_regional_variant_is_rendered_in_its_language(mail_templates):
    subject, _text, _html = render_mail("mail/greeting", CONTEXT, "ja-JP")

    assert subject.startswith("日本語:")


def test_mail_in_an_unknown_language_is_rendered_in_the_default_one(mail_templates):
    subject, text, _html = render_mail("mail/greeting", CONTEXT, "xx")

    assert subject.startswith("Japanese:")
    assert text.endswith("(en)\n")


def test_mail_without_an_html_template_is_plain_text(mail_templates):
    assert render_mail("mail/plain", {}, "ja") == ("Plain", "No HTML here.\n", None)


@pytest.mark.django_db(transaction=True)
def test_mail_rendered_in_japanese_arrives_in_japanese(mail_templates, immediate_tasks):
    subject, text, html = render_mail("mail/greeting", CONTEXT, "ja")
    mail_enqueue(to=["visitor@example.jp"], subject=subject, body=text, html=html)

    [sent] = mail.outbox
    message = parsed(sent)
    assert message["Subject"] == "日本語: O'Brien & <Co> — パビリオン"
    assert message.get_body(preferencelist=("plain",)).get_content() == (
        "O'Brien & <Co>, 2024年11月12日 (ja)\n"
    )


class FlakyBackend(LocmemBackend):
    """The in-memory mailer behind a server that fails the first ``failures`` tries."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        return super().send_messages(messages)


@pytest.fixture
def flaky_server(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    yield FlakyBackend
    FlakyBackend.failures = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.django_db(transaction=True)
def test_mail_the_server_refuses_for_now_is_tried_again_after_a_delay(
    run_worker, flaky_server, settings, caplog
):
    settings.PAVILION_MAIL_RETRY_DELAYS = [60, 300]
    flaky_server.failures = 1
    caplog.set_level(logging.INFO, logger="pavilion.mail")
    mail_enqueue(to=["visitor@example.org"], subject="Welcome", body="Hello.")

    run_worker()

    assert mail.outbox == []
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.return_value["sent"] is False
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    wait = retry.run_after - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(seconds=60)
    assert "Mail deferred: to=visitor@example.org subject='Welcome'" in caplog.text
    assert "attempt=1 of 3, next in 60 s" in caplog.text

    run_worker()  # not due yet
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    [sent] = mail.outbox
    assert sent.subject == "Welcome"
    # The retry carries the first attempt's Message-ID.
    assert parsed(sent)["Message-ID"] == first.return_value["message_id"]
    assert "Mail sent: to=visitor@example.org subject='Welcome'" in caplog.text
    assert "attempt=2" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_bulk_mail_tried_again_stays_behind_a_visitors_mail(run_worker, flaky_server, settings):
    settings.PAVILION_MAIL_RETRY_DELAYS = [60]
    flaky_server.failures = 1
    mail_enqueue(to=["member@example.org"], subject="Invoice", body="Dues.", priority=-10)
    run_worker()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.priority == -10 and retry.args_kwargs["kwargs"]["attempt"] == 2

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    mail_enqueue(to=["visitor@example.org"], subject="Your seat", body="See you.")
    ready = DBTaskResult.objects.ready().order_by(*DBTaskResult._meta.ordering)
    assert [row.args_kwargs["kwargs"]["to"] for row in ready] == [
        ["visitor@example.org"],
        ["member@example.org"],
    ]


@pytest.mark.django_db(transaction=True)
def test_mail_stops_being_retried_after_the_last_delay(run_worker, flaky_server, settings, caplog):
    settings.PAVILION_MAIL_RETRY_DELAYS = [0, 0]
    flaky_server.failures = 10
    caplog.set_level(logging.INFO, logger="pavilion.mail")
    mail_enqueue(to=["visitor@example.org"], subject="Welcome", body="Hello.")

    run_worker()

    assert mail.outbox == []
    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [a.status for a in attempts] == ["SUCCESSFUL", "SUCCESSFUL", "FAILED"]
    assert attempts[2].exception_class_path == "smtplib.SMTPServerDisconnected"
    assert caplog.text.count("Mail deferred:") == 2
    assert "Mail failed: to=visitor@example.org subject='Welcome'" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_mail_the_server_refuses_for_good_is_not_retried(run_worker, flaky_server, caplog):
    flaky_server.failures = 1
    flaky_server.error = smtplib.SMTPRecipientsRefused(
        {"nobody@example.org": (550, b"5.1.1 No such user")}
    )
    mail_enqueue(to=["nobody@example.org"], subject="Welcome", body="Hello.")

    run_worker()

    [attempt] = DBTaskResult.objects.all()
    assert attempt.status == "FAILED"
    assert "550" in attempt.traceback
    assert "Mail failed: to=nobody@example.org" in caplog.text


class BrokenQueue(ImmediateBackend):
    def enqueue(self, task, args, kwargs):
        raise ConnectionError("the queue is unreachable")


@pytest.mark.django_db(transaction=True)
def test_mail_that_cannot_be_queued_is_logged_without_failing_the_request(settings, caplog):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.BrokenQueue"}}

    with transaction.atomic():
        mail_enqueue(to=["visitor@example.org"], subject="Welcome", body="Hello.")

    assert "Not queued: mail to=visitor@example.org subject='Welcome'" in caplog.text
    assert "the queue is unreachable" in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"to": []}, "at least one recipient"),
        ({"to": ["not an address"]}, "Not a mail address in to: 'not an address'"),
        ({"reply_to": ["@example.org"]}, "Not a mail address in reply_to"),
        ({"subject": "Welcome\nBcc: everyone@example.org"}, "subject must be one line"),
        ({"headers": {"X-Note": "a\r\nb"}}, "header X-Note must be one line"),
        ({"attachments": [("a.ics", b"", "calendar")]}, "Not a MIME type for a.ics: 'calendar'"),
    ],
)
def test_bad_mail_is_refused_where_it_is_written(kwargs, message):
    arguments = {"to": ["visitor@example.org"], "subject": "Welcome", "body": "Hello."}

    with pytest.raises(ValueError, match=message):
        mail_enqueue(**arguments | kwargs)
