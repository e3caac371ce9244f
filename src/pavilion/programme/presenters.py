"""Turning sessions into what a page shows: times in each zone, speakers by segment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.utils.translation import gettext as _

from pavilion.core.i18n import Translated
from pavilion.core.timefmt import (
    ZonedRange,
    format_date,
    join_ranges,
    undated_time_text,
    zoned_ranges,
)
from pavilion.pages.glossary import Footnoter

from .models import Event, Participation, Session


def display_zones(event: Event, viewer_zone: str = "") -> list[str]:
    zones = [z for z in event.secondary_timezones if z != event.timezone]
    if viewer_zone and viewer_zone != event.timezone and viewer_zone not in zones:
        zones.append(viewer_zone)
    return zones


@dataclass(slots=True)
class SessionCard:
    session: Session
    ranges: tuple[ZonedRange, ...] | None
    tbc_time: str
    title: Translated
    footnotes: list = field(default_factory=list)

    @property
    def time_text(self) -> str:
        if self.ranges:
            return join_ranges(self.ranges, self.ranges[0].lang)
        return self.tbc_time


def session_card(
    session: Session,
    *,
    event: Event,
    zones: list[str],
    lang: str,
    footnoter: Footnoter | None = None,
) -> SessionCard:
    title = session.tr("title", lang)
    if session.starts_at is not None:
        ranges = zoned_ranges(session.starts_at, session.ends_at, event.timezone, zones, lang)
        tbc = ""
    else:
        ranges = None
        tbc = (
            undated_time_text(
                session.tbc_start_time,
                session.tbc_end_time,
                event.timezone,
                zones,
                (event.start_date, event.end_date),
                lang,
            )
            if session.tbc_start_time
            else _("Time to be confirmed")
        )
    notes = footnoter.scan(title) if footnoter else []
    return SessionCard(session=session, ranges=ranges, tbc_time=tbc, title=title, footnotes=notes)


@dataclass(slots=True)
class DayGroup:
    date: dt.date | None
    label: str
    cards: list[SessionCard]

    @property
    def anchor(self) -> str:
        return f"day-{self.date.isoformat()}" if self.date else "day-tbc"


def group_by_day(cards: list[SessionCard], *, event: Event, lang: str) -> list[DayGroup]:
    """Sessions by their day in the venue's zone; unconfirmed dates last."""
    tz = event.tzinfo

    def day_of(card: SessionCard) -> dt.date | None:
        starts = card.session.starts_at
        return starts.astimezone(tz).date() if starts else None

    groups: list[DayGroup] = []
    dated = [c for c in cards if c.session.starts_at is not None]
    for day, items in groupby(dated, key=day_of):
        groups.append(DayGroup(date=day, label=format_date(day, lang, "long"), cards=list(items)))
    undated = [c for c in cards if c.session.starts_at is None]
    if undated:
        groups.append(DayGroup(date=None, label=_("Date to be confirmed"), cards=undated))
    return groups


@dataclass(slots=True)
class RoleGroup:
    role: str
    label: str
    participations: list[Participation]


@dataclass(slots=True)
class Segment:
    label: Translated | None
    roles: list[RoleGroup]


def speakers_by_segment(participations: list[Participation], lang: str) -> list[Segment]:
    """Consecutive participations with one segment label, then by role within it."""
    segments: list[Segment] = []
    for _key, items in groupby(participations, key=lambda p: (p.segment_en, p.segment_ja)):
        items = list(items)
        label = items[0].tr("segment", lang)
        roles: list[RoleGroup] = []
        for role, parts in groupby(items, key=lambda p: p.role):
            parts = list(parts)
            roles.append(
                RoleGroup(role=role, label=parts[0].get_role_display(), participations=parts)
            )
        segments.append(Segment(label=label or None, roles=roles))
    return segments
