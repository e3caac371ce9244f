"""A payment is in the currency's minor unit (whole yen, euro cents) and was not
received in the future: refused with a field error, in the service and in the
back office's form, in the staff member's language; nothing is saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from pavilion.billing.models import Payment
from pavilion.billing.services import invoice_issue, payment_record

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def yen_invoice(schedules):
    """¥72,000, issued today."""
    member = MemberFactory(
        name_en="Harbourview", currency="JPY", country="JP", population=48_000, language="ja"
    )
    return invoice_issue(member=member, year=2026, issued_on=timezone.localdate())


@pytest.fixture
def euro_invoice(schedules):
    """€900.00, issued today."""
    return invoice_issue(member=MemberFactory(), year=2026, issued_on=timezone.localdate())


def _pay(invoice, amount, received_on=None):
    return payment_record(
        invoice=invoice,
        amount=Decimal(amount),
        received_on=received_on or timezone.localdate(),
    )


def _post(client, invoice, amount, received_on=None, lang="en"):
    with translation.override(lang):
        url = reverse("admin:billing_invoice_pay", args=[invoice.pk])
    return client.post(
        url,
        {
            "amount": amount,
            "received_on": (received_on or timezone.localdate()).isoformat(),
            "method": "bank_transfer",
        },
    )


@pytest.mark.parametrize("amount", ["100.50", "0.5", "71999.99"])
def test_yen_payment_finer_than_a_yen_is_refused(yen_invoice, amount):
    with pytest.raises(ValidationError) as error:
        _pay(yen_invoice, amount)
    assert error.value.message_dict["amount"] == [
        "Amounts in Japanese yen are whole numbers: enter the amount without decimals."
    ]
    assert not Payment.objects.exists()


def test_whole_yen_with_zero_decimals_is_accepted(yen_invoice):
    payment = _pay(yen_invoice, "1000.00")
    assert payment.amount == Decimal("1000")


def test_euro_cents_are_accepted_and_finer_amounts_refused(euro_invoice):
    assert _pay(euro_invoice, "100.50").amount == Decimal("100.50")
    with pytest.raises(ValidationError) as error:
        _pay(euro_invoice, "0.505")
    assert error.value.message_dict["amount"] == ["Amounts in euros have at most 2 decimal places."]
    assert Payment.objects.count() == 1


def test_payment_received_in_the_future_is_refused(euro_invoice):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        _pay(euro_invoice, "10.00", received_on=today + dt.timedelta(days=1))
    (message,) = error.value.message_dict["received_on"]
    assert message.startswith("A payment cannot be received in the future")
    assert not Payment.objects.exists()
    assert _pay(euro_invoice, "10.00", received_on=today).received_on == today


def test_admin_refuses_half_a_yen_on_the_amount_field(client, staff, yen_invoice):
    client.force_login(staff)
    response = _post(client, yen_invoice, "100.50")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_amount_error"' in page
    assert "Amounts in Japanese yen are whole numbers" in page
    assert 'value="100.50"' in page  # what was typed is kept
    assert not Payment.objects.exists()


def test_admin_amount_field_steps_in_the_currency_unit(client, staff, yen_invoice, euro_invoice):
    client.force_login(staff)
    page = client.get(reverse("admin:billing_invoice_pay", args=[yen_invoice.pk])).content
    assert b'step="1"' in page
    page = client.get(reverse("admin:billing_invoice_pay", args=[euro_invoice.pk])).content
    assert b'step="0.01"' in page


def test_admin_refuses_a_future_date_and_a_fraction_together_in_japanese(
    client, staff, yen_invoice
):
    client.force_login(staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _post(client, yen_invoice, "100.50", received_on=tomorrow, lang="ja")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_amount_error"' in page and 'id="id_received_on_error"' in page
    assert "円の金額は整数で入力してください" in page
    assert "未来の日付" in page
    assert "A payment cannot be received" not in page
    assert not Payment.objects.exists()


def test_the_still_due_figure_shown_can_be_entered(client, staff, yen_invoice):
    client.force_login(staff)
    assert _post(client, yen_invoice, "1000").status_code == 302
    url = reverse("admin:billing_invoice_pay", args=[yen_invoice.pk])
    assert "still due ¥71,000." in client.get(url).content.decode()
    response = _post(client, yen_invoice, "71000")
    assert response.status_code == 302
    assert sum(Payment.objects.values_list("amount", flat=True)) == Decimal("72000")


def test_a_fractional_balance_left_by_older_data_is_shown_exactly_and_can_be_settled(
    client, staff, yen_invoice
):
    # Recorded before fractions were refused: ¥100.50.
    Payment.objects.create(
        invoice=yen_invoice, amount=Decimal("100.50"), received_on=timezone.localdate()
    )
    client.force_login(staff)
    url = reverse("admin:billing_invoice_pay", args=[yen_invoice.pk])
    assert "still due ¥71,899.5." in client.get(url).content.decode()
    response = _post(client, yen_invoice, "71900")
    assert response.status_code == 400
    assert "more than what is still due on the invoice (¥71,899.5)." in response.content.decode()
    assert _post(client, yen_invoice, "71899.50").status_code == 302
    assert sum(Payment.objects.values_list("amount", flat=True)) == Decimal("72000")


def test_overpayment_message_shows_money_as_staff_read_it(client, staff, yen_invoice):
    client.force_login(staff)
    response = _post(client, yen_invoice, "80000")
    assert response.status_code == 400
    assert "still due on the invoice (¥72,000)." in response.content.decode()
    response = _post(client, yen_invoice, "80000", lang="ja")
    assert "￥72,000" in response.content.decode()
