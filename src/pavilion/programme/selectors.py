"""Reads for the public pages, each with its joins and prefetches declared.

Every page costs a constant number of queries whatever the programme's size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from .models import Event, Organisation, Participation, Person, Session, SessionHost, Venue


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
    return [
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related(
                "person", "person__organisation"
            ).order_by("order", "id"),
        ),
        Prefetch(
            "hosts",
            queryset=SessionHost.objects.select_related("organisation").order_by("order", "id"),
        ),
    ]


def session_text_filter(text: str) -> Q:
    """Free text in either language: titles, summaries, speakers, hosts."""
    people = Participation.objects.filter(session=OuterRef("pk")).filter(
        Q(person__name_en__icontains=text) | Q(person__name_ja__icontains=text)
    )
    hosts = SessionHost.objects.filter(session=OuterRef("pk")).filter(
        Q(organisation__name_en__icontains=text)
        | Q(organisation__name_ja__icontains=text)
        | Q(organisation__short_name_en__icontains=text)
        | Q(organisation__short_name_ja__icontains=text)
    )
    return (
        Q(title_en__icontains=text)
        | Q(title_ja__icontains=text)
        | Q(summary_en__icontains=text)
        | Q(summary_ja__icontains=text)
        | Exists(people)
        | Exists(hosts)
    )


def programme_queryset(*, event: Event, filters: dict) -> QuerySet[Session]:
    """Public sessions of an event narrowed by every filter except the day."""
    qs = Session.objects.public().filter(event=event)
    if venue := filters.get("venue"):
        qs = qs.filter(venue=venue)
    if host := filters.get("host"):
        qs = qs.filter(
            Exists(SessionHost.objects.filter(session=OuterRef("pk"), organisation=host))
        )
    if speaker := filters.get("speaker"):
        qs = qs.filter(Exists(Participation.objects.filter(session=OuterRef("pk"), person=speaker)))
    if text := filters.get("q"):
        qs = qs.filter(session_text_filter(text))
    return qs


def programme_day_counts(*, event: Event, queryset: QuerySet[Session]) -> dict[dt.date | None, int]:
    rows = (
        queryset.order_by()
        .annotate(day=TruncDate("starts_at", tzinfo=event.tzinfo))
        .values_list("day", flat=True)
    )
    return Counter(rows)


def programme_sessions(
    *, event: Event, queryset: QuerySet[Session], day: dt.date | None = None
) -> list[Session]:
    qs = queryset
    if day is not None:
        tz = event.tzinfo
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    return list(
        qs.select_related("venue", "event")
        .prefetch_related(*_session_prefetches())
        .order_by("starts_at", "tbc_start_time", "venue__order", "id")
    )


def upcoming_sessions(*, event: Event | None = None, limit: int = 6) -> list[Session]:
    qs = Session.objects.filter(status=Session.Status.PUBLISHED, starts_at__gte=timezone.now())
    qs = qs.filter(event=event) if event else qs.filter(event__is_public=True)
    return list(
        qs.select_related("venue", "event")
        .prefetch_related(*_session_prefetches())
        .order_by("starts_at")[:limit]
    )


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
    return (
        Venue.objects.filter(event=event, is_ours=True)
        .prefetch_related("partners__organisation", "aims")
        .first()
    )


def event_venues(*, event: Event) -> list[Venue]:
    return list(Venue.objects.filter(event=event).order_by("-is_ours", "order", "name_en"))


def event_host_organisations(*, event: Event) -> list[Organisation]:
    hosted = SessionHost.objects.filter(
        organisation=OuterRef("pk"),
        session__event=event,
        session__status__in=["published", "cancelled"],
    )
    return list(Organisation.objects.filter(Exists(hosted)).order_by("name_en", "name_ja"))


def speakers_for_event(*, event: Event, text: str = "") -> QuerySet[Person]:
    speaks = Participation.objects.filter(
        person=OuterRef("pk"), session__event=event, session__status__in=["published", "cancelled"]
    )
    qs = Person.objects.filter(Exists(speaks)).select_related("organisation")
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
        Participation.objects.filter(person=person, session__status__in=["published", "cancelled"])
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
    public = ["published", "cancelled"]
    hosted = list(
        SessionHost.objects.filter(organisation=org, session__status__in=public)
        .select_related("session", "session__venue", "session__event")
        .order_by("-session__event__start_date", "session__starts_at")
    )
    speaking = list(
        Participation.objects.filter(person__organisation=org, session__status__in=public)
        .select_related("person", "session", "session__venue", "session__event")
        .order_by("-session__event__start_date", "session__starts_at", "order")
    )
    partner_of = list(org.venue_roles.select_related("venue", "venue__event"))
    if not (hosted or speaking or partner_of or org.people.exists()):
        raise Http404("organisation has no public role")
    return {"organisation": org, "hosted": hosted, "speaking": speaking, "partner_of": partner_of}
