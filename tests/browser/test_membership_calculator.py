"""End to end in headless Chromium: the fee calculator answers as the visitor types."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pavilion.membership.fees import snapshot_in_force
from pavilion.membership.services import income_snapshot_create
from tests.membership.factories import eur_schedule, jpy_schedule


@pytest.fixture
def schedules(transactional_db):
    if snapshot_in_force() is None:  # a transactional test before this one emptied it
        income_snapshot_create(
            title="Test classification",
            title_ja="テスト用の分類",
            source="Test data",
            valid_from=dt.date(2023, 7, 1),
            groups={"JP": "H", "KE": "LM"},
        )
    year = timezone.localdate().year
    return eur_schedule(year=year), jpy_schedule(year=year)


def test_the_calculator_updates_live_in_japanese_and_explains_errors(
    page: Page, live_server, schedules
):
    page.goto(f"{live_server.url}/ja/membership/calculator/")
    expect(page.locator("#fee-calculator[data-live=on]")).to_have_count(1)

    page.locator("#id_kind").select_option("local_government")
    page.locator("#id_country").select_option("JP")
    page.locator("#id_currency").select_option("JPY")
    page.locator("#id_population").fill("50001")

    result = page.locator("#fee-result")
    expect(result).to_contain_text("￥")
    expect(result).to_contain_text("50,001～100,000")
    expect(result).to_contain_text("高所得国")
    # The address follows, so the answer can be bookmarked or shared.
    assert "population=50001" in page.url

    page.locator("#id_population").fill("-5")
    expect(page.locator("#fee-calculator .errorlist")).to_contain_text("マイナス")
    expect(page.locator("#id_population")).to_have_attribute("aria-invalid", "true")
    expect(result).to_be_empty()
