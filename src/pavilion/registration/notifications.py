"""Telling registrants what happened to their seat, by e-mail, in their language.

``services._notify`` calls ``registration_notify`` inside the transaction that
changed the registration. One small task is queued with that transaction (it
exists only if the transaction commits: a rolled-back change sends nothing, see
core/queue.py): ``registration_mail_build``,
with the registration's id and its state at that moment. The background worker
runs it: it renders the message (templates, the .ics, the QR code) and hands it
to ``mail_enqueue``, whose own task sends it. So a visitor's request pays for one
row in the queue, not for rendering a message, and never waits on the mail server.

One message per kind of news (``services.NOTIFY_*``), each from three templates
under ``mail/registration/`` (subject, text, HTML):

- ``confirmed``: the seat is yours; the session's .ics and the QR code (PNG) are
  attached, the code is written out, with the link to the page and to cancel;
- ``waitlisted``: your place on the waiting list;
- ``offered``: a seat is free for you until a deadline, accept it on the page;
- ``expired``: the offer lapsed and the seat passed on to the next person;
- ``cancelled``: the registration is cancelled;
- ``moved``: the team changed the registration by hand (to confirmed, waiting
  or cancelled; a seat offered by hand gets the ``offered`` message). A seat given
  this way carries the same attachments as ``confirmed``;
- ``session_cancelled``: the session is cancelled, and the registration with it;
- ``rescheduled``: the session has a new time (the new and the old time are both
  given, in every zone the event shows); the registration stands. A confirmed seat
  gets the session's .ics again, so a calendar takes the new time.

The task carries what the message must say as it stood when the news happened, not
as the worker finds it later: the status, an offer's deadline, a waiting place
(``place``, when the service knew it) and, for news about the session, its times
(``times``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from pavilion.core.mail import mail_enqueue, render_mail
from pavilion.core.models import AuditEntry
from pavilion.core.queue import task_enqueue_after_commit
from pavilion.programme import ical
from pavilion.programme.cache import programme_version
from pavilion.programme.models import Session

from .models import Registration
from .presenters import (
    absolute_registration_url,
    instant_text,
    site_url,
    times_text,
    when_text,
)
from .qr import qr_png
from .selectors import place_in_line

logger = logging.getLogger("pavilion.registration")

Status = Registration.Status

KINDS = (
    "confirmed",
    "waitlisted",
    "offered",
    "expired",
    "cancelled",
    "session_cancelled",
    "rescheduled",
)
# News that, when staff caused it, is told as a change made by the team.
MOVED_KINDS = ("confirmed", "waitlisted", "cancelled")
# What to send again to someone who registers twice: the news of where they stand.
RESEND_KINDS = {
    Status.CONFIRMED: "confirmed",
    Status.WAITING: "waitlisted",
    Status.OFFERED: "offered",
}
TEMPLATES = "mail/registration/%s"
ICS_CACHE_SECONDS = 60 * 60


def registration_notify(
    *, kind: str, registration: Registration, times: dict | None = None
) -> None:
    """Queue the message for this news once the current transaction commits (``times``:
    the session's times, as ISO strings, for news about the session)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of registration news: {kind!r}")
    _enqueue(kind=kind, registration=registration, as_news=True, times=times)


def registration_resend(*, registration: Registration) -> None:
    """Send the registrant the message of their current status again (with its links,
    and for a seat the QR code and the .ics): someone typed their address once more."""
    kind = RESEND_KINDS.get(registration.status)
    if kind is not None:
        _enqueue(kind=kind, registration=registration, as_news=False)


def _enqueue(
    *, kind: str, registration: Registration, as_news: bool, times: dict | None = None
) -> None:
    expires = registration.offer_expires_at
    extra: dict = {}
    place = getattr(registration, "place", None)
    if registration.status == Status.WAITING and place is not None:
        extra["place"] = place
    if times is not None:
        extra["times"] = times
    task_enqueue_after_commit(
        registration_mail_build,
        what=f"registration mail kind={kind} registration={registration.pk}",
        registration_id=registration.pk,
        kind=kind,
        status=registration.status,
        offer_expires_at=expires.isoformat() if expires else None,
        as_news=as_news,
        **extra,
    )


@task
def registration_mail_build(
    *,
    registration_id: int,
    kind: str,
    status: str,
    offer_expires_at: str | None = None,
    as_news: bool = True,
    place: int | None = None,
    times: dict | None = None,
) -> dict:
    """Render the message for one piece of news, as the registration stood when it
    happened (``status``, ``offer_expires_at``, ``place``, ``times``), and queue it for
    sending."""
    registration = (
        Registration.objects.select_related("session__event", "session__venue")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        logger.warning("Registration mail not built: registration %s is gone", registration_id)
        return {"queued": False}
    registration.status = status
    registration.offer_expires_at = (
        dt.datetime.fromisoformat(offer_expires_at) if offer_expires_at else None
    )
    try:
        message = registration_message(
            kind=kind, registration=registration, as_news=as_news, place=place, times=times
        )
    except Exception:
        # The log says which message was lost; the failed task keeps the traceback.
        logger.exception(
            "Registration mail not built: kind=%s registration=%s", kind, registration_id
        )
        raise
    mail_enqueue(**message)
    return {"queued": True, "kind": kind}


def _changed_by_staff(registration: Registration) -> bool:
    """Whether the registration reached its status by a staff member's move: the latest
    audit entry that brought it to that status says so."""
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(registration.pk),
            action__startswith="pavilion.registration.",
        )
        .order_by("-id")
        .values_list("action", "data")
    )
    for action, data in entries:
        if isinstance(data, dict) and data.get("to") == registration.status:
            return action == "pavilion.registration.moved"
    return False


