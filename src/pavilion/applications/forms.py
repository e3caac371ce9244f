"""The application's steps, one form each, and the staff's note for a review step.

They parse input only; the rules (who may join, when a population is needed, one
open application per organisation) are the services'. Errors a service raises
for a field are put back on that field (``add_service_errors``).
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from pavilion.core.i18n import current_lang
from pavilion.membership.models import ELIGIBILITY, Category, FeeSchedule, OrganisationKind

from .models import ApplicationDocument
from .services import population_year_error, population_year_range

# Each language in its own name, as the language switcher shows them.
ENDONYMS = {"en": "English", "ja": "日本語"}
# The locale Babel names currencies in, for each language of the site.
BABEL_LOCALES = {"en": "en", "ja": "ja_JP"}
DEFAULT_CURRENCY = {"ja": "JPY", "en": "EUR"}


class StepForm(forms.Form):
    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors on the fields they name; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


def kind_choices() -> list[tuple[str, str]]:
    """Every kind of organisation, each saying what it may join (or that it may not)."""
    labels = dict(Category.choices)
    choices: list[tuple[str, str]] = [("", _("Choose the kind of organisation"))]
    for value, label in OrganisationKind.choices:
        category = ELIGIBILITY.get(value)
        if category:
            text = _("%(kind)s — may apply for: %(category)s") % {
                "kind": label,
                "category": labels[category],
            }
        else:
            text = _("%(kind)s — not eligible") % {"kind": label}
        choices.append((value, text))
    return choices


class OrganisationForm(StepForm):
    name_en = forms.CharField(
        label=_("Name of the organisation in English"),
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    name_ja = forms.CharField(
        label=_("Name of the organisation in Japanese"),
        max_length=250,
        required=False,
        help_text=_("Give at least one of the two names."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        error_messages={
            "required": _("Please choose the kind of organisation."),
            "invalid_choice": _("Please choose a kind of organisation from the list."),
        },
        help_text=_(
            "Local and regional governments may become full members; associations of local "
            "governments may become members; NGOs, universities, state and national "
            "government agencies and not-for-profit research institutions may become "
            "associate partners."
        ),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        error_messages={
            "required": _("Please choose the country."),
            "invalid_choice": _("Please choose a country from the list."),
        },
    )
    locality = forms.CharField(
        label=_("City or area"),
        max_length=200,
        required=False,
        help_text=_("For a city or region, its name; for others, where the office is."),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Please give a web address, such as https://example.org.")},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you a link to come back to this application, and write to you here."),
        error_messages={
            "required": _("Please give your e-mail address."),
            "invalid": _("Please give an e-mail address, such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from pavilion.membership.countries import country_choices

        lang = current_lang()
        self.fields["kind"].choices = kind_choices()
        self.fields["country"].choices = [("", _("Choose the country")), *country_choices(lang)]


class ContactForm(StepForm):
    contact_name = forms.CharField(
        label=_("Name of the contact person"),
        max_length=200,
        error_messages={"required": _("Please give the name of the contact person.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_title = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("For example: Director, International Relations."),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Please give your e-mail address."),
            "invalid": _("Please give an e-mail address, such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Telephone"),
        max_length=40,
        required=False,
        help_text=_("With the country code, such as +81 3 1234 5678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language of our e-mails"),
        choices=[(code, ENDONYMS.get(code, name)) for code, name in settings.LANGUAGES],
        error_messages={"invalid_choice": _("Choose English or Japanese.")},
    )

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9 ()./-]{5,40}", phone):
            raise ValidationError(
                _("Please give a telephone number in figures, such as +81 3 1234 5678.")
            )
        return phone


def currency_label(code: str, lang: str) -> str:
    """A currency as the reader's language names it, with its code: "Euro (EUR)",
    「日本円（JPY）」 (Babel's names, as the fee calculator shows them)."""
    from babel.numbers import get_currency_name

    name = get_currency_name(code, locale=BABEL_LOCALES.get(lang, lang))
    if not name or name == code:
        return code
    return pgettext("currency name and code", "%(name)s (%(code)s)") % {
        "name": name,
        "code": code,
    }


def currency_choices(lang: str | None = None) -> list[tuple[str, str]]:
    lang = lang or current_lang()
    codes = sorted(
        set(FeeSchedule.objects.filter(is_published=True).values_list("currency", flat=True))
    ) or ["EUR", "JPY"]
    return [(code, currency_label(code, lang)) for code in codes]


POPULATION_FIELDS = ("population", "population_source", "population_year")


class CategoryForm(StepForm):
    """Step 3. The population, its source and its year are asked only of the kinds
    whose fee depends on them (``population_needed``); for the others the fields are
    not on the form at all."""

    population = forms.CharField(
        label=_("Population"),
        max_length=20,
        required=False,
        help_text=_(
            "Number of inhabitants, in figures (for example 1250000). Needed for local and "
            "regional governments."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    population_source = forms.CharField(
        label=_("Source of the population figure"),
        max_length=300,
        required=False,
        help_text=_("For example: national census."),
    )
    population_year = forms.CharField(
        label=_("Year of the population figure"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(
        label=_("Currency of the fee"),
        error_messages={
            "required": _("Please choose a currency."),
            "invalid_choice": _("Please choose a currency from the list."),
        },
    )

    def __init__(self, *args, population_needed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        if population_needed:
            first, last = population_year_range()
            self.fields["population_year"].help_text = _(
                "In four figures, from %(first)s to %(last)s."
            ) % {"first": first, "last": last}
        else:
            for name in POPULATION_FIELDS:
                del self.fields[name]

    def clean_population(self) -> int | None:
        raw = self.cleaned_data["population"].strip()
        if not raw:
            return None
        digits = raw.replace(",", "").replace(" ", "").replace("\u3000", "")
        if digits.startswith("-") and digits[1:].isdigit():
            raise ValidationError(_("The population cannot be negative."), code="negative")
        if not digits.isascii() or not digits.isdigit():
            raise ValidationError(
                _(
                    "Please give the population as a whole number, in figures (for example 1250000)."
                ),
                code="invalid",
            )
        value = int(digits)
        if value > 10**11:
            raise ValidationError(_("This population is too large to be right."), code="max")
        return value

    def clean_population_year(self) -> int | None:
        raw = self.cleaned_data["population_year"].strip()
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
            raise ValidationError(_("Please give the year in four figures, such as 2020."))
        year = int(raw)
        if message := population_year_error(year):
            raise ValidationError(message, code="range")
        return year


class DocumentForm(StepForm):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=ApplicationDocument.Kind.choices,
        initial=ApplicationDocument.Kind.LETTER_OF_INTENT,
        error_messages={"invalid_choice": _("Please choose a kind of document from the list.")},
    )
    file = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, max_mb: str = "5", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A letter of intent or a council resolution, as a PDF of at most %(limit)s MB."
        ) % {"limit": max_mb}


class ConsentForm(StepForm):
    # The label is a sentence ending in its own full stop (「…確認します。」): no
    # label suffix after it (Django adds none after "." but would after "。"), and the
    # box comes first, inside the label.
    consent = forms.BooleanField(
        label_suffix="",
        template_name="applications/_checkbox_field.html",
        label=_(
            "I agree that the secretariat keeps the details of this application, with its "
            "documents, to review it and to write to us about it, and I confirm that I may "
            "apply on behalf of this organisation."
        ),
        error_messages={
            "required": _(
                "Please agree to our keeping and using these details for your application."
            )
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: the cleaned value is a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


class AnswerForm(StepForm):
    """The applicant's answer to a request for information: words, a PDF, or both
    (the service refuses an answer with neither)."""

    note = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=ApplicationDocument.Kind.choices,
        initial=ApplicationDocument.Kind.COUNCIL_RESOLUTION,
        error_messages={"invalid_choice": _("Please choose a kind of document from the list.")},
    )
    file = MultipleFileField(
        label=_("Documents, if we asked for any (PDF)"),
        required=False,
    )

    def __init__(self, *args, max_mb: str = "5", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF files only, at most %(limit)s MB each. You may choose several files at once."
        ) % {"limit": max_mb}


class ReviewForm(forms.Form):
    """The staff's note for a review step (the button pressed names the step)."""

    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Kept in the audit trail. The applicant receives it only with a request for "
            "information (your question), a refusal (the reason) or a withdrawal. A note "
            "on starting or resuming the review or on an approval is internal: the "
            "applicant never sees it."
        ),
    )
