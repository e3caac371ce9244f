import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from pavilion.pages.models import GlossaryTerm
from pavilion.programme.demo import demo_load
from pavilion.programme.models import (
    Chapter,
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    SessionLink,
    Venue,
)
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")
BELEM = ZoneInfo("America/Belem")
TODAY = dt.date(2026, 3, 2)


def _row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Event,
            Venue,
            Organisation,
            Person,
            Session,
            Participation,
            SessionHost,
            SessionLink,
            Chapter,
            GlossaryTerm,
        )
    }


def _cop29_session(slug):
    return Session.objects.get(event__slug="cop29", slug=slug)


def test_loading_twice_creates_nothing_new():
    first = demo_load(today=TODAY)
    rows_after_first = _row_counts()
    second = demo_load(today=TODAY)

    assert first["created"] > 0
    assert second["created"] == 0
    assert second["updated"] == first["created"]
    assert {k: v for k, v in first.items() if k not in {"created", "updated"}} == {
        k: v for k, v in second.items() if k not in {"created", "updated"}
    }
    assert _row_counts() == rows_after_first
    assert first["events"] == 2
    assert first["glossary_terms"] == 5


def test_cop29_sessions_keep_the_baku_times_of_the_source():
    demo_load(today=TODAY)

    urban7 = _cop29_session("urban7-saitama-e-kizuna-high-level-talks")
    assert urban7.starts_at == dt.datetime(2024, 11, 12, 12, 30, tzinfo=UTC)
    assert urban7.ends_at == dt.datetime(2024, 11, 12, 13, 30, tzinfo=UTC)
    assert urban7.starts_at.astimezone(TOKYO).strftime("%H:%M") == "21:30"
    assert urban7.title_en == (
        "The Urban7 – Saitama City “E-KIZUNA High-Level Talks”: Continuing the critical role"
        " and engagement of local governments in the G7"
    )
    assert urban7.venue.slug == "multilevel-action-urbanization-pavilion"

    lgma = _cop29_session("lgma-response-to-cop29-and-world-climate-action-summit")
    assert lgma.starts_at == dt.datetime(2024, 11, 13, 6, 0, tzinfo=UTC)
    assert lgma.ends_at.astimezone(TOKYO).strftime("%H:%M") == "16:00"
    assert lgma.summary_ja == "このセッションでは、小池百合子 東京都知事が講演を行います。"

    c2p2 = _cop29_session("japan-pavilion-c2p2-yokohama-bangkok")
    assert c2p2.starts_at == dt.datetime(2024, 11, 13, 7, 45, tzinfo=UTC)
    assert c2p2.ends_at == dt.datetime(2024, 11, 13, 9, 0, tzinfo=UTC)
    assert c2p2.venue.name_ja == "ジャパン・パビリオン"

    assert set(Session.objects.filter(event__slug="cop29").values_list("status", flat=True)) == {
        Session.Status.PUBLISHED
    }


def test_japan_pavilion_session_without_a_date_keeps_its_time():
    demo_load(today=TODAY)

    session = _cop29_session("japan-pavilion-multilevel-action-high-level-and-action-sessions")
    assert session.starts_at is None and session.ends_at is None
    assert session.tbc_start_time == dt.time(14, 0)
    assert session.tbc_end_time == dt.time(15, 15)
    speakers = [
        (p.person.name_en, p.role, p.segment_en) for p in session.participations.order_by("order")
    ]
    assert speakers == [
        ("Kazuhiko Takemoto", Participation.Role.OPENING, ""),
        ("Yutaka Matsuzawa", Participation.Role.KEYNOTE, ""),
        ("Togo Uchida", Participation.Role.MODERATOR, "High-level session"),
        ("Hayato Shimizu", Participation.Role.SPEAKER, "Action session"),
    ]
    assert [link.label_ja for link in session.links.all()] == [
        "COP29 ジャパンパビリオン|イベントページ",
        "録画映像",
    ]


