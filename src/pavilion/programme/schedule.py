"""The programme as conference schedule files: frab/c3voc ``schedule.xml`` and
``schedule.json``, and the draft "schedule2" JSON.

Schedule apps (Giggity, EventFahrplan, ConfClerk), the C3VOC recording pipeline and
volunteer planners read a conference's programme in these formats; frab, pretalx and
osem write them. The files follow the c3voc schemas exactly (schedule.xml.xsd,
schema.json, schema2.json); the tests validate every export against pinned copies.

Each format is a small exporter class behind ``ScheduleExporter``, registered in
``EXPORTERS``. ``schedule_data`` reads what they need in a constant number of queries
(plain values, no model instances), and ``schedule_export`` caches the built bytes
under the event's programme version, which every programme change moves on.

How Pavilion's programme maps onto the formats:

- rooms are venues; days are the event's days in the venue's zone (midnight to
  midnight), widened if a session lies outside them so that none is lost;
- ``guid`` is a UUID5 of a fixed namespace and the session's id: the same in every
  export and across edits (title, time, venue), as schedule apps need to follow a
  session from one version of the schedule to the next;
- ``title``, ``abstract`` (the summary), room and person names are in the language
  asked for (``?lang=en|ja``), falling back to the other language where a text is
  missing; schedule2 carries ``abstract`` and ``description`` in both languages (its
  schema allows a language map there; ``title`` and names are plain strings);
- ``description`` lists the hosts and the speakers with their roles ("Organiser:
  ICLEI Europe"), which the frab formats have no field for;
- persons are the people taking part; a part still "to be announced" is not a person
  (the description says "to be announced"). schedule2 gives each a role.

What the formats cannot hold:

- a session whose date is not confirmed: frab's <event> needs a date and schedule2's
  event a start and an end, so such sessions are left out of all three files (the
  programme page and the API show them);
- cancellation, in schedule.xml and schedule.json: neither schema has a status field.
  Cancelled sessions are left out of them, as pretalx does. Apps such as EventFahrplan
  compare each new schedule with the last one and tell those who starred a session
  that disappeared that it was cancelled, and the C3VOC tracker stops expecting its
  recording; a "[Cancelled]" title would instead read as a renamed session that still
  takes place, alarm and all. schedule2 has ``state``: there a cancelled session stays,
  as ``CANCELED``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import attrgetter
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pavilion.core.i18n import LANGS, other_lang

from .models import Event, Participation, Session, SessionHost, SessionLink, Venue

# Never change: every guid in every published schedule derives from it. A deployment
# that shares session ids with another (a copy of the database) can set its own.
GUID_NAMESPACE = uuid.UUID(
    getattr(settings, "PAVILION_SCHEDULE_GUID_NAMESPACE", "4c34aa95-16be-4362-a23e-cb4f4b2555f8")
)
# Part of every cache key and ETag: raise it when the output of an exporter changes,
# so that no copy built by the previous code is served after a deployment.
EXPORT_REVISION = 1
CACHE_TIMEOUT = 60 * 60 * 24  # stale versions are never read again; let them expire
DEFAULT_LANG = "en"
TIMESLOT = dt.timedelta(minutes=5)

try:
    GENERATOR_VERSION = importlib.metadata.version("pavilion")
except importlib.metadata.PackageNotFoundError:  # running from a source tree
    GENERATOR_VERSION = ""

# Speakers' roles as schedule2 names them (SPEAKER, MODERATOR, CONTRIBUTOR, HOST, GUEST).
SCHEDULE2_ROLES = {
    Participation.Role.OPENING: "SPEAKER",
    Participation.Role.KEYNOTE: "SPEAKER",
    Participation.Role.MODERATOR: "MODERATOR",
    Participation.Role.PANELLIST: "SPEAKER",
    Participation.Role.SPEAKER: "SPEAKER",
    Participation.Role.PRESENTER: "SPEAKER",
    Participation.Role.CLOSING: "SPEAKER",
}
# A session with a moderator or panellists is a discussion; any other a talk. Pavilion
# records no session type, and these are the two of the formats' types its sessions are.
DISCUSSION_ROLES = frozenset({Participation.Role.MODERATOR, Participation.Role.PANELLIST})
# Link kinds as the formats' reference types (frab: lower case; schedule2: upper case).
LINK_TYPES = {
    SessionLink.Kind.WEBSITE: "web",
    SessionLink.Kind.EVENT_PAGE: "related",
    SessionLink.Kind.LIVESTREAM: "media",
    SessionLink.Kind.RECORDING: "media",
    SessionLink.Kind.SLIDES: "slides",
}

# What the schemas accept (c3voc schema.json, schema2.json, schedule.xml.xsd).
_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
_TIME_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Characters XML 1.0 cannot carry (pasted text sometimes holds them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=100_000)
def schedule_guid(kind: str, pk: int) -> str:
    """A stable UUID for a session, venue, person or track: UUID5 of the namespace and id."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{pk}"))


