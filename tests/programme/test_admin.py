import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from pavilion.core.audit import audit_log
from pavilion.core.models import AuditEntry
from pavilion.core.timefmt import AmbiguousLocalTime, NonexistentLocalTime, local_to_utc
from pavilion.pages.models import GlossaryTerm
from pavilion.programme.models import Session
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
    StaffFactory,
    VenueFactory,
    VenuePartnerFactory,
)

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")
BERLIN = ZoneInfo("Europe/Berlin")
SESSIONS = "/en/admin/programme/session/"
ADD_SESSION = SESSIONS + "add/"
INLINE_PREFIXES = ("participations", "hosts", "links", "chapters")


def baku(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 11, day, hour, minute, tzinfo=BAKU)


def management_data(**initial_counts: int) -> dict[str, str]:
    data = {}
    for prefix in INLINE_PREFIXES:
        data[f"{prefix}-TOTAL_FORMS"] = str(initial_counts.get(prefix, 0))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial_counts.get(prefix, 0))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data


def session_form_data(venue, **values) -> dict[str, str]:
    data = {
        "event": str(venue.event_id),
        "venue": str(venue.pk),
        "status": "draft",
        "slug": "e-kizuna-talks",
        "external_id": "",
        "title_en": "The Urban7 – Saitama City E-KIZUNA High-Level Talks",
        "title_ja": "Urban7 さいたま市「E-KIZUNAハイレベル対談」",
        "summary_en": "",
        "summary_ja": "",
        "date": "2024-11-12",
        "start_time": "16:30",
        "end_time": "17:30",
        "recording_url": "",
        **management_data(),
    }
    data.update({key: str(value) for key, value in values.items()})
    return data


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff users are built with a password; the default hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def venue():
    return VenueFactory(event=EventFactory(name_en="COP29"), name_en="Multilevel Action Pavilion")


def form_errors(response) -> dict[str, list[str]]:
    return response.context["adminform"].form.errors


# Times in the event's zone


def test_add_form_names_the_event_zone_in_its_help_texts(staff_client, venue):
    response = staff_client.get(ADD_SESSION, {"event": venue.event_id})
    assert response.status_code == 200
    assert "Times in Asia/Baku." in response.text
    assert 'type="date"' in response.text
    assert 'name="starts_at"' not in response.text
    assert 'name="tbc_start_time"' not in response.text


def test_add_form_without_an_event_lists_every_event_zone(staff_client, venue):
    EventFactory(name_en="Example Summit", timezone="America/Belem")
    response = staff_client.get(ADD_SESSION)
    assert "COP29: Asia/Baku" in response.text
    assert "Example Summit: America/Belem" in response.text


def test_adding_a_session_stores_the_local_times_in_utc(staff_client, venue):
    response = staff_client.post(ADD_SESSION, session_form_data(venue))
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.starts_at == dt.datetime(2024, 11, 12, 12, 30, tzinfo=dt.UTC)
    assert session.ends_at == dt.datetime(2024, 11, 12, 13, 30, tzinfo=dt.UTC)
    assert session.tbc_start_time is None
    assert session.status == Session.Status.DRAFT


def test_adding_a_session_with_the_end_before_the_start_is_refused(staff_client, venue):
    response = staff_client.post(
        ADD_SESSION, session_form_data(venue, start_time="17:30", end_time="16:30")
    )
    assert response.status_code == 200
    assert "The end must be after the start." in response.text
    assert form_errors(response)["end_time"] == ["The end must be after the start."]
    assert not Session.objects.exists()


def test_adding_a_session_outside_the_event_dates_is_refused_on_the_date(staff_client, venue):
    response = staff_client.post(ADD_SESSION, session_form_data(venue, date="2024-11-23"))
    assert response.status_code == 200
    message = "The session must take place within the event's dates, 11 Nov 2024 to 22 Nov 2024."
    assert escape(message) in response.text
    assert form_errors(response)["date"] == [message]
    assert not Session.objects.exists()


