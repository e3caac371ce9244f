"""Parsing the public filters; bad values become notices, never errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date_range, is_valid_zone

from .models import Event, Organisation, Person, Venue


class ZoneForm(forms.Form):
    tz = forms.CharField(required=False, max_length=64, label=gettext_lazy("Your time zone"))

    def clean_tz(self) -> str:
        value = self.cleaned_data["tz"].strip()
        if value and not is_valid_zone(value):
            raise forms.ValidationError(
                _("“%(value)s” is not a time zone we know; use a name such as Europe/Paris.")
                % {"value": value}
            )
        return value


class ProgrammeFilterForm(ZoneForm):
    day = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label=gettext_lazy("Day"),
        error_messages={"invalid": gettext_lazy("Give the day as YYYY-MM-DD, such as 2024-11-12.")},
    )
    venue = forms.SlugField(required=False, label=gettext_lazy("Venue"))
    host = forms.SlugField(required=False, label=gettext_lazy("Host organisation"))
    speaker = forms.SlugField(required=False, label=gettext_lazy("Speaker"))
    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day and not (self.event.start_date <= day <= self.event.end_date):
            raise forms.ValidationError(
                _("%(day)s is not a day of this event (%(dates)s).")
                % {
                    "day": day.isoformat(),
                    "dates": format_date_range(
                        self.event.start_date, self.event.end_date, current_lang()
                    ),
                }
            )
        return day

    def clean_venue(self) -> Venue | None:
        slug = self.cleaned_data["venue"]
        if not slug:
            return None
        venue = Venue.objects.filter(event=self.event, slug=slug).first()
        if venue is None:
            raise forms.ValidationError(
                _("There is no venue “%(value)s” at this event.") % {"value": slug}
            )
        return venue

    def clean_host(self) -> Organisation | None:
        slug = self.cleaned_data["host"]
        if not slug:
            return None
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise forms.ValidationError(
                _("There is no organisation “%(value)s”.") % {"value": slug}
            )
        return org

    def clean_speaker(self) -> Person | None:
        slug = self.cleaned_data["speaker"]
        if not slug:
            return None
        person = Person.objects.filter(slug=slug).first()
        if person is None:
            raise forms.ValidationError(_("There is no speaker “%(value)s”.") % {"value": slug})
        return person

    def valid_filters(self) -> dict:
        """The filters that parsed; a bad one is dropped (and reported) rather than failing."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }
