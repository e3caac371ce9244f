"""What each step of the application form shows the applicant: every error of a step
at once, in their language; only the fields their kind of organisation is asked for;
the fee's notices once; currencies by name; labels punctuated as sentences."""

import re
from html import unescape

import pytest
from django.core import mail
from django.utils import timezone

from pavilion.applications.models import Application

from .factories import ApplicationFactory, pdf_upload

pytestmark = pytest.mark.django_db

STEP1 = {
    "name_en": "City of Example Bay",
    "name_ja": "例ベイ市",
    "kind": "local_government",
    "country": "JP",
    "locality": "Example Bay",
    "website": "https://example-bay.example.org",
    "contact_email": "aiko@example-bay.example.org",
}


def _text(response) -> str:
    """The page as the reader sees it: tags removed, entities decoded, spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _field_error(response, field: str) -> str:
    """The message shown under one field (its ``id_<field>_error`` block)."""
    html = response.content.decode()
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</(?:ul|div)>', html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def _summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', html, flags=re.S)
    assert match, "no error summary on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def _draft(client, *, kind="local_government", lang="en", step=2) -> str:
    """A draft started through the form, its first steps done; returns its token."""
    response = client.post(f"/{lang}/membership/apply/", STEP1 | {"kind": kind})
    assert response.status_code == 303, _text(response)
    token = re.search(r"/membership/apply/([\w-]{43})/", mail.outbox[-1].body).group(1)
    Application.objects.update(step=step)
    return token


# Step 1: every error at once


def test_an_empty_first_step_lists_every_missing_answer_at_once(client):
    response = client.post("/en/membership/apply/", {"name_en": "", "name_ja": ""})
    assert response.status_code == 400
    summary = _summary(response)
    for message in (
        "Please give your organisation's name in English or in Japanese.",
        "Please choose the kind of organisation.",
        "Please choose the country.",
        "Please give your e-mail address.",
    ):
        assert message in summary
    assert _field_error(response, "name_en") == (
        "Please give your organisation's name in English or in Japanese."
    )
    assert not Application.objects.exists()
    assert mail.outbox == []


def test_a_business_with_mistyped_fields_is_told_everything_at_once_in_japanese(client):
    typed = STEP1 | {
        "kind": "business",
        "website": "not a web address",
        "contact_email": "kokusai@",
    }
    response = client.post("/ja/membership/apply/", typed)
    assert response.status_code == 400
    assert _field_error(response, "kind").startswith("企業は会員にも賛助パートナーにもなれません")
    assert _field_error(response, "website") == (
        "https://example.org のようなウェブアドレスをご記入ください。"
    )
    assert _field_error(response, "contact_email") == (
        "name@example.org のようなメールアドレスをご記入ください。"
    )
    summary = _summary(response)
    assert "企業は会員にも賛助パートナーにもなれません" in summary
    assert ">ウェブサイト</a>：https://example.org のようなウェブアドレス" in (
        response.content.decode()
    )
    # What was typed is kept, the refused kind included.
    html = response.content.decode()
    assert 'value="例ベイ市"' in html and 'value="not a web address"' in html
    assert 'value="kokusai@"' in html
    assert re.search(r'<option value="business"[^>]*selected', html)
    assert not Application.objects.exists()


def test_a_missing_name_and_a_bad_address_are_told_together_in_japanese(client):
    response = client.post(
        "/ja/membership/apply/", STEP1 | {"name_en": "", "name_ja": "", "contact_email": "x"}
    )
    assert response.status_code == 400
    assert _field_error(response, "name_en") == "団体名を英語または日本語でご記入ください。"
    assert _field_error(response, "contact_email") == (
        "name@example.org のようなメールアドレスをご記入ください。"
    )


def test_a_duplicate_open_application_is_told_with_the_other_errors(client):
    ApplicationFactory(name_en="City of Example Bay", status="in_review", country="JP")
    response = client.post("/en/membership/apply/", STEP1 | {"contact_email": "bad"})
    assert response.status_code == 400
    assert "already being reviewed" in _field_error(response, "name_en")
    assert "such as name@example.org" in _field_error(response, "contact_email")


def test_changing_step_one_of_a_draft_also_lists_every_error_at_once(client, schedules):
    token = _draft(client)
    response = client.post(
        f"/en/membership/apply/{token}/step/1/",
        STEP1 | {"name_en": "", "name_ja": "", "kind": "other", "country": ""},
    )
    assert response.status_code == 400
    assert "name in English or in Japanese" in _field_error(response, "name_en")
    assert "This kind of organisation cannot join" in _field_error(response, "kind")
    assert _field_error(response, "country") == "Please choose the country."
    assert Application.objects.get().kind == "local_government"


# Step 3: only what the kind of organisation is asked for


@pytest.mark.parametrize("kind", ["ngo", "university", "national_association"])
def test_a_flat_fee_organisation_is_not_asked_for_its_population(client, schedules, kind):
    token = _draft(client, kind=kind)
    page = client.get(f"/en/membership/apply/{token}/step/3/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="population' not in html
    assert "Year of the population figure" not in html
    assert "Step 3 of 5: Category and fee" in _text(page)
    assert "Show the fee in this currency" in html and "these figures" not in html
    assert 'name="currency"' in html

    response = client.post(f"/en/membership/apply/{token}/step/3/", {"currency": "EUR"})
    assert response.status_code == 303, _text(response)
    application = Application.objects.get()
    assert application.step == 3 and application.currency == "EUR"
    assert application.population is None and application.population_year is None


def test_a_population_given_under_another_kind_is_dropped_for_a_flat_fee_kind(client, schedules):
    token = _draft(client)
    base = f"/en/membership/apply/{token}/step/"
    figures = {
        "population": "48000",
        "population_source": "Census",
        "population_year": "2020",
        "currency": "EUR",
    }
    assert client.post(base + "3/", figures).status_code == 303
    assert client.post(base + "1/", STEP1 | {"kind": "ngo"}).status_code == 303
    # Posted anyway (an old page): the figures are not kept for an NGO.
    assert client.post(base + "3/", figures).status_code == 303
    application = Application.objects.get()
    assert application.population is None
    assert application.population_source == "" and application.population_year is None
    client.post(base + "4/", {"kind": "letter_of_intent", "file": pdf_upload()})
    review = _text(client.get(base + "5/"))
    assert "Category and fee" in review
    assert "Population" not in review and "Year of the population figure" not in review


def test_the_live_quote_of_an_ngo_needs_no_population(client, schedules):
    token = _draft(client, kind="ngo")
    response = client.get(f"/en/membership/apply/{token}/quote/", {"currency": "EUR"})
    assert response.status_code == 200
    assert response.json()["fee"]["amount"] == "€750"


def test_a_local_government_must_still_give_population_source_and_year_at_once(client, schedules):
    token = _draft(client, lang="ja")
    response = client.post(f"/ja/membership/apply/{token}/step/3/", {"currency": "JPY"})
    assert response.status_code == 400
    assert _field_error(response, "population") == "自治体の人口（住民の数）をご記入ください。"
    assert _field_error(response, "population_source") == (
        "人口の出典（国勢調査など）をご記入ください。"
    )
    assert _field_error(response, "population_year") == "人口の調査年をご記入ください。"
    assert Application.objects.get().step == 2


def test_a_refused_year_and_a_missing_source_are_told_together(client, schedules):
    token = _draft(client)
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {"population": "1,250,000", "population_year": "20x0", "currency": "EUR"},
    )
    assert response.status_code == 400
    assert "four figures" in _field_error(response, "population_year")
    assert "where the population figure comes from" in _field_error(response, "population_source")
    assert 'value="1,250,000"' in response.content.decode()


@pytest.mark.parametrize("year", ["1800", "1949"])
def test_a_population_figure_from_too_long_ago_is_refused(client, schedules, year):
    token = _draft(client)
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {
            "population": "1,250,000",
            "population_source": "Census",
            "population_year": year,
            "currency": "EUR",
        },
    )
    assert response.status_code == 400
    this_year = timezone.localdate().year
    assert _field_error(response, "population_year") == (
        f"Please give a year from 1950 to {this_year}: an older population figure cannot "
        "be used for the fee."
    )
    assert f'value="{year}"' in response.content.decode()
    assert Application.objects.get().population_year is None


def test_the_year_range_is_told_in_japanese(client, schedules):
    token = _draft(client, lang="ja")
    response = client.post(
        f"/ja/membership/apply/{token}/step/3/",
        {
            "population": "48000",
            "population_source": "国勢調査",
            "population_year": "1800",
            "currency": "JPY",
        },
    )
    assert response.status_code == 400
    assert _field_error(response, "population_year").startswith("1950年から")
    assert "1950年から" in _text(client.get(f"/ja/membership/apply/{token}/step/3/"))


def test_a_population_with_separators_and_a_1950_figure_are_accepted(client, schedules):
    token = _draft(client)
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {
            "population": "1,250,000",
            "population_source": "Census",
            "population_year": "1950",
            "currency": "EUR",
        },
    )
    assert response.status_code == 303, _text(response)
    application = Application.objects.get()
    assert application.population == 1_250_000 and application.population_year == 1950


# The fee: its example notice once, currencies by name


EXAMPLE_EN = "Some figures"  # both wordings of the notice begin so
EXAMPLE_JA = "例です"


def test_the_example_notice_is_shown_once_on_step_three(client, schedules):
    token = _draft(client, kind="ngo")
    text = _text(client.get(f"/en/membership/apply/{token}/step/3/"))
    assert "€750" in text
    assert text.count(EXAMPLE_EN) == 1
    assert "the secretariat will confirm the amount" in text


def test_the_example_notice_is_shown_once_in_japanese_and_in_the_review(client, schedules):
    token = _draft(client, kind="ngo", lang="ja")
    base = f"/ja/membership/apply/{token}/step/"
    step3 = _text(client.get(base + "3/"))
    assert step3.count(EXAMPLE_JA) == 1
    assert client.post(base + "3/", {"currency": "JPY"}).status_code == 303
    client.post(base + "4/", {"kind": "letter_of_intent", "file": pdf_upload()})
    review = _text(client.get(base + "5/"))
    assert "￥120,000" in review
    assert review.count(EXAMPLE_JA) == 1


def test_the_confirmation_mail_gives_the_example_notice_once(client, schedules):
    token = _draft(client, kind="ngo")
    base = f"/en/membership/apply/{token}/step/"
    client.post(base + "3/", {"currency": "EUR"})
    client.post(base + "4/", {"kind": "letter_of_intent", "file": pdf_upload()})
    mail.outbox.clear()
    assert client.post(base + "5/", {"consent": "on"}).status_code == 303
    body = mail.outbox[0].body
    assert "€750" in body
    assert body.count(EXAMPLE_EN) == 1
    status = _text(client.get(f"/en/membership/apply/{token}/"))
    assert status.count(EXAMPLE_EN) == 1


def test_the_live_quote_gives_the_notice_once_and_the_period(client, schedules):
    token = _draft(client, kind="ngo", lang="ja")
    fee = client.get(f"/ja/membership/apply/{token}/quote/", {"currency": "JPY"}).json()["fee"]
    assert fee["per_year"] == "（年額）"
    assert EXAMPLE_JA in fee["example_note"]
    assert not any(EXAMPLE_JA in reason for reason in fee["reasons"])


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("en", ["Euro (EUR)", "Japanese Yen (JPY)"]),
        ("ja", ["ユーロ（EUR）", "日本円（JPY）"]),
    ],
)
def test_currencies_are_offered_by_name(client, schedules, lang, names):
    token = _draft(client, lang=lang)
    html = client.get(f"/{lang}/membership/apply/{token}/step/3/").content.decode()
    options = re.findall(r'<option value="(EUR|JPY)"[^>]*>([^<]*)</option>', html)
    assert [label for _code, label in options] == names


# Labels


def test_the_consent_sentence_ends_with_its_own_full_stop(client, schedules):
    token = _draft(client, lang="ja", step=3)
    application = Application.objects.get()
    application.population, application.population_source = 48000, "国勢調査"
    application.population_year, application.currency = 2020, "JPY"
    application.save()
    client.post(
        f"/ja/membership/apply/{token}/step/4/",
        {"kind": "letter_of_intent", "file": pdf_upload()},
    )
    html = client.get(f"/ja/membership/apply/{token}/step/5/").content.decode()
    label = re.search(r'<label for="id_consent"[^>]*>(.*?)</label>', html, flags=re.S)
    assert label, html
    assert label.group(1).strip().endswith("確認します。")
    # The box is at the start of the sentence it agrees to.
    assert label.group(1).lstrip().startswith('<input type="checkbox" name="consent"')
    refused = client.post(f"/ja/membership/apply/{token}/step/5/", {})
    assert refused.status_code == 400
    assert _field_error(refused, "consent").startswith("申請のためにこれらの情報を")
    assert 'aria-describedby="id_consent_error"' in refused.content.decode()
    # Other labels keep the Japanese suffix.
    assert "人口の出典：" in _text(client.get(f"/ja/membership/apply/{token}/step/3/"))


def test_the_error_summary_uses_the_japanese_colon(client):
    response = client.post("/ja/membership/apply/", STEP1 | {"country": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_country">国</a>：国を選んでください。' in html
    assert "</a>: " not in html


def test_a_refused_step_three_shows_the_fee_for_the_population_as_typed(client, schedules):
    token = _draft(client)
    response = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {
            "population": "50,001",
            "population_source": "Census",
            "population_year": "1800",
            "currency": "EUR",
        },
    )
    assert response.status_code == 400
    text = _text(response)
    assert "€900 a year" in text
    assert "Give the population to see the fee." not in text
    refused = client.post(
        f"/en/membership/apply/{token}/step/3/",
        {"population": "many", "population_source": "", "population_year": "", "currency": "EUR"},
    )
    assert "Give the population to see the fee." in _text(refused)
