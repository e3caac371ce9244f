"""The public programme pages, as a visitor sees them."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pavilion.programme.models import Participation, Session, SessionHost, SessionLink
from tests.factories import (
    BAKU,
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


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def event():
    return EventFactory(slug="cop29", name_en="COP29", name_ja="COP29（バクー）", is_featured=True)


@pytest.fixture
def pavilion(event):
    return VenueFactory(
        event=event,
        slug="pavilion",
        name_en="Our Pavilion",
        name_ja="私たちのパビリオン",
        is_ours=True,
        area_m2=100,
    )


def make_session(event, venue, n=0, **kwargs):
    start = dt.datetime(2024, 11, 12, 10, 0, tzinfo=BAKU) + dt.timedelta(hours=n)
    defaults = {"starts_at": start, "ends_at": start + dt.timedelta(minutes=50)}
    defaults.update(kwargs)
    session = SessionFactory(event=event, venue=venue, **defaults)
    ParticipationFactory(session=session)
    ParticipationFactory(session=session, role=Participation.Role.MODERATOR)
    SessionHostFactory(session=session)
    return session


def test_root_redirects_by_browser_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")["Location"] == "/ja/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")["Location"] == "/en/"


def test_programme_shows_times_in_venue_and_japan_zone_in_english(client, event, pavilion):
    make_session(
        event,
        pavilion,
        title_en="Urban7 talks",
        starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU),
        ends_at=dt.datetime(2024, 11, 12, 17, 30, tzinfo=BAKU),
    )
    page = text_of(client.get("/en/events/cop29/programme/"))
    assert "16:30–17:30 Baku time · 21:30–22:30 Japan time" in page
    assert "Tuesday 12 November 2024" in page
    assert "Urban7 talks" in page


def test_programme_shows_times_in_japanese(client, event, pavilion):
    make_session(
        event,
        pavilion,
        title_ja="アーバン7",
        starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU),
        ends_at=dt.datetime(2024, 11, 12, 17, 30, tzinfo=BAKU),
    )
    response = client.get("/ja/events/cop29/programme/")
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "16:30–17:30（アゼルバイジャン時間）" in html
    assert "21:30–22:30（日本時間）" in html
    assert "2024年11月12日(火曜日)" in text_of(response)


def test_secondary_zone_on_another_day_shows_its_date(client):
    event = EventFactory(
        slug="belem",
        timezone="America/Belem",
        start_date=dt.date(2026, 12, 19),
        end_date=dt.date(2026, 12, 23),
    )
    venue = VenueFactory(event=event)
    belem = dt.timezone(dt.timedelta(hours=-3))
    make_session(
        event,
        venue,
        starts_at=dt.datetime(2026, 12, 20, 14, 0, tzinfo=belem),
        ends_at=dt.datetime(2026, 12, 20, 15, 0, tzinfo=belem),
    )
    assert "02:00–03:00 Japan time (Mon 21 Dec)" in text_of(
        client.get("/en/events/belem/programme/")
    )
    assert "12月21日(月) 02:00–03:00（日本時間）" in text_of(
        client.get("/ja/events/belem/programme/")
    )


def test_viewer_zone_is_added_and_named(client, event, pavilion):
    make_session(
        event,
        pavilion,
        starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU),
        ends_at=dt.datetime(2024, 11, 12, 17, 30, tzinfo=BAKU),
    )
    page = text_of(client.get("/en/events/cop29/programme/?tz=Europe/London"))
    assert "12:30–13:30 United Kingdom time" in page


def test_bad_time_zone_gives_notice_not_error(client, event, pavilion):
    make_session(event, pavilion, title_en="Still listed")
    response = client.get("/en/events/cop29/programme/?tz=Mars/Olympus")
    assert response.status_code == 400
    page = text_of(response)
    assert "“Mars/Olympus” is not a time zone we know" in page
    assert "Still listed" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("day=12-11-2024", "Give the day as YYYY-MM-DD"),
        ("day=2025-01-01", "2025-01-01 is not a day of this event"),
        ("venue=nowhere", "There is no venue “nowhere” at this event."),
        ("host=nobody", "There is no organisation “nobody”."),
        ("speaker=ghost", "There is no speaker “ghost”."),
        ("q=" + "x" * 300, "at most 200 characters"),
    ],
)
def test_malformed_filters_give_notice_and_the_page(client, event, pavilion, query, message):
    make_session(event, pavilion, title_en="Visible anyway")
    response = client.get(f"/en/events/cop29/programme/?{query}")
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "Visible anyway" in page


def test_programme_filters_by_day_venue_host_speaker(client, event, pavilion):
    other_venue = VenueFactory(event=event, slug="japan-pavilion", name_en="Japan Pavilion")
    day1 = make_session(event, pavilion, 0, title_en="Day one talk")
    day2 = make_session(event, pavilion, 24, title_en="Day two talk")
    elsewhere = make_session(event, other_venue, 1, title_en="Elsewhere talk")
    host = day2.hosts.first().organisation
    speaker = elsewhere.participations.first().person

    page = text_of(client.get("/en/events/cop29/programme/?day=2024-11-12"))
    assert "Day one talk" in page and "Elsewhere talk" in page and "Day two talk" not in page
    page = text_of(client.get("/en/events/cop29/programme/?venue=japan-pavilion"))
    assert "Elsewhere talk" in page and "Day one talk" not in page
    page = text_of(client.get(f"/en/events/cop29/programme/?host={host.slug}"))
    assert "Day two talk" in page and "Day one talk" not in page
    page = text_of(client.get(f"/en/events/cop29/programme/?speaker={speaker.slug}"))
    assert "Elsewhere talk" in page and "Day two talk" not in page
    assert day1.slug


def test_text_search_finds_japanese_and_english(client, event, pavilion):
    make_session(event, pavilion, 0, title_en="Climate finance", title_ja="気候ファイナンス")
    make_session(event, pavilion, 1, title_en="Urban nature", title_ja="都市の自然")
    koike = PersonFactory(name_en="Yuriko Koike", name_ja="小池 百合子")
    talk = make_session(event, pavilion, 2, title_en="LGMA response")
    ParticipationFactory(session=talk, person=koike)

    assert "Climate finance" in text_of(client.get("/en/events/cop29/programme/?q=ファイナンス"))
    page = text_of(client.get("/ja/events/cop29/programme/?q=nature"))
    assert "都市の自然" in page and "気候ファイナンス" not in page
    page = text_of(client.get("/en/events/cop29/programme/?q=小池"))
    assert "LGMA response" in page and "Urban nature" not in page


def test_unconfirmed_date_listed_under_date_to_be_confirmed(client, event):
    japan = VenueFactory(event=event, slug="japan-pavilion")
    SessionFactory(
        event=event,
        venue=japan,
        title_en="Japan Pavilion session",
        starts_at=None,
        tbc_start_time=dt.time(14),
        tbc_end_time=dt.time(15, 15),
    )
    page = text_of(client.get("/en/events/cop29/programme/"))
    section = page[page.index("These sessions have a known time") :]
    assert "14:00–15:15 Baku time" in section
    assert "Japan Pavilion session" in section


def test_cancelled_session_stays_listed_and_marked(client, event, pavilion):
    session = make_session(event, pavilion, title_en="Called off", status=Session.Status.CANCELLED)
    response = client.get("/en/events/cop29/programme/")
    assert "Called off Cancelled" in text_of(response)
    assert f'href="{session.get_absolute_url()}"' in response.content.decode()
    detail = client.get(session.get_absolute_url())
    assert "This session has been cancelled." in text_of(detail)


def test_drafts_are_not_public(client, event, pavilion):
    draft = make_session(event, pavilion, title_en="Secret draft", status=Session.Status.DRAFT)
    assert "Secret draft" not in text_of(client.get("/en/events/cop29/programme/"))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_featured_programme_redirect(client, event):
    response = client.get("/ja/programme/?day=2024-11-12")
    assert response["Location"] == "/ja/events/cop29/programme/?day=2024-11-12"


def test_session_page_groups_speakers_by_segment_and_role(client, event):
    japan = VenueFactory(event=event)
    session = SessionFactory(event=event, venue=japan, title_en="Multilevel action")
    takemoto = PersonFactory(
        name_en="Kazuhiko Takemoto",
        name_ja="竹本 和彦",
        title_en="President, ICLEI Japan",
        title_ja="イクレイ日本理事長",
    )
    uchida = PersonFactory(name_en="Togo Uchida", name_ja="内田 東吾")
    shimizu = PersonFactory(name_en="Hayato Shimizu", name_ja="清水 勇人")
    ParticipationFactory(session=session, person=takemoto, role=Participation.Role.OPENING, order=1)
    ParticipationFactory(
        session=session,
        person=uchida,
        role=Participation.Role.MODERATOR,
        order=2,
        segment_en="High-level session",
        segment_ja="ハイレベル・セッション",
    )
    ParticipationFactory(
        session=session,
        person=shimizu,
        role=Participation.Role.SPEAKER,
        order=3,
        segment_en="Action session",
        segment_ja="アクション・セッション",
    )
    ParticipationFactory(
        session=session,
        person=None,
        role=Participation.Role.PANELLIST,
        order=4,
        segment_en="Action session",
        segment_ja="アクション・セッション",
    )

    page = text_of(client.get(session.get_absolute_url()))
    assert "Opening remarks Kazuhiko Takemoto , President, ICLEI Japan" in page
    assert "High-level session Moderator Togo Uchida" in page
    assert "Action session Speaker Hayato Shimizu , Mayor Panellist To be announced" in page
    page_ja = text_of(client.get(session.get_absolute_url().replace("/en/", "/ja/")))
    assert "竹本 和彦 、イクレイ日本理事長" in page_ja
    assert "ハイレベル・セッション" in page_ja


def test_session_page_shows_hosts_links_and_chapters(client, event, pavilion):
    session = make_session(event, pavilion, recording_url="https://www.youtube.com/watch?v=abc123")
    session.hosts.all().delete()
    saitama = OrganisationFactory(name_en="Saitama City", name_ja="さいたま市")
    iclei = OrganisationFactory(name_en="ICLEI Japan", name_ja="イクレイ日本")
    SessionHostFactory(session=session, organisation=saitama, role=SessionHost.Role.ORGANISER)
    SessionHostFactory(session=session, organisation=iclei, role=SessionHost.Role.COOPERATION)
    SessionLinkFactory(
        session=session,
        kind=SessionLink.Kind.WEBSITE,
        url="https://www.city.saitama.lg.jp/",
        label_en="Saitama City website",
    )
    ChapterFactory(
        session=session,
        offset=dt.timedelta(minutes=23, seconds=5),
        title_en="C2P2 good practice: Yokohama City – Bangkok",
    )

    response = client.get(session.get_absolute_url())
    page = text_of(response)
    assert "Organiser Saitama City In cooperation with ICLEI Japan" in page
    assert "Website: Saitama City website" in page
    assert "23:05 C2P2 good practice: Yokohama City – Bangkok" in page
    assert 'href="https://www.youtube.com/watch?v=abc123&amp;t=1385s"' in response.content.decode()


def test_glossary_terms_are_footnoted_on_session_page(client, event, pavilion):
    GlossaryTermFactory(
        slug="lgma",
        term_en="LGMA",
        expansion_en="Local Governments and Municipal Authorities",
        definition_en="The constituency of local governments.",
    )
    session = make_session(
        event, pavilion, title_en="LGMA Response to COP29", summary_en="The LGMA speaks."
    )
    response = client.get(session.get_absolute_url())
    html = response.content.decode()
    assert html.count('href="#fn-lgma"') == 1  # one marker, at the first use
    assert 'id="fn-lgma"' in html
    assert (
        "LGMA (Local Governments and Municipal Authorities): The constituency of local governments."
        in text_of(response)
    )


def test_missing_translation_falls_back_visibly(client, event, pavilion):
    session = make_session(event, pavilion, title_en="English only title", title_ja="")
    response = client.get(session.get_absolute_url().replace("/en/", "/ja/"))
    html = response.content.decode()
    assert '<h1 lang="en">English only title' in html
    assert '<p class="fallback-note">' in html
    listing = client.get("/ja/events/cop29/programme/").content.decode()
    assert (
        '<span lang="en" class="fallback">English only title</span> <small class="fallback-note">'
        in listing
    )


def test_language_switcher_keeps_the_page_and_query(client, event, pavilion):
    session = make_session(event, pavilion)
    html = client.get(session.get_absolute_url() + "?tz=Europe/Paris").content.decode()
    assert f'href="/ja/events/cop29/sessions/{session.slug}/?tz=Europe/Paris" hreflang="ja"' in html


def test_unknown_pages_are_404_in_the_right_language(client, event):
    response = client.get("/ja/events/cop29/sessions/nope/")
    assert response.status_code == 404
    assert '<html lang="ja">' in response.content.decode()
    assert client.get("/en/events/nope/programme/").status_code == 404
    assert client.get("/en/speakers/nobody/").status_code == 404
    assert client.get("/en/organisations/nobody/").status_code == 404


def test_home_shows_the_featured_pavilion(client, event, pavilion):
    VenuePartnerFactory(venue=pavilion, organisation=OrganisationFactory(name_en="UN-Habitat"))
    page = text_of(client.get("/en/"))
    assert "Our Pavilion" in page
    assert "11–22 Nov 2024" in page
    assert "UN-Habitat" in page
    assert "about 100 m²" in page
    assert "This event is over" in page


def test_home_of_a_past_event_shows_upcoming_sessions_elsewhere_within_eleven_queries(
    client, event, pavilion
):
    later = EventFactory(
        slug="climate-week",
        name_en="Climate Week",
        start_date=timezone.localdate() + dt.timedelta(days=20),
        end_date=timezone.localdate() + dt.timedelta(days=25),
    )
    venue = VenueFactory(event=later, slug="hall")
    for n in range(3):
        make_session(
            later,
            venue,
            n,
            title_en=f"Coming talk {n}",
            starts_at=timezone.now() + dt.timedelta(days=21, hours=n),
            ends_at=timezone.now() + dt.timedelta(days=21, hours=n, minutes=50),
        )

    count = query_count(client, "/en/")
    page = text_of(client.get("/en/"))

    assert "This event is over" in page
    assert "Coming talk 0" in page and "Coming talk 2" in page
    # Ten, and one to know which of the events listed take networking-table bookings.
    assert count <= 11


def test_speaker_and_organisation_pages(client, event, pavilion):
    session = make_session(event, pavilion, title_en="Talk by a mayor")
    person = session.participations.first().person
    page = text_of(client.get(person.get_absolute_url()))
    assert person.name_en in page and "Talk by a mayor" in page
    org = session.hosts.first().organisation
    page = text_of(client.get(org.get_absolute_url()))
    assert "Sessions it hosts" in page and "Talk by a mayor" in page
    people_org = person.organisation
    page = text_of(client.get(people_org.get_absolute_url()))
    assert "Where its people speak" in page and person.name_en in page
    index = text_of(client.get("/en/events/cop29/speakers/"))
    assert person.name_en in index


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "which", ["programme", "session", "speaker", "speakers", "home", "organisation"]
)
def test_query_count_is_the_same_for_1_and_30_sessions(client, event, pavilion, which):
    GlossaryTermFactory(term_en="LGMA")
    person = PersonFactory()
    org = OrganisationFactory()

    def add(n):
        session = make_session(event, pavilion, n)
        ParticipationFactory(session=session, person=person, order=9)
        SessionHostFactory(session=session, organisation=org, role=SessionHost.Role.SUPPORTER)
        SessionLinkFactory(session=session)
        ChapterFactory(session=session)
        return session

    first = add(0)
    urls = {
        "programme": "/en/events/cop29/programme/?q=Session",
        "session": first.get_absolute_url(),
        "speaker": person.get_absolute_url(),
        "speakers": "/en/events/cop29/speakers/",
        "home": "/en/",
        "organisation": org.get_absolute_url(),
    }
    one = query_count(client, urls[which])
    for n in range(1, 30):
        add(n)
    thirty = query_count(client, urls[which])
    assert one == thirty
    assert thirty <= 10


def test_a_long_programme_without_a_day_shows_its_first_day(client, event, pavilion, monkeypatch):
    monkeypatch.setattr("pavilion.programme.views.MAX_SESSIONS_ON_ONE_PAGE", 2)
    make_session(event, pavilion, 0, title_en="First day early")
    make_session(event, pavilion, 2, title_en="First day late")
    make_session(event, pavilion, 24, title_en="Second day")
    page = text_of(client.get("/en/events/cop29/programme/"))
    assert "shown one day at a time: here is Tuesday 12 November 2024" in page
    assert "First day early" in page and "First day late" in page
    assert "Second day" not in page
    assert "Second day" in text_of(client.get("/en/events/cop29/programme/?day=2024-11-13"))


def test_speaker_and_host_pages_link_to_the_filtered_programme(client, event, pavilion):
    session = make_session(event, pavilion, title_en="Linked talk")
    person = session.participations.first().person
    org = session.hosts.first().organisation
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'href="/en/events/cop29/programme/?speaker={person.slug}"' in html
    html = client.get(org.get_absolute_url()).content.decode()
    assert f'href="/en/events/cop29/programme/?host={org.slug}"' in html
    page = text_of(client.get(f"/en/events/cop29/programme/?speaker={person.slug}"))
    assert "Linked talk" in page


def test_sessions_of_a_hidden_event_are_not_shown_on_speaker_or_organisation_pages(client):
    hidden = EventFactory(slug="hidden", is_public=False)
    session = make_session(hidden, VenueFactory(event=hidden), title_en="Secret rehearsal")
    person = session.participations.first().person
    assert client.get(person.get_absolute_url()).status_code == 404
    org = session.hosts.first().organisation
    response = client.get(org.get_absolute_url())
    assert "Secret rehearsal" not in text_of(response)
    assert client.get("/en/events/hidden/programme/").status_code == 404


# Filters: a bad value is explained beside its field; common city names are understood.


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Tokyo", "Asia/Tokyo"),
        ("tokyo", "Asia/Tokyo"),
        ("東京", "Asia/Tokyo"),
        ("new york", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"),
        ("europe/london", "Europe/London"),
        ("Europe/Paris", "Europe/Paris"),
    ],
)
def test_the_time_zone_filter_understands_city_names(client, event, pavilion, typed, shown):
    from pavilion.programme.forms import resolve_zone

    assert resolve_zone(typed) == shown
    make_session(event, pavilion, title_en="Listed")
    response = client.get("/en/events/cop29/programme/", {"tz": typed})
    assert response.status_code == 200
    assert f'name="tz" value="{shown}"' in response.content.decode()


def test_a_city_name_shows_the_times_in_that_zone(client, event, pavilion):
    make_session(
        event,
        pavilion,
        starts_at=dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU),
        ends_at=dt.datetime(2024, 11, 12, 17, 30, tzinfo=BAKU),
    )
    page = text_of(client.get("/en/events/cop29/programme/?tz=London"))
    assert "12:30–13:30 United Kingdom time" in page


def _field(html: str, name: str) -> str:
    """The filter form's field ``name``: from its label to the next field."""
    form = html.split('<form class="filters"')[1].split("</form>")[0]
    return form.split(f'for="f-{name}"')[1].split('<div class="field')[0]


