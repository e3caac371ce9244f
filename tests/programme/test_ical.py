"""Calendar feeds, as a calendar app reads them, and the "add to calendar" links."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from pavilion.programme import ical_views
from pavilion.programme.ical import escape_text, fold
from pavilion.programme.models import Participation, Session, SessionHost
from tests.factories import (
    BAKU,
    EventFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    SessionHostFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

BAKU_ZONE = ZoneInfo("Asia/Baku")
FEED = "/events/cop29/programme.ics"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The test database is rolled back between tests but the cache is not.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event():
    return EventFactory(
        slug="cop29",
        name_en="COP29",
        name_ja="COP29（バクー）",
        place_en="Baku, Azerbaijan",
        place_ja="アゼルバイジャン・バクー",
        is_featured=True,
    )


@pytest.fixture
def pavilion(event):
    return VenueFactory(
        event=event, slug="pavilion", name_en="Our Pavilion", name_ja="私たちのパビリオン"
    )


@pytest.fixture
def japan_pavilion(event):
    return VenueFactory(
        event=event, slug="japan-pavilion", name_en="Japan Pavilion", name_ja="ジャパン・パビリオン"
    )


@pytest.fixture
def saitama():
    return OrganisationFactory(slug="saitama-city", name_en="Saitama City", name_ja="さいたま市")


@pytest.fixture
def iclei_japan():
    return OrganisationFactory(slug="iclei-japan", name_en="ICLEI Japan", name_ja="イクレイ日本")


@pytest.fixture
def koike():
    return PersonFactory(
        slug="yuriko-koike",
        name_en="Yuriko Koike",
        name_ja="小池 百合子",
        title_en="Governor of Tokyo",
        title_ja="東京都知事",
        organisation=OrganisationFactory(slug="tokyo", name_en="Tokyo Metropolitan Government"),
    )


@pytest.fixture
def urban7(event, pavilion, saitama, iclei_japan):
    """The seed's first session: Tue 12 Nov 2024, 16:30–17:30 Baku time, speakers to be announced."""
    session = SessionFactory(
        event=event,
        venue=pavilion,
        slug="urban7-saitama",
        title_en="The Urban7 – Saitama City “E-KIZUNA High-Level Talks”",
        title_ja="Urban7 – さいたま市「E-KIZUNAハイレベル・トーク」",
        summary_en="Organised by Saitama City in cooperation with ICLEI Japan.",
        summary_ja="さいたま市とイクレイ日本の協力により開催します。",
        starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU_ZONE),
        ends_at=dt.datetime(2024, 11, 12, 17, 30, tzinfo=BAKU_ZONE),
    )
    SessionHostFactory(session=session, organisation=saitama, role=SessionHost.Role.ORGANISER)
    SessionHostFactory(
        session=session, organisation=iclei_japan, role=SessionHost.Role.COOPERATION, order=1
    )
    ParticipationFactory(session=session, person=None, role=Participation.Role.SPEAKER)
    return session


@pytest.fixture
def lgma(event, pavilion, koike):
    session = SessionFactory(
        event=event,
        venue=pavilion,
        slug="lgma-response",
        title_en="LGMA Response to COP29 and World Climate Action Summit",
        title_ja="COP29と世界気候行動サミットへのLGMAの対応",
        starts_at=dt.datetime(2024, 11, 13, 10, 0, tzinfo=BAKU_ZONE),
        ends_at=dt.datetime(2024, 11, 13, 11, 0, tzinfo=BAKU_ZONE),
    )
    ParticipationFactory(session=session, person=koike, role=Participation.Role.KEYNOTE)
    SessionHostFactory(
        session=session,
        organisation=OrganisationFactory(slug="iclei-europe", name_en="ICLEI Europe"),
    )
    return session


@pytest.fixture
def unconfirmed(event, japan_pavilion, iclei_japan):
    """At the Japan Pavilion, 14:00–15:15 Baku time, on a day not yet known."""
    session = SessionFactory(
        event=event,
        venue=japan_pavilion,
        slug="japan-pavilion-date-tbc",
        title_en="Japan Pavilion: date to be confirmed",
        starts_at=None,
        ends_at=None,
        tbc_start_time=dt.time(14, 0),
        tbc_end_time=dt.time(15, 15),
    )
    SessionHostFactory(session=session, organisation=iclei_japan)
    return session


