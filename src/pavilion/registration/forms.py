"""The visitor's registration form and the check-in desk's code field.

They parse input only; the rules (who gets a seat, what counts as the same
address, whether the session takes registrations) are the services'. Errors the
services raise for a field are put back on that field (``add_service_errors``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import current_lang

# Each language in its own name, as the language switcher shows them.
ENDONYMS = {"en": "English", "ja": "日本語"}


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Please give your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Optional: the city, region or organisation you work for."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={"required": _("Please give your e-mail address.")},
        help_text=_("We send your confirmation and QR code here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language of our e-mails"),
        choices=[(code, ENDONYMS.get(code, name)) for code, name in settings.LANGUAGES],
        error_messages={"invalid_choice": _("Choose English or Japanese.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the pavilion team keeps my name, organisation and e-mail address "
            "to manage my seat at this session and to write to me about it."
        ),
        error_messages={
            "required": _("Please agree to our keeping your details for this registration.")
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("language", current_lang())
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors on the fields they name; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Registration code"),
        max_length=40,
        error_messages={"required": _("Type or scan a registration code.")},
        help_text=_("Scan the QR code, or type the code printed under it; dashes do not matter."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )
