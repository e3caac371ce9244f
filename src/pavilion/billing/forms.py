"""Staff forms: record a payment, void an invoice, filter the members by standing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pavilion.membership.fees import quantum

from . import services
from .models import Invoice, Payment
from .selectors import StandingStatus


class PaymentForm(forms.Form):
    """A payment on ``invoice``: the amount is checked against its currency's minor
    unit (whole yen, euro cents) and the date against today, by the same rules as
    ``services.payment_record`` (which checks them again under the invoice's lock,
    with the balance)."""

    amount = forms.DecimalField(
        label=_("Amount received"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    received_on = forms.DateField(
        label=_("Received on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the money arrived: today at the latest."),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("The bank's transaction reference, a receipt number or similar."),
    )

    def __init__(self, *args, invoice: Invoice, balance: Decimal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.balance = balance
        self.today = timezone.localdate()
        step = quantum(invoice.currency)
        self.fields["amount"].widget.attrs["step"] = str(step)
        self.fields["amount"].widget.attrs["min"] = str(step)
        self.fields["received_on"].widget.attrs["max"] = self.today.isoformat()

    def clean(self):
        data = super().clean()
        errors = services.payment_errors(
            amount=data.get("amount"),
            received_on=data.get("received_on"),
            currency=self.invoice.currency,
            balance=self.balance,
            today=self.today,
        )
        for name, messages in errors.items():
            self.add_error(name, messages)
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "The invoice keeps its number; the reason is shown on it and in the audit trail."
        ),
    )


class StandingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Standing"),
        required=False,
        choices=[("", _("All members"))]
        + [(key, StandingStatus.LABELS[key]) for key in StandingStatus.ORDER],
    )