def test_an_unknown_time_zone_is_explained_beside_its_field_and_kept_to_correct(
    client, event, pavilion
):
    session = make_session(event, pavilion, title_ja="まだ表示されるセッション")
    response = client.get("/ja/events/cop29/programme/?tz=Mars")
    assert response.status_code == 400
    html = response.content.decode()
    field = _field(html, "tz")
    assert "「Mars」は認識できないタイムゾーンです。" in field
    assert 'value="Mars"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="f-tz-error"' in field and 'id="f-tz-error"' in field
    # The notice at the top points to the field rather than repeating the message.
    notices = html.split('<div class="notices"')[1].split("</div>")[0]
    assert 'href="#filters"' in notices and "Mars" not in notices
    assert session.title_ja in text_of(response)


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("day=garbage", "day", "Give the day as YYYY-MM-DD"),
        ("day=2025-01-01", "day", "2025-01-01 is not a day of this event"),
        ("venue=999", "venue", "There is no venue “999” at this event."),
        ("host=nonexistent", "host", "There is no organisation “nonexistent”."),
        ("q=" + "x" * 300, "q", "at most 200 characters"),
    ],
)
def test_a_bad_filter_is_explained_beside_its_field(client, event, pavilion, query, name, message):
    make_session(event, pavilion, title_en="Visible anyway")
    response = client.get(f"/en/events/cop29/programme/?{query}")
    assert response.status_code == 400
    field = _field(response.content.decode(), name)
    assert message in field
    assert 'aria-invalid="true"' in field


def test_the_time_zone_offer_is_worded_for_a_label_after_a_colon(client, event, pavilion):
    html = client.get("/ja/events/cop29/programme/").content.decode()
    assert 'data-offer="お使いのタイムゾーンの時刻も表示する：%(zone)s"' in html


# The home page: upcoming sessions with their day; the networking area's booking page.


def _climate_week(days_ahead: int = 20):
    later = EventFactory(
        slug="climate-week",
        name_en="Climate Week",
        timezone="America/Belem",
        start_date=timezone.localdate() + dt.timedelta(days=days_ahead),
        end_date=timezone.localdate() + dt.timedelta(days=days_ahead + 5),
    )
    return later, VenueFactory(event=later, slug="hall", is_ours=True)


def test_home_gives_the_day_of_each_upcoming_session_at_other_events(client, event, pavilion):
    later, hall = _climate_week()
    belem = later.tzinfo
    first_day = later.start_date + dt.timedelta(days=1)
    for n, (day, hour) in enumerate([(0, 10), (0, 14), (1, 11)]):
        start = dt.datetime.combine(first_day + dt.timedelta(days=day), dt.time(hour), belem)
        make_session(
            later,
            hall,
            title_en=f"Talk {n}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    html = client.get("/en/").content.decode()
    page = text_of(client.get("/en/"))
    from pavilion.core.timefmt import format_date

    day_one = format_date(first_day, "en", "long")
    day_two = format_date(first_day + dt.timedelta(days=1), "en", "long")
    assert f"{day_one} 10:00–11:00 Belem time" in page
    assert page.index(day_one) < page.index("Talk 1") < page.index(day_two) < page.index("Talk 2")
    # 14:00 in Belém is the next morning in Japan: that date is given too.
    assert "02:00–03:00 Japan time (" in page
    assert 'class="day-label"' in html


def test_home_and_programme_link_to_the_networking_booking_page_while_tables_are_open(
    client, event, pavilion
):
    from tests.factories import NetworkingTableFactory

    later, hall = _climate_week()
    start = dt.datetime.combine(later.start_date, dt.time(10), later.tzinfo)
    make_session(
        later, hall, title_en="Talk", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    booking = 'href="/en/events/climate-week/networking/"'
    assert booking not in client.get("/en/").content.decode()  # no tables yet
    table = NetworkingTableFactory(venue=hall)
    assert booking in client.get("/en/").content.decode()
    assert booking in client.get("/en/events/climate-week/programme/").content.decode()
    table.is_active = False
    table.save(update_fields=["is_active"])
    assert booking not in client.get("/en/events/climate-week/programme/").content.decode()


def test_no_booking_link_once_the_event_is_over(client, event, pavilion):
    from tests.factories import NetworkingTableFactory

    NetworkingTableFactory(venue=pavilion)  # the featured event took place in 2024
    assert "/networking/" not in client.get("/en/").content.decode()
    assert "/networking/" not in client.get("/en/events/cop29/programme/").content.decode()


# The note on time zones is in the footer of the pages that show times, and only there.

TIMES_NOTE = "Times are shown in the venue's time zone"


def test_the_time_zone_note_is_on_pages_with_times_only(client, event, pavilion):
    session = make_session(event, pavilion)
    for url in ("/en/events/cop29/programme/", session.get_absolute_url()):
        assert TIMES_NOTE in client.get(url).content.decode(), url
    for url in ("/en/membership/", "/en/contact/", "/en/events/", "/en/no-such-page/"):
        assert TIMES_NOTE not in client.get(url).content.decode(), url


def test_days_without_sessions_are_shown_but_not_offered_as_links(client, event, pavilion):
    make_session(event, pavilion, 0, title_en="Day one talk")  # 12 November, Baku
    response = client.get("/en/events/cop29/programme/")
    html = response.text
    assert 'href="?day=2024-11-12' in html or "day=2024-11-12" in html
    # A day with nothing on it is listed, muted, without a link or a "(0)".
    assert '<span class="day-empty">' in html
    assert "day=2024-11-14" not in html
    assert "(0)" not in html and "（0）" not in html