def event_acronym(event: Event) -> str:
    """The event's slug as the schemas' acronym: lower case, no hyphen, at least 4 characters."""
    return re.sub(r"[^a-z0-9_]", "_", event.slug.lower()).ljust(4, "_")


def _slug_chars(value: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")


def schema_slug(value: str) -> str:
    """A slug the schemas accept (lower case, ending with a letter or digit), or ""."""
    value = _slug_chars(value)
    return value if _SLUG.match(value) else ""


def session_schedule_slug(acronym: str, pk: int, slug: str) -> str:
    """``<acronym>-<id>-<slug>``, the c3voc event slug (unique, and stable while the slug is)."""
    tail = _slug_chars(slug)
    rest = f"{pk}-{tail}" if tail else f"{pk:04d}"
    if len(rest) < 4:
        rest = f"{pk:03d}-{tail}"
    return f"{acronym}-{rest}"


def format_duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def iso_duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")


def _uri(url: str) -> str:
    return iri_to_uri(url) if url else ""


# ---------------------------------------------------------------------------------------
# Reading the programme
# ---------------------------------------------------------------------------------------


def pick(first: str | None, second: str | None) -> str:
    """The first text unless it is blank, else the second (a missing translation shows
    the other language, never an empty string), as ``translate_field`` does."""
    if first and not first.isspace():
        return first
    return second if second and not second.isspace() else ""


@dataclass(slots=True)
class ScheduleVenue:
    id: int
    slug: str
    name_en: str
    name_ja: str
    description_en: str
    description_ja: str
    capacity: int | None
    website: str


@dataclass(slots=True)
class SchedulePerson:
    slug: str
    name_en: str
    name_ja: str


@dataclass(slots=True)
class ScheduleLink:
    kind: str
    url: str
    label_en: str
    label_ja: str


@dataclass(slots=True)
class ScheduleSession:
    id: int
    slug: str
    title_en: str
    title_ja: str
    summary_en: str
    summary_ja: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    recording_url: str
    venue_id: int
    # (role, person id or None while "to be announced"), in the programme's order
    parts: list[tuple[str, int | None]] = field(default_factory=list)
    # (role, organisation id)
    hosts: list[tuple[str, int]] = field(default_factory=list)
    links: list[ScheduleLink] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.status == Session.Status.CANCELLED

    def people(self) -> list[tuple[str, int]]:
        """Each person once, with the role of their first part; no "to be announced"."""
        seen: set[int] = set()
        people = []
        for role, person_id in self.parts:
            if person_id is not None and person_id not in seen:
                seen.add(person_id)
                people.append((role, person_id))
        return people


@dataclass(slots=True)
class ScheduleData:
    event: Event
    venues: list[ScheduleVenue]
    sessions: list[ScheduleSession]
    people: dict[int, SchedulePerson]
    organisations: dict[int, dict[str, str]]  # id: {"en": name, "ja": name}
    last_modified: dt.datetime


def _latest(queryset, group: str, field_name: str) -> Subquery:
    """The latest ``field_name`` of the rows, as a subquery (one group: the event)."""
    return Subquery(
        queryset.order_by().values(group).annotate(latest=Max(field_name)).values("latest")[:1]
    )


def schedule_last_modified(*, event: Event) -> dt.datetime:
    """The latest change to anything a schedule file of the event shows, in one query.

    Every session of the event counts, drafts and undated ones too: one that was
    unpublished or lost its date changed the file although it is no longer in it."""
    event_ref = OuterRef("pk")
    stamps = (
        Event.objects.filter(pk=event.pk)
        .values_list(
            "updated_at",
            _latest(Venue.objects.filter(event=event_ref), "event", "updated_at"),
            _latest(Session.objects.filter(event=event_ref), "event", "updated_at"),
            _latest(
                Participation.objects.filter(session__event=event_ref),
                "session__event",
                "person__updated_at",
            ),
            _latest(
                SessionHost.objects.filter(session__event=event_ref),
                "session__event",
                "organisation__updated_at",
            ),
        )
        .first()
    )
    return max(stamp for stamp in stamps or (event.updated_at,) if stamp is not None)


def schedule_data(*, event: Event, statuses: Iterable[str]) -> ScheduleData:
    """The event's dated sessions of the given statuses, with their venues, speakers,
    hosts and links, as plain values: six queries whatever the programme's size."""
    statuses = list(statuses)
    venues = [
        ScheduleVenue(*row)
        for row in Venue.objects.filter(event=event)
        .order_by("-is_ours", "order", "name_en", "id")
        .values_list(
            "id",
            "slug",
            "name_en",
            "name_ja",
            "description_en",
            "description_ja",
            "capacity",
            "website",
        )
    ]
    sessions = {
        row[0]: ScheduleSession(*row)
        for row in Session.objects.filter(event=event, status__in=statuses, starts_at__isnull=False)
        .order_by("starts_at", "id")
        .values_list(
            "id",
            "slug",
            "title_en",
            "title_ja",
            "summary_en",
            "summary_ja",
            "starts_at",
            "ends_at",
            "status",
            "recording_url",
            "venue_id",
        )
    }
    # The parts of those sessions: joined on the session rather than listed by id, so
    # that the query stays the same size whatever the number of sessions.
    scheduled = {
        "session__event": event,
        "session__status__in": statuses,
        "session__starts_at__isnull": False,
    }
    people: dict[int, SchedulePerson] = {}
    for session_id, role, person_id, slug, name_en, name_ja in (
        Participation.objects.filter(**scheduled)
        .order_by("session_id", "order", "id")
        .values_list(
            "session_id", "role", "person_id", "person__slug", "person__name_en", "person__name_ja"
        )
    ):
        sessions[session_id].parts.append((role, person_id))
        if person_id is not None and person_id not in people:
            people[person_id] = SchedulePerson(slug, name_en, name_ja)
    organisations: dict[int, dict[str, str]] = {}
    for session_id, role, organisation_id, name_en, name_ja in (
        SessionHost.objects.filter(**scheduled)
        .order_by("session_id", "order", "id")
        .values_list(
            "session_id",
            "role",
            "organisation_id",
            "organisation__name_en",
            "organisation__name_ja",
        )
    ):
        sessions[session_id].hosts.append((role, organisation_id))
        organisations[organisation_id] = {"en": name_en, "ja": name_ja}
    for session_id, *values in (
        SessionLink.objects.filter(**scheduled)
        .order_by("session_id", "order", "id")
        .values_list("session_id", "kind", "url", "label_en", "label_ja")
    ):
        sessions[session_id].links.append(ScheduleLink(*values))
    return ScheduleData(
        event=event,
        venues=venues,
        sessions=list(sessions.values()),
        people=people,
        organisations=organisations,
        last_modified=schedule_last_modified(event=event),
    )


# ---------------------------------------------------------------------------------------
# Exporters
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class ScheduleDay:
    index: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    # (venue, its sessions that day in time order), venues in the programme's order
    rooms: list[tuple[ScheduleVenue, list[ScheduleSession]]]


class _Texts:
    """The words of an export in one language, translated once per export.

    A description line is "<role>: <names>"; the sentence is translated whole, then cut
    around the names, so that each line is two concatenations."""

    def __init__(self, lang: str) -> None:
        with translation.override(lang):
            self.to_be_announced = _("to be announced")
            self.separator = pgettext("between names in a list", ", ")
            line = _("%(label)s: %(names)s")
            self.host_lines = {
                role: tuple((line % {"label": str(label), "names": "\x00"}).split("\x00", 1))
                for role, label in SessionHost.Role.choices
            }
            self.part_lines = {
                role: tuple((line % {"label": str(label), "names": "\x00"}).split("\x00", 1))
                for role, label in Participation.Role.choices
            }


class ScheduleExporter:
    """One schedule format. Subclasses set the class attributes and ``render``."""

    key: ClassVar[str]
    url_name: ClassVar[str]
    content_type: ClassVar[str]
    schema_url: ClassVar[str] = ""
    # Statuses of the sessions the format can hold.
    statuses: ClassVar[tuple[str, ...]] = (Session.Status.PUBLISHED,)

    def __init__(self, *, event: Event, lang: str, base_url: str, version: str) -> None:
        self.event = event
        self.lang = lang
        self.other = other_lang(lang)
        self.base_url = base_url.rstrip("/") + "/"
        self.version = version
        self.tz = event.tzinfo
        self.acronym = event_acronym(event)
        self._texts: dict[str, _Texts] = {}
        self._person_names: dict[str, dict[int, str]] = {}
        self._organisation_names: dict[str, dict[int, str]] = {}
        self._titles = attrgetter(f"title_{lang}", f"title_{self.other}")
        self._summaries = attrgetter(f"summary_{lang}", f"summary_{self.other}")

    # -- rendering ------------------------------------------------------------------------

    def render(self, data: ScheduleData) -> bytes:
        raise NotImplementedError

    @classmethod
    def error_body(cls, *, status: int, parameter: str, message: str) -> bytes:
        raise NotImplementedError

    # -- words and names ------------------------------------------------------------------

    def texts(self, lang: str) -> _Texts:
        if lang not in self._texts:
            self._texts[lang] = _Texts(lang)
        return self._texts[lang]

    def text(self, obj: object, name: str, lang: str | None = None) -> str:
        """A bilingual field in the language, falling back to the other one."""
        lang = lang or self.lang
        other = self.other if lang == self.lang else other_lang(lang)
        return pick(getattr(obj, f"{name}_{lang}"), getattr(obj, f"{name}_{other}"))

    def person_names(self, data: ScheduleData, lang: str) -> dict[int, str]:
        if lang not in self._person_names:
            other = other_lang(lang)
            self._person_names[lang] = {
                pk: pick(getattr(p, f"name_{lang}"), getattr(p, f"name_{other}"))
                for pk, p in data.people.items()
            }
        return self._person_names[lang]

    def organisation_names(self, data: ScheduleData, lang: str) -> dict[int, str]:
        if lang not in self._organisation_names:
            other = other_lang(lang)
            self._organisation_names[lang] = {
                pk: pick(names[lang], names[other]) for pk, names in data.organisations.items()
            }
        return self._organisation_names[lang]

    def title(self, session: ScheduleSession) -> str:
        return pick(*self._titles(session))

    def abstract(self, session: ScheduleSession) -> str:
        return pick(*self._summaries(session))

    def description(self, data: ScheduleData, session: ScheduleSession, lang: str) -> str:
        """Hosts and speakers by role, a line per role: "Organiser: ICLEI Europe"."""
        texts = self.texts(lang)
        lines: list[str] = []
        if session.hosts:
            names = self.organisation_names(data, lang)
            _add_lines(lines, session.hosts, names, texts.host_lines, texts)
        if session.parts:
            names = self.person_names(data, lang)
            _add_lines(lines, session.parts, names, texts.part_lines, texts)
        return "\n".join(lines)

    def kind(self, session: ScheduleSession) -> str:
        for role, _person in session.parts:
            if role in DISCUSSION_ROLES:
                return "discussion"
        return "talk"

    def link_title(self, link: ScheduleLink) -> str:
        return self.text(link, "label") or link.url

    # -- addresses ------------------------------------------------------------------------

    def absolute(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    @cached_property
    def export_url(self) -> str:
        path = reverse(f"schedule:{self.url_name}", kwargs={"event": self.event.slug})
        return f"{self.absolute(path)}?lang={self.lang}"

    @cached_property
    def _page_urls(self) -> tuple[str, str, str]:
        """The programme page, and the session and speaker pages up to their slug."""
        marker = "SLUGMARKER"
        with translation.override(self.lang):
            programme = reverse("programme:programme", kwargs={"event": self.event.slug})
            session = reverse(
                "programme:session", kwargs={"event": self.event.slug, "slug": marker}
            )
            speaker = reverse("programme:speaker", kwargs={"slug": marker})
        return (
            self.absolute(programme),
            self.absolute(session).replace(marker, "{}"),
            self.absolute(speaker).replace(marker, "{}"),
        )

    @property
    def programme_url(self) -> str:
        return self._page_urls[0]

    def session_url(self, session: ScheduleSession) -> str:
        return self._page_urls[1].format(session.slug)

    def speaker_url(self, person: SchedulePerson) -> str:
        return self._page_urls[2].format(person.slug)

    # -- time -----------------------------------------------------------------------------

    def local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.tz)

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)
        return start, end

    @property
    def time_zone_name(self) -> str | None:
        """The zone, where the JSON schemas' pattern takes its name (it misses a few)."""
        return self.event.timezone if _TIME_ZONE_NAME.search(self.event.timezone) else None

    # -- structure ------------------------------------------------------------------------

    def room_names(self, venues: list[ScheduleVenue]) -> dict[int, str]:
        """Each venue's name in the language; two venues of the same name get their slug."""
        names = {venue.id: self.text(venue, "name") for venue in venues}
        counts: dict[str, int] = {}
        for name in names.values():
            counts[name] = counts.get(name, 0) + 1
        for venue in venues:
            if counts[names[venue.id]] > 1:
                names[venue.id] = f"{names[venue.id]} ({venue.slug})"
        return names

    def days(self, data: ScheduleData) -> list[ScheduleDay]:
        """The event's days, each with its venues' sessions (the day they start, venue time).

        Days run from midnight to midnight in the venue's zone, as on the programme page;
        a session outside the event's dates (imported before the dates moved, say) widens
        them rather than being lost."""
        first, last = self.event.start_date, self.event.end_date
        by_day: dict[dt.date, dict[int, list[ScheduleSession]]] = {}
        for session in data.sessions:
            day = self.local(session.starts_at).date()
            by_day.setdefault(day, {}).setdefault(session.venue_id, []).append(session)
        if by_day:
            first, last = min(first, *by_day), max(last, *by_day)
        days = []
        for index in range((last - first).days + 1):
            day = first + dt.timedelta(days=index)
            start, end = self.day_bounds(day)
            rooms = by_day.get(day, {})
            days.append(
                ScheduleDay(
                    index=index + 1,
                    date=day,
                    start=start,
                    end=end,
                    rooms=[(v, rooms[v.id]) for v in data.venues if v.id in rooms],
                )
            )
        return days