@pytest.fixture
def cancelled(event, japan_pavilion):
    return SessionFactory(
        event=event,
        venue=japan_pavilion,
        slug="called-off",
        title_en="Called-off workshop",
        title_ja="中止になったワークショップ",
        status=Session.Status.CANCELLED,
        starts_at=dt.datetime(2024, 11, 14, 9, 0, tzinfo=BAKU_ZONE),
        ends_at=dt.datetime(2024, 11, 14, 10, 0, tzinfo=BAKU_ZONE),
    )


@pytest.fixture
def draft(event, pavilion):
    return SessionFactory(
        event=event,
        venue=pavilion,
        slug="not-yet",
        title_en="Secret draft",
        status=Session.Status.DRAFT,
        starts_at=dt.datetime(2024, 11, 15, 9, 0, tzinfo=BAKU_ZONE),
        ends_at=dt.datetime(2024, 11, 15, 10, 0, tzinfo=BAKU_ZONE),
    )


@pytest.fixture
def programme(urban7, lgma, unconfirmed, cancelled, draft):
    return {"urban7": urban7, "lgma": lgma, "cancelled": cancelled}


def fetch(client, url, **headers):
    """The response and the calendar a calendar app would read from it."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


def vevents(calendar) -> dict[str, object]:
    """The calendar's events by their title."""
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def titles(client, url) -> set[str]:
    return set(vevents(fetch(client, url)[1]))


# --- The feed as a calendar -----------------------------------------------------------------


