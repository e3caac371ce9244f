"""Reads of the membership app: member counts (the figures the site states), the
public directory, the rates table.

Member counts
-------------
A member counts while it is current: ``ended_on`` empty or after today. The counts
are computed from the data in one query, kept in the shared cache (so every app
server states the same figure) and dropped whenever a member is saved or deleted
(signals in ``apps.py``). The cached value remembers the day it was computed for,
so a membership that ends at midnight stops counting the next day. Bulk updates
(``QuerySet.update``) bypass the signals: call ``member_counts_forget()`` after one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .countries import country_name, region_name
from .fees import number, schedule_bands
from .models import (
    ELIGIBILITY,
    BandAmount,
    Category,
    FeeSchedule,
    FlatFee,
    IncomeGroup,
    Member,
    OrganisationKind,
)

COUNTS_CACHE_KEY = "pavilion:membership:member-counts:v1"
COUNTS_CACHE_SECONDS = 24 * 3600

# The phrase's categories: the keys ``member_count`` and ``members_phrase`` accept.
PHRASE_KEYS = ("total", "local_regional", "association", "associate")


@dataclass(frozen=True)
class MemberCounts:
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    local_regional: int = 0
    by_country: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)

    def get(self, key: str) -> int:
        if key == "total":
            return self.total
        if key == "local_regional":
            return self.local_regional
        return self.by_category.get(key, 0)


def current_members(*, today: dt.date | None = None) -> QuerySet[Member]:
    today = today or timezone.localdate()
    return Member.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def _compute_counts(today: dt.date) -> MemberCounts:
    rows = (
        current_members(today=today)
        .values("category", "country", "region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_category: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    for row in rows:
        by_category[row["category"]] += row["n"]
        by_country[row["country"]] += row["n"]
        if row["region"]:
            by_region[row["region"]] += row["n"]
    return MemberCounts(
        total=sum(by_category.values()),
        by_category=dict(by_category),
        local_regional=by_category.get(Category.LOCAL_REGIONAL, 0),
        by_country=dict(by_country),
        by_region=dict(by_region),
    )


def member_counts(*, today: dt.date | None = None) -> MemberCounts:
    """How many current members there are: in all, by category, country and region.

    ``local_regional`` counts local and regional governments (the full members)."""
    today = today or timezone.localdate()
    cached = cache.get(COUNTS_CACHE_KEY)
    if cached is not None and cached[0] == today.isoformat():
        return cached[1]
    counts = _compute_counts(today)
    cache.set(COUNTS_CACHE_KEY, (today.isoformat(), counts), COUNTS_CACHE_SECONDS)
    return counts


def member_counts_forget() -> None:
    cache.delete(COUNTS_CACHE_KEY)


def round_down(value: int) -> int:
    """A round figure not above ``value``: 2,637 → 2,500; 1,499 → 1,000; 730 → 700;
    below 100 the exact number."""
    if value < 100:
        return value
    if value < 1000:
        return value // 100 * 100
    if value < 10_000:
        return value // 500 * 500
    return value // 1000 * 1000


def members_phrase(category: str, lang: str, *, today: dt.date | None = None) -> str:
    """ "more than 2,500 local and regional governments" / 「2,500以上の自治体」.

    The figure is the current count rounded down to a round number; below 100 it is
    the exact count ("42 local and regional governments")."""
    count = member_counts(today=today).get(category)
    rounded = round_down(count)
    with translation.override(lang):
        figure = number(rounded, lang)
        exact = rounded == count
        if category == "local_regional":
            if exact:
                return ngettext(
                    "%(count)s local and regional government",
                    "%(count)s local and regional governments",
                    count,
                ) % {"count": figure}
            return _("more than %(count)s local and regional governments") % {"count": figure}
        if category == Category.ASSOCIATION:
            if exact:
                return ngettext(
                    "%(count)s association of local governments",
                    "%(count)s associations of local governments",
                    count,
                ) % {"count": figure}
            return _("more than %(count)s associations of local governments") % {"count": figure}
        if category == Category.ASSOCIATE:
            if exact:
                return ngettext(
                    "%(count)s associate partner", "%(count)s associate partners", count
                ) % {"count": figure}
            return _("more than %(count)s associate partners") % {"count": figure}
        if exact:
            return ngettext("%(count)s member", "%(count)s members", count) % {"count": figure}
        return _("more than %(count)s members") % {"count": figure}


# The directory


def directory_members(
    *, country: str = "", region: str = "", category: str = "", today: dt.date | None = None
) -> QuerySet[Member]:
    """Listed current members, filtered; only public fields are read."""
    qs = current_members(today=today).filter(is_listed=True)
    if country:
        qs = qs.filter(country=country)
    if region:
        qs = qs.filter(region=region)
    if category:
        qs = qs.filter(category=category)
    return qs.only(
        "slug",
        "name_en",
        "name_ja",
        "kind",
        "category",
        "country",
        "region",
        "locality_en",
        "locality_ja",
        "website",
        "joined_on",
        "is_example",
    ).order_by("country", "name_en", "name_ja")


def counts_table(counts: MemberCounts, lang: str) -> dict[str, list[tuple[str, str, int]]]:
    """The counts for display: lists of (code, name, count) sorted by name."""

    def rows(mapping: dict[str, int], name) -> list[tuple[str, str, int]]:
        return sorted(((code, name(code), n) for code, n in mapping.items()), key=lambda r: r[1])

    with translation.override(lang):
        categories = [
            (c.value, str(c.label), counts.by_category.get(c.value, 0))
            for c in Category
            if counts.by_category.get(c.value)
        ]
    return {
        "category": categories,
        "country": rows(counts.by_country, lambda c: country_name(c, lang)),
        "region": rows(counts.by_region, lambda c: region_name(c, lang)),
    }


# The rates table


@dataclass(frozen=True)
class RatesTable:
    schedule: FeeSchedule
    bands: list[dict]  # {"lower", "upper", "amounts": {group: BandAmount}}
    groups: list[IncomeGroup]
    flat_fees: list[FlatFee]
    discounts: list
    has_example: bool


def rates_table(*, schedule: FeeSchedule) -> RatesTable:
    """The schedule laid out for the rates page, in three queries."""
    amounts = BandAmount.objects.filter(band__schedule=schedule).select_related("band")
    by_band: dict[int, dict[str, BandAmount]] = {}
    for amount in amounts:
        by_band.setdefault(amount.band_id, {})[amount.group] = amount
    bands = [
        {"lower": lower, "upper": upper, "amounts": by_band.get(band.pk, {})}
        for band, lower, upper in schedule_bands(schedule)
    ]
    groups = [IncomeGroup.HIGH, IncomeGroup.UPPER_MIDDLE, IncomeGroup.LOWER_MIDDLE, IncomeGroup.LOW]
    order = {kind: i for i, kind in enumerate(ELIGIBILITY)}
    flat_fees = sorted(schedule.flat_fees.all(), key=lambda f: order.get(f.kind, 99))
    discounts = list(schedule.discounts.all())
    has_example = (
        any(a.is_example for a in amounts)
        or any(f.is_example for f in flat_fees)
        or any(d.is_example for d in discounts)
        or (schedule.admin_fee_percent is not None and schedule.admin_fee_is_example)
        or (schedule.minimum is not None and schedule.minimum_is_example)
        or (schedule.maximum is not None and schedule.maximum_is_example)
    )
    return RatesTable(
        schedule=schedule,
        bands=bands,
        groups=groups,
        flat_fees=flat_fees,
        discounts=discounts,
        has_example=has_example,
    )


def kind_label(kind: str) -> str:
    return str(OrganisationKind(kind).label)
