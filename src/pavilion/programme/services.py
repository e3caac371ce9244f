"""Rules and writes for the programme. Views, admin and commands call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pavilion.core.audit import audit_log
from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date
from pavilion.pages.guard import content_validate

from .models import Participation, Session, Venue


def _local(value: dt.datetime, tz) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def session_check_times(*, session: Session) -> None:
    """End after start, inside the event's dates, in a venue of the event;
    a published session may not overlap another published one in its venue.

    Errors are keyed by model field; the two about ``starts_at`` carry a code
    (``outside_event``, ``venue_clash``) so a form can show each on its own field."""
    errors: dict[str, list[str | ValidationError]] = {}
    has_start, has_end = session.starts_at is not None, session.ends_at is not None
    if has_start != has_end:
        field = "ends_at" if has_start else "starts_at"
        errors.setdefault(field, []).append(
            _("Give both the start and the end, or neither while the date is to be confirmed.")
        )
    if has_start and has_end and session.ends_at <= session.starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    if not has_start and session.tbc_end_time and not session.tbc_start_time:
        errors.setdefault("tbc_start_time", []).append(_("Give the start time too."))
    if (
        not has_start
        and session.tbc_start_time
        and session.tbc_end_time
        and session.tbc_end_time <= session.tbc_start_time
    ):
        errors.setdefault("tbc_end_time", []).append(_("The end must be after the start."))

    event = session.event if session.event_id else None
    venue = session.venue if session.venue_id else None
    if event and venue and venue.event_id != event.pk:
        errors.setdefault("venue", []).append(
            _("This venue belongs to another event: choose a venue of “%(event)s”.")
            % {"event": event}
        )
    if event and has_start and has_end and "ends_at" not in errors:
        first, last = event.local_bounds()
        if session.starts_at < first or session.ends_at > last:
            errors.setdefault("starts_at", []).append(
                ValidationError(
                    _("The session must take place within the event's dates, %(start)s to %(end)s.")
                    % {
                        "start": format_date(event.start_date, current_lang(), "short"),
                        "end": format_date(event.end_date, current_lang(), "short"),
                    },
                    code="outside_event",
                )
            )
    if not errors and venue and has_start and session.status == Session.Status.PUBLISHED:
        clash = session_venue_clash(session=session)
        if clash is not None:
            tz = event.tzinfo if event else dt.UTC
            errors.setdefault("starts_at", []).append(
                ValidationError(
                    _(
                        "“%(other)s” is already published in %(venue)s from %(start)s to %(end)s; "
                        "two published sessions cannot overlap in one venue."
                    )
                    % {
                        "other": clash,
                        "venue": venue,
                        "start": _local(clash.starts_at, tz),
                        "end": _local(clash.ends_at, tz),
                    },
                    code="venue_clash",
                )
            )
    if errors:
        raise ValidationError(errors)


def session_venue_clash(*, session: Session) -> Session | None:
    """The first other published session overlapping this one in its venue."""
    if session.starts_at is None or not session.venue_id:
        return None
    return (
        Session.objects.filter(venue_id=session.venue_id, status=Session.Status.PUBLISHED)
        .overlapping(session.starts_at, session.ends_at)
        .exclude(pk=session.pk)
        .order_by("starts_at")
        .first()
    )


def session_person_clashes(
    *, session: Session, person_ids: Iterable[int] | None = None
) -> list[tuple[Any, Session]]:
    """People of this session who also take part in an overlapping session.

    A cancelled session clashes with nothing, and nothing clashes with it. Each
    (person, other session) pair is listed once, even if the person has two
    parts in either session."""
    if session.starts_at is None or session.status == Session.Status.CANCELLED:
        return []
    if person_ids is None:
        person_ids = session.participations.exclude(person=None).values_list("person_id", flat=True)
    person_ids = list(person_ids)
    if not person_ids:
        return []
    rows = (
        Participation.objects.filter(person_id__in=person_ids)
        .exclude(session_id=session.pk)
        .exclude(session__status=Session.Status.CANCELLED)
        .filter(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at)
        .select_related("person", "session")
        .order_by("session__starts_at")
    )
    seen: set[tuple[int, int]] = set()
    clashes: list[tuple[Any, Session]] = []
    for row in rows:
        if (row.person_id, row.session_id) not in seen:
            seen.add((row.person_id, row.session_id))
            clashes.append((row.person, row.session))
    return clashes


@transaction.atomic
def session_check_transition(*, old: str, new: str) -> None:
    """A draft was never announced, so it cannot be cancelled (that would publish it)."""
    if old == Session.Status.DRAFT and new == Session.Status.CANCELLED:
        raise ValidationError(
            {
                "status": _(
                    "A draft cannot be marked cancelled: it was never published. "
                    "Leave it as a draft or delete it."
                )
            },
            code="cancel_draft",
        )


def session_set_status(*, session: Session, status: str, actor: Any = None) -> Session:
    """Publish, unpublish (back to draft) or cancel, with the rules checked and audited."""
    old = session.status
    if old == status:
        return session
    session_check_transition(old=old, new=status)
    if status == Session.Status.PUBLISHED and session.venue_id:
        # One publication per venue at a time, so two overlapping sessions
        # published at the same moment cannot both pass the clash check.
        list(Venue.objects.select_for_update().filter(pk=session.venue_id).values_list("pk"))
    session.status = status
    try:
        session.full_clean()
        if status == Session.Status.PUBLISHED:
            # No placeholder text, empty translation or hand-typed member figure goes live.
            content_validate(session)
    except ValidationError:
        session.status = old
        raise
    session.save(update_fields=["status", "updated_at"])
    audit_log(
        action=f"pavilion.session.{status}",
        target=session,
        actor=actor,
        data={"from": old, "to": status},
    )
    return session
