"""Reads for the public pages, each with its joins and prefetches declared.

Every page costs a constant number of queries whatever the programme's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pavilion.core.i18n import BilingualMixin

from .models import (
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    Venue,
    VenuePartner,
)

PUBLIC_STATUSES = (Session.Status.PUBLISHED, Session.Status.CANCELLED)


def event_get_public(*, slug: str) -> Event:
    event = Event.objects.filter(slug=slug, is_public=True).first()
    if event is None:
        raise Http404("no such event")
    return event


def event_featured() -> Event | None:
    return (
        Event.objects.filter(is_public=True, is_featured=True).first()
        or Event.objects.filter(is_public=True).order_by("-start_date").first()
    )


def event_list_public() -> QuerySet[Event]:
    return Event.objects.filter(is_public=True).order_by("-start_date")


def _session_prefetches() -> list:
    participations = Participation.objects.select_related("person", "person__organisation")
    hosts = SessionHost.objects.select_related("organisation")
    return [
        Prefetch("participations", queryset=participations.order_by("order", "id")),
        Prefetch("hosts", queryset=hosts.order_by("order", "id")),
    ]


def session_text_filter(text: str) -> Q:
    """Free text in either language: titles, summaries, speakers, hosts.

    Speakers and hosts are matched as semi-joins (``id IN (…)``), which both
    databases plan once, rather than as a subquery per session."""
    people = Participation.objects.filter(
        Q(person__name_en__icontains=text) | Q(person__name_ja__icontains=text)
    ).values("session_id")
    hosts = SessionHost.objects.filter(
        Q(organisation__name_en__icontains=text)
        | Q(organisation__name_ja__icontains=text)
        | Q(organisation__short_name_en__icontains=text)
        | Q(organisation__short_name_ja__icontains=text)
    ).values("session_id")
    return (
        Q(title_en__icontains=text)
        | Q(title_ja__icontains=text)
        | Q(summary_en__icontains=text)
        | Q(summary_ja__icontains=text)
        | Q(pk__in=people)
        | Q(pk__in=hosts)
    )


def programme_queryset(*, event: Event, filters: dict) -> QuerySet[Session]:
    """Public sessions of an event narrowed by every filter except the day."""
    qs = Session.objects.public().filter(event=event)
    if venue := filters.get("venue"):
        qs = qs.filter(venue=venue)
    if host := filters.get("host"):
        qs = qs.filter(pk__in=SessionHost.objects.filter(organisation=host).values("session_id"))
    if speaker := filters.get("speaker"):
        qs = qs.filter(pk__in=Participation.objects.filter(person=speaker).values("session_id"))
    if text := filters.get("q"):
        qs = qs.filter(session_text_filter(text))
    return qs


def programme_day_counts(*, event: Event, queryset: QuerySet[Session]) -> dict[dt.date | None, int]:
    """Sessions per day of the event (venue's zone), and those whose date is unconfirmed (None).

    One aggregate query with a count per day, computed by the database."""
    tz = event.tzinfo
    counts = {}
    for day in event.days():
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        counts[day.isoformat()] = Count("pk", filter=Q(starts_at__gte=start, starts_at__lt=end))
    counts["tbc"] = Count("pk", filter=Q(starts_at__isnull=True))
    totals = queryset.order_by().aggregate(**counts)
    result: dict[dt.date | None, int] = {
        dt.date.fromisoformat(key): value for key, value in totals.items() if key != "tbc"
    }
    result[None] = totals["tbc"]
    return result


def programme_count(*, event: Event, queryset: QuerySet[Session], day: dt.date | None) -> int:
    return _on_day(event=event, queryset=queryset, day=day).count()


def _on_day(*, event: Event, queryset: QuerySet[Session], day: dt.date | None) -> QuerySet[Session]:
    if day is None:
        return queryset
    start = dt.datetime.combine(day, dt.time.min, tzinfo=event.tzinfo)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=event.tzinfo)
    return queryset.filter(starts_at__gte=start, starts_at__lt=end)


class Named(NamedTuple):
    """A person, organisation or venue as a listing shows it: a slug and a name in each language."""

    slug: str
    name_en: str
    name_ja: str


@dataclass(slots=True)
class ListingRow(BilingualMixin):
    """What a programme listing shows of one session, read as plain values (no model instances)."""

    id: int
    slug: str
    title_en: str
    title_ja: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    tbc_start_time: dt.time | None
    tbc_end_time: dt.time | None
    status: str
    event: Event
    venue: Named
    hosts: list[tuple[str, Named]] = field(default_factory=list)
    speakers: list[Named | None] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return self.status == Session.Status.CANCELLED


LISTING_ORDER = ("starts_at", "tbc_start_time", "venue__order", "id")


def listing_rows(
    *, queryset: QuerySet[Session], events: dict[int, Event], limit: int | None = None
) -> list[ListingRow]:
    """Sessions as listing rows, in three queries whatever their number."""
    qs = queryset.order_by(*LISTING_ORDER).values_list(
        "id",
        "slug",
        "title_en",
        "title_ja",
        "starts_at",
        "ends_at",
        "tbc_start_time",
        "tbc_end_time",
        "status",
        "event_id",
        "venue__slug",
        "venue__name_en",
        "venue__name_ja",
    )
    if limit is not None:
        qs = qs[:limit]
    rows: dict[int, ListingRow] = {}
    for (
        pk,
        slug,
        t_en,
        t_ja,
        starts,
        ends,
        tbc_s,
        tbc_e,
        status,
        event_id,
        v_slug,
        v_en,
        v_ja,
    ) in qs:
        rows[pk] = ListingRow(
            id=pk,
            slug=slug,
            title_en=t_en,
            title_ja=t_ja,
            starts_at=starts,
            ends_at=ends,
            tbc_start_time=tbc_s,
            tbc_end_time=tbc_e,
            status=status,
            event=events[event_id],
            venue=Named(v_slug, v_en, v_ja),
        )
    if not rows:
        return []
    ids = list(rows)
    hosts = (
        SessionHost.objects.filter(session_id__in=ids)
        .order_by("session_id", "order", "id")
        .values_list(
            "session_id",
            "role",
            "organisation__slug",
            "organisation__name_en",
            "organisation__name_ja",
        )
    )
    for session_id, role, o_slug, o_en, o_ja in hosts:
        rows[session_id].hosts.append((role, Named(o_slug, o_en, o_ja)))
    speakers = (
        Participation.objects.filter(session_id__in=ids)
        .order_by("session_id", "order", "id")
        .values_list("session_id", "person__slug", "person__name_en", "person__name_ja")
    )
    for session_id, p_slug, p_en, p_ja in speakers:
        rows[session_id].speakers.append(Named(p_slug, p_en, p_ja) if p_slug else None)
    return list(rows.values())


def programme_rows(
    *, event: Event, queryset: QuerySet[Session], day: dt.date | None = None
) -> list[ListingRow]:
    return listing_rows(
        queryset=_on_day(event=event, queryset=queryset, day=day), events={event.pk: event}
    )


def upcoming_rows(*, event: Event | None = None, limit: int = 6) -> list[ListingRow]:
    qs = Session.objects.filter(status=Session.Status.PUBLISHED, starts_at__gte=timezone.now())
    if event is not None:
        return listing_rows(queryset=qs.filter(event=event), events={event.pk: event}, limit=limit)
    qs = qs.filter(event__is_public=True)
    # The events of the first rows, found in the same query as their ids.
    firsts = qs.order_by(*LISTING_ORDER).values("event_id")[:limit]
    events = {e.pk: e for e in Event.objects.filter(pk__in=firsts)}
    return listing_rows(queryset=qs, events=events, limit=limit)


def session_get_public(*, event: Event, slug: str) -> Session:
    session = (
        Session.objects.public()
        .filter(event=event, slug=slug)
        .select_related("venue", "event")
        .prefetch_related(*_session_prefetches(), "links", "chapters")
        .first()
    )
    if session is None:
        raise Http404("no such session")
    return session


def venue_ours(*, event: Event) -> Venue | None:
    """Our venue, with its partners and aims, and ``has_networking_tables`` (whether its
    networking area takes bookings) read in the same query as the venue."""
    tables = Venue._meta.get_field("networking_tables").related_model
    return (
        Venue.objects.filter(event=event, is_ours=True)
        .annotate(has_networking_tables=Exists(tables.objects.filter(venue=OuterRef("pk"))))
        .prefetch_related(
            # The partners with their organisations in one query, not two.
            Prefetch("partners", queryset=VenuePartner.objects.select_related("organisation")),
            "aims",
        )
        .first()
    )


def event_venues(*, event: Event) -> list[Venue]:
    return list(Venue.objects.filter(event=event).order_by("-is_ours", "order", "name_en"))


def event_host_options(*, event: Event) -> list[Named]:
    """Organisations hosting a public session of the event (a semi-join, not per row)."""
    hosting = SessionHost.objects.filter(
        session__event=event, session__status__in=PUBLIC_STATUSES
    ).values("organisation_id")
    options = [
        Named(*row)
        for row in Organisation.objects.filter(pk__in=hosting).values_list(
            "slug", "name_en", "name_ja"
        )
    ]
    # Sorted here rather than by the database's collation: cheaper, and the same everywhere.
    return sorted(options, key=lambda o: ((o.name_en or o.name_ja).casefold(), o.slug))


def speakers_for_event(*, event: Event, text: str = "") -> QuerySet[Person]:
    speaking = Participation.objects.filter(
        session__event=event, session__status__in=PUBLIC_STATUSES
    ).values("person_id")
    qs = Person.objects.filter(pk__in=speaking).select_related("organisation")
    if text:
        qs = qs.filter(
            Q(name_en__icontains=text)
            | Q(name_ja__icontains=text)
            | Q(title_en__icontains=text)
            | Q(title_ja__icontains=text)
            | Q(organisation__name_en__icontains=text)
            | Q(organisation__name_ja__icontains=text)
        )
    return qs.order_by("name_en", "name_ja", "id")


def person_get_public(*, slug: str) -> tuple[Person, list[Participation]]:
    person = Person.objects.filter(slug=slug).select_related("organisation").first()
    if person is None:
        raise Http404("no such person")
    parts = list(
        Participation.objects.filter(
            person=person, session__status__in=PUBLIC_STATUSES, session__event__is_public=True
        )
        .select_related("session", "session__venue", "session__event")
        .order_by("-session__event__start_date", "session__starts_at", "session__tbc_start_time")
    )
    if not parts:
        raise Http404("not a public speaker")
    return person, parts


def organisation_get_public(*, slug: str) -> dict:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise Http404("no such organisation")
    public = [*PUBLIC_STATUSES]
    hosted = list(
        SessionHost.objects.filter(
            organisation=org, session__status__in=public, session__event__is_public=True
        )
        .select_related("session", "session__venue", "session__event")
        .order_by("-session__event__start_date", "session__starts_at")
    )
    speaking = list(
        Participation.objects.filter(
            person__organisation=org, session__status__in=public, session__event__is_public=True
        )
        .select_related("person", "session", "session__venue", "session__event")
        .order_by("-session__event__start_date", "session__starts_at", "order")
    )
    partner_of = list(
        org.venue_roles.filter(venue__event__is_public=True).select_related("venue", "venue__event")
    )
    if not (hosted or speaking or partner_of or org.people.exists()):
        raise Http404("organisation has no public role")
    return {"organisation": org, "hosted": hosted, "speaking": speaking, "partner_of": partner_of}


def events_networking_open(events: list[Event]) -> set[int]:
    """The ids of those events whose networking area takes bookings: it has an active
    table and the event is not over (one query)."""
    current = [e.pk for e in events if e.end_date >= timezone.localdate(timezone=e.tzinfo)]
    if not current:
        return set()
    # Read through the relation: the programme does not import the networking app.
    tables = Venue._meta.get_field("networking_tables").related_model
    return set(
        tables.objects.filter(venue__event_id__in=current, is_active=True)
        .order_by()
        .values_list("venue__event_id", flat=True)
        .distinct()
    )
