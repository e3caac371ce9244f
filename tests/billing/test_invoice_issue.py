import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from pavilion.billing.models import Invoice, InvoiceCounter
from pavilion.billing.services import invoice_issue
from pavilion.core.models import AuditEntry
from pavilion.membership.models import BandAmount

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_first_invoice_of_a_year_is_number_one_with_amount_from_schedule(schedules, staff):
    member = MemberFactory(population=80_000, country="DE")
    invoice = invoice_issue(member=member, year=2027, actor=staff, issued_on=dt.date(2027, 1, 5))
    assert invoice.number == "2027-0001"
    assert invoice.total == Decimal("900.00")
    assert invoice.currency == "EUR"
    assert invoice.due_on == dt.date(2027, 2, 4)
    assert (invoice.period_start, invoice.period_end) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert [line.amount for line in invoice.lines.all()] == [Decimal("900.00")]
    assert invoice.issued_by == staff
    entry = AuditEntry.objects.get(action="pavilion.billing.invoice.issued")
    assert entry.actor == staff
    assert entry.data["to"] == "issued"


def test_numbers_follow_each_other_and_restart_each_year(schedules):
    numbers = [invoice_issue(member=MemberFactory(), year=2026).number for _ in range(3)]
    numbers += [invoice_issue(member=MemberFactory(), year=2027).number for _ in range(2)]
    assert numbers == ["2026-0001", "2026-0002", "2026-0003", "2027-0001", "2027-0002"]
    assert dict(InvoiceCounter.objects.values_list("year", "last_number")) == {2026: 3, 2027: 2}


def test_issuing_again_returns_the_same_invoice_and_consumes_no_number(schedules):
    member = MemberFactory()
    first = invoice_issue(member=member, year=2027)
    again = invoice_issue(member=member, year=2027)
    assert again.pk == first.pk
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get(year=2027).last_number == 1
    assert invoice_issue(member=MemberFactory(), year=2027).number == "2027-0002"


def test_rolled_back_issue_leaves_no_gap(schedules):
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(member=MemberFactory(), year=2027)
        raise RuntimeError("the caller's transaction fails after the invoice")
    assert not Invoice.objects.exists()
    assert invoice_issue(member=MemberFactory(), year=2027).number == "2027-0001"


def test_member_without_computable_fee_gets_no_invoice_and_no_number(schedules):
    member = MemberFactory(country="FR")  # not in the income classification
    with pytest.raises(ValidationError) as error:
        invoice_issue(member=member, year=2027)
    assert "country" in error.value.message_dict
    assert invoice_issue(member=MemberFactory(), year=2027).number == "2027-0001"


def test_no_schedule_for_the_year_is_a_validation_error(schedules):
    with pytest.raises(ValidationError) as error:
        invoice_issue(member=MemberFactory(), year=2031)
    assert "2031" in " ".join(error.value.message_dict["currency"])


def test_quote_is_frozen_on_the_invoice(schedules):
    member = MemberFactory(language="ja", currency="JPY", country="JP", population=50_001)
    invoice = invoice_issue(member=member, year=2027)
    assert invoice.total == Decimal("144000")
    assert invoice.language == "ja"
    # The schedule changes after issue: the invoice keeps what it said.
    BandAmount.objects.filter(band__schedule__year=2027, band__schedule__currency="JPY").update(
        amount=Decimal("1")
    )
    invoice.refresh_from_db()
    assert invoice.total == Decimal("144000")
    assert invoice.quote["amount"] == "144000"
    assert invoice.quote["income_group"] == "H"
    assert invoice.quote["snapshot"]["title"] == "World Bank income groups (test)"
    assert invoice.quote["band_label_en"] == "50,001–100,000 inhabitants"
    assert invoice.quote["schedule"]["year"] == 2027
    assert invoice.quote["reasons_ja"]


def test_flat_fee_for_an_association(schedules):
    member = MemberFactory(kind="national_association", category="association", population=None)
    invoice = invoice_issue(member=member, year=2027)
    assert invoice.total == Decimal("2620.00")
    assert invoice.quote["snapshot"] is None
    assert invoice.quote["is_example"] is True


def test_pdf_rendering_is_queued_only_after_commit(schedules, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_issue(member=MemberFactory(), year=2027)
    assert len(callbacks) == 1
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invoice_issue(member=MemberFactory(), year=2027)
        raise RuntimeError
    assert callbacks == []
