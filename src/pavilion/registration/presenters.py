"""What the registration pages and e-mails show: secret page addresses, times in
every zone of the event, a registration's news in a sentence.

A registration's page is addressed by a token: its code signed with the site's
secret key. The code alone (printed under the QR code, read aloud at the desk)
does not open the page, and no token can be made up without the key, so only the
person who received the e-mail, or whose browser registered, can see the page
and cancel.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pavilion.core.timefmt import format_date, join_ranges, zoned_ranges
from pavilion.programme.models import Event, Session
from pavilion.programme.presenters import display_zones

from .models import Registration, normalise_code

TOKEN_SALT = "pavilion.registration.page"
_signer = signing.Signer(salt=TOKEN_SALT, sep=".")


def registration_token(registration: Registration) -> str:
    """The secret part of the registration's page address."""
    return _signer.sign(registration.code)


def code_from_token(token: str) -> str | None:
    """The code a token was made for, or None for a token the site did not make."""
    try:
        return normalise_code(_signer.unsign(token))
    except signing.BadSignature:
        return None


def registration_path(registration: Registration, *, action: str = "") -> str:
    """The page's path (``action``: "cancel" or "accept" for those steps), in the
    active language."""
    name = f"programme:registration:{action or 'detail'}"
    return reverse(
        name,
        kwargs={
            "event": registration.session.event.slug,
            "slug": registration.session.slug,
            "token": registration_token(registration),
        },
    )


def site_url() -> str:
    """The site's public address for links in e-mails (no request to ask there)."""
    return getattr(settings, "PAVILION_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def absolute_registration_url(registration: Registration, *, action: str = "") -> str:
    """The page's full address, in the registrant's language, for an e-mail."""
    with translation.override(registration.language):
        return site_url() + registration_path(registration, action=action)


def when_text(session: Session, *, lang: str) -> str:
    """ "Tue 12 Nov 2024, 16:30–17:30 Baku time · 21:30–22:30 Japan time", or the
    sentence saying the date is still to be confirmed."""
    return times_text(session.starts_at, session.ends_at, event=session.event, lang=lang)


def times_text(
    starts_at: dt.datetime | None, ends_at: dt.datetime | None, *, event: Event, lang: str
) -> str:
    """As ``when_text``, for times given apart from the session: the times a session had
    before it was moved, or had when the news about it was written."""
    if starts_at is None:
        return _("Date to be confirmed")
    ranges = zoned_ranges(starts_at, ends_at, event.timezone, display_zones(event), lang)
    return _("%(date)s, %(time)s") % {
        "date": format_date(ranges[0].start.date(), lang, "weekday"),
        "time": join_ranges(ranges, lang),
    }


def instant_text(value: dt.datetime, *, event: Event, lang: str) -> str:
    """One instant (an offer's deadline) in the venue's zone and the event's others."""
    ranges = zoned_ranges(value, None, event.timezone, display_zones(event), lang)
    return _("%(date)s, %(time)s") % {
        "date": format_date(ranges[0].start.date(), lang, "weekday"),
        "time": join_ranges(ranges, lang),
    }


def _percent(part: int, whole: int) -> str:
    """A CSS width: "37.5%" (a dot, whatever the language, as CSS wants)."""
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def fill_bar(seats) -> dict:
    """The widths of a session's fill bar: checked in, confirmed (not yet in), offered and
    free, as parts of its seats (of the seats taken when staff went over capacity); and
    the waiting list as a part of the seats, capped at a full bar."""
    capacity = seats.capacity or 0
    whole = max(capacity, seats.taken)
    not_in = seats.confirmed - seats.checked_in
    free = seats.free or 0
    return {
        "checked_in": _percent(seats.checked_in, whole),
        "confirmed": _percent(not_in, whole),
        "offered": _percent(seats.offered, whole),
        "free": _percent(free, whole),
        "waiting": _percent(min(seats.waiting, capacity), capacity) if capacity else "0%",
        "over": max(0, seats.taken - capacity) if capacity else 0,
        "percent_taken": round(100 * seats.taken / capacity) if capacity else 0,
    }
