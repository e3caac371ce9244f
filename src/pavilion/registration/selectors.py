"""Reads about seats, waiting lists and attendance. Services write; these only read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date, zoned_ranges
from pavilion.programme.models import Event, Session

from .models import Registration, RegistrationSettings, normalise_code

Status = Registration.Status


def local_when(value: dt.datetime, *, event: Event, lang: str | None = None) -> str:
    """An instant as the venue reads it: "Fri 1 Nov 2024, 10:00 Baku time"."""
    lang = lang or current_lang()
    venue_range = zoned_ranges(value, None, event.timezone, [], lang)[0]
    return _("%(date)s, %(time)s") % {
        "date": format_date(venue_range.start.date(), lang, "weekday"),
        "time": venue_range.text,
    }


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether a session takes registrations now; if not, why, in a sentence for the visitor."""

    is_open: bool
    code: str = ""
    message: str = ""


OPEN = Availability(is_open=True)


def registration_availability(
    *,
    session: Session,
    settings: RegistrationSettings | None,
    now: dt.datetime | None = None,
) -> Availability:
    """The rule that decides whether a visitor may register: the services check it under
    their lock, and a view can show its message instead of the form."""
    now = now or timezone.now()

    def closed(code: str, message: str) -> Availability:
        return Availability(is_open=False, code=code, message=message)

    if session.status == Session.Status.CANCELLED:
        return closed(
            "session_cancelled",
            _("This session has been cancelled, so it no longer takes registrations."),
        )
    if session.status != Session.Status.PUBLISHED:
        return closed("not_open", _("Registration is not open for this session."))
    if session.ends_at is not None and session.ends_at <= now:
        return closed("session_over", _("This session is over, so registration is closed."))
    if session.starts_at is not None and session.starts_at <= now:
        return closed(
            "session_started", _("This session has already started, so registration is closed.")
        )
    if settings is None or not settings.is_open or settings.seats is None:
        return closed("not_open", _("Registration is not open for this session."))
    if settings.opens_at is not None and now < settings.opens_at:
        return closed(
            "not_yet_open",
            _("Registration for this session opens on %(when)s.")
            % {"when": local_when(settings.opens_at, event=session.event)},
        )
    if settings.closes_at is not None and now >= settings.closes_at:
        return closed(
            "closed",
            _("Registration for this session closed on %(when)s.")
            % {"when": local_when(settings.closes_at, event=session.event)},
        )
    return OPEN


def registration_settings_of(*, session: Session) -> RegistrationSettings | None:
    return (
        RegistrationSettings.objects.select_related("session__venue", "session__event")
        .filter(session=session)
        .first()
    )


@dataclass(frozen=True, slots=True)
class Seats:
    """A session's seats and queue, counted in one query."""

    capacity: int | None
    confirmed: int
    offered: int
    waiting: int
    checked_in: int

    @property
    def taken(self) -> int:
        return self.confirmed + self.offered

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def _counts() -> dict:
    return {
        "confirmed": Count("id", filter=Q(status=Status.CONFIRMED)),
        "offered": Count("id", filter=Q(status=Status.OFFERED)),
        "waiting": Count("id", filter=Q(status=Status.WAITING)),
        "checked_in": Count("id", filter=Q(status=Status.CONFIRMED, checked_in_at__isnull=False)),
    }


def seats_of(*, session: Session, settings: RegistrationSettings | None = None) -> Seats:
    """Seats taken (confirmed or offered), free, and the length of the waiting list."""
    if settings is None:
        settings = registration_settings_of(session=session)
    counts = Registration.objects.filter(session=session).aggregate(**_counts())
    capacity = settings.seats if settings is not None else session.venue.capacity
    return Seats(capacity=capacity, **counts)


def waiting_list(*, session: Session) -> list[Registration]:
    """The people waiting for a seat, first in line first; each carries ``place`` (1, 2, …)."""
    rows = list(
        Registration.objects.filter(session=session, status=Status.WAITING).order_by("position")
    )
    for place, row in enumerate(rows, start=1):
        row.place = place
    return rows


def place_in_line(*, registration: Registration) -> int | None:
    """1 for the first person waiting; None for someone who is not waiting."""
    if registration.status != Status.WAITING or registration.position is None:
        return None
    ahead = Registration.objects.filter(
        session_id=registration.session_id,
        status=Status.WAITING,
        position__lt=registration.position,
    ).count()
    return ahead + 1


def with_place_in_line(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Each row with ``place``: its place in its session's line, as ``place_in_line`` counts
    it and as the registrant is told (1 for the first person waiting); None for anyone not
    waiting. ``position`` is the arrival order and keeps the places of those who have
    left the line (offered a seat, cancelled), so it is not shown as a place."""
    ahead = (
        Registration.objects.filter(
            session_id=OuterRef("session_id"),
            status=Status.WAITING,
            position__lt=OuterRef("position"),
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        place=Case(
            When(status=Status.WAITING, then=Coalesce(Subquery(ahead), 0) + 1),
            default=None,
            output_field=IntegerField(),
        )
    )


def active_registration_counts(*, session_ids: Iterable[int]) -> dict[int, int]:
    """Per session, how many people are registered (confirmed, offered a seat, waiting):
    those a change of the session concerns. Sessions with none are left out. One query."""
    rows = (
        Registration.objects.filter(
            session_id__in=list(session_ids), status__in=Registration.ACTIVE
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    return dict(rows)


def attendees(*, session: Session) -> QuerySet[Registration]:
    """Everyone holding a confirmed seat, by name: the list for the door and for CSV."""
    return Registration.objects.filter(session=session, status=Status.CONFIRMED).order_by(
        "name", "id"
    )


def registrations_for_export(*, sessions: Iterable[Session]) -> QuerySet[Registration]:
    """Every registration of these sessions, seat holders first, then the queue in order."""
    return with_place_in_line(
        Registration.objects.filter(session__in=list(sessions))
        .select_related("session__event")
        .order_by("session__starts_at", "session_id", "status", "position", "name", "id")
    )


@dataclass(frozen=True, slots=True)
class SessionAttendance:
    session: Session
    seats: Seats


def attendance(*, event: Event) -> list[SessionAttendance]:
    """Per session of the event that takes registrations: capacity, confirmed, offered,
    waiting and checked in. Two queries, whatever the number of sessions."""
    settings_rows = list(
        RegistrationSettings.objects.filter(session__event=event)
        .select_related("session__venue", "session__event")
        .order_by("session__starts_at", "session__tbc_start_time", "session_id")
    )
    counts = {
        row.pop("session_id"): row
        for row in Registration.objects.filter(session__event=event)
        .order_by()
        .values("session_id")
        .annotate(**_counts())
    }
    empty = {"confirmed": 0, "offered": 0, "waiting": 0, "checked_in": 0}
    return [
        SessionAttendance(
            session=row.session,
            seats=Seats(capacity=row.seats, **counts.get(row.session_id, empty)),
        )
        for row in settings_rows
    ]


def registration_by_code(*, code: str) -> Registration | None:
    normalised = normalise_code(code)
    if not normalised:
        return None
    return (
        Registration.objects.select_related("session__event", "session__venue")
        .filter(code=normalised)
        .first()
    )
