"""Test data for billing: members, a published fee schedule and an income classification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from pavilion.membership.models import (
    BandAmount,
    Category,
    CountryIncome,
    FeeSchedule,
    FlatFee,
    IncomeGroup,
    IncomeSnapshot,
    Member,
    OrganisationKind,
    PopulationBand,
)

# The published EUR table for the highest income group, and the same bands in yen.
EUR_BANDS = [
    (50_000, "450"),
    (100_000, "900"),
    (200_000, "1310"),
    (300_000, "1680"),
    (500_000, "2060"),
    (750_000, "2620"),
    (1_000_000, "3370"),
    (2_000_000, "4300"),
    (4_000_000, "5240"),
    (None, "5985"),
]
JPY_BANDS = [
    (50_000, "72000"),
    (100_000, "144000"),
    (200_000, "210000"),
    (300_000, "270000"),
    (500_000, "330000"),
    (750_000, "420000"),
    (1_000_000, "540000"),
    (2_000_000, "690000"),
    (4_000_000, "840000"),
    (None, "960000"),
]


def snapshot_make(*, valid_from: dt.date | None = None) -> IncomeSnapshot:
    """An income classification in force from yesterday (so newer than any shipped one)."""
    valid_from = valid_from or dt.date.today() - dt.timedelta(days=1)
    snapshot = IncomeSnapshot.objects.create(
        title="World Bank income groups (test)",
        source="Test data",
        valid_from=valid_from,
    )
    CountryIncome.objects.bulk_create(
        [
            CountryIncome(snapshot=snapshot, country="JP", group=IncomeGroup.HIGH),
            CountryIncome(snapshot=snapshot, country="DE", group=IncomeGroup.HIGH),
            CountryIncome(snapshot=snapshot, country="IN", group=IncomeGroup.LOWER_MIDDLE),
        ]
    )
    return snapshot


def schedule_make(*, year: int, currency: str = "EUR", scale: str = "1") -> FeeSchedule:
    """A published schedule: the table above for every income group (lower groups pay
    half), a flat fee for associations and associates. ``scale`` multiplies every amount."""
    schedule = FeeSchedule.objects.create(
        year=year,
        currency=currency,
        name_en=f"Dues {year} ({currency})",
        name_ja=f"{year}年 会費（{currency}）",
        is_published=True,
    )
    factor = Decimal(scale)
    for upper, amount in EUR_BANDS if currency == "EUR" else JPY_BANDS:
        band = PopulationBand.objects.create(schedule=schedule, upper_bound=upper)
        for group in IncomeGroup.values:
            value = Decimal(amount) * factor
            if group != IncomeGroup.HIGH:
                value = value / 2
            BandAmount.objects.create(band=band, group=group, amount=value)
    flat = {"EUR": "2620", "JPY": "420000"}[currency]
    for kind in (
        OrganisationKind.NATIONAL_ASSOCIATION,
        OrganisationKind.SUBNATIONAL_ASSOCIATION,
        OrganisationKind.NGO,
        OrganisationKind.UNIVERSITY,
    ):
        FlatFee.objects.create(
            schedule=schedule, kind=kind, amount=Decimal(flat) * factor, is_example=True
        )
    return schedule


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    slug = factory.Sequence(lambda n: f"member-{n}")
    name_en = factory.Sequence(lambda n: f"City {n}")
    name_ja = factory.Sequence(lambda n: f"市 {n}")
    kind = OrganisationKind.LOCAL_GOVERNMENT
    category = Category.LOCAL_REGIONAL
    country = "DE"
    population = 80_000
    language = "en"
    currency = "EUR"
    contact_name = "Alex Example"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    billing_email = factory.Sequence(lambda n: f"billing{n}@example.org")
    joined_on = dt.date(2020, 1, 1)
