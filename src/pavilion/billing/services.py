"""Every write to invoices and payments: issue, void, record a payment, remind.

Gapless numbers
---------------
Invoice numbers run ``YYYY-0001``, ``YYYY-0002`` … per year, with no gap and no
duplicate, even when invoices are issued at the same moment by several servers.
``invoice_issue`` takes the year's ``InvoiceCounter`` row with
``SELECT … FOR UPDATE`` inside the transaction (creating the row first when the
year has none, safely against a concurrent creator), adds one, and creates the
invoice in the same transaction (``dues_issue`` does the same for 50 invoices at
a time, in one transaction per batch). A second issuer waits on the lock until the
first commits or rolls back; a rolled-back issue rolls the counter back too, so
its number is taken by the next invoice and no gap appears. Voiding keeps the
number (a voided invoice is never deleted).

The lock is taken as late as possible: the fee is computed first. Under the lock
the member's invoice for the year is looked up again, so two simultaneous issues
for the same member give one invoice and consume one number.

Everything here is safe inside the caller's transaction (an application's
approval creates the member and its first invoice in one transaction): the
rendering of the PDF and the mail are queued with ``core.queue`` and exist only
if that transaction commits, so nothing happens for a write that rolled back.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.core.audit import audit_log, audit_log_many
from pavilion.core.mail import mail_enqueue
from pavilion.core.queue import task_enqueue_after_commit
from pavilion.membership.models import Member

from .conf import due_days
from .models import Invoice, InvoiceCounter, InvoiceLine, Payment, ReminderLog

logger = logging.getLogger("pavilion.billing")

AUDIT = "pavilion.billing.%s"


def invoice_number(*, year: int, sequence: int) -> str:
    return f"{year}-{sequence:04d}"


def invoice_period(*, year: int) -> tuple[dt.date, dt.date]:
    """The 12 months an invoice for ``year`` covers: the calendar year."""
    return dt.date(year, 1, 1), dt.date(year, 12, calendar.monthrange(year, 12)[1])


def _frozen_quote(quote: Any) -> dict:
    """What an invoice keeps of the quote it was issued from (schedule, income
    classification, band, group, lines, reasons in both languages), in JSON, so that
    it says the same thing whatever later happens to the schedule or the country data."""
    return quote.to_json()


def member_quote(*, member: Member, year: int):
    """The fee for ``member``'s dues in ``year`` (ValidationError when none can be computed)."""
    from pavilion.membership.fees import fee_quote

    return fee_quote(
        kind=member.kind,
        country=member.country,
        population=member.population,
        currency=member.currency,
        year=year,
    )


def _lock_counter(*, year: int) -> InvoiceCounter:
    """The year's counter row, locked until the transaction ends (created when missing)."""
    counter = InvoiceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent creator wins, we go on
                InvoiceCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            pass
        counter = InvoiceCounter.objects.select_for_update().get(year=year)
    return counter


def _current_invoice(*, member: Member, year: int) -> Invoice | None:
    return Invoice.objects.filter(member=member, year=year, voided_at__isnull=True).first()


