"""Forms of the public membership pages: the fee calculator and the directory's
filters. They parse input; the fee rules are ``fees.fee_quote``'s."""

from __future__ import annotations

import functools
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .countries import REGIONS, country_choices, normalise, region_name
from .models import ELIGIBILITY, Category, Discount, FeeSchedule, OrganisationKind


class QuickSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option: the list of
    countries has 249 options, which Django's templates take tens of milliseconds to
    draw. Attributes (aria-invalid, aria-describedby …) are those Django gives."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = _escaped_options(tuple((str(v), str(label)) for v, label in self.choices))
        html = "".join(
            f'<option value="{v}" selected>{label}</option>'
            if raw in chosen
            else f'<option value="{v}">{label}</option>'
            for raw, v, label in options
        )
        return mark_safe(f"<select{flatatt(final)}>{html}</select>")


@functools.lru_cache(maxsize=64)
def _escaped_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((v, escape(v), escape(label)) for v, label in choices)


CURRENCY_NAMES = {"EUR": _("Euro (EUR)"), "JPY": _("Japanese yen (JPY)")}


def natural_currency(lang: str) -> str:
    """The currency a reader of ``lang`` expects first: yen in Japanese, else euro."""
    return "JPY" if lang == "ja" else "EUR"


class CalculatorForm(forms.Form):
    kind = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Kind of organisation"),
        choices=[("", _("Choose…")), *OrganisationKind.choices],
        error_messages={
            "required": _("Choose the kind of organisation."),
            "invalid_choice": _("Choose a kind of organisation from the list."),
        },
    )
    country = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Country"),
        error_messages={
            "required": _("Choose a country."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    population = forms.CharField(
        label=_("Population"),
        required=False,
        max_length=40,
        help_text=_("Inhabitants of the local or regional government (not needed for others)."),
        error_messages={
            "max_length": _("Give the population as a whole number, such as 120000."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Currency"),
        error_messages={
            "required": _("Choose a currency."),
            "invalid_choice": _("Choose a currency from the list."),
        },
    )
    discounts = forms.MultipleChoiceField(
        label=_("Discounts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose discounts from the list.")},
    )

    def __init__(self, *args, lang: str, currencies: list[str], discounts: list[Discount], **kw):
        super().__init__(*args, **kw)
        self.lang = lang
        self.fields["country"].choices = [("", _("Choose…")), *country_choices(lang)]
        self.fields["currency"].choices = [(c, CURRENCY_NAMES.get(c, c)) for c in currencies]
        self.fields["discounts"].choices = [
            (d.code, d.tr("name", lang) or d.code) for d in discounts
        ]

    def clean_kind(self) -> str:
        from .fees import ineligible_message

        kind = self.cleaned_data["kind"]
        if kind not in ELIGIBILITY:
            raise ValidationError(ineligible_message(kind))
        return kind

    def clean_country(self) -> str:
        return normalise(self.cleaned_data["country"])

    def clean_population(self) -> int | None:
        return parse_population(self.cleaned_data.get("population") or "")

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            target = name if name in self.fields else None
            if name == "discount_codes":
                target = "discounts"
            for message in messages:
                self.add_error(target, message)


# No local or regional government has more inhabitants than this (the largest
# countries have about 1.4 billion): a larger figure is a typing mistake.
MAX_POPULATION = 2_000_000_000
_SPACES = re.compile(r"[\s_'’]+")


def parse_population(raw: str) -> int | None:
    """A population as people type it: "120000", "1,000,000", "１，０００，０００",
    "1 000 000". Empty gives None. Full-width figures and commas are read as ASCII
    (NFKC); thousands separators (commas, spaces) are dropped."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    text = _SPACES.sub("", text).replace(",", "")
    negative = text[:1] in ("-", "−")
    digits = text[1:] if negative else text
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(
            _("Give the population as a whole number, such as 120000."), code="invalid"
        )
    if negative and int(digits):
        raise ValidationError(_("The population cannot be negative."), code="negative")
    value = int(digits)
    if value > MAX_POPULATION:
        raise ValidationError(
            _(
                "%(population)s inhabitants is more than any local or regional government "
                "has; please check the figure."
            )
            % {"population": f"{value:,}"[:40]},
            code="max",
        )
    return value


def calculator_discounts(schedules: list[FeeSchedule]) -> list[Discount]:
    """The discounts of the schedules in force, one per code (for the checkboxes)."""
    seen: dict[str, Discount] = {}
    for discount in Discount.objects.filter(schedule__in=schedules).order_by("code"):
        seen.setdefault(discount.code, discount)
    return list(seen.values())


class FilterChoiceField(forms.ChoiceField):
    """A filter from the address: a long made-up value is cut short before it is
    quoted back in the error message."""

    def to_python(self, value) -> str:
        return super().to_python(value)[:30]


class CodeChoiceField(FilterChoiceField):
    """A choice of codes typed in any case (``?country=jp``)."""

    def to_python(self, value) -> str:
        return normalise(super().to_python(value))


class DirectoryFilterForm(forms.Form):
    country = CodeChoiceField(
        widget=QuickSelect,
        label=_("Country"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "There is no country with the code “%(value)s”. Choose a country from the list."
            )
        },
    )
    region = FilterChoiceField(
        widget=QuickSelect,
        label=_("Region"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "There is no region with the code “%(value)s”. Choose a region from the list."
            )
        },
    )
    category = FilterChoiceField(
        widget=QuickSelect,
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
        error_messages={
            "invalid_choice": _(
                "There is no category “%(value)s”. Choose a category from the list."
            )
        },
    )

    def __init__(self, *args, lang: str, **kw):
        super().__init__(*args, **kw)
        self.fields["country"].choices = [("", _("All countries")), *country_choices(lang)]
        self.fields["region"].choices = [
            ("", _("All regions")),
            *((code, region_name(code, lang)) for code in REGIONS),
        ]


__all__ = ["CalculatorForm", "DirectoryFilterForm", "FeeSchedule", "natural_currency"]
