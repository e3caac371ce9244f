import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from pavilion.billing.models import Invoice, ReminderLog
from pavilion.billing.services import invoice_issue, payment_record, reminders_send
from pavilion.core.models import AuditEntry

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send the reminders due on a day; the mail queued after the commit goes out."""

    def send(day):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(today=day)

    return send


@pytest.fixture
def command(django_capture_on_commit_callbacks):
    def command(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return _run(*args)

    return command


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_issue_dues_twice_issues_once(schedules):
    members = [MemberFactory() for _ in range(3)]
    MemberFactory(ended_on=dt.date(2020, 6, 1))  # left: not invoiced
    out, _err = _run("issue_dues", "2027")
    assert "Issued 3 invoices for 2027." in out
    assert "Total: €2,700.00" in out
    assert sorted(Invoice.objects.values_list("member_id", flat=True)) == [m.pk for m in members]

    out, _err = _run("issue_dues", "2027")
    assert "Issued 0 invoices for 2027." in out
    assert "3 members already have an invoice for 2027." in out
    assert "Nothing to issue" in out
    assert Invoice.objects.count() == 3
    assert max(Invoice.objects.values_list("sequence", flat=True)) == 3


def test_issue_dues_dry_run_issues_nothing(schedules):
    MemberFactory()
    out, _err = _run("issue_dues", "2027", "--dry-run")
    assert "Would issue 1 invoice for 2027." in out
    assert not Invoice.objects.exists()


def test_issue_dues_goes_on_past_a_member_without_fee_and_fails_at_the_end(schedules):
    good = MemberFactory()
    bad = MemberFactory(slug="nowhere-town", name_en="Nowhere Town", country="FR")
    err = StringIO()
    with pytest.raises(CommandError, match="1 member"):
        call_command("issue_dues", "2027", stdout=StringIO(), stderr=err)
    assert "1 member: Nowhere Town" in err.getvalue()
    assert list(Invoice.objects.values_list("member_id", flat=True)) == [good.pk]
    assert not bad.invoices.exists()


def test_issue_dues_numbers_batches_without_gaps_and_queues_one_render_per_batch(
    schedules, monkeypatch
):
    from pavilion.billing import services, tasks

    monkeypatch.setattr(tasks, "RENDER_BATCH", 3)
    batches = []
    monkeypatch.setattr(
        services, "invoices_queue_render", lambda invoice_ids: batches.append(invoice_ids)
    )
    members = [MemberFactory() for _ in range(7)]
    invoice_issue(member=members[4], year=2027)  # has one already: number 1
    MemberFactory(slug="nowhere-town", country="FR")  # no fee: fails, takes no number
    with pytest.raises(CommandError, match="1 member"):
        call_command("issue_dues", "2027", stdout=StringIO(), stderr=StringIO())

    invoices = list(Invoice.objects.order_by("sequence"))
    assert [invoice.sequence for invoice in invoices] == list(range(1, 8))
    assert [invoice.number for invoice in invoices[:2]] == ["2027-0001", "2027-0002"]
    # Members in the order they were read, each once; every new one is audited.
    assert [invoice.member_id for invoice in invoices[1:]] == [
        m.pk for m in members if m is not members[4]
    ]
    assert all(invoice.lines.count() == 1 for invoice in invoices)
    issued = AuditEntry.objects.filter(action="pavilion.billing.invoice.issued")
    assert sorted(int(pk) for pk in issued.values_list("object_id", flat=True)) == sorted(
        invoice.pk for invoice in invoices
    )
    # Six new invoices in two batches of three, each queued for rendering as a whole.
    assert batches == [[invoice.pk for invoice in invoices[1:4]], [i.pk for i in invoices[4:]]]


def _unpaid(language="en", **kwargs):
    member = MemberFactory(language=language, **kwargs)
    return invoice_issue(member=member, year=2027, issued_on=dt.date(2027, 1, 5))  # due 4 Feb


def test_reminders_before_and_after_due_each_sent_once(schedules, send, command):
    invoice = _unpaid()
    assert send(dt.date(2027, 1, 20)) == {"before_due": 0, "after_due": 0}
    assert send(dt.date(2027, 1, 21)) == {"before_due": 1, "after_due": 0}
    assert send(dt.date(2027, 1, 22)) == {"before_due": 0, "after_due": 0}
    assert send(dt.date(2027, 2, 10)) == {"before_due": 0, "after_due": 0}
    out, _err = command("send_dues_reminders", "--today", "2027-02-11")
    assert "after_due: 1 reminder(s) sent." in out
    out, _err = command("send_dues_reminders", "--today", "2027-02-12")
    assert "after_due: 0 reminder(s) sent." in out

    assert len(mail.outbox) == 2
    before, after = mail.outbox
    assert before.to == [invoice.member.billing_email]
    assert before.subject == "Reminder: invoice 2027-0001 is due on Feb. 4, 2027"
    assert "The amount due is €900.00." in before.body
    assert after.subject == "Overdue: invoice 2027-0001 for membership dues"
    assert set(ReminderLog.objects.values_list("kind", flat=True)) == {"before_due", "after_due"}
    assert AuditEntry.objects.filter(action__startswith="pavilion.billing.reminder.").count() == 2


def test_reminder_in_members_language_with_pdf_attached(schedules, monkeypatch, tmp_path, send):
    from django.core.files.storage import FileSystemStorage

    from pavilion.billing.pdf import invoice_pdf_store

    monkeypatch.setattr(
        Invoice._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path)
    )
    invoice = _unpaid(language="ja", currency="JPY", country="JP", name_ja="横浜市")
    invoice_pdf_store(invoice_id=invoice.pk)
    send(dt.date(2027, 2, 11))
    (message,) = mail.outbox
    assert "2027-0001" in message.subject
    assert "横浜市" in message.body
    assert "￥144,000" in message.body
    (attachment,) = message.attachments
    assert attachment.get_filename() == "invoice-2027-0001.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_no_reminder_for_paid_or_void_invoices(schedules, send):
    paid = _unpaid()
    payment_record(
        invoice=paid,
        amount=Decimal("900.00"),
        received_on=dt.date(2027, 1, 10),
        actor=None,
        today=dt.date(2027, 1, 10),
    )
    partly = _unpaid()
    payment_record(
        invoice=partly,
        amount=Decimal("100.00"),
        received_on=dt.date(2027, 1, 10),
        actor=None,
        today=dt.date(2027, 1, 10),
    )
    from pavilion.billing.services import invoice_void

    invoice_void(invoice=_unpaid(), reason="Duplicate")
    assert send(dt.date(2027, 2, 11)) == {"before_due": 0, "after_due": 1}
    (message,) = mail.outbox
    assert "The amount still due is €800.00 (invoice total €900.00)." in message.body


def _no_schedule_members():
    """Members billed in yen, where 2028 has only a euro schedule, and one in a country
    without an income group."""
    from .factories import schedule_make

    schedule_make(year=2028, currency="EUR")
    yen = [MemberFactory(name_en=f"Yen City {n}", currency="JPY", country="JP") for n in range(5)]
    nowhere = MemberFactory(slug="nowhere-town", name_en="Nowhere Town", country="FR")
    good = MemberFactory(name_en="Euro Town")
    return yen, nowhere, good


@pytest.mark.parametrize("dry_run", [True, False])
def test_issue_dues_reports_failures_once_per_reason_with_a_few_names_and_a_hint(
    schedules, dry_run
):
    _yen, _nowhere, good = _no_schedule_members()
    out, err = StringIO(), StringIO()
    args = ["issue_dues", "2028", *(["--dry-run"] if dry_run else [])]
    with pytest.raises(CommandError, match=r"^6 members could not be invoiced\.$"):
        call_command(*args, stdout=out, stderr=err)
    err = err.getvalue()
    assert err.startswith("6 members could not be invoiced:\n")
    assert err.count("There is no published fee schedule in JPY for 2028.") == 1
    assert "5 members: Yen City 0, Yen City 1, Yen City 2 and 2 more" in err
    assert "Yen City 3" not in err
    assert "1 member: Nowhere Town" in err
    assert "Publish the 2028 fee schedules first" in err
    assert "Then run the command again" in err
    # No slugs, field names or exception names for the treasurer to decode.
    assert "nowhere-town" not in err and "currency:" not in err and "CommandError" not in err
    issued = Invoice.objects.filter(year=2028)
    assert list(issued.values_list("member_id", flat=True)) == ([] if dry_run else [good.pk])


def test_issue_dues_from_the_command_line_exits_1_without_a_traceback_line(
    schedules, monkeypatch, capsys
):
    from django.core.management import base

    from pavilion.billing.management.commands.issue_dues import Command

    _no_schedule_members()
    # run_from_argv closes the connections when it ends: not the test's.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "issue_dues", "2028", "--dry-run"])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "6 members could not be invoiced:" in captured.err
    assert "CommandError" not in captured.err and "Traceback" not in captured.err
    assert "Would issue 1 invoice for 2028." in captured.out


def test_issue_dues_dry_run_names_the_members_and_amounts_when_few(schedules):
    MemberFactory(name_en="Southern Cross", population=250_000)
    MemberFactory(name_en="Kawanishi", currency="JPY", country="JP", population=48_000)
    out, _err = _run("issue_dues", "2027", "--dry-run")
    assert "Would issue 2 invoices for 2027." in out
    assert "  Southern Cross: €1,680.00\n" in out
    assert "  Kawanishi: ¥72,000\n" in out
    assert "Total: €1,680.00, ¥72,000" in out
    assert not Invoice.objects.exists()


def test_issue_dues_dry_run_gives_count_and_totals_when_many(schedules, monkeypatch):
    from pavilion.billing.management.commands import issue_dues

    monkeypatch.setattr(issue_dues, "LIST_LIMIT", 2)
    for n in range(3):
        MemberFactory(name_en=f"Town {n}")
    out, _err = _run("issue_dues", "2027", "--dry-run")
    assert "Would issue 3 invoices for 2027." in out
    assert "Town 0" not in out
    assert "Total: €2,700.00" in out


def test_send_dues_reminders_help_says_which_reminders_with_the_configured_days(settings):
    from pavilion.billing.management.commands.send_dues_reminders import Command

    settings.PAVILION_REMINDER_BEFORE_DAYS = 10
    settings.PAVILION_REMINDER_AFTER_DAYS = 3
    text = " ".join(
        Command().create_parser("manage.py", "send_dues_reminders").format_help().split()
    )
    assert "a first reminder from 10 days before its due date" in text
    assert "a second from 3 days after it" in text
    assert "--dry-run" in text


def test_send_dues_reminders_dry_run_lists_who_would_be_reminded_and_sends_nothing(
    schedules, django_capture_on_commit_callbacks
):
    soon = _unpaid(name_en="Soon Town")  # due 4 Feb 2027
    late = invoice_issue(
        member=MemberFactory(name_en="Late Town"), year=2027, issued_on=dt.date(2026, 12, 1)
    )  # due 31 Dec 2026
    silent = _unpaid(name_en="Silent Town", billing_email="", contact_email="")
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = _run("send_dues_reminders", "--today", "2027-01-25", "--dry-run")
    assert "Reminders due on Jan. 25, 2027 (dry run: nothing is sent or recorded):" in out
    assert "Before the due date (from 14 days before it): 2 invoices" in out
    assert (
        f"  {soon.number} Soon Town: €900.00 still due (due on Feb. 4, 2027), "
        f"to {soon.member.billing_email}" in out
    )
    assert f"  {silent.number} Silent Town" in out and "no e-mail address" in out
    assert "After the due date (from 7 days after it): 1 invoice" in out
    assert f"  {late.number} Late Town: €900.00 still due (due on Dec. 31, 2026)" in out
    assert not mail.outbox
    assert not ReminderLog.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="pavilion.billing.reminder.").exists()

    # The real run sends what the dry run listed (not to the member without an address).
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=dt.date(2027, 1, 25))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [soon.member.billing_email, late.member.billing_email]
    )
