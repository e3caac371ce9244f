"""Public programme pages. Thin: parse input, call selectors, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pavilion.core.i18n import current_lang, translate_field
from pavilion.core.timefmt import format_date, format_date_range, zone_label
from pavilion.pages.glossary import footnoter

from . import selectors
from .forms import ProgrammeFilterForm, ZoneForm
from .models import Session
from .presenters import display_zones, group_by_day, session_card, speakers_by_segment

# Past this many sessions, a programme without a day filter shows its first day only.
MAX_SESSIONS_ON_ONE_PAGE = 400


def _viewer_zone(request: HttpRequest) -> tuple[str, list[str]]:
    form = ZoneForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["tz"], []
    return "", [str(e) for e in form.errors.get("tz", [])]


def _render(
    request: HttpRequest,
    template: str,
    context: dict,
    notices: list[str],
    *,
    invalid: bool = False,
) -> HttpResponse:
    context["notices"] = notices
    return render(request, template, context, status=400 if notices or invalid else 200)


# The programme's filters that have a field on the page: their errors are shown beside it.
FILTER_FIELDS = ("q", "day", "venue", "host", "tz")


def home(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    viewer_zone, notices = _viewer_zone(request)
    event = selectors.event_featured()
    context: dict = {"event": event, "viewer_zone": viewer_zone}
    if event is not None:
        zones = display_zones(event, viewer_zone)
        fn = footnoter()
        venue = selectors.venue_ours(event=event)
        is_over = event.end_date < timezone.localdate(timezone=event.tzinfo)
        upcoming = [] if is_over else selectors.upcoming_rows(event=event)
        upcoming_elsewhere = [] if upcoming else selectors.upcoming_rows()
        cards = [
            session_card(s, event=event, zones=zones, lang=lang, footnoter=fn) for s in upcoming
        ]
        others = list({s.event.pk: s.event for s in upcoming_elsewhere}.values())
        booking_open = selectors.events_networking_open([event, *others])
        context.update(
            venue=venue,
            dates=format_date_range(event.start_date, event.end_date, lang),
            is_over=is_over,
            description=fn.mark(venue.tr("description", lang)) if venue else "",
            networking=fn.mark(venue.tr("networking_area", lang)) if venue else "",
            networking_open=event.pk in booking_open,
            aims=[fn.mark(aim.tr("text", lang)) for aim in venue.aims.all()] if venue else [],
            # By day, as on the programme page: a time alone does not say which day it is.
            upcoming=group_by_day(cards, event=event, lang=lang),
            upcoming_elsewhere=[
                {
                    "event": other,
                    "dates": format_date_range(other.start_date, other.end_date, lang),
                    "networking_open": other.pk in booking_open,
                    "days": group_by_day(
                        [
                            session_card(
                                s, event=other, zones=display_zones(other, viewer_zone), lang=lang
                            )
                            for s in upcoming_elsewhere
                            if s.event.pk == other.pk
                        ],
                        event=other,
                        lang=lang,
                    ),
                }
                for other in others
            ],
            footnotes=fn.notes,
        )
    return _render(request, "programme/home.html", context, notices)


def featured_programme(request: HttpRequest) -> HttpResponse:
    event = selectors.event_featured()
    if event is None:
        return redirect("programme:events")
    url = event.get_absolute_url()
    if request.GET:
        url += "?" + request.GET.urlencode()
    return redirect(url)


def event_list(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    events = [
        {"event": e, "dates": format_date_range(e.start_date, e.end_date, lang)}
        for e in selectors.event_list_public()
    ]
    return render(request, "programme/event_list.html", {"events": events})


def programme(request: HttpRequest, event: str) -> HttpResponse:
    lang = current_lang()
    event_obj = selectors.event_get_public(slug=event)
    form = ProgrammeFilterForm(request.GET, event=event_obj)
    filters = form.valid_filters()
    field_errors = {
        name: " ".join(str(e) for e in errors)
        for name, errors in form.errors.items()
        if name in FILTER_FIELDS
    }
    notices = [
        str(error)
        for name, errors in form.errors.items()
        if name not in FILTER_FIELDS
        for error in errors
    ]
    if field_errors:
        notices.append(
            format_html(
                '<a href="#filters">{}</a>',
                ngettext(
                    "See the message beside the filter below.",
                    "See the messages beside the filters below.",
                    len(field_errors),
                ),
            )
        )
    viewer_zone = filters.get("tz", "")
    zones = display_zones(event_obj, viewer_zone)

    base = selectors.programme_queryset(event=event_obj, filters=filters)
    day_counts = selectors.programme_day_counts(event=event_obj, queryset=base)
    day = filters.get("day")
    shown_day_notice = ""
    if day is None and sum(day_counts.values()) > MAX_SESSIONS_ON_ONE_PAGE:
        # A COP-scale programme is read a day at a time: show the first day with sessions.
        day = next((d for d in event_obj.days() if day_counts.get(d)), None)
        if day is not None:
            shown_day_notice = _(
                "This programme is long, so it is shown one day at a time: here is %(day)s. "
                "Choose another day above."
            ) % {"day": format_date(day, lang, "long")}
    rows = selectors.programme_rows(event=event_obj, queryset=base, day=day)
    fn = footnoter()
    cards = [session_card(s, event=event_obj, zones=zones, lang=lang, footnoter=fn) for s in rows]
    groups = group_by_day(cards, event=event_obj, lang=lang)

    keep = {
        k: request.GET[k]
        for k in ("venue", "host", "speaker", "q", "tz")
        if request.GET.get(k) and k in filters
    }
    day_links = [
        {
            "date": d,
            "label": _day_label(d, lang),
            "count": day_counts.get(d, 0),
            "url": "?" + urlencode({**keep, "day": d.isoformat()}),
            "current": d == day,
        }
        for d in event_obj.days()
    ]
    tbc_count = day_counts.get(None, 0)
    active = _active_filters(request, filters, lang)
    chosen_host = filters["host"].slug if filters.get("host") else None
    host_options = [
        (o.slug, translate_field(o, "name", lang), o.slug == chosen_host)
        for o in selectors.event_host_options(event=event_obj)
    ]
    return _render(
        request,
        "programme/programme.html",
        {
            "event": event_obj,
            "shown_day": day,
            "shown_day_notice": shown_day_notice,
            "host_options": host_options,
            "dates": format_date_range(event_obj.start_date, event_obj.end_date, lang),
            "form": form,
            "filters": filters,
            "groups": groups,
            "count": len(cards),
            "day_links": day_links,
            "all_days_url": "?" + urlencode(keep) if keep else "?",
            "tbc_count": tbc_count,
            "venues": selectors.event_venues(event=event_obj),
            "active_filters": active,
            "viewer_zone": viewer_zone,
            "zones": [event_obj.timezone, *zones],
            "zone_names": zone_names(event_obj, zones, lang),
            "session_query": "?" + urlencode({"tz": viewer_zone}) if viewer_zone else "",
            "footnotes": fn.notes,
            "errors": field_errors,
            "networking_open": bool(selectors.events_networking_open([event_obj])),
            # What was typed, shown again beside its error so that it can be corrected.
            "typed": {
                "q": filters.get("q") or request.GET.get("q", "")[:200],
                "tz": viewer_zone or request.GET.get("tz", "")[:64],
            },
        },
        notices,
        invalid=bool(field_errors),
    )


def zone_names(event, zones: list[str], lang: str) -> str:
    """ "Baku time and Japan time" / 「アゼルバイジャン時間と日本時間」."""
    names = [zone_label(event.timezone, lang, primary=True)] + [zone_label(z, lang) for z in zones]
    if len(names) == 1:
        return names[0]
    if lang == "ja":
        return "、".join(names[:-1]) + "と" + names[-1]
    return ", ".join(names[:-1]) + " " + _("and") + " " + names[-1]


def _day_label(day, lang: str) -> str:
    return format_date(day, lang, "day")


def _active_filters(request: HttpRequest, filters: dict, lang: str) -> list[dict]:
    """Chips for the filters in force, each with the address that removes it."""

    def without(name: str) -> str:
        params = request.GET.copy()
        params.pop(name, None)
        return "?" + params.urlencode()

    labels = []
    for name in ("venue", "host", "speaker"):
        obj = filters.get(name)
        if obj is not None:
            labels.append(
                {"name": name, "value": obj.tr("name", lang), "remove_url": without(name)}
            )
    if filters.get("q"):
        labels.append({"name": "q", "value": filters["q"], "remove_url": without("q")})
    return labels


def session_detail(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    lang = current_lang()
    event_obj = selectors.event_get_public(slug=event)
    session = selectors.session_get_public(event=event_obj, slug=slug)
    viewer_zone, notices = _viewer_zone(request)
    zones = display_zones(event_obj, viewer_zone)
    fn = footnoter()
    card = session_card(session, event=event_obj, zones=zones, lang=lang)
    title = fn.mark(session.tr("title", lang))
    summary_text = session.tr("summary", lang)
    summary = fn.mark(summary_text)
    participations = list(session.participations.all())
    segments = speakers_by_segment(participations, lang)
    for part in participations:
        part.marked_segment = fn.mark(part.tr("segment", lang))
    chapters = list(session.chapters.all())
    return _render(
        request,
        "programme/session_detail.html",
        {
            "event": event_obj,
            "session": session,
            "card": card,
            "title": title,
            "title_text": card.title,
            "summary": summary,
            "summary_is_fallback": summary_text.is_fallback,
            "summary_lang": summary_text.lang,
            "segments": segments,
            "hosts": list(session.hosts.all()),
            "links": list(session.links.all()),
            "chapters": chapters,
            "viewer_zone": viewer_zone,
            "zones": [event_obj.timezone, *zones],
            "footnotes": fn.notes,
            "is_cancelled": session.status == Session.Status.CANCELLED,
        },
        notices,
    )


def _distinct_events(sessions) -> list:
    """The events of some sessions, each once, in the order met."""
    seen: dict[int, object] = {}
    for session in sessions:
        seen.setdefault(session.event_id, session.event)
    return list(seen.values())


def featured_speakers(request: HttpRequest) -> HttpResponse:
    event = selectors.event_featured()
    if event is None:
        return redirect("programme:events")
    return redirect("programme:speakers", event=event.slug)


def speaker_list(request: HttpRequest, event: str) -> HttpResponse:
    event_obj = selectors.event_get_public(slug=event)
    text = request.GET.get("q", "").strip()[:200]
    paginator = Paginator(selectors.speakers_for_event(event=event_obj, text=text), 100)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "programme/speaker_list.html",
        {"event": event_obj, "page": page, "q": text, "people": list(page.object_list)},
    )


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lang = current_lang()
    person, parts = selectors.person_get_public(slug=slug)
    viewer_zone, notices = _viewer_zone(request)
    rows = []
    for part in parts:
        event = part.session.event
        rows.append(
            {
                "participation": part,
                "card": session_card(
                    part.session, event=event, zones=display_zones(event, viewer_zone), lang=lang
                ),
            }
        )
    return _render(
        request,
        "programme/speaker_detail.html",
        {
            "person": person,
            "rows": rows,
            "events": _distinct_events(part.session for part in parts),
            "viewer_zone": viewer_zone,
        },
        notices,
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lang = current_lang()
    data = selectors.organisation_get_public(slug=slug)
    viewer_zone, notices = _viewer_zone(request)

    def card(session):
        event = session.event
        return session_card(
            session, event=event, zones=display_zones(event, viewer_zone), lang=lang
        )

    hosted = [{"host": h, "card": card(h.session)} for h in data["hosted"]]
    speaking = [{"participation": p, "card": card(p.session)} for p in data["speaking"]]
    return _render(
        request,
        "programme/organisation_detail.html",
        {
            "organisation": data["organisation"],
            "country": data["organisation"].country_name(lang),
            "hosted": hosted,
            "host_events": _distinct_events(h.session for h in data["hosted"]),
            "speaking": speaking,
            "partner_of": data["partner_of"],
            "viewer_zone": viewer_zone,
        },
        notices,
    )
