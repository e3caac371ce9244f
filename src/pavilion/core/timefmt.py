"""Dates and times written per language, in several zones side by side.

Times are stored in UTC and converted here for display; nothing is built by
string arithmetic. Zone names come from the CLDR data in Babel, so that
Asia/Baku reads "アゼルバイジャン時間" in Japanese. In English the venue's zone
is named by its city ("Baku time"), the secondary zones by their country
("Japan time"), or country and city where a country has several zones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import get_timezone_location
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from .i18n import current_lang

DATE_PATTERNS = {
    # 12 Nov 2024 / 2024年11月12日(火)
    "en": {
        "short": "d MMM y",
        "weekday": "EEE d MMM y",
        "day": "EEE d MMM",
        "long": "EEEE d MMMM y",
    },
    "ja": {
        "short": "y年M月d日",
        "weekday": "y年M月d日(E)",
        "day": "M月d日(E)",
        "long": "y年M月d日(EEEE)",
    },
}
TIME_FORMAT = "%H:%M"


@lru_cache(maxsize=1)
def _all_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_zone(name: str) -> bool:
    return name in _all_zones()


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(name) from exc


@lru_cache(maxsize=512)
def zone_label(name: str, lang: str, *, primary: bool = False) -> str:
    """How a zone is named in running text: "Baku time", "日本時間"."""
    if lang == "ja":
        return get_timezone_location(name, locale="ja")
    if primary:
        city = get_timezone_location(name, locale="en", return_city=True)
        with override("en"):
            return _("%(place)s time") % {"place": city}
    location = get_timezone_location(name, locale="en")
    if location.endswith(" Time"):
        location = location[: -len(" Time")]
    with override("en"):
        return _("%(place)s time") % {"place": location}


@lru_cache(maxsize=4096)
def format_date(value: dt.date, lang: str, style: str = "weekday") -> str:
    pattern = DATE_PATTERNS.get(lang, DATE_PATTERNS["en"])[style]
    return babel_format_date(value, pattern, locale=_locale(lang))


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def format_date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """11–22 Nov 2024 / 2024年11月11日～22日."""
    if lang == "ja":
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.year}年{start.month}月{start.day}日～{end.day}日"
        if start.year == end.year:
            return f"{start.year}年{start.month}月{start.day}日～{end.month}月{end.day}日"
        return f"{format_date(start, lang, 'short')}～{format_date(end, lang, 'short')}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, lang, 'short')}"
    if start.year == end.year:
        return f"{start.day} {format_date(start, lang, 'short').split(' ')[1]} – {format_date(end, lang, 'short')}"
    return f"{format_date(start, lang, 'short')} – {format_date(end, lang, 'short')}"


@dataclass(frozen=True, slots=True)
class ZonedRange:
    """One session's time in one zone."""

    zone: str
    label: str
    start: dt.datetime
    end: dt.datetime | None
    primary: bool
    other_day: bool  # falls on another calendar day than in the venue's zone
    lang: str

    @property
    def times(self) -> str:
        if self.end is None:
            return self.start.strftime(TIME_FORMAT)
        return f"{self.start.strftime(TIME_FORMAT)}–{self.end.strftime(TIME_FORMAT)}"

    @property
    def date(self) -> str:
        return format_date(self.start.date(), self.lang, "day")

    @property
    def full_date(self) -> str:
        return format_date(self.start.date(), self.lang, "weekday")

    @property
    def text(self) -> str:
        """16:30–17:30 Baku time / 21:30–22:30（日本時間）, with the date if another day."""
        if self.lang == "ja":
            core = f"{self.times}（{self.label}）"
            return f"{self.date} {core}" if self.other_day else core
        core = f"{self.times} {self.label}"
        return f"{core} ({self.date})" if self.other_day else core


def zoned_ranges(
    start: dt.datetime,
    end: dt.datetime | None,
    primary_zone: str,
    other_zones: list[str] | tuple[str, ...],
    lang: str,
) -> tuple[ZonedRange, ...]:
    """The range in the venue's zone, then in each other zone, each named.

    Many sessions share a slot (every venue's 10:00), so results are memoised;
    ZonedRange is immutable, so sharing them is safe."""
    return _zoned_ranges(start, end, primary_zone, tuple(other_zones), lang)


@lru_cache(maxsize=8192)
def _zoned_ranges(
    start: dt.datetime,
    end: dt.datetime | None,
    primary_zone: str,
    other_zones: tuple[str, ...],
    lang: str,
) -> tuple[ZonedRange, ...]:
    primary_start = start.astimezone(zone(primary_zone))
    ranges = [
        ZonedRange(
            zone=primary_zone,
            label=zone_label(primary_zone, lang, primary=True),
            start=primary_start,
            end=end.astimezone(zone(primary_zone)) if end else None,
            primary=True,
            other_day=False,
            lang=lang,
        )
    ]
    seen = {primary_zone}
    for name in other_zones:
        if name in seen:
            continue
        seen.add(name)
        local_start = start.astimezone(zone(name))
        ranges.append(
            ZonedRange(
                zone=name,
                label=zone_label(name, lang),
                start=local_start,
                end=end.astimezone(zone(name)) if end else None,
                primary=False,
                other_day=local_start.date() != primary_start.date(),
                lang=lang,
            )
        )
    return tuple(ranges)


