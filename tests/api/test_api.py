"""The read-only JSON API: content, filters, bad input, pagination, queries."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pavilion.api import schemas
from pavilion.programme.models import Participation, Session, SessionHost, SessionLink
from tests.factories import (
    ChapterFactory,
    EventFactory,
    GlossaryTermFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    SessionHostFactory,
    SessionLinkFactory,
    VenueFactory,
    VenuePartnerFactory,
)

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")
UTC = dt.UTC
DEMO_TODAY = dt.date(2026, 3, 2)

SESSION_KEYS = {
    "id",
    "event",
    "slug",
    "status",
    "cancelled",
    "title",
    "summary",
    "starts_at",
    "ends_at",
    "timezone",
    "day",
    "time_to_be_confirmed",
    "venue",
    "hosts",
    "speakers",
    "links",
    "recording_url",
    "chapters",
    "revision",
    "updated_at",
    "url",
}


def get_json(client, url, *, status=200, lang="en", **headers):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def results(client, url, **kwargs):
    return get_json(client, url, **kwargs)["results"]


def slugs(items):
    return [item["slug"] for item in items]


def baku(day, hour, minute=0):
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=BAKU)


@pytest.fixture
def programme():
    """An event with a venue, hosts, speakers, links, a chapter, and one session of each kind."""
    event = EventFactory(slug="summit", name_en="Climate Summit", name_ja="気候サミット")
    hall = VenueFactory(event=event, slug="hall", name_en="Hall", name_ja="ホール", order=0)
    annex = VenueFactory(event=event, slug="annex", name_en="Annex", name_ja="別館", order=1)
    city = OrganisationFactory(slug="green-city", name_en="Green City", name_ja="緑市")
    mayor = PersonFactory(
        slug="mayor-green",
        name_en="Hana Green",
        name_ja="緑 花",
        title_en="Mayor",
        title_ja="市長",
        organisation=city,
    )
    opening = SessionFactory(
        event=event,
        venue=hall,
        slug="opening",
        title_en="Opening of the summit",
        title_ja="サミットの開会",
        summary_en="Welcome to the summit.",
        summary_ja="",
        starts_at=baku(12, 10),
        ends_at=baku(12, 11),
        recording_url="https://www.youtube.com/watch?v=abc",
    )
    SessionHostFactory(session=opening, organisation=city, role=SessionHost.Role.ORGANISER)
    ParticipationFactory(
        session=opening,
        person=mayor,
        role=Participation.Role.KEYNOTE,
        segment_en="Keynote",
        segment_ja="基調講演",
    )
    ParticipationFactory(session=opening, person=None, role=Participation.Role.SPEAKER)
    SessionLinkFactory(
        session=opening,
        kind=SessionLink.Kind.EVENT_PAGE,
        url="https://example.org/opening",
        label_en="Event page",
        label_ja="イベントページ",
    )
    ChapterFactory(session=opening, offset=dt.timedelta(minutes=23, seconds=5))
    # 00:30 in Baku on the 13th is still the 12th in UTC: the day filter reads the venue's zone.
    late = SessionFactory(
        event=event,
        venue=annex,
        slug="late-night-dialogue",
        title_en="Late-night dialogue",
        title_ja="深夜の対話",
        starts_at=baku(13, 0, 30),
        ends_at=baku(13, 1, 30),
    )
    cancelled = SessionFactory(
        event=event,
        venue=hall,
        slug="cancelled-panel",
        title_en="Cancelled panel",
        title_ja="中止のパネル",
        starts_at=baku(14, 15),
        ends_at=baku(14, 16),
        status=Session.Status.CANCELLED,
    )
    unconfirmed = SessionFactory(
        event=event,
        venue=annex,
        slug="date-to-be-confirmed",
        title_en="Date to be confirmed",
        title_ja="日程調整中",
        starts_at=None,
        ends_at=None,
        tbc_start_time=dt.time(14, 0),
        tbc_end_time=dt.time(15, 15),
    )
    draft = SessionFactory(
        event=event,
        venue=hall,
        slug="secret-draft",
        title_en="Secret draft",
        title_ja="非公開の下書き",
        starts_at=baku(15, 9),
        ends_at=baku(15, 10),
        status=Session.Status.DRAFT,
    )
    hidden_speaker = PersonFactory(slug="only-in-a-draft", name_en="Drafty")
    ParticipationFactory(session=draft, person=hidden_speaker)
    return {
        "event": event,
        "hall": hall,
        "annex": annex,
        "city": city,
        "mayor": mayor,
        "opening": opening,
        "late": late,
        "cancelled": cancelled,
        "unconfirmed": unconfirmed,
        "draft": draft,
        "hidden_speaker": hidden_speaker,
    }


@pytest.fixture
def demo():
    call_command("load_demo", today=DEMO_TODAY, stdout=io.StringIO())


# Content ------------------------------------------------------------------------------


def test_session_list_gives_every_text_in_both_languages(client, programme):
    items = results(client, "/api/v1/sessions?event=summit")
    opening = next(item for item in items if item["slug"] == "opening")
    assert set(opening) == SESSION_KEYS
    assert opening["title"] == {"en": "Opening of the summit", "ja": "サミットの開会"}
    # A language not filled in is null, never an empty string or the other language.
    assert opening["summary"] == {"en": "Welcome to the summit.", "ja": None}
    assert opening["venue"] == {"slug": "hall", "name": {"en": "Hall", "ja": "ホール"}}
    assert opening["hosts"] == [
        {
            "role": "organiser",
            "organisation": {
                "slug": "green-city",
                "name": {"en": "Green City", "ja": "緑市"},
                "short_name": {"en": None, "ja": None},
            },
        }
    ]
    keynote, announced_later = opening["speakers"]
    assert keynote["role"] == "keynote"
    assert keynote["segment"] == {"en": "Keynote", "ja": "基調講演"}
    assert keynote["person"]["name"] == {"en": "Hana Green", "ja": "緑 花"}
    assert keynote["person"]["title"] == {"en": "Mayor", "ja": "市長"}
    assert keynote["person"]["organisation"]["slug"] == "green-city"
    assert announced_later == {
        "role": "speaker",
        "segment": {"en": None, "ja": None},
        "person": None,
    }
    assert opening["links"] == [
        {
            "kind": "event_page",
            "url": "https://example.org/opening",
            "label": {"en": "Event page", "ja": "イベントページ"},
        }
    ]
    assert opening["chapters"] == [
        {
            "offset_seconds": 1385,
            "title": {"en": "Good practice", "ja": "優良事例"},
            "url": "https://www.youtube.com/watch?v=abc&t=1385s",
        }
    ]
    assert opening["url"] == {
        "en": "http://testserver/en/events/summit/sessions/opening/",
        "ja": "http://testserver/ja/events/summit/sessions/opening/",
    }


def test_session_times_are_utc_with_the_event_zone_and_the_venue_day(client, programme):
    items = {item["slug"]: item for item in results(client, "/api/v1/sessions?event=summit")}
    assert items["opening"]["starts_at"] == "2024-11-12T06:00:00Z"
    assert items["opening"]["ends_at"] == "2024-11-12T07:00:00Z"
    assert items["opening"]["timezone"] == "Asia/Baku"
    assert items["opening"]["day"] == "2024-11-12"
    assert items["late-night-dialogue"]["starts_at"] == "2024-11-12T20:30:00Z"
    assert items["late-night-dialogue"]["day"] == "2024-11-13"
    assert items["opening"]["time_to_be_confirmed"] is None


def test_a_session_whose_date_is_unconfirmed_has_its_venue_time_and_comes_last(client, programme):
    items = results(client, "/api/v1/sessions?event=summit")
    last = items[-1]
    assert last["slug"] == "date-to-be-confirmed"
    assert last["starts_at"] is None
    assert last["ends_at"] is None
    assert last["day"] is None
    assert last["time_to_be_confirmed"] == {"start": "14:00", "end": "15:15"}


def test_drafts_never_appear_and_cancelled_sessions_are_flagged(client, programme):
    items = {item["slug"]: item for item in results(client, "/api/v1/sessions")}
    assert "secret-draft" not in items
    assert items["cancelled-panel"]["status"] == "cancelled"
    assert items["cancelled-panel"]["cancelled"] is True
    assert items["opening"]["status"] == "published"
    assert items["opening"]["cancelled"] is False
    body = get_json(client, "/api/v1/events/summit/sessions/secret-draft", status=404)
    assert body == {"detail": "There is no session “secret-draft” at this event.", "errors": []}


def test_sessions_of_an_event_that_is_not_public_never_appear(client, programme):
    hidden = EventFactory(slug="internal-retreat", is_public=False)
    SessionFactory(event=hidden, slug="retreat-session")
    assert "retreat-session" not in slugs(results(client, "/api/v1/sessions"))
    assert "internal-retreat" not in slugs(results(client, "/api/v1/events"))
    get_json(client, "/api/v1/events/internal-retreat", status=404)
    get_json(client, "/api/v1/events/internal-retreat/sessions/retreat-session", status=404)
    body = get_json(client, "/api/v1/sessions?event=internal-retreat", status=400)
    assert body["errors"] == [
        {"field": "event", "message": "There is no event “internal-retreat”."}
    ]


def test_session_detail_is_the_list_entry(client, programme):
    listed = next(
        item
        for item in results(client, "/api/v1/sessions?event=summit")
        if item["slug"] == "opening"
    )
    assert get_json(client, "/api/v1/events/summit/sessions/opening") == listed


def test_the_api_shows_no_private_fields(client, programme):
    Session.objects.filter(pk=programme["opening"].pk).update(external_id="ROW-17")
    for url in (
        "/api/v1/sessions",
        "/api/v1/people",
        "/api/v1/organisations",
        "/api/v1/events/summit/venues",
    ):
        text = client.get(url).content.decode()
        assert "ROW-17" not in text
        assert "external_id" not in text
        assert "@" not in text  # no e-mail address of anyone
        assert "Secret draft" not in text


def test_events_list_and_detail(client, programme):
    items = results(client, "/api/v1/events")
    assert slugs(items) == ["summit"]
    event = get_json(client, "/api/v1/events/summit")
    assert event == items[0]
    assert event["name"] == {"en": "Climate Summit", "ja": "気候サミット"}
    assert event["place"] == {"en": "Baku, Azerbaijan", "ja": "アゼルバイジャン・バクー"}
    assert event["start_date"] == "2024-11-11"
    assert event["end_date"] == "2024-11-22"
    assert event["timezone"] == "Asia/Baku"
    assert event["secondary_timezones"] == ["Asia/Tokyo"]
    assert event["url"]["ja"] == "http://testserver/ja/events/summit/programme/"


def test_venues_of_an_event_with_partners(client, programme):
    VenuePartnerFactory(venue=programme["hall"], organisation=programme["city"])
    items = results(client, "/api/v1/events/summit/venues")
    assert slugs(items) == ["hall", "annex"]
    hall = items[0]
    assert hall["name"] == {"en": "Hall", "ja": "ホール"}
    assert hall["capacity"] == 60
    assert hall["partners"][0]["role"] == "co_organiser"
    assert hall["partners"][0]["organisation"]["name"] == {"en": "Green City", "ja": "緑市"}
    get_json(client, "/api/v1/events/nowhere/venues", status=404)


def test_people_are_only_those_who_speak_in_public_sessions(client, programme):
    PersonFactory(slug="no-sessions-at-all")
    items = results(client, "/api/v1/people")
    assert slugs(items) == ["mayor-green"]
    mayor = get_json(client, "/api/v1/people/mayor-green")
    assert mayor == items[0]
    assert mayor["name"] == {"en": "Hana Green", "ja": "緑 花"}
    assert mayor["sessions"] == [
        {
            "role": "keynote",
            "segment": {"en": "Keynote", "ja": "基調講演"},
            "session": {
                "event": "summit",
                "slug": "opening",
                "title": {"en": "Opening of the summit", "ja": "サミットの開会"},
                "status": "published",
                "starts_at": "2024-11-12T06:00:00Z",
            },
        }
    ]
    for slug in ("only-in-a-draft", "no-sessions-at-all", "nobody"):
        body = get_json(client, f"/api/v1/people/{slug}", status=404)
        assert body["detail"] == f"There is no speaker “{slug}”."


def test_organisations_are_those_with_a_public_role(client, programme):
    partner = OrganisationFactory(slug="venue-partner")
    VenuePartnerFactory(venue=programme["hall"], organisation=partner)
    employer = OrganisationFactory(slug="employer")
    speaker = PersonFactory(slug="employee", organisation=employer)
    ParticipationFactory(session=programme["late"], person=speaker)
    OrganisationFactory(slug="nothing-public")
    draft_host = OrganisationFactory(slug="hosts-only-a-draft")
    SessionHostFactory(session=programme["draft"], organisation=draft_host)

    items = {item["slug"]: item for item in results(client, "/api/v1/organisations")}
    # The factories give every person an organisation of their own; only the public ones show.
    assert {"green-city", "venue-partner", "employer"} <= set(items)
    assert "nothing-public" not in items
    assert "hosts-only-a-draft" not in items
    city = get_json(client, "/api/v1/organisations/green-city")
    assert city == items["green-city"]
    assert city["hosted_sessions"][0]["role"] == "organiser"
    assert city["hosted_sessions"][0]["session"]["slug"] == "opening"
    assert city["country"] == "JP"
    assert items["venue-partner"]["venues"] == [
        {
            "role": "co_organiser",
            "event": "summit",
            "venue": {"slug": "hall", "name": {"en": "Hall", "ja": "ホール"}},
        }
    ]
    body = get_json(client, "/api/v1/organisations/nothing-public", status=404)
    assert body["detail"] == "There is no organisation “nothing-public”."


def test_glossary_lists_terms_in_both_languages_with_their_aliases(client, db):
    GlossaryTermFactory(
        slug="ndcs",
        term_en="NDCs",
        term_ja="NDCs",
        expansion_en="Nationally Determined Contributions",
        expansion_ja="国が決定する貢献",
        aliases="NDC, 国が決定する貢献",
    )
    (term,) = results(client, "/api/v1/glossary")
    assert term == {
        "slug": "ndcs",
        "term": {"en": "NDCs", "ja": "NDCs"},
        "expansion": {"en": "Nationally Determined Contributions", "ja": "国が決定する貢献"},
        "definition": {"en": "A definition.", "ja": "定義。"},
        "aliases": ["NDC", "国が決定する貢献"],
    }


# Filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["opening", "late-night-dialogue", "cancelled-panel", "date-to-be-confirmed"]),
        ("day=2024-11-12", ["opening"]),
        ("day=2024-11-13", ["late-night-dialogue"]),
        ("day=2024-11-20", []),
        ("venue=annex", ["late-night-dialogue", "date-to-be-confirmed"]),
        ("host=green-city", ["opening"]),
        ("speaker=mayor-green", ["opening"]),
        ("text=dialogue", ["late-night-dialogue"]),
        ("text=深夜", ["late-night-dialogue"]),
        ("text=Hana", ["opening"]),
        ("text=緑市", ["opening"]),
        ("venue=hall&day=2024-11-14", ["cancelled-panel"]),
    ],
)
def test_session_filters(client, programme, query, expected):
    items = results(client, f"/api/v1/sessions?event=summit&{query}")
    assert slugs(items) == expected


def test_filters_without_an_event_cover_every_public_event(client, programme):
    other = EventFactory(slug="other-event")
    SessionFactory(event=other, slug="elsewhere", title_en="Far away", starts_at=baku(12, 9))
    abroad = SessionFactory(event=other, slug="mayor-abroad")
    ParticipationFactory(session=abroad, person=programme["mayor"])
    assert "elsewhere" in slugs(results(client, "/api/v1/sessions"))
    assert slugs(results(client, "/api/v1/sessions?speaker=mayor-green")) == [
        "opening",
        "mayor-abroad",
    ]
    assert slugs(results(client, "/api/v1/sessions?host=green-city")) == ["opening"]
    assert slugs(results(client, "/api/v1/sessions?text=far+away")) == ["elsewhere"]


def test_updated_since_gives_the_sessions_changed_since(client, programme):
    long_ago = dt.datetime(2024, 1, 1, tzinfo=UTC)
    Session.objects.update(updated_at=long_ago)
    Session.objects.filter(pk=programme["late"].pk).update(
        updated_at=dt.datetime(2024, 11, 1, 3, 0, tzinfo=UTC)
    )
    # 12:00 in Tokyo is 03:00 UTC: the boundary is inclusive.
    for since in (
        "2024-11-01T12:00:00%2B09:00",
        "2024-11-01T03:00:00Z",
        "2024-11-01T12:00:00 09:00",
    ):
        items = results(client, f"/api/v1/sessions?event=summit&updated_since={since}")
        assert slugs(items) == ["late-night-dialogue"], since
    items = results(client, "/api/v1/sessions?updated_since=2024-11-01T03:00:01Z")
    assert items == []


def test_a_change_to_a_speaker_moves_the_session_into_updated_since(client, programme):
    Session.objects.update(updated_at=dt.datetime(2024, 1, 1, tzinfo=UTC))
    ParticipationFactory(session=programme["cancelled"], person=programme["mayor"])
    items = results(client, "/api/v1/sessions?updated_since=2024-06-01T00:00:00Z")
    assert slugs(items) == ["cancelled-panel"]
    assert items[0]["revision"] >= 1


# Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("event=nowhere", "event", "There is no event “nowhere”."),
        ("event=summit&venue=attic", "venue", "There is no venue “attic” at this event."),
        (
            "venue=hall",
            "venue",
            "A venue belongs to an event: give the event as well (event=…).",
        ),
        ("event=summit&host=nobody", "host", "There is no organisation “nobody”."),
        ("host=nobody", "host", "There is no organisation “nobody”."),
        ("speaker=nobody", "speaker", "There is no speaker “nobody”."),
        ("event=summit&day=12-11-2024", "day", "Give the day as YYYY-MM-DD, such as 2024-11-12."),
        ("event=summit&day=2024-02-30", "day", "Give the day as YYYY-MM-DD, such as 2024-11-12."),
        (
            "event=summit&day=2024-12-01",
            "day",
            "2024-12-01 is not a day of this event (11–22 Nov 2024).",
        ),
        (
            "day=2024-11-12",
            "day",
            "A day is read in the event's time zone: give the event as well.",
        ),
        (
            "updated_since=yesterday",
            "updated_since",
            "Give a date and time with its offset from UTC, such as 2024-11-12T09:00:00+09:00.",
        ),
        (
            "updated_since=2024-11-12T09:00:00",
            "updated_since",
            "Give a date and time with its offset from UTC, such as 2024-11-12T09:00:00+09:00.",
        ),
        (
            "updated_since=0001-01-01T00:00:00%2B05:00",
            "updated_since",
            "Give a date and time with its offset from UTC, such as 2024-11-12T09:00:00+09:00.",
        ),
        (
            "cursor=not-a-cursor",
            "cursor",
            "This page address is not valid; start again from the first page.",
        ),
        ("page_size=0", "page_size", "Give a page size from 1 to 500."),
        ("page_size=501", "page_size", "Give a page size from 1 to 500."),
        ("page_size=ten", "page_size", "Give a page size from 1 to 500."),
        ("event=summit&venue=ha%00ll", "venue", "Null characters are not allowed."),
        ("text=" + "x" * 201, "text", "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_a_bad_filter_value_is_answered_400_with_the_field_and_a_message(
    client, programme, query, field, message
):
    body = get_json(client, f"/api/v1/sessions?{query}", status=400)
    assert body["detail"] == "Some of the request's parameters are not valid: see errors."
    assert {"field": field, "message": message} in body["errors"]


def test_every_bad_filter_is_reported_at_once(client, programme):
    body = get_json(
        client,
        "/api/v1/sessions?event=summit&venue=attic&host=nobody&speaker=nobody&day=2024-12-01",
        status=400,
    )
    assert sorted(error["field"] for error in body["errors"]) == ["day", "host", "speaker", "venue"]


def test_bad_input_messages_follow_accept_language(client, programme):
    body = get_json(client, "/api/v1/sessions?event=summit&venue=attic", status=400, lang="ja")
    assert body["errors"] == [
        {"field": "venue", "message": "このイベントに「attic」という会場はありません。"}
    ]
    body = get_json(client, "/api/v1/sessions?event=summit&day=soon", status=400, lang="ja-JP")
    assert body["errors"] == [
        {
            "field": "day",
            "message": "日付は 2024-11-12 のように YYYY-MM-DD の形式で指定してください。",
        }
    ]
    body = get_json(client, "/api/v1/people/nobody", status=404, lang="ja")
    assert body["detail"] == "「nobody」という登壇者はいません。"


def test_every_list_answers_400_for_a_bad_cursor_or_page_size(client, programme):
    for url in (
        "/api/v1/events",
        "/api/v1/events/summit/venues",
        "/api/v1/people",
        "/api/v1/organisations",
        "/api/v1/glossary",
    ):
        body = get_json(client, f"{url}?cursor=%E2%9C%93", status=400)
        assert body["errors"][0]["field"] == "cursor"
        body = get_json(client, f"{url}?page_size=-1", status=400)
        assert body["errors"][0]["field"] == "page_size"


def test_unknown_objects_and_addresses_are_404_json(client, programme):
    for url, detail in (
        ("/api/v1/events/nowhere", "There is no event “nowhere”."),
        ("/api/v1/events/summit/sessions/nothing", "There is no session “nothing” at this event."),
        ("/api/v1/events/nowhere/sessions/opening", "There is no event “nowhere”."),
        ("/api/v1/events/not%20a%20slug", "There is no event “not a slug”."),
        ("/api/v1/organisations/nobody", "There is no organisation “nobody”."),
        ("/api/v1/no/such/thing", "There is nothing at this address."),
    ):
        assert get_json(client, url, status=404) == {"detail": detail, "errors": []}


# Pagination ----------------------------------------------------------------------------


@pytest.fixture
def thirty_sessions(db):
    event = EventFactory(slug="busy")
    venue = VenueFactory(event=event)
    made = []
    for n in range(27):
        # Three sessions a slot, so that the key's second part (the id) decides ties.
        start = dt.datetime(2024, 11, 11 + n // 9, 9 + (n // 3) % 3, tzinfo=BAKU)
        made.append(
            SessionFactory(
                event=event, venue=venue, starts_at=start, ends_at=start + dt.timedelta(hours=1)
            )
        )
    for _ in range(3):
        made.append(
            SessionFactory(
                event=event,
                venue=venue,
                starts_at=None,
                ends_at=None,
                tbc_start_time=dt.time(10, 0),
            )
        )
    return event, made


def _walk(client, url, direction="next"):
    pages = []
    while url:
        body = get_json(client, url)
        pages.append(body)
        url = body[direction]
    return pages


def test_following_next_covers_every_session_exactly_once_in_order(client, thirty_sessions):
    event, made = thirty_sessions
    pages = _walk(client, f"/api/v1/sessions?event={event.slug}&page_size=7")
    assert [len(page["results"]) for page in pages] == [7, 7, 7, 7, 2]
    seen = [item["id"] for page in pages for item in page["results"]]
    expected = [s.pk for s in sorted(made, key=lambda s: (s.starts_at is None, s.starts_at, s.pk))]
    assert seen == expected
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None


def test_following_previous_walks_back_through_the_same_pages(client, thirty_sessions):
    event, _made = thirty_sessions
    forward = _walk(client, f"/api/v1/sessions?event={event.slug}&page_size=7")
    backward = _walk(client, forward[-1]["previous"], direction="previous")
    ids = [[item["id"] for item in page["results"]] for page in forward]
    assert [[item["id"] for item in page["results"]] for page in backward] == ids[-2::-1]
    assert backward[-1]["previous"] is None


def test_pages_keep_the_filters_and_the_page_size(client, thirty_sessions):
    event, _made = thirty_sessions
    body = get_json(client, f"/api/v1/sessions?event={event.slug}&day=2024-11-11&page_size=4")
    assert body["next"].startswith("http://testserver/api/v1/sessions?")
    assert "day=2024-11-11" in body["next"]
    assert "page_size=4" in body["next"]
    pages = _walk(client, f"/api/v1/sessions?event={event.slug}&day=2024-11-11&page_size=4")
    assert sum(len(page["results"]) for page in pages) == 9


def test_a_session_added_before_the_cursor_does_not_shift_the_next_page(client, thirty_sessions):
    event, _made = thirty_sessions
    first = get_json(client, f"/api/v1/sessions?event={event.slug}&page_size=5")
    SessionFactory(event=event, venue=event.venues.first(), starts_at=baku(11, 8))
    second = get_json(client, first["next"])
    everything = results(client, f"/api/v1/sessions?event={event.slug}&page_size=500")
    ids = [item["id"] for item in everything]
    assert second["results"][0]["id"] == ids[ids.index(first["results"][-1]["id"]) + 1]


def test_people_and_events_pages_follow_on(client, db):
    for n in range(5):
        ParticipationFactory(person=PersonFactory(slug=f"speaker-{n}"))
    pages = _walk(client, "/api/v1/people?page_size=2")
    assert [slugs(page["results"]) for page in pages] == [
        ["speaker-0", "speaker-1"],
        ["speaker-2", "speaker-3"],
        ["speaker-4"],
    ]
    pages = _walk(client, "/api/v1/events?page_size=2")
    assert len({s for page in pages for s in slugs(page["results"])}) == 5


def test_the_default_page_size_is_100_and_the_largest_500(client, db):
    event = EventFactory(slug="huge")
    venue = VenueFactory(event=event)
    start = dt.datetime(2024, 11, 12, 9, tzinfo=BAKU)
    Session.objects.bulk_create(
        Session(
            event=event,
            venue=venue,
            slug=f"s-{n}",
            title_en=f"S {n}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            status=Session.Status.PUBLISHED,
        )
        for n in range(501)
    )
    assert len(results(client, "/api/v1/sessions?event=huge")) == 100
    assert len(results(client, "/api/v1/sessions?event=huge&page_size=500")) == 500


# Queries -------------------------------------------------------------------------------


def _sessions_with_everything(event, count):
    venue = VenueFactory(event=event)
    for n in range(count):
        start = dt.datetime(2024, 11, 12, 9, n % 60, tzinfo=BAKU)
        session = SessionFactory(
            event=event,
            venue=venue,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            recording_url="https://example.org/video",
        )
        SessionHostFactory(session=session)
        ParticipationFactory(session=session)
        ParticipationFactory(session=session, person=None)
        SessionLinkFactory(session=session)
        ChapterFactory(session=session)
        VenuePartnerFactory(venue=venue)
        GlossaryTermFactory()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.json().get("results", [1]))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sessions?event={event}",
        "/api/v1/sessions?event={event}&venue={venue}&host={host}&speaker={speaker}&text=Session",
        "/api/v1/sessions",
        "/api/v1/events",
        "/api/v1/events/{event}/venues",
        "/api/v1/people",
        "/api/v1/organisations",
        "/api/v1/glossary",
    ],
)
def test_a_list_costs_the_same_queries_for_1_and_30_rows(client, db, url):
    counts = []
    for size in (1, 30):
        event = EventFactory()
        _sessions_with_everything(event, size)
        session = event.sessions.first()
        address = url.format(
            event=event.slug,
            venue=session.venue.slug,
            host=session.hosts.first().organisation.slug,
            speaker=session.participations.exclude(person=None).first().person.slug,
        )
        queries, rows = _queries(client, address)
        assert rows >= 1
        counts.append(queries)
    assert counts[0] == counts[1]
    assert counts[1] <= 12


# The demo ------------------------------------------------------------------------------


def test_demo_cop29_sessions_with_their_japanese_names(client, demo):
    items = {i["slug"]: i for i in results(client, "/api/v1/sessions?event=cop29")}
    assert len(items) == 4
    lgma = items["lgma-response-to-cop29-and-world-climate-action-summit"]
    assert lgma["starts_at"] == "2024-11-13T06:00:00Z"  # 10:00 Baku time
    assert lgma["timezone"] == "Asia/Baku"
    (koike,) = lgma["speakers"]
    assert koike["person"]["name"] == {"en": "Yuriko Koike", "ja": "小池 百合子"}
    assert koike["person"]["title"] == {"en": "Governor of Tokyo", "ja": "東京都知事"}
    unconfirmed = items["japan-pavilion-multilevel-action-high-level-and-action-sessions"]
    assert unconfirmed["starts_at"] is None
    assert unconfirmed["time_to_be_confirmed"] == {"start": "14:00", "end": "15:15"}
    names = [s["person"]["name"]["ja"] for s in unconfirmed["speakers"]]
    assert names == ["竹本 和彦", "松澤 裕", "内田 東吾", "清水 勇人"]
    c2p2 = items["japan-pavilion-c2p2-yokohama-bangkok"]
    assert c2p2["chapters"][0]["offset_seconds"] == 23 * 60 + 5
    assert c2p2["chapters"][0]["title"]["ja"] == "C2P2の優良事例：「横浜市・バンコク都連携」"


def test_demo_has_no_drafts_and_flags_the_cancelled_session(client, demo):
    items = {i["slug"]: i for i in results(client, "/api/v1/sessions")}
    assert "example-draft-session" not in items
    workshop = items["example-workshop-on-urban-heat-maps"]
    assert workshop["status"] == "cancelled"
    assert workshop["cancelled"] is True
    statuses = {i["status"] for i in items.values()}
    assert statuses == {"published", "cancelled"}


def test_demo_speakers_venues_and_glossary(client, demo):
    koike = get_json(client, "/api/v1/people/yuriko-koike")
    assert koike["name"]["ja"] == "小池 百合子"
    assert koike["sessions"][0]["session"]["event"] == "cop29"
    venues = {v["slug"]: v for v in results(client, "/api/v1/events/cop29/venues")}
    pavilion = venues["multilevel-action-urbanization-pavilion"]
    assert pavilion["area_m2"] == 100
    assert [p["organisation"]["slug"] for p in pavilion["partners"]] == [
        "iclei",
        "un-habitat",
        "scupa",
    ]
    assert len(pavilion["aims"]) == 3
    champ = next(t for t in results(client, "/api/v1/glossary") if t["slug"] == "champ")
    assert champ["expansion"]["en"] == "Coalition for High Ambition Multilevel Partnerships"


def test_every_answer_matches_its_documented_schema(client, demo):
    for url, model in (
        ("/api/v1/events", schemas.EventPage),
        ("/api/v1/events/cop29", schemas.Event),
        ("/api/v1/events/cop29/venues", schemas.VenuePage),
        ("/api/v1/sessions", schemas.SessionPage),
        (
            "/api/v1/events/cop29/sessions/japan-pavilion-c2p2-yokohama-bangkok",
            schemas.Session,
        ),
        ("/api/v1/people", schemas.PersonPage),
        ("/api/v1/people/hayato-shimizu", schemas.Person),
        ("/api/v1/organisations", schemas.OrganisationPage),
        ("/api/v1/organisations/iclei-japan", schemas.Organisation),
        ("/api/v1/glossary", schemas.GlossaryPage),
        ("/api/v1/sessions?venue=x", schemas.Error),
    ):
        body = client.get(url).json()
        model.model_validate(body)  # raises on a missing, extra or mistyped field


# Around the API ------------------------------------------------------------------------


def test_the_api_is_open_to_other_sites(client, programme):
    response = client.get("/api/v1/sessions", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    response = client.get("/api/v1/sessions?event=nowhere")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/sessions",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_an_unchanged_answer_is_304_with_its_etag(client, programme):
    first = client.get("/api/v1/sessions?event=summit")
    etag = first["ETag"]
    again = client.get("/api/v1/sessions?event=summit", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    Session.objects.filter(pk=programme["opening"].pk).update(title_en="Renamed opening")
    changed = client.get("/api/v1/sessions?event=summit", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Renamed opening" in changed.content.decode()


def test_japanese_is_sent_as_utf8_text(client, programme):
    content = client.get("/api/v1/events/summit").content
    assert "気候サミット".encode() in content


def test_openapi_document_describes_every_endpoint(client, db):
    spec = get_json(client, "/api/v1/openapi.json")
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Pavilion API"
    assert set(spec["paths"]) == {
        "/api/v1/events",
        "/api/v1/events/{event}",
        "/api/v1/events/{event}/venues",
        "/api/v1/sessions",
        "/api/v1/events/{event}/sessions/{slug}",
        "/api/v1/people",
        "/api/v1/people/{slug}",
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}",
        "/api/v1/glossary",
    }
    sessions = spec["paths"]["/api/v1/sessions"]["get"]
    names = {p["name"] for p in sessions["parameters"]}
    assert names == {
        "event",
        "day",
        "venue",
        "host",
        "speaker",
        "text",
        "updated_since",
        "cursor",
        "page_size",
    }
    assert set(sessions["responses"]) == {"200", "400"}
    text_schema = spec["components"]["schemas"]["Text"]
    assert set(text_schema["properties"]) == {"en", "ja"}


def test_browsable_docs_load_their_assets_from_this_site(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert 'href="/static/ninja/swagger-ui.css"' in html
    assert "cdn." not in html
    assert "https://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