def _add_lines(
    lines: list[str],
    pairs: list[tuple[str, int | None]],
    names: dict[int, str],
    labels: dict[str, tuple[str, ...]],
    texts: _Texts,
) -> None:
    """One line per run of the same role: "Speaker: A, B"; no name is "to be announced"."""
    role, group = None, []
    for part_role, pk in pairs:
        name = names[pk] if pk is not None else texts.to_be_announced
        if part_role == role:
            group.append(name)
            continue
        if group:
            before, after = labels.get(role, (f"{role}: ", ""))
            lines.append(before + texts.separator.join(group) + after)
        role, group = part_role, [name]
    if group:
        before, after = labels.get(role, (f"{role}: ", ""))
        lines.append(before + texts.separator.join(group) + after)


class FrabXmlExporter(ScheduleExporter):
    """``schedule.xml``: frab's format, read by most schedule apps (schedule.xml.xsd).

    Written as text rather than through an element tree: a COP's 10,000 sessions are
    some 300,000 elements, which a tree takes several times longer to build. Every text
    staff wrote goes through ``_text`` or ``_attr``, and the tests validate the result
    against the schema."""

    key = "frab-xml"
    url_name = "xml"
    content_type = "application/xml; charset=utf-8"

    def render(self, data: ScheduleData) -> bytes:
        room_names = self.room_names(data.venues)
        days = self.days(data)
        names = {pk: _text(name) for pk, name in self.person_names(data, self.lang).items()}
        out = [
            "<?xml version='1.0' encoding='utf-8'?>",
            "<schedule>",
            f'  <generator name="pavilion" version="{_attr(GENERATOR_VERSION)}"/>',
            f"  <url>{_text(self.export_url)}</url>",
            f"  <version>{_text(self.version)}</version>",
            "  <conference>",
            f"    <title>{_text(self.text(self.event, 'name'))}</title>",
            f"    <acronym>{self.acronym}</acronym>",
            f"    <start>{days[0].date.isoformat()}</start>",
            f"    <end>{days[-1].date.isoformat()}</end>",
            f"    <days>{len(days)}</days>",
            f"    <timeslot_duration>{format_duration(TIMESLOT)}</timeslot_duration>",
            f"    <base_url>{_text(self.base_url)}</base_url>",
            f"    <url>{_text(self.programme_url)}</url>",
            f"    <time_zone_name>{_text(self.event.timezone)}</time_zone_name>",
            "  </conference>",
        ]
        for day in days:
            out.append(
                f'  <day index="{day.index}" date="{day.date.isoformat()}" '
                f'start="{day.start.isoformat()}" end="{day.end.isoformat()}">'
            )
            for venue, sessions in day.rooms:
                room_name = _text(room_names[venue.id])
                out.append(
                    f'    <room name="{_attr(room_names[venue.id])}" '
                    f'guid="{schedule_guid("venue", venue.id)}">'
                )
                for session in sessions:
                    self._event(out, data, session, room_name, names)
                out.append("    </room>")
            out.append("  </day>")
        out.append("</schedule>\n")
        return "\n".join(out).encode("utf-8")

    def _event(
        self,
        out: list[str],
        data: ScheduleData,
        session: ScheduleSession,
        room_name: str,
        names: dict[int, str],
    ) -> None:
        start = self.local(session.starts_at)
        slug = session_schedule_slug(self.acronym, session.id, session.slug)
        out += [
            f'      <event id="{session.id}" guid="{schedule_guid("session", session.id)}">',
            f"        <date>{start.isoformat()}</date>",
            f"        <start>{start.hour:02d}:{start.minute:02d}</start>",
            f"        <duration>{format_duration(session.ends_at - session.starts_at)}</duration>",
            f"        <room>{room_name}</room>",
            f"        <slug>{slug}</slug>",
            f"        <url>{self.session_url(session)}</url>",  # slugs: nothing to escape
            f"        <title>{_text(self.title(session))}</title>",
            "        <subtitle></subtitle>",
            "        <track></track>",
            f"        <type>{self.kind(session)}</type>",
            f"        <abstract>{_text(self.abstract(session))}</abstract>",
            f"        <description>{_text(self.description(data, session, self.lang))}"
            "</description>",
        ]
        people = session.people()
        if people:
            out.append("        <persons>")
            out += [
                f'          <person id="{person_id}" guid="{schedule_guid("person", person_id)}">'
                f"{names[person_id]}</person>"
                for _role, person_id in people
            ]
            out.append("        </persons>")
        else:
            out.append("        <persons/>")
        if session.recording_url:
            out += ["        <recording>", "          <license></license>"]
            out.append("          <optout>false</optout>")
            url = _uri(session.recording_url)
            if url.startswith(("http://", "https://")):
                out.append(f"          <url>{_text(url)}</url>")
            out.append("        </recording>")
        if session.links:
            out.append("        <links>")
            out += [
                f'          <link href="{_attr(_uri(link.url))}" '
                f'type="{LINK_TYPES.get(link.kind, "web")}">{_text(self.link_title(link))}</link>'
                for link in session.links
            ]
            out.append("        </links>")
        else:
            out.append("        <links/>")
        out.append("      </event>")

    @classmethod
    def error_body(cls, *, status: int, parameter: str, message: str) -> bytes:
        return (
            "<?xml version='1.0' encoding='utf-8'?>\n"
            f'<error status="{status}">\n'
            f'  <message parameter="{_attr(parameter)}">{_text(message)}</message>\n'
            "</error>\n"
        ).encode()


