"""The back office's session form: a day and two times typed in the event's zone.

Staff never type UTC. The form turns "12 Nov 2024, 16:30–17:30" in the
event's zone into the stored UTC ``starts_at``/``ends_at``; with no day it
keeps the two times as ``tbc_start_time``/``tbc_end_time`` (date to be
confirmed). The rules themselves (end after start, within the event's days,
no two published sessions overlapping in a venue) live in
``services.session_check_times``, which ``Session.clean()`` calls; this form
only puts each of its errors on the field the user typed.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.timefmt import (
    venue_time_to_utc,
)
from pavilion.pages.guard import content_problems

from . import services
from .models import Event, Session, Venue

TIME_FIELDS = ("date", "start_time", "end_time")

# Where an error about a stored field is shown on this form.
FIELD_FOR_ERROR = {
    ("starts_at", "outside_event"): "date",
    ("starts_at", "venue_clash"): "start_time",
    "starts_at": "start_time",
    "ends_at": "end_time",
    "tbc_start_time": "start_time",
    "tbc_end_time": "end_time",
}


def venue_label(venue: Venue) -> str:
    """A venue with its event, since two events can each have a "Japan Pavilion"."""
    return gettext("%(venue)s (%(event)s)") % {"venue": venue, "event": venue.event}


class SessionAdminForm(forms.ModelForm):
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("End time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    class Meta:
        model = Session
        # starts_at, ends_at and the tbc_* times are set from date/start_time/end_time.
        fields = [
            "event",
            "venue",
            "status",
            "slug",
            "external_id",
            "title_en",
            "title_ja",
            "summary_en",
            "summary_ja",
            "date",
            "start_time",
            "end_time",
            "recording_url",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The status as stored, before this form changes it: the admin routes a
        # change of status through services.session_set_status (audited).
        self.stored_status: str | None = self.instance.status if self.instance.pk else None
        if "venue" in self.fields:
            self.fields["venue"].queryset = Venue.objects.select_related("event")
            self.fields["venue"].label_from_instance = venue_label
        event = self._chosen_event()
        self._set_help_texts(event)
        if self.instance.pk and self.instance.event_id:
            self._prefill(self.instance.event)

    # Building the form

    def _chosen_event(self) -> Event | None:
        """The event whose zone the times are in, as far as it is known yet."""
        if "event" in self.fields:
            raw = self["event"].value()
            if self.instance.event_id and str(raw) == str(self.instance.event_id):
                return self.instance.event
            if raw not in (None, ""):
                try:
                    return Event.objects.filter(pk=raw).first()
                except (ValueError, TypeError, ValidationError):
                    return None
        if self.instance.event_id:
            return self.instance.event
        return None

    def _set_help_texts(self, event: Event | None) -> None:
        if event is not None:
            times = gettext("Times in %(zone)s.") % {"zone": event.timezone}
            day = gettext(
                "The day in %(zone)s. Leave it empty while the date is to be confirmed: "
                "the start and end times are then kept without a date."
            ) % {"zone": event.timezone}
        else:
            events = Event.objects.only("name_en", "name_ja", "timezone")
            zones = ", ".join(f"{e}: {e.timezone}" for e in events)
            times = gettext("Times in the chosen event's zone (%(zones)s).") % {"zones": zones}
            day = gettext(
                "The day in the chosen event's zone (%(zones)s). Leave it empty while the date "
                "is to be confirmed: the start and end times are then kept without a date."
            ) % {"zones": zones}
        self.fields["date"].help_text = day
        self.fields["start_time"].help_text = times
        self.fields["end_time"].help_text = times

    def _prefill(self, event: Event) -> None:
        session = self.instance
        if session.starts_at is not None:
            start = session.starts_at.astimezone(event.tzinfo)
            self.initial["date"] = start.date()
            self.initial["start_time"] = start.time()
            if session.ends_at is not None:
                end = session.ends_at.astimezone(event.tzinfo)
                self.initial["end_time"] = end.time()
        else:
            self.initial["date"] = None
            self.initial["start_time"] = session.tbc_start_time
            self.initial["end_time"] = session.tbc_end_time

    # Validation

    def clean(self) -> dict:
        cleaned = super().clean()
        status = cleaned.get("status")
        if status:
            try:
                services.session_check_transition(
                    old=self.stored_status or Session.Status.DRAFT, new=status
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        if status == Session.Status.PUBLISHED:
            # The publishing guard: each problem on the field that holds it.
            for problem in content_problems(self.instance, cleaned):
                self.add_error(
                    problem.field if problem.field in self.fields else None, problem.message
                )
        session = self.instance
        watched = {*TIME_FIELDS, "event"}
        if session.pk and not watched.intersection(self.changed_data):
            return cleaned  # times untouched: keep the stored instants exactly
        session.starts_at = session.ends_at = None
        session.tbc_start_time = session.tbc_end_time = None
        event = cleaned.get("event")
        if event is None or any(name in self.errors for name in TIME_FIELDS):
            return cleaned
        day, start, end = (cleaned.get(name) for name in TIME_FIELDS)
        if day is None:
            session.tbc_start_time, session.tbc_end_time = start, end
            return cleaned
        if start is None:
            self.add_error(
                "start_time",
                gettext(
                    "Give the start time, or leave the date empty while it is to be confirmed."
                ),
            )
        if end is None:
            self.add_error("end_time", gettext("Give the end time."))
        if start is None or end is None:
            return cleaned
        starts_at = self._to_utc(day, start, event, "start_time")
        ends_at = self._to_utc(day, end, event, "end_time")
        if starts_at is not None and ends_at is not None:
            session.starts_at, session.ends_at = starts_at, ends_at
        return cleaned

    def _to_utc(self, day: dt.date, time: dt.time, event: Event, field: str) -> dt.datetime | None:
        try:
            return venue_time_to_utc(day, time, event.timezone)
        except ValidationError as error:
            self.add_error(field, error)
            return None

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's rules name stored fields (starts_at, tbc_end_time…) that
        # this form does not show; put each error on the field the user typed.
        if hasattr(errors, "error_dict"):
            moved: dict[str, list[ValidationError]] = {}
            for field, field_errors in errors.error_dict.items():
                for error in field_errors:
                    target = FIELD_FOR_ERROR.get((field, error.code)) or FIELD_FOR_ERROR.get(
                        field, field
                    )
                    if target != NON_FIELD_ERRORS and target not in self.fields:
                        target = NON_FIELD_ERRORS
                    moved.setdefault(target, []).append(error)
            errors = ValidationError(moved)
        super()._update_errors(errors)
