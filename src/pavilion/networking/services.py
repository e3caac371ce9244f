"""Rules and writes for the networking area. Views and the admin call these.

Every write runs in one transaction that first locks the table's row
(``SELECT … FOR UPDATE``), so requests and decisions for one table happen one
after another: two staff members confirming two requests for the same slot at
the same moment cannot both succeed. Behind the lock, the database refuses a
second confirmed booking of a table and slot by itself (a partial unique
constraint), so even a write that bypassed these services could not double-book.
Every change is written to the audit trail; the requester hears of each
decision by e-mail, queued only once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pavilion.core.audit import audit_log
from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date

from . import selectors
from .models import SLOT_LENGTH, NetworkingTable, TableBooking, on_slot_grid
from .notifications import notify_requester_of_decision
from .presenters import slot_text


def _field_error(field: str, message: str, *, code: str) -> ValidationError:
    """A refusal about one field, keeping its code (a dict of bare strings would lose it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _lock_table(table_id: int) -> NetworkingTable | None:
    """The table's row, locked until the transaction ends (a no-op on SQLite, whose
    write transactions are serialised as a whole)."""
    return (
        NetworkingTable.objects.select_for_update(of=("self",))
        .select_related("venue__event")
        .filter(pk=table_id)
        .first()
    )


def _confirmed_booking(*, table_id: int, slot_start: dt.datetime, exclude_pk: int | None = None):
    qs = TableBooking.objects.filter(
        table_id=table_id, slot_start=slot_start, status=TableBooking.Status.CONFIRMED
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def booking_check_slot(
    *, table: NetworkingTable, slot_start: dt.datetime, now: dt.datetime
) -> None:
    """The slot is on the 30-minute grid, in the future, and inside opening hours."""
    lang = current_lang()
    event = table.venue.event
    if timezone.is_naive(slot_start):
        raise _field_error(
            "slot_start", _("Give the slot's time with its time zone."), code="naive"
        )
    local = slot_start.astimezone(event.tzinfo)
    if not on_slot_grid(local.time()):
        raise _field_error(
            "slot_start",
            _("Slots start on the hour or half hour, such as 10:00 or 10:30."),
            code="off_grid",
        )
    if slot_start <= now:
        raise _field_error(
            "slot_start",
            _("The slot %(slot)s has already begun; choose a later one.")
            % {"slot": slot_text(slot_start, event=event, lang=lang)},
            code="past",
        )
    starts = selectors.venue_slot_starts(venue=table.venue, day=local.date())
    if slot_start in starts:
        return
    if starts:
        first = starts[0].astimezone(event.tzinfo)
        last = (starts[-1] + SLOT_LENGTH).astimezone(event.tzinfo)
        message = _(
            "The networking area is not open at %(time)s; on that day it is open "
            "%(opens)s–%(closes)s."
        ) % {"time": f"{local:%H:%M}", "opens": f"{first:%H:%M}", "closes": f"{last:%H:%M}"}
    else:
        message = _("The networking area is closed on %(date)s.") % {
            "date": format_date(local.date(), lang, "weekday")
        }
    raise _field_error("slot_start", message, code="closed")


def booking_request(
    *,
    table: NetworkingTable | int,
    slot_start: dt.datetime,
    organisation_name: str,
    contact_name: str,
    email: str,
    language: str,
    purpose: str,
    now: dt.datetime | None = None,
) -> TableBooking:
    """An organisation asks for a table in one slot; staff decide later.

    Refused (ValidationError keyed by field) when the table is inactive, the slot
    is off the grid, past, outside opening hours or already booked, or when the
    same e-mail address already has an open request for that table and slot."""
    table_id = table if isinstance(table, int) else table.pk
    booking = TableBooking(
        table_id=table_id,
        slot_start=slot_start,
        organisation_name=organisation_name.strip(),
        contact_name=contact_name.strip(),
        email=email.strip(),
        language=language,
        purpose=purpose.strip(),
        status=TableBooking.Status.REQUESTED,
    )
    # The fields themselves first (e-mail format, lengths, language), without a lock.
    booking.full_clean(exclude=["table", "slot_start"], validate_constraints=False)
    with transaction.atomic():
        locked = _lock_table(table_id)
        if locked is None or not locked.is_active:
            raise _field_error(
                "table", _("This table cannot be booked; choose another one."), code="inactive"
            )
        now = now or timezone.now()
        booking_check_slot(table=locked, slot_start=slot_start, now=now)
        event = locked.venue.event
        if _confirmed_booking(table_id=table_id, slot_start=slot_start) is not None:
            raise _field_error(
                "slot_start",
                _("%(table)s is already booked for %(slot)s; choose another table or slot.")
                % {
                    "table": locked,
                    "slot": slot_text(slot_start, event=event, lang=current_lang()),
                },
                code="booked",
            )
        if TableBooking.objects.filter(
            table_id=table_id,
            slot_start=slot_start,
            email__iexact=booking.email,
            status__in=TableBooking.OPEN_STATUSES,
        ).exists():
            raise _field_error(
                "slot_start",
                _(
                    "You have already asked for this table at this time; "
                    "we will write to you when the staff have decided."
                ),
                code="duplicate",
            )
        booking.table = locked
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as exc:  # only if a write bypassed the table's lock
            raise _field_error(
                "slot_start",
                _("This e-mail address has already asked for this table at that time."),
                code="duplicate",
            ) from exc
        audit_log(
            action="pavilion.networking.requested",
            target=booking,
            data={
                "table": locked.pk,
                "slot_start": slot_start.isoformat(),
                "organisation": booking.organisation_name,
                "to": TableBooking.Status.REQUESTED,
            },
        )
    return booking


def _locked_booking(booking: TableBooking) -> tuple[TableBooking, NetworkingTable]:
    """Lock the booking's table, then read the booking afresh behind the lock."""
    table = _lock_table(booking.table_id)
    fresh = TableBooking.objects.get(pk=booking.pk)
    fresh.table = table
    return fresh, table


def _refuse_status(booking: TableBooking, wanted: str) -> None:
    texts = {
        TableBooking.Status.CONFIRMED: _("This booking is already confirmed."),
        TableBooking.Status.DECLINED: _("This request has already been declined."),
        TableBooking.Status.CANCELLED: _("This request has already been cancelled."),
    }
    code = "already" if booking.status == wanted else "wrong_status"
    raise ValidationError(texts.get(booking.status, _("This request is still waiting.")), code=code)


def _decide(
    *,
    booking: TableBooking,
    status: str,
    actor: Any,
    note: str | None,
    now: dt.datetime,
) -> TableBooking:
    old = booking.status
    booking.status = status
    booking.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    booking.decided_at = now
    fields = ["status", "decided_by", "decided_at", "updated_at"]
    if note is not None:
        booking.note = note.strip()
        fields.append("note")
    booking.save(update_fields=fields)
    audit_log(
        action=f"pavilion.networking.{status}",
        target=booking,
        actor=actor,
        data={
            "from": old,
            "to": status,
            "table": booking.table_id,
            "slot_start": booking.slot_start.isoformat(),
        },
    )
    notify_requester_of_decision(booking=booking)
    return booking


def booking_confirm(
    *, booking: TableBooking, actor: Any, note: str | None = None, now: dt.datetime | None = None
) -> TableBooking:
    """Staff confirm a request. Refused when another booking of that table and slot is
    already confirmed, when the request is no longer waiting, the slot has begun or the
    table is out of use."""
    with transaction.atomic():
        fresh, table = _locked_booking(booking)
        if fresh.status != TableBooking.Status.REQUESTED:
            _refuse_status(fresh, TableBooking.Status.CONFIRMED)
        event = table.venue.event
        lang = current_lang()
        now = now or timezone.now()
        if not table.is_active:
            raise ValidationError(
                _("%(table)s is no longer in use; decline this request.") % {"table": table},
                code="inactive",
            )
        if fresh.slot_start <= now:
            raise ValidationError(
                _("The slot %(slot)s has already begun.")
                % {"slot": slot_text(fresh.slot_start, event=event, lang=lang)},
                code="past",
            )
        other = _confirmed_booking(
            table_id=table.pk, slot_start=fresh.slot_start, exclude_pk=fresh.pk
        )
        taken_message = _(
            "%(table)s is already booked for %(slot)s by %(organisation)s; "
            "decline this request or offer the organisation another slot."
        )
        if other is not None:
            raise ValidationError(
                taken_message
                % {
                    "table": table,
                    "slot": slot_text(fresh.slot_start, event=event, lang=lang),
                    "organisation": other.organisation_name,
                },
                code="taken",
            )
        try:
            with transaction.atomic():
                _decide(
                    booking=fresh,
                    status=TableBooking.Status.CONFIRMED,
                    actor=actor,
                    note=note,
                    now=now,
                )
        except IntegrityError as exc:  # only if a write bypassed the table's lock
            raise ValidationError(
                _("%(table)s is already booked for %(slot)s.")
                % {"table": table, "slot": slot_text(fresh.slot_start, event=event, lang=lang)},
                code="taken",
            ) from exc
    return fresh


def booking_decline(
    *, booking: TableBooking, actor: Any, note: str | None = None, now: dt.datetime | None = None
) -> TableBooking:
    """Staff decline a waiting request. A confirmed booking is cancelled instead."""
    with transaction.atomic():
        fresh, _table = _locked_booking(booking)
        if fresh.status != TableBooking.Status.REQUESTED:
            if fresh.status == TableBooking.Status.CONFIRMED:
                raise ValidationError(
                    _("This booking is already confirmed; cancel it instead of declining it."),
                    code="confirmed",
                )
            _refuse_status(fresh, TableBooking.Status.DECLINED)
        return _decide(
            booking=fresh,
            status=TableBooking.Status.DECLINED,
            actor=actor,
            note=note,
            now=now or timezone.now(),
        )


def booking_cancel(
    *,
    booking: TableBooking,
    actor: Any = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> TableBooking:
    """A waiting request or a confirmed booking is withdrawn; its slot becomes free."""
    with transaction.atomic():
        fresh, _table = _locked_booking(booking)
        if fresh.status not in TableBooking.OPEN_STATUSES:
            _refuse_status(fresh, TableBooking.Status.CANCELLED)
        return _decide(
            booking=fresh,
            status=TableBooking.Status.CANCELLED,
            actor=actor,
            note=note,
            now=now or timezone.now(),
        )
