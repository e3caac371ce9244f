"""Demo invoices: this year's dues for the members that exist, in every standing.

Members are taken as they are (the membership demo creates them); each gets this
year's invoice through ``invoice_issue``, and by its place in the list is left
paid, partly paid, overdue or simply due, so the standing page shows each case.
Idempotent: an invoice that exists is kept, and payments are only recorded on an
invoice that has none. A member whose fee cannot be computed is skipped.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError

from .models import Invoice, Payment
from .selectors import current_members
from .services import invoice_issue, payment_record


def demo_load(*, today: dt.date) -> dict[str, int]:
    created = {"invoices": 0, "payments": 0}
    year = today.year
    for index, member in enumerate(current_members(today=today).order_by("pk")):
        case = index % 4  # 0 paid, 1 partly paid, 2 overdue, 3 due
        issued_on = today - dt.timedelta(days=60 if case == 2 else 5)
        existed = Invoice.objects.filter(member=member, year=year, voided_at__isnull=True)
        existed = existed.exists()
        try:
            invoice = invoice_issue(member=member, year=year, issued_on=issued_on)
        except ValidationError:
            continue
        created["invoices"] += 0 if existed else 1
        if case > 1 or invoice.total <= 0 or Payment.objects.filter(invoice=invoice).exists():
            continue
        amount = invoice.total
        if case == 1:
            amount = (invoice.total / 2).quantize(Decimal("1"), rounding=ROUND_DOWN) or amount
        payment_record(
            invoice=invoice,
            amount=amount,
            received_on=min(today, issued_on + dt.timedelta(days=3)),
            reference=f"DEMO-{invoice.number}",
            today=today,
        )
        created["payments"] += 1
    return created
