"""The programme out, in exactly the columns and syntax the import reads.

An export imported back into the same event changes nothing: every session
is found again (by its external id, or by its slug when it has none), and
every venue, organisation and person is written in a form the import finds
again: its English name where that names only it, else its slug.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from django.db.models import F, Q

from pavilion.core.timefmt import zone

from ..models import (
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
from .cells import escape, format_item, join_items
from .columns import KEYS, TBA, TBA_WORDS, normalise
from .validate import DEFAULT_SECONDARY_ZONE, chunked, is_japanese

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMN_WIDTHS = {
    "external_id": 24,
    "status": 11,
    "date": 12,
    "start": 8,
    "end": 8,
    "japan_start": 12,
    "venue": 28,
    "title_en": 50,
    "title_ja": 40,
    "summary_en": 50,
    "summary_ja": 40,
    "hosts": 40,
    "speakers": 60,
    "links": 50,
    "recording": 35,
    "chapters": 40,
}


def export_file_name(event: Event, fmt: str) -> str:
    return f"{event.slug}-programme.{fmt}"


def programme_table(*, event: Event) -> list[list[str]]:
    """The header and one row of strings per session of the event, drafts included."""
    sessions = list(
        Session.objects.filter(event=event)
        .order_by(
            F("starts_at").asc(nulls_last=True),
            F("tbc_start_time").asc(nulls_last=True),
            "venue__order",
            "pk",
        )
        .only(
            "pk",
            "slug",
            "external_id",
            "status",
            "venue_id",
            "starts_at",
            "ends_at",
            "tbc_start_time",
            "tbc_end_time",
            "title_en",
            "title_ja",
            "summary_en",
            "summary_ja",
            "recording_url",
        )
    )
    venues = _venue_names(event)
    speakers, hosts, links, chapters = _parts(event)
    tz = event.tzinfo
    second = zone((event.secondary_timezones or [DEFAULT_SECONDARY_ZONE])[0])
    rows = [list(KEYS)]
    for session in sessions:
        date, start, end, japan_start = _times(session, tz, second)
        values = {
            "external_id": session.external_id or session.slug,
            "status": session.status,
            "date": date,
            "start": start,
            "end": end,
            "japan_start": japan_start,
            "venue": venues.get(session.venue_id, ""),
            "title_en": session.title_en,
            "title_ja": session.title_ja,
            "summary_en": session.summary_en,
            "summary_ja": session.summary_ja,
            "hosts": join_items(hosts.get(session.pk, [])),
            "speakers": join_items(speakers.get(session.pk, [])),
            "links": join_items(links.get(session.pk, [])),
            "recording": session.recording_url,
            "chapters": join_items(chapters.get(session.pk, [])),
        }
        rows.append([values[key] for key in KEYS])
    return rows


def _clock(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _times(session: Session, tz, second) -> tuple[str, str, str, str]:
    if session.starts_at is None:
        start = _clock(session.tbc_start_time) if session.tbc_start_time else ""
        end = _clock(session.tbc_end_time) if session.tbc_end_time else ""
        return "", start, end, ""
    start = session.starts_at.astimezone(tz)
    end = session.ends_at.astimezone(tz)
    other = session.starts_at.astimezone(second)
    end_text = _clock(end.timetz())
    if (days := (end.date() - start.date()).days) != 0:
        end_text += f"{days:+d}"
    japan = _clock(other.timetz())
    if (shift := (other.date() - start.date()).days) != 0:
        japan += f"{shift:+d}"
    return start.date().isoformat(), _clock(start.timetz()), end_text, japan


def _venue_names(event: Event) -> dict[int, str]:
    venues = list(Venue.objects.filter(event=event).only("pk", "slug", "name_en", "name_ja"))
    slugs = {venue.slug for venue in venues}
    names = Counter(venue.name_en for venue in venues)
    return {
        venue.pk: venue.name_en
        if venue.name_en and venue.name_en not in slugs and names[venue.name_en] == 1
        else venue.slug
        for venue in venues
    }


def _parts(event: Event) -> tuple[dict, dict, dict, dict]:
    speakers: dict[int, list[str]] = {}
    rows = list(
        Participation.objects.filter(session__event=event)
        .order_by("session_id", "order", "id")
        .values_list(
            "session_id",
            "role",
            "segment_en",
            "segment_ja",
            "person_id",
            "person__slug",
            "person__name_en",
            "person__name_ja",
            "person__title_en",
            "person__title_ja",
        )
    )
    needs_slug = _people_needing_slugs(
        {(r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows if r[4] is not None}
    )
    for session_id, role, seg_en, seg_ja, pk, slug, name_en, name_ja, title_en, title_ja in rows:
        if pk is None:
            parts = [TBA]
        else:
            parts = [name_en, name_ja, title_en, title_ja, slug if pk in needs_slug else ""]
        speakers.setdefault(session_id, []).append(format_item(role, parts, (seg_en, seg_ja)))

    hosts: dict[int, list[str]] = {}
    host_rows = list(
        SessionHost.objects.filter(session__event=event)
        .order_by("session_id", "order", "id")
        .values_list("session_id", "role", "organisation_id")
    )
    organisations = _organisation_names({r[2] for r in host_rows})
    for session_id, role, org_id in host_rows:
        hosts.setdefault(session_id, []).append(format_item(role, [organisations[org_id]]))

    links: dict[int, list[str]] = {}
    for session_id, kind, url, label_en, label_ja in (
        SessionLink.objects.filter(session__event=event)
        .order_by("session_id", "order", "id")
        .values_list("session_id", "kind", "url", "label_en", "label_ja")
    ):
        links.setdefault(session_id, []).append(format_item(kind, [url], (label_en, label_ja)))

    chapters: dict[int, list[str]] = {}
    for session_id, offset, title_en, title_ja in (
        Chapter.objects.filter(session__event=event)
        .order_by("session_id", "offset", "id")
        .values_list("session_id", "offset", "title_en", "title_ja")
    ):
        label = Chapter(offset=offset).offset_label
        if title_en and not title_ja and is_japanese(title_en):
            # Written as two parts, or the import would take it for the Japanese title.
            text = f"{label} {escape(title_en)} |"
        elif title_en:
            text = f"{label} {format_item(None, [title_en, title_ja])}"
        else:
            text = format_item(None, [label, title_ja])
        chapters.setdefault(session_id, []).append(text)
    return speakers, hosts, links, chapters


def _people_needing_slugs(people: set[tuple]) -> set[int]:
    """The people whose names alone would not find them again on import, following
    ``validate.Checker._find_person``: they are written with their slug as well."""
    names_en = {p[2] for p in people if p[2]}
    names_ja = {p[3] for p in people if p[3]}
    by_en: dict[str, list[str]] = {}
    by_ja: Counter[str] = Counter()
    for chunk in chunked(names_en):
        for name_en, name_ja in Person.objects.filter(name_en__in=chunk).values_list(
            "name_en", "name_ja"
        ):
            by_en.setdefault(name_en, []).append(name_ja)
    for chunk in chunked(names_ja):
        by_ja.update(Person.objects.filter(name_ja__in=chunk).values_list("name_ja", flat=True))
    singles = {p[2] for p in people if p[2] and not any(p[3:6])}
    taken: set[str] = set()
    for chunk in chunked(singles):
        taken.update(Person.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    needed: set[int] = set()
    for pk, slug, name_en, name_ja, title_en, title_ja in people:
        if name_en and not (name_ja or title_en or title_ja):  # one part: a slug, TBA or a name
            need = (
                (name_en in taken and name_en != slug)
                or normalise(name_en) in TBA_WORDS
                or len(by_en.get(name_en, [])) != 1
            )
        elif name_en:
            namesakes = by_en.get(name_en, [])
            need = len(namesakes) != 1 and (
                not name_ja or sum(ja == name_ja for ja in namesakes) != 1
            )
        else:
            need = not name_ja or by_ja[name_ja] != 1
        if need:
            needed.add(pk)
    return needed


def _organisation_names(ids: set[int]) -> dict[int, str]:
    """Each organisation's English name where that finds only it again, else its slug."""
    orgs = []
    for chunk in chunked(ids):
        orgs += list(Organisation.objects.filter(pk__in=chunk).values_list("pk", "slug", "name_en"))
    names = {name for _pk, _slug, name in orgs if name}
    namesakes: Counter[str] = Counter()
    slugs: set[str] = set()
    for chunk in chunked(names):
        for slug, name_en in Organisation.objects.filter(
            Q(name_en__in=chunk) | Q(slug__in=chunk)
        ).values_list("slug", "name_en"):
            namesakes[name_en] += 1
            slugs.add(slug)
    return {
        pk: name if name and namesakes[name] == 1 and name not in slugs else slug
        for pk, slug, name in orgs
    }


# Files


def export_csv(*, event: Event) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Japanese text correctly."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(programme_table(event=event))
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(*, event: Event) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    table = programme_table(event=event)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Programme")
    for index, key in enumerate(KEYS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(key, 20)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in table[0]:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        header.append(cell)
    sheet.append(header)
    for row in table[1:]:
        sheet.append([_text_cell(sheet, value, WriteOnlyCell) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text_cell(sheet, value: str, cell_class):
    """Text as text: openpyxl would store "=…" as a formula for Excel to run."""
    if not value.startswith("="):
        return value
    cell = cell_class(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_programme(*, event: Event, fmt: str) -> bytes:
    if fmt == "xlsx":
        return export_xlsx(event=event)
    if fmt == "csv":
        return export_csv(event=event)
    raise ValueError(fmt)
