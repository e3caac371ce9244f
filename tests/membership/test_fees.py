"""The fee engine: bands at every edge, income groups, currencies, flat fees,
discounts, administration fee, floor and cap, rounding, the snapshot used, errors."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pavilion.membership.demo import EUR_HIGH, eur_bands, jpy_bands
from pavilion.membership.fees import fee_quote, fee_tables_read_once, money
from pavilion.membership.models import IncomeSnapshot, OrganisationKind
from pavilion.membership.services import income_snapshot_create

from .factories import BAND_BOUNDS, eur_schedule, flat_schedule, jpy_schedule

pytestmark = pytest.mark.django_db
LOCAL = OrganisationKind.LOCAL_GOVERNMENT
TODAY = dt.date(2026, 6, 1)


def quote(**kw):
    kw.setdefault("kind", LOCAL)
    kw.setdefault("country", "JP")
    kw.setdefault("currency", "EUR")
    kw.setdefault("today", TODAY)
    return fee_quote(**kw)


EDGES = [b for b in BAND_BOUNDS if b is not None]


@pytest.mark.parametrize("index", range(len(EDGES)))
def test_each_upper_bound_is_in_its_band_and_the_next_inhabitant_in_the_next(index):
    eur_schedule()
    edge = EDGES[index]
    at = quote(population=edge)
    after = quote(population=edge + 1)
    assert at.amount == Decimal(EUR_HIGH[index])
    assert after.amount == Decimal(EUR_HIGH[index + 1])
    assert at.band_label_en != after.band_label_en


def test_fifty_thousand_is_in_the_first_band_and_fifty_thousand_and_one_in_the_second():
    eur_schedule()
    first = quote(population=50_000)
    second = quote(population=50_001)
    assert (first.amount, second.amount) == (Decimal("450.00"), Decimal("900.00"))
    assert first.band_label_en == "Up to 50,000 inhabitants"
    assert second.band_label_en == "50,001–100,000 inhabitants"
    assert quote(population=4_000_001).band_label_en == "More than 4,000,000 inhabitants"
    assert quote(population=1).amount == Decimal("450.00")
    assert quote(population=10**10).amount == Decimal("5985.00")


@pytest.mark.parametrize(
    ("country", "group"), [("JP", "H"), ("CN", "UM"), ("IN", "LM"), ("ET", "L")]
)
@pytest.mark.parametrize("currency", ["EUR", "JPY"])
def test_every_income_group_in_both_currencies(country, group, currency):
    eur_schedule()
    jpy_schedule()
    table = eur_bands() if currency == "EUR" else jpy_bands()
    result = quote(country=country, population=150_000, currency=currency)
    expected, example = table[2][1][group]
    assert result.income_group == group
    assert result.amount == expected
    assert result.currency == currency
    assert result.is_example is example
    assert result.snapshot is not None


def test_published_yen_figures_are_not_examples_and_the_ones_between_are():
    jpy_schedule()
    first = quote(population=50_000, currency="JPY")
    last = quote(population=4_000_001, currency="JPY")
    middle = quote(population=500_000, currency="JPY")
    assert (first.amount, first.is_example) == (Decimal(72_000), False)
    assert (last.amount, last.is_example) == (Decimal(960_000), False)
    assert middle.is_example is True
    assert first.to_json()["amount"] == "72000"
    assert money(first.amount, "JPY", "ja") == "￥72,000"
    assert money(Decimal("450.00"), "EUR", "en") == "€450"


def test_published_euro_high_income_figures_are_not_examples():
    eur_schedule()
    assert quote(population=300_000).is_example is False
    assert quote(population=300_000, country="CN").is_example is True


def test_associations_pay_a_flat_fee_without_income_group_or_snapshot():
    eur_schedule()
    national = quote(kind=OrganisationKind.NATIONAL_ASSOCIATION, country="ET", population=None)
    assert national.amount == Decimal("2620.00")
    assert national.snapshot is None and national.income_group is None
    assert national.band_label_en is None
    assert national.is_example is False
    sub = quote(kind=OrganisationKind.SUBNATIONAL_ASSOCIATION, country="JP", population=None)
    assert sub.amount == Decimal("1870.00")


@pytest.mark.parametrize(
    "kind",
    [
        OrganisationKind.NGO,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.GOVERNMENT_AGENCY,
        OrganisationKind.RESEARCH_INSTITUTE,
    ],
)
def test_each_associate_partner_kind_pays_its_flat_fee_marked_as_example(kind):
    eur_schedule()
    result = quote(kind=kind, population=None)
    assert result.amount > 0
    assert result.is_example is True
    assert any("example" in r for r in result.reasons_en)


def test_a_discount_takes_its_percentage_of_the_base_fee_and_is_listed():
    eur_schedule(
        discounts=[
            {
                "code": "shared",
                "name_en": "Shared territory",
                "name_ja": "同一地域",
                "percent": Decimal(20),
                "kinds": [LOCAL],
            },
            {"code": "ngo-only", "name_en": "NGO", "percent": Decimal(50), "kinds": ["ngo"]},
        ]
    )
    result = quote(population=40_000, discount_codes=["shared"])
    assert result.amount == Decimal("360.00")
    assert [line.amount for line in result.lines] == [Decimal("450.00"), Decimal("-90.00")]
    assert "Shared territory" in result.lines[1].label_en
    assert "同一地域" in result.lines[1].label_ja
    assert any("Shared territory" in r and "20%" in r for r in result.reasons_en)
    # A discount for another kind changes nothing and says so.
    other = quote(population=40_000, discount_codes=["ngo-only"])
    assert other.amount == Decimal("450.00")
    assert any("does not apply" in r for r in other.reasons_en)
    with pytest.raises(ValidationError) as error:
        quote(population=40_000, discount_codes=["nope"])
    assert "discount_codes" in error.value.message_dict


def test_administration_fee_is_added_on_top():
    eur_schedule(admin_fee_percent=Decimal(10))
    result = quote(population=40_000)
    assert result.amount == Decimal("495.00")
    assert result.lines[-1].amount == Decimal("45.00")
    assert "10%" in result.lines[-1].label_en


def test_floor_raises_and_cap_lowers_the_fee():
    eur_schedule(minimum=Decimal(500), maximum=Decimal(5000), maximum_is_example=True)
    low = quote(population=10)
    assert low.amount == Decimal("500.00")
    assert low.lines[-1].amount == Decimal("50.00")
    assert low.is_example is False
    high = quote(population=9_000_000)
    assert high.amount == Decimal("5000.00")
    assert high.lines[-1].amount == Decimal("-985.00")
    assert high.is_example is True


def test_floor_and_cap_come_before_the_administration_fee():
    eur_schedule(minimum=Decimal(500), admin_fee_percent=Decimal(10))
    assert quote(population=10).amount == Decimal("550.00")


def test_yen_rounds_to_whole_yen_half_up():
    flat_schedule(
        currency="JPY", amounts={"H": 1010, "UM": 1, "LM": 1, "L": 1}, admin_fee_percent=Decimal(5)
    )
    result = quote(population=5, currency="JPY")
    assert result.lines[-1].amount == Decimal(51)  # 50.5 → 51
    assert result.amount == Decimal(1061)
    assert result.amount.as_tuple().exponent == 0


def test_euro_rounds_to_cents_half_up():
    flat_schedule(
        currency="EUR",
        amounts={"H": "33.35", "UM": 1, "LM": 1, "L": 1},
        discounts=[{"code": "d", "name_en": "D", "percent": Decimal(10)}],
    )
    result = quote(population=5, discount_codes=["d"])
    assert result.lines[1].amount == Decimal("-3.34")  # 3.335 → 3.34
    assert result.amount == Decimal("30.01")
    assert sum(line.amount for line in result.lines) == result.amount


def test_the_snapshot_in_force_on_the_day_is_recorded():
    eur_schedule()
    shipped = IncomeSnapshot.objects.get(is_shipped=True)
    newer = income_snapshot_create(
        title="FY2026", source="test", valid_from=dt.date(2025, 7, 1), groups={"JP": "UM"}
    )
    income_snapshot_create(
        title="FY2027", source="test", valid_from=dt.date(2026, 7, 1), groups={"JP": "L"}
    )
    before = quote(population=100, year=2026, today=dt.date(2025, 6, 30))
    assert before.snapshot == shipped
    assert before.income_group == "H"
    result = quote(population=100)
    assert result.snapshot == newer
    assert result.income_group == "UM"
    assert result.to_json()["snapshot"]["id"] == newer.pk
    assert any("FY2026" in r for r in result.reasons_en)


def test_year_none_means_the_latest_published_year_not_after_today():
    eur_schedule(year=2025)
    eur_schedule(year=2026, publish=False)
    eur_schedule(year=2027)
    assert quote(population=10).year == 2025
    assert quote(population=10, year=2027).year == 2027
    with pytest.raises(ValidationError) as error:
        quote(population=10, year=2026)
    assert "2026" in error.value.message_dict["currency"][0]


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"country": "XX"}, "country", "not a country"),
        ({"country": ""}, "country", "Choose a country"),
        ({"population": None}, "population", "Give the population"),
        ({"population": -5}, "population", "cannot be negative"),
        ({"kind": OrganisationKind.BUSINESS}, "kind", "sponsor"),
        ({"kind": OrganisationKind.OTHER}, "kind", "cannot join"),
        ({"kind": "spaceship"}, "kind", "from the list"),
        ({"currency": "USD"}, "currency", "no published fee schedule in USD"),
        ({"country": "VE"}, "country", "no income group for Venezuela"),
    ],
)
def test_bad_input_raises_field_errors(kw, field, words):
    eur_schedule()
    kw.setdefault("population", 1000)
    with pytest.raises(ValidationError) as error:
        quote(**kw)
    messages = error.value.message_dict[field]
    assert any(words in m for m in messages), messages


def test_several_errors_come_together():
    with pytest.raises(ValidationError) as error:
        quote(country="XX", population=-1, currency="GBP")
    assert set(error.value.message_dict) == {"country", "population", "currency"}


def test_to_json_is_json_with_amounts_as_strings_and_both_languages():
    eur_schedule()
    data = json.loads(json.dumps(quote(population=120_000).to_json()))
    assert data["amount"] == "1310.00"
    assert data["currency"] == "EUR"
    assert data["schedule"]["name_en"] == "Dues 2026 EUR"
    assert data["snapshot"]["valid_from"] == "2023-07-01"
    assert data["lines"][0]["amount"] == "1310.00"
    assert any("日本" in r for r in data["reasons_ja"])
    # The shipped classification is named in each language.
    assert any("World Bank income groups, fiscal year 2024" in r for r in data["reasons_en"])
    assert any("世界銀行の所得グループ分類（2024会計年度）" in r for r in data["reasons_ja"])
    assert data["snapshot"]["title_ja"] == "世界銀行の所得グループ分類（2024会計年度）"
    assert data["amount_display"] == {"en": "€1,310", "ja": "€1,310"}


def test_a_run_of_quotes_reads_the_fee_tables_once_and_gives_the_same_fees(
    django_assert_max_num_queries,
):
    eur_schedule()
    cases = [
        {"country": country, "population": population, "kind": kind}
        for country in ("JP", "KE", "DE")
        for population in (50_000, 50_001, 2_000_000)
        for kind in ("local_government", "regional_government")
    ] + [{"country": "JP", "population": None, "kind": "ngo"}] * 3
    alone = [quote(**case).to_json() for case in cases]

    # schedule, classification, every country's group, two band tables, one flat fee
    with django_assert_max_num_queries(6), fee_tables_read_once():
        in_a_run = [quote(**case).to_json() for case in cases]

    assert in_a_run == alone
