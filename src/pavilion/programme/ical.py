"""iCalendar (RFC 5545) feeds of a programme, and "add to calendar" links.

A feed is one VCALENDAR: its properties (PRODID, VERSION, X-WR-CALNAME,
X-WR-TIMEZONE, …) and the VTIMEZONE of the event's zone are built with the
``icalendar`` library; then one VEVENT per session whose date is confirmed.

The VEVENTs are written here, content line by content line, with the TEXT
escaping and the 75-octet line folding of RFC 5545 (sections 3.1 and 3.3.11):
building 10,000 ``icalendar.Event`` objects and serialising them takes about
two seconds, writing the same lines directly about a tenth of that. Tests parse
every feed back with ``icalendar.Calendar.from_ical``.

Sessions are read as plain values in three queries whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import icalendar
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pavilion.core.i18n import translate_field

from .models import Event, Organisation, Participation, Person, Session, SessionHost

PRODID = "-//Pavilion//Programme//EN"
# How often subscribed calendar apps are asked to fetch the feed again.
REFRESH = dt.timedelta(hours=1)
PUBLIC_STATUSES = (Session.Status.PUBLISHED, Session.Status.CANCELLED)
# Stands for a session's slug in an address built once per feed (slugs never contain it).
SLUG_PLACEHOLDER = "__session_slug__"
GOOGLE_DETAILS_MAX = 600  # characters of summary in a Google/Outlook link (URLs have limits)


def calendar_uid(*, session_pk: int, event_slug: str) -> str:
    """A session's UID, the same in every feed and on every deployment.

    It is built from the session's primary key, which never changes, and the
    event's slug, which keeps it apart from the UIDs of another Pavilion site;
    no host name goes in, since the host differs between deployments and behind
    proxies. Changing an event's slug changes the UIDs, as it changes every
    feed address of the event."""
    return f"{session_pk}.{event_slug}@pavilion"


# --- Reading the sessions -------------------------------------------------------------------


@dataclass(slots=True)
class FeedSession:
    """What a calendar shows of one session, read as plain values."""

    pk: int
    slug: str
    title_en: str
    title_ja: str
    summary_en: str
    summary_ja: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    sequence: int
    updated_at: dt.datetime
    venue_en: str
    venue_ja: str
    # (role, organisation name en, ja)
    hosts: list[tuple[str, str, str]] = field(default_factory=list)
    # (role, segment en, ja, person name en, ja, title en, ja); empty names: to be announced
    speakers: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.status == Session.Status.CANCELLED


def feed_queryset(*, event: Event) -> QuerySet[Session]:
    """The sessions a calendar may show: public, of this event, with a confirmed date."""
    return Session.objects.public().filter(event=event, starts_at__isnull=False)


def on_day(queryset: QuerySet[Session], *, event: Event, day: dt.date | None) -> QuerySet[Session]:
    """Sessions starting on a day of the venue's calendar."""
    if day is None:
        return queryset
    start = dt.datetime.combine(day, dt.time.min, tzinfo=event.tzinfo)
    return queryset.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))


def speaker_feed_queryset(*, event: Event, person_pk: int) -> QuerySet[Session]:
    speaking = Participation.objects.filter(session=OuterRef("pk"), person_id=person_pk)
    return feed_queryset(event=event).filter(Exists(speaking))


def organisation_feed_queryset(*, event: Event, organisation_pk: int) -> QuerySet[Session]:
    hosting = SessionHost.objects.filter(session=OuterRef("pk"), organisation_id=organisation_pk)
    speaking = Participation.objects.filter(
        session=OuterRef("pk"), person__organisation_id=organisation_pk
    )
    return feed_queryset(event=event).filter(Q(Exists(hosting)) | Q(Exists(speaking)))


def speaker_at_event(*, event: Event, slug: str) -> Person | None:
    """The person, if they have a part in a public session of the event."""
    return (
        Person.objects.filter(
            slug=slug,
            participations__session__event=event,
            participations__session__status__in=PUBLIC_STATUSES,
        )
        .only("pk", "slug", "name_en", "name_ja")
        .first()
    )


def organisation_at_event(*, event: Event, slug: str) -> Organisation | None:
    """The organisation, if it hosts a public session of the event or its people speak at one."""
    public = {"session__event": event, "session__status__in": PUBLIC_STATUSES}
    hosting = SessionHost.objects.filter(organisation=OuterRef("pk"), **public)
    speaking = Participation.objects.filter(person__organisation=OuterRef("pk"), **public)
    return (
        Organisation.objects.filter(slug=slug)
        .filter(Q(Exists(hosting)) | Q(Exists(speaking)))
        .only("pk", "slug", "name_en", "name_ja")
        .first()
    )


def feed_sessions(*, queryset: QuerySet[Session]) -> list[FeedSession]:
    """The sessions of a queryset with their hosts and speakers, in three queries."""
    rows: dict[int, FeedSession] = {}
    values = queryset.order_by("starts_at", "venue__order", "id").values_list(
        "pk",
        "slug",
        "title_en",
        "title_ja",
        "summary_en",
        "summary_ja",
        "starts_at",
        "ends_at",
        "status",
        "sequence",
        "updated_at",
        "venue__name_en",
        "venue__name_ja",
    )
    for row in values:
        rows[row[0]] = FeedSession(*row)
    if not rows:
        return []
    # The same sessions as a subquery: no list of ids to send, whatever their number.
    chosen = queryset.order_by().values("pk")
    hosts = (
        SessionHost.objects.filter(session_id__in=chosen)
        .order_by("session_id", "order", "id")
        .values_list("session_id", "role", "organisation__name_en", "organisation__name_ja")
    )
    for session_id, *host in hosts:
        rows[session_id].hosts.append(tuple(host))
    speakers = (
        Participation.objects.filter(session_id__in=chosen)
        .order_by("session_id", "order", "id")
        .values_list(
            "session_id",
            "role",
            "segment_en",
            "segment_ja",
            "person__name_en",
            "person__name_ja",
            "person__title_en",
            "person__title_ja",
        )
    )
    for session_id, *part in speakers:
        rows[session_id].speakers.append(tuple(value or "" for value in part))
    return list(rows.values())


# --- Writing iCalendar -----------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value as RFC 5545 (3.3.11) writes it: \\\\, \\;, \\, and \\n escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> bytes:
    """One content line in UTF-8, folded so that no line exceeds 75 octets (RFC 5545, 3.1).

    A fold never splits a UTF-8 character, nor a backslash from the character it
    escapes (some clients unescape before they unfold)."""
    data = line.encode()
    if len(data) <= 75:
        return data
    parts = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # inside a multi-byte character
            cut -= 1
        run = cut
        while run > start and data[run - 1] == 0x5C:  # backslashes just before the fold
            run -= 1
        if (cut - run) % 2:  # an odd run ends with an escape's backslash: keep it with its char
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # a continuation line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@lru_cache(maxsize=32)
def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of a zone over some years (generating it is slow, so it is memoised)."""
    return icalendar.Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1)
    )


def _calendar_head(*, event: Event, name: str, first_year: int, last_year: int) -> bytes:
    """The VCALENDAR's properties and its VTIMEZONE, without the closing line."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", event.timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(vtimezone(event.timezone, first_year, last_year))
    data = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not data.endswith(end):
        raise ValueError("unexpected end of a calendar")
    return data[: -len(end)]


class _Words:
    """The words and punctuation of one language, looked up once per feed."""

    def __init__(self, lang: str, event: Event) -> None:
        self.lang = lang
        self.sep = pgettext("between names in a list", ", ")
        self.host_roles = {value: str(label) for value, label in SessionHost.Role.choices}
        self.speaker_roles = {value: str(label) for value, label in Participation.Role.choices}
        self.to_be_announced = _("To be announced")
        self.cancelled_note = _("This session has been cancelled.")
        self.labelled_format = _("%(label)s: %(names)s")
        self.cancelled_format = _("Cancelled: %(title)s")
        self.place = str(translate_field(event, "place", lang))

    def pick(self, en: str, ja: str) -> str:
        """The text in the feed's language, else in the other (never empty if either is)."""
        first, second = (ja, en) if self.lang == "ja" else (en, ja)
        return first if first and first.strip() else second

    def labelled(self, label: str, names: str) -> str:
        return self.labelled_format % {"label": label, "names": names}

    def cancelled_title(self, title: str) -> str:
        return self.cancelled_format % {"title": title}

    def location(self, venue: str) -> str:
        return self.sep.join(part for part in (venue, self.place) if part)