def _issue_locked(
    *,
    quoted: list[tuple[Member, Any]],
    year: int,
    actor: Any,
    issued_on: dt.date,
) -> list[Invoice]:
    """Number and create the invoices of ``quoted`` (member, fee quote) pairs, in the
    caller's transaction: the year's counter is locked once, members that have an
    invoice for the year by now are left out (looked up under the lock), and the
    rest get consecutive numbers. Invoices, lines and audit entries are written a
    batch at a time. Returns the new invoices, in the order of ``quoted``."""
    counter = _lock_counter(year=year)
    # Under the lock every issue for this year is serialised: look again.
    has_one = set(
        Invoice.objects.filter(
            member__in=[member.pk for member, _quote in quoted],
            year=year,
            voided_at__isnull=True,
        ).values_list("member_id", flat=True)
    )
    period_start, period_end = invoice_period(year=year)
    issuer = actor if getattr(actor, "is_authenticated", False) else None
    invoices: list[Invoice] = []
    lines: list[InvoiceLine] = []
    for member, quote in quoted:
        if member.pk in has_one:
            continue
        has_one.add(member.pk)  # the same member twice in a batch: one invoice
        counter.last_number += 1
        invoice = Invoice(
            number=invoice_number(year=year, sequence=counter.last_number),
            year=year,
            sequence=counter.last_number,
            member=member,
            issued_on=issued_on,
            due_on=issued_on + dt.timedelta(days=due_days()),
            period_start=period_start,
            period_end=period_end,
            currency=quote.currency,
            total=quote.amount,
            quote=_frozen_quote(quote),
            language=member.language or settings.LANGUAGE_CODE,
            issued_by=issuer,
        )
        # The member and the user were just read: their rows need no second look.
        invoice.full_clean(
            exclude=["member", "issued_by"], validate_unique=False, validate_constraints=False
        )
        invoices.append(invoice)
        lines.extend(
            InvoiceLine(
                invoice=invoice,
                position=position,
                label_en=line.label_en,
                label_ja=line.label_ja,
                amount=line.amount,
            )
            for position, line in enumerate(quote.lines, start=1)
        )
    if not invoices:
        return []
    counter.save(update_fields=["last_number"])
    Invoice.objects.bulk_create(invoices)
    for line in lines:
        line.invoice_id = line.invoice.pk
    InvoiceLine.objects.bulk_create(lines)
    audit_log_many(
        action=AUDIT % "invoice.issued",
        targets=invoices,
        actor=actor,
        data=lambda invoice: {
            "from": None,
            "to": "issued",
            "member": invoice.member_id,
            "total": str(invoice.total),
            "currency": invoice.currency,
        },
    )
    return invoices


def invoice_issue(
    *,
    member: Member,
    year: int,
    actor: Any = None,
    issued_on: dt.date | None = None,
    render: bool = True,
) -> Invoice:
    """Issue ``member``'s dues invoice for ``year``, or return the one it already has
    (unchanged, consuming no number). Raises ValidationError when no fee can be
    computed for the member. The PDF is rendered in the background after the commit,
    and the invoice mailed then; ``render=False`` leaves the queueing to the caller."""
    existing = _current_invoice(member=member, year=year)
    if existing is not None:
        return existing
    quote = member_quote(member=member, year=year)
    with transaction.atomic():
        issued = _issue_locked(
            quoted=[(member, quote)],
            year=year,
            actor=actor,
            issued_on=issued_on or timezone.localdate(),
        )
        if not issued:  # issued by someone else meanwhile
            return _current_invoice(member=member, year=year)
        invoice = issued[0]
        if render:
            # The invoice is committed with its task or not at all; a PDF that could
            # not be queued is rendered later (issue_dues YEAR --render).
            from .tasks import invoice_render_pdf

            task_enqueue_after_commit(
                invoice_render_pdf, what=f"invoice PDF {invoice.pk}", invoice_id=invoice.pk
            )
    return invoice


def invoices_queue_render(*, invoice_ids: list[int]) -> int:
    """Queue the rendering (and first mailing) of these invoices in batches of
    ``RENDER_BATCH``, one task each; returns how many tasks were queued."""
    from .tasks import RENDER_BATCH, invoices_render_pdfs

    queued = 0
    for start in range(0, len(invoice_ids), RENDER_BATCH):
        batch = list(invoice_ids[start : start + RENDER_BATCH])
        # After the commit (at once outside a transaction); a failure to queue is
        # logged: the invoices are issued, and `issue_dues YEAR --render` queues again.
        task_enqueue_after_commit(
            invoices_render_pdfs, what=f"invoice PDFs {batch}", invoice_ids=batch
        )
        queued += 1
    return queued


def invoice_void_refusal(*, invoice: Invoice, paid: Decimal | None = None) -> str | None:
    """Why ``invoice`` cannot be voided (in the active language), or None when it can.
    ``paid`` is what has been paid on it (read when not given)."""
    from .presenters import money

    if invoice.voided_at is not None:
        return _("Invoice %(number)s is already void.") % {"number": invoice.number}
    if paid is None:
        paid = invoice_paid_amount(invoice=invoice)
    if paid > 0:
        return _(
            "Invoice %(number)s has payments recorded (%(paid)s), so it cannot be voided: "
            "the money received must stay on record. If the invoice is wrong, agree a refund "
            "or a credit on the next invoice with the member."
        ) % {"number": invoice.number, "paid": money(paid, invoice.currency)}
    return None