def _text(value: str) -> str:
    """Text as XML 1.0 carries it: markup escaped, forbidden control characters dropped,
    carriage returns kept (a parser would turn them into line feeds)."""
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _attr(value: str) -> str:
    """An attribute's value, between double quotes; white space kept as it is."""
    value = _text(value)
    for char, entity in (('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;")):
        if char in value:
            value = value.replace(char, entity)
    return value


class _JsonExporter(ScheduleExporter):
    content_type = "application/json"

    def generator(self) -> dict:
        return {"name": "pavilion", "version": GENERATOR_VERSION}

    def dumps(self, document: dict) -> bytes:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def error_body(cls, *, status: int, parameter: str, message: str) -> bytes:
        document = {"status": status, "errors": [{"parameter": parameter, "message": message}]}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")

    def room(self, venue: ScheduleVenue, name: str) -> dict:
        room = {"name": name, "guid": schedule_guid("venue", venue.id)}
        if slug := schema_slug(venue.slug):
            room["slug"] = slug
        if venue.capacity is not None:
            room["capacity"] = venue.capacity
        if venue.website:
            room["url"] = _uri(venue.website)
        return room

    def links(self, session: ScheduleSession, *, upper: bool = False) -> list[dict]:
        links = []
        for link in session.links:
            kind = LINK_TYPES.get(link.kind, "web")
            links.append(
                {
                    "type": kind.upper() if upper else kind,
                    "url": _uri(link.url),
                    "title": self.link_title(link),
                }
            )
        return links


class FrabJsonExporter(_JsonExporter):
    """``schedule.json``: frab's and pretalx's JSON (schema.json)."""

    key = "frab-json"
    url_name = "json"
    schema_url = "https://c3voc.de/schedule/schema.json"

    def render(self, data: ScheduleData) -> bytes:
        room_names = self.room_names(data.venues)
        names = self.person_names(data, self.lang)
        # "name" (with the deprecated "public_name") and no numeric "id": the schema
        # takes a person with both "public_name" and "id" as frab's and pretalx's at
        # once, which its "oneOf" forbids. Shared by every session the person is in.
        persons = {
            pk: {
                "guid": schedule_guid("person", pk),
                "name": names[pk],
                "public_name": names[pk],
                "url": self.speaker_url(person),
            }
            for pk, person in data.people.items()
        }
        days = self.days(data)
        conference = {
            "acronym": self.acronym,
            "title": self.text(self.event, "name"),
            "start": days[0].date.isoformat(),
            "end": days[-1].date.isoformat(),
            "daysCount": len(days),
            "timeslot_duration": format_duration(TIMESLOT),
            "url": self.programme_url,
            "rooms": [self._room(venue, room_names[venue.id]) for venue in data.venues],
            "days": [
                {
                    "index": day.index,
                    "date": day.date.isoformat(),
                    "day_start": day.start.isoformat(),
                    "day_end": day.end.isoformat(),
                    "rooms": {
                        room_names[venue.id]: [
                            self._event(data, session, room_names[venue.id], persons)
                            for session in sessions
                        ]
                        for venue, sessions in day.rooms
                    },
                }
                for day in days
            ],
        }
        if self.time_zone_name:
            conference["time_zone_name"] = self.time_zone_name
        return self.dumps(
            {
                "$schema": self.schema_url,
                "generator": self.generator(),
                "schedule": {
                    "url": self.export_url,
                    "version": self.version,
                    "base_url": self.base_url,
                    "conference": conference,
                },
            }
        )

    def _room(self, venue: ScheduleVenue, name: str) -> dict:
        room = self.room(venue, name)
        if description := self.text(venue, "description"):
            room["description"] = description
        return room

    def _event(
        self, data: ScheduleData, session: ScheduleSession, room_name: str, persons: dict
    ) -> dict:
        start = self.local(session.starts_at)
        return {
            "guid": schedule_guid("session", session.id),
            "id": session.id,
            "date": start.isoformat(),
            "start": f"{start.hour:02d}:{start.minute:02d}",
            "end": self.local(session.ends_at).isoformat(),
            "duration": format_duration(session.ends_at - session.starts_at),
            "room": room_name,
            "slug": session_schedule_slug(self.acronym, session.id, session.slug),
            "url": self.session_url(session),
            "title": self.title(session),
            "subtitle": "",
            "track": None,
            "type": self.kind(session),
            # The language spoken is not recorded (the texts are in both languages).
            "language": None,
            "abstract": self.abstract(session),
            "description": self.description(data, session, self.lang) or None,
            "persons": [persons[person_id] for _role, person_id in session.people()],
            "links": self.links(session),
        }


class Schedule2JsonExporter(_JsonExporter):
    """``schedule2.json``: the draft c3voc "schedule2" (schema2.json), with speakers'
    roles, cancelled sessions marked as such, and summaries in both languages."""

    key = "schedule2-json"
    url_name = "schedule2"
    schema_url = "https://c3voc.de/schema/schedule2"
    statuses = (Session.Status.PUBLISHED, Session.Status.CANCELLED)

    def localized(self, obj: object, name: str) -> dict[str, str] | None:
        """A text in each language it is written in, or None."""
        texts = {lang: getattr(obj, f"{name}_{lang}") for lang in LANGS}
        texts = {lang: text for lang, text in texts.items() if text and not text.isspace()}
        return texts or None

    @cached_property
    def track(self) -> dict:
        # schedule2 requires a track on every event; Pavilion has none, so the whole
        # programme is one track, named after the event.
        return {
            "name": self.text(self.event, "name"),
            "slug": schema_slug(self.event.slug) or "programme",
        }

    def render(self, data: ScheduleData) -> bytes:
        room_names = self.room_names(data.venues)
        days = self.days(data)
        rooms = {}
        for venue in data.venues:
            room = self.room(venue, room_names[venue.id])
            if description := self.localized(venue, "description"):
                room["description"] = description
            rooms[venue.id] = room
        conference = {
            "acronym": self.acronym,
            "title": self.text(self.event, "name"),
            "start": days[0].start.isoformat(),
            "end": days[-1].end.isoformat(),
            "timeslot_duration": iso_duration(TIMESLOT),
            "url": self.programme_url,
            "languages": list(LANGS),
            "defaults": {"language": self.lang},
            "tracks": [self.track],
            "rooms": list(rooms.values()),
            "days": [
                {
                    "index": day.index,
                    "date": day.date.isoformat(),
                    "start": day.start.isoformat(),
                    "end": day.end.isoformat(),
                }
                for day in days
            ],
        }
        if self.time_zone_name:
            conference["time_zone_name"] = self.time_zone_name
        references = {
            venue.id: {k: v for k, v in room.items() if k in ("guid", "name", "slug")}
            for venue, room in zip(data.venues, rooms.values(), strict=True)
        }
        names = self.person_names(data, self.lang)
        # In time order, venues in the programme's order within a time.
        position = {venue.id: n for n, venue in enumerate(data.venues)}
        ordered = sorted(data.sessions, key=lambda s: (s.starts_at, position[s.venue_id], s.id))
        events = [
            self._event(data, session, references[session.venue_id], names) for session in ordered
        ]
        return self.dumps(
            {
                "$schema": self.schema_url,
                "generator": self.generator(),
                "schedule": {
                    "url": self.export_url,
                    "version": self.version,
                    "base_url": self.base_url,
                    "conference": conference,
                    "events": events,
                },
            }
        )

    def _event(
        self, data: ScheduleData, session: ScheduleSession, room: dict, names: dict[int, str]
    ) -> dict:
        title = self.title(session)
        description = {
            lang: text for lang in LANGS if (text := self.description(data, session, lang))
        }
        return {
            "guid": schedule_guid("session", session.id),
            "start": self.local(session.starts_at).isoformat(),
            "end": self.local(session.ends_at).isoformat(),
            "room": room,
            "slug": session_schedule_slug(self.acronym, session.id, session.slug),
            "url": self.session_url(session),
            "title": title,
            "subtitle": None,
            "track": {"slug": self.track["slug"]},
            "type": self.kind(session).upper(),
            # The language spoken is not recorded; this is the title's (schedule2 needs one).
            "language": self.lang
            if title == getattr(session, f"title_{self.lang}")
            else self.other,
            "abstract": self.localized(session, "summary"),
            "description": description or None,
            "participants": [
                {
                    "guid": schedule_guid("person", person_id),
                    "name": names[person_id],
                    "role": SCHEDULE2_ROLES.get(role, "SPEAKER"),
                }
                for role, person_id in session.people()
            ],
            "links": self.links(session, upper=True),
            "state": "CANCELED" if session.is_cancelled else "CONFIRMED",
        }


EXPORTERS: dict[str, type[ScheduleExporter]] = {
    exporter.key: exporter
    for exporter in (FrabXmlExporter, FrabJsonExporter, Schedule2JsonExporter)
}


# ---------------------------------------------------------------------------------------
# Building, with the cache
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleExport:
    body: bytes
    last_modified: dt.datetime
    content_type: str


def _params(*, exporter: str, event_id: int, version: str, lang: str, base_url: str) -> str:
    host = hashlib.sha256(base_url.encode()).hexdigest()[:16]
    return f"{EXPORT_REVISION}:{exporter}:{event_id}:{version}:{lang}:{host}"


def schedule_etag(*, exporter: str, event_id: int, version: str, lang: str, base_url: str) -> str:
    """The export's entity tag: it changes with the programme version and the parameters."""
    params = _params(
        exporter=exporter, event_id=event_id, version=version, lang=lang, base_url=base_url
    )
    return '"' + hashlib.sha256(params.encode()).hexdigest()[:32] + '"'


def schedule_export(
    *, exporter: str, event: Event, lang: str, base_url: str, version: str
) -> ScheduleExport:
    """The export's bytes, from the cache or built (and cached) now.

    The key holds the programme version: any change to the programme moves it on, so
    a copy built before the change is never served after it. ``version`` must be read
    before the data (as the view does), so that a copy is never older than its key."""
    cls = EXPORTERS[exporter]
    key = "schedule:" + _params(
        exporter=exporter, event_id=event.pk, version=version, lang=lang, base_url=base_url
    )
    cached = cache.get(key)
    if cached is not None:
        body, timestamp = cached
        return ScheduleExport(
            body=body,
            last_modified=dt.datetime.fromtimestamp(timestamp, tz=dt.UTC),
            content_type=cls.content_type,
        )
    instance = cls(event=event, lang=lang, base_url=base_url, version=version)
    data = schedule_data(event=event, statuses=cls.statuses)
    body = instance.render(data)
    cache.set(key, (body, data.last_modified.timestamp()), CACHE_TIMEOUT)
    return ScheduleExport(
        body=body, last_modified=data.last_modified, content_type=cls.content_type
    )


def parse_lang(value: str | None) -> str | None:
    """The language asked for (default English), or None when it is not one of ours."""
    if not value:
        return DEFAULT_LANG
    value = value.strip().lower()
    return value if value in LANGS else None