def session_ics(session: Session, *, lang: str) -> bytes | None:
    """The session's .ics (as the calendar feed writes it), or None while its date is to
    be confirmed. Every registrant gets the same bytes, so they are cached until the
    programme changes."""
    if session.starts_at is None:
        return None
    event = session.event
    key = f"registration:ics:{session.pk}:{lang}:{programme_version(event.pk)}:{site_url()}"
    body = cache.get(key)
    if body is not None:
        return body
    with translation.override(lang):
        sessions = ical.feed_sessions(
            queryset=ical.feed_queryset(event=event).filter(pk=session.pk)
        )
        if not sessions:
            return None
        path = reverse(
            "programme:session", kwargs={"event": event.slug, "slug": ical.SLUG_PLACEHOLDER}
        )
        body = ical.build_calendar(
            event=event,
            sessions=sessions,
            lang=lang,
            name=str(session.tr("title", lang)),
            url_template=site_url() + path,
        )
    cache.set(key, body, ICS_CACHE_SECONDS)
    return body


def _when_from(times: dict, prefix: str, *, session: Session, lang: str) -> str:
    def instant(key: str) -> dt.datetime | None:
        value = times.get(prefix + key)
        return dt.datetime.fromisoformat(value) if value else None

    return times_text(instant("starts_at"), instant("ends_at"), event=session.event, lang=lang)


def registration_message(
    *,
    kind: str,
    registration: Registration,
    as_news: bool = True,
    place: int | None = None,
    times: dict | None = None,
) -> dict:
    """The arguments of ``mail_enqueue`` for this news: recipient, subject, bodies and
    attachments, in the registrant's language. ``as_news=False`` tells where the
    registration stands without saying who changed it last. ``place`` is the waiting
    place when the news happened (else it is counted now); ``times`` the session's times
    then (else its times now), with ``old_starts_at``/``old_ends_at`` for a new time."""
    lang = registration.language
    session = registration.session
    event = session.event
    template = kind
    if as_news and kind in MOVED_KINDS and _changed_by_staff(registration):
        template = "moved"
    with translation.override(lang):
        context = {
            "kind": kind,
            "registration": registration,
            "name": registration.name,
            "title": str(session.tr("title", lang)),
            "event_name": str(event.tr("name", lang)),
            "venue_name": str(session.venue.tr("name", lang)),
            "where": pgettext("between names in a list", ", ").join(
                [str(session.venue.tr("name", lang)), str(event.tr("name", lang))]
            ),
            "when": (
                _when_from(times, "", session=session, lang=lang)
                if times is not None
                else when_text(session, lang=lang)
            ),
            "old_when": (
                _when_from(times, "old_", session=session, lang=lang)
                if times is not None and kind == "rescheduled"
                else ""
            ),
            "status": registration.status,
            "code": registration.code_display,
            "page_url": absolute_registration_url(registration),
            "cancel_url": absolute_registration_url(registration, action="cancel"),
            "session_url": site_url() + session.get_absolute_url(),
            "register_url": site_url()
            + reverse(
                "programme:registration:register",
                kwargs={"event": event.slug, "slug": session.slug},
            ),
            "place": place if place is not None else place_in_line(registration=registration),
            "deadline": (
                instant_text(registration.offer_expires_at, event=event, lang=lang)
                if registration.status == Status.OFFERED and registration.offer_expires_at
                else ""
            ),
        }
    attachments = []
    if registration.status == Status.CONFIRMED and kind == "rescheduled":
        ics = session_ics(session, lang=lang)  # with the new time: the programme has moved on
        context["has_ics"] = ics is not None
        if ics is not None:
            attachments.append((f"{event.slug}-{session.slug}.ics", ics, "text/calendar"))
    if registration.status == Status.CONFIRMED and kind == "confirmed":
        ics = session_ics(session, lang=lang)
        context["has_ics"] = ics is not None
        if ics is not None:
            attachments.append((f"{event.slug}-{session.slug}.ics", ics, "text/calendar"))
        attachments.append(
            (
                f"registration-{registration.code_display}.png",
                qr_png(registration.code),
                "image/png",
            )
        )
    subject, text, html = render_mail(TEMPLATES % template, context, lang)
    return {
        "to": [registration.email],
        "subject": subject,
        "body": text,
        "html": html,
        "attachments": attachments,
    }
