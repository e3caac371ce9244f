"""How a slot is written for people: in the event's zone, with its other zones beside it."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from pavilion.core.timefmt import format_date, join_ranges, zoned_ranges
from pavilion.programme.models import Event

from .models import SLOT_LENGTH


def slot_times(start: dt.datetime, *, event: Event, lang: str, other_zones: bool = True) -> str:
    """ "10:00–10:30 Baku time · 15:00–15:30 Japan time" (no date)."""
    zones = event.secondary_timezones if other_zones else []
    return join_ranges(
        zoned_ranges(start, start + SLOT_LENGTH, event.timezone, zones, lang),
        lang,
    )


def slot_text(start: dt.datetime, *, event: Event, lang: str, other_zones: bool = True) -> str:
    """ "Tue 12 Nov 2024, 10:00–10:30 Baku time · 15:00–15:30 Japan time"."""
    local = start.astimezone(event.tzinfo)
    return _("%(date)s, %(times)s") % {
        "date": format_date(local.date(), lang, "weekday"),
        "times": slot_times(start, event=event, lang=lang, other_zones=other_zones),
    }


def slot_value(start: dt.datetime, *, event: Event) -> str:
    """The form value of a slot: its start in the event's zone, "2024-11-12T10:00"."""
    return start.astimezone(event.tzinfo).strftime("%Y-%m-%dT%H:%M")
