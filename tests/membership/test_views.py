"""The public pages: landing, rates, calculator (HTML and JSON)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pavilion.membership.models import OrganisationKind

from .factories import eur_schedule, jpy_schedule, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedules():
    return eur_schedule(), jpy_schedule()


def test_landing_page_explains_who_may_join_and_states_the_figure(client, schedules):
    for _ in range(3):
        member()
    body = client.get("/en/membership/").content.decode()
    assert "Associate partnership" in body
    assert "3 local and regional governments" in body
    assert "Not eligible" in body  # businesses and others
    assert "Apply" in body and "Review" in body and "Invoice" in body and "Welcome" in body
    assert 'href="/en/membership/apply/"' in body
    assert 'href="/en/membership/rates/"' in body
    assert 'href="/en/membership/calculator/"' in body
    assert 'href="/en/membership/members/"' in body


def test_rates_page_is_generated_from_the_schedule_in_the_language_s_currency(client, schedules):
    en = client.get("/en/membership/rates/").content.decode()
    assert "€450" in en and "€5,985" in en and "€2,620" in en
    assert "Up to 50,000 inhabitants" in en
    assert "More than 4,000,000 inhabitants" in en
    assert "Show the fees in JPY" in en
    assert "Figures marked with an asterisk (*) are examples" in en
    assert "Test figures" in en  # the schedule's source
    ja = client.get("/ja/membership/rates/").content.decode()
    assert "￥72,000" in ja and "￥960,000" in ja
    assert "€450" not in ja
    switched = client.get("/ja/membership/rates/?currency=EUR").content.decode()
    assert "€450" in switched


def test_rates_page_marks_examples_with_an_asterisk_not_colour_only(client, schedules):
    body = client.get("/en/membership/rates/").content.decode()
    high_first = body.split("Up to 50,000 inhabitants")[1].split("</tr>")[0]
    assert "€450</td>" in high_first  # published: no mark
    assert 'title="example figure">*</abbr>' in high_first  # the other groups


def test_rates_page_with_an_unknown_currency_is_a_400_showing_the_default(client, schedules):
    response = client.get("/en/membership/rates/?currency=XYZ")
    assert response.status_code == 400
    assert "We publish no fees in “XYZ”" in response.content.decode()
    assert "€450" in response.content.decode()


def test_calculator_empty_form_lists_every_country(client, schedules):
    response = client.get("/en/membership/calculator/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="country"' in body and '<option value="JP">Japan</option>' in body
    assert "calculator.js" in body


def test_calculator_gives_the_fee_and_its_reasons_without_javascript(client, schedules):
    response = client.get(
        "/en/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": "50001", "currency": "EUR"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Annual fee for 2026: €900" in body
    assert "50,001–100,000 inhabitants" in body
    assert "High income" in body
    assert "World Bank income groups, fiscal year 2024" in body
    assert 'value="50001"' in body


def test_calculator_in_japanese_in_yen(client, schedules):
    response = client.get(
        "/ja/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": "1000", "currency": "JPY"},
    )
    body = response.content.decode()
    assert "￥72,000" in body
    assert "日本" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"population": "-5"}, "The population cannot be negative."),
        ({"population": "many"}, "Give the population as a whole number"),
        ({"population": ""}, "Give the population"),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"kind": "business"}, "sponsor"),
        ({"currency": "USD"}, "Choose a currency from the list."),
    ],
)
def test_calculator_bad_input_is_a_400_with_the_field_error_and_what_was_typed(
    client, schedules, params, message
):
    data = {"kind": "local_government", "country": "JP", "population": "1000", "currency": "EUR"}
    data.update(params)
    response = client.get("/en/membership/calculator/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Please correct the fields marked below." in body
    assert "Annual fee" not in body
    if data["population"]:
        assert f'value="{data["population"]}"' in body


def test_calculator_errors_are_in_the_page_language(client, schedules):
    response = client.get(
        "/ja/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": "-1", "currency": "JPY"},
    )
    assert response.status_code == 400
    assert "The population cannot be negative." not in response.content.decode()


def test_calculator_error_is_linked_to_its_field(client, schedules):
    body = client.get(
        "/en/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": "-1", "currency": "EUR"},
    ).content.decode()
    field = (
        body.split('name="population"')[0].rsplit("<input", 1)[1]
        + body.split('name="population"')[1].split(">")[0]
    )
    assert 'aria-invalid="true"' in field
    assert "id_population_error" in field


def test_calculator_json(client, schedules):
    response = client.get(
        "/en/membership/calculator/",
        {"kind": "ngo", "country": "KE", "currency": "EUR", "format": "json"},
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["ok"] is True
    assert data["quote"]["amount"] == "750.00"
    assert data["quote"]["is_example"] is True
    assert "€750" in data["html"]
    bad = client.get(
        "/en/membership/calculator/",
        {"kind": "local_government", "country": "KE", "currency": "EUR", "format": "json"},
    )
    assert bad.status_code == 400
    assert "population" in json.loads(bad.content)["errors"]


def test_calculator_discount_checkbox(client):
    from decimal import Decimal

    eur_schedule(
        discounts=[{"code": "shared", "name_en": "Shared territory", "percent": Decimal(20)}]
    )
    body = client.get(
        "/en/membership/calculator/",
        {
            "kind": "local_government",
            "country": "JP",
            "population": "10",
            "currency": "EUR",
            "discounts": "shared",
        },
    ).content.decode()
    assert "Shared territory" in body
    assert "Annual fee for 2026: €360" in body


def test_calculator_query_count(client, schedules):
    with CaptureQueriesContext(connection) as ctx:
        client.get(
            "/en/membership/calculator/",
            {"kind": "local_government", "country": "JP", "population": "10", "currency": "EUR"},
        )
    assert len(ctx) <= 10


def test_no_schedule_published_yet(client):
    member(kind=OrganisationKind.NGO)
    body = client.get("/en/membership/rates/").content.decode()
    assert "No fees are published at the moment." in body


@pytest.mark.parametrize(
    ("url", "selected"),
    [
        ("/en/membership/calculator/?currency=EUR", '<option value="EUR" selected>'),
        ("/ja/membership/calculator/?currency=EUR", '<option value="EUR" selected>'),
        ("/ja/membership/calculator/?currency=JPY", '<option value="JPY" selected>'),
        ("/en/membership/calculator/?kind=ngo", '<option value="ngo" selected>'),
        ("/en/membership/calculator/?country=jp", '<option value="JP" selected>'),
    ],
)
def test_a_link_that_preselects_a_field_shows_the_calculator_without_errors(
    client, schedules, url, selected
):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert selected in body
    assert "Please correct the fields marked below." not in body
    assert "下記の印のある項目を修正してください。" not in body
    assert 'aria-invalid="true"' not in body
    assert 'class="errorlist' not in body
    assert "fee-quote" not in body


def test_the_rates_page_link_to_the_calculator_opens_it_ready_to_fill_in(client, schedules):
    rates = client.get("/ja/membership/rates/").content.decode()
    link = re.search(r'href="(/ja/membership/calculator/[^"]*)"[^>]*>会費を計算する', rates)
    assert link, "the rates page links to the calculator"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert "修正してください" not in response.content.decode()


def test_the_calculator_sent_empty_names_the_missing_fields(client, schedules):
    response = client.get(
        "/en/membership/calculator/",
        {"kind": "", "country": "", "population": "", "currency": "EUR"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the fields marked below." in body
    assert "Choose the kind of organisation." in body
    assert "Choose a country." in body


@pytest.mark.parametrize(
    ("typed", "band"),
    [
        ("1,000,000", "750,001–1,000,000 inhabitants"),
        ("１，０００，００１", "1,000,001–2,000,000 inhabitants"),
        ("50 001", "50,001–100,000 inhabitants"),
        ("2,000,000,000", "More than 4,000,000 inhabitants"),
    ],
)
def test_the_calculator_reads_populations_written_with_thousands_separators(
    client, schedules, typed, band
):
    response = client.get(
        "/en/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": typed, "currency": "EUR"},
    )
    assert response.status_code == 200
    assert band in response.content.decode()


@pytest.mark.parametrize("typed", ["2,000,000,001", "99999999999999999999"])
def test_the_calculator_refuses_a_population_no_government_has(client, schedules, typed):
    response = client.get(
        "/ja/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": typed, "currency": "JPY"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "どの自治体の人口よりも多い数です" in body
    assert "fee-quote" not in body


def test_the_fee_reason_names_the_currency_in_words_and_the_year_once(client, schedules):
    ja = client.get(
        "/ja/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": "1000", "currency": "JPY"},
    ).content.decode()
    assert "会費は、円建ての会費表「Dues 2026 JPY」によります。" in ja
    assert "JPY の" not in ja and "2026年の JPY" not in ja
    en = client.get(
        "/en/membership/calculator/",
        {"kind": "local_government", "country": "JP", "population": "1000", "currency": "EUR"},
    ).content.decode()
    assert "The fees are those of the schedule “Dues 2026 EUR”, in euros." in en


def test_the_rates_table_scrolls_in_a_named_region_that_the_keyboard_reaches(client, schedules):
    body = client.get("/ja/membership/rates/").content.decode()
    region = re.search(r'<div class="table-scroll"([^>]*)>', body).group(1)
    assert 'tabindex="0"' in region and 'role="region"' in region
    named_by = re.search(r'aria-labelledby="([^"]+)"', region).group(1)
    assert re.search(rf'<caption id="{named_by}">人口・所得グループ別の年会費', body)