def test_urban7_speakers_are_to_be_announced_and_hosts_are_in_order():
    demo_load(today=TODAY)

    urban7 = _cop29_session("urban7-saitama-e-kizuna-high-level-talks")
    assert [p.person for p in urban7.participations.all()] == [None]
    assert [(h.organisation.name_ja, h.role) for h in urban7.hosts.all()] == [
        ("さいたま市", SessionHost.Role.ORGANISER),
        ("イクレイ日本", SessionHost.Role.COOPERATION),
    ]
    link = urban7.links.get()
    assert (link.label_ja, link.url) == (
        "さいたま市ホームページ",
        "https://www.city.saitama.lg.jp/",
    )


def test_people_carry_the_japanese_forms_of_the_source():
    demo_load(today=TODAY)

    people = {
        p.name_en: (p.name_ja, p.title_ja, p.organisation.name_ja) for p in Person.objects.all()
    }
    assert people["Kazuhiko Takemoto"] == ("竹本 和彦", "イクレイ日本理事長", "イクレイ日本")
    assert people["Yutaka Matsuzawa"] == ("松澤 裕", "環境省 地球環境審議官", "環境省")
    assert people["Togo Uchida"] == ("内田 東吾", "イクレイ日本事務局長", "イクレイ日本")
    assert people["Hayato Shimizu"] == ("清水 勇人", "さいたま市長", "さいたま市")
    assert people["Yuriko Koike"] == ("小池 百合子", "東京都知事", "東京都")


def test_our_pavilion_holds_the_facts_of_the_source():
    demo_load(today=TODAY)

    venue = Venue.objects.get(event__slug="cop29", is_ours=True)
    assert venue.name_en == "Multilevel Action & Urbanization Pavilion"
    assert venue.name_ja == "マルチレベル・アクション&都市化パビリオン"
    assert venue.area_m2 == 100
    assert "LGMA" in venue.description_en and "LGMA" in venue.description_ja
    assert [p.organisation.short_name_en for p in venue.partners.all()] == [
        "ICLEI",
        "UN-Habitat",
        "SCUPA",
    ]
    aims = list(venue.aims.all())
    assert len(aims) == 3
    assert aims[0].text_ja.startswith("私たちの主な目的は")
    assert aims[1].text_en.startswith("Through a two-week programme")
    event = venue.event
    assert (event.start_date, event.end_date) == (dt.date(2024, 11, 11), dt.date(2024, 11, 22))
    assert event.timezone == "Asia/Baku"
    assert event.secondary_timezones == ["Asia/Tokyo"]


def test_c2p2_chapter_is_at_twenty_three_minutes_five_seconds():
    demo_load(today=TODAY)

    chapter = _cop29_session("japan-pavilion-c2p2-yokohama-bangkok").chapters.get()
    assert chapter.seconds == 1385
    assert chapter.offset_label == "23:05"
    assert chapter.title_ja == "C2P2の優良事例：「横浜市・バンコク都連携」"


def test_glossary_holds_the_five_footnoted_terms():
    demo_load(today=TODAY)

    terms = {t.slug: t for t in GlossaryTerm.objects.all()}
    assert set(terms) == {"champ", "town-hall-cops", "lgma", "ndcs", "naps"}
    assert terms["champ"].expansion_en == "Coalition for High Ambition Multilevel Partnerships"
    assert (
        "72" in terms["champ"].definition_en and "日本を含む72か国" in terms["champ"].definition_ja
    )
    assert "タウンホールCOP" in terms["town-hall-cops"].match_forms()
    assert "国家適応計画" in terms["naps"].match_forms()


def test_example_event_starts_three_weeks_after_the_given_day():
    demo_load(today=TODAY)

    event = Event.objects.get(is_example=True)
    assert event.start_date == dt.date(2026, 3, 23)
    assert event.end_date == dt.date(2026, 3, 27)
    assert not event.is_featured
    assert "Example" in event.name_en and "例" in event.name_ja
    assert event.venues.get().capacity == 60


