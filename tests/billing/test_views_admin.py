import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from pavilion.billing.models import Invoice, Payment
from pavilion.billing.services import invoice_issue, payment_record

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(monkeypatch, tmp_path):
    monkeypatch.setattr(
        Invoice._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path)
    )
    return tmp_path


@pytest.fixture
def invoice(schedules):
    member = MemberFactory(name_en="Kitakyushu City", population=900_000, country="JP")
    return invoice_issue(member=member, year=2027, issued_on=dt.date.today())


def test_pdf_download_is_staff_only(client, django_user_model, invoice, private):
    url = reverse("billing:invoice_pdf", kwargs={"number": invoice.number})
    assert url == "/en/billing/invoices/2027-0001/pdf/"
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    user = django_user_model.objects.create_user(username="visitor", password="pw")
    client.force_login(user)
    assert client.get(url).status_code == 403


def test_staff_downloads_the_pdf_rendered_on_demand(client, staff, invoice, private):
    client.force_login(staff)
    response = client.get(reverse("billing:invoice_pdf", kwargs={"number": invoice.number}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="invoice-2027-0001.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.rendered_at is not None


def test_unknown_invoice_is_404(client, staff, schedules):
    client.force_login(staff)
    assert client.get("/en/billing/invoices/2027-9999/pdf/").status_code == 404


def test_members_page_shows_standing_in_words_and_filters(client, staff, invoice):
    paid = invoice_issue(member=MemberFactory(name_en="Paid Town"), year=2027)
    payment_record(invoice=paid, amount=paid.total, received_on=dt.date.today(), actor=staff)
    MemberFactory(name_en="New Village")
    client.force_login(staff)
    page = client.get("/en/billing/members/").content.decode()
    assert "Kitakyushu City" in page and "Payment due" in page and "€3,370.00" in page
    assert "Paid Town" in page and "In good standing" in page
    assert "New Village" in page and "No invoice" in page
    page = client.get("/en/billing/members/?status=good").content.decode()
    assert "Paid Town" in page and "Kitakyushu City" not in page
    response = client.get("/en/billing/members/?status=bogus")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_members_page_in_japanese(client, staff, invoice):
    client.force_login(staff)
    page = client.get("/ja/billing/members/").content.decode()
    assert "市 " in page or "Kitakyushu" in page
    assert 'lang="ja"' in page


def test_members_page_is_staff_only(client, schedules):
    assert client.get("/en/billing/members/").status_code == 302


def test_members_page_queries_do_not_grow(client, staff, schedules, django_assert_max_num_queries):
    client.force_login(staff)
    for _ in range(3):
        invoice_issue(member=MemberFactory(), year=2027)
    with django_assert_max_num_queries(8) as ctx:
        client.get("/en/billing/members/")
    few = len(ctx.captured_queries)
    for _ in range(5):
        invoice_issue(member=MemberFactory(), year=2027)
    with django_assert_max_num_queries(few):
        client.get("/en/billing/members/")


def test_admin_records_partial_payment_and_refuses_overpayment(client, staff, invoice):
    client.force_login(staff)
    url = reverse("admin:billing_invoice_pay", args=[invoice.pk])
    response = client.post(
        url,
        {
            "amount": "5000.00",
            "received_on": timezone.localdate().isoformat(),
            "method": "bank_transfer",
        },
    )
    assert response.status_code == 400
    assert "more than what is still due" in response.content.decode()
    assert 'value="5000.00"' in response.content.decode()
    response = client.post(
        url,
        {
            "amount": "370.00",
            "received_on": timezone.localdate().isoformat(),
            "method": "bank_transfer",
            "reference": "TRX-9",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference, payment.recorded_by) == (
        Decimal("370.00"),
        "TRX-9",
        staff,
    )
    change = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    assert "Partly paid" in change.content.decode()


def test_admin_voids_with_a_reason(client, staff, invoice):
    client.force_login(staff)
    url = reverse("admin:billing_invoice_void", args=[invoice.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Issued twice"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.void_reason == "Issued twice" and invoice.voided_at


def test_admin_invoice_list(client, staff, invoice):
    client.force_login(staff)
    page = client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    assert "2027-0001" in page and "Outstanding" in page
    page = client.get(
        reverse("admin:billing_invoice_changelist") + "?payment=paid"
    ).content.decode()
    assert "2027-0001" not in page
