"""Reading billing: an invoice's payment status and a member's standing.

Standing is never stored. It is derived, here only, from the member's invoices
that are not void and the payments recorded against them:

- ``no_invoice``: the member has no invoice (a voided one does not count);
- ``good``: every invoice is paid in full;
- ``due``: something is unpaid, but no unpaid invoice is past its due date;
- ``overdue``: an unpaid invoice is past its due date;
- ``lapsed``: an unpaid invoice is more than ``PAVILION_LAPSED_AFTER_DAYS`` (90)
  days past its due date.

Lists read the invoices of all the members shown in one query, each invoice
annotated with the sum of its payments (no query per member or per invoice), and
the same function as the single-member view reckons each standing, so the list,
the member's page and the invoices can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pavilion.membership.models import Member

from . import conf
from .models import Invoice, Payment

ZERO = Decimal("0")


class StandingStatus:
    NO_INVOICE = "no_invoice"
    GOOD = "good"
    DUE = "due"
    OVERDUE = "overdue"
    LAPSED = "lapsed"

    LABELS = {
        NO_INVOICE: _("No invoice"),
        GOOD: _("In good standing"),
        DUE: _("Payment due"),
        OVERDUE: _("Overdue"),
        LAPSED: _("Lapsed"),
    }
    ORDER = (LAPSED, OVERDUE, DUE, GOOD, NO_INVOICE)


class PaymentStatus:
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    OUTSTANDING = "outstanding"
    VOID = "void"

    LABELS = {
        PAID: _("Paid"),
        PARTLY_PAID: _("Partly paid"),
        OUTSTANDING: _("Outstanding"),
        VOID: _("Void"),
    }


def invoice_mail_status(invoice: Invoice) -> str:
    """Whether the invoice has been e-mailed, in words for staff ("not sent: no
    address" when the member has neither a billing nor a contact address)."""
    from django.utils.formats import date_format

    if invoice.voided_at is not None:
        return str(_("Void: not sent"))
    if invoice.mailed_at is not None:
        return str(
            _("Sent on %(date)s to %(address)s")
            % {
                "date": date_format(timezone.localtime(invoice.mailed_at), "DATE_FORMAT"),
                "address": invoice.mailed_to,
            }
        )
    member = invoice.member
    if not (member.billing_email or member.contact_email or "").strip():
        return str(_("Not sent: no address"))
    if invoice.rendered_at is None:
        return str(_("Not sent yet: waiting for the PDF"))
    return str(_("Not sent yet"))


@dataclass(frozen=True)
class Standing:
    status: str
    # What is still owed, by currency (a member is normally billed in one).
    outstanding: dict[str, Decimal] = field(default_factory=dict)
    oldest_unpaid_due_on: dt.date | None = None
    invoice_count: int = 0

    @property
    def label(self) -> str:
        return str(StandingStatus.LABELS[self.status])

    @property
    def is_good(self) -> bool:
        return self.status == StandingStatus.GOOD


def _paid_subquery() -> Subquery:
    return Subquery(
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def invoices_with_payments(queryset: QuerySet[Invoice] | None = None) -> QuerySet[Invoice]:
    """Invoices annotated with ``paid`` (the sum of their payments, 0 when none)."""
    queryset = Invoice.objects.all() if queryset is None else queryset
    return queryset.annotate(
        paid=Coalesce(
            _paid_subquery(),
            Value(ZERO),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def invoice_paid(invoice: Invoice) -> Decimal:
    paid = getattr(invoice, "paid", None)
    if paid is None:
        paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    return paid


def invoice_balance(invoice: Invoice) -> Decimal:
    if invoice.voided_at is not None:
        return ZERO
    return invoice.total - invoice_paid(invoice)


def invoice_payment_status(invoice: Invoice) -> str:
    if invoice.voided_at is not None:
        return PaymentStatus.VOID
    paid = invoice_paid(invoice)
    if paid >= invoice.total:
        return PaymentStatus.PAID
    if paid > 0:
        return PaymentStatus.PARTLY_PAID
    return PaymentStatus.OUTSTANDING


def standing_from_invoices(invoices: Iterable[Invoice], *, today: dt.date) -> Standing:
    """The standing that these invoices (of one member, annotated with ``paid``) give."""
    valid = [invoice for invoice in invoices if invoice.voided_at is None]
    if not valid:
        return Standing(status=StandingStatus.NO_INVOICE)
    outstanding: dict[str, Decimal] = {}
    oldest: dt.date | None = None
    for invoice in valid:
        balance = invoice_balance(invoice)
        if balance <= 0:
            continue
        outstanding[invoice.currency] = outstanding.get(invoice.currency, ZERO) + balance
        if oldest is None or invoice.due_on < oldest:
            oldest = invoice.due_on
    if oldest is None:
        status = StandingStatus.GOOD
    elif (today - oldest).days > conf.lapsed_after_days():
        status = StandingStatus.LAPSED
    elif oldest < today:
        status = StandingStatus.OVERDUE
    else:
        status = StandingStatus.DUE
    return Standing(
        status=status,
        outstanding=outstanding,
        oldest_unpaid_due_on=oldest,
        invoice_count=len(valid),
    )


def _member_invoices_prefetch() -> Prefetch:
    return Prefetch(
        "invoices",
        queryset=invoices_with_payments(Invoice.objects.filter(voided_at__isnull=True)).order_by(
            "-year", "-sequence"
        ),
        to_attr="valid_invoices",
    )


def member_standing(*, member: Member, today: dt.date | None = None) -> Standing:
    today = today or timezone.localdate()
    invoices = invoices_with_payments(member.invoices.filter(voided_at__isnull=True))
    return standing_from_invoices(invoices, today=today)


def members_with_standing(
    *,
    today: dt.date | None = None,
    queryset: QuerySet[Member] | None = None,
    status: str | None = None,
) -> list[Member]:
    """Members (current ones by default), each with ``.standing`` set; two queries in
    all. ``status`` keeps only the members in that standing."""
    today = today or timezone.localdate()
    if queryset is None:
        queryset = current_members(today=today)
    members = list(queryset.prefetch_related(_member_invoices_prefetch()))
    for member in members:
        member.standing = standing_from_invoices(member.valid_invoices, today=today)
    if status:
        members = [member for member in members if member.standing.status == status]
    return members


def current_members(*, today: dt.date | None = None) -> QuerySet[Member]:
    """Members who have joined and not left by ``today``."""
    today = today or timezone.localdate()
    return Member.objects.filter(joined_on__lte=today).exclude(ended_on__lt=today)


def invoice_list(*, queryset: QuerySet[Invoice] | None = None) -> QuerySet[Invoice]:
    """Invoices with their member and the sum of their payments (for lists)."""
    queryset = Invoice.objects.all() if queryset is None else queryset
    return invoices_with_payments(queryset.select_related("member"))


def invoices_to_remind(*, kind: str, today: dt.date) -> QuerySet[Invoice]:
    """Unpaid, valid invoices for which the ``kind`` reminder is due ``today`` and has
    not been sent: ``before_due`` from N days before the due date until it, and
    ``after_due`` from M days after it."""
    from .models import ReminderLog

    queryset = invoice_list(
        queryset=Invoice.objects.filter(voided_at__isnull=True).exclude(reminders__kind=kind)
    )
    if kind == ReminderLog.Kind.BEFORE_DUE:
        queryset = queryset.filter(
            due_on__gte=today, due_on__lte=today + dt.timedelta(days=conf.reminder_before_days())
        )
    else:
        queryset = queryset.filter(
            due_on__lte=today - dt.timedelta(days=conf.reminder_after_days())
        )
    return queryset.filter(paid__lt=F("total")).order_by("due_on", "pk")


@dataclass(frozen=True)
class ReminderDue:
    kind: str
    invoice: Invoice
    balance: Decimal
    # Where it would go: the member's billing address, else its contact address
    # ("" when it has neither, and the reminder cannot be sent).
    address: str


def reminders_due(*, today: dt.date) -> list[ReminderDue]:
    """The reminders ``reminders_send`` would send ``today``, without sending or
    recording anything: each kind in turn, by due date."""
    from .models import ReminderLog

    due = []
    for kind in ReminderLog.Kind.values:
        for invoice in invoices_to_remind(kind=kind, today=today):
            member = invoice.member
            due.append(
                ReminderDue(
                    kind=kind,
                    invoice=invoice,
                    balance=invoice_balance(invoice),
                    address=(member.billing_email or member.contact_email or "").strip(),
                )
            )
    return due