def join_ranges(ranges: tuple[ZonedRange, ...] | list[ZonedRange], lang: str) -> str:
    separator = "" if lang == "ja" else " · "
    return separator.join(r.text for r in ranges)


def format_local_time_range(start: dt.time, end: dt.time | None, zone_name: str, lang: str) -> str:
    """A time whose date is not confirmed: only the venue's zone can be named."""
    times = start.strftime(TIME_FORMAT) + (f"–{end.strftime(TIME_FORMAT)}" if end else "")
    label = zone_label(zone_name, lang, primary=True)
    return f"{times}（{label}）" if lang == "ja" else f"{times} {label}"


def undated_time_text(
    start: dt.time,
    end: dt.time | None,
    primary_zone: str,
    other_zones: list[str] | tuple[str, ...],
    days: tuple[dt.date, dt.date],
    lang: str,
) -> str:
    """A time whose date is not confirmed, in the venue's zone and in each other zone
    whose difference from it is the same on every day of the event (``days``: first
    and last), so that the time there is certain whichever day it turns out to be:
    "14:00–15:15 Baku time · 19:00–20:15 Japan time". A zone whose clocks change
    during the event is left out; a time on the next or the previous day says so."""
    parts = [format_local_time_range(start, end, primary_zone, lang)]
    seen = {primary_zone}
    for name in other_zones:
        if name in seen:
            continue
        seen.add(name)
        there = _same_time_every_day(start, primary_zone, name, days)
        if there is None:
            continue
        local_start, day_shift = there
        times = local_start.strftime(TIME_FORMAT)
        if end:
            local_end, _shift = _same_time_every_day(end, primary_zone, name, days) or (None, 0)
            if local_end is None:
                continue
            times += f"–{local_end.strftime(TIME_FORMAT)}"
        label = zone_label(name, lang)
        text = f"{times}（{label}）" if lang == "ja" else f"{times} {label}"
        if day_shift:
            text += _day_shift_note(day_shift, lang)
        parts.append(text)
    return ("" if lang == "ja" else " · ").join(parts)


def _day_shift_note(shift: int, lang: str) -> str:
    if lang == "ja":
        return "（翌日）" if shift > 0 else "（前日）"
    return " (next day)" if shift > 0 else " (previous day)"


@lru_cache(maxsize=1024)
def _same_time_every_day(
    time: dt.time, primary_zone: str, other: str, days: tuple[dt.date, dt.date]
) -> tuple[dt.time, int] | None:
    """The wall time in ``other`` of ``time`` in ``primary_zone``, with the day shift,
    if it is the same on every day from ``days[0]`` to ``days[1]``; else None."""
    first, last = days
    found = None
    day = first
    while day <= last:
        instant = dt.datetime.combine(day, time, tzinfo=zone(primary_zone)).astimezone(zone(other))
        value = (instant.time().replace(tzinfo=None), (instant.date() - day).days)
        if found is None:
            found = value
        elif value != found:
            return None
        day += dt.timedelta(days=1)
    return found


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped when the clocks go forward."""


class AmbiguousLocalTime(ValueError):
    """The wall-clock time happens twice when the clocks go back."""


def local_to_utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall-clock time in ``tz``.

    Raises ``NonexistentLocalTime`` for a time in a daylight-saving gap (turning
    it into UTC and back does not give the same wall time) and
    ``AmbiguousLocalTime`` for one in a fold (``fold=0`` and ``fold=1`` give
    different offsets).
    """
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive.isoformat())
    if first.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        raise AmbiguousLocalTime(naive.isoformat())
    return utc


def venue_time_to_utc(day: dt.date, time: dt.time, zone_name: str) -> dt.datetime:
    """``local_to_utc`` for a time staff typed in the event's zone: a time the clocks
    skip or repeat is a ``ValidationError`` that says so, in the active language."""
    params = {
        "time": time.strftime("%H:%M"),
        "date": format_date(day, current_lang(), "long"),
        "zone": zone_name,
    }
    try:
        return local_to_utc(day, time, zone(zone_name))
    except NonexistentLocalTime:
        message = _(
            "%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward at that "
            "moment. Choose another time."
        )
    except AmbiguousLocalTime:
        message = _(
            "%(time)s happens twice on %(date)s in %(zone)s, because the clocks go back at "
            "that moment, so it cannot be told which one is meant. Choose another time."
        )
    raise ValidationError(message % params, code="invalid_local_time")
