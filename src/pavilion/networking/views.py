"""The public networking page: tables, a day of 30-minute slots, and the request form.

Works without JavaScript: a free slot in the grid is a link that fills in the
form below. Submissions are rate-limited with a cache counter per client
address and per e-mail address (see ``over_limit``).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.core.i18n import current_lang
from pavilion.core.ratelimit import client_address, over_limit
from pavilion.core.templatetags.pavilion import LANGUAGE_NAMES
from pavilion.core.timefmt import format_date, zone_label
from pavilion.programme import selectors as programme_selectors
from pavilion.programme.models import Event

from . import selectors, services
from .forms import BookingRequestForm, parse_slot
from .presenters import slot_text, slot_times, slot_value

# Rate limits: a fixed window of an hour, counted in the cache (shared between
# app servers when the cache is Redis). Every POST counts against the client's
# address; every well-formed request counts against its e-mail address.
RATE_WINDOW_SECONDS = 3600
MAX_POSTS_PER_ADDRESS = 30
MAX_REQUESTS_PER_EMAIL = 5

THANKS_SALT = "pavilion.networking.thanks"
THANKS_MAX_AGE = 7 * 24 * 3600


def _over_limit(kind: str, value: str, limit: int) -> bool:
    return over_limit(
        scope="networking", kind=kind, value=value, limit=limit, window=RATE_WINDOW_SECONDS
    )


def _cell(state: selectors.SlotState | None, *, table, event: Event, lang: str) -> dict:
    if state is None:
        return {"state": "closed", "label": _("Closed"), "url": ""}
    if state.state == selectors.BOOKED:
        label = _("Booked")
    elif state.is_past:
        return {"state": "past", "label": _("Past"), "url": ""}
    elif state.state == selectors.REQUESTED:
        label = ngettext(
            "Requested (%(count)s request waiting)",
            "Requested (%(count)s requests waiting)",
            state.requests,
        ) % {"count": state.requests}
    else:
        label = _("Free")
    url = ""
    if state.can_request:
        url = (
            "?"
            + urlencode(
                {
                    "day": state.start.astimezone(event.tzinfo).date().isoformat(),
                    "table": table.pk,
                    "slot": slot_value(state.start, event=event),
                }
            )
            + "#request"
        )
    return {
        "state": state.state,
        "label": label,
        "url": url,
        "action": _("Ask for %(table)s, %(slot)s")
        % {
            "table": table.tr("name", lang),
            "slot": slot_times(state.start, event=event, lang=lang),
        },
    }


def _choose_day(
    request_day: str, days: list[dt.date], event: Event, notices: list[str], lang: str
) -> dt.date | None:
    if request_day:
        try:
            wanted = dt.date.fromisoformat(request_day)
        except ValueError:
            wanted = None
        if wanted in days:
            return wanted
        notices.append(
            _("The networking area is not open on “%(value)s”; here is its first open day.")
            % {"value": request_day[:20]}
        )
    today = timezone.localdate(timezone=event.tzinfo)
    return next((d for d in days if d >= today), days[0] if days else None)


def tables(request: HttpRequest, event: str) -> HttpResponse:
    lang = current_lang()
    event_obj = programme_selectors.event_get_public(slug=event)
    table_list = selectors.event_tables(event=event_obj)
    now = timezone.now()
    hours = selectors.hours_map(venue_ids={t.venue_id for t in table_list})
    days = selectors.open_days(
        event=event_obj, venue_ids={t.venue_id for t in table_list}, hours=hours
    )
    slots = selectors.requestable_slots(event=event_obj, tables=table_list, hours=hours, now=now)
    form_kwargs = {"event": event_obj, "tables": table_list, "slots": slots}
    notices: list[str] = []
    status = 200
    wanted_day = request.GET.get("day", "")

    if request.method == "POST":
        form = BookingRequestForm(request.POST, **form_kwargs)
        posted_slot = parse_slot(request.POST.get("slot", ""), event=event_obj)
        if posted_slot is not None:
            wanted_day = posted_slot.astimezone(event_obj.tzinfo).date().isoformat()
        if _over_limit("address", client_address(request), MAX_POSTS_PER_ADDRESS) or (
            form.is_valid()
            and _over_limit("email", form.cleaned_data["email"], MAX_REQUESTS_PER_EMAIL)
        ):
            status = 429
            notices.append(
                _(
                    "You have sent many requests in a short time, so this one was not sent. "
                    "Please try again in an hour; what you typed is kept below."
                )
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.booking_request(
                    table=data["table"],
                    slot_start=data["slot"],
                    organisation_name=data["organisation_name"],
                    contact_name=data["contact_name"],
                    email=data["email"],
                    language=data["language"],
                    purpose=data["purpose"],
                    now=now,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
                status = 400
            else:
                token = signing.dumps(booking.pk, salt=THANKS_SALT)
                return redirect(
                    reverse(
                        "programme:networking:thanks",
                        kwargs={"event": event_obj.slug, "token": token},
                    )
                )
        else:
            status = 400
    else:
        initial = {}
        if request.GET.get("table", "").isdigit():
            initial["table"] = request.GET["table"]
        if parse_slot(request.GET.get("slot", ""), event=event_obj) is not None:
            initial["slot"] = request.GET["slot"]
        form = BookingRequestForm(initial=initial, **form_kwargs)

    day = _choose_day(wanted_day, days, event_obj, notices, lang)
    if notices and status == 200:
        status = 400
    rows = []
    if day is not None and table_list:
        grid = selectors.day_grid(event=event_obj, tables=table_list, day=day, hours=hours, now=now)
        rows = [
            {
                "times": slot_times(row.start, event=event_obj, lang=lang),
                "start": row.start,
                "cells": [
                    _cell(state, table=table, event=event_obj, lang=lang)
                    for state, table in zip(row.cells, grid.tables, strict=True)
                ],
            }
            for row in grid.rows
        ]
    venues = list({t.venue_id: t.venue for t in table_list}.values())
    return render(
        request,
        "networking/tables.html",
        {
            "event": event_obj,
            "venues": venues,
            "tables": table_list,
            "day": day,
            "day_label": format_date(day, lang, "long") if day else "",
            "day_links": [
                {
                    "label": format_date(d, lang, "day"),
                    "url": "?" + urlencode({"day": d.isoformat()}),
                    "current": d == day,
                }
                for d in days
            ],
            "rows": rows,
            "zone_name": zone_label(event_obj.timezone, lang, primary=True),
            "form": form,
            "can_request": bool(slots) and bool(table_list),
            "notices": notices,
        },
        status=status,
    )


def thanks(request: HttpRequest, event: str, token: str) -> HttpResponse:
    lang = current_lang()
    try:
        pk = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("unknown request") from exc
    booking = selectors.booking_for_thanks(pk=pk)
    if booking is None or booking.table.venue.event.slug != event:
        raise Http404("unknown request")
    event_obj = booking.table.venue.event
    return render(
        request,
        "networking/thanks.html",
        {
            "event": event_obj,
            "booking": booking,
            "slot": slot_text(booking.slot_start, event=event_obj, lang=lang),
            "reply_language": LANGUAGE_NAMES.get(booking.language, booking.language),
        },
    )
