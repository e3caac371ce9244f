"""The back office's registration settings form: when registration opens and closes,
typed in the event's zone.

Staff never type UTC. "10:00" for an event in Asia/Baku is stored as 06:00 UTC,
and a stored instant is shown back in the event's zone. Each field says which zone
it uses. The day and time are native date and time inputs (the browser shows its
own picker), not the admin's calendar and clock: the admin's "Now" button gives the
server's time (UTC), which would be wrong here. A day without a time, a time that
does not exist (the clocks go forward) or that happens twice (they go back) is
refused on its field. The rule that registration closes after it opens is the
model's (``RegistrationSettings.clean``).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.timefmt import (
    venue_time_to_utc,
)
from pavilion.programme.models import Event, Session

from .models import RegistrationSettings

LOCAL_FIELDS = ("opens_at", "closes_at")


class EventDateTimeWidget(forms.SplitDateTimeWidget):
    """A day and a time, each in the browser's own input, labelled as in the admin."""

    template_name = AdminSplitDateTime.template_name

    def __init__(self, attrs=None):
        super().__init__(
            attrs,
            date_format="%Y-%m-%d",
            time_format="%H:%M",
            date_attrs={"type": "date"},
            time_attrs={"type": "time"},
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["date_label"] = gettext("Date:")
        context["time_label"] = gettext("Time:")
        return context

    def id_for_label(self, id_):
        return id_


class EventDateTimeField(forms.SplitDateTimeField):
    """The wall-clock time typed, without a zone: the form puts it in the event's."""

    widget = EventDateTimeWidget

    def __init__(self, **kwargs):
        # The browser's inputs send ISO; typed by hand, "1/11/2024" could be either month.
        kwargs.setdefault("input_date_formats", ["%Y-%m-%d", "%Y/%m/%d"])
        kwargs.setdefault("input_time_formats", ["%H:%M", "%H:%M:%S"])
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_date": _("Enter the day as YYYY-MM-DD, for example 2026-11-20."),
                "invalid_time": _(
                    "Enter the time as HH:MM on the 24-hour clock, for example 14:30."
                ),
            },
        )
        super().__init__(**kwargs)

    def compress(self, data_list):
        if not data_list or all(value in self.empty_values for value in data_list):
            return None
        day, time = data_list
        if day in self.empty_values:
            raise ValidationError(_("Give the day as well as the time."), code="invalid_date")
        if time in self.empty_values:
            raise ValidationError(_("Give the time as well as the day."), code="invalid_time")
        return dt.datetime.combine(day, time)


class RegistrationSettingsAdminForm(forms.ModelForm):
    opens_at = EventDateTimeField(label=_("Registration opens"), required=False)
    closes_at = EventDateTimeField(label=_("Registration closes"), required=False)

    class Meta:
        model = RegistrationSettings
        fields = ["session", "is_open", "capacity", "opens_at", "closes_at", "offer_hours"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        event = self._chosen_event()
        for name in LOCAL_FIELDS:
            if name not in self.fields:
                continue
            value = getattr(self.instance, name)
            if value is not None and event is not None:
                # Shown as the wall-clock time in the event's zone.
                self.initial[name] = timezone.localtime(value, event.tzinfo).replace(tzinfo=None)
        self._set_help_texts(event)

    def _chosen_event(self) -> Event | None:
        """The event whose zone the times are in, as far as it is known yet."""
        if "session" in self.fields:
            raw = self["session"].value()
            if raw in (None, ""):
                return None
            if self.instance.session_id and str(raw) == str(self.instance.session_id):
                return self.instance.session.event
            try:
                session = Session.objects.select_related("event").filter(pk=raw).first()
            except (ValueError, TypeError, ValidationError):
                return None
            return session.event if session is not None else None
        if self.instance.session_id:
            return self.instance.session.event
        return None

    def _set_help_texts(self, event: Event | None) -> None:
        # The admin shows help text as HTML: event names are escaped.
        if event is not None:
            zone = escape(event.timezone)
            texts = {
                "opens_at": gettext(
                    "The day and time in %(zone)s, the event's time zone. Leave both empty "
                    "to open at once."
                ),
                "closes_at": gettext(
                    "The day and time in %(zone)s, the event's time zone. Leave both empty "
                    "to close when the session starts."
                ),
            }
        else:
            events = Event.objects.only("name_en", "name_ja", "timezone").order_by("start_date")
            zone = escape(", ".join(f"{e}: {e.timezone}" for e in events))
            texts = {
                "opens_at": gettext(
                    "The day and time in the time zone of the session's event (%(zone)s). "
                    "Leave both empty to open at once."
                ),
                "closes_at": gettext(
                    "The day and time in the time zone of the session's event (%(zone)s). "
                    "Leave both empty to close when the session starts."
                ),
            }
        for name, text in texts.items():
            if name in self.fields:
                self.fields[name].help_text = text % {"zone": zone}

    def clean(self) -> dict:
        cleaned = super().clean()
        if "session" in self.fields:
            session = cleaned.get("session")
            event = session.event if session is not None else None
        else:
            event = self.instance.session.event if self.instance.session_id else None
        for name in LOCAL_FIELDS:
            local = cleaned.get(name)
            if local is None:
                continue
            if event is None:  # no session chosen: that field says so
                cleaned[name] = None
                continue
            utc = self._to_utc(local, event, name)
            if utc is not None:
                cleaned[name] = utc
        return cleaned

    def _to_utc(self, local: dt.datetime, event: Event, field: str) -> dt.datetime | None:
        try:
            return venue_time_to_utc(local.date(), local.time(), event.timezone)
        except ValidationError as error:
            self.add_error(field, error)
            return None
