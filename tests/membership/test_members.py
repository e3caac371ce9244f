"""Member counts (from the data, cached, dropped on change), the phrase the site
uses, the template tags, the directory with its filters and opt-out."""

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pavilion.membership.demo import demo_load, demo_members
from pavilion.membership.models import Category, Member, OrganisationKind
from pavilion.membership.selectors import member_counts, members_phrase, round_down

from .factories import member

pytestmark = pytest.mark.django_db


def test_counts_only_current_members_by_category_country_and_region():
    today = timezone.localdate()
    member(country="JP")
    member(country="DE", kind=OrganisationKind.REGIONAL_GOVERNMENT)
    member(country="KE", kind=OrganisationKind.NGO, is_listed=False)
    member(country="JP", kind=OrganisationKind.NATIONAL_ASSOCIATION)
    member(country="JP", ended_on=today)  # ended today: no longer counts
    member(country="BR", ended_on=today + dt.timedelta(days=1))  # still a member
    counts = member_counts()
    assert counts.total == 5
    assert counts.local_regional == 3
    assert counts.by_category == {
        Category.LOCAL_REGIONAL: 3,
        Category.ASSOCIATE: 1,
        Category.ASSOCIATION: 1,
    }
    assert counts.by_country == {"JP": 2, "DE": 1, "KE": 1, "BR": 1}
    assert counts.by_region == {"142": 2, "150": 1, "002": 1, "019": 1}


def test_counts_are_cached_and_dropped_when_a_member_is_saved_or_deleted():
    first = member()
    assert member_counts().total == 1
    with CaptureQueriesContext(connection) as queries:
        assert member_counts().total == 1
    assert len(queries) == 0
    second = member()
    assert member_counts().total == 2
    second.delete()
    assert member_counts().total == 1
    first.ended_on = timezone.localdate()
    first.save()
    assert member_counts().total == 0


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (0, 0),
        (42, 42),
        (99, 99),
        (100, 100),
        (730, 700),
        (1499, 1000),
        (1500, 1500),
        (2637, 2500),
        (9999, 9500),
        (12_345, 12_000),
    ],
)
def test_round_down(value, rounded):
    assert round_down(value) == rounded


def test_phrase_says_more_than_a_round_figure_or_the_exact_count(monkeypatch):
    from pavilion.membership import selectors

    def fake(n):
        return lambda **kw: selectors.MemberCounts(
            total=n, local_regional=n, by_category={Category.LOCAL_REGIONAL: n}
        )

    monkeypatch.setattr(selectors, "member_counts", fake(2637))
    assert members_phrase("local_regional", "en") == (
        "more than 2,500 local and regional governments"
    )
    assert members_phrase("local_regional", "ja") == "2,500以上の自治体"
    monkeypatch.setattr(selectors, "member_counts", fake(42))
    assert members_phrase("local_regional", "en") == "42 local and regional governments"
    monkeypatch.setattr(selectors, "member_counts", fake(1))
    assert members_phrase("local_regional", "en") == "1 local and regional government"
    monkeypatch.setattr(selectors, "member_counts", fake(2500))
    assert members_phrase("total", "en") == "2,500 members"


def test_template_tags_state_the_figures_from_the_data():
    for _ in range(3):
        member()
    member(kind=OrganisationKind.NGO)
    template = Template(
        '{% load membership %}{% member_count "local_regional" %}|{% member_count %}|'
        '{% members_phrase "local_regional" %}'
    )
    with translation.override("en"):
        assert template.render(Context()) == "3|4|3 local and regional governments"


def test_directory_lists_current_listed_members_only(client):
    member(name_en="Listed City", country="JP")
    member(name_en="Hidden City", country="JP", is_listed=False)
    member(name_en="Former City", country="JP", ended_on=dt.date(2021, 1, 1))
    body = client.get("/en/membership/members/").content.decode()
    assert "Listed City" in body
    assert "Hidden City" not in body
    assert "Former City" not in body
    assert "The network has 2 members." in body