def test_example_sessions_move_with_the_day_the_demo_is_loaded():
    demo_load(today=TODAY)
    demo_load(today=TODAY + dt.timedelta(days=10))

    event = Event.objects.get(is_example=True)
    assert event.start_date == dt.date(2026, 4, 2)
    first = event.sessions.exclude(starts_at=None).order_by("starts_at").first()
    assert first.starts_at.astimezone(BELEM).date() == dt.date(2026, 4, 2)
    assert event.sessions.count() == 8


def test_example_has_sessions_on_the_next_day_in_japan_and_every_state():
    demo_load(today=TODAY)

    sessions = Session.objects.filter(event__is_example=True)
    afternoon = sessions.get(slug="example-cities-adapting-to-heat-and-floods")
    belem_start = afternoon.starts_at.astimezone(BELEM)
    tokyo_start = afternoon.starts_at.astimezone(TOKYO)
    assert belem_start.hour == 14
    assert tokyo_start.date() == belem_start.date() + dt.timedelta(days=1)
    assert tokyo_start.hour == 2
    assert any(s.starts_at.astimezone(BELEM).hour == 16 for s in sessions.exclude(starts_at=None))
    assert sessions.filter(status=Session.Status.CANCELLED).count() == 1
    assert sessions.filter(status=Session.Status.DRAFT).count() == 1
    assert sessions.filter(starts_at=None).count() == 1
    assert all("example" in s.summary_en.lower() and "例" in s.summary_ja for s in sessions)
    people = Person.objects.filter(participations__session__event__is_example=True).distinct()
    assert people and all("(example)" in p.name_en for p in people)


def test_cop29_is_the_featured_event():
    demo_load(today=TODAY)
    demo_load(today=TODAY)

    assert Event.objects.get(is_featured=True).slug == "cop29"


def test_reloading_does_not_take_the_feature_from_an_event_staff_chose():
    demo_load(today=TODAY)
    Event.objects.filter(slug="cop29").update(is_featured=False)
    chosen = EventFactory(is_featured=True)

    demo_load(today=TODAY)

    assert Event.objects.get(is_featured=True) == chosen


def test_reloading_keeps_rows_the_demo_did_not_create():
    demo_load(today=TODAY)
    cop29 = Event.objects.get(slug="cop29")
    japan = Venue.objects.get(event=cop29, slug="japan-pavilion")
    own = SessionFactory(
        event=cop29,
        venue=japan,
        slug="staff-session",
        starts_at=dt.datetime(2024, 11, 14, 10, 0, tzinfo=ZoneInfo("Asia/Baku")),
    )

    demo_load(today=TODAY)

    assert Session.objects.filter(pk=own.pk).exists()
    assert cop29.sessions.count() == 5


def test_load_demo_command_prints_a_one_line_summary():
    out = io.StringIO()
    call_command("load_demo", "--today", "2026-03-02", stdout=out)
    call_command("load_demo", "--today", "2026-03-02", stdout=out)

    first, second = out.getvalue().splitlines()
    assert first.startswith("Demo data loaded: 2 events, 3 venues, 12 sessions")
    assert "(0 new," in second
    assert Event.objects.get(is_example=True).start_date == dt.date(2026, 3, 23)


def test_the_example_event_lets_a_newcomer_register_for_its_sessions(client):
    from pavilion.registration.models import RegistrationSettings

    demo_load()
    demo_load()  # safe twice: one settings row per session
    example = Event.objects.get(is_example=True)
    dated = example.sessions.filter(status="published", starts_at__isnull=False)
    assert dated.exists()
    assert (
        RegistrationSettings.objects.filter(session__in=dated, is_open=True).count()
        == dated.count()
    )
    session = dated.first()
    page = client.get(session.get_absolute_url()).content.decode()
    assert f"/en/events/{example.slug}/sessions/{session.slug}/register/" in page
