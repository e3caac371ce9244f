"""The invoice goes to the member by e-mail once its PDF exists: once, in the
member's language, with the PDF attached; staff can send it again by hand."""

import datetime as dt
import logging

import pytest
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from pavilion.billing import pdf as billing_pdf
from pavilion.billing import tasks
from pavilion.billing.models import Invoice
from pavilion.billing.services import (
    MailOutcome,
    dues_issue,
    invoice_issue,
    invoice_mail_send,
    invoice_void,
)
from pavilion.billing.tasks import invoice_render_pdf
from pavilion.core.models import AuditEntry

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(monkeypatch, tmp_path):
    monkeypatch.setattr(
        Invoice._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path)
    )
    return tmp_path


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what would run after the commit (the render task, then the mail)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _issue(commit, **member_fields):
    with commit():
        invoice = invoice_issue(
            member=MemberFactory(**member_fields), year=2027, issued_on=dt.date(2027, 1, 5)
        )
    return Invoice.objects.select_related("member").get(pk=invoice.pk)


def test_invoice_is_mailed_once_when_its_pdf_is_first_rendered(schedules, private, commit):
    invoice = _issue(commit, name_en="Freiburg im Breisgau", population=230_000)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [invoice.member.billing_email]
    assert message.subject == "Invoice 2027-0001 for your membership dues for 2027"
    assert "Please find attached invoice 2027-0001" in message.body
    assert "Amount due: €1,680.00" in message.body
    assert "Due date: Feb. 4, 2027" in message.body
    assert "Please pay by bank transfer" in message.body
    assert invoice.mailed_at is not None and invoice.mailed_to == invoice.member.billing_email

    # The task runs again (a retry), the PDF is rendered again: no second mail.
    with commit():
        invoice_render_pdf.enqueue(invoice_id=invoice.pk)
        tasks.invoices_render_pdfs.enqueue(invoice_ids=[invoice.pk])
    assert len(mail.outbox) == 1
    entry = AuditEntry.objects.get(action="pavilion.billing.invoice.mailed")
    assert entry.data["sent_to"] == invoice.member.billing_email


def test_attachment_is_the_stored_pdf(schedules, private, commit):
    invoice = _issue(commit)
    [part] = mail.outbox[0].attachments
    assert part.get_filename() == "invoice-2027-0001.pdf"
    assert part.get_content_type() == "application/pdf"
    content = part.get_content()
    assert content.startswith(b"%PDF")
    assert content == (private / invoice.pdf.name).read_bytes()


def test_japanese_member_gets_the_mail_in_japanese(schedules, private, commit):
    invoice = _issue(
        commit,
        name_ja="さいたま市",
        language="ja",
        currency="JPY",
        country="JP",
        population=1_300_000,
        contact_name="",
        billing_email="",
        contact_email="kaikei@example.jp",
    )
    [message] = mail.outbox
    assert message.to == ["kaikei@example.jp"]  # no billing address: the contact one
    assert message.subject == "2027年度 会費のご請求（請求書番号 2027-0001）"
    assert "さいたま市 ご担当者様" in message.body
    assert "ご請求金額：￥690,000" in message.body
    assert "お支払期限：2027年2月4日" in message.body
    assert "例示銀行" in message.body
    assert invoice.language == "ja"


def test_member_without_an_address_is_not_mailed_and_staff_see_it(
    schedules, private, commit, client, staff, caplog
):
    caplog.set_level(logging.WARNING, logger="pavilion.billing")
    invoice = _issue(commit, name_en="Quiet Town", billing_email="", contact_email="")
    assert mail.outbox == []
    assert "has no e-mail address (invoice 2027-0001)" in caplog.text
    invoice.refresh_from_db()
    assert invoice.mailed_at is None

    client.force_login(staff)
    page = client.get(reverse("billing:members")).content.decode()
    assert "E-mail: Not sent: no address" in page
    admin_list = client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    assert "Not sent: no address" in admin_list


def test_void_invoice_is_not_mailed(schedules, private):
    invoice = invoice_issue(member=MemberFactory(), year=2027)  # not committed: no render yet
    invoice_void(invoice=invoice, reason="Issued by mistake")
    invoice_render_pdf.enqueue(invoice_id=invoice.pk)
    assert mail.outbox == []
    assert invoice_mail_send(invoice_id=invoice.pk, again=True) == MailOutcome.VOID


def test_staff_send_an_invoice_again_from_the_admin(schedules, private, commit, client, staff):
    invoice = _issue(commit)
    first_mailed_at = invoice.mailed_at
    mail.outbox.clear()
    client.force_login(staff)
    with commit():
        response = client.post(
            reverse("admin:billing_invoice_changelist"),
            {"action": "send_again", "_selected_action": [str(invoice.pk)]},
            follow=True,
        )
    assert "1 invoice was sent again." in response.content.decode()
    [message] = mail.outbox
    assert message.subject == "Invoice 2027-0001 for your membership dues for 2027"
    assert message.attachments[0].get_content_type() == "application/pdf"
    entry = AuditEntry.objects.get(action="pavilion.billing.invoice.resent")
    assert entry.actor == staff
    invoice.refresh_from_db()
    assert invoice.mailed_at > first_mailed_at


def test_send_again_renders_a_missing_pdf_first(schedules, private, commit, client, staff):
    invoice = invoice_issue(member=MemberFactory(), year=2027)  # the worker has not run
    client.force_login(staff)
    with commit():
        client.post(
            reverse("admin:billing_invoice_changelist"),
            {"action": "send_again", "_selected_action": [str(invoice.pk)]},
        )
    [message] = mail.outbox
    assert message.attachments[0].get_content().startswith(b"%PDF")


def test_send_again_to_a_member_without_address_says_so(schedules, private, client, staff):
    invoice = invoice_issue(member=MemberFactory(billing_email="", contact_email=""), year=2027)
    client.force_login(staff)
    response = client.post(
        reverse("admin:billing_invoice_changelist"),
        {"action": "send_again", "_selected_action": [str(invoice.pk)]},
        follow=True,
    )
    assert "its member has no e-mail address" in response.content.decode()
    assert mail.outbox == []


def test_issue_dues_renders_in_batches_and_mails_every_invoice(
    schedules, private, commit, monkeypatch
):
    monkeypatch.setattr(tasks, "RENDER_BATCH", 2)
    batches = []
    store = billing_pdf.invoices_pdf_store

    def recording(*, invoice_ids):
        batches.append(list(invoice_ids))
        return store(invoice_ids=invoice_ids)

    monkeypatch.setattr(billing_pdf, "invoices_pdf_store", recording)
    members = MemberFactory.create_batch(5)
    with commit():
        result = dues_issue(year=2027)
    assert result.issued == 5
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        member.billing_email for member in members
    )
    assert Invoice.objects.filter(rendered_at__isnull=False, mailed_at__isnull=False).count() == 5
