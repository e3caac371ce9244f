"""Importing and exporting the programme as a spreadsheet (CSV and XLSX)."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from pavilion.core.models import AuditEntry
from pavilion.programme import cache
from pavilion.programme.models import (
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    SessionLink,
    Venue,
)
from pavilion.programme.spreadsheet import cells
from pavilion.programme.spreadsheet.columns import COLUMNS
from pavilion.programme.spreadsheet.export import (
    export_csv,
    export_xlsx,
    programme_table,
)
from pavilion.programme.spreadsheet.readers import read_table
from pavilion.programme.spreadsheet.services import programme_import, programme_import_file
from tests.factories import (
    ChapterFactory,
    EventFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    SessionHostFactory,
    SessionLinkFactory,
    StaffFactory,
    VenueFactory,
)
from tests.programme.spreadsheet_helpers import ROW, baku, csv_bytes, row, table, xlsx_bytes

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def event():
    return EventFactory(
        slug="cop",
        name_en="COP29",
        timezone="Asia/Baku",
        secondary_timezones=["Asia/Tokyo"],
        start_date=dt.date(2024, 11, 11),
        end_date=dt.date(2024, 11, 22),
    )


@pytest.fixture
def venue(event):
    return VenueFactory(
        event=event,
        slug="pavilion",
        name_en="Multilevel Action Pavilion",
        name_ja="マルチレベル・アクション・パビリオン",
    )


@pytest.fixture
def japan_pavilion(event):
    return VenueFactory(event=event, slug="japan-pavilion", name_en="Japan Pavilion")


@pytest.fixture
def hosts():
    return {
        "saitama": OrganisationFactory(
            slug="saitama-city", name_en="Saitama City", name_ja="さいたま市"
        ),
        "iclei": OrganisationFactory(
            slug="iclei-japan", name_en="ICLEI Japan", name_ja="イクレイ日本"
        ),
    }


@pytest.fixture
def takemoto():
    return PersonFactory(
        slug="kazuhiko-takemoto",
        name_en="Kazuhiko Takemoto",
        name_ja="竹本 和彦",
        title_en="President, ICLEI Japan",
        title_ja="イクレイ日本理事長",
    )


@pytest.fixture
def programme(event, venue, hosts, takemoto):
    """The event with its venue, hosts and a known speaker, ready for ROW."""
    return event


def run(event, *rows, dry_run=False, **kwargs):
    return programme_import(event=event, rows=table(*rows), dry_run=dry_run, **kwargs)


def problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


# A good file


def test_a_valid_row_creates_the_session_in_utc_with_every_part(programme):
    report = run(programme, ROW)

    assert report.ok and report.saved
    assert (report.created, report.updated, report.people_created) == (1, 0, 1)
    session = Session.objects.get()
    assert session.external_id == "S1"
    assert session.status == Session.Status.PUBLISHED
    assert session.starts_at == dt.datetime(2024, 11, 12, 12, 30, tzinfo=UTC)
    assert session.ends_at == dt.datetime(2024, 11, 12, 13, 30, tzinfo=UTC)
    assert session.title_ja == "E-KIZUNAハイレベル・トーク"
    assert session.recording_url == "https://www.youtube.com/watch?v=abc"
    assert [(h.organisation.slug, h.role) for h in session.hosts.all()] == [
        ("saitama-city", "organiser"),
        ("iclei-japan", "cooperation"),
    ]
    speakers = list(session.participations.select_related("person"))
    assert [(p.role, p.person and p.person.name_en) for p in speakers] == [
        ("opening", "Kazuhiko Takemoto"),
        ("moderator", "Togo Uchida"),
        ("speaker", None),
    ]
    assert (speakers[1].segment_en, speakers[1].segment_ja) == (
        "High-level session",
        "ハイレベル・セッション",
    )
    uchida = speakers[1].person
    assert (uchida.name_ja, uchida.title_en, uchida.slug) == (
        "内田 東吾",
        "Secretary General, ICLEI Japan",
        "togo-uchida",
    )
    (link,) = session.links.all()
    assert (link.kind, link.url, link.label_en, link.label_ja) == (
        "website",
        "https://www.city.saitama.lg.jp/",
        "Saitama City website",
        "さいたま市ホームページ",
    )
    assert [(c.offset, c.title_en, c.title_ja) for c in session.chapters.all()] == [
        (dt.timedelta(minutes=23, seconds=5), "C2P2 good practice", "C2P2の優良事例"),
        (dt.timedelta(hours=1, minutes=2, seconds=3), "Closing", "閉会"),
    ]


def test_an_empty_date_keeps_the_times_as_date_to_be_confirmed(programme):
    report = run(programme, row(date="", japan_start="", start="14:00", end="15:15"))

    assert report.ok
    session = Session.objects.get()
    assert session.starts_at is None and session.ends_at is None
    assert (session.tbc_start_time, session.tbc_end_time) == (dt.time(14), dt.time(15, 15))


def test_japanese_headers_and_words_are_accepted(programme):
    headers = [
        "外部ID",
        "状態",
        "日付",
        "開始",
        "終了",
        "日本時間開始",
        "会場",
        "タイトル(英語)",
        "タイトル（日本語）",
        "主催",
        "登壇者",
    ]
    rows = [
        headers,
        [
            "S1",
            "公開",
            "2024/11/12",
            "１６：３０",
            "17:30",
            "21:30",
            "マルチレベル・アクション・パビリオン",
            "Talks",
            "トーク",
            "主催: さいたま市; 協力: イクレイ日本",
            "開会挨拶: 竹本 和彦",
        ],
    ]
    report = programme_import(event=programme, rows=rows, dry_run=False)

    assert report.ok, report.problem_lines()
    session = Session.objects.get()
    assert session.status == "published"
    assert session.starts_at == dt.datetime(2024, 11, 12, 12, 30, tzinfo=UTC)
    assert [h.role for h in session.hosts.all()] == ["organiser", "cooperation"]
    (part,) = session.participations.all()
    assert (part.role, part.person.slug) == ("opening", "kazuhiko-takemoto")


def test_a_speaker_can_be_named_by_slug_alone(programme, takemoto):
    report = run(programme, row(speakers="keynote: kazuhiko-takemoto"))

    assert report.ok
    (part,) = Participation.objects.all()
    assert part.person == takemoto
    takemoto.refresh_from_db()
    assert takemoto.name_en == "Kazuhiko Takemoto"  # a slug alone changes nothing


def test_a_row_gives_a_known_person_a_new_title(programme, takemoto):
    speakers = "opening: Kazuhiko Takemoto | 竹本 和彦 | Honorary President | 名誉理事長"
    report = run(programme, row(speakers=speakers))

    assert (report.people_created, report.people_updated) == (0, 1)
    takemoto.refresh_from_db()
    assert (takemoto.title_en, takemoto.title_ja) == ("Honorary President", "名誉理事長")


def test_special_characters_are_kept_when_escaped(programme):
    links = r"event_page [Japan Pavilion \| Event page|ジャパンパビリオン\|イベント\; \[1\]]: https://example.org/a\;b"
    report = run(programme, row(links=links))

    assert report.ok, report.problem_lines()
    (link,) = SessionLink.objects.all()
    assert link.label_en == "Japan Pavilion | Event page"
    assert link.label_ja == "ジャパンパビリオン|イベント; [1]"
    assert link.url == "https://example.org/a;b"


def test_a_role_may_end_with_a_full_width_colon_and_a_title_may_hold_a_colon(programme, takemoto):
    speakers = "開会挨拶：竹本 和彦; Kazuhiko Takemoto | 竹本 和彦 | Chair: the Board"
    report = run(programme, row(speakers=speakers))

    assert report.ok, report.problem_lines()
    parts = list(Participation.objects.order_by("order"))
    assert [(p.role, p.person_id) for p in parts] == [
        ("opening", takemoto.pk),
        ("speaker", takemoto.pk),
    ]
    takemoto.refresh_from_db()
    assert takemoto.title_en == "Chair: the Board"


# Dry run, all or nothing, idempotence


def test_a_dry_run_writes_nothing_even_when_the_file_is_valid(programme):
    report = run(programme, ROW, dry_run=True)

    assert report.ok and not report.saved
    assert (report.created, report.people_created) == (1, 1)
    assert not Session.objects.exists()
    assert not Person.objects.filter(slug="togo-uchida").exists()
    assert not AuditEntry.objects.exists()


def test_one_bad_row_means_nothing_is_written(programme):
    report = run(programme, ROW, row(external_id="S2", start="18:00", end="17:00"))

    assert not report.saved
    assert problems(report) == [(3, "end", "The end must be after the start.")]
    assert not Session.objects.exists()
    assert not Person.objects.filter(slug="togo-uchida").exists()


def test_a_reimport_updates_the_session_and_replaces_its_parts(programme, takemoto):
    run(programme, ROW)
    session = Session.objects.get()
    report = run(
        programme,
        row(
            title_en="E-KIZUNA Talks, revised",
            speakers="keynote: Kazuhiko Takemoto | 竹本 和彦",
            hosts="organiser: ICLEI Japan",
            links="",
            chapters="10:00 Start | 開始",
        ),
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Session.objects.count() == 1
    session.refresh_from_db()
    assert session.title_en == "E-KIZUNA Talks, revised"
    assert session.sequence == 1
    assert [(p.role, p.person_id) for p in session.participations.all()] == [
        ("keynote", takemoto.pk)
    ]
    assert [h.organisation.slug for h in session.hosts.all()] == ["iclei-japan"]
    assert not session.links.exists()
    assert [c.title_en for c in session.chapters.all()] == ["Start"]
    assert Participation.objects.count() == 1 and SessionHost.objects.count() == 1
    assert Person.objects.filter(name_en="Togo Uchida").count() == 1


def test_reimporting_the_same_file_changes_nothing(programme):
    run(programme, ROW)
    before = Session.objects.values().get()

    report = run(programme, ROW)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Session.objects.values().get() == before  # not even the revision moves
    assert Person.objects.filter(name_en="Togo Uchida").count() == 1


def test_a_column_left_out_keeps_what_is_stored(programme):
    run(programme, ROW)
    columns = ["external_id", "date", "start", "end", "venue", "title_en"]
    report = programme_import(
        event=programme,
        rows=table(row(title_en="Renamed"), columns=columns),
        dry_run=False,
    )

    assert report.updated == 1
    session = Session.objects.get()
    assert session.title_en == "Renamed"
    assert session.title_ja == ROW["title_ja"]
    assert session.status == "published"
    assert session.participations.count() == 3
    assert session.chapters.count() == 2


def test_a_session_entered_by_hand_is_found_by_its_slug(programme, venue):
    session = SessionFactory(
        event=programme, venue=venue, slug="talks", external_id="", starts_at=baku(12, 16, 30)
    )
    report = run(programme, row(external_id="talks", title_en="Talks from the sheet"))

    assert (report.created, report.updated) == (0, 1)
    session.refresh_from_db()
    assert session.title_en == "Talks from the sheet"


def test_the_import_writes_one_audit_entry_with_its_counts(programme):
    actor = StaffFactory()
    programme_import_file(
        event=programme, data=csv_bytes(ROW), file_name="programme.csv", dry_run=False, actor=actor
    )

    (entry,) = AuditEntry.objects.all()
    assert entry.action == "pavilion.programme.imported"
    assert entry.actor == actor
    assert entry.target == programme
    assert entry.data["file"] == "programme.csv"
    assert (entry.data["created"], entry.data["people_created"]) == (1, 1)


def test_the_import_moves_the_programme_version_on(programme, django_capture_on_commit_callbacks):
    other = EventFactory()
    before = cache.programme_version(programme.pk)
    other_before = cache.programme_version(other.pk)
    with django_capture_on_commit_callbacks(execute=True):
        run(programme, ROW)
    assert cache.programme_version(programme.pk) != before
    # A new person shows on every event's pages, so every version moves.
    assert cache.programme_version(other.pk) != other_before


def test_an_unchanged_reimport_leaves_the_programme_version(
    programme, django_capture_on_commit_callbacks
):
    run(programme, ROW)
    before = cache.programme_version(programme.pk)
    with django_capture_on_commit_callbacks(execute=True):
        report = run(programme, ROW)
    assert report.saved and report.unchanged == 1
    assert cache.programme_version(programme.pk) == before


# Problems, each with its row, column and message


def test_end_before_start_is_reported_on_the_end(programme):
    report = run(programme, row(start="17:30", end="16:30"))
    assert problems(report) == [(2, "end", "The end must be after the start.")]


def test_a_published_row_with_placeholder_text_is_refused_as_in_the_back_office(
    programme, japan_pavilion
):
    report = run(
        programme,
        row(title_en="TBD: opening talk", summary_ja="Lorem ipsum dolor sit amet"),
        row(external_id="S2", status="draft", title_en="TBD", venue="Japan Pavilion"),
    )

    found = problems(report)
    assert [(r, column) for r, column, _message in found] == [(2, "title_en"), (2, "summary_ja")]
    assert "placeholder text: “TBD”" in found[0][2]
    assert "placeholder text: “Lorem”" in found[1][2]
    assert not Session.objects.exists()  # all or nothing


def test_a_published_row_without_its_japanese_title_is_refused(programme):
    report = run(programme, row(title_ja=""))

    assert [(r, column) for r, column, _message in problems(report)] == [(2, "title_ja")]


def test_an_unknown_venue_is_reported(programme):
    report = run(programme, row(venue="Main hall"))
    assert problems(report) == [
        (
            2,
            "venue",
            "“Main hall” is not a venue of COP29. Give the slug or the exact name of one of "
            "its venues: pavilion.",
        )
    ]


@pytest.fixture
def berlin_event():
    event = EventFactory(
        slug="berlin",
        timezone="Europe/Berlin",
        secondary_timezones=["Asia/Tokyo"],
        start_date=dt.date(2024, 3, 30),
        end_date=dt.date(2024, 10, 28),
    )
    VenueFactory(event=event, slug="hall")
    return event


def test_a_time_skipped_by_the_clocks_going_forward_is_reported(berlin_event):
    report = run(
        berlin_event,
        row(
            venue="hall",
            date="2024-03-31",
            start="02:30",
            end="04:00",
            japan_start="",
            hosts="",
            speakers="",
        ),
    )
    assert problems(report) == [
        (
            2,
            "start",
            "02:30 does not exist on Sunday 31 March 2024 in Europe/Berlin: the clocks go "
            "forward at that moment. Choose another time.",
        )
    ]


def test_a_time_repeated_by_the_clocks_going_back_is_reported(berlin_event):
    report = run(
        berlin_event,
        row(
            venue="hall",
            date="2024-10-27",
            start="01:00",
            end="02:30",
            japan_start="",
            hosts="",
            speakers="",
        ),
    )
    assert problems(report) == [
        (
            2,
            "end",
            "02:30 happens twice on Sunday 27 October 2024 in Europe/Berlin, because the clocks "
            "go back at that moment, so it cannot be told which one is meant. Choose another time.",
        )
    ]


def test_a_japan_time_that_disagrees_with_the_venue_time_is_reported(programme):
    report = run(programme, row(japan_start="20:30"))
    assert problems(report) == [
        (
            2,
            "japan_start",
            "“20:30” does not agree with the start: 16:30 on 12 Nov 2024 in Asia/Baku is 21:30 "
            "on 12 Nov 2024 in Asia/Tokyo.",
        )
    ]


def test_a_japan_time_on_the_next_day_agrees(programme):
    assert run(programme, row(start="20:00", end="21:00", japan_start="01:00+1"), dry_run=True).ok
    assert run(programme, row(start="20:00", end="21:00", japan_start="01:00"), dry_run=True).ok
    report = run(programme, row(start="20:00", end="21:00", japan_start="01:00-1"), dry_run=True)
    assert [p[1] for p in problems(report)] == ["japan_start"]


def test_a_date_outside_the_event_is_reported(programme):
    report = run(programme, row(date="2024-11-23", japan_start=""))
    assert problems(report) == [
        (
            2,
            "date",
            "The session must take place within the event's dates, 11 Nov 2024 to 22 Nov 2024.",
        )
    ]


def test_duplicate_external_ids_are_reported_on_the_later_row(programme):
    report = run(programme, row(), row(start="18:00", end="19:00", japan_start=""))
    assert problems(report) == [
        (3, "external_id", "The external id “S1” is also used in row 2; each row needs its own.")
    ]


def test_a_bad_date_and_a_bad_time_are_reported(programme):
    report = run(programme, row(date="12/11/2024", start="4.30pm"))
    assert problems(report) == [
        (
            2,
            "date",
            "“12/11/2024” is not a date. Write it as YYYY-MM-DD, such as 2024-11-12, or leave it "
            "empty while the date is to be confirmed.",
        ),
        (2, "start", "“4.30pm” is not a time. Write it as HH:MM, such as 16:30."),
    ]


def test_unknown_status_role_and_link_kind_are_reported(programme):
    report = run(
        programme,
        row(
            status="live",
            speakers="chair: Kazuhiko Takemoto",
            links="blog: https://example.org/",
            hosts="sponsor: Saitama City",
        ),
    )
    assert problems(report) == [
        (2, "status", "“live” is not a status. Use one of: draft, published, cancelled."),
        (
            2,
            "hosts",
            "Item 1: “sponsor” is not a host role. Use one of: organiser, co_organiser, "
            "cooperation, supporter.",
        ),
        (
            2,
            "speakers",
            "Item 1: “chair” is not a speaker role. Use one of: opening, keynote, moderator, "
            "panellist, speaker, presenter, closing.",
        ),
        (
            2,
            "links",
            "Item 1: “blog” is not a kind of link. Use one of: website, event_page, livestream, "
            "recording, slides.",
        ),
    ]


def test_an_unknown_organisation_is_reported_unless_new_ones_may_be_created(programme):
    cell = "organiser: Yokohama City | 横浜市 | city"
    report = run(programme, row(hosts=cell))
    assert problems(report) == [
        (
            2,
            "hosts",
            "Item 1: “Yokohama City” is not a known organisation. Give its slug or its exact "
            "name in English or Japanese, or allow new organisations to be created.",
        )
    ]
    assert not Organisation.objects.filter(name_en="Yokohama City").exists()

    report = run(programme, row(hosts=cell), create_missing=True)
    assert report.ok and report.organisations_created == 1
    created = Organisation.objects.get(name_en="Yokohama City")
    assert (created.slug, created.name_ja, created.kind) == ("yokohama-city", "横浜市", "city")


def test_a_new_organisation_needs_its_kind(programme):
    report = run(programme, row(hosts="organiser: Yokohama City"), create_missing=True)
    assert [p[:2] for p in problems(report)] == [(2, "hosts")]
    assert "give it as English name | Japanese name | kind" in report.problems[0].message


def test_two_people_of_one_name_need_the_slug(programme):
    PersonFactory(slug="maria-silva", name_en="Maria Silva", name_ja="マリア・シルバ")
    PersonFactory(slug="maria-silva-2", name_en="Maria Silva", name_ja="マリア・シルバ")
    report = run(programme, row(speakers="speaker: Maria Silva"))
    assert problems(report) == [
        (
            2,
            "speakers",
            "Item 1: “Maria Silva” names 2 people; add the slug of the one you mean as the fifth "
            "part.",
        )
    ]
    report = run(programme, row(speakers="speaker: Maria Silva | | | | maria-silva-2"))
    assert report.ok
    assert Participation.objects.get().person.slug == "maria-silva-2"


def test_two_rows_giving_one_person_different_titles_are_reported(programme):
    report = run(
        programme,
        row(speakers="speaker: Kazuhiko Takemoto | | President"),
        row(
            external_id="S2",
            start="18:00",
            end="19:00",
            japan_start="",
            speakers="speaker: Kazuhiko Takemoto | | Chair",
        ),
    )
    assert problems(report) == [
        (
            3,
            "speakers",
            "Item 1: The job title (English) of Kazuhiko Takemoto is “Chair” here but "
            "“President” in row 2; give the same in both rows.",
        )
    ]


def test_an_unclosed_bracket_is_reported(programme):
    report = run(programme, row(speakers="moderator [High-level session: Togo Uchida"))
    assert [p[:2] for p in problems(report)] == [(2, "speakers")]
    assert report.problems[0].message.startswith(
        "Item 1: “moderator [High-level session: Togo Uchida” cannot be read"
    )


def test_overlapping_published_sessions_in_one_venue_are_reported(programme, venue):
    SessionFactory(
        event=programme,
        venue=venue,
        title_en="Opening",
        starts_at=baku(12, 16, 0),
        status=Session.Status.PUBLISHED,
    )
    report = run(programme, ROW)
    assert problems(report) == [
        (
            2,
            "start",
            "“Opening” is already published in Multilevel Action Pavilion from 2024-11-12 16:00 "
            "to 2024-11-12 17:00; two published sessions cannot overlap in one venue.",
        )
    ]


def test_overlapping_rows_of_the_file_are_reported(programme, japan_pavilion):
    report = run(
        programme,
        ROW,
        row(external_id="S2", title_en="Clash", start="17:00", end="18:00", japan_start=""),
        row(external_id="S3", venue="japan-pavilion", japan_start=""),  # another venue
        row(external_id="S4", status="draft", japan_start=""),  # a draft may overlap
    )
    assert problems(report) == [
        (
            3,
            "start",
            "Row 2, “E-KIZUNA High-Level Talks”, is also published in Multilevel Action Pavilion "
            "from 2024-11-12 16:30 to 2024-11-12 17:30; two published sessions cannot overlap "
            "in one venue.",
        )
    ]


def test_a_row_that_moves_a_session_away_frees_its_slot(programme, venue):
    run(programme, ROW)
    report = run(
        programme,
        row(start="18:00", end="19:00", japan_start=""),
        row(external_id="S2", japan_start=""),
    )
    assert report.ok, report.problem_lines()


def test_a_draft_cannot_be_cancelled(programme):
    run(programme, row(status="draft"))
    report = run(programme, row(status="cancelled"))
    assert problems(report) == [
        (
            2,
            "status",
            "A draft cannot be marked cancelled: it was never published. Leave it as a draft or "
            "delete it.",
        )
    ]


def test_a_missing_title_and_external_id_are_reported(programme):
    report = run(programme, row(external_id="", title_en="", title_ja=""))
    assert problems(report) == [
        (2, "external_id", "Give the session an external id."),
        (2, "title_en", "Fill this in English or Japanese (or both)."),
    ]


def test_missing_required_and_unknown_columns_are_reported_on_the_header(programme):
    columns = ["external_id", "start", "end", "title", "room", "# notes"]
    report = programme_import(event=programme, rows=table(ROW, columns=columns), dry_run=True)
    assert problems(report) == [
        (
            1,
            "room",
            "“room” is not a known column. Use one of the documented columns (external_id, "
            "status, date, start, end, japan_start, venue, title_en, title_ja, summary_en, "
            "summary_ja, hosts, speakers, links, recording, chapters), or start the header with "
            "# to keep it as a note.",
        ),
        (1, "date", "The column date is missing."),
        (1, "venue", "The column venue is missing."),
    ]


def test_a_note_column_is_ignored(programme):
    rows = table(ROW)
    rows[0].append("# notes")
    rows[1].append("call the mayor's office")
    assert programme_import(event=programme, rows=rows, dry_run=True).ok


def test_problems_are_reported_in_japanese_under_a_japanese_admin(programme):
    with translation.override("ja"):
        report = run(programme, row(start="17:30", end="16:30"))
        expected = gettext("The end must be after the start.")
        line = gettext("row %(row)s, column %(column)s: %(message)s") % {
            "row": 2,
            "column": "end",
            "message": expected,
        }
        summary = report.summary()
        lines = report.problem_lines()
    assert problems(report) == [(2, "end", expected)]
    assert lines == [line]
    assert "p.csv" not in summary and summary


# Files


def test_a_csv_in_utf8_with_a_byte_order_mark_is_read(programme):
    data = csv_bytes(ROW)
    assert data.startswith(b"\xef\xbb\xbf")
    report = programme_import_file(event=programme, data=data, file_name="p.csv", dry_run=False)
    assert report.ok
    assert Session.objects.get().title_ja == ROW["title_ja"]


def test_a_csv_in_shift_jis_is_read(programme):
    data = csv_bytes(row(speakers="opening: 竹本 和彦"), encoding="cp932")
    report = programme_import_file(event=programme, data=data, file_name="p.csv", dry_run=False)
    assert report.ok, report.problem_lines()
    session = Session.objects.get()
    assert session.title_ja == ROW["title_ja"]
    assert session.participations.get().person.name_ja == "竹本 和彦"


def test_a_tab_separated_utf16_file_from_excel_is_read(programme):
    rows = table(ROW)
    data = "\r\n".join("\t".join(r) for r in rows).encode("utf-16")
    assert read_table(data, "p.txt") == rows


def test_an_xlsx_file_is_read_with_the_cells_excel_typed(programme):
    header, values = table(ROW)
    values = dict(zip(header, values, strict=True))
    values.update(date=dt.datetime(2024, 11, 12), start=dt.time(16, 30), end=dt.time(17, 30))
    data = xlsx_bytes([header, [values[key] for key in header]])

    report = programme_import_file(event=programme, data=data, file_name="p.xlsx", dry_run=False)

    assert report.ok, report.problem_lines()
    assert Session.objects.get().starts_at == dt.datetime(2024, 11, 12, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "p.csv", "The file is empty."),
        (b"  \r\n", "p.csv", "The file is empty."),
        (b"%PDF-1.4 ...", "p.pdf", "Choose a CSV or XLSX file: “p.pdf” is neither."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "p.xls",
            "Old Excel workbooks (.xls) cannot be read. Save the file as .xlsx or as CSV.",
        ),
        (
            b"PK\x03\x04 not really a workbook",
            "p.xlsx",
            "The file could not be read as an XLSX workbook. Save it again from your "
            "spreadsheet program as .xlsx, or as CSV.",
        ),
        (
            b"external_id,date\n\x00\x01\x02",
            "p.csv",
            "The file could not be read as CSV: it holds binary data. Choose a CSV or XLSX file.",
        ),
        (
            b"\x81\x39\xfe\xfe\xfe",
            "p.csv",
            "The file could not be read as text: it is neither UTF-8 nor Shift_JIS. Save it "
            "from your spreadsheet program as “CSV UTF-8”, or as .xlsx.",
        ),
        (
            b"external_id,date,start,end,venue,title_en\n",
            "p.csv",
            "The file has a header row but no sessions below it.",
        ),
    ],
)
def test_an_unreadable_file_is_one_problem_on_row_0(programme, data, name, message):
    report = programme_import_file(event=programme, data=data, file_name=name, dry_run=False)
    assert problems(report) == [(0, "", message)]
    assert report.problem_lines() == [f"file: {message}"]
    assert not Session.objects.exists()


def test_an_xlsx_file_with_a_zip_inside_that_is_not_a_workbook_is_reported(programme):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    report = programme_import_file(
        event=programme, data=out.getvalue(), file_name="p.xlsx", dry_run=True
    )
    assert [(p.row, p.column) for p in report.problems] == [(0, "")]


# The cells' syntax


def test_a_cell_item_round_trips_any_text():
    labels = ("A | B; [c] \\ d", "日本語|；")
    parts = ["x;y", "a|b", "[z]", "back\\slash"]
    text = cells.format_item("moderator", parts, labels)
    (item,) = cells.parse_items(text)
    assert item.word == "moderator"
    assert item.labels == labels
    assert list(item.parts) == parts


# Export, and export then import


def test_the_export_writes_the_import_columns(programme, venue, takemoto, hosts):
    session = SessionFactory(
        event=programme,
        venue=venue,
        slug="talks",
        external_id="",
        starts_at=baku(12, 20, 0),
        ends_at=baku(13, 0, 30),
        status=Session.Status.DRAFT,
        recording_url="https://example.org/video",
    )
    ParticipationFactory(
        session=session, person=takemoto, role="moderator", segment_en="Part 1", segment_ja="第1部"
    )
    ParticipationFactory(session=session, person=None, role="speaker")
    SessionHostFactory(session=session, organisation=hosts["saitama"], role="organiser")
    SessionLinkFactory(
        session=session, kind="slides", url="https://example.org/s", label_en="Slides", label_ja=""
    )
    ChapterFactory(
        session=session,
        offset=dt.timedelta(minutes=23, seconds=5),
        title_en="Good practice",
        title_ja="優良事例",
    )

    header, values = programme_table(event=programme)
    exported = dict(zip(header, values, strict=True))

    assert exported == {
        "external_id": "talks",
        "status": "draft",
        "date": "2024-11-12",
        "start": "20:00",
        "end": "00:30+1",
        "japan_start": "01:00+1",
        "venue": "Multilevel Action Pavilion",
        "title_en": session.title_en,
        "title_ja": session.title_ja,
        "summary_en": session.summary_en,
        "summary_ja": session.summary_ja,
        "hosts": "organiser: Saitama City",
        "speakers": (
            "moderator [Part 1|第1部]: Kazuhiko Takemoto | 竹本 和彦 | President, ICLEI Japan | "
            "イクレイ日本理事長; speaker: TBA"
        ),
        "links": "slides [Slides]: https://example.org/s",
        "recording": "https://example.org/video",
        "chapters": "23:05 Good practice | 優良事例",
    }
    report = run(programme, exported)
    assert report.ok and report.unchanged == 1, report.problem_lines()


def test_people_who_share_a_name_are_exported_with_their_slug(programme, venue):
    first = PersonFactory(slug="maria-silva", name_en="Maria Silva", name_ja="マリア・シルバ")
    second = PersonFactory(slug="maria-silva-2", name_en="Maria Silva", name_ja="マリア・シルバ")
    session = SessionFactory(event=programme, venue=venue)
    ParticipationFactory(session=session, person=second, order=0)
    ParticipationFactory(session=session, person=first, order=1)

    csv_data = export_csv(event=programme)

    assert "| maria-silva-2;" in csv_data.decode("utf-8-sig")
    report = programme_import_file(event=programme, data=csv_data, file_name="p.csv", dry_run=False)
    assert report.ok and report.unchanged == 1, report.problem_lines()


SESSION_FIELDS = [
    "status",
    "starts_at",
    "ends_at",
    "tbc_start_time",
    "tbc_end_time",
    "title_en",
    "title_ja",
    "summary_en",
    "summary_ja",
    "recording_url",
]


def snapshot(event: Event) -> list[tuple]:
    """Every field of every session of the event, with its parts, keyed by what the export
    calls it."""
    out = []
    for session in Session.objects.filter(event=event).select_related("venue"):
        out.append(
            (
                session.external_id or session.slug,
                session.venue.slug,
                *(getattr(session, name) for name in SESSION_FIELDS),
                tuple(
                    session.participations.order_by("order", "id").values_list(
                        "person_id", "role", "segment_en", "segment_ja"
                    )
                ),
                tuple(session.hosts.order_by("order", "id").values_list("organisation_id", "role")),
                tuple(
                    session.links.order_by("order", "id").values_list(
                        "kind", "url", "label_en", "label_ja"
                    )
                ),
                tuple(
                    session.chapters.order_by("offset", "id").values_list(
                        "offset", "title_en", "title_ja"
                    )
                ),
            )
        )
    return sorted(out, key=lambda s: s[0])


def copy_of(event: Event, slug: str) -> Event:
    copy = Event.objects.create(
        slug=slug,
        name_en=f"{event.name_en} (copy)",
        start_date=event.start_date,
        end_date=event.end_date,
        timezone=event.timezone,
        secondary_timezones=event.secondary_timezones,
    )
    for venue in Venue.objects.filter(event=event):
        Venue.objects.create(
            event=copy, slug=venue.slug, name_en=venue.name_en, name_ja=venue.name_ja
        )
    return copy


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_demo_programme_round_trips_without_loss(fmt):
    call_command("load_demo", today=dt.date(2026, 1, 5), stdout=io.StringIO())
    export = export_csv if fmt == "csv" else export_xlsx
    for event in Event.objects.all():
        data = export(event=event)
        before = snapshot(event)
        people = list(Person.objects.values())

        again = programme_import_file(event=event, data=data, file_name=f"p.{fmt}", dry_run=False)
        assert again.ok, again.problem_lines()
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(before))
        assert snapshot(event) == before

        copy = copy_of(event, f"{event.slug}-copy")
        fresh = programme_import_file(event=copy, data=data, file_name=f"p.{fmt}", dry_run=False)
        assert fresh.ok, fresh.problem_lines()
        assert (fresh.created, fresh.people_created, fresh.people_updated) == (len(before), 0, 0)
        assert snapshot(copy) == before
        assert list(Person.objects.values()) == people
        assert programme_table(event=copy) == programme_table(event=event)


# The documentation and its samples

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", ["programme.csv", "programme.xlsx"])
def test_the_sample_files_are_the_demo_programme_unchanged(name):
    call_command("load_demo", stdout=io.StringIO())
    cop29 = Event.objects.get(slug="cop29")
    data = (DOCS / "samples" / name).read_bytes()

    report = programme_import_file(event=cop29, data=data, file_name=name, dry_run=True)

    assert report.ok, report.problem_lines()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    width = len(COLUMNS)
    rows = [cells + [""] * (width - len(cells)) for cells in read_table(data, name)]
    assert rows == programme_table(event=cop29)


def test_the_guide_documents_every_column_and_its_japanese_names():
    guide = (DOCS / "import.md").read_text()
    for column in COLUMNS:
        assert f"| `{column.key}` |" in guide
        for alias in column.aliases:
            assert f"`{alias}`" in guide


def test_a_title_that_looks_like_a_formula_stays_text_in_xlsx(programme, venue):
    SessionFactory(event=programme, venue=venue, external_id="F1", title_en="=1+1 (not a sum)")
    data = export_xlsx(event=programme)

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.cell(row=2, column=8).data_type == "s"
    report = programme_import_file(event=programme, data=data, file_name="p.xlsx", dry_run=True)
    assert report.ok and report.unchanged == 1, report.problem_lines()


def test_a_time_excel_keeps_on_its_day_zero_is_read_as_a_time():
    from pavilion.programme.spreadsheet.readers import cell_text

    assert cell_text(dt.datetime(1899, 12, 30, 16, 30)) == "16:30"
    assert cell_text(dt.datetime(2024, 11, 12)) == "2024-11-12"
    assert cell_text(12.0) == "12"
