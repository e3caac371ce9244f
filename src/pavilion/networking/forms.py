"""The public request form. It parses input; the rules are checked by ``services``."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date
from pavilion.programme.models import Event

from .models import NetworkingTable
from .presenters import slot_times, slot_value

SLOT_FORMAT = "%Y-%m-%dT%H:%M"

ENDONYMS = {"en": "English", "ja": "日本語"}

# The services name fields as the model does; the form's names are shorter.
SERVICE_FIELDS = {"slot_start": "slot", "organisation_name": "organisation_name"}


def parse_slot(value: str, *, event: Event) -> dt.datetime | None:
    """ "2024-11-12T10:00" in the event's zone → an aware UTC datetime, or None."""
    try:
        naive = dt.datetime.strptime(value.strip(), SLOT_FORMAT)  # noqa: DTZ007 (zone added below)
    except ValueError:
        return None
    return naive.replace(tzinfo=event.tzinfo).astimezone(dt.UTC)


class BookingRequestForm(forms.Form):
    organisation_name = forms.CharField(label=gettext_lazy("Organisation"), max_length=200)
    contact_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of our reply"),
        # Each language in its own name, as the language switcher shows them.
        choices=[(code, ENDONYMS.get(code, name)) for code, name in settings.LANGUAGES],
    )
    table = forms.ChoiceField(
        label=gettext_lazy("Table"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the tables listed.")},
    )
    slot = forms.CharField(label=gettext_lazy("Time"), max_length=16)
    purpose = forms.CharField(
        label=gettext_lazy("Purpose of the meeting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Who will meet, and what about (up to 1,000 characters)."),
    )

    def __init__(
        self,
        *args,
        event: Event,
        tables: list[NetworkingTable],
        slots: list[dt.datetime],
        **kwargs,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.event = event
        self.tables = {str(t.pk): t for t in tables}
        lang = current_lang()
        self.fields["language"].initial = lang
        self.fields["table"].choices = [
            ("", _("Choose a table")),
            *(
                (
                    str(t.pk),
                    ngettext(
                        "%(table)s, %(venue)s (%(seats)s seat)",
                        "%(table)s, %(venue)s (%(seats)s seats)",
                        t.seats,
                    )
                    % {
                        "table": t.tr("name", lang),
                        "venue": t.venue.tr("name", lang),
                        "seats": t.seats,
                    },
                )
                for t in tables
            ),
        ]
        # A list of the open slots, grouped by day; the field itself accepts any time,
        # so that a slot that has just closed gets the service's precise message.
        choices: list = [("", _("Choose a time"))]
        tz = event.tzinfo
        for day, starts in groupby(slots, key=lambda s: s.astimezone(tz).date()):
            choices.append(
                (
                    format_date(day, lang, "weekday"),
                    [
                        (slot_value(s, event=event), slot_times(s, event=event, lang=lang))
                        for s in starts
                    ],
                )
            )
        self.fields["slot"].widget = forms.Select(choices=choices)

    def clean_table(self) -> NetworkingTable:
        table = self.tables.get(self.cleaned_data["table"])
        if table is None:
            raise ValidationError(_("Choose one of the tables listed."), code="invalid_table")
        return table

    def clean_slot(self) -> dt.datetime:
        value = parse_slot(self.cleaned_data["slot"], event=self.event)
        if value is None:
            raise ValidationError(_("Choose one of the times listed."), code="invalid_slot")
        return value

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each of the services' messages on the field it is about."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = SERVICE_FIELDS.get(name, name)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)
