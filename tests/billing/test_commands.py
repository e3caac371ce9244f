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
    assert "Issued 3 invoice(s) for 2027." in out
    assert "EUR 2700.00" in out
    assert sorted(Invoice.objects.values_list("member_id", flat=True)) == [m.pk for m in members]

    out, _err = _run("issue_dues", "2027")
    assert "Issued 0 invoice(s) for 2027." in out
    assert "3 member(s) already had an invoice for 2027." in out
    assert "Nothing to issue" in out
    assert Invoice.objects.count() == 3
    assert max(Invoice.objects.values_list("sequence", flat=True)) == 3


def test_issue_dues_dry_run_issues_nothing(schedules):
    MemberFactory()
    out, _err = _run("issue_dues", "2027", "--dry-run")
    assert "Would issue 1 invoice(s) for 2027." in out
    assert not Invoice.objects.exists()


def test_issue_dues_goes_on_past_a_member_without_fee_and_fails_at_the_end(schedules):
    good = MemberFactory()
    bad = MemberFactory(slug="nowhere-town", country="FR")
    err = StringIO()
    with pytest.raises(CommandError, match="1 member"):
        call_command("issue_dues", "2027", stdout=StringIO(), stderr=err)
    assert "nowhere-town" in err.getvalue()
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
        invoice=paid, amount=Decimal("900.00"), received_on=dt.date(2027, 1, 10), actor=None
    )
    partly = _unpaid()
    payment_record(
        invoice=partly, amount=Decimal("100.00"), received_on=dt.date(2027, 1, 10), actor=None
    )
    from pavilion.billing.services import invoice_void

    invoice_void(invoice=_unpaid(), reason="Duplicate")
    assert send(dt.date(2027, 2, 11)) == {"before_due": 0, "after_due": 1}
    (message,) = mail.outbox
    assert "The amount still due is €800.00 (invoice total €900.00)." in message.body
