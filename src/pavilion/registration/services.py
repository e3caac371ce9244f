"""Every write that changes who holds a seat: register, cancel, offer, accept, expire,
move by hand, check in. Views, the admin, commands and the worker call these.

How capacity stays exact
------------------------
Each service that can take or free a seat runs in one transaction and locks the
session's ``RegistrationSettings`` row with ``SELECT … FOR UPDATE`` — once, and
as late as it can: the checks that need no lock (the form's fields) come first.
Under the lock it counts the seats held (confirmed + offered), reads the
registrations it will change afresh, writes, and audits. Two visitors taking the
last seat, two cancellations freeing two seats, or an expiry racing an
acceptance therefore happen one after the other, never interleaved. On SQLite
the lock is a no-op; its write transactions (``IMMEDIATE``) are serialised as a
whole, which gives the same guarantee.

Behind the lock the database itself refuses a second active registration of an
e-mail address for a session, a repeated place in the waiting order, a waiting
registration without a place and an offer without an expiry (constraints in
``models``), so a bug or a write that bypasses these services cannot create
duplicates either.

Rules decided here
------------------
- A session takes registrations while it is published, has not started, its
  settings are open and it is between ``opens_at`` and ``closes_at``.
- Seats: the settings' own number, else the venue's. Confirmed and offered
  registrations hold a seat; an offered seat is kept for its person until the
  offer is accepted, declined or expires.
- A newcomer is confirmed only while a seat is free *and* nobody is waiting for it;
  otherwise they join the waiting list with the next place in the arrival order
  (``position``: 1, 2, 3 … per session, taken under the lock, never reused).
- A freed seat is offered to the first in line for ``offer_hours`` (never past the
  session's start); ``offers_expire`` passes a lapsed offer on to the next.
- Staff may move anyone (``registration_move``). Giving a seat when none is free
  needs ``force=True`` and is recorded as over capacity in the audit entry; the
  session then counts more seats taken than it has, and the next freed seats are
  not offered until the count is back under capacity. Moving someone to the
  waiting list puts them at its end; they are told their place as it is once the
  seat they left has been offered to the next in line.
- When the session itself changes (the programme's admin calls these after its own
  change, in the same transaction): cancelled, every active registration is
  cancelled and its person told (``registrations_session_cancelled``; no seat is
  offered, nobody moves up); given a new time while published, everyone registered
  is told the new and the old time and keeps their registration
  (``registrations_session_rescheduled``). Moved back to draft, nothing changes and
  nobody is told: the registrations and their pages stay as they are.

Mail: every change calls ``_notify(kind=…, registration=…)`` (for a change of the
session, ``_notify_session_change``) inside its transaction; the mail queue sends
only after the commit, so a rolled-back change sends nothing. A registration that
joins the waiting list carries ``place`` (its place in line at that moment), so the
message tells that place even if the line moves before the worker writes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pavilion.core.audit import audit_log, audit_log_many
from pavilion.programme.models import Session

from .models import Registration, RegistrationSettings, email_key, normalise_code
from .selectors import local_when, place_in_line, registration_availability

Status = Registration.Status

# The kinds of news a registrant receives (the ``kind`` given to ``_notify``).
NOTIFY_CONFIRMED = "confirmed"  # a seat is yours (on registering, accepting, or by staff)
NOTIFY_WAITLISTED = "waitlisted"  # you are on the waiting list, in place N
NOTIFY_OFFERED = "offered"  # a seat is free for you until offer_expires_at: accept it
NOTIFY_EXPIRED = "expired"  # your offer lapsed and passed to the next person
NOTIFY_CANCELLED = "cancelled"  # your registration is cancelled
NOTIFY_SESSION_CANCELLED = "session_cancelled"  # the session is cancelled: so is your registration
NOTIFY_RESCHEDULED = "rescheduled"  # the session has a new time; your registration stands

AUDIT = "pavilion.registration.%s"


@dataclass(frozen=True)
class SessionAddress:
    """A public session named as in its address: its event's slug and its own. The
    registration view passes this, so that finding the session and locking its
    settings are one query."""

    event: str
    slug: str


class NoSuchSession(LookupError):
    """No public session of a public event has that address."""


class AlreadyRegistered(ValidationError):
    """This e-mail address already has an active registration for the session.

    ``registration`` is that registration, so a view can re-send its confirmation;
    it must not show its code or links to whoever typed the address."""

    def __init__(self, registration: Registration):
        self.registration = registration
        super().__init__(
            {
                "email": ValidationError(
                    _("This e-mail address is already registered for this session."),
                    code="already_registered",
                )
            }
        )


class AlreadyCheckedIn(ValidationError):
    """The code was checked in before; ``registration`` says when (``checked_in_at``)."""

    def __init__(self, registration: Registration):
        self.registration = registration
        super().__init__(
            {
                "code": ValidationError(
                    _("%(name)s has already checked in, at %(when)s.")
                    % {
                        "name": registration.name,
                        "when": local_when(
                            registration.checked_in_at, event=registration.session.event
                        ),
                    },
                    code="already_checked_in",
                )
            }
        )


def _notify(*, kind: str, registration: Registration) -> None:
    """Hook: tell the registrant about a change (``kind`` is one of the ``NOTIFY_*``).

    Called inside the transaction that made the change, after the registration is
    saved. The mail side connects here and queues the message with the mail
    queue, which sends it only once the transaction has committed."""
    from .notifications import registration_notify

    registration_notify(kind=kind, registration=registration)


def _notify_session_change(*, kind: str, registration: Registration, times: dict) -> None:
    """Hook: tell a registrant about a change of their session (``times``: its times as
    ISO strings when the news was written, and for a new time its times before)."""
    from .notifications import registration_notify

    registration_notify(kind=kind, registration=registration, times=times)


def _lock(*, session_id: int, create: bool = True) -> RegistrationSettings | None:
    """The session's settings row, locked until the transaction ends, with its session,
    venue and event read in the same query (only the settings row is locked)."""
    query = (
        RegistrationSettings.objects.select_for_update(of=("self",))
        .select_related("session__venue", "session__event")
        .filter(session_id=session_id)
    )
    settings = query.first()
    if settings is None and create:
        # A session that never had settings: make the (closed) row, then lock it.
        RegistrationSettings.objects.get_or_create(session_id=session_id)
        settings = query.first()
    return settings


def _lock_public(*, address: SessionAddress) -> RegistrationSettings | None:
    """As ``_lock``, finding the session by its address among the public sessions of
    public events."""
    return (
        RegistrationSettings.objects.select_for_update(of=("self",))
        .select_related("session__venue", "session__event")
        .filter(
            session__slug=address.slug,
            session__event__slug=address.event,
            session__event__is_public=True,
            session__status__in=(Session.Status.PUBLISHED, Session.Status.CANCELLED),
        )
        .first()
    )


def _seats_held(*, session_id: int) -> int:
    return Registration.objects.filter(
        session_id=session_id, status__in=Registration.HOLDS_SEAT
    ).count()


def _tally(*, session_id: int, key: str) -> dict[str, int | None]:
    """What a new registration must know, in one query under the lock: seats held,
    people waiting, the last place given, and whether this address is registered.

    Plain SQL (standard FILTER clauses, on PostgreSQL and SQLite alike): it runs once
    per registration, inside the lock, where the ORM's building of the same aggregate
    cost more than the database's answering it."""
    holds, active = Registration.HOLDS_SEAT, Registration.ACTIVE
    sql = (
        "SELECT COUNT(*) FILTER (WHERE status IN (%s, %s)),"
        " COUNT(*) FILTER (WHERE status = %s),"
        " COUNT(*) FILTER (WHERE email_key = %s AND status IN (%s, %s, %s)),"
        " MAX(position)"
        f" FROM {Registration._meta.db_table} WHERE session_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*holds, Status.WAITING, key, *active, session_id])
        held, waiting, mine, last_position = cursor.fetchone()
    return {"held": held, "waiting": waiting, "mine": mine, "last_position": last_position}


def _next_position(*, session_id: int) -> int:
    last = Registration.objects.filter(session_id=session_id).aggregate(last=Max("position"))
    return (last["last"] or 0) + 1


def _offer_expiry(*, settings: RegistrationSettings, now: dt.datetime) -> dt.datetime:
    expires = now + dt.timedelta(hours=settings.offer_hours)
    starts = settings.session.starts_at
    return min(expires, starts) if starts is not None and starts > now else expires


def _offers_possible(*, settings: RegistrationSettings, now: dt.datetime) -> bool:
    session = settings.session
    if session.status != Session.Status.PUBLISHED or settings.seats is None:
        return False
    return session.starts_at is None or session.starts_at > now


def _offer_free_seats(
    *,
    settings: RegistrationSettings,
    now: dt.datetime,
    actor: Any = None,
    held: int | None = None,
    passed_over: int | None = None,
) -> list[Registration]:
    """Offer every free seat to the first in line. Call only under the lock (``held``:
    the seats held, if the caller has just counted them; ``passed_over``: the id of a
    registration staff have just moved off a seat, which is not offered it back)."""
    if not _offers_possible(settings=settings, now=now):
        return []
    if held is None:
        held = _seats_held(session_id=settings.session_id)
    free = settings.seats - held
    if free <= 0:
        return []
    waiting = Registration.objects.filter(session_id=settings.session_id, status=Status.WAITING)
    if passed_over is not None:
        waiting = waiting.exclude(pk=passed_over)
    offered = list(waiting.order_by("position")[:free])
    expires = _offer_expiry(settings=settings, now=now)
    for registration in offered:
        _set_status(
            registration=registration,
            status=Status.OFFERED,
            action="offered",
            actor=actor,
            now=now,
            extra={"offer_expires_at": expires.isoformat()},
            offer_expires_at=expires,
        )
        registration.session = settings.session
        _notify(kind=NOTIFY_OFFERED, registration=registration)
    return offered


def _set_status(
    *,
    registration: Registration,
    status: str,
    action: str,
    actor: Any,
    now: dt.datetime,
    extra: dict | None = None,
    position: int | None = None,
    offer_expires_at: dt.datetime | None = None,
) -> None:
    """Change a registration's status, save only what changed, and audit it."""
    old = registration.status
    registration.status = status
    fields = ["status", "updated_at"]
    if status == Status.OFFERED:
        registration.offered_at = now
        registration.offer_expires_at = offer_expires_at
        fields += ["offered_at", "offer_expires_at"]
    elif registration.offer_expires_at is not None and status != Status.EXPIRED:
        registration.offer_expires_at = None
        fields.append("offer_expires_at")
    if position is not None:
        registration.position = position
        fields.append("position")
    registration.save(update_fields=fields)
    data = {"from": old, "to": status}
    if registration.position is not None:
        data["position"] = registration.position
    audit_log(action=AUDIT % action, target=registration, actor=actor, data=data | (extra or {}))


def _fresh(*, registration: Registration, settings: RegistrationSettings) -> Registration:
    """The registration as it is now, read under the lock."""
    current = Registration.objects.get(pk=registration.pk)
    current.session = settings.session
    return current


# Registering


def registration_create(
    *,
    session: Session | SessionAddress,
    name: str,
    organisation: str,
    email: str,
    language: str,
    consent: bool,
    now: dt.datetime | None = None,
) -> Registration:
    """Register someone: a seat if one is free and nobody waits for it, else the waiting list.

    Raises ``ValidationError`` (keyed by field where one is at fault) for bad input or a
    session that takes no registrations, and ``AlreadyRegistered`` if the e-mail address
    has an active registration for this session already. Given a ``SessionAddress``,
    raises ``NoSuchSession`` when no public session has it."""
    now = now or timezone.now()
    registration = Registration(
        session=session if isinstance(session, Session) else None,
        name=(name or "").strip(),
        organisation=(organisation or "").strip(),
        email=(email or "").strip(),
        email_key=email_key(email),
        language=language,
        consent_at=now,
        status=Status.CONFIRMED,
    )
    _check_fields(registration=registration, consent=consent)
    try:
        with transaction.atomic():
            return _register(registration=registration, target=session, now=now)
    except IntegrityError:
        # Only reachable if the lock was bypassed: the database kept the rule.
        existing = _active_registration(
            session_id=registration.session_id, key=registration.email_key
        )
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from None


def _check_fields(*, registration: Registration, consent: bool) -> None:
    errors: dict[str, list] = {}
    if not registration.name:
        errors["name"] = [ValidationError(_("Please give your name."), code="required")]
    if not registration.email:
        errors["email"] = [ValidationError(_("Please give your e-mail address."), code="required")]
    try:
        registration.full_clean(
            exclude=["session", "status", "consent_at", "email_key", "code", *errors],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.update_error_dict({}).items():
            errors.setdefault(field, []).extend(messages)
    if "language" in errors:
        errors["language"] = [
            ValidationError(_("Choose English or Japanese."), code="invalid_choice")
        ]
    if not consent:
        errors["consent"] = [
            ValidationError(
                _("Please agree to our keeping your details for this registration."),
                code="required",
            )
        ]
    if errors:
        raise ValidationError(errors)


def _active_registration(*, session_id: int, key: str) -> Registration | None:
    return Registration.objects.filter(
        session_id=session_id, email_key=key, status__in=Registration.ACTIVE
    ).first()


def _register(
    *, registration: Registration, target: Session | SessionAddress, now: dt.datetime
) -> Registration:
    if isinstance(target, SessionAddress):
        settings = _lock_public(address=target)
        if settings is not None:
            session = settings.session
        else:  # no settings row: the session takes no registrations, or there is none
            session = (
                Session.objects.public()
                .filter(event__slug=target.event, event__is_public=True, slug=target.slug)
                .select_related("event", "venue")
                .first()
            )
            if session is None:
                raise NoSuchSession(target)
    else:
        settings = _lock(session_id=target.pk, create=False)
        session = settings.session if settings is not None else target
    availability = registration_availability(session=session, settings=settings, now=now)
    if not availability.is_open:
        raise ValidationError(availability.message, code=availability.code)
    registration.session = session

    tally = _tally(session_id=session.pk, key=registration.email_key)
    if tally["mine"]:
        existing = _active_registration(session_id=session.pk, key=registration.email_key)
        if existing is not None:
            raise AlreadyRegistered(existing)

    # Seats freed but not yet offered (staff raised the capacity, say) go to those
    # already waiting before a newcomer.
    held, offered = tally["held"], 0
    if held < settings.seats and tally["waiting"]:
        offered = len(_offer_free_seats(settings=settings, now=now, held=held))
        held += offered
    if held < settings.seats:
        registration.status = Status.CONFIRMED
        action, kind = "confirmed", NOTIFY_CONFIRMED
    else:
        registration.status = Status.WAITING
        registration.position = (tally["last_position"] or 0) + 1
        # Behind everyone still waiting (counted under the lock, without another query).
        registration.place = tally["waiting"] - offered + 1
        action, kind = "waitlisted", NOTIFY_WAITLISTED
    registration.save(force_insert=True)
    data = {"from": None, "to": registration.status}
    if registration.position is not None:
        data["position"] = registration.position
    audit_log(action=AUDIT % action, target=registration, data=data)
    _notify(kind=kind, registration=registration)
    return registration


# Cancelling, offers, expiry


def registration_cancel(
    *, registration: Registration, actor: Any = None, now: dt.datetime | None = None
) -> Registration:
    """Cancel (the registrant's link, or staff). A freed seat is offered to the first in
    line. Cancelling what is already cancelled or expired changes nothing.

    Returns the registration as it now is."""
    now = now or timezone.now()
    with transaction.atomic():
        settings = _lock(session_id=registration.session_id)
        current = _fresh(registration=registration, settings=settings)
        if current.status not in Registration.ACTIVE:
            return current
        held_seat = current.status in Registration.HOLDS_SEAT
        _set_status(
            registration=current, status=Status.CANCELLED, action="cancelled", actor=actor, now=now
        )
        _notify(kind=NOTIFY_CANCELLED, registration=current)
        if held_seat:
            _offer_free_seats(settings=settings, now=now)
    return current


def offer_accept(*, registration: Registration, now: dt.datetime | None = None) -> Registration:
    """Take the offered seat while the offer stands. Accepting twice changes nothing.

    An offer found lapsed is expired on the spot and passed on, then refused."""
    now = now or timezone.now()
    with transaction.atomic():
        settings = _lock(session_id=registration.session_id)
        current = _fresh(registration=registration, settings=settings)
        if current.status == Status.CONFIRMED:
            return current
        if settings.session.status == Session.Status.CANCELLED:
            raise ValidationError(
                _("This session has been cancelled, so its seats are no longer offered."),
                code="session_cancelled",
            )
        if current.status != Status.OFFERED:
            raise ValidationError(
                _("There is no seat on offer for this registration."), code="no_offer"
            )
        lapsed = current.offer_expires_at <= now
        if lapsed:
            _expire(registration=current, now=now)
            _offer_free_seats(settings=settings, now=now)
        else:
            _set_status(
                registration=current,
                status=Status.CONFIRMED,
                action="accepted",
                actor=None,
                now=now,
            )
            _notify(kind=NOTIFY_CONFIRMED, registration=current)
    if lapsed:  # after the commit, so the expiry and the next offer stand
        raise ValidationError(
            _("This offer expired on %(when)s, and the seat has passed to the next person.")
            % {"when": local_when(current.offer_expires_at, event=settings.session.event)},
            code="offer_expired",
        )
    return current


def _expire(*, registration: Registration, now: dt.datetime) -> None:
    _set_status(
        registration=registration,
        status=Status.EXPIRED,
        action="expired",
        actor=None,
        now=now,
        extra={"offer_expires_at": registration.offer_expires_at.isoformat()},
    )
    _notify(kind=NOTIFY_EXPIRED, registration=registration)


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Expire every lapsed offer and pass its seat on; returns how many expired.

    Run periodically (``manage.py expire_offers``). One transaction per session, so
    one session's lock is never held while another's is taken."""
    now = now or timezone.now()
    session_ids = list(
        Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
        .order_by()
        .values_list("session_id", flat=True)
        .distinct()
    )
    expired = 0
    for session_id in session_ids:
        with transaction.atomic():
            settings = _lock(session_id=session_id)
            lapsed = list(
                Registration.objects.filter(
                    session_id=session_id, status=Status.OFFERED, offer_expires_at__lte=now
                ).order_by("position", "id")
            )
            for registration in lapsed:
                registration.session = settings.session
                _expire(registration=registration, now=now)
            _offer_free_seats(settings=settings, now=now)
            expired += len(lapsed)
    return expired


# Staff


MOVE_TARGETS = (Status.CONFIRMED, Status.OFFERED, Status.WAITING, Status.CANCELLED)
_MOVE_NEWS = {
    Status.CONFIRMED: NOTIFY_CONFIRMED,
    Status.OFFERED: NOTIFY_OFFERED,
    Status.WAITING: NOTIFY_WAITLISTED,
    Status.CANCELLED: NOTIFY_CANCELLED,
}


def registration_move(
    *,
    registration: Registration,
    to_status: str,
    actor: Any,
    force: bool = False,
    now: dt.datetime | None = None,
) -> Registration:
    """Staff move someone by hand: confirm, offer a seat, put on the waiting list (at its
    end), or cancel. A seat given when none is free needs ``force=True``.

    Returns the registration as it now is."""
    now = now or timezone.now()
    if to_status not in MOVE_TARGETS:
        raise ValidationError(
            _("A registration can be moved only to confirmed, offered, waiting or cancelled."),
            code="invalid_move",
        )
    with transaction.atomic():
        settings = _lock(session_id=registration.session_id)
        current = _fresh(registration=registration, settings=settings)
        old = current.status
        if old == to_status:
            return current
        if current.checked_in_at is not None:
            raise ValidationError(
                _("%(name)s has already checked in and keeps the seat.") % {"name": current.name},
                code="checked_in",
            )
        if to_status in Registration.ACTIVE and old not in Registration.ACTIVE:
            other = _active_registration(session_id=current.session_id, key=current.email_key)
            if other is not None:
                raise ValidationError(
                    _("%(email)s has another registration for this session already (%(status)s).")
                    % {"email": current.email, "status": other.get_status_display()},
                    code="already_registered",
                )
        over_capacity = False
        if to_status in Registration.HOLDS_SEAT and old not in Registration.HOLDS_SEAT:
            seats = settings.seats
            held = _seats_held(session_id=current.session_id)
            if seats is not None and held >= seats:
                if not force:
                    raise ValidationError(
                        _(
                            "All %(seats)s seats are taken. To give %(name)s a seat anyway, "
                            "move them over capacity."
                        )
                        % {"seats": seats, "name": current.name},
                        code="full",
                    )
                over_capacity = True
        _set_status(
            registration=current,
            status=to_status,
            action="moved",
            actor=actor,
            now=now,
            extra={"over_capacity": over_capacity},
            position=(
                _next_position(session_id=current.session_id)
                if to_status == Status.WAITING
                else None
            ),
            offer_expires_at=(
                _offer_expiry(settings=settings, now=now) if to_status == Status.OFFERED else None
            ),
        )
        if old in Registration.HOLDS_SEAT and to_status not in Registration.HOLDS_SEAT:
            # The seat goes to the next in line, never straight back to the person
            # staff have just moved off it.
            _offer_free_seats(settings=settings, now=now, actor=actor, passed_over=current.pk)
        if to_status == Status.WAITING:
            # The place told is the one after the seat has passed on: whoever was offered
            # it has left the line ahead of them.
            current.place = place_in_line(registration=current)
        _notify(kind=_MOVE_NEWS[to_status], registration=current)
    return current


def registration_settings_save(
    *, settings: RegistrationSettings, actor: Any = None, now: dt.datetime | None = None
) -> RegistrationSettings:
    """Save a session's settings (the admin's form); seats added are offered to the queue."""
    now = now or timezone.now()
    settings.full_clean()
    created = settings.pk is None
    with transaction.atomic():
        if not created:
            _lock(session_id=settings.session_id)  # the row is saved over, under its lock
        settings.save()
        audit_log(
            action=AUDIT % ("settings_created" if created else "settings_changed"),
            target=settings,
            actor=actor,
            data={
                "is_open": settings.is_open,
                "capacity": settings.capacity,
                "opens_at": settings.opens_at.isoformat() if settings.opens_at else None,
                "closes_at": settings.closes_at.isoformat() if settings.closes_at else None,
                "offer_hours": settings.offer_hours,
            },
        )
        _offer_free_seats(settings=settings, now=now, actor=actor)
    return settings


# When the session itself changes (called by the programme's admin after its own change)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _session_under_lock(*, session: Session) -> Session:
    """The session as it now is, with its registration settings locked (if it has any)
    until the transaction ends, so that nobody registers while its registrants are told."""
    settings = _lock(session_id=session.pk, create=False)
    if settings is not None:
        return settings.session
    return Session.objects.select_related("event", "venue").get(pk=session.pk)


def _still_registered(*, session_id: int) -> list[Registration]:
    """Everyone confirmed, offered a seat or waiting, those waiting in line order."""
    return list(
        Registration.objects.filter(session_id=session_id, status__in=Registration.ACTIVE).order_by(
            "status", "position", "id"
        )
    )


def registrations_session_cancelled(
    *, session: Session, actor: Any = None, now: dt.datetime | None = None
) -> int:
    """The session has been cancelled: end every active registration (confirmed, offered a
    seat, waiting) and tell each registrant, in their language, with the session's date
    and time. Returns how many were told.

    Each registration becomes "cancelled"; its audit entry (``session_cancelled``) keeps
    what it was, and a check-in stays recorded. No seat is offered and nobody moves up the
    waiting list: there is no session to go to. Does nothing unless the session (read
    afresh) is cancelled, so calling it twice tells nobody twice."""
    now = now or timezone.now()
    with transaction.atomic():
        fresh = _session_under_lock(session=session)
        if fresh.status != Session.Status.CANCELLED:
            return 0
        active = _still_registered(session_id=fresh.pk)
        if not active:
            return 0
        before = {registration.pk: registration.status for registration in active}
        Registration.objects.filter(pk__in=before).update(
            status=Status.CANCELLED, offer_expires_at=None, updated_at=now
        )
        for registration in active:
            registration.status = Status.CANCELLED
            registration.offer_expires_at = None
            registration.updated_at = now
            registration.session = fresh
        audit_log_many(
            action=AUDIT % "session_cancelled",
            targets=active,
            actor=actor,
            data=lambda r: (
                {"from": before[r.pk], "to": Status.CANCELLED}
                | ({"position": r.position} if r.position is not None else {})
            ),
        )
        times = {"starts_at": _iso(fresh.starts_at), "ends_at": _iso(fresh.ends_at)}
        for registration in active:
            _notify_session_change(
                kind=NOTIFY_SESSION_CANCELLED, registration=registration, times=times
            )
    return len(active)


def registrations_session_rescheduled(
    *,
    session: Session,
    old_starts_at: dt.datetime | None,
    old_ends_at: dt.datetime | None,
    actor: Any = None,
) -> int:
    """The published session has new times: tell everyone registered (confirmed, offered a
    seat, waiting) the new time beside the old one, in their language. Registrations stay
    as they are, but for a seat offer that would now outlast the start: it runs out at
    the new start. Returns how many were told: none if the session (read afresh) is not
    published or its times are the old ones, so a save that did not move it sends
    nothing."""
    with transaction.atomic():
        fresh = _session_under_lock(session=session)
        if fresh.status != Session.Status.PUBLISHED:
            return 0
        if (fresh.starts_at, fresh.ends_at) == (old_starts_at, old_ends_at):
            return 0
        active = _still_registered(session_id=fresh.pk)
        if not active:
            return 0
        # A seat offer runs out at the start at the latest: moved earlier, the session
        # brings the deadline of an offer that would outlast it forward too.
        if fresh.starts_at is not None:
            late = [
                r
                for r in active
                if r.status == Status.OFFERED
                and r.offer_expires_at is not None
                and r.offer_expires_at > fresh.starts_at
            ]
            if late:
                Registration.objects.filter(pk__in=[r.pk for r in late]).update(
                    offer_expires_at=fresh.starts_at
                )
                for registration in late:
                    registration.offer_expires_at = fresh.starts_at
        times = {
            "starts_at": _iso(fresh.starts_at),
            "ends_at": _iso(fresh.ends_at),
            "old_starts_at": _iso(old_starts_at),
            "old_ends_at": _iso(old_ends_at),
        }
        place = 0
        for registration in active:  # those waiting come in the order of the line
            registration.session = fresh
            if registration.status == Status.WAITING:
                place += 1
                registration.place = place
            _notify_session_change(kind=NOTIFY_RESCHEDULED, registration=registration, times=times)
        audit_log(
            action=AUDIT % "session_rescheduled",
            target=fresh,
            actor=actor,
            data={
                "from": {"starts_at": times["old_starts_at"], "ends_at": times["old_ends_at"]},
                "to": {"starts_at": times["starts_at"], "ends_at": times["ends_at"]},
                "told": len(active),
            },
        )
    return len(active)


# Check-in


def registration_check_in(
    *,
    code: str,
    actor: Any,
    session: Session | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Check in a confirmed registration by its code (scanned or typed; dashes, spaces and
    case do not matter). With ``session``, a code for another session is refused.

    Raises ``AlreadyCheckedIn`` for a second scan. Check-in changes no seat, so it locks
    only the registration's own row."""
    now = now or timezone.now()
    normalised = normalise_code(code)
    if not normalised:
        raise ValidationError(
            {"code": ValidationError(_("Type or scan a registration code."), code="required")}
        )
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session__event")
            .filter(code=normalised)
            .first()
        )
        if registration is None:
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("No registration has the code %(code)s.") % {"code": code.strip()},
                        code="unknown",
                    )
                }
            )
        if session is not None and registration.session_id != session.pk:
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("This code is for another session: “%(session)s”.")
                        % {"session": registration.session},
                        code="other_session",
                    )
                }
            )
        if registration.status != Status.CONFIRMED:
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("%(name)s does not hold a confirmed seat (%(status)s).")
                        % {"name": registration.name, "status": registration.get_status_display()},
                        code="not_confirmed",
                    )
                }
            )
        if registration.checked_in_at is not None:
            raise AlreadyCheckedIn(registration)
        registration.checked_in_at = now
        registration.save(update_fields=["checked_in_at", "updated_at"])
        audit_log(
            action=AUDIT % "checked_in",
            target=registration,
            actor=actor,
            data={"at": now.isoformat()},
        )
    return registration
