"""Mail delivered for real: settings built from the environment, the database queue,
the worker command, and an SMTP server (aiosmtpd) listening on the loopback."""

import email
import email.policy
import logging
import runpy
import signal
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

import pavilion.settings
from pavilion.core.mail import mail_enqueue
from pavilion.programme import ical
from pavilion.programme.models import Session
from tests.factories import SessionFactory

SMTP_USER, SMTP_PASSWORD = "pavilion", "s3cret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_from_environment(monkeypatch, tmp_path, **environment) -> dict:
    """Pavilion's settings module as it reads with these environment variables."""
    monkeypatch.setenv("PAVILION_VAR_DIR", str(tmp_path))
    for name in ("HOST", "PORT", "USER", "PASSWORD", "TLS", "TIMEOUT"):
        monkeypatch.delenv(f"PAVILION_EMAIL_{name}", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(pavilion.settings.__file__)))


class Inbox:
    """What an SMTP server received; ``reply`` is its answer to each message."""

    def __init__(self):
        self.messages: list = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.reply = "250 2.0.0 Message accepted for delivery"

    async def handle_DATA(self, server, session, envelope):
        if self.reply.startswith("250"):
            self.messages.append(envelope)
        return self.reply

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"pavilion", b"s3cret"))


@pytest.fixture
def smtp_server():
    # aiosmtpd logs every connection from its own thread; keep its warnings only.
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        auth_require_tls=False,  # loopback only: no certificate to make
        authenticator=inbox.authenticate,
    )
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()
    server_log.setLevel(level)


@pytest.fixture
def mail_through(settings, monkeypatch, tmp_path):
    """Point the site's mailer at an SMTP server the way production does: by environment."""

    def configure(port: int) -> None:
        production = settings_from_environment(
            monkeypatch,
            tmp_path,
            PAVILION_EMAIL_HOST="127.0.0.1",
            PAVILION_EMAIL_PORT=str(port),
            PAVILION_EMAIL_USER=SMTP_USER,
            PAVILION_EMAIL_PASSWORD=SMTP_PASSWORD,
            PAVILION_EMAIL_TLS="off",
            PAVILION_EMAIL_TIMEOUT="10",
        )
        settings.MAILERS = production["MAILERS"]
        settings.TASKS = production["TASKS"]

    return configure


@pytest.fixture
def run_worker():
    """One batch of ``manage.py db_worker`` in this process; its signal handlers are undone after."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def session_ics(session: Session, lang: str) -> bytes:
    with translation.override(lang):
        return ical.build_calendar(
            event=session.event,
            sessions=ical.feed_sessions(queryset=Session.objects.filter(pk=session.pk)),
            lang=lang,
            name=session.title_ja,
            url_template=f"https://pavilion.example.org/{lang}/sessions/{ical.SLUG_PLACEHOLDER}/",
        )


def test_without_a_mail_host_mail_is_printed_to_the_console(monkeypatch, tmp_path):
    configured = settings_from_environment(monkeypatch, tmp_path)

    assert configured["MAILERS"] == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }


def test_the_smtp_server_and_its_login_come_from_the_environment(monkeypatch, tmp_path):
    configured = settings_from_environment(
        monkeypatch,
        tmp_path,
        PAVILION_EMAIL_HOST="smtp.example.org",
        PAVILION_EMAIL_USER="pavilion",
        PAVILION_EMAIL_PASSWORD="s3cret",
    )

    assert configured["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 587,
            "username": "pavilion",
            "password": "s3cret",
            "timeout": 20.0,
            "use_tls": True,
        },
    }
    assert not any(name.startswith("EMAIL_") for name in configured)  # deprecated in 6.1


@pytest.mark.parametrize(
    ("tls", "port", "options"),
    [("ssl", 465, {"use_ssl": True}), ("off", 25, {}), ("STARTTLS", 587, {"use_tls": True})],
)
def test_the_tls_mode_chooses_the_default_port(monkeypatch, tmp_path, tls, port, options):
    configured = settings_from_environment(
        monkeypatch, tmp_path, PAVILION_EMAIL_HOST="smtp.example.org", PAVILION_EMAIL_TLS=tls
    )

    smtp = configured["MAILERS"]["default"]["OPTIONS"]
    assert smtp["port"] == port
    assert {key: smtp[key] for key in ("use_tls", "use_ssl") if key in smtp} == options


def test_an_unknown_tls_mode_is_refused(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match="PAVILION_EMAIL_TLS must be one of"):
        settings_from_environment(
            monkeypatch, tmp_path, PAVILION_EMAIL_HOST="smtp.example.org", PAVILION_EMAIL_TLS="yes"
        )


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_queued_mail_to_the_smtp_server(smtp_server, mail_through, run_worker):
    mail_through(smtp_server.port)
    session = SessionFactory(title_ja="E-KIZUNA ハイレベル対談")
    ics = session_ics(session, "ja")

    mail_enqueue(
        to=["visitor@example.jp"],
        subject="ご登録を承りました: E-KIZUNA ハイレベル対談",
        body="当日お待ちしております。",
        attachments=[("session.ics", ics, "text/calendar")],
    )
    assert smtp_server.messages == []  # queued, not sent by the caller

    run_worker()

    [envelope] = smtp_server.messages
    assert smtp_server.logins == [(b"pavilion", b"s3cret")]
    assert envelope.mail_from == "noreply@localhost"
    assert envelope.rcpt_tos == ["visitor@example.jp"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["To"] == "visitor@example.jp"
    assert message["Subject"] == "ご登録を承りました: E-KIZUNA ハイレベル対談"
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == (
        "当日お待ちしております。"
    )
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "session.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_payload(decode=True) == ics
    assert "SUMMARY:E-KIZUNA ハイレベル対談" in ics.decode()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_server_that_says_try_later_gets_the_mail_again_later(
    smtp_server, mail_through, run_worker
):
    mail_through(smtp_server.port)
    smtp_server.reply = "451 4.3.0 Try again later"

    mail_enqueue(to=["visitor@example.jp"], subject="Welcome", body="Hello.")
    run_worker()

    assert smtp_server.messages == []
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now()

    smtp_server.reply = "250 2.0.0 Message accepted for delivery"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["visitor@example.jp"]


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_delays_the_mail_not_the_caller(mail_through, run_worker):
    mail_through(free_port())  # nothing listens there

    mail_enqueue(to=["visitor@example.jp"], subject="Welcome", body="Hello.")  # returns at once
    run_worker()

    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.return_value["sent"] is False
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"]["subject"] == "Welcome"