def test_programme_feed_is_a_calendar_in_the_event_zone(client, programme, urban7):
    response, calendar = fetch(client, FEED)
    assert calendar["VERSION"] == "2.0"
    assert "Pavilion" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Programme – COP29"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Baku"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Baku"]
    assert calendar.walk("VTIMEZONE")[0].walk("STANDARD")[0]["TZOFFSETTO"].td == dt.timedelta(
        hours=4
    )

    event = vevents(calendar)["The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"]
    assert event["DTSTART"].params["TZID"] == "Asia/Baku"
    assert event["DTSTART"].dt == dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU_ZONE)
    assert event["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2024, 11, 12, 16, 30)
    assert event["DTEND"].dt == dt.datetime(2024, 11, 12, 17, 30, tzinfo=BAKU_ZONE)
    assert b"DTSTART;TZID=Asia/Baku:20241112T163000" in response.content
    assert str(event["UID"]) == f"{urban7.pk}.cop29@pavilion"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Our Pavilion, Baku, Azerbaijan"
    assert str(event["URL"]) == "http://testserver/en/events/cop29/sessions/urban7-saitama/"
    assert event["DTSTAMP"].dt.tzinfo is not None


def test_feed_headers_for_calendar_apps_and_caches(client, programme):
    response, _calendar = fetch(client, FEED)
    assert response["Content-Disposition"] == 'inline; filename="cop29-programme.ics"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
    shown = Session.objects.public().filter(starts_at__isnull=False)
    newest = max(s.updated_at for s in shown)
    assert response["Last-Modified"] == newest.strftime("%a, %d %b %Y %H:%M:%S GMT")

    download = client.get(FEED + "?download=1")
    assert download["Content-Disposition"] == 'attachment; filename="cop29-programme.ics"'
    assert download.content == response.content


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client, programme, cancelled):
    events = vevents(fetch(client, FEED)[1])
    event = events["Cancelled: Called-off workshop"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{cancelled.pk}.cop29@pavilion"
    assert str(event["DESCRIPTION"]).startswith("This session has been cancelled.")


def test_unconfirmed_and_draft_sessions_are_left_out(client, programme):
    found = titles(client, FEED)
    assert found == {
        "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”",
        "LGMA Response to COP29 and World Climate Action Summit",
        "Cancelled: Called-off workshop",
    }
    assert not any("date to be confirmed" in t or "Secret draft" in t for t in found)


def test_description_names_hosts_and_speakers_with_roles_and_the_page(client, programme):
    events = vevents(fetch(client, FEED)[1])
    urban7 = str(events["The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"]["DESCRIPTION"])
    assert urban7.splitlines() == [
        "Organised by Saitama City in cooperation with ICLEI Japan.",
        "",
        "Organiser: Saitama City",
        "In cooperation with: ICLEI Japan",
        "",
        "Speaker: To be announced",
        "",
        "http://testserver/en/events/cop29/sessions/urban7-saitama/",
    ]
    lgma = str(events["LGMA Response to COP29 and World Climate Action Summit"]["DESCRIPTION"])
    assert "Keynote: Yuriko Koike, Governor of Tokyo" in lgma
    assert "Organiser: ICLEI Europe" in lgma


def test_japanese_feed_has_japanese_titles_names_and_addresses(client, programme, event):
    event.place_ja = ""
    event.save()
    Session.objects.filter(slug="lgma-response").update(title_ja="")
    events = vevents(fetch(client, FEED + "?lang=ja")[1])
    urban7 = events["Urban7 – さいたま市「E-KIZUNAハイレベル・トーク」"]
    assert str(urban7["URL"]) == "http://testserver/ja/events/cop29/sessions/urban7-saitama/"
    description = str(urban7["DESCRIPTION"])
    assert description.startswith("さいたま市とイクレイ日本の協力により開催します。")
    assert "さいたま市" in description and "イクレイ日本" in description
    assert "http://testserver/ja/events/cop29/sessions/urban7-saitama/" in description
    # A missing Japanese text falls back to the English one, never to nothing.
    assert str(urban7["LOCATION"]) == "私たちのパビリオン、Baku, Azerbaijan"
    lgma = events["LGMA Response to COP29 and World Climate Action Summit"]
    assert "小池 百合子、東京都知事" in str(lgma["DESCRIPTION"])


# --- Filters, as on the programme page -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("day=2024-11-12", {"The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"}),
        ("day=2024-11-13", {"LGMA Response to COP29 and World Climate Action Summit"}),
        ("venue=japan-pavilion", {"Cancelled: Called-off workshop"}),
        ("host=saitama-city", {"The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"}),
        ("host=iclei-japan", {"The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"}),
        ("speaker=yuriko-koike", {"LGMA Response to COP29 and World Climate Action Summit"}),
        ("q=E-KIZUNA", {"The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"}),
        ("q=ハイレベル", {"The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"}),
        ("q=小池", {"LGMA Response to COP29 and World Climate Action Summit"}),
        ("q=governor+of+nowhere", set()),
        (
            "venue=pavilion&day=2024-11-13",
            {"LGMA Response to COP29 and World Climate Action Summit"},
        ),
    ],
)
def test_filtered_feed_holds_only_the_matching_sessions(client, programme, query, expected):
    assert titles(client, f"{FEED}?{query}") == expected


def test_filtered_japanese_feed_matches_text_in_either_language(client, programme):
    assert titles(client, f"{FEED}?lang=ja&q=Saitama") == {
        "Urban7 – さいたま市「E-KIZUNAハイレベル・トーク」"
    }


def test_an_empty_feed_is_still_a_valid_calendar(client, event, pavilion):
    _response, calendar = fetch(client, FEED)
    assert calendar.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Baku"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("venue=atlantis", "There is no venue “atlantis” at this event."),
        ("host=nobody", "There is no organisation “nobody”."),
        ("day=12-11-2024", "Give the day as YYYY-MM-DD, such as 2024-11-12."),
        ("day=2025-01-01", "2025-01-01 is not a day of this event"),
        ("speaker=nobody", "There is no speaker “nobody”."),
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(client, programme, query, message):
    response = client.get(f"{FEED}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_a_bad_filter_is_explained_in_the_language_asked(client, programme):
    response = client.get(f"{FEED}?lang=ja&venue=atlantis")
    assert response.status_code == 400
    assert "このイベントに「atlantis」という会場はありません。" in response.content.decode()


def test_an_unknown_language_is_a_400(client, programme):
    response = client.get(f"{FEED}?lang=fr")
    assert response.status_code == 400
    assert "lang=en or lang=ja" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/events/nope/programme.ics",
        "/events/cop29/sessions/nope.ics",
        "/events/cop29/sessions/not-yet.ics",  # a draft
        "/events/cop29/speakers/nobody.ics",
        "/events/cop29/organisations/nobody.ics",
        "/events/hidden/programme.ics",
    ],
)
def test_unknown_or_hidden_things_are_404(client, programme, url):
    EventFactory(slug="hidden", is_public=False)
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"


