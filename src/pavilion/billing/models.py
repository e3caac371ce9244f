"""Billing: dues invoices with gapless numbers, their lines, payments and reminders.

A member's standing (good, due, overdue, lapsed) is never stored: it is derived
from its invoices and their payments (see ``selectors``), so the two can never
disagree. An invoice freezes the fee quote it was issued from (schedule,
income classification, band, group, reasons), so later changes to the fee
schedule or the country data do not change what an invoice says.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel
from pavilion.membership.models import Member

MONEY = {"max_digits": 12, "decimal_places": 2}


def private_storage():
    """Invoice PDFs live in the private storage: never served, streamed to staff only."""
    return storages["private"]


class InvoiceCounter(models.Model):
    """The last invoice number taken in a year: the row locked while a number is taken."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Invoice(TimeStampedModel):
    """A member's dues for one year (12 months), numbered ``YYYY-NNNN`` without gaps."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence in the year"))
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="invoices"
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), **MONEY)
    quote = models.JSONField(
        _("fee quote"),
        default=dict,
        blank=True,
        help_text=_("The fee as computed when the invoice was issued: schedule, band, reasons."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="invoices/", blank=True)
    rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    mailed_at = models.DateTimeField(
        _("mailed at"),
        null=True,
        blank=True,
        help_text=_("When the invoice was last e-mailed to the member, with its PDF."),
    )
    mailed_to = models.CharField(_("mailed to"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="billing_invoice_sequence"),
            # One valid dues invoice per member and year; a voided one may be replaced.
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(voided_at__isnull=True),
                name="billing_one_invoice_per_member_year",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="billing_invoice_total_gte_0"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="billing_due_after_issue"
            ),
        ]
        indexes = [models.Index(fields=["member", "year"]), models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class InvoiceLine(BilingualMixin, models.Model):
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    label_ja = models.CharField(_("label (Japanese)"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "pk"]

    def __str__(self) -> str:
        # The amount is shown beside it, formatted for the invoice's currency.
        return str(self.tr("label"))


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("received on"))
    method = models.CharField(
        _("method"), max_length=20, choices=Method, default=Method.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive"),
        ]

    def __str__(self) -> str:
        from .presenters import money  # presenters read the models

        return f"{self.invoice.number}: {money(self.amount, self.invoice.currency)}"


class ReminderLog(models.Model):
    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Before the due date")
        AFTER_DUE = "after_due", _("After the due date")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    sent_at = models.DateTimeField(_("sent at"))
    sent_to = models.CharField(_("sent to"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind"], name="billing_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.get_kind_display()}"
