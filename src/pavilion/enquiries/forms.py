"""The contact form. It parses input and spots robots; the rules are the services'.

Robots are kept out without third-party services:

- a honeypot: a field people never see (hidden by the stylesheet, skipped by
  screen readers) that form-filling robots fill in;
- a minimum time: the form carries the moment it was first shown, signed; a form
  sent back sooner than ``MIN_SECONDS`` later was not typed by a person. A form shown
  again (to correct a field) carries the same moment, so the time a visitor has
  already spent on it counts; the check speaks only when nothing else is wrong;
- a rate limit per client address, counted by the view.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import current_lang

from .models import MESSAGE_MAX_LENGTH, Topic

ENDONYMS = {"en": "English", "ja": "日本語"}
MIN_SECONDS = 3
MAX_AGE_SECONDS = 24 * 3600
TIMESTAMP_SALT = "pavilion.enquiries.form-shown"


def form_timestamp() -> str:
    """A signed token holding the moment the form is shown."""
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


class EnquiryForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What is your question about?"),
        choices=Topic.choices,
        error_messages={
            "required": _("Please choose a topic."),
            "invalid_choice": _("Please choose one of the topics in the list."),
        },
    )
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
        error_messages={
            "required": _("Please give your e-mail address, so that we can answer you."),
            "invalid": _("Please give an e-mail address such as name@example.org."),
        },
        help_text=_("We answer you at this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language of our answer"),
        choices=[(code, ENDONYMS.get(code, name)) for code, name in settings.LANGUAGES],
        error_messages={"invalid_choice": _("Choose English or Japanese.")},
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 5,000 characters."),
        error_messages={
            "required": _("Please write your message."),
            "max_length": _(
                "Your message is %(show_value)d characters long; please shorten it to at most "
                "%(limit_value)d characters, or send it in two parts."
            ),
        },
    )
    # The honeypot: hidden from people, filled in by robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # When the form was first shown, signed (see ``timestamp_to_carry``).
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("language", current_lang())
        super().__init__(*args, **kwargs)
        self.too_fast = False
        self.expired = False

    @property
    def has_field_errors(self) -> bool:
        return any(name != NON_FIELD_ERRORS for name in self.errors)

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled in."""
        return bool(self.cleaned_data.get("website", "").strip())

    def clean_message(self) -> str:
        return self.cleaned_data["message"].strip()

    def _shown_at(self) -> float | None:
        """When the form was first shown, from its signed token; None if the token is
        missing or forged. Raises SignatureExpired for a token older than a day."""
        token = (self.data.get("shown") or "") if self.is_bound else ""
        try:
            return float(signing.loads(token, salt=TIMESTAMP_SALT, max_age=MAX_AGE_SECONDS))
        except signing.SignatureExpired:
            raise
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def timestamp_to_carry(self) -> str:
        """The token to write into the form shown again: the one it came with when that
        is genuine and recent, else a fresh one (a first showing)."""
        try:
            if self._shown_at() is not None:
                return self.data["shown"]
        except signing.SignatureExpired:
            pass
        return form_timestamp()

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            shown = self._shown_at()
        except signing.SignatureExpired:
            self.expired = True
            raise forms.ValidationError(
                _("This form was opened more than a day ago. Please check it and send it again."),
                code="expired",
            ) from None
        self.too_fast = shown is None or time.time() - shown < MIN_SECONDS
        # With a field to correct, the form is shown again anyway: a second message
        # about speed would only be noise, and the time spent still counts.
        if self.too_fast and not self.errors:
            raise forms.ValidationError(
                _(
                    "That was very quick: please take a moment to check your message, "
                    "then send it again."
                ),
                code="too_fast",
            )
        return cleaned