def invoice_void(*, invoice: Invoice, reason: str, actor: Any = None) -> Invoice:
    """Void an invoice: it keeps its number, stops counting towards standing, and the
    member may be issued a new one for the year. An invoice with payments cannot be
    voided. The PDF is rendered again after the commit, so that it carries the void
    notice and the reason (a void invoice is never mailed)."""
    from .tasks import invoice_render_pdf

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the invoice is voided.")}, code="reason_required"
        )
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        refusal = invoice_void_refusal(invoice=invoice)
        if refusal is not None:
            code = "already_void" if invoice.voided_at is not None else "has_payments"
            raise ValidationError(refusal, code=code)
        invoice.voided_at = timezone.now()
        invoice.void_reason = reason
        invoice.save(update_fields=["voided_at", "void_reason", "updated_at"])
        audit_log(
            action=AUDIT % "invoice.voided",
            target=invoice,
            actor=actor,
            data={"from": "issued", "to": "void", "reason": reason},
        )
        # Committed with the void or not at all; the task's mail step sees a void
        # invoice and sends nothing.
        task_enqueue_after_commit(
            invoice_render_pdf, what=f"invoice PDF {invoice.pk} (void)", invoice_id=invoice.pk
        )
    return invoice


def invoice_paid_amount(*, invoice: Invoice) -> Decimal:
    return invoice.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def payment_refusal(*, invoice: Invoice, balance: Decimal | None = None) -> str | None:
    """Why no payment can be recorded for ``invoice`` (in the active language), or None
    when one can. ``balance`` is what is still due on it (read when not given)."""
    if invoice.voided_at is not None:
        return _("Invoice %(number)s is void: no payment can be recorded for it.") % {
            "number": invoice.number
        }
    if balance is None:
        balance = invoice.total - invoice_paid_amount(invoice=invoice)
    if balance <= 0:
        return _("Invoice %(number)s is paid in full: there is nothing left to record.") % {
            "number": invoice.number
        }
    return None


def _currency_name(currency: str) -> str:
    from babel.numbers import get_currency_name

    from pavilion.core.i18n import current_lang

    from .presenters import BABEL_LOCALES

    lang = current_lang()
    return get_currency_name(currency, count=2, locale=BABEL_LOCALES.get(lang, lang))


def payment_errors(
    *,
    amount: Decimal | None,
    received_on: dt.date | None,
    currency: str,
    balance: Decimal | None = None,
    today: dt.date | None = None,
) -> dict[str, list[str]]:
    """The field errors of a payment (in the active language), whatever the balance
    allows: an amount that is not positive, or finer than the currency's minor unit
    (whole yen, euro cents; the quantum the fee engine rounds to), and a date after
    ``today`` (the site's local date). An amount equal to ``balance`` is accepted
    even when finer, so that a balance left fractional by an older payment can be
    settled. A value that is None (not given, or refused already) is not checked."""
    from pavilion.membership.fees import quantum

    errors: dict[str, list[str]] = {}
    step = quantum(currency)
    if amount is None:
        pass
    elif amount <= 0:
        errors["amount"] = [_("Enter an amount greater than zero.")]
    elif amount % step and amount != balance:
        places = max(0, -step.as_tuple().exponent)
        if places == 0:
            message = _(
                "Amounts in %(currency)s are whole numbers: enter the amount without decimals."
            )
        else:
            message = ngettext(
                "Amounts in %(currency)s have at most %(places)d decimal place.",
                "Amounts in %(currency)s have at most %(places)d decimal places.",
                places,
            )
        errors["amount"] = [message % {"currency": _currency_name(currency), "places": places}]
    today = today or timezone.localdate()
    if received_on is not None and received_on > today:
        errors["received_on"] = [
            _(
                "A payment cannot be received in the future: enter the day the money "
                "arrived (today, %(today)s, at the latest)."
            )
            % {"today": date_format(today, "DATE_FORMAT")}
        ]
    return errors


def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    received_on: dt.date,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    actor: Any = None,
    today: dt.date | None = None,
) -> Payment:
    """Record money received for an invoice, in full or in part. Refused (field errors)
    for a voided or fully paid invoice, an amount that is not positive, finer than the
    currency's minor unit or more than is still due, and a date after ``today`` (the
    site's local date by default)."""
    from .presenters import money

    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    with transaction.atomic():
        # The invoice row is the lock: two payments recorded at once cannot together
        # exceed the balance.
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        balance = invoice.total - invoice_paid_amount(invoice=invoice)
        refusal = payment_refusal(invoice=invoice, balance=balance)
        if refusal is not None:
            raise ValidationError(refusal, code="void" if invoice.voided_at is not None else "paid")
        errors = payment_errors(
            amount=amount,
            received_on=received_on,
            currency=invoice.currency,
            balance=balance,
            today=today,
        )
        if "amount" not in errors and amount > balance:
            errors["amount"] = [
                _("The amount is more than what is still due on the invoice (%(balance)s).")
                % {"balance": money(balance, invoice.currency)}
            ]
        if errors:
            raise ValidationError(errors)
        payment = Payment(
            invoice=invoice,
            amount=amount,
            received_on=received_on,
            method=method,
            reference=(reference or "").strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        payment.full_clean(exclude=["invoice"])
        payment.save(force_insert=True)
        new_balance = balance - amount
        audit_log(
            action=AUDIT % "payment.recorded",
            target=invoice,
            actor=actor,
            data={
                "from": str(balance),
                "to": str(new_balance),
                "payment": payment.pk,
                "amount": str(amount),
                "received_on": received_on.isoformat(),
                "method": method,
            },
        )
    return payment


def member_billing_address(member: Member) -> str:
    return (member.billing_email or member.contact_email or "").strip()


class MailOutcome:
    """What ``invoice_mail_send`` did."""

    SENT = "sent"
    ALREADY = "already_mailed"
    VOID = "void"
    NO_ADDRESS = "no_address"
    NO_PDF = "no_pdf"
    GONE = "gone"


def invoice_mail_send(
    *,
    invoice_id: int,
    again: bool = False,
    actor: Any = None,
    now: dt.datetime | None = None,
    priority: int = 0,
) -> str:
    """E-mail the invoice to its member (billing address, else contact address) in
    the invoice's language, with its PDF attached; returns a ``MailOutcome``.

    Sent once: ``mailed_at`` is read and set under the invoice's row lock, so a
    render task that runs twice, a PDF rendered again or two workers at once send
    one mail. ``again=True`` (staff re-sending by hand) sends even when it was mailed
    before. A void invoice, or one whose PDF is not rendered yet, is not mailed; a
    member without an address is logged (staff see "not sent: no address").
    ``priority`` is the mail's in the queue (lower for a year's dues)."""
    from .notifications import invoice_message

    now = now or timezone.now()
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(pk=invoice_id)
            .first()
        )
        if invoice is None:
            return MailOutcome.GONE
        if invoice.voided_at is not None:
            return MailOutcome.VOID
        if invoice.mailed_at is not None and not again:
            return MailOutcome.ALREADY
        if not invoice.pdf or invoice.rendered_at is None:
            return MailOutcome.NO_PDF
        address = member_billing_address(invoice.member)
        if not address:
            logger.warning(
                "Invoice not mailed: member %s has no e-mail address (invoice %s)",
                invoice.member_id,
                invoice.number,
            )
            return MailOutcome.NO_ADDRESS
        message = invoice_message(invoice=invoice, to=address)
        if not message["attachments"]:
            return MailOutcome.NO_PDF
        mail_enqueue(**message, priority=priority)
        previous = invoice.mailed_at
        invoice.mailed_at = now
        invoice.mailed_to = address
        invoice.save(update_fields=["mailed_at", "mailed_to", "updated_at"])
        audit_log(
            action=AUDIT % ("invoice.resent" if again else "invoice.mailed"),
            target=invoice,
            actor=actor,
            data={
                "from": previous.isoformat() if previous else None,
                "to": "mailed",
                "sent_to": address,
                "language": invoice.language,
            },
        )
    return MailOutcome.SENT


def reminder_send(*, invoice: Invoice, kind: str, now: dt.datetime | None = None) -> bool:
    """Send the ``kind`` reminder (before or after the due date) for an unpaid invoice,
    once: the ``ReminderLog`` row, taken under the invoice's row lock and unique per
    invoice and kind, makes a second run (or a concurrent one) send nothing. The mail
    is in the member's language, with the PDF attached when it has been rendered, and
    is queued after the commit. Returns whether a reminder was sent."""
    from .notifications import reminder_message
    from .selectors import invoice_balance, invoices_with_payments

    now = now or timezone.now()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
        if locked is None or locked.voided_at is not None:
            return False
        invoice = invoices_with_payments(
            Invoice.objects.select_related("member").filter(pk=invoice.pk)
        ).get()
        balance = invoice_balance(invoice)
        if balance <= 0:
            return False
        address = member_billing_address(invoice.member)
        if not address:
            logger.warning(
                "Reminder not sent: member %s has no e-mail address (invoice %s)",
                invoice.member_id,
                invoice.number,
            )
            return False
        _log, created = ReminderLog.objects.get_or_create(
            invoice=invoice, kind=kind, defaults={"sent_at": now, "sent_to": address}
        )
        if not created:
            return False
        mail_enqueue(**reminder_message(invoice=invoice, kind=kind, balance=balance, to=address))
        audit_log(
            action=AUDIT % f"reminder.{kind}",
            target=invoice,
            data={"from": None, "to": kind, "sent_to": address, "balance": str(balance)},
        )
    return True


@dataclass
class DuesResult:
    issued: int = 0
    already: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    failed: list[tuple[Member, ValidationError]] = field(default_factory=list)
    invoices: list[int] = field(default_factory=list)
    # A dry run's would-be invoices: (member, amount, currency), in the order issued.
    planned: list[tuple[Member, Decimal, str]] = field(default_factory=list)


def dues_issue(
    *,
    year: int,
    dry_run: bool = False,
    issued_on: dt.date | None = None,
    actor: Any = None,
) -> DuesResult:
    """Issue ``year``'s invoice to every current member without one.

    The members are taken ``RENDER_BATCH`` at a time. Each batch's fees are computed
    first (a member whose fee cannot be computed is listed in ``failed`` and stops
    nobody else's invoice); then, in one transaction, the batch's invoices get their
    consecutive numbers and are written, and one task is queued to render their
    PDFs and mail them. A run that stops half-way leaves whole batches, numbered
    without a gap; running it again issues the rest."""
    from pavilion.membership.fees import fee_tables_read_once

    from .selectors import current_members
    from .tasks import RENDER_BATCH

    issued_on = issued_on or timezone.localdate()
    members = current_members(today=issued_on)
    has_invoice = Invoice.objects.filter(member=OuterRef("pk"), year=year, voided_at__isnull=True)
    result = DuesResult(already=members.filter(Exists(has_invoice)).count())
    # The ids are read first and each batch in full before anything is written: no
    # read stays open across the writes (on SQLite an open read would pin an old
    # snapshot, and the next write would be refused).
    to_invoice = list(
        members.filter(~Exists(has_invoice)).order_by("pk").values_list("pk", flat=True)
    )
    # The fee tables (schedule, classification, bands) are read once for the whole run.
    with fee_tables_read_once():
        for start in range(0, len(to_invoice), RENDER_BATCH):
            batch = list(members.filter(pk__in=to_invoice[start : start + RENDER_BATCH]))
            batch.sort(key=lambda member: member.pk)
            quoted = []
            for member in batch:
                try:
                    quoted.append((member, member_quote(member=member, year=year)))
                except ValidationError as error:
                    result.failed.append((member, error))
            if dry_run:
                issued = [quote for _member, quote in quoted]
                result.planned.extend(
                    (member, quote.amount, quote.currency) for member, quote in quoted
                )
            else:
                with transaction.atomic():
                    invoices = _issue_locked(
                        quoted=quoted, year=year, actor=actor, issued_on=issued_on
                    )
                    # Queued in the same transaction: the batch is rendered and
                    # mailed if and only if it is committed.
                    if invoices:
                        invoices_queue_render(invoice_ids=[invoice.pk for invoice in invoices])
                result.already += len(quoted) - len(invoices)
                result.invoices.extend(invoice.pk for invoice in invoices)
                issued = [
                    _Issued(amount=invoice.total, currency=invoice.currency) for invoice in invoices
                ]
            for item in issued:
                result.issued += 1
                result.totals[item.currency] = (
                    result.totals.get(item.currency, Decimal("0")) + item.amount
                )
    if not dry_run:
        logger.info(
            "Dues %s: %d issued, %d already had one, %d failed",
            year,
            result.issued,
            result.already,
            len(result.failed),
        )
    return result


@dataclass
class _Issued:
    amount: Decimal
    currency: str


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Send every reminder due ``today``; returns how many of each kind were sent."""
    from .selectors import invoices_to_remind

    today = today or timezone.localdate()
    sent: dict[str, int] = {}
    for kind in ReminderLog.Kind.values:
        count = 0
        for invoice in invoices_to_remind(kind=kind, today=today):
            if reminder_send(invoice=invoice, kind=kind):
                count += 1
        sent[kind] = count
    return sent
