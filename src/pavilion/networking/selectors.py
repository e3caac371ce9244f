"""Reads for the networking area: tables, opening hours, and which slots are taken.

Slots are computed, not stored: a venue's opening hours on a day, cut into
30-minute pieces in the event's zone. Each reader costs a fixed number of
queries whatever the number of tables, days or bookings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from pavilion.programme.models import Event, Venue

from .models import (
    DEFAULT_CLOSES,
    DEFAULT_OPENS,
    SLOT_LENGTH,
    NetworkingTable,
    OpeningHours,
    TableBooking,
)

FREE = "free"
REQUESTED = "requested"
BOOKED = "booked"
CLOSED = "closed"

# venue id → {day: (opens, closes)}, or None when the venue keeps the default hours.
HoursMap = dict[int, dict[dt.date, tuple[dt.time, dt.time]] | None]


@dataclass(frozen=True, slots=True)
class SlotState:
    """One 30-minute slot of one table: free, requested or booked. No personal data."""

    start: dt.datetime
    state: str
    requests: int
    is_past: bool

    @property
    def end(self) -> dt.datetime:
        return self.start + SLOT_LENGTH

    @property
    def can_request(self) -> bool:
        return not self.is_past and self.state in (FREE, REQUESTED)


@dataclass(frozen=True, slots=True)
class GridRow:
    start: dt.datetime
    cells: tuple[SlotState | None, ...]  # one per table, None where the table is closed


@dataclass(frozen=True, slots=True)
class DayGrid:
    day: dt.date
    tables: tuple[NetworkingTable, ...]
    rows: tuple[GridRow, ...]


def event_tables(*, event: Event) -> list[NetworkingTable]:
    """The active tables of an event's venues, venue by venue, in their order."""
    return list(
        NetworkingTable.objects.filter(venue__event=event, is_active=True)
        .select_related("venue")
        .order_by("venue__order", "venue_id", "order", "name_en", "id")
    )


def active_tables_queryset(*, event: Event) -> QuerySet[NetworkingTable]:
    return NetworkingTable.objects.filter(venue__event=event, is_active=True).select_related(
        "venue"
    )


def hours_map(*, venue_ids: Iterable[int]) -> HoursMap:
    """Every opening-hours row of these venues, in one query."""
    ids = set(venue_ids)
    result: HoursMap = dict.fromkeys(ids)
    rows = OpeningHours.objects.filter(venue_id__in=ids).values_list(
        "venue_id", "date", "opens", "closes"
    )
    for venue_id, day, opens, closes in rows:
        days = result.get(venue_id) or {}
        days[day] = (opens, closes)
        result[venue_id] = days
    return result


def hours_on(
    *, event: Event, venue_id: int, day: dt.date, hours: HoursMap
) -> tuple[dt.time, dt.time] | None:
    """(opens, closes) on that day in the event's zone, or None when closed."""
    if not (event.start_date <= day <= event.end_date):
        return None
    days = hours.get(venue_id)
    if days is None:
        return DEFAULT_OPENS, DEFAULT_CLOSES
    return days.get(day)


def slot_starts(
    *, event: Event, day: dt.date, opening: tuple[dt.time, dt.time] | None
) -> list[dt.datetime]:
    """The starts of the 30-minute slots between opening and closing, as aware UTC times."""
    if opening is None:
        return []
    tz = event.tzinfo
    opens, closes = opening
    start = dt.datetime.combine(day, opens, tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day, closes, tzinfo=tz).astimezone(dt.UTC)
    starts = []
    while start + SLOT_LENGTH <= end:
        starts.append(start)
        start += SLOT_LENGTH
    return starts


def venue_slot_starts(*, venue: Venue, day: dt.date) -> list[dt.datetime]:
    """A venue's slots on one day (one query for its opening hours)."""
    event = venue.event
    hours = hours_map(venue_ids=[venue.pk])
    return slot_starts(
        event=event, day=day, opening=hours_on(event=event, venue_id=venue.pk, day=day, hours=hours)
    )


