"""Rows of a programme spreadsheet into a plan of writes, or the problems that stop it.

Nothing here writes. ``check_rows`` reads the header, then every row, and
returns a ``Plan`` (what to create and update) with a list of ``Problem``
(row, column, message in the active language). The rules are those of
``services.session_check_times`` and the admin form, checked for all rows at
once: a few queries for the whole file, whatever its size.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Model, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pavilion.core.i18n import current_lang, translate_field
from pavilion.core.timefmt import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    format_date,
    local_to_utc,
    zone,
)
from pavilion.pages.guard import content_problems

from .. import services
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
from . import cells
from .columns import (
    HEADERS,
    HOST_ROLES,
    KEYS,
    LINK_KINDS,
    NOTE_PREFIX,
    ORGANISATION_KINDS,
    REQUIRED,
    SPEAKER_ROLES,
    STATUSES,
    TBA_WORDS,
    TITLES,
    keys_of,
    normalise,
)

DEFAULT_SECONDARY_ZONE = "Asia/Tokyo"
CHUNK = 2000
PROGRESS_EVERY = 250
SESSION_FIELDS = (
    "venue_id",
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
)
PERSON_FIELDS = ("name_en", "name_ja", "title_en", "title_ja")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet shows it: the header is row 1; 0 for the whole file
    column: str  # the header as written in the file, or the documented name
    message: str
    position: int = field(default=0, compare=False)  # the column's place in the file


@dataclass
class PersonPlan:
    """A person the file names: found (``pk``) or to be created; what the file says of them."""

    pk: int | None
    slug: str
    stored: dict[str, str]
    values: dict[str, str]
    sources: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def changed_fields(self) -> list[str]:
        return [f for f in PERSON_FIELDS if self.values.get(f, "") != self.stored.get(f, "")]

    def __str__(self) -> str:
        return self.values.get("name_en") or self.values.get("name_ja") or self.slug


@dataclass
class OrganisationPlan:
    """An organisation to be created (``create_missing``)."""

    name_en: str
    name_ja: str
    kind: str
    row: int
    slug: str = ""
    pk: int | None = None

    def __str__(self) -> str:
        return self.name_en or self.name_ja


PersonRef = PersonPlan | None  # None: to be announced
OrganisationRef = int | OrganisationPlan


@dataclass
class SessionPlan:
    row: int
    external_id: str
    pk: int | None  # the session the row updates, None for a new one
    stored_status: str | None
    values: dict[str, Any]  # model field -> value (only the columns the file has)
    speakers: list[tuple[PersonRef, str, str, str]] | None = None  # None: column absent
    hosts: list[tuple[OrganisationRef, str]] | None = None
    links: list[tuple[str, str, str, str]] | None = None
    chapters: list[tuple[dt.timedelta, str, str]] | None = None
    changed: bool = True
    changed_fields: tuple[str, ...] = ()  # of an updated session
    parts_changed: tuple[str, ...] = ()


@dataclass
class Plan:
    event: Event
    rows: int = 0
    sessions: list[SessionPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    organisations: list[OrganisationPlan] = field(default_factory=list)

    @property
    def created(self) -> list[SessionPlan]:
        return [s for s in self.sessions if s.pk is None]

    @property
    def updated(self) -> list[SessionPlan]:
        return [s for s in self.sessions if s.pk is not None and s.changed]

    @property
    def unchanged(self) -> list[SessionPlan]:
        return [s for s in self.sessions if s.pk is not None and not s.changed]

    @property
    def new_people(self) -> list[PersonPlan]:
        return [p for p in self.people if p.pk is None]

    @property
    def changed_people(self) -> list[PersonPlan]:
        return [p for p in self.people if p.pk is not None and p.changed_fields]


# Reading values


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-])\s*(\d{1,2}))?$")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DATE_JA = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*[(（].{1,3}[)）])?$")
_OFFSET = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
_SLUG_LIKE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(text: str) -> dt.date | None:
    text = _nfkc(text)
    match = _DATE.match(text) or _DATE_JA.match(text)
    if not match:
        raise ValueError(text)
    return dt.date(*(int(group) for group in match.groups()))


def parse_time(text: str) -> tuple[dt.time, int]:
    """16:30 -> (16:30, 0); 00:30+1 -> (00:30, 1): the day after the date."""
    match = _TIME.match(_nfkc(text))
    if not match:
        raise ValueError(text)
    hour, minute, second, sign, days = match.groups()
    value = dt.time(int(hour), int(minute), int(second or 0))
    offset = int(days or 0) * (-1 if sign == "-" else 1)
    return value, offset


def parse_offset(text: str) -> dt.timedelta:
    """23:05 (minutes and seconds) or 1:02:03 (hours too)."""
    match = _OFFSET.match(_nfkc(text))
    if not match:
        raise ValueError(text)
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    if seconds >= 60 or (hours and minutes >= 60):
        raise ValueError(text)
    return dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def is_japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column without a header."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_FIELDS: dict[tuple[type[Model], str], Any] = {}


def field_errors(model: type[Model], name: str, value: Any) -> list[str]:
    """The messages of the model field's own validators (length, URL…) for a value."""
    if value in ("", None):
        return []
    model_field = _FIELDS.get((model, name))
    if model_field is None:
        model_field = _FIELDS[(model, name)] = model._meta.get_field(name)
    try:
        model_field.run_validators(value)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def chunked(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# The check


@dataclass
class _Row:
    number: int
    cells: dict[str, str]  # column key -> text, only the columns the file has
    external_id: str = ""
    venue: Venue | None = None
    status: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    tbc_start: dt.time | None = None
    tbc_end: dt.time | None = None
    times_ok: bool = True
    hosts: list = field(default_factory=list)
    speakers: list = field(default_factory=list)
    links: list = field(default_factory=list)
    chapters: list = field(default_factory=list)


class Checker:
    def __init__(
        self,
        *,
        event: Event,
        table: list[list[str]],
        create_missing: bool = False,
        progress: Progress | None = None,
    ) -> None:
        self.event = event
        self.table = table
        self.create_missing = create_missing
        self.progress = progress
        self.problems: list[Problem] = []
        self.headers: dict[str, str] = {}  # key -> header as written
        self.index: dict[str, int] = {}  # key -> column index
        self.tz = event.tzinfo
        self.second_zone_name = (event.secondary_timezones or [DEFAULT_SECONDARY_ZONE])[0]
        self.second_zone = zone(self.second_zone_name)
        self.lang = current_lang()
        self.bounds = event.local_bounds()

    # Reporting

    def problem(self, row: int, key: str, message: str) -> None:
        column = self.headers.get(key, key)
        position = self.index.get(key, -1)
        self.problems.append(Problem(row, column, message, position))

    def item_problem(self, row: int, key: str, number: int, message: str) -> None:
        self.problem(
            row, key, _("Item %(item)s: %(message)s") % {"item": number, "message": message}
        )

    # The whole check

    def run(self) -> Plan:
        plan = Plan(event=self.event)
        if not self.table or not any(self.table[0]):
            self.problems.append(Problem(0, "", _("The file is empty.")))
            return plan
        if not self._read_header():
            return plan
        rows = self._parse_rows()
        plan.rows = len(rows)
        if not rows:
            self.problems.append(
                Problem(0, "", _("The file has a header row but no sessions below it."))
            )
            return plan
        existing = self._existing_sessions([row.external_id for row in rows if row.external_id])
        people = self._people_lookup(rows)
        organisations = self._organisations_lookup(rows)
        slugs = _SlugMaker(
            Session.objects.filter(event=self.event).values_list("slug", flat=True), 120
        )
        person_plans: dict[tuple, PersonPlan] = {}
        org_plans: dict[tuple, OrganisationPlan] = {}
        for row in rows:
            session = existing.get(row.external_id)
            plan.sessions.append(
                self._plan_session(row, session, people, organisations, person_plans, org_plans)
            )
        plan.people = list(person_plans.values())
        plan.organisations = list(org_plans.values())
        self._check_clashes(plan, rows, existing)
        if not self.problems:
            for session_plan in plan.sessions:
                if session_plan.pk is None:
                    session_plan.values["slug"] = slugs.make(
                        session_plan.values.get("title_en") or session_plan.external_id,
                        fallback="session",
                    )
            self._compare_with_stored(plan, existing)
        return plan

    # The header

    def _read_header(self) -> bool:
        header = self.table[0]
        seen: dict[str, str] = {}
        ok = True
        width = max(len(row) for row in self.table)
        for index in range(width):
            name = header[index] if index < len(header) else ""
            name = (name or "").strip().lstrip("\ufeff")
            if not name:
                if any(index < len(row) and row[index].strip() for row in self.table[1:]):
                    self.problems.append(
                        Problem(
                            1,
                            column_letter(index),
                            _("This column has values but no header: give it one, or delete it."),
                        )
                    )
                    ok = False
                continue
            if name.startswith(NOTE_PREFIX):
                continue
            key = HEADERS.get(normalise(name))
            if key is None:
                self.problems.append(
                    Problem(
                        1,
                        name,
                        _(
                            "“%(header)s” is not a known column. Use one of the documented "
                            "columns (%(columns)s), or start the header with # to keep it as "
                            "a note."
                        )
                        % {"header": name, "columns": ", ".join(KEYS)},
                        index,
                    )
                )
                ok = False
            elif key in seen:
                self.problems.append(
                    Problem(
                        1,
                        name,
                        _("“%(header)s” and “%(first)s” are the same column; keep one.")
                        % {"header": name, "first": seen[key]},
                        index,
                    )
                )
                ok = False
            else:
                seen[key] = name
                self.index[key] = index
        self.headers = seen
        for key in REQUIRED:
            if key not in seen:
                self.problems.append(
                    Problem(1, key, _("The column %(column)s is missing.") % {"column": key}, width)
                )
                ok = False
        if not any(key in seen for key in TITLES):
            self.problems.append(
                Problem(
                    1,
                    "title_en",
                    _("A title column is needed: title_en, title_ja or both."),
                    width,
                )
            )
            ok = False
        return ok

    # Each row on its own

    def _parse_rows(self) -> list[_Row]:
        rows: list[_Row] = []
        first_row_of: dict[str, int] = {}
        venues = _VenueFinder(self.event)
        body = self.table[1:]
        total = len(body)
        for offset, raw in enumerate(body):
            if self.progress and offset % PROGRESS_EVERY == 0:
                self.progress("check", offset, total)
            if not any(cell.strip() for cell in raw if cell):
                continue
            number = offset + 2
            row = _Row(
                number=number,
                cells={
                    key: (raw[index].strip() if index < len(raw) and raw[index] else "")
                    for key, index in self.index.items()
                },
            )
            self._parse_row(row, venues, first_row_of)
            rows.append(row)
        if self.progress:
            self.progress("check", total, total)
        return rows

    def _parse_row(self, row: _Row, venues: _VenueFinder, first_row_of: dict[str, int]) -> None:
        n, c = row.number, row.cells
        # external_id
        external_id = c.get("external_id", "")
        if not external_id:
            self.problem(n, "external_id", _("Give the session an external id."))
        elif external_id in first_row_of:
            self.problem(
                n,
                "external_id",
                _("The external id “%(id)s” is also used in row %(row)s; each row needs its own.")
                % {"id": external_id, "row": first_row_of[external_id]},
            )
        else:
            first_row_of[external_id] = n
            for message in field_errors(Session, "external_id", external_id):
                self.problem(n, "external_id", message)
        row.external_id = external_id
        # status
        if c.get("status"):
            row.status = STATUSES.get(normalise(c["status"]))
            if row.status is None:
                self.problem(
                    n,
                    "status",
                    _("“%(value)s” is not a status. Use one of: %(choices)s.")
                    % {"value": c["status"], "choices": keys_of(Session.Status)},
                )
        # venue
        if not c.get("venue"):
            self.problem(n, "venue", _("Give the venue."))
        else:
            venue, message = venues.find(c["venue"])
            row.venue = venue
            if message:
                self.problem(n, "venue", message)
        self._parse_times(row)
        # texts
        for key in ("title_en", "title_ja"):
            for message in field_errors(Session, key, c.get(key)):
                self.problem(n, key, message)
        if row.status == Session.Status.PUBLISHED and (c.get("title_en") or c.get("title_ja")):
            # The publishing guard, as in the back office: no placeholder text, no
            # missing translation, no hand-typed member figure in a published session.
            texts = {
                key: c[key]
                for key in ("title_en", "title_ja", "summary_en", "summary_ja")
                if key in c
            }
            reported = {p.column for p in self.problems if p.row == n}
            for problem in content_problems(Session(), texts):
                if self.headers.get(problem.field, problem.field) not in reported:
                    self.problem(n, problem.field, problem.message)
        if c.get("recording"):
            for message in field_errors(Session, "recording_url", c["recording"]):
                self.problem(n, "recording", message)
        if "hosts" in c:
            row.hosts = self._parse_hosts(n, c["hosts"])
        if "speakers" in c:
            row.speakers = self._parse_speakers(n, c["speakers"])
        if "links" in c:
            row.links = self._parse_links(n, c["links"])
        if "chapters" in c:
            row.chapters = self._parse_chapters(n, c["chapters"])

    def _time(self, row: _Row, key: str) -> tuple[dt.time, int] | None:
        text = row.cells.get(key, "")
        if not text:
            return None
        try:
            return parse_time(text)
        except ValueError:
            self.problem(
                row.number,
                key,
                _("“%(value)s” is not a time. Write it as HH:MM, such as 16:30.") % {"value": text},
            )
            row.times_ok = False
            return None

    def _parse_times(self, row: _Row) -> None:
        n, c = row.number, row.cells
        day: dt.date | None = None
        if c.get("date"):
            try:
                day = parse_date(c["date"])
            except ValueError:
                self.problem(
                    n,
                    "date",
                    _(
                        "“%(value)s” is not a date. Write it as YYYY-MM-DD, such as 2024-11-12, "
                        "or leave it empty while the date is to be confirmed."
                    )
                    % {"value": c["date"]},
                )
                row.times_ok = False
        start = self._time(row, "start")
        end = self._time(row, "end")
        if not row.times_ok:
            return
        if day is None and c.get("date"):
            return
        if day is None:
            self._tbc_times(row, start, end)
            return
        if start is None:
            self.problem(
                n,
                "start",
                _("Give the start time, or leave the date empty while it is to be confirmed."),
            )
        if end is None:
            self.problem(n, "end", _("Give the end time."))
        if start is None or end is None:
            row.times_ok = False
            return
        starts_at = self._to_utc(row, "start", day + dt.timedelta(days=start[1]), start[0])
        ends_at = self._to_utc(row, "end", day + dt.timedelta(days=end[1]), end[0])
        if starts_at is None or ends_at is None:
            row.times_ok = False
            return
        if ends_at <= starts_at:
            self.problem(n, "end", _("The end must be after the start."))
            row.times_ok = False
            return
        first, last = self.bounds
        if starts_at < first or ends_at > last:
            self.problem(
                n,
                "date",
                _("The session must take place within the event's dates, %(start)s to %(end)s.")
                % {
                    "start": format_date(self.event.start_date, self.lang, "short"),
                    "end": format_date(self.event.end_date, self.lang, "short"),
                },
            )
            row.times_ok = False
            return
        row.starts_at, row.ends_at = starts_at, ends_at
        self._check_second_zone(row, starts_at)

    def _tbc_times(self, row: _Row, start, end) -> None:
        n = row.number
        for key, value in (("start", start), ("end", end)):
            if value and value[1]:
                self.problem(
                    n,
                    key,
                    _("A time on another day (%(value)s) needs a date.")
                    % {"value": row.cells[key]},
                )
                row.times_ok = False
        if row.cells.get("japan_start"):
            self.problem(
                n,
                "japan_start",
                _(
                    "Leave this empty while the date is to be confirmed: the time in %(zone)s "
                    "can only be checked against a date."
                )
                % {"zone": self.second_zone_name},
            )
        if not row.times_ok:
            return
        if end and not start:
            self.problem(n, "start", _("Give the start time too."))
            row.times_ok = False
        elif start and end and end[0] <= start[0]:
            self.problem(n, "end", _("The end must be after the start."))
            row.times_ok = False
        else:
            row.tbc_start = start[0] if start else None
            row.tbc_end = end[0] if end else None

    def _to_utc(self, row: _Row, key: str, day: dt.date, time: dt.time) -> dt.datetime | None:
        params = {
            "time": time.strftime("%H:%M"),
            "date": format_date(day, self.lang, "long"),
            "zone": self.event.timezone,
        }
        try:
            return local_to_utc(day, time, self.tz)
        except NonexistentLocalTime:
            message = _(
                "%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward at that "
                "moment. Choose another time."
            )
        except AmbiguousLocalTime:
            message = _(
                "%(time)s happens twice on %(date)s in %(zone)s, because the clocks go back at "
                "that moment, so it cannot be told which one is meant. Choose another time."
            )
        self.problem(row.number, key, message % params)
        return None

    def _check_second_zone(self, row: _Row, starts_at: dt.datetime) -> None:
        text = row.cells.get("japan_start", "")
        if not text:
            return
        try:
            given, days = parse_time(text)
        except ValueError:
            self.problem(
                row.number,
                "japan_start",
                _("“%(value)s” is not a time. Write it as HH:MM, such as 16:30.") % {"value": text},
            )
            return
        local = starts_at.astimezone(self.tz)
        expected = starts_at.astimezone(self.second_zone)
        day_shift = (expected.date() - local.date()).days
        if given.replace(second=0) != expected.time().replace(second=0, microsecond=0) or (
            days and days != day_shift
        ):
            self.problem(
                row.number,
                "japan_start",
                _(
                    "“%(given)s” does not agree with the start: %(start)s on %(date)s in "
                    "%(zone)s is %(expected)s on %(other_date)s in %(other_zone)s."
                )
                % {
                    "given": text,
                    "start": local.strftime("%H:%M"),
                    "date": format_date(local.date(), self.lang, "short"),
                    "zone": self.event.timezone,
                    "expected": expected.strftime("%H:%M"),
                    "other_date": format_date(expected.date(), self.lang, "short"),
                    "other_zone": self.second_zone_name,
                },
            )

    # Structured cells

    def _items(
        self,
        n: int,
        key: str,
        cell: str,
        *,
        heads: bool = True,
        example: str,
        words: dict[str, str] | None = None,
    ):
        for item in cells.parse_items(cell, heads=heads):
            if words and isinstance(item, cells.Item):
                item = _fullwidth_head(item, words)
            if isinstance(item, cells.CellSyntaxError):
                text = getattr(item, "text", cell)
                self.item_problem(
                    n,
                    key,
                    getattr(item, "number", 1),
                    _(
                        "“%(value)s” cannot be read: check its brackets, or put a backslash "
                        "before a ; | [ or ] that is part of a name. Write it as %(example)s."
                    )
                    % {"value": text, "example": example},
                )
                continue
            yield item

    def _parse_hosts(self, n: int, cell: str) -> list:
        hosts = []
        example = "organiser: Saitama City; cooperation: ICLEI Japan"
        for item in self._items(n, "hosts", cell, example=example, words=HOST_ROLES):
            role = SessionHost.Role.ORGANISER
            if item.word is not None:
                role = HOST_ROLES.get(normalise(item.word))
                if role is None:
                    self.item_problem(
                        n,
                        "hosts",
                        item.number,
                        _("“%(value)s” is not a host role. Use one of: %(choices)s.")
                        % {"value": item.word, "choices": keys_of(SessionHost.Role)},
                    )
                    continue
            if item.labels:
                self.item_problem(
                    n,
                    "hosts",
                    item.number,
                    _("A host's role takes no labels in brackets: write it as %(example)s.")
                    % {"example": example},
                )
                continue
            parts = list(item.parts)
            if not any(parts) or len(parts) > 3:
                self.item_problem(
                    n,
                    "hosts",
                    item.number,
                    _(
                        "Give the organisation by its slug or exact name, or as English name | "
                        "Japanese name | kind: write it as %(example)s."
                    )
                    % {"example": example},
                )
                continue
            hosts.append((item, role, parts))
        return hosts

    def _parse_speakers(self, n: int, cell: str) -> list:
        speakers = []
        example = (
            "moderator [High-level session|ハイレベル・セッション]: Togo Uchida | 内田 東吾 | "
            "Secretary General, ICLEI Japan | イクレイ日本事務局長"
        )
        for item in self._items(n, "speakers", cell, example=example, words=SPEAKER_ROLES):
            role = Participation.Role.SPEAKER
            if item.word is not None:
                role = SPEAKER_ROLES.get(normalise(item.word))
                if role is None:
                    self.item_problem(
                        n,
                        "speakers",
                        item.number,
                        _("“%(value)s” is not a speaker role. Use one of: %(choices)s.")
                        % {"value": item.word, "choices": keys_of(Participation.Role)},
                    )
                    continue
            segment = item.labels or ("", "")
            bad = False
            for name, value in zip(("segment_en", "segment_ja"), segment, strict=True):
                for message in field_errors(Participation, name, value):
                    self.item_problem(n, "speakers", item.number, message)
                    bad = True
            parts = list(item.parts)
            if len(parts) > 5:
                self.item_problem(
                    n,
                    "speakers",
                    item.number,
                    _(
                        "A speaker has at most five parts separated by |: English name, "
                        "Japanese name, English title, Japanese title and slug."
                    ),
                )
                continue
            parts += [""] * (5 - len(parts))
            if not any(parts):
                self.item_problem(
                    n,
                    "speakers",
                    item.number,
                    _("Give a name, or TBA while the speaker is to be announced."),
                )
                continue
            if len(item.parts) == 1 and normalise(parts[0]) in TBA_WORDS:
                if not bad:
                    speakers.append((item, role, segment, None))
                continue
            name_en, name_ja, title_en, title_ja, slug = parts
            if len(item.parts) == 1 and is_japanese(name_en):
                name_en, name_ja = "", name_en
            if slug:
                try:
                    validate_slug(slug)
                    if len(slug) > 100:
                        raise ValidationError("too long")
                except ValidationError:
                    self.item_problem(
                        n,
                        "speakers",
                        item.number,
                        _(
                            "“%(value)s” is not a slug: use at most 100 lowercase letters, "
                            "digits and hyphens."
                        )
                        % {"value": slug},
                    )
                    continue
            values = {
                "name_en": name_en,
                "name_ja": name_ja,
                "title_en": title_en,
                "title_ja": title_ja,
            }
            for name, value in values.items():
                for message in field_errors(Person, name, value):
                    self.item_problem(n, "speakers", item.number, message)
                    bad = True
            if not bad:
                speakers.append((item, role, segment, (slug, values, len(item.parts) == 1)))
        return speakers

    def _parse_links(self, n: int, cell: str) -> list:
        links = []
        example = (
            "website [Saitama City website|さいたま市ホームページ]: https://www.city.saitama.lg.jp/"
        )
        for item in self._items(n, "links", cell, example=example, words=LINK_KINDS):
            if item.word is None or normalise(item.word) in {"http", "https"}:
                self.item_problem(
                    n,
                    "links",
                    item.number,
                    _("Give the kind of link first (%(choices)s), as in %(example)s.")
                    % {"choices": keys_of(SessionLink.Kind), "example": example},
                )
                continue
            kind = LINK_KINDS.get(normalise(item.word))
            if kind is None:
                self.item_problem(
                    n,
                    "links",
                    item.number,
                    _("“%(value)s” is not a kind of link. Use one of: %(choices)s.")
                    % {"value": item.word, "choices": keys_of(SessionLink.Kind)},
                )
                continue
            url = " | ".join(item.parts) if len(item.parts) > 1 else item.parts[0]
            label_en, label_ja = item.labels or ("", "")
            if not url:
                self.item_problem(n, "links", item.number, _("Give the link's address."))
                continue
            messages = field_errors(SessionLink, "url", url)
            messages += field_errors(SessionLink, "label_en", label_en)
            messages += field_errors(SessionLink, "label_ja", label_ja)
            for message in messages:
                self.item_problem(n, "links", item.number, message)
            if not messages:
                links.append((kind, url, label_en, label_ja))
        return links

    def _parse_chapters(self, n: int, cell: str) -> list:
        chapters = []
        example = "23:05 C2P2 good practice | C2P2の優良事例"
        for item in self._items(n, "chapters", cell, heads=False, example=example):
            text = item.parts[0]
            offset_text, _space, title_en = text.partition(" ")
            try:
                offset = parse_offset(offset_text)
            except ValueError:
                self.item_problem(
                    n,
                    "chapters",
                    item.number,
                    _(
                        "“%(value)s” does not start with a time in the recording, such as 23:05 "
                        "or 1:02:03."
                    )
                    % {"value": item.text},
                )
                continue
            title_en = title_en.strip()
            title_ja = item.parts[1] if len(item.parts) > 1 else ""
            if len(item.parts) > 2:
                self.item_problem(
                    n,
                    "chapters",
                    item.number,
                    _("A chapter has a time and at most two titles: write it as %(example)s.")
                    % {"example": example},
                )
                continue
            if len(item.parts) == 1 and is_japanese(title_en):
                title_en, title_ja = "", title_en
            if not title_en and not title_ja:
                self.item_problem(
                    n,
                    "chapters",
                    item.number,
                    _("Give the chapter's title in English or Japanese (or both)."),
                )
                continue
            messages = field_errors(Chapter, "title_en", title_en)
            messages += field_errors(Chapter, "title_ja", title_ja)
            for message in messages:
                self.item_problem(n, "chapters", item.number, message)
            if not messages:
                chapters.append((offset, title_en, title_ja))
        return chapters

    # Finding what the rows name

    def _existing_sessions(self, ids: list[str]) -> dict[str, Session]:
        """The event's sessions the rows update: by external id, else by slug when the
        session has no external id (sessions entered by hand are exported with their slug)."""
        found: dict[str, Session] = {}
        by_slug: dict[str, Session] = {}
        for chunk in chunked(ids):
            for session in Session.objects.filter(event=self.event).filter(
                Q(external_id__in=chunk) | Q(external_id="", slug__in=chunk)
            ):
                if session.external_id:
                    found[session.external_id] = session
                else:
                    by_slug[session.slug] = session
        for slug, session in by_slug.items():
            found.setdefault(slug, session)
        return found

    def _people_lookup(self, rows: list[_Row]) -> _Lookup:
        slugs, names_en, names_ja = set(), set(), set()
        for row in rows:
            for _item, _role, _segment, spec in row.speakers:
                if spec is None:
                    continue
                slug, values, single = spec
                if slug:
                    slugs.add(slug)
                if single:
                    slugs.add(values["name_en"] or values["name_ja"])
                if values["name_en"]:
                    names_en.add(values["name_en"])
                if values["name_ja"]:
                    names_ja.add(values["name_ja"])
                if single:
                    names_en.add(values["name_en"] or values["name_ja"])
                    names_ja.add(values["name_en"] or values["name_ja"])
        return _Lookup(Person, ("slug", "name_en", "name_ja", "title_en", "title_ja"))(
            slugs, names_en, names_ja
        )

    def _organisations_lookup(self, rows: list[_Row]) -> _Lookup:
        refs, names_en, names_ja = set(), set(), set()
        for row in rows:
            for _item, _role, parts in row.hosts:
                if len(parts) == 1:
                    refs.add(parts[0])
                else:
                    if parts[0]:
                        names_en.add(parts[0])
                    if len(parts) > 1 and parts[1]:
                        names_ja.add(parts[1])
        return _Lookup(Organisation, ("slug", "name_en", "name_ja"))(
            refs, names_en | refs, names_ja | refs
        )

    # Each row against the database

    def _plan_session(
        self,
        row: _Row,
        session: Session | None,
        people: _Lookup,
        organisations: _Lookup,
        person_plans: dict[tuple, PersonPlan],
        org_plans: dict[tuple, OrganisationPlan],
    ) -> SessionPlan:
        n, c = row.number, row.cells
        values: dict[str, Any] = {}
        if row.venue is not None:
            values["venue_id"] = row.venue.pk
        status = row.status
        if status is None and session is None:
            status = Session.Status.DRAFT
        if status is not None:
            values["status"] = status
        if row.times_ok:
            values.update(
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                tbc_start_time=row.tbc_start,
                tbc_end_time=row.tbc_end,
            )
        for key in ("title_en", "title_ja", "summary_en", "summary_ja"):
            if key in c:
                values[key] = c[key]
        if "recording" in c:
            values["recording_url"] = c["recording"]
        plan = SessionPlan(
            row=n,
            external_id=row.external_id,
            pk=session.pk if session else None,
            stored_status=session.status if session else None,
            values=values,
        )
        # A title in one language at least, counting the one stored.
        title_en = values.get("title_en", session.title_en if session else "")
        title_ja = values.get("title_ja", session.title_ja if session else "")
        if not (title_en or "").strip() and not (title_ja or "").strip():
            self.problem(
                n,
                "title_en" if "title_en" in self.headers else "title_ja",
                _("Fill this in English or Japanese (or both)."),
            )
        if session is not None and status is not None and status != session.status:
            try:
                services.session_check_transition(old=session.status, new=status)
            except ValidationError as exc:
                for message in exc.messages:
                    self.problem(n, "status", message)
        if "hosts" in c:
            plan.hosts = self._plan_hosts(row, organisations, org_plans)
        if "speakers" in c:
            plan.speakers = self._plan_speakers(row, people, person_plans)
        if "links" in c:
            plan.links = row.links
        if "chapters" in c:
            plan.chapters = sorted(row.chapters, key=lambda chapter: chapter[0])
        return plan

    def _plan_hosts(self, row: _Row, organisations: _Lookup, org_plans: dict) -> list:
        hosts: list[tuple[OrganisationRef, str]] = []
        seen: set = set()
        for item, role, parts in row.hosts:
            ref = self._find_organisation(row.number, item, parts, organisations, org_plans)
            if ref is None:
                continue
            key = ref if isinstance(ref, int) else id(ref)
            if key in seen:
                self.item_problem(
                    row.number,
                    "hosts",
                    item.number,
                    _("“%(value)s” is listed twice; give each organisation once.")
                    % {"value": item.text},
                )
                continue
            seen.add(key)
            hosts.append((ref, role))
        return hosts

    def _find_organisation(
        self, n: int, item, parts: list[str], organisations: _Lookup, org_plans: dict
    ) -> OrganisationRef | None:
        if len(parts) == 1:
            ref = parts[0]
            found = organisations.find(slug=ref) or organisations.find(name_en=ref)
            found = found or organisations.find(name_ja=ref)
            name_en, name_ja = ("", ref) if is_japanese(ref) else (ref, "")
            kind_text = ""
        else:
            parts = [*parts, "", ""][:3]
            name_en, name_ja, kind_text = parts
            found = (organisations.find(name_en=name_en) if name_en else []) or (
                organisations.find(name_ja=name_ja) if name_ja else []
            )
        label = name_en or name_ja
        if len(found) == 1:
            return found[0]["pk"]
        if len(found) > 1:
            self.item_problem(
                n,
                "hosts",
                item.number,
                _("“%(value)s” names %(count)s organisations; give the slug of the one you mean.")
                % {"value": label, "count": len(found)},
            )
            return None
        if not self.create_missing:
            self.item_problem(
                n,
                "hosts",
                item.number,
                _(
                    "“%(value)s” is not a known organisation. Give its slug or its exact name in "
                    "English or Japanese, or allow new organisations to be created."
                )
                % {"value": label},
            )
            return None
        key = ("en", name_en) if name_en else ("ja", name_ja)
        kind = ORGANISATION_KINDS.get(normalise(kind_text)) if kind_text else None
        existing = org_plans.get(key)
        if existing is not None:
            if kind and kind != existing.kind:
                self.item_problem(
                    n,
                    "hosts",
                    item.number,
                    _("“%(value)s” is given the kind %(kind)s here but %(other)s in row %(row)s.")
                    % {"value": label, "kind": kind, "other": existing.kind, "row": existing.row},
                )
                return None
            return existing
        if kind is None:
            self.item_problem(
                n,
                "hosts",
                item.number,
                _(
                    "To create the organisation “%(value)s”, give it as English name | Japanese "
                    "name | kind, the kind being one of: %(choices)s."
                )
                % {"value": label, "choices": keys_of(Organisation.Kind)},
            )
            return None
        messages = field_errors(Organisation, "name_en", name_en)
        messages += field_errors(Organisation, "name_ja", name_ja)
        for message in messages:
            self.item_problem(n, "hosts", item.number, message)
        if messages:
            return None
        plan = org_plans[key] = OrganisationPlan(name_en=name_en, name_ja=name_ja, kind=kind, row=n)
        return plan

    def _plan_speakers(self, row: _Row, people: _Lookup, person_plans: dict) -> list:
        speakers: list[tuple[PersonRef, str, str, str]] = []
        for item, role, (segment_en, segment_ja), spec in row.speakers:
            if spec is None:
                speakers.append((None, role, segment_en, segment_ja))
                continue
            person = self._find_person(row.number, item, spec, people, person_plans)
            if person is not None:
                speakers.append((person, role, segment_en, segment_ja))
        return speakers

    def _find_person(
        self, n: int, item, spec, people: _Lookup, person_plans: dict
    ) -> PersonPlan | None:
        slug, values, single = spec
        name_en, name_ja = values["name_en"], values["name_ja"]
        label = name_en or name_ja or slug
        found: list[dict] = []
        if slug:
            found = people.find(slug=slug)
        elif single:
            found = people.find(slug=label)
            if found:  # a slug alone: the person as stored
                values = dict.fromkeys(PERSON_FIELDS, "")
            else:
                found = people.find(name_en=label) or people.find(name_ja=label)
                if found and found[0]["name_ja"] == label:
                    values = {**values, "name_en": "", "name_ja": label}
                elif found:
                    values = {**values, "name_en": label, "name_ja": ""}
                elif _SLUG_LIKE.match(label):
                    self.item_problem(
                        n,
                        "speakers",
                        item.number,
                        _(
                            "No one has the slug “%(value)s”: give the new person's name in "
                            "English or Japanese as well."
                        )
                        % {"value": label},
                    )
                    return None
        else:
            if name_en:
                found = people.find(name_en=name_en)
                if len(found) > 1 and name_ja:
                    found = [p for p in found if p["name_ja"] == name_ja] or found
            if not found and name_ja:
                found = people.find(name_ja=name_ja)
        if len(found) > 1:
            self.item_problem(
                n,
                "speakers",
                item.number,
                _(
                    "“%(value)s” names %(count)s people; add the slug of the one you mean as "
                    "the fifth part."
                )
                % {"value": label, "count": len(found)},
            )
            return None
        if found:
            stored = found[0]
            key: tuple = ("pk", stored["pk"])
            plan = person_plans.get(key)
            if plan is None:
                plan = person_plans[key] = PersonPlan(
                    pk=stored["pk"],
                    slug=stored["slug"],
                    stored={f: stored[f] for f in PERSON_FIELDS},
                    values={f: stored[f] for f in PERSON_FIELDS},
                )
        else:
            if not name_en and not name_ja:
                self.item_problem(
                    n,
                    "speakers",
                    item.number,
                    _(
                        "No one has the slug “%(value)s”: give the new person's name in English "
                        "or Japanese as well."
                    )
                    % {"value": slug},
                )
                return None
            key = ("slug", slug) if slug else ("en", name_en) if name_en else ("ja", name_ja)
            plan = person_plans.get(key)
            if plan is None:
                plan = person_plans[key] = PersonPlan(pk=None, slug=slug, stored={}, values={})
        for name in PERSON_FIELDS:
            value = values.get(name, "")
            if not value:
                continue
            source = plan.sources.get(name)
            if source is not None and source[0] != value:
                self.item_problem(
                    n,
                    "speakers",
                    item.number,
                    _(
                        "The %(field)s of %(person)s is “%(value)s” here but “%(other)s” in row "
                        "%(row)s; give the same in both rows."
                    )
                    % {
                        "field": Person._meta.get_field(name).verbose_name,
                        "person": plan,
                        "value": value,
                        "other": source[0],
                        "row": source[1],
                    },
                )
                return None
            plan.sources[name] = (value, n)
            plan.values[name] = value
        return plan

    # Two published sessions at once in one venue

    def _check_clashes(self, plan: Plan, rows: list[_Row], existing: dict) -> None:
        updated_ids = {s.pk for s in plan.sessions if s.pk is not None}
        intervals: dict[int, list[tuple]] = defaultdict(list)
        stored = (
            Session.objects.filter(
                event=self.event, status=Session.Status.PUBLISHED, starts_at__isnull=False
            )
            .order_by()
            .values_list("pk", "venue_id", "starts_at", "ends_at", "title_en", "title_ja")
        )
        for pk, venue_id, starts_at, ends_at, title_en, title_ja in stored:
            if pk not in updated_ids:
                title = translate_field(
                    _Titled(title_en, title_ja), "title", self.lang
                )  # as the services' message names it
                intervals[venue_id].append((starts_at, ends_at, None, title))
        for row, session_plan in zip(rows, plan.sessions, strict=True):
            values = session_plan.values
            status = values.get("status", session_plan.stored_status)
            if (
                status != Session.Status.PUBLISHED
                or row.venue is None
                or not row.times_ok
                or row.starts_at is None
            ):
                continue
            intervals[row.venue.pk].append((row.starts_at, row.ends_at, row, None))
        venues = {venue.pk: venue for venue in Venue.objects.filter(event=self.event)}
        for venue_id, spans in intervals.items():
            spans.sort(key=lambda span: (span[0], span[1]))
            active = None
            for span in spans:
                if active is not None and span[0] < active[1]:
                    self._report_clash(span, active, venues.get(venue_id))
                if active is None or span[1] > active[1]:
                    active = span

    def _report_clash(self, span: tuple, other: tuple, venue: Venue | None) -> None:
        row, other_row = span[2], other[2]
        if row is None:  # a stored session overlapped by an earlier row of the file
            row, other_row, span, other = other_row, None, other, span
        if row is None:
            return

        def local(value: dt.datetime) -> str:
            return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

        params = {"venue": venue, "start": local(other[0]), "end": local(other[1])}
        if other_row is None:
            message = _(
                "“%(other)s” is already published in %(venue)s from %(start)s to %(end)s; "
                "two published sessions cannot overlap in one venue."
            ) % {**params, "other": other[3]}
        else:
            title = row_title(other_row, self.lang)
            message = _(
                "Row %(row)s, “%(other)s”, is also published in %(venue)s from %(start)s to "
                "%(end)s; two published sessions cannot overlap in one venue."
            ) % {**params, "row": other_row.number, "other": title}
        self.problem(row.number, "start", message)

    # What would change

    def _compare_with_stored(self, plan: Plan, existing: dict[str, Session]) -> None:
        matched = {s.pk: s for s in existing.values()}
        ids = [s.pk for s in plan.sessions if s.pk is not None]
        stored_parts = _stored_parts(ids)
        for session_plan in plan.sessions:
            if session_plan.pk is None:
                continue
            session = matched[session_plan.pk]
            session_plan.changed_fields = tuple(
                name
                for name, value in session_plan.values.items()
                if getattr(session, name) != value
            )
            parts = stored_parts[session_plan.pk]
            changed_parts = []
            if session_plan.speakers is not None and parts["speakers"] != [
                (_ref(person), role, en, ja) for person, role, en, ja in session_plan.speakers
            ]:
                changed_parts.append("speakers")
            if session_plan.hosts is not None and parts["hosts"] != [
                (_ref(ref), role) for ref, role in session_plan.hosts
            ]:
                changed_parts.append("hosts")
            if session_plan.links is not None and parts["links"] != session_plan.links:
                changed_parts.append("links")
            if session_plan.chapters is not None and parts["chapters"] != session_plan.chapters:
                changed_parts.append("chapters")
            session_plan.parts_changed = tuple(changed_parts)
            session_plan.changed = bool(session_plan.changed_fields or changed_parts)


def _fullwidth_head(item: cells.Item, words: dict[str, str]) -> cells.Item:
    """``開会挨拶：竹本 和彦``: a known role or kind before a full-width colon is a head too."""
    if item.word is not None or not item.parts or "：" not in item.parts[0]:
        return item
    word, _colon, rest = item.parts[0].partition("：")
    if normalise(word) not in words:
        return item
    return cells.Item(item.number, item.text, word.strip(), None, (rest.strip(), *item.parts[1:]))


def _ref(ref: PersonPlan | OrganisationPlan | int | None) -> object:
    """How a part names a row, to compare with the stored ids: something to be created
    compares unequal to every stored id."""
    if ref is None or isinstance(ref, int):
        return ref
    return ref.pk if ref.pk is not None else ("new", id(ref))


@dataclass
class _Titled:
    title_en: str
    title_ja: str


def row_title(row: _Row, lang: str) -> str:
    return translate_field(
        _Titled(row.cells.get("title_en", ""), row.cells.get("title_ja", "")), "title", lang
    )


def _stored_parts(ids: list[int]) -> dict[int, dict[str, list]]:
    parts: dict[int, dict[str, list]] = defaultdict(
        lambda: {"speakers": [], "hosts": [], "links": [], "chapters": []}
    )
    for chunk in chunked(ids):
        for session_id, *rest in (
            Participation.objects.filter(session_id__in=chunk)
            .order_by("session_id", "order", "id")
            .values_list("session_id", "person_id", "role", "segment_en", "segment_ja")
        ):
            parts[session_id]["speakers"].append(tuple(rest))
        for session_id, *rest in (
            SessionHost.objects.filter(session_id__in=chunk)
            .order_by("session_id", "order", "id")
            .values_list("session_id", "organisation_id", "role")
        ):
            parts[session_id]["hosts"].append(tuple(rest))
        for session_id, *rest in (
            SessionLink.objects.filter(session_id__in=chunk)
            .order_by("session_id", "order", "id")
            .values_list("session_id", "kind", "url", "label_en", "label_ja")
        ):
            parts[session_id]["links"].append(tuple(rest))
        for session_id, *rest in (
            Chapter.objects.filter(session_id__in=chunk)
            .order_by("session_id", "offset", "id")
            .values_list("session_id", "offset", "title_en", "title_ja")
        ):
            parts[session_id]["chapters"].append(tuple(rest))
    return parts


class _VenueFinder:
    """The event's venues by slug or exact name in either language."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.venues = list(Venue.objects.filter(event=event))
        self.by: dict[str, dict[str, list[Venue]]] = {"slug": {}, "name_en": {}, "name_ja": {}}
        for venue in self.venues:
            for attr, index in self.by.items():
                value = getattr(venue, attr)
                if value:
                    index.setdefault(value, []).append(venue)
        self.cache: dict[str, tuple[Venue | None, str]] = {}

    def find(self, text: str) -> tuple[Venue | None, str]:
        if text not in self.cache:
            self.cache[text] = self._find(text)
        return self.cache[text]

    def _find(self, text: str) -> tuple[Venue | None, str]:
        for attr in ("slug", "name_en", "name_ja"):
            found = self.by[attr].get(text, [])
            if len(found) == 1:
                return found[0], ""
            if len(found) > 1:
                return None, _(
                    "“%(value)s” names more than one venue of %(event)s; give its slug."
                ) % {"value": text, "event": self.event}
        names = ", ".join(venue.slug for venue in self.venues)
        return None, _(
            "“%(value)s” is not a venue of %(event)s. Give the slug or the exact name of one "
            "of its venues: %(venues)s."
        ) % {"value": text, "event": self.event, "venues": names or "-"}


class _Lookup:
    """Rows of a model found by slug, English name or Japanese name, a few queries in all."""

    def __init__(self, model: type[Model], fields: tuple[str, ...]) -> None:
        self.model = model
        self.fields = fields
        self.index: dict[str, dict[str, list[dict]]] = {"slug": {}, "name_en": {}, "name_ja": {}}

    def __call__(self, slugs: set[str], names_en: set[str], names_ja: set[str]) -> _Lookup:
        rows: dict[int, dict] = {}
        for attr, values in (("slug", slugs), ("name_en", names_en), ("name_ja", names_ja)):
            values = {value for value in values if value}
            for chunk in chunked(values):
                for row in self.model._default_manager.filter(**{f"{attr}__in": chunk}).values(
                    "pk", *self.fields
                ):
                    rows[row["pk"]] = row
        for row in rows.values():
            for attr, index in self.index.items():
                if row[attr]:
                    index.setdefault(row[attr], []).append(row)
        return self

    def find(self, **lookup: str) -> list[dict]:
        ((attr, value),) = lookup.items()
        return self.index[attr].get(value, [])


class _SlugMaker:
    """Slugs unique among the given ones and those it made; checked against the database
    again by the caller when the set is not complete."""

    def __init__(self, taken: Iterable[str], max_length: int) -> None:
        self.taken = set(taken)
        self.max_length = max_length

    def make(self, text: str, *, fallback: str) -> str:
        base = slugify(text)[: self.max_length - 8].strip("-") or fallback
        slug, n = base, 1
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug)
        return slug


def check_rows(
    *,
    event: Event,
    table: list[list[str]],
    create_missing: bool = False,
    progress: Progress | None = None,
) -> tuple[Plan, list[Problem]]:
    """The plan for a table (header first) and its problems, sorted by row and column."""
    checker = Checker(event=event, table=table, create_missing=create_missing, progress=progress)
    plan = checker.run()
    problems = sorted(checker.problems, key=lambda p: (p.row, p.position))
    return plan, problems