def test_a_date_without_times_is_refused(staff_client, venue):
    response = staff_client.post(ADD_SESSION, session_form_data(venue, start_time="", end_time=""))
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["start_time"] == [
        "Give the start time, or leave the date empty while it is to be confirmed."
    ]
    assert errors["end_time"] == ["Give the end time."]
    assert not Session.objects.exists()


def test_a_session_whose_date_is_to_be_confirmed_is_saved_with_only_its_times(staff_client, venue):
    response = staff_client.post(
        ADD_SESSION,
        session_form_data(venue, date="", start_time="14:00", end_time="15:15", status="published"),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.starts_at is None
    assert session.ends_at is None
    assert session.tbc_start_time == dt.time(14)
    assert session.tbc_end_time == dt.time(15, 15)
    assert session.status == Session.Status.PUBLISHED
    changelist = staff_client.get(SESSIONS)
    assert "Date to be confirmed, 14:00–15:15 Baku time" in changelist.text


def test_a_to_be_confirmed_end_before_its_start_is_refused(staff_client, venue):
    response = staff_client.post(
        ADD_SESSION, session_form_data(venue, date="", start_time="15:00", end_time="14:00")
    )
    assert response.status_code == 200
    assert form_errors(response)["end_time"] == ["The end must be after the start."]


@pytest.fixture
def berlin_venue():
    event = EventFactory(
        timezone="Europe/Berlin",
        start_date=dt.date(2025, 3, 28),
        end_date=dt.date(2025, 10, 31),
    )
    return VenueFactory(event=event)


def test_a_local_time_skipped_by_daylight_saving_is_refused(staff_client, berlin_venue):
    response = staff_client.post(
        ADD_SESSION,
        session_form_data(berlin_venue, date="2025-03-30", start_time="02:30", end_time="03:30"),
    )
    assert response.status_code == 200
    [message] = form_errors(response)["start_time"]
    assert message == (
        "02:30 does not exist on Sunday 30 March 2025 in Europe/Berlin: the clocks go forward "
        "at that moment. Choose another time."
    )
    assert "does not exist on Sunday 30 March 2025" in response.text
    assert "end_time" not in form_errors(response)
    assert not Session.objects.exists()


def test_a_local_time_repeated_by_daylight_saving_is_refused(staff_client, berlin_venue):
    response = staff_client.post(
        ADD_SESSION,
        session_form_data(berlin_venue, date="2025-10-26", start_time="02:30", end_time="03:30"),
    )
    assert response.status_code == 200
    [message] = form_errors(response)["start_time"]
    assert message.startswith("02:30 happens twice on Sunday 26 October 2025 in Europe/Berlin")
    assert "happens twice" in response.text
    assert not Session.objects.exists()


def test_times_next_to_a_daylight_saving_change_are_converted_with_the_right_offset():
    assert local_to_utc(dt.date(2025, 3, 30), dt.time(1, 59), BERLIN) == dt.datetime(
        2025, 3, 30, 0, 59, tzinfo=dt.UTC
    )
    assert local_to_utc(dt.date(2025, 3, 30), dt.time(3, 0), BERLIN) == dt.datetime(
        2025, 3, 30, 1, 0, tzinfo=dt.UTC
    )
    assert local_to_utc(dt.date(2025, 10, 26), dt.time(3, 0), BERLIN) == dt.datetime(
        2025, 10, 26, 2, 0, tzinfo=dt.UTC
    )
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(dt.date(2025, 3, 30), dt.time(2, 0), BERLIN)
    with pytest.raises(AmbiguousLocalTime):
        local_to_utc(dt.date(2025, 10, 26), dt.time(2, 0), BERLIN)


def test_the_change_form_shows_the_stored_times_in_the_event_zone(staff_client, venue):
    session = SessionFactory(
        event=venue.event, venue=venue, starts_at=baku(13, 10), ends_at=baku(13, 11)
    )
    response = staff_client.get(f"{SESSIONS}{session.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["date"].value() == dt.date(2024, 11, 13)
    assert form["start_time"].value() == dt.time(10)
    assert form["end_time"].value() == dt.time(11)
    assert 'value="10:00"' in response.text
    assert "Times in Asia/Baku." in response.text


def test_the_change_form_shows_the_time_in_the_other_zones_of_the_event(staff_client):
    event = EventFactory(
        timezone="America/Belem",
        secondary_timezones=["Asia/Tokyo"],
        start_date=dt.date(2026, 12, 14),
        end_date=dt.date(2026, 12, 19),
    )
    session = SessionFactory(
        event=event,
        venue=VenueFactory(event=event),
        starts_at=dt.datetime(2026, 12, 19, 14, tzinfo=ZoneInfo("America/Belem")),
    )
    response = staff_client.get(f"{SESSIONS}{session.pk}/change/")
    assert "Sun 20 Dec 2026, 02:00–03:00 Japan time" in response.text
    assert "Times in America/Belem." in response.text


def test_the_change_form_prefills_the_times_of_a_session_to_be_confirmed(staff_client, venue):
    session = SessionFactory(
        event=venue.event,
        venue=venue,
        starts_at=None,
        tbc_start_time=dt.time(14),
        tbc_end_time=dt.time(15, 15),
    )
    response = staff_client.get(f"{SESSIONS}{session.pk}/change/")
    assert 'value="14:00"' in response.text
    assert 'value="15:15"' in response.text


def test_editing_the_title_keeps_the_stored_times(staff_client, venue):
    session = SessionFactory(
        event=venue.event,
        venue=venue,
        slug="lgma",
        starts_at=baku(13, 10),
        ends_at=baku(13, 11),
        status=Session.Status.DRAFT,
    )
    data = session_form_data(
        venue, slug="lgma", date="2024-11-13", start_time="10:00", end_time="11:00"
    )
    data["title_en"] = "LGMA Response to COP29"
    response = staff_client.post(f"{SESSIONS}{session.pk}/change/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title_en == "LGMA Response to COP29"
    assert session.starts_at == baku(13, 10)


def test_moving_a_session_to_another_day_converts_the_new_time(staff_client, venue):
    session = SessionFactory(
        event=venue.event, venue=venue, slug="lgma", status=Session.Status.DRAFT
    )
    data = session_form_data(
        venue, slug="lgma", date="2024-11-14", start_time="09:00", end_time="09:45"
    )
    assert staff_client.post(f"{SESSIONS}{session.pk}/change/", data).status_code == 302
    session.refresh_from_db()
    assert session.starts_at == baku(14, 9)
    assert session.ends_at == baku(14, 9, 45)


# Published sessions may not overlap in a venue


def test_publishing_from_the_form_over_another_published_session_is_refused(staff_client, venue):
    SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="LGMA Response to COP29",
        starts_at=baku(12, 16),
        ends_at=baku(12, 17),
    )
    response = staff_client.post(ADD_SESSION, session_form_data(venue, status="published"))
    assert response.status_code == 200
    [message] = form_errors(response)["start_time"]
    assert "“LGMA Response to COP29” is already published in Multilevel Action Pavilion" in message
    assert "“LGMA Response to COP29” is already published" in response.text
    assert Session.objects.count() == 1


def test_a_draft_may_overlap_a_published_session(staff_client, venue):
    SessionFactory(event=venue.event, venue=venue, starts_at=baku(12, 16), ends_at=baku(12, 17))
    response = staff_client.post(ADD_SESSION, session_form_data(venue, status="draft"))
    assert response.status_code == 302
    assert Session.objects.filter(status=Session.Status.DRAFT).count() == 1


def test_publishing_from_the_form_in_another_venue_at_the_same_time_is_fine(staff_client, venue):
    SessionFactory(event=venue.event, venue=venue, starts_at=baku(12, 16), ends_at=baku(12, 17))
    japan_pavilion = VenueFactory(event=venue.event, name_en="Japan Pavilion")
    response = staff_client.post(ADD_SESSION, session_form_data(japan_pavilion, status="published"))
    assert response.status_code == 302
    session = Session.objects.get(venue=japan_pavilion)
    assert session.status == Session.Status.PUBLISHED
    entry = AuditEntry.objects.get()
    assert entry.action == "pavilion.session.published"
    assert entry.data == {"from": "draft", "to": "published"}


def test_the_publish_action_refuses_an_overlap_and_names_the_other_session(staff_client, venue):
    SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="LGMA Response to COP29",
        starts_at=baku(13, 10),
        ends_at=baku(13, 11),
    )
    draft = SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="C2P2 good practice",
        status=Session.Status.DRAFT,
        starts_at=baku(13, 10, 30),
        ends_at=baku(13, 11, 30),
    )
    response = staff_client.post(
        SESSIONS,
        {"action": "publish", admin.helpers.ACTION_CHECKBOX_NAME: [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "“C2P2 good practice” was not published:" in response.text
    assert "“LGMA Response to COP29” is already published in" in response.text
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT
    assert not AuditEntry.objects.exists()


def test_the_publish_action_reports_each_session(staff_client, venue):
    japan_pavilion = VenueFactory(event=venue.event, name_en="Japan Pavilion")
    first = SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="Session in our pavilion",
        status=Session.Status.DRAFT,
        starts_at=baku(13, 10),
    )
    clashing = SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="Session clashing with it",
        status=Session.Status.DRAFT,
        starts_at=baku(13, 10, 30),
    )
    elsewhere = SessionFactory(
        event=venue.event,
        venue=japan_pavilion,
        title_en="Session at the Japan Pavilion",
        status=Session.Status.DRAFT,
        starts_at=baku(13, 10, 30),
    )
    response = staff_client.post(
        SESSIONS,
        {
            "action": "publish",
            admin.helpers.ACTION_CHECKBOX_NAME: [first.pk, clashing.pk, elsewhere.pk],
        },
        follow=True,
    )
    assert "“Session in our pavilion” is now published." in response.text
    assert "“Session at the Japan Pavilion” is now published." in response.text
    assert "“Session clashing with it” was not published:" in response.text
    assert "“Session in our pavilion” is already published" in response.text
    statuses = dict(Session.objects.values_list("title_en", "status"))
    assert statuses == {
        "Session in our pavilion": "published",
        "Session clashing with it": "draft",
        "Session at the Japan Pavilion": "published",
    }


@pytest.mark.parametrize(
    ("action", "start", "end", "message"),
    [
        ("publish", "draft", "published", "“Talks” is now published."),
        (
            "unpublish",
            "published",
            "draft",
            "“Talks” is back to draft and no longer shown on the site.",
        ),
        ("cancel", "published", "cancelled", "“Talks” is now marked cancelled."),
    ],
)
def test_status_actions_change_the_status_and_write_the_audit_trail(
    client, venue, action, start, end, message
):
    staff = StaffFactory()
    client.force_login(staff)
    session = SessionFactory(event=venue.event, venue=venue, title_en="Talks", status=start)
    response = client.post(
        SESSIONS, {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [session.pk]}, follow=True
    )
    assert message in response.text
    session.refresh_from_db()
    assert session.status == end
    entry = AuditEntry.objects.get()
    assert entry.action == f"pavilion.session.{end}"
    assert entry.actor == staff
    assert entry.data == {"from": start, "to": end}


def test_a_status_action_on_a_session_already_in_that_status_writes_nothing(staff_client, venue):
    session = SessionFactory(event=venue.event, venue=venue, title_en="Talks")
    response = staff_client.post(
        SESSIONS,
        {"action": "publish", admin.helpers.ACTION_CHECKBOX_NAME: [session.pk]},
        follow=True,
    )
    assert "“Talks” was already published." in response.text
    assert not AuditEntry.objects.exists()


def test_changing_the_status_in_the_form_is_audited(staff_client, venue):
    session = SessionFactory(event=venue.event, venue=venue, slug="talks", starts_at=baku(12, 16))
    data = session_form_data(venue, slug="talks", status="cancelled")
    assert staff_client.post(f"{SESSIONS}{session.pk}/change/", data).status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert AuditEntry.objects.get().action == "pavilion.session.cancelled"


# People in two sessions at once


def test_a_person_in_two_overlapping_sessions_is_warned_about_and_the_save_goes_through(
    staff_client, venue
):
    shimizu = PersonFactory(name_en="Hayato Shimizu", name_ja="清水 勇人")
    other = SessionFactory(
        event=venue.event,
        venue=VenueFactory(event=venue.event, name_en="Japan Pavilion"),
        title_en="Japan Pavilion action session",
        starts_at=baku(12, 17),
        ends_at=baku(12, 18),
    )
    ParticipationFactory(session=other, person=shimizu)
    data = session_form_data(venue)
    data.update(
        {
            "participations-TOTAL_FORMS": "1",
            "participations-0-person": str(shimizu.pk),
            "participations-0-role": "speaker",
            "participations-0-segment_en": "",
            "participations-0-segment_ja": "",
            "participations-0-order": "0",
        }
    )
    response = staff_client.post(ADD_SESSION, data, follow=True)
    assert response.status_code == 200
    assert (
        "Hayato Shimizu also takes part in “Japan Pavilion action session” "
        "(Tue 12 Nov 2024, 17:00–18:00 Baku time), which overlaps this session."
    ) in response.text
    session = Session.objects.get(slug="e-kizuna-talks")
    assert list(session.participations.values_list("person__name_en", flat=True)) == [
        "Hayato Shimizu"
    ]


def test_no_warning_when_the_other_session_is_cancelled(staff_client, venue):
    person = PersonFactory(name_en="Hayato Shimizu")
    other = SessionFactory(
        event=venue.event,
        venue=VenueFactory(event=venue.event),
        status=Session.Status.CANCELLED,
        starts_at=baku(12, 17),
    )
    ParticipationFactory(session=other, person=person)
    data = session_form_data(venue)
    data.update(
        {
            "participations-TOTAL_FORMS": "1",
            "participations-0-person": str(person.pk),
            "participations-0-role": "speaker",
            "participations-0-order": "0",
        }
    )
    response = staff_client.post(ADD_SESSION, data, follow=True)
    assert "also takes part in" not in response.text
    assert Session.objects.filter(slug="e-kizuna-talks").exists()


# The changelist


def test_the_changelist_shows_the_day_and_time_in_the_venue_zone(staff_client, venue):
    SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="LGMA Response to COP29",
        starts_at=baku(13, 10),
        ends_at=baku(13, 11),
    )
    response = staff_client.get(SESSIONS)
    assert "Wed 13 Nov 2024, 10:00–11:00 Baku time" in response.text
    response = staff_client.get("/ja/admin/programme/session/")
    assert "2024年11月13日(水) 10:00–11:00（アゼルバイジャン時間）" in response.text


def test_the_changelist_filters_sessions_whose_date_is_to_be_confirmed(staff_client, venue):
    SessionFactory(event=venue.event, venue=venue, title_en="Dated session")
    SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="Undated session",
        starts_at=None,
        tbc_start_time=dt.time(14),
    )
    response = staff_client.get(SESSIONS, {"date_confirmed": "no"})
    assert "Undated session" in response.text
    assert "Dated session" not in response.text
    response = staff_client.get(SESSIONS, {"date_confirmed": "yes"})
    assert "Dated session" in response.text
    assert "Undated session" not in response.text


def test_the_venue_filter_names_each_venue_with_its_event(staff_client, venue):
    SessionFactory(event=venue.event, venue=venue)
    other_event = EventFactory(name_en="Example Summit")
    SessionFactory(event=other_event, venue=VenueFactory(event=other_event, name_en="Pavilion"))
    response = staff_client.get(SESSIONS)
    assert "Multilevel Action Pavilion (COP29)" in response.text
    assert "Pavilion (Example Summit)" in response.text
    response = staff_client.get(SESSIONS, {"event__id__exact": other_event.pk})
    assert "Multilevel Action Pavilion (COP29)" not in response.text


def test_the_changelist_search_finds_a_session_by_its_japanese_title(staff_client, venue):
    SessionFactory(
        event=venue.event,
        venue=venue,
        title_en="LGMA Response to COP29",
        title_ja="COP29及び世界気候行動サミットへのLGMAの対応",
    )
    SessionFactory(event=venue.event, venue=venue, title_en="Unrelated session")
    response = staff_client.get(SESSIONS, {"q": "世界気候行動サミット"})
    assert "LGMA Response to COP29" in response.text
    assert "Unrelated session" not in response.text


def test_the_changelist_search_finds_a_session_by_a_speaker_japanese_name(staff_client, venue):
    session = SessionFactory(event=venue.event, venue=venue, title_en="LGMA Response to COP29")
    ParticipationFactory(
        session=session, person=PersonFactory(name_en="Yuriko Koike", name_ja="小池 百合子")
    )
    ParticipationFactory(session=session, person=PersonFactory())
    SessionFactory(event=venue.event, venue=venue, title_en="Unrelated session")
    response = staff_client.get(SESSIONS, {"q": "小池 百合子"})
    assert "LGMA Response to COP29" in response.text
    assert "Unrelated session" not in response.text
    assert "1 result" in response.text


def test_the_changelist_search_finds_a_session_by_its_host(staff_client, venue):
    session = SessionFactory(event=venue.event, venue=venue, title_en="E-KIZUNA Talks")
    SessionHostFactory(session=session, organisation=OrganisationFactory(name_ja="さいたま市"))
    SessionFactory(event=venue.event, venue=venue, title_en="Unrelated session")
    response = staff_client.get(SESSIONS, {"q": "さいたま市"})
    assert "E-KIZUNA Talks" in response.text
    assert "Unrelated session" not in response.text


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SESSIONS)
    assert response.status_code == 200
    return len(queries)


def _full_session(venue, hour: int) -> Session:
    session = SessionFactory(event=venue.event, venue=venue, starts_at=baku(12, hour % 24))
    ParticipationFactory(session=session)
    SessionHostFactory(session=session)
    return session


def test_the_changelist_costs_as_many_queries_for_thirty_sessions_as_for_one(staff_client, venue):
    other_venue = VenueFactory(event=venue.event)
    _full_session(venue, 0)
    staff_client.get(SESSIONS)  # warm the caches (content types, session)
    one = _changelist_queries(staff_client)
    for n in range(1, 30):
        _full_session(other_venue if n % 2 else venue, n)
    SessionFactory(starts_at=None, tbc_start_time=dt.time(9))  # another event, date unknown
    thirty = _changelist_queries(staff_client)
    assert Session.objects.count() == 31
    assert thirty == one


# Every page of the back office opens, in English and Japanese


@pytest.fixture
def one_of_everything(venue):
    session = SessionFactory(event=venue.event, venue=venue, title_en="LGMA Response to COP29")
    ParticipationFactory(session=session)
    SessionHostFactory(session=session)
    SessionLinkFactory(session=session)
    ChapterFactory(session=session)
    VenuePartnerFactory(venue=venue)
    SessionFactory(event=venue.event, venue=venue, starts_at=None, tbc_start_time=dt.time(14))
    GlossaryTermFactory(term_en="LGMA")
    audit_log(
        action="pavilion.session.published",
        target=session,
        data={"from": "draft", "to": "published"},
    )
    return session


REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)


def test_every_model_of_pavilion_has_an_admin():
    assert {
        "programme.event",
        "programme.venue",
        "programme.organisation",
        "programme.person",
        "programme.session",
        "pages.glossaryterm",
        "core.auditentry",
    } <= set(REGISTERED)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("label", REGISTERED)
def test_every_changelist_and_add_page_opens(client, one_of_everything, label, lang):
    superuser = StaffFactory()
    client.force_login(superuser)
    app_label, model_name = label.split(".")
    base = f"/{lang}/admin/{app_label}/{model_name}/"
    changelist = client.get(base)
    assert changelist.status_code == 200
    assert f'lang="{lang}"' in changelist.text
    add = client.get(base + "add/")
    model_admin = next(ma for m, ma in admin.site._registry.items() if m._meta.label_lower == label)
    if model_admin.has_add_permission(add.wsgi_request):
        assert add.status_code == 200
    else:
        assert add.status_code == 403


CHANGE_PAGES = [
    ("programme", "event", lambda s: s.event),
    ("programme", "venue", lambda s: s.venue),
    ("programme", "organisation", lambda s: s.hosts.get().organisation),
    ("programme", "person", lambda s: s.participations.get().person),
    ("programme", "session", lambda s: s),
    ("programme", "session", lambda s: Session.objects.get(starts_at=None)),
    ("pages", "glossaryterm", lambda s: GlossaryTerm.objects.get()),
    ("core", "auditentry", lambda s: AuditEntry.objects.get()),
]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(("app_label", "model_name", "get"), CHANGE_PAGES)
def test_every_change_page_opens(staff_client, one_of_everything, app_label, model_name, get, lang):
    obj = get(one_of_everything)
    response = staff_client.get(f"/{lang}/admin/{app_label}/{model_name}/{obj.pk}/change/")
    assert response.status_code == 200
    assert str(obj) in response.text


def test_the_audit_trail_cannot_be_changed_or_deleted(staff_client, one_of_everything):
    entry = AuditEntry.objects.get()
    url = f"/en/admin/core/auditentry/{entry.pk}/"
    response = staff_client.get(url + "change/")
    assert "draft → published" in response.text
    assert 'name="_save"' not in response.text
    assert staff_client.post(url + "change/", {"action": "x"}).status_code == 403
    assert staff_client.get(url + "delete/").status_code == 403
    assert AuditEntry.objects.count() == 1


def test_the_audit_trail_is_filtered_by_action_and_searched(staff_client, one_of_everything):
    other = SessionFactory(title_en="E-KIZUNA Talks")
    audit_log(action="pavilion.session.cancelled", target=other)
    auditlist = "/en/admin/core/auditentry/"
    response = staff_client.get(auditlist, {"action": "pavilion.session.cancelled"})
    assert "E-KIZUNA Talks" in response.text
    assert "LGMA Response to COP29" not in response.text
    response = staff_client.get(auditlist, {"q": "LGMA Response"})
    assert "LGMA Response to COP29" in response.text
    assert "E-KIZUNA Talks" not in response.text
    today = dt.date.today()
    response = staff_client.get(
        auditlist, {"created_at__year": today.year, "created_at__month": today.month}
    )
    assert "E-KIZUNA Talks" in response.text
    assert "LGMA Response to COP29" in response.text


def test_cancelling_a_draft_in_the_form_is_refused_and_it_stays_hidden(staff_client, venue):
    session = SessionFactory(
        event=venue.event, venue=venue, slug="talks", starts_at=baku(12, 16), status="draft"
    )
    data = session_form_data(venue, slug="talks", status="cancelled")
    response = staff_client.post(f"{SESSIONS}{session.pk}/change/", data)
    assert response.status_code == 200
    assert "A draft cannot be marked cancelled" in " ".join(form_errors(response)["status"])
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT
