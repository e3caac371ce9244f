"""Schedule files (frab/c3voc schedule.xml and schedule.json, schedule2): valid against
the c3voc schemas, right in their values, cached, and cheap to revalidate."""

import copy
import datetime as dt
import json
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from bench.generate import generate
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from jsonschema import Draft6Validator
from lxml import etree

from pavilion.programme.models import Event, Participation, Session, SessionLink
from pavilion.programme.schedule import (
    GUID_NAMESPACE,
    schedule_guid,
    session_schedule_slug,
)
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    SessionHostFactory,
    SessionLinkFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

# The c3voc schemas, pinned in the repository (or where PAVILION_C3VOC_SCHEMAS points).
SCHEMA_DIR = Path(
    os.environ.get("PAVILION_C3VOC_SCHEMAS")
    or Path(__file__).resolve().parent.parent / "schemas" / "c3voc"
)
BAKU = ZoneInfo("Asia/Baku")
EXPORTS = ["schedule.xml", "schedule.json", "schedule2.json"]
LGMA_TITLE = "LGMA Response to COP29 and World Climate Action Summit"
LGMA_SLUG = "lgma-response-to-cop29-and-world-climate-action-summit"


def _schema_file(name: str) -> Path:
    path = SCHEMA_DIR / name
    assert path.is_file(), (
        f"The c3voc schema {name} is not at {SCHEMA_DIR}: keep the pinned copies in "
        "tests/schemas/c3voc/ or set PAVILION_C3VOC_SCHEMAS."
    )
    return path


def _format_checker():
    """The draft-06 format checks, with date-time and uri checked too (the packages
    jsonschema would use for them are not installed)."""
    checker = copy.deepcopy(Draft6Validator.FORMAT_CHECKER)

    @checker.checks("date-time", raises=ValueError)
    def date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        return dt.datetime.fromisoformat(value).tzinfo is not None and "T" in value

    @checker.checks("uri", raises=ValueError)
    def uri(value) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and value.isascii() and " " not in value

    return checker


def assert_valid(name: str, body: bytes) -> None:
    if name.endswith(".xml"):
        schema = etree.XMLSchema(etree.parse(str(_schema_file("schedule.xml.xsd"))))
        document = etree.fromstring(body)
        assert schema.validate(document), schema.error_log
        return
    schema = json.loads(_schema_file("schema2.json" if "2" in name else "schema.json").read_text())
    Draft6Validator.check_schema(schema)
    errors = sorted(
        Draft6Validator(schema, format_checker=_format_checker()).iter_errors(json.loads(body)),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def url(event: Event | str, name: str, **params) -> str:
    slug = event if isinstance(event, str) else event.slug
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/events/{slug}/{name}" + (f"?{query}" if query else "")


def get(client, event, name, **params):
    response = client.get(url(event, name, **params))
    assert response.status_code == 200, response.content[:500]
    return response


def frab_events_xml(body: bytes) -> list[etree._Element]:
    return etree.fromstring(body).findall("day/room/event")


def frab_events_json(body: bytes) -> list[dict]:
    days = json.loads(body)["schedule"]["conference"]["days"]
    return [e for day in days for events in day["rooms"].values() for e in events]


def titles(name: str, body: bytes) -> list[str]:
    if name.endswith(".xml"):
        return [e.findtext("title") for e in frab_events_xml(body)]
    if "2" in name:
        return [e["title"] for e in json.loads(body)["schedule"]["events"]]
    return [e["title"] for e in frab_events_json(body)]


# --- validity ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_export_of_the_demo_is_valid_against_the_c3voc_schemas(client, name, lang):
    call_command("load_demo", verbosity=0)
    for slug in Event.objects.values_list("slug", flat=True):
        body = get(client, slug, name, lang=lang).content
        assert_valid(name, body)
    cop29 = get(client, "cop29", name, lang=lang).content
    expected = LGMA_TITLE if lang == "en" else "COP29および世界気候行動サミットに対するLGMAの対応"
    assert expected in titles(name, cop29)


@pytest.fixture
def generated_event():
    """Generated data with Japanese text, cancelled and unconfirmed sessions, and awkward
    values the schemas are strict about."""
    event = generate(
        sessions=60, people=80, venues=4, days=3, orgs=12, seed=5, start=dt.date(2025, 11, 10)
    )
    room = 'Room "A"\tnorth & <east>'
    venue = VenueFactory(event=event, slug="x", name_en=room, name_ja="")
    VenueFactory(event=event, slug="room-a-", name_en=room, name_ja="")  # the same name
    start = dt.datetime(2025, 11, 11, 21, 0, tzinfo=ZoneInfo(event.timezone))
    awkward = SessionFactory(
        event=event,
        venue=venue,
        slug="a",
        title_en="",
        title_ja='気候\x0bと都市 <&> "引用"',
        summary_en="",
        summary_ja="",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=26),
        recording_url="ftp://example.org/recording.mp4",
    )
    ParticipationFactory(session=awkward, person=None, role=Participation.Role.SPEAKER)
    ParticipationFactory(session=awkward, person=PersonFactory(name_en="", name_ja="山田 花子"))
    SessionLinkFactory(session=awkward, url="https://例え.jp/パス", label_en="", label_ja="")
    return event


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_export_of_generated_data_is_valid_against_the_c3voc_schemas(
    client, generated_event, name, lang
):
    sessions = Session.objects.filter(event=generated_event)
    assert sessions.filter(status=Session.Status.CANCELLED).exists()
    assert sessions.filter(starts_at__isnull=True).exists()
    body = get(client, generated_event, name, lang=lang).content
    assert_valid(name, body)
    text = body.decode()
    if lang == "ja":
        assert "都市の気候変動対策" in text or "セッション" in text
    # XML cannot carry the control character: it is dropped there, not the title.
    control = "" if name.endswith(".xml") else "\x0b"
    assert f'気候{control}と都市 <&> "引用"' in titles(name, body)
    if name.endswith(".xml"):
        rooms = {room.get("name") for room in etree.fromstring(body).iter("room")}
        assert 'Room "A"\tnorth & <east> (x)' in rooms


@pytest.mark.parametrize("name", EXPORTS)
def test_an_event_with_no_sessions_still_gives_a_valid_file(client, name):
    event = EventFactory(start_date=dt.date(2025, 6, 1), end_date=dt.date(2025, 6, 1))
    assert_valid(name, get(client, event, name).content)


def test_session_slugs_fit_the_c3voc_pattern_even_when_short():
    assert session_schedule_slug("cop29", 1, "a") == "cop29-001-a"
    assert session_schedule_slug("cop29", 7, "Panel-") == "cop29-7-panel"
    assert session_schedule_slug("cop29", 12, "---") == "cop29-0012"


# --- values -----------------------------------------------------------------------------


def _lgma_guid() -> str:
    session = Session.objects.get(event__slug="cop29", slug=LGMA_SLUG)
    return str(uuid.uuid5(GUID_NAMESPACE, f"session:{session.pk}"))


def test_the_xml_gives_a_known_session_its_baku_time_room_and_speaker(client):
    call_command("load_demo", verbosity=0)
    root = etree.fromstring(get(client, "cop29", "schedule.xml").content)
    assert root.findtext("conference/acronym") == "cop29"
    assert root.findtext("conference/time_zone_name") == "Asia/Baku"
    assert root.findtext("conference/start") == "2024-11-11"
    assert root.findtext("conference/end") == "2024-11-22"
    (event,) = [e for e in root.iter("event") if e.findtext("title") == LGMA_TITLE]
    day = event.getparent().getparent()
    assert day.get("date") == "2024-11-13"
    assert day.get("start") == "2024-11-13T00:00:00+04:00"
    assert event.getparent().get("name") == "Multilevel Action & Urbanization Pavilion"
    assert event.get("guid") == _lgma_guid()
    assert event.findtext("date") == "2024-11-13T10:00:00+04:00"
    assert event.findtext("start") == "10:00"
    assert event.findtext("duration") == "01:00"
    assert event.findtext("room") == "Multilevel Action & Urbanization Pavilion"
    assert [p.text for p in event.findall("persons/person")] == ["Yuriko Koike"]
    assert event.findtext("abstract") == (
        "In this session, Governor of Tokyo Yuriko Koike gives a talk."
    )
    assert "ICLEI World Secretariat, ICLEI Europe" in event.findtext("description")
    assert event.findtext("url") == (f"http://testserver/en/events/cop29/sessions/{LGMA_SLUG}/")
    assert [link.get("href") for link in event.findall("links/link")] == ["https://iclei.org/"]


def test_the_json_in_japanese_gives_the_known_session_in_japanese(client):
    call_command("load_demo", verbosity=0)
    document = json.loads(get(client, "cop29", "schedule.json", lang="ja").content)
    conference = document["schedule"]["conference"]
    day = next(d for d in conference["days"] if d["date"] == "2024-11-13")
    (event,) = day["rooms"]["マルチレベル・アクション&都市化パビリオン"][:1]
    assert event["title"] == "COP29および世界気候行動サミットに対するLGMAの対応"
    assert event["guid"] == _lgma_guid()
    assert event["date"] == "2024-11-13T10:00:00+04:00"
    assert event["start"] == "10:00"
    assert event["duration"] == "01:00"
    assert event["persons"][0]["name"] == "小池 百合子"
    assert event["url"] == f"http://testserver/ja/events/cop29/sessions/{LGMA_SLUG}/"
    assert day["day_start"] == "2024-11-13T00:00:00+04:00"
    assert day["day_end"] == "2024-11-14T00:00:00+04:00"


def test_the_session_whose_date_is_unconfirmed_is_in_no_export(client):
    call_command("load_demo", verbosity=0)
    for name in EXPORTS:
        body = get(client, "cop29", name).content
        assert "high-level and action sessions" not in body.decode()
        assert len(titles(name, body)) == 3  # the four seed sessions but that one


def test_schedule2_carries_roles_both_languages_and_the_cancelled_state(client):
    call_command("load_demo", verbosity=0)
    session = Session.objects.get(event__slug="cop29", slug="japan-pavilion-c2p2-yokohama-bangkok")
    session.status = Session.Status.CANCELLED
    session.save()
    document = json.loads(get(client, "cop29", "schedule2.json", lang="ja").content)
    schedule = document["schedule"]
    assert schedule["conference"]["languages"] == ["en", "ja"]
    events = {e["slug"].split("-", 2)[2]: e for e in schedule["events"]}
    lgma = events[LGMA_SLUG]
    assert lgma["title"] == "COP29および世界気候行動サミットに対するLGMAの対応"
    assert lgma["abstract"] == {
        "en": "In this session, Governor of Tokyo Yuriko Koike gives a talk.",
        "ja": "このセッションでは、小池百合子 東京都知事が講演を行います。",
    }
    assert lgma["participants"] == [
        {"guid": lgma["participants"][0]["guid"], "name": "小池 百合子", "role": "SPEAKER"}
    ]
    assert lgma["start"] == "2024-11-13T10:00:00+04:00"
    assert lgma["end"] == "2024-11-13T11:00:00+04:00"
    assert lgma["state"] == "CONFIRMED"
    assert events["japan-pavilion-c2p2-yokohama-bangkok"]["state"] == "CANCELED"
    assert_valid("schedule2.json", json.dumps(document).encode())


def test_a_moderator_is_a_moderator_in_schedule2(client):
    session = SessionFactory()
    ParticipationFactory(
        session=session,
        role=Participation.Role.MODERATOR,
        person=PersonFactory(name_en="Togo Uchida"),
    )
    ParticipationFactory(session=session, role=Participation.Role.PANELLIST)
    (event,) = json.loads(get(client, session.event, "schedule2.json").content)["schedule"][
        "events"
    ]
    assert event["participants"][0] == {
        "guid": schedule_guid("person", session.participations.first().person_id),
        "name": "Togo Uchida",
        "role": "MODERATOR",
    }
    assert event["type"] == "DISCUSSION"


def test_cancelled_sessions_are_left_out_of_the_frab_files(client):
    kept = SessionFactory(title_en="Still on")
    SessionFactory(
        event=kept.event,
        venue=kept.venue,
        title_en="Called off",
        starts_at=kept.starts_at + dt.timedelta(hours=2),
        status=Session.Status.CANCELLED,
    )
    SessionFactory(
        event=kept.event,
        venue=kept.venue,
        title_en="Draft",
        status="draft",
        starts_at=kept.starts_at + dt.timedelta(hours=4),
    )
    for name in ("schedule.xml", "schedule.json"):
        assert titles(name, get(client, kept.event, name).content) == ["Still on"]
    assert titles("schedule2.json", get(client, kept.event, "schedule2.json").content) == [
        "Still on",
        "Called off",
    ]


def test_to_be_announced_is_no_person_but_is_said_in_the_description(client):
    session = SessionFactory()
    ParticipationFactory(session=session, person=None)
    (event,) = frab_events_json(get(client, session.event, "schedule.json").content)
    assert event["persons"] == []
    assert event["description"] == "Speaker: to be announced"


def test_a_person_with_two_parts_is_listed_once(client):
    session = SessionFactory()
    person = PersonFactory(name_en="Hayato Shimizu")
    ParticipationFactory(session=session, person=person, role=Participation.Role.OPENING)
    ParticipationFactory(session=session, person=person, role=Participation.Role.CLOSING)
    (event,) = frab_events_json(get(client, session.event, "schedule.json").content)
    assert [p["name"] for p in event["persons"]] == ["Hayato Shimizu"]
    assert event["description"] == (
        "Opening remarks: Hayato Shimizu\nClosing remarks: Hayato Shimizu"
    )


def test_a_missing_japanese_title_falls_back_to_the_english_one(client):
    session = SessionFactory(title_en="Only in English", title_ja="")
    root = etree.fromstring(get(client, session.event, "schedule.xml", lang="ja").content)
    assert root.findtext("day/room/event/title") == "Only in English"
    schedule2 = json.loads(get(client, session.event, "schedule2.json", lang="ja").content)
    (event,) = schedule2["schedule"]["events"]
    assert (event["title"], event["language"]) == ("Only in English", "en")
    assert event["abstract"] == {
        "en": "A session about local climate action.",
        "ja": "地域の気候変動対策についてのセッション。",
    }


def test_sessions_fall_on_their_day_in_the_venue_zone(client):
    event = EventFactory(start_date=dt.date(2024, 11, 12), end_date=dt.date(2024, 11, 13))
    venue = VenueFactory(event=event)
    # 23:00 in Baku on the 12th is 04:00 on the 13th in Tokyo (19:00 UTC).
    late = dt.datetime(2024, 11, 12, 23, 0, tzinfo=BAKU)
    SessionFactory(event=event, venue=venue, title_en="Late", starts_at=late)
    early = dt.datetime(2024, 11, 13, 0, 30, tzinfo=BAKU)  # 20:30 UTC on the 12th
    SessionFactory(
        event=event,
        venue=venue,
        title_en="Early",
        starts_at=early,
        ends_at=early + dt.timedelta(minutes=30),
    )
    root = etree.fromstring(get(client, event, "schedule.xml").content)
    by_day = {
        d.get("date"): [e.findtext("title") for e in d.iter("event")] for d in root.iter("day")
    }
    assert by_day == {"2024-11-12": ["Late"], "2024-11-13": ["Early"]}
    late_event = root.find("day/room/event")
    assert late_event.findtext("start") == "23:00"
    assert late_event.findtext("date") == "2024-11-12T23:00:00+04:00"


def test_the_recording_and_links_carry_their_types(client):
    session = SessionFactory(recording_url="https://www.youtube.com/watch?v=abc")
    SessionLinkFactory(
        session=session,
        kind=SessionLink.Kind.RECORDING,
        url="https://www.youtube.com/watch?v=abc",
        label_en="Recording",
    )
    root = etree.fromstring(get(client, session.event, "schedule.xml").content)
    event = root.find("day/room/event")
    assert event.findtext("recording/url") == "https://www.youtube.com/watch?v=abc"
    assert event.find("links/link").get("type") == "media"


# --- guid ---------------------------------------------------------------------------------


def test_guid_stays_the_same_across_requests_and_a_title_change(
    client, django_capture_on_commit_callbacks
):
    session = SessionFactory(title_en="Before")
    first = frab_events_json(get(client, session.event, "schedule.json").content)[0]
    again = frab_events_json(get(client, session.event, "schedule.json").content)[0]
    with django_capture_on_commit_callbacks(execute=True):
        session.title_en = "After"
        session.save()
    renamed = frab_events_json(get(client, session.event, "schedule.json").content)[0]
    xml = frab_events_xml(get(client, session.event, "schedule.xml").content)[0]
    assert renamed["title"] == "After"
    assert first["guid"] == again["guid"] == renamed["guid"] == xml.get("guid")
    assert uuid.UUID(first["guid"]).version == 5


# --- HTTP -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("schedule.xml", "application/xml; charset=utf-8"),
        ("schedule.json", "application/json"),
        ("schedule2.json", "application/json"),
    ],
)
def test_headers_open_cors_caching_and_content_type(client, name, content_type):
    session = SessionFactory()
    response = get(client, session.event, name, lang="ja")
    assert response["Content-Type"] == content_type
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Language"] == "ja"
    assert response["ETag"].startswith('"')
    session.refresh_from_db()
    assert response["Last-Modified"] == http_date(int(session.updated_at.timestamp()))


def test_the_etag_differs_per_format_and_language(client):
    session = SessionFactory()
    etags = {
        (name, lang): get(client, session.event, name, lang=lang)["ETag"]
        for name in EXPORTS
        for lang in ("en", "ja")
    }
    assert len(set(etags.values())) == 6


def test_if_none_match_gives_304_without_building_the_file(client):
    session = SessionFactory()
    first = get(client, session.event, "schedule.xml")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(session.event, "schedule.xml"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert len(queries.captured_queries) == 1  # the event only


def test_if_modified_since_gives_304_and_an_older_date_the_file(client):
    session = SessionFactory()
    first = get(client, session.event, "schedule.json")
    same = client.get(
        url(session.event, "schedule.json"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert same.status_code == 304
    assert same["Access-Control-Allow-Origin"] == "*"
    older = http_date(int(session.updated_at.timestamp()) - 3600)
    response = client.get(url(session.event, "schedule.json"), HTTP_IF_MODIFIED_SINCE=older)
    assert response.status_code == 200
    assert frab_events_json(response.content)[0]["title"] == session.title_en


def test_a_stale_etag_gets_the_new_file_after_a_change(client, django_capture_on_commit_callbacks):
    session = SessionFactory(title_en="Old title")
    first = get(client, session.event, "schedule.xml")
    with django_capture_on_commit_callbacks(execute=True):
        ParticipationFactory(session=session, person=PersonFactory(name_en="New Speaker"))
    response = client.get(url(session.event, "schedule.xml"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert b"New Speaker" in response.content


def test_a_programme_change_invalidates_the_cached_file(client, django_capture_on_commit_callbacks):
    session = SessionFactory(title_en="Cached title")
    assert titles("schedule.json", get(client, session.event, "schedule.json").content) == [
        "Cached title"
    ]
    with CaptureQueriesContext(connection) as queries:
        cached = get(client, session.event, "schedule.json")
    assert titles("schedule.json", cached.content) == ["Cached title"]
    assert len(queries.captured_queries) == 1  # served from the cache: the event only
    with django_capture_on_commit_callbacks(execute=True):
        session.title_en = "Changed title"
        session.save()
    assert titles("schedule.json", get(client, session.event, "schedule.json").content) == [
        "Changed title"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        person = PersonFactory(name_en="Renamed Later")
        ParticipationFactory(session=session, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        person.name_en = "Renamed Now"
        person.save()  # a shared change: every event's files are rebuilt
    body = get(client, session.event, "schedule.xml").content
    assert b"Renamed Now" in body


@pytest.mark.parametrize("name", EXPORTS)
def test_an_unknown_language_is_a_400_in_the_file_format(client, name):
    session = SessionFactory()
    response = client.get(url(session.event, name, lang="fr"))
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    if name.endswith(".xml"):
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        message = etree.fromstring(response.content).find("message")
        assert message.get("parameter") == "lang"
        text = message.text
    else:
        body = json.loads(response.content)
        assert body["status"] == 400
        (error,) = body["errors"]
        assert error["parameter"] == "lang"
        text = error["message"]
    assert text == "“fr” is not a language of this schedule: use one of en, ja."


@pytest.mark.parametrize("name", EXPORTS)
def test_an_unknown_or_private_event_is_a_404(client, name):
    response = client.get(url("no-such-event", name))
    assert response.status_code == 404
    assert "There is no public event “no-such-event”." in response.content.decode()
    hidden = EventFactory(is_public=False)
    assert client.get(url(hidden, name)).status_code == 404


def test_other_methods_are_refused_and_a_preflight_is_answered(client):
    session = SessionFactory()
    assert client.post(url(session.event, "schedule.json")).status_code == 405
    preflight = client.options(url(session.event, "schedule.json"))
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


# --- queries ----------------------------------------------------------------------------------


def _programme_of(count: int) -> Event:
    event = EventFactory()
    venues = [VenueFactory(event=event) for _ in range(2)]
    for n in range(count):
        starts = dt.datetime(2024, 11, 12 + n % 5, 9, 0, tzinfo=BAKU) + dt.timedelta(hours=n // 10)
        session = SessionFactory(event=event, venue=venues[n % 2], starts_at=starts)
        ParticipationFactory(session=session)
        ParticipationFactory(session=session, person=None)
        SessionHostFactory(session=session, organisation=OrganisationFactory())
        SessionLinkFactory(session=session)
    return event


def _queries(client, event: Event, name: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url(event, name))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", EXPORTS)
def test_the_number_of_queries_does_not_grow_with_the_programme(client, name):
    one, twenty = _programme_of(1), _programme_of(20)
    assert len(titles(name, get(client, twenty, name).content)) == 20
    assert _queries(client, one, name) == _queries(client, twenty, name) == 7