# --- One session, one speaker, one organisation -------------------------------------------


def test_session_feed_holds_that_session(client, programme, urban7):
    response, calendar = fetch(client, "/events/cop29/sessions/urban7-saitama.ics")
    assert set(vevents(calendar)) == {"The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"}
    assert str(calendar["X-WR-CALNAME"]) == "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"
    assert response["Content-Disposition"] == 'inline; filename="cop29-urban7-saitama.ics"'
    download = client.get("/events/cop29/sessions/urban7-saitama.ics?download=1")
    assert download["Content-Disposition"].startswith("attachment;")


def test_session_feed_of_an_unconfirmed_date_has_no_event(client, programme):
    _response, calendar = fetch(client, "/events/cop29/sessions/japan-pavilion-date-tbc.ics")
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")


def test_speaker_feed_holds_their_sessions_at_this_event_only(client, programme, koike):
    other_event = EventFactory(slug="cop30")
    ParticipationFactory(
        session=SessionFactory(event=other_event, title_en="Elsewhere"), person=koike
    )
    _response, calendar = fetch(client, "/events/cop29/speakers/yuriko-koike.ics")
    assert set(vevents(calendar)) == {"LGMA Response to COP29 and World Climate Action Summit"}
    assert str(calendar["X-WR-CALNAME"]) == "Yuriko Koike at COP29"
    # Someone who speaks at another event only has no feed here.
    stranger = PersonFactory(slug="stranger")
    ParticipationFactory(session=SessionFactory(event=other_event), person=stranger)
    assert client.get("/events/cop29/speakers/stranger.ics").status_code == 404


def test_organisation_feed_holds_what_it_hosts_and_where_its_people_speak(
    client, programme, koike, event, pavilion
):
    tokyo = koike.organisation
    hosted = SessionFactory(
        event=event,
        venue=pavilion,
        title_en="Hosted by Tokyo",
        starts_at=dt.datetime(2024, 11, 16, 9, 0, tzinfo=BAKU),
    )
    SessionHostFactory(session=hosted, organisation=tokyo)
    found = titles(client, f"/events/cop29/organisations/{tokyo.slug}.ics")
    assert found == {"LGMA Response to COP29 and World Climate Action Summit", "Hosted by Tokyo"}
    assert titles(client, "/events/cop29/organisations/iclei-japan.ics") == {
        "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"
    }


# --- Changes, revisions and caching -------------------------------------------------------


def test_an_edit_raises_sequence_and_moves_last_modified(
    client, programme, urban7, django_capture_on_commit_callbacks
):
    long_ago = dt.datetime(2024, 10, 1, 8, 0, tzinfo=dt.UTC)
    Session.objects.filter(pk=urban7.pk).update(updated_at=long_ago)
    url = "/events/cop29/sessions/urban7-saitama.ics"
    before_response, before = fetch(client, url)
    event = before.walk("VEVENT")[0]
    assert event["LAST-MODIFIED"].dt == long_ago
    sequence = int(event["SEQUENCE"])

    with django_capture_on_commit_callbacks(execute=True):
        urban7.refresh_from_db()
        urban7.title_en = "Urban7: new title"
        urban7.save()

    after_response, after = fetch(client, url)
    event = after.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Urban7: new title"
    assert int(event["SEQUENCE"]) == sequence + 1
    assert event["LAST-MODIFIED"].dt > long_ago
    assert str(event["UID"]) == f"{urban7.pk}.cop29@pavilion"
    assert after_response["ETag"] != before_response["ETag"]
    assert after_response["Last-Modified"] != before_response["Last-Modified"]


