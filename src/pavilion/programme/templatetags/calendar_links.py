"""Calendar links: subscribe (webcal://), download (.ics), add to Google Calendar or Outlook.

{% load calendar_links %}
{% session_calendar_links session %}     on a session's page
{% programme_calendar_links event %}     on the programme page (its current filters)
"""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from pavilion.core.i18n import current_lang, translate_field
from pavilion.programme import ical
from pavilion.programme.models import Event, Session

register = template.Library()

TEMPLATE = "programme/_calendar_links.html"
FEED_FILTERS = ("day", "venue", "host", "speaker", "q")


def webcal(request: HttpRequest, path: str) -> str:
    """The feed's address for subscribing: calendar apps open webcal:// themselves."""
    absolute = request.build_absolute_uri(path)
    return "webcal://" + absolute.split("://", 1)[1]


def _with_query(path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


@register.inclusion_tag(TEMPLATE, takes_context=True)
def session_calendar_links(context, session: Session) -> dict:
    request: HttpRequest = context["request"]
    lang = current_lang()
    event: Event = session.event
    programme_path = reverse("ical:programme", kwargs={"event": event.slug})
    result = {
        "kind": "session",
        "confirmed": session.starts_at is not None,
        "cancelled": session.status == Session.Status.CANCELLED,
        "subscribe_url": webcal(request, _with_query(programme_path, lang=lang)),
    }
    if not result["confirmed"]:
        return result
    session_path = reverse("ical:session", kwargs={"event": event.slug, "slug": session.slug})
    result["download_url"] = _with_query(session_path, lang=lang, download=1)
    if result["cancelled"]:
        return result  # nothing to add to a calendar; the download carries the cancellation
    title = str(translate_field(session, "title", lang))
    page = request.build_absolute_uri(session.get_absolute_url())
    summary = str(translate_field(session, "summary", lang))
    location = ical.location_text(
        venue=str(translate_field(session.venue, "name", lang)), event=event, lang=lang
    )
    common = {
        "title": title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "summary": summary,
        "url": page,
        "location": location,
    }
    result["google_url"] = ical.google_calendar_url(**common, tzid=event.timezone)
    result["outlook_url"] = ical.outlook_calendar_url(**common)
    return result


@register.inclusion_tag(TEMPLATE, takes_context=True)
def programme_calendar_links(context, event: Event) -> dict:
    """The feed of the programme as currently filtered (filters that did not parse are left out)."""
    request: HttpRequest = context["request"]
    valid = context.get("filters") or {}
    params = {k: request.GET.get(k) for k in FEED_FILTERS if k in valid and request.GET.get(k)}
    path = reverse("ical:programme", kwargs={"event": event.slug})
    return {
        "kind": "programme",
        "filtered": bool(params),
        "subscribe_url": webcal(request, _with_query(path, **params, lang=current_lang())),
        "download_url": _with_query(path, **params, lang=current_lang(), download=1),
    }
