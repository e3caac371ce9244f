"""Money in the billing back office reads as money: the currency's own format in the
staff member's language, never a raw decimal; the fee quote as facts, not JSON."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pavilion.billing.services import invoice_issue, payment_record

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def yen_invoice(schedules):
    member = MemberFactory(
        name_en="Harbourview", currency="JPY", country="JP", population=48_000, language="ja"
    )
    return invoice_issue(member=member, year=2026, issued_on=timezone.localdate())


@pytest.fixture
def euro_invoice(schedules):
    return invoice_issue(
        member=MemberFactory(name_en="Energy Institute"), year=2026, issued_on=timezone.localdate()
    )


def _pay(invoice, amount):
    return payment_record(invoice=invoice, amount=Decimal(amount), received_on=timezone.localdate())


def test_invoice_page_shows_lines_and_payments_as_money(client, staff, yen_invoice):
    _pay(yen_invoice, "1000")
    client.force_login(staff)
    page = client.get(reverse("admin:billing_invoice_change", args=[yen_invoice.pk])).content
    page = page.decode()
    lines = page[page.index('id="lines-group"') :]
    lines = lines[: lines.index("</fieldset>")]
    assert "¥72,000" in lines and "72000.00" not in lines
    payments = page[page.index('id="payments-group"') :]
    payments = payments[: payments.index("</fieldset>")]
    assert "¥1,000" in payments and "1000.00" not in payments


def test_invoice_page_shows_the_fee_quote_as_readable_facts(client, staff, yen_invoice):
    client.force_login(staff)
    page = client.get(reverse("admin:billing_invoice_change", args=[yen_invoice.pk])).content
    page = page.decode()
    quote = page[page.index("field-fee_quote") :]
    facts = quote[: quote.index("<details>")]
    assert "Fee schedule" in facts and "Dues 2026 (JPY)" in facts
    assert "Up to 50,000 inhabitants (population 48,000)" in facts
    assert "Income group" in facts and "High income" in facts
    assert "Income classification" in facts and "World Bank income groups (test)" in facts
    assert "Base fee" in facts and "¥72,000" in facts
    assert "{&quot;" not in facts and '"amount"' not in facts
    # The stored data stays available, folded away below the facts.
    raw = quote[quote.index("<details>") : quote.index("</details>")]
    assert "The quote as stored (JSON)" in raw and "&quot;currency&quot;: &quot;JPY&quot;" in raw


def test_invoice_page_in_japanese_writes_yen_the_japanese_way(client, staff, yen_invoice):
    client.force_login(staff)
    page = client.get(f"/ja/admin/billing/invoice/{yen_invoice.pk}/change/").content.decode()
    assert "￥72,000" in page
    assert "72000.00" not in page


def test_payments_list_shows_each_amount_in_its_currency(client, staff, yen_invoice, euro_invoice):
    _pay(yen_invoice, "1000")
    _pay(euro_invoice, "375.00")
    client.force_login(staff)
    page = client.get(reverse("admin:billing_payment_changelist")).content.decode()
    assert "¥1,000" in page and "€375.00" in page
    assert ">375.00<" not in page and ">1000.00<" not in page
    assert "Harbourview" in page and "Energy Institute" in page  # whose payment it is
    payment = euro_invoice.payments.get()
    page = client.get(reverse("admin:billing_payment_change", args=[payment.pk])).content
    assert "€375.00" in page.decode()


def test_payments_list_query_count_does_not_grow(
    client, staff, schedules, django_assert_max_num_queries
):
    client.force_login(staff)
    for _ in range(2):
        _pay(invoice_issue(member=MemberFactory(), year=2026), "10.00")
    with django_assert_max_num_queries(20) as ctx:
        client.get(reverse("admin:billing_payment_changelist"))
    few = len(ctx.captured_queries)
    for _ in range(4):
        _pay(invoice_issue(member=MemberFactory(), year=2026), "10.00")
    with django_assert_max_num_queries(few):
        client.get(reverse("admin:billing_payment_changelist"))
