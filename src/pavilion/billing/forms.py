"""Staff forms: record a payment, void an invoice, filter the members by standing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Payment
from .selectors import StandingStatus


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("The bank's transaction reference, a receipt number or similar."),
    )


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