def test_a_changed_speaker_reaches_the_feed(
    client, programme, koike, django_capture_on_commit_callbacks
):
    assert "Yuriko Koike" in fetch(client, FEED)[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        koike.name_en = "Governor Koike"
        koike.save()
    lgma = vevents(fetch(client, FEED)[1])["LGMA Response to COP29 and World Climate Action Summit"]
    assert "Keynote: Governor Koike, Governor of Tokyo" in str(lgma["DESCRIPTION"])


def test_if_none_match_gives_304_until_the_programme_changes(
    client, programme, event, urban7, django_capture_on_commit_callbacks
):
    url = f"{FEED}?venue=pavilion"
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # Even when the built copy has left the cache, the same version is still the same.
    key = ical_views._cache_key(
        RequestFactory().get(url), event=event, kind="programme", slug="", lang="en"
    )
    assert etag == f'"{key[:40]}"'
    cache.delete(f"ical:{key}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert len(queries) == 1  # the event

    with django_capture_on_commit_callbacks(execute=True):
        urban7.title_en = "Changed"
        urban7.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Changed" in set(vevents(Calendar.from_ical(changed.content)))


def test_a_second_request_is_served_from_the_cache(client, programme):
    first = client.get(FEED + "?lang=ja")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(FEED + "?lang=ja")
    assert len(queries) <= 1
    assert second.status_code == 200
    assert second.content == first.content
    # Another language or filter is another entry.
    assert client.get(FEED).content != first.content


def _event_with_sessions(n: int, slug: str):
    event = EventFactory(slug=slug)
    venue = VenueFactory(event=event)
    for i in range(n):
        start = dt.datetime(2024, 11, 12, 9, 0, tzinfo=BAKU) + dt.timedelta(hours=i)
        session = SessionFactory(
            event=event, venue=venue, starts_at=start, ends_at=start + dt.timedelta(hours=1)
        )
        ParticipationFactory(session=session)
        ParticipationFactory(session=session, role=Participation.Role.MODERATOR)
        SessionHostFactory(session=session)
    return event


@pytest.mark.parametrize(
    "path",
    ["programme.ics", "programme.ics?q=Session&venue={venue}", "speakers/{person}.ics"],
)
def test_query_count_does_not_grow_with_the_number_of_sessions(client, path):
    counts = []
    for n, slug in ((1, "small"), (20, "large")):
        event = _event_with_sessions(n, slug)
        person = PersonFactory()
        for session in event.sessions.all():
            ParticipationFactory(session=session, person=person)
        url = f"/events/{slug}/" + path.format(venue=event.venues.get().slug, person=person.slug)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(Calendar.from_ical(response.content).walk("VEVENT")) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 8


# --- Writing iCalendar text -----------------------------------------------------------------


def test_text_survives_escaping_and_folding(client, event, pavilion):
    title = "Cities; regions, and \\ back-slashes: 都市と地域の気候変動対策" * 3
    summary = "First line, with commas; semicolons.\nSecond line: 二行目、日本語の説明。\\n" * 4
    SessionFactory(event=event, venue=pavilion, title_en=title, summary_en=summary)
    response, calendar = fetch(client, FEED)
    (event_,) = calendar.walk("VEVENT")
    assert str(event_["SUMMARY"]) == title
    assert str(event_["DESCRIPTION"]).startswith(summary.strip())
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # never cut inside a character


def test_fold_keeps_escapes_and_characters_whole():
    line = "DESCRIPTION:" + escape_text("a,b;c\\d\n" * 30 + "日本語" * 40)
    folded = fold(line)
    pieces = folded.split(b"\r\n ")
    assert all(len(p) <= 75 for p in pieces)
    assert b"".join(pieces).decode() == line
    for piece in pieces[:-1]:
        trailing = len(piece) - len(piece.rstrip(b"\\"))
        assert trailing % 2 == 0


# --- Links on the pages -----------------------------------------------------------------------


def _links(html: str) -> dict[str, str]:
    """Each link of the calendar section, by its text."""
    section = re.search(r'<section class="calendar-links".*?</section>', html, re.S)
    assert section, "no calendar links"
    return {
        text.strip(): href.replace("&amp;", "&")
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', section.group(0))
    }


def test_session_page_offers_subscribe_download_google_and_outlook(client, programme, urban7):
    html = client.get("/en/events/cop29/sessions/urban7-saitama/").content.decode()
    links = _links(html)
    assert links["Subscribe to the whole programme"] == (
        "webcal://testserver/events/cop29/programme.ics?lang=en"
    )
    assert links["Download this session (.ics)"] == (
        "/events/cop29/sessions/urban7-saitama.ics?lang=en&download=1"
    )
    download = client.get(links["Download this session (.ics)"])
    assert download["Content-Disposition"].startswith("attachment;")

    google = urlsplit(links["Add to Google Calendar"])
    assert google.netloc == "calendar.google.com"
    query = {k: v[0] for k, v in parse_qs(google.query).items()}
    assert query["action"] == "TEMPLATE"
    assert query["dates"] == "20241112T123000Z/20241112T133000Z"  # 16:30–17:30 in Baku
    assert query["ctz"] == "Asia/Baku"
    assert query["text"] == "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"
    assert query["location"] == "Our Pavilion, Baku, Azerbaijan"
    assert "http://testserver/en/events/cop29/sessions/urban7-saitama/" in query["details"]

    outlook = urlsplit(links["Add to Outlook"])
    assert outlook.netloc == "outlook.live.com"
    assert outlook.path == "/calendar/0/deeplink/compose"
    query = {k: v[0] for k, v in parse_qs(outlook.query).items()}
    assert query["startdt"] == "2024-11-12T12:30:00Z"
    assert query["enddt"] == "2024-11-12T13:30:00Z"
    assert query["subject"] == "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”"
    assert "Organised by Saitama City" in query["body"]


def test_japanese_session_page_links_to_the_japanese_feed(client, programme):
    links = _links(client.get("/ja/events/cop29/sessions/urban7-saitama/").content.decode())
    hrefs = list(links.values())
    assert "webcal://testserver/events/cop29/programme.ics?lang=ja" in hrefs
    google = next(h for h in hrefs if h.startswith("https://calendar.google.com/"))
    query = {k: v[0] for k, v in parse_qs(urlsplit(google).query).items()}
    assert query["text"] == "Urban7 – さいたま市「E-KIZUNAハイレベル・トーク」"
    assert "/ja/events/cop29/sessions/urban7-saitama/" in query["details"]


def test_unconfirmed_session_page_says_why_there_is_no_calendar_link(client, programme):
    html = client.get("/en/events/cop29/sessions/japan-pavilion-date-tbc/").content.decode()
    section = re.search(r'<section class="calendar-links".*?</section>', html, re.S).group(0)
    assert "date is still to be confirmed, so it cannot be added to a calendar yet" in section
    assert "<a " not in section


def test_cancelled_session_page_offers_no_add_links(client, programme):
    links = _links(client.get("/en/events/cop29/sessions/called-off/").content.decode())
    assert "Add to Google Calendar" not in links and "Add to Outlook" not in links
    assert "Download this session (.ics)" in links


def test_programme_page_subscribes_to_the_feed_as_filtered(client, programme):
    links = _links(client.get("/en/events/cop29/programme/?venue=pavilion&q=COP").content.decode())
    subscribe = links["Subscribe to these sessions"]
    assert (
        subscribe == "webcal://testserver/events/cop29/programme.ics?venue=pavilion&q=COP&lang=en"
    )
    download = links["Download these sessions (.ics)"]
    assert download.endswith("&download=1")
    feed = client.get(download)
    assert set(vevents(Calendar.from_ical(feed.content))) == {
        "LGMA Response to COP29 and World Climate Action Summit"
    }
    # A filter that did not parse is not carried into the feed.
    links = _links(client.get("/en/events/cop29/programme/?venue=atlantis").content.decode())
    assert links["Subscribe to the programme"] == (
        "webcal://testserver/events/cop29/programme.ics?lang=en"
    )
