"""Demo data of the membership app: this year's fee schedules in EUR and JPY, and
about thirty invented example members.

Published figures (ICLEI's dues for the highest income group, see the research
notes in the product brief) are entered as they are; every other figure is an
example and flagged ``is_example``, so the pages mark it. ``demo_load`` is
idempotent: a second run creates nothing new.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from .models import ELIGIBILITY, FeeSchedule, IncomeGroup, Member, OrganisationKind
from .services import fee_schedule_create, member_create

H, UM, LM, L = (
    IncomeGroup.HIGH,
    IncomeGroup.UPPER_MIDDLE,
    IncomeGroup.LOWER_MIDDLE,
    IncomeGroup.LOW,
)
K = OrganisationKind

BAND_BOUNDS: tuple[int | None, ...] = (
    50_000,
    100_000,
    200_000,
    300_000,
    500_000,
    750_000,
    1_000_000,
    2_000_000,
    4_000_000,
    None,
)

# Published: ICLEI dues for local governments in high-income countries, in EUR.
EUR_HIGH = (450, 900, 1310, 1680, 2060, 2620, 3370, 4300, 5240, 5985)
# Published in yen: only the first and the last band are known to us.
JPY_HIGH_FIRST, JPY_HIGH_LAST = 72_000, 960_000
# The yen table's first figure is the euro's times 160; the example yen figures
# between use the same ratio, rounded to ¥1,000.
JPY_PER_EUR = 160
# Example share of the high-income fee paid in the other income groups.
GROUP_SHARE = {H: Decimal("1"), UM: Decimal("0.6"), LM: Decimal("0.35"), L: Decimal("0.15")}

EUR_FLAT = {
    K.NATIONAL_ASSOCIATION: (Decimal(2620), False),
    K.SUBNATIONAL_ASSOCIATION: (Decimal(1870), False),
    K.NGO: (Decimal(750), True),
    K.UNIVERSITY: (Decimal(750), True),
    K.GOVERNMENT_AGENCY: (Decimal(1500), True),
    K.RESEARCH_INSTITUTE: (Decimal(750), True),
}

SOURCE_EUR_EN = (
    "High-income figures for local governments and the association fees: ICLEI – Local "
    "Governments for Sustainability, published membership dues (EUR). Every other figure "
    "is an example."
)
SOURCE_EUR_JA = (
    "高所得国の自治体の会費と自治体連合の会費：イクレイ（ICLEI）が公表している会費（ユーロ）。"
    "その他の金額はすべて例です。"
)
SOURCE_JPY_EN = (
    "The first (¥72,000) and last (¥960,000) high-income figures: ICLEI's published dues in "
    "yen. Every other figure is an example derived from the EUR table."
)
SOURCE_JPY_JA = (
    "高所得国の最初の区分（72,000円）と最後の区分（960,000円）：イクレイが公表している円建ての"
    "会費。その他の金額はユーロの表から算出した例です。"
)

DISCOUNTS = (
    {
        "code": "shared-territory",
        "name_en": "Shared territory (a region and its member city)",
        "name_ja": "同一地域（地域とその域内の会員都市）",
        "percent": Decimal(20),
        "kinds": [K.LOCAL_GOVERNMENT, K.REGIONAL_GOVERNMENT],
        "is_example": True,
    },
)


def _round(value: Decimal, step: int) -> Decimal:
    return (value / step).quantize(Decimal(1)) * step


def eur_bands() -> list[tuple[int | None, dict[str, tuple[Decimal, bool]]]]:
    bands = []
    for bound, high in zip(BAND_BOUNDS, EUR_HIGH, strict=True):
        amounts = {H: (Decimal(high), False)}
        for group in (UM, LM, L):
            amounts[group] = (_round(Decimal(high) * GROUP_SHARE[group], 5), True)
        bands.append((bound, amounts))
    return bands


def jpy_bands() -> list[tuple[int | None, dict[str, tuple[Decimal, bool]]]]:
    bands = []
    last = len(BAND_BOUNDS) - 1
    for index, (bound, high) in enumerate(zip(BAND_BOUNDS, EUR_HIGH, strict=True)):
        if index == 0:
            top = (Decimal(JPY_HIGH_FIRST), False)
        elif index == last:
            top = (Decimal(JPY_HIGH_LAST), False)
        else:
            top = (_round(Decimal(high * JPY_PER_EUR), 1000), True)
        amounts = {H: top}
        for group in (UM, LM, L):
            amounts[group] = (_round(top[0] * GROUP_SHARE[group], 1000), True)
        bands.append((bound, amounts))
    return bands


def jpy_flat() -> dict[str, tuple[Decimal, bool]]:
    return {
        kind: (_round(amount * JPY_PER_EUR, 1000), True) for kind, (amount, _e) in EUR_FLAT.items()
    }


def demo_schedules(*, year: int) -> int:
    created = 0
    if not FeeSchedule.objects.filter(year=year, currency="EUR").exists():
        fee_schedule_create(
            year=year,
            currency="EUR",
            name_en=f"Membership dues {year} (EUR)",
            name_ja=f"{year}年 会費（ユーロ）",
            source_en=SOURCE_EUR_EN,
            source_ja=SOURCE_EUR_JA,
            bands=eur_bands(),
            flat_fees=EUR_FLAT,
            discounts=DISCOUNTS,
            publish=True,
        )
        created += 1
    if not FeeSchedule.objects.filter(year=year, currency="JPY").exists():
        fee_schedule_create(
            year=year,
            currency="JPY",
            name_en=f"Membership dues {year} (JPY)",
            name_ja=f"{year}年 会費（円）",
            source_en=SOURCE_JPY_EN,
            source_ja=SOURCE_JPY_JA,
            bands=jpy_bands(),
            flat_fees=jpy_flat(),
            discounts=DISCOUNTS,
            publish=True,
        )
        created += 1
    return created


# (English name, Japanese name, kind, country, population, listed)
EXAMPLE_MEMBERS: tuple[tuple[str, str, str, str, int | None, bool], ...] = (
    ("Example City of Northbay", "例：ノースベイ市", K.LOCAL_GOVERNMENT, "JP", 420_000, True),
    ("Example Town of Riverside", "例：リバーサイド町", K.LOCAL_GOVERNMENT, "JP", 38_000, True),
    ("Example Prefecture of Kawanishi", "例：川西県", K.REGIONAL_GOVERNMENT, "JP", 2_100_000, True),
    ("Example City of Lakeshore", "例：レイクショア市", K.LOCAL_GOVERNMENT, "KR", 980_000, True),
    ("Example City of Hillcrest", "例：ヒルクレスト市", K.LOCAL_GOVERNMENT, "IN", 3_500_000, True),
    (
        "Example Municipality of Greenvale",
        "例：グリーンベール市",
        K.LOCAL_GOVERNMENT,
        "ID",
        150_000,
        True,
    ),
    ("Example City of Sunport", "例：サンポート市", K.LOCAL_GOVERNMENT, "PH", 650_000, False),
    (
        "Example Region of Westmark",
        "例：ウェストマーク地域",
        K.REGIONAL_GOVERNMENT,
        "DE",
        5_200_000,
        True,
    ),
    (
        "Example City of Oldbridge",
        "例：オールドブリッジ市",
        K.LOCAL_GOVERNMENT,
        "DE",
        250_000,
        True,
    ),
    (
        "Example City of Clearwater",
        "例：クリアウォーター市",
        K.LOCAL_GOVERNMENT,
        "FR",
        95_000,
        True,
    ),
    (
        "Example Town of Stonefield",
        "例：ストーンフィールド町",
        K.LOCAL_GOVERNMENT,
        "IT",
        50_000,
        True,
    ),
    ("Example City of Northgate", "例：ノースゲート市", K.LOCAL_GOVERNMENT, "SE", 120_000, True),
    (
        "Example City of Eastwick",
        "例：イーストウィック市",
        K.LOCAL_GOVERNMENT,
        "PL",
        310_000,
        False,
    ),
    (
        "Example County of Fernshire",
        "例：ファーンシャー郡",
        K.REGIONAL_GOVERNMENT,
        "GB",
        800_000,
        True,
    ),
    ("Example City of Bayview", "例：ベイビュー市", K.LOCAL_GOVERNMENT, "US", 1_200_000, True),
    ("Example City of Maplewood", "例：メープルウッド市", K.LOCAL_GOVERNMENT, "CA", 180_000, True),
    (
        "Example City of Costa Verde",
        "例：コスタベルデ市",
        K.LOCAL_GOVERNMENT,
        "BR",
        2_600_000,
        True,
    ),
    ("Example City of Altamira", "例：アルタミラ市", K.LOCAL_GOVERNMENT, "MX", 450_000, True),
    (
        "Example Municipality of Los Pinos",
        "例：ロスピノス市",
        K.LOCAL_GOVERNMENT,
        "CO",
        75_000,
        True,
    ),
    ("Example City of Kilima", "例：キリマ市", K.LOCAL_GOVERNMENT, "KE", 700_000, True),
    ("Example City of Sahel Gate", "例：サヘルゲート市", K.LOCAL_GOVERNMENT, "SN", 300_001, True),
    (
        "Example Municipality of Cape Point",
        "例：ケープポイント市",
        K.LOCAL_GOVERNMENT,
        "ZA",
        4_000_001,
        True,
    ),
    (
        "Example City of Harbourside",
        "例：ハーバーサイド市",
        K.LOCAL_GOVERNMENT,
        "AU",
        500_000,
        True,
    ),
    (
        "Example City of Southern Cross",
        "例：サザンクロス市",
        K.LOCAL_GOVERNMENT,
        "NZ",
        210_000,
        True,
    ),
    (
        "Example National Association of Municipalities",
        "例：全国市町村協会",
        K.NATIONAL_ASSOCIATION,
        "JP",
        None,
        True,
    ),
    (
        "Example Association of Northern Towns",
        "例：北部町村協会",
        K.SUBNATIONAL_ASSOCIATION,
        "DE",
        None,
        True,
    ),
    ("Example Climate NGO", "例：気候NGO", K.NGO, "KE", None, True),
    ("Example University of Urban Studies", "例：都市研究大学", K.UNIVERSITY, "JP", None, True),
    (
        "Example National Environment Agency",
        "例：国立環境庁",
        K.GOVERNMENT_AGENCY,
        "BR",
        None,
        True,
    ),
    (
        "Example Institute for Local Energy",
        "例：地域エネルギー研究所",
        K.RESEARCH_INSTITUTE,
        "SE",
        None,
        True,
    ),
)


def demo_members(*, today: dt.date) -> int:
    created = 0
    for index, (name_en, name_ja, kind, country, population, listed) in enumerate(EXAMPLE_MEMBERS):
        slug = "example-" + slugify(name_en.removeprefix("Example "))
        if Member.objects.filter(slug=slug).exists():
            continue
        member_create(
            slug=slug,
            name_en=name_en,
            name_ja=name_ja,
            kind=kind,
            category=ELIGIBILITY[kind],
            country=country,
            population=population,
            population_year=today.year - 1 if population else None,
            population_source="Invented for the demo" if population else "",
            language="ja" if country == "JP" else "en",
            currency="JPY" if country == "JP" else "EUR",
            joined_on=today - dt.timedelta(days=90 + 97 * index),
            # example.org never receives mail: invoices and reminders can be tried safely.
            contact_email=f"{slug}@example.org",
            is_listed=listed,
            is_example=True,
        )
        created += 1
    return created


@transaction.atomic
def demo_load(*, today: dt.date) -> dict[str, int]:
    """This year's schedules and the example members; returns what it created."""
    return {
        "fee schedules": demo_schedules(year=today.year),
        "members": demo_members(today=today),
    }
