"""Voiding renders the PDF again with the void notice (and mails nothing); the back
office offers only the actions that can succeed on an invoice, says why the others
cannot and what to do instead, and shows a refusal once."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from pavilion.billing.models import Invoice, Payment
from pavilion.billing.services import (
    MailOutcome,
    invoice_issue,
    invoice_mail_send,
    invoice_void,
    payment_record,
)
from pavilion.core.models import AuditEntry

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

REFUSED_VOID = "has payments recorded"


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


@pytest.fixture
def invoice(schedules):
    """€900.00, issued today."""
    return invoice_issue(
        member=MemberFactory(name_en="Southern Cross"), year=2026, issued_on=timezone.localdate()
    )


def _pdf_text(invoice, private) -> str:
    invoice.refresh_from_db()
    path = private / invoice.pdf.name
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def _pay(invoice, amount):
    return payment_record(invoice=invoice, amount=Decimal(amount), received_on=timezone.localdate())


def test_voiding_renders_the_pdf_again_with_the_notice_and_mails_nothing(
    schedules, private, commit
):
    with commit():
        invoice = invoice_issue(member=MemberFactory(), year=2026)
    assert len(mail.outbox) == 1  # the invoice itself
    assert "This invoice is void" not in _pdf_text(invoice, private)

    with commit():
        invoice_void(invoice=invoice, reason="Issued twice by mistake")
    text = _pdf_text(invoice, private)
    assert (
        "This invoice is void and nothing is to be paid on it. Reason: Issued twice by mistake"
        in text
    )
    assert len(mail.outbox) == 1  # a void invoice is not mailed again
    assert invoice_mail_send(invoice_id=invoice.pk) == MailOutcome.VOID
    assert invoice_mail_send(invoice_id=invoice.pk, again=True) == MailOutcome.VOID
    assert len(mail.outbox) == 1


def test_voiding_in_the_back_office_renders_the_pdf_again(client, staff, invoice, private, commit):
    client.force_login(staff)
    with commit():
        response = client.post(
            reverse("admin:billing_invoice_void", args=[invoice.pk]), {"reason": "Duplicate"}
        )
    assert response.status_code == 302
    assert "Reason: Duplicate" in _pdf_text(invoice, private)
    assert not mail.outbox


def test_a_void_that_rolls_back_queues_nothing(invoice, django_capture_on_commit_callbacks):
    Payment.objects.create(invoice=invoice, amount=Decimal("1"), received_on=dt.date(2026, 1, 1))
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError, match=REFUSED_VOID),
    ):
        invoice_void(invoice=invoice, reason="Duplicate")
    assert callbacks == []


def _actions(client, invoice) -> str:
    page = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()
    start = page.index("field-staff_actions")
    return page[start : page.index("field-fee_quote", start)]


def test_an_unpaid_invoice_offers_both_actions(client, staff, invoice):
    client.force_login(staff)
    actions = _actions(client, invoice)
    assert reverse("admin:billing_invoice_pay", args=[invoice.pk]) in actions
    assert reverse("admin:billing_invoice_void", args=[invoice.pk]) in actions


def test_a_partly_paid_invoice_offers_a_payment_and_says_why_it_cannot_be_voided(
    client, staff, invoice
):
    _pay(invoice, "375.00")
    client.force_login(staff)
    actions = _actions(client, invoice)
    assert reverse("admin:billing_invoice_pay", args=[invoice.pk]) in actions
    assert reverse("admin:billing_invoice_void", args=[invoice.pk]) not in actions
    assert "has payments recorded (€375.00), so it cannot be voided" in actions
    assert "agree a refund or a credit on the next invoice" in actions


def test_a_paid_invoice_offers_no_action_and_says_why(client, staff, invoice):
    _pay(invoice, "900.00")
    client.force_login(staff)
    actions = _actions(client, invoice)
    assert 'class="button"' not in actions
    assert "is paid in full: there is nothing left to record." in actions
    assert REFUSED_VOID in actions


def test_a_void_invoice_offers_no_action_and_points_to_its_replacement(client, staff, invoice):
    invoice_void(invoice=invoice, reason="Wrong population")
    client.force_login(staff)
    actions = _actions(client, invoice)
    assert 'class="button"' not in actions
    assert "This invoice is void: nothing can be recorded on it." in actions
    assert "manage.py issue_dues 2026" in actions  # no valid invoice for the year yet

    replacement = invoice_issue(member=invoice.member, year=2026)
    actions = _actions(client, invoice)
    assert f"valid invoice for 2026 is {replacement.number}" in actions
    assert reverse("admin:billing_invoice_change", args=[replacement.pk]) in actions


def test_void_page_of_a_partly_paid_invoice_refuses_at_once_and_once(client, staff, invoice):
    _pay(invoice, "375.00")
    client.force_login(staff)
    url = reverse("admin:billing_invoice_void", args=[invoice.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<textarea" not in page and "Void the invoice" not in page  # nothing to type
    assert page.count(REFUSED_VOID) == 1
    assert f"Back to invoice {invoice.number}" in page

    response = client.post(url, {"reason": "Duplicate"})  # sent from an older page
    assert response.status_code == 400
    assert response.content.decode().count(REFUSED_VOID) == 1
    invoice.refresh_from_db()
    assert invoice.voided_at is None


def test_void_refused_after_the_form_was_shown_is_said_once(client, staff, invoice, monkeypatch):
    """A payment recorded between showing the form and sending it: the service refuses,
    and the page says so once."""
    from pavilion.billing import admin as billing_admin

    client.force_login(staff)
    real = billing_admin.services.invoice_void

    def paid_meanwhile(**kwargs):
        _pay(invoice, "1.00")
        return real(**kwargs)

    monkeypatch.setattr(billing_admin.services, "invoice_void", paid_meanwhile)
    response = client.post(
        reverse("admin:billing_invoice_void", args=[invoice.pk]), {"reason": "Duplicate"}
    )
    assert response.status_code == 400
    assert response.content.decode().count(REFUSED_VOID) == 1
    assert not AuditEntry.objects.filter(action="pavilion.billing.invoice.voided").exists()


def test_pay_page_of_a_void_invoice_shows_no_form(client, staff, invoice):
    invoice_void(invoice=invoice, reason="Wrong population")
    replacement = invoice_issue(member=invoice.member, year=2026)
    client.force_login(staff)
    url = reverse("admin:billing_invoice_pay", args=[invoice.pk])
    page = client.get(url).content.decode()
    assert 'name="amount"' not in page
    assert page.count("is void: no payment can be recorded for it.") == 1
    assert reverse("admin:billing_invoice_change", args=[replacement.pk]) in page
    response = client.post(
        url,
        {
            "amount": "10.00",
            "received_on": timezone.localdate().isoformat(),
            "method": "bank_transfer",
        },
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_pay_page_of_a_paid_invoice_shows_no_form(client, staff, invoice):
    _pay(invoice, "900.00")
    client.force_login(staff)
    page = client.get(reverse("admin:billing_invoice_pay", args=[invoice.pk])).content.decode()
    assert 'name="amount"' not in page
    assert "is paid in full: there is nothing left to record." in page
