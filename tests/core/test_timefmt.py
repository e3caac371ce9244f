"""Times in the venue's zone and in Japan's, dates per language."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pavilion.core.timefmt import (
    format_date,
    format_date_range,
    format_local_time_range,
    is_valid_zone,
    join_ranges,
    undated_time_text,
    zone,
    zone_label,
    zoned_ranges,
)

BAKU = "Asia/Baku"
TOKYO = "Asia/Tokyo"
BELEM = "America/Belem"

# The Urban7 session: 16:30 in Baku on 12 November 2024 is 12:30 UTC.
URBAN7_START = dt.datetime(2024, 11, 12, 12, 30, tzinfo=dt.UTC)
URBAN7_END = URBAN7_START + dt.timedelta(hours=1)


def test_session_time_reads_baku_then_japan_in_english():
    ranges = zoned_ranges(URBAN7_START, URBAN7_END, BAKU, [TOKYO], "en")

    assert join_ranges(ranges, "en") == "16:30–17:30 Baku time · 21:30–22:30 Japan time"


def test_session_time_reads_baku_then_japan_in_japanese():
    ranges = zoned_ranges(URBAN7_START, URBAN7_END, BAKU, [TOKYO], "ja")

    assert join_ranges(ranges, "ja") == "16:30–17:30（アゼルバイジャン時間）21:30–22:30（日本時間）"


def test_venue_zone_comes_first_and_is_marked_primary():
    ranges = zoned_ranges(URBAN7_START, URBAN7_END, BAKU, [TOKYO], "en")

    assert [(r.zone, r.primary) for r in ranges] == [(BAKU, True), (TOKYO, False)]
    assert ranges[0].start == dt.datetime(2024, 11, 12, 16, 30, tzinfo=ZoneInfo(BAKU))
    assert ranges[1].start == dt.datetime(2024, 11, 12, 21, 30, tzinfo=ZoneInfo(TOKYO))


def test_japan_time_on_the_same_day_does_not_repeat_the_date():
    ranges = zoned_ranges(URBAN7_START, URBAN7_END, BAKU, [TOKYO], "en")

    assert ranges[1].other_day is False
    assert "Nov" not in ranges[1].text


def test_japan_date_is_shown_when_it_falls_on_the_next_day_in_english():
    start = dt.datetime(2025, 11, 12, 14, 0, tzinfo=ZoneInfo(BELEM))

    ranges = zoned_ranges(start, start + dt.timedelta(hours=1), BELEM, [TOKYO], "en")

    assert ranges[1].other_day is True
    assert ranges[1].text == "02:00–03:00 Japan time (Thu 13 Nov)"
    assert join_ranges(ranges, "en").startswith("14:00–15:00 Belem time · ")


def test_japan_date_is_shown_when_it_falls_on_the_next_day_in_japanese():
    start = dt.datetime(2025, 11, 12, 14, 0, tzinfo=ZoneInfo(BELEM))

    ranges = zoned_ranges(start, start + dt.timedelta(hours=1), BELEM, [TOKYO], "ja")

    assert ranges[1].text == "11月13日(木) 02:00–03:00（日本時間）"


def test_session_without_end_shows_only_its_start():
    ranges = zoned_ranges(URBAN7_START, None, BAKU, [TOKYO], "en")

    assert join_ranges(ranges, "en") == "16:30 Baku time · 21:30 Japan time"


def test_a_secondary_zone_equal_to_the_venue_zone_is_not_repeated():
    ranges = zoned_ranges(URBAN7_START, URBAN7_END, BAKU, [BAKU, TOKYO, TOKYO], "en")

    assert [r.zone for r in ranges] == [BAKU, TOKYO]


def test_time_with_unconfirmed_date_names_only_the_venue_zone():
    start, end = dt.time(14, 0), dt.time(15, 15)

    assert format_local_time_range(start, end, BAKU, "en") == "14:00–15:15 Baku time"
    assert format_local_time_range(start, end, BAKU, "ja") == "14:00–15:15（アゼルバイジャン時間）"


@pytest.mark.parametrize(
    ("style", "english", "japanese"),
    [
        ("short", "12 Nov 2024", "2024年11月12日"),
        ("weekday", "Tue 12 Nov 2024", "2024年11月12日(火)"),
        ("day", "Tue 12 Nov", "11月12日(火)"),
        ("long", "Tuesday 12 November 2024", "2024年11月12日(火曜日)"),
    ],
)
def test_dates_are_written_per_language_and_style(style, english, japanese):
    day = dt.date(2024, 11, 12)

    assert format_date(day, "en", style) == english
    assert format_date(day, "ja", style) == japanese


@pytest.mark.parametrize(
    ("start", "end", "english", "japanese"),
    [
        (dt.date(2024, 11, 11), dt.date(2024, 11, 22), "11–22 Nov 2024", "2024年11月11日～22日"),
        (
            dt.date(2024, 11, 28),
            dt.date(2024, 12, 2),
            "28 Nov – 2 Dec 2024",
            "2024年11月28日～12月2日",
        ),
        (
            dt.date(2024, 12, 28),
            dt.date(2025, 1, 2),
            "28 Dec 2024 – 2 Jan 2025",
            "2024年12月28日～2025年1月2日",
        ),
    ],
)
def test_date_ranges_name_shared_month_and_year_once(start, end, english, japanese):
    assert format_date_range(start, end, "en") == english
    assert format_date_range(start, end, "ja") == japanese


def test_venue_zone_is_named_by_its_city_and_others_by_their_country():
    assert zone_label(BAKU, "en", primary=True) == "Baku time"
    assert zone_label(TOKYO, "en") == "Japan time"
    assert zone_label(TOKYO, "ja") == "日本時間"


def test_known_iana_zones_are_valid():
    assert is_valid_zone(BAKU)
    assert is_valid_zone(TOKYO)
    assert is_valid_zone(BELEM)


@pytest.mark.parametrize("name", ["Mars/Olympus", "asia/baku", "UTC+4", ""])
def test_unknown_or_misspelt_zones_are_invalid(name):
    assert not is_valid_zone(name)


def test_unknown_zone_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")


# A time whose day is not confirmed


def test_undated_time_is_given_in_every_zone_whose_difference_never_changes():
    cop29 = (dt.date(2024, 11, 11), dt.date(2024, 11, 22))
    text = undated_time_text(
        dt.time(14, 0), dt.time(15, 15), "Asia/Baku", ["Asia/Tokyo"], cop29, "en"
    )
    assert text == "14:00–15:15 Baku time · 19:00–20:15 Japan time"
    japanese = undated_time_text(
        dt.time(14, 0), dt.time(15, 15), "Asia/Baku", ["Asia/Tokyo"], cop29, "ja"
    )
    assert "19:00–20:15（日本時間）" in japanese


def test_undated_time_says_when_it_falls_on_the_next_day_there():
    belem = (dt.date(2025, 11, 10), dt.date(2025, 11, 21))
    text = undated_time_text(
        dt.time(22, 0), dt.time(23, 0), "America/Belem", ["Asia/Tokyo"], belem, "en"
    )
    assert text.endswith("10:00–11:00 Japan time (next day)")


def test_undated_time_leaves_out_a_zone_whose_clocks_change_during_the_event():
    # Paris goes back an hour on 27 October 2024: its time depends on the day.
    days = (dt.date(2024, 10, 21), dt.date(2024, 10, 31))
    text = undated_time_text(
        dt.time(14, 0), None, "Asia/Baku", ["Europe/Paris", "Asia/Tokyo"], days, "en"
    )
    assert "France" not in text and "Paris" not in text
    assert text == "14:00 Baku time · 19:00 Japan time"
