"""Factories of the membership tests: schedules with known figures, members."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from pavilion.membership.demo import BAND_BOUNDS, EUR_FLAT, eur_bands, jpy_bands, jpy_flat
from pavilion.membership.models import ELIGIBILITY, IncomeGroup, Member, OrganisationKind
from pavilion.membership.services import fee_schedule_create, member_prepare

_seq = itertools.count(1)


def eur_schedule(*, year: int = 2026, publish: bool = True, **extra):
    return fee_schedule_create(
        year=year,
        currency="EUR",
        name_en=f"Dues {year} EUR",
        name_ja=f"{year}年 会費 ユーロ",
        source_en="Test figures",
        bands=eur_bands(),
        flat_fees=EUR_FLAT,
        publish=publish,
        **extra,
    )


def jpy_schedule(*, year: int = 2026, publish: bool = True, **extra):
    return fee_schedule_create(
        year=year,
        currency="JPY",
        name_en=f"Dues {year} JPY",
        bands=jpy_bands(),
        flat_fees=jpy_flat(),
        publish=publish,
        **extra,
    )


def flat_schedule(*, currency: str, year: int = 2026, amounts: dict, publish=True, **extra):
    """One band for everyone, ``amounts`` per income group (no examples)."""
    return fee_schedule_create(
        year=year,
        currency=currency,
        bands=[(None, {g: (Decimal(a), False) for g, a in amounts.items()})],
        flat_fees={k: (Decimal(100), False) for k, _c in EUR_FLAT.items()},
        publish=publish,
        **extra,
    )


def member(**fields) -> Member:
    n = next(_seq)
    kind = fields.pop("kind", OrganisationKind.LOCAL_GOVERNMENT)
    values = {
        "slug": f"member-{n}",
        "name_en": f"Member {n}",
        "name_ja": f"会員{n}",
        "kind": kind,
        "category": ELIGIBILITY[kind],
        "country": "JP",
        "joined_on": dt.date(2020, 1, 1),
    }
    values.update(fields)
    obj = member_prepare(Member(**values))
    obj.full_clean()
    obj.save()
    return obj


__all__ = ["BAND_BOUNDS", "IncomeGroup", "eur_schedule", "flat_schedule", "jpy_schedule", "member"]