def test_directory_filters_by_country_region_and_category(client):
    member(name_en="Tokyo Example", country="JP")
    member(name_en="Berlin Example", country="DE")
    member(name_en="Nairobi NGO", country="KE", kind=OrganisationKind.NGO)
    by_country = client.get("/en/membership/members/?country=DE").content.decode()
    assert "Berlin Example" in by_country and "Tokyo Example" not in by_country
    by_region = client.get("/en/membership/members/?region=142").content.decode()
    assert "Tokyo Example" in by_region and "Berlin Example" not in by_region
    by_category = client.get("/en/membership/members/?category=associate").content.decode()
    assert "Nairobi NGO" in by_category and "Tokyo Example" not in by_category
    ja = client.get("/ja/membership/members/?country=DE").content.decode()
    assert "ドイツ" in ja


def test_directory_bad_filter_is_a_400_with_the_field_error(client):
    member(name_en="Tokyo Example")
    response = client.get("/en/membership/members/?country=ZZ&region=999")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a country from the list." in body
    assert "Choose a region from the list." in body
    assert "Tokyo Example" in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_directory_query_count_does_not_grow_with_members(client):
    member()
    one = _queries(client, "/en/membership/members/")
    for _ in range(29):
        member()
    thirty = _queries(client, "/en/membership/members/")
    assert one == thirty
    assert thirty <= 5


def test_demo_load_is_idempotent():
    today = dt.date(2026, 3, 1)
    first = demo_load(today=today)
    assert first == {"fee schedules": 2, "members": 30}
    assert demo_load(today=today) == {"fee schedules": 0, "members": 0}
    assert Member.objects.filter(is_example=True).count() == 30
    assert Member.objects.filter(is_listed=False).count() >= 2
    assert all("Example" in m.name_en and "例" in m.name_ja for m in Member.objects.all())


def test_demo_members_have_an_example_address_so_their_invoices_can_be_mailed():
    demo_members(today=dt.date(2026, 3, 2))

    addresses = list(Member.objects.values_list("contact_email", flat=True))
    assert addresses and all(a.endswith("@example.org") for a in addresses)


def test_directory_bad_filter_says_what_was_wrong_in_the_page_language_and_keeps_the_others(
    client,
):
    member(name_en="Tokyo Example", name_ja="東京の例", country="JP")
    member(name_en="Berlin Example", name_ja="ベルリンの例", country="DE")
    response = client.get("/ja/membership/members/?country=DE&category=bogus")
    assert response.status_code == 400
    body = response.content.decode()
    field = body.split('<label for="id_category">')[1].split("</select>")[0]
    assert "「bogus」という区分はありません。一覧から区分を選んでください。" in field
    assert 'aria-invalid="true"' in field
    # The good filter still applies.
    assert "ベルリンの例" in body and "東京の例" not in body


def test_directory_country_code_in_lower_case_is_understood(client):
    member(name_en="Berlin Example", country="DE")
    member(name_en="Tokyo Example", country="JP")
    response = client.get("/en/membership/members/?country=de")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Berlin Example" in body and "Tokyo Example" not in body


def test_directory_labels_an_example_member_once(client):
    member(name_en="Example City of Bayview", name_ja="例：ベイビュー市", is_example=True)
    member(name_en="Harbour Town", name_ja="ハーバー町", is_example=True)
    ja = client.get("/ja/membership/members/").content.decode()
    assert "例：ベイビュー市</th>" in ja
    assert "ハーバー町 <small" in ja and "（例）</small>" in ja
    en = client.get("/en/membership/members/").content.decode()
    assert "Example City of Bayview</th>" in en
    assert "Harbour Town <small" in en


def test_directory_cells_carry_their_column_name_for_the_phone_layout(client):
    member(name_en="Tokyo Example", country="JP", joined_on=dt.date(2025, 4, 1))
    body = client.get("/ja/membership/members/").content.decode()
    assert '<td data-label="加入年" class="year">2025</td>' in body
    assert '<td data-label="国">日本</td>' in body