def local_day(*, event: Event, moment: dt.datetime) -> dt.date:
    return moment.astimezone(event.tzinfo).date()


def open_days(*, event: Event, venue_ids: Iterable[int], hours: HoursMap) -> list[dt.date]:
    """The event's days on which at least one of these venues is open."""
    ids = list(venue_ids)
    return [
        day
        for day in event.days()
        if any(hours_on(event=event, venue_id=v, day=day, hours=hours) for v in ids)
    ]


def tables_day_slots(
    *,
    event: Event,
    tables: list[NetworkingTable],
    day: dt.date,
    hours: HoursMap | None = None,
    now: dt.datetime | None = None,
) -> dict[int, list[SlotState]]:
    """Free, requested and booked slots of each table on a day (two queries at most)."""
    now = now or timezone.now()
    if hours is None:
        hours = hours_map(venue_ids={t.venue_id for t in tables})
    starts_by_table = {
        t.pk: slot_starts(
            event=event,
            day=day,
            opening=hours_on(event=event, venue_id=t.venue_id, day=day, hours=hours),
        )
        for t in tables
    }
    every_start = [s for starts in starts_by_table.values() for s in starts]
    taken: dict[tuple[int, dt.datetime], list[str]] = {}
    if every_start:
        rows = TableBooking.objects.filter(
            table_id__in=list(starts_by_table),
            slot_start__gte=min(every_start),
            slot_start__lte=max(every_start),
            status__in=TableBooking.OPEN_STATUSES,
        ).values_list("table_id", "slot_start", "status")
        for table_id, start, status in rows:
            taken.setdefault((table_id, start), []).append(status)
    result: dict[int, list[SlotState]] = {}
    for table_id, starts in starts_by_table.items():
        states = []
        for start in starts:
            statuses = taken.get((table_id, start), [])
            requests = statuses.count(TableBooking.Status.REQUESTED)
            if TableBooking.Status.CONFIRMED in statuses:
                state = BOOKED
            elif requests:
                state = REQUESTED
            else:
                state = FREE
            states.append(SlotState(start, state, requests, start <= now))
        result[table_id] = states
    return result


def table_day_slots(
    *, table: NetworkingTable, day: dt.date, now: dt.datetime | None = None
) -> list[SlotState]:
    """One table's slots on one day."""
    event = table.venue.event
    return tables_day_slots(event=event, tables=[table], day=day, now=now)[table.pk]


def day_grid(
    *,
    event: Event,
    tables: list[NetworkingTable],
    day: dt.date,
    hours: HoursMap,
    now: dt.datetime | None = None,
) -> DayGrid:
    """Rows of slot times, a cell per table (None where that table's venue is closed)."""
    slots = tables_day_slots(event=event, tables=tables, day=day, hours=hours, now=now)
    by_start: dict[dt.datetime, dict[int, SlotState]] = {}
    for table_id, states in slots.items():
        for state in states:
            by_start.setdefault(state.start, {})[table_id] = state
    rows = tuple(
        GridRow(start, tuple(by_start[start].get(t.pk) for t in tables))
        for start in sorted(by_start)
    )
    return DayGrid(day=day, tables=tuple(tables), rows=rows)


def requestable_slots(
    *,
    event: Event,
    tables: list[NetworkingTable],
    hours: HoursMap,
    now: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Every future slot start at which at least one of these tables' venues is open."""
    now = now or timezone.now()
    venue_ids = {t.venue_id for t in tables}
    starts: set[dt.datetime] = set()
    for day in event.days():
        for venue_id in venue_ids:
            opening = hours_on(event=event, venue_id=venue_id, day=day, hours=hours)
            starts.update(s for s in slot_starts(event=event, day=day, opening=opening) if s > now)
    return sorted(starts)


def booking_for_thanks(*, pk: int) -> TableBooking | None:
    return TableBooking.objects.select_related("table__venue__event").filter(pk=pk).first()