def _description(session: FeedSession, words: _Words, url: str) -> str:
    lines: list[str] = []
    if session.is_cancelled:
        lines += [words.cancelled_note, ""]
    summary = words.pick(session.summary_en, session.summary_ja).strip()
    if summary:
        lines += [summary, ""]
    if session.hosts:
        groups: list[tuple[str, list[str]]] = []
        for role, name_en, name_ja in session.hosts:
            name = words.pick(name_en, name_ja)
            if groups and groups[-1][0] == role:
                groups[-1][1].append(name)
            else:
                groups.append((role, [name]))
        for role, names in groups:
            lines.append(words.labelled(words.host_roles.get(role, role), words.sep.join(names)))
        lines.append("")
    if session.speakers:
        segment = None
        for role, seg_en, seg_ja, name_en, name_ja, title_en, title_ja in session.speakers:
            if (seg_en, seg_ja) != segment:
                segment = (seg_en, seg_ja)
                if label := words.pick(seg_en, seg_ja):
                    lines.append(label)
            name = words.pick(name_en, name_ja)
            if name:
                title = words.pick(title_en, title_ja)
                who = words.sep.join([name, title]) if title else name
            else:
                who = words.to_be_announced
            lines.append(words.labelled(words.speaker_roles.get(role, role), who))
        lines.append("")
    lines.append(url)
    return "\n".join(lines)


def location_text(*, venue: str, event: Event, lang: str) -> str:
    place = translate_field(event, "place", lang)
    sep = pgettext("between names in a list", ", ")
    return sep.join(part for part in (venue, place) if part)


def _vevent(
    session: FeedSession, *, event: Event, tzid: str, words: _Words, url_template: str
) -> bytes:
    tz = event.tzinfo
    url = url_template.replace(SLUG_PLACEHOLDER, session.slug)
    title = words.pick(session.title_en, session.title_ja)
    if session.is_cancelled:
        title = words.cancelled_title(title)
    location = words.location(words.pick(session.venue_en, session.venue_ja))
    # DTSTAMP is the last revision, as RFC 5545 (3.8.7.2) has it for a calendar without
    # METHOD: the same session gives the same bytes on every server and every build.
    stamp = _utc(session.updated_at)
    lines = (
        "BEGIN:VEVENT",
        f"UID:{calendar_uid(session_pk=session.pk, event_slug=event.slug)}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{session.sequence}",
        f"DTSTART;TZID={tzid}:{session.starts_at.astimezone(tz):%Y%m%dT%H%M%S}",
        f"DTEND;TZID={tzid}:{session.ends_at.astimezone(tz):%Y%m%dT%H%M%S}",
        f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(title)}",
        f"DESCRIPTION:{escape_text(_description(session, words, url))}",
        f"LOCATION:{escape_text(location)}",
        f"URL:{url}",
        "END:VEVENT",
    )
    return b"\r\n".join(fold(line) for line in lines) + b"\r\n"


def build_calendar(
    *,
    event: Event,
    sessions: Iterable[FeedSession],
    lang: str,
    name: str,
    url_template: str,
) -> bytes:
    """A whole VCALENDAR, in UTF-8 with CRLF line ends.

    ``url_template`` is the absolute address of a session page with
    SLUG_PLACEHOLDER where the slug goes. Call it with the feed's language active
    (``translation.override``): labels and punctuation come from the catalogue."""
    sessions = list(sessions)
    years = [event.start_date.year, event.end_date.year]
    years += [s.starts_at.astimezone(event.tzinfo).year for s in sessions[:1] + sessions[-1:]]
    head = _calendar_head(event=event, name=name, first_year=min(years), last_year=max(years))
    words = _Words(lang, event)
    tzid = event.timezone
    body = b"".join(
        _vevent(s, event=event, tzid=tzid, words=words, url_template=url_template) for s in sessions
    )
    return head + body + b"END:VCALENDAR\r\n"


# --- Links to add one session to a web calendar --------------------------------------------


def _plain_details(*, summary: str, url: str) -> str:
    summary = summary.strip()
    if len(summary) > GOOGLE_DETAILS_MAX:
        summary = summary[: GOOGLE_DETAILS_MAX - 1].rstrip() + "…"
    return f"{summary}\n\n{url}" if summary else url


def google_calendar_url(
    *,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    url: str,
    location: str,
    tzid: str,
) -> str:
    """Google Calendar's "create event" page, filled in (times in UTC, shown in the venue's zone)."""
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(starts_at)}/{_utc(ends_at)}",
        "details": _plain_details(summary=summary, url=url),
        "location": location,
        "ctz": tzid,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(
    *,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    url: str,
    location: str,
) -> str:
    """Outlook on the web's "new event" page, filled in (ISO 8601 times in UTC)."""

    def iso(value: dt.datetime) -> str:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": iso(starts_at),
        "enddt": iso(ends_at),
        "body": _plain_details(summary=summary, url=url),
        "location": location,
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
