"""Calendar feeds (text/calendar) of a programme, a session, a speaker or an organisation.

Addresses are language-neutral (outside /en/ and /ja/); ``?lang=en|ja`` picks
the language of titles, descriptions and page addresses (English by default).
A built feed is kept in the shared cache under a key holding the programme's
version, so any change to the programme serves a fresh one; its ETag is derived
from that key, so a calendar app asking again with If-None-Match gets a 304
without the feed being built or read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_etags, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from pavilion.core.i18n import LANGS, translate_field

from . import ical, selectors
from .cache import programme_version
from .forms import ProgrammeFilterForm
from .models import Event, Session

CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_AGE = 300  # seconds a client or proxy may keep a feed without asking again
CACHE_TIMEOUT = 60 * 60 * 24  # a version's feed is never stale; this only frees memory
FORMAT = 1  # raise when the feed's layout changes, so cached copies are not served
DEFAULT_LANG = "en"
TRUE_VALUES = {"1", "true", "yes"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """What one request asks for: the calendar's name, its sessions and its file name."""

    name: str
    queryset: QuerySet[Session]
    filename: str


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


def _cache_key(request: HttpRequest, *, event: Event, kind: str, slug: str, lang: str) -> str:
    """The feed's key: the programme's version, the whole query and the site's address.

    The address is part of it because the feed holds absolute links to the
    session pages."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    raw = "|".join(
        [
            str(FORMAT),
            request.build_absolute_uri("/"),
            str(event.pk),
            programme_version(event.pk),
            kind,
            slug,
            lang,
            query,
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = parse_etags(header)
    return "*" in wanted or any(tag.removeprefix("W/") == etag for tag in wanted)


def _serve(
    request: HttpRequest,
    *,
    event_slug: str,
    kind: str,
    slug: str,
    feed: Callable[[Event, str], Feed | HttpResponse],
) -> HttpResponse:
    lang = request.GET.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        with translation.override(DEFAULT_LANG):
            return _plain(
                400,
                _("“%(value)s” is not a language of this site; use lang=en or lang=ja.")
                % {"value": lang[:20]},
            )
    with translation.override(lang):
        try:
            event = selectors.event_get_public(slug=event_slug)
        except Http404:
            return _plain(404, _("There is no such event."))
        key = _cache_key(request, event=event, kind=kind, slug=slug, lang=lang)
        etag = f'"{key[:40]}"'
        entry = cache.get(f"ical:{key}")
        if entry is None:
            if _etag_matches(request, etag):
                # The client holds this very version: no need to build it again.
                response = HttpResponseNotModified()
                response["ETag"] = etag
                response["Cache-Control"] = f"public, max-age={MAX_AGE}"
                return response
            wanted = feed(event, lang)
            if isinstance(wanted, HttpResponse):
                return wanted
            entry = _build(request, event=event, feed=wanted, lang=lang)
            cache.set(f"ical:{key}", entry, CACHE_TIMEOUT)
    body, last_modified, filename = entry
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    download = request.GET.get("download", "").lower() in TRUE_VALUES
    response["Content-Disposition"] = content_disposition_header(download, filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Content-Language"] = lang
    # Only the ETag decides a 304: a change elsewhere (a speaker's name) can alter
    # the feed without moving any session's modification time.
    return get_conditional_response(request, etag=etag, response=response)


def _build(request: HttpRequest, *, event: Event, feed: Feed, lang: str) -> tuple:
    sessions = ical.feed_sessions(queryset=feed.queryset)
    path = reverse("programme:session", kwargs={"event": event.slug, "slug": ical.SLUG_PLACEHOLDER})
    body = ical.build_calendar(
        event=event,
        sessions=sessions,
        lang=lang,
        name=feed.name,
        url_template=request.build_absolute_uri(path),
    )
    changed = [s.updated_at for s in sessions] or [event.updated_at]
    last_modified = max(changed).timestamp()
    return body, last_modified, feed.filename


def _event_name(event: Event, lang: str) -> str:
    return str(translate_field(event, "name", lang))


@require_safe
def programme_feed(request: HttpRequest, event: str) -> HttpResponse:
    """The programme, narrowed by the programme page's filters (day, venue, host, speaker, q)."""

    def feed(event_obj: Event, lang: str) -> Feed | HttpResponse:
        form = ProgrammeFilterForm(request.GET, event=event_obj)
        filters = form.valid_filters()
        if form.errors:
            messages = [str(error) for errors in form.errors.values() for error in errors]
            return _plain(400, "\n".join(messages))
        queryset = selectors.programme_queryset(event=event_obj, filters=filters)
        queryset = ical.on_day(
            queryset.filter(starts_at__isnull=False), event=event_obj, day=filters.get("day")
        )
        return Feed(
            name=_("Programme – %(name)s") % {"name": _event_name(event_obj, lang)},
            queryset=queryset,
            filename=f"{event_obj.slug}-programme.ics",
        )

    return _serve(request, event_slug=event, kind="programme", slug="", feed=feed)


@require_safe
def session_feed(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    """One session (no event in it while its date is to be confirmed)."""

    def feed(event_obj: Event, lang: str) -> Feed | HttpResponse:
        session = (
            Session.objects.public()
            .filter(event=event_obj, slug=slug)
            .only("pk", "title_en", "title_ja")
            .first()
        )
        if session is None:
            return _plain(404, _("There is no such session."))
        return Feed(
            name=str(translate_field(session, "title", lang)),
            queryset=ical.feed_queryset(event=event_obj).filter(pk=session.pk),
            filename=f"{event_obj.slug}-{slug}.ics",
        )

    return _serve(request, event_slug=event, kind="session", slug=slug, feed=feed)


@require_safe
def speaker_feed(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    """The public sessions of the event in which a person has a part."""

    def feed(event_obj: Event, lang: str) -> Feed | HttpResponse:
        person = ical.speaker_at_event(event=event_obj, slug=slug)
        if person is None:
            return _plain(404, _("There is no such speaker at this event."))
        return Feed(
            name=_("%(name)s at %(event)s")
            % {
                "name": translate_field(person, "name", lang),
                "event": _event_name(event_obj, lang),
            },
            queryset=ical.speaker_feed_queryset(event=event_obj, person_pk=person.pk),
            filename=f"{event_obj.slug}-{slug}.ics",
        )

    return _serve(request, event_slug=event, kind="speaker", slug=slug, feed=feed)


@require_safe
def organisation_feed(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    """The public sessions of the event an organisation hosts or where its people speak."""

    def feed(event_obj: Event, lang: str) -> Feed | HttpResponse:
        organisation = ical.organisation_at_event(event=event_obj, slug=slug)
        if organisation is None:
            return _plain(404, _("There is no such organisation at this event."))
        return Feed(
            name=_("%(name)s at %(event)s")
            % {
                "name": translate_field(organisation, "name", lang),
                "event": _event_name(event_obj, lang),
            },
            queryset=ical.organisation_feed_queryset(
                event=event_obj, organisation_pk=organisation.pk
            ),
            filename=f"{event_obj.slug}-{slug}.ics",
        )

    return _serve(request, event_slug=event, kind="organisation", slug=slug, feed=feed)
