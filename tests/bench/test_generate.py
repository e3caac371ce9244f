"""The benchmark's data generator, at a small size."""

import datetime as dt
from itertools import pairwise

import pytest
from bench.generate import EVENT_SLUG, generate
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from pavilion.programme.models import (
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    Venue,
)

SMALL = {"sessions": 50, "people": 80, "venues": 5, "days": 3, "orgs": 10}
START = dt.date(2025, 11, 10)


@pytest.fixture
def small_event(db):
    return generate(**SMALL, seed=1, start=START)


def test_generator_builds_the_counts_asked(small_event):
    assert small_event.slug == EVENT_SLUG
    assert small_event.days() == [START, START + dt.timedelta(days=1), START + dt.timedelta(days=2)]
    assert small_event.secondary_timezones == ["Asia/Tokyo"]
    assert Venue.objects.filter(event=small_event).count() == 5
    assert Session.objects.filter(event=small_event).count() == 50
    assert Person.objects.count() == 80
    assert Organisation.objects.count() == 10
    sessions = Session.objects.filter(event=small_event)
    assert sessions.filter(status=Session.Status.CANCELLED).count() >= 1
    assert sessions.filter(status=Session.Status.DRAFT).count() == 0
    assert sessions.filter(starts_at__isnull=True, tbc_start_time__isnull=False).count() >= 1


def test_sessions_have_about_three_speakers_and_one_or_two_hosts(small_event):
    speakers = Participation.objects.filter(session__event=small_event).count()
    assert 2.5 <= speakers / 50 <= 3.5
    host_counts = set(
        Session.objects.filter(event=small_event)
        .annotate(n=Count("hosts"))
        .values_list("n", flat=True)
    )
    assert host_counts <= {1, 2}
    assert SessionHost.objects.filter(session__event=small_event).exists()


def test_no_two_published_sessions_overlap_in_a_venue(small_event):
    published = (
        Session.objects.filter(
            event=small_event, status=Session.Status.PUBLISHED, starts_at__isnull=False
        )
        .order_by("venue_id", "starts_at")
        .values_list("venue_id", "starts_at", "ends_at")
    )
    for (venue_a, _start_a, end_a), (venue_b, start_b, _end_b) in pairwise(published):
        if venue_a == venue_b:
            assert start_b >= end_a


def test_sessions_fall_between_eight_and_eight_in_the_venue_zone(small_event):
    tz = small_event.tzinfo
    for starts, ends in Session.objects.filter(
        event=small_event, starts_at__isnull=False
    ).values_list("starts_at", "ends_at"):
        local_start, local_end = starts.astimezone(tz), ends.astimezone(tz)
        assert local_start.hour >= 8
        assert local_end <= local_start.replace(hour=20, minute=0)


def test_every_session_has_an_english_and_a_japanese_title(small_event):
    titles = list(Session.objects.filter(event=small_event).values_list("title_en", "title_ja"))
    assert all(en.strip() and ja.strip() for en, ja in titles)
    assert any("気候" in ja for _en, ja in titles)


def test_same_seed_gives_the_same_programme(db):
    first = generate(**SMALL, seed=7, start=START)
    before = list(
        Session.objects.filter(event=first)
        .order_by("slug")
        .values_list("slug", "title_ja", "starts_at", "venue__slug", "status")
    )
    second = generate(**SMALL, seed=7, start=START)
    after = list(
        Session.objects.filter(event=second)
        .order_by("slug")
        .values_list("slug", "title_ja", "starts_at", "venue__slug", "status")
    )
    assert before == after
    assert Event.objects.filter(slug=EVENT_SLUG).count() == 1


def test_regenerating_replaces_the_previous_bench_event(db):
    generate(**SMALL, seed=1, start=START)
    generate(sessions=10, people=20, venues=2, days=1, orgs=4, seed=2, start=START)
    assert Session.objects.count() == 10
    assert Person.objects.count() == 20
    assert Organisation.objects.count() == 4


def test_too_many_sessions_for_the_slots_is_refused(db):
    with pytest.raises(ValueError, match="do not fit"):
        generate(sessions=25, people=5, venues=1, days=2, orgs=2, start=START)


def _programme_queries(client, event) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/events/{event.slug}/programme/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_programme_page_costs_the_same_queries_whatever_the_size(db, client):
    small = generate(sessions=5, people=10, venues=2, days=2, orgs=3, seed=1, start=START)
    few_queries, few_html = _programme_queries(client, small)
    assert "5 sessions" in few_html

    large = generate(**SMALL, seed=1, start=START)
    many_queries, many_html = _programme_queries(client, large)
    assert "50 sessions" in many_html
    assert Session.objects.filter(event=large).first().title_en in many_html
    assert many_queries == few_queries
