import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pavilion.billing.models import Payment
from pavilion.billing.selectors import (
    PaymentStatus,
    StandingStatus,
    invoice_list,
    invoice_payment_status,
    member_standing,
    members_with_standing,
)
from pavilion.billing.services import invoice_issue, invoice_void, payment_record
from pavilion.core.models import AuditEntry

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2027, 1, 5)  # due 2027-02-04


def _issue(member=None, **kwargs):
    return invoice_issue(member=member or MemberFactory(), year=2027, issued_on=ISSUED, **kwargs)


def _pay(invoice, amount, staff=None):
    return payment_record(
        invoice=invoice,
        amount=Decimal(amount),
        received_on=dt.date(2027, 1, 20),
        reference="TRX-1",
        actor=staff,
        today=dt.date(2027, 1, 20),  # the day it is recorded: not in the future
    )


def test_partial_then_full_payment(schedules, staff):
    invoice = _issue()  # €900
    _pay(invoice, "400.00", staff)
    assert invoice_payment_status(invoice_list().get(pk=invoice.pk)) == PaymentStatus.PARTLY_PAID
    assert member_standing(member=invoice.member, today=dt.date(2027, 1, 21)).outstanding == {
        "EUR": Decimal("500.00")
    }
    _pay(invoice, "500.00", staff)
    assert invoice_payment_status(invoice_list().get(pk=invoice.pk)) == PaymentStatus.PAID
    standing = member_standing(member=invoice.member, today=dt.date(2027, 6, 1))
    assert standing.status == StandingStatus.GOOD
    assert standing.outstanding == {}
    entries = AuditEntry.objects.filter(action="pavilion.billing.payment.recorded").order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in entries] == [
        ("900.00", "500.00"),
        ("500.00", "0.00"),
    ]
    assert entries[0].actor == staff


def test_overpayment_is_refused_with_the_balance(schedules):
    invoice = _issue()
    _pay(invoice, "850.00")
    with pytest.raises(ValidationError) as error:
        _pay(invoice, "50.01")
    assert "still due on the invoice (€50.00)." in error.value.message_dict["amount"][0]
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_amount_must_be_positive(schedules, amount):
    invoice = _issue()
    with pytest.raises(ValidationError) as error:
        _pay(invoice, amount)
    assert "greater than zero" in error.value.message_dict["amount"][0]
    assert not Payment.objects.exists()


def test_voided_invoice_keeps_its_number_takes_no_payment_and_can_be_replaced(schedules, staff):
    invoice = _issue()
    invoice_void(invoice=invoice, reason="Wrong population", actor=staff)
    invoice.refresh_from_db()
    assert invoice.number == "2027-0001" and invoice.voided_at is not None
    with pytest.raises(ValidationError) as error:
        _pay(invoice, "10.00")
    assert "void" in error.value.messages[0]
    assert member_standing(member=invoice.member).status == StandingStatus.NO_INVOICE
    replacement = _issue(member=invoice.member)
    assert replacement.number == "2027-0002"
    assert AuditEntry.objects.get(action="pavilion.billing.invoice.voided").data["reason"] == (
        "Wrong population"
    )


def test_void_needs_a_reason_and_refuses_a_paid_invoice(schedules):
    invoice = _issue()
    with pytest.raises(ValidationError):
        invoice_void(invoice=invoice, reason="  ")
    _pay(invoice, "1.00")
    with pytest.raises(ValidationError) as error:
        invoice_void(invoice=invoice, reason="Duplicate")
    assert "payments" in error.value.messages[0]


@pytest.mark.parametrize(
    ("today", "paid", "expected"),
    [
        (dt.date(2027, 1, 10), None, StandingStatus.DUE),
        (dt.date(2027, 2, 4), None, StandingStatus.DUE),  # the due date itself
        (dt.date(2027, 2, 5), None, StandingStatus.OVERDUE),
        (dt.date(2027, 5, 5), None, StandingStatus.OVERDUE),  # 90 days after
        (dt.date(2027, 5, 6), None, StandingStatus.LAPSED),  # 91 days after
        (dt.date(2027, 5, 6), "899.99", StandingStatus.LAPSED),  # a cent missing
        (dt.date(2027, 5, 6), "900.00", StandingStatus.GOOD),
    ],
)
def test_standing_follows_invoices_and_payments(schedules, today, paid, expected):
    invoice = _issue()
    if paid:
        _pay(invoice, paid)
    assert member_standing(member=invoice.member, today=today).status == expected
    listed = {m.pk: m.standing for m in members_with_standing(today=today)}
    assert listed[invoice.member_id].status == expected


def test_member_without_invoice_has_no_invoice_standing(schedules):
    member = MemberFactory()
    assert member_standing(member=member).status == StandingStatus.NO_INVOICE
    assert member_standing(member=member).label == "No invoice"


def test_oldest_unpaid_invoice_decides_and_amounts_add_up(schedules):
    member = MemberFactory()
    old = invoice_issue(member=member, year=2026, issued_on=dt.date(2026, 1, 5))
    new = invoice_issue(member=member, year=2027, issued_on=ISSUED)
    _pay(new, "900.00")
    standing = member_standing(member=member, today=dt.date(2027, 1, 10))
    assert standing.status == StandingStatus.LAPSED
    assert standing.oldest_unpaid_due_on == old.due_on
    assert standing.outstanding == {"EUR": Decimal("900.00")}


def test_standing_list_never_disagrees_with_single_reading(schedules):
    today = dt.date(2027, 3, 1)
    members = [MemberFactory() for _ in range(5)]
    invoices = [_issue(member=m) for m in members[:4]]
    _pay(invoices[0], "900.00")
    _pay(invoices[1], "100.00")
    invoice_void(invoice=invoices[2], reason="Duplicate")
    listed = {m.pk: m.standing for m in members_with_standing(today=today)}
    for member in members:
        assert listed[member.pk] == member_standing(member=member, today=today)
    assert [listed[m.pk].status for m in members] == [
        StandingStatus.GOOD,
        StandingStatus.OVERDUE,
        StandingStatus.NO_INVOICE,
        StandingStatus.OVERDUE,
        StandingStatus.NO_INVOICE,
    ]


def test_standing_list_query_count_does_not_grow_with_members(schedules, django_assert_num_queries):
    for _ in range(3):
        _pay(_issue(), "10.00")
    with django_assert_num_queries(2):
        assert len(members_with_standing(today=dt.date(2027, 3, 1))) == 3
