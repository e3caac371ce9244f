"""The read-only JSON API, /api/v1/: the public programme for other systems.

Thin endpoints: parse the query, call a selector, page the rows. Bad filter
values are answered 400 with a message per field, in the request's language
(``Accept-Language``); unknown objects 404; both with the same JSON shape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.errors import ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from pavilion.programme.forms import ProgrammeFilterForm
from pavilion.programme.models import Event

from . import schemas
from . import selectors as s
from .pagination import BadCursor, Cursor, Keyset, paginate

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
# "+09:00" sent without URL-encoding arrives as " 09:00".
UNENCODED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)\Z")

DESCRIPTION = """\
The public programme of Pavilion's events, read-only: events, venues, sessions,
speakers, organisations and the glossary. Every text is given in English and
Japanese (`{"en": …, "ja": …}`, `null` where a language is not filled in).
Times are UTC with the event's IANA zone beside them. Drafts and private data
never appear. Lists are paged with cursors: follow `next` until it is `null`.
Bad filter values are answered 400 with a message per field, in the language of
`Accept-Language` (English or Japanese).
"""


class Utf8JSONRenderer(JSONRenderer):
    """JSON as UTF-8 text: Japanese stays readable (and half the size of \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Pavilion API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(),
    renderer=Utf8JSONRenderer(),
)


class ApiError(Exception):
    """An answer other than 200: the status, a summary and what is wrong with each field."""

    def __init__(self, status: int, detail: str, errors: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)


def _error_response(request: HttpRequest, exc: ApiError) -> HttpResponse:
    body = {
        "detail": exc.detail,
        "errors": [{"field": field, "message": message} for field, message in exc.errors],
    }
    return api.create_response(request, body, status=exc.status)


def _bad_request(errors: list[tuple[str, str]]) -> ApiError:
    return ApiError(400, _("Some of the request's parameters are not valid: see errors."), errors)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error_response(request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters the declared types refuse (a page size of 0): 400, in our shape."""
    errors = []
    for error in exc.errors:
        field = str(error.get("loc", ["", "?"])[-1])
        if field == "page_size":
            message = _("Give a page size from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
        else:
            message = _("This value is not valid.")
        errors.append((field, message))
    return _error_response(request, _bad_request(errors))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error_response(request, ApiError(404, _("There is nothing at this address.")))


def not_found_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other address under /api/v1/: a JSON 404, not the site's page."""
    return _error_response(request, ApiError(404, _("There is nothing at this address.")))


ERRORS = {400: schemas.Error}
NOT_FOUND = {404: schemas.Error}

PageSize = Query(
    PAGE_SIZE,
    ge=1,
    le=MAX_PAGE_SIZE,
    description=f"Results per page, 1 to {MAX_PAGE_SIZE}.",
)
CursorParam = Query(
    None,
    description="Where a page starts: copy it from the `next` or `previous` address.",
)


# Helpers -------------------------------------------------------------------------------


def _ok(request: HttpRequest, data: dict) -> HttpResponse:
    """A 200 answer, rendered here rather than by ninja.

    The data is built to the documented schemas from plain rows (the contract
    tests check it against the OpenAPI document); validating it again into
    pydantic objects on every request would cost a third of a page's time."""
    return api.create_response(request, data, status=200)


def _page(
    request: HttpRequest,
    queryset,
    *,
    keyset: Keyset,
    values: tuple[str, ...],
    cursor: str | None,
    page_size: int,
) -> tuple[list[dict], dict]:
    """The page's rows (dictionaries of ``values``), and its ``next``/``previous`` addresses."""
    decoded: Cursor | None = None
    if cursor:
        try:
            decoded = keyset.decode(cursor)
        except BadCursor:
            raise _bad_request(
                [("cursor", _("This page address is not valid; start again from the first page."))]
            ) from None
    page = paginate(queryset, keyset=keyset, cursor=decoded, size=page_size, values=values)

    def link(target: Cursor | None) -> str | None:
        if target is None:
            return None
        params: QueryDict = request.GET.copy()
        params["cursor"] = keyset.encode(target)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return page.rows, {"next": link(page.next), "previous": link(page.previous)}


def _unknown_event(value: str) -> str:
    return _("There is no event “%(value)s”.") % {"value": value}


def _event_or_404(slug: str) -> Event:
    event = s.event_public(slug=slug) if SLUG_RE.match(slug) else None
    if event is None:
        raise ApiError(404, _unknown_event(slug))
    return event


def _aware_datetime(value: str) -> dt.datetime | None:
    """An ISO 8601 date and time with its UTC offset, in UTC; None if it is not one."""
    value = UNENCODED_OFFSET.sub(r"+\1", value.strip())
    try:
        parsed = dt.datetime.fromisoformat(value.upper())
        if parsed.tzinfo is None:
            return None
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _session_filters(
    *,
    event: str | None,
    day: str | None,
    venue: str | None,
    host: str | None,
    speaker: str | None,
    text: str | None,
    updated_since: str | None,
):
    """Parse the session filters with the programme page's form; every problem at once."""
    errors: list[tuple[str, str]] = []
    event_obj = None
    if event:
        event_obj = s.event_public(slug=event) if SLUG_RE.match(event) else None
        if event_obj is None:
            errors.append(("event", _unknown_event(event)))
    elif venue or day:
        if venue:
            errors.append(
                ("venue", _("A venue belongs to an event: give the event as well (event=…)."))
            )
        if day:
            errors.append(
                ("day", _("A day is read in the event's time zone: give the event as well."))
            )
    form = ProgrammeFilterForm(
        {
            "day": (day or "") if event_obj else "",
            "venue": (venue or "") if event_obj else "",
            "host": host or "",
            "speaker": speaker or "",
            "q": text or "",
        },
        event=event_obj,
    )
    filters = form.valid_filters()
    for name, messages in form.errors.items():
        errors.extend(("text" if name == "q" else name, str(m)) for m in messages)
    if updated_since:
        since = _aware_datetime(updated_since)
        if since is None:
            errors.append(
                (
                    "updated_since",
                    _(
                        "Give a date and time with its offset from UTC, "
                        "such as 2024-11-12T09:00:00+09:00."
                    ),
                )
            )
        else:
            filters["updated_since"] = since
    if errors:
        raise _bad_request(errors)
    filters.pop("tz", None)
    return event_obj, filters


# Events and venues ---------------------------------------------------------------------


@api.get(
    "/events",
    response={200: schemas.EventPage, **ERRORS},
    tags=["events"],
    operation_id="event_list",
    summary="Events",
)
def event_list(request: HttpRequest, cursor: str | None = CursorParam, page_size: int = PageSize):
    """Public events, the latest first."""
    rows, links = _page(
        request,
        s.events_queryset(),
        keyset=s.EVENT_KEYSET,
        values=s.EVENT_VALUES,
        cursor=cursor,
        page_size=page_size,
    )
    return _ok(request, {**links, "results": s.events_out(rows, urls=s.PageUrls(request))})


@api.get(
    "/events/{event}",
    response={200: schemas.Event, **NOT_FOUND},
    tags=["events"],
    operation_id="event_detail",
    summary="An event",
)
def event_detail(
    request: HttpRequest,
    event: str = Path(..., description="The event's slug.", example="cop29"),
):
    event_obj = _event_or_404(event)
    rows = list(s.events_queryset().filter(pk=event_obj.pk).values(*s.EVENT_VALUES))
    return _ok(request, s.events_out(rows, urls=s.PageUrls(request))[0])


@api.get(
    "/events/{event}/venues",
    response={200: schemas.VenuePage, **ERRORS, **NOT_FOUND},
    tags=["events"],
    operation_id="venue_list",
    summary="Venues of an event",
)
def venue_list(
    request: HttpRequest,
    event: str = Path(..., description="The event's slug.", example="cop29"),
    cursor: str | None = CursorParam,
    page_size: int = PageSize,
):
    """The event's venues, in the order staff gave them."""
    event_obj = _event_or_404(event)
    rows, links = _page(
        request,
        s.venues_queryset(event=event_obj),
        keyset=s.VENUE_KEYSET,
        values=s.VENUE_VALUES,
        cursor=cursor,
        page_size=page_size,
    )
    return _ok(request, {**links, "results": s.venues_out(rows)})


# Sessions ------------------------------------------------------------------------------


@api.get(
    "/sessions",
    response={200: schemas.SessionPage, **ERRORS},
    tags=["sessions"],
    operation_id="session_list",
    summary="Sessions",
)
def session_list(
    request: HttpRequest,
    event: str | None = Query(None, description="An event's slug.", example="cop29"),
    day: str | None = Query(
        None,
        description="A day of the event, YYYY-MM-DD, in the event's time zone (needs event).",
        example="2024-11-13",
    ),
    venue: str | None = Query(
        None, description="A venue's slug (needs event).", example="japan-pavilion"
    ),
    host: str | None = Query(
        None, description="A host organisation's slug.", example="iclei-japan"
    ),
    speaker: str | None = Query(None, description="A speaker's slug.", example="hayato-shimizu"),
    text: str | None = Query(
        None,
        description="Words in a title, summary, speaker's or host's name, in either language.",
        example="Yokohama",
    ),
    updated_since: str | None = Query(
        None,
        description="Only sessions changed at or after this time (ISO 8601 with its offset).",
        example="2024-11-01T00:00:00+09:00",
    ),
    cursor: str | None = CursorParam,
    page_size: int = PageSize,
):
    """Published and cancelled sessions of public events, by start time; those whose date is
    still to be confirmed come last. Filters combine."""
    event_obj, filters = _session_filters(
        event=event,
        day=day,
        venue=venue,
        host=host,
        speaker=speaker,
        text=text,
        updated_since=updated_since,
    )
    rows, links = _page(
        request,
        s.sessions_queryset(event=event_obj, filters=filters),
        keyset=s.SESSION_KEYSET,
        values=s.SESSION_VALUES,
        cursor=cursor,
        page_size=page_size,
    )
    return _ok(request, {**links, "results": s.sessions_out(rows, urls=s.PageUrls(request))})


@api.get(
    "/events/{event}/sessions/{slug}",
    response={200: schemas.Session, **NOT_FOUND},
    tags=["sessions"],
    operation_id="session_detail",
    summary="A session",
)
def session_detail(
    request: HttpRequest,
    event: str = Path(..., description="The event's slug.", example="cop29"),
    slug: str = Path(
        ...,
        description="The session's slug.",
        example="lgma-response-to-cop29-and-world-climate-action-summit",
    ),
):
    event_obj = _event_or_404(event)
    rows = []
    if SLUG_RE.match(slug):
        sessions = s.sessions_queryset(event=event_obj, filters={}).filter(slug=slug)
        rows = list(sessions.values(*s.SESSION_VALUES))
    if not rows:
        raise ApiError(404, _("There is no session “%(value)s” at this event.") % {"value": slug})
    return _ok(request, s.sessions_out(rows, urls=s.PageUrls(request))[0])


# People and organisations --------------------------------------------------------------


@api.get(
    "/people",
    response={200: schemas.PersonPage, **ERRORS},
    tags=["people"],
    operation_id="person_list",
    summary="Speakers",
)
def person_list(request: HttpRequest, cursor: str | None = CursorParam, page_size: int = PageSize):
    """Everyone who speaks in a published or cancelled session, by slug."""
    rows, links = _page(
        request,
        s.people_queryset(),
        keyset=s.SLUG_KEYSET,
        values=s.PERSON_VALUES,
        cursor=cursor,
        page_size=page_size,
    )
    return _ok(request, {**links, "results": s.people_out(rows, urls=s.PageUrls(request))})


@api.get(
    "/people/{slug}",
    response={200: schemas.Person, **NOT_FOUND},
    tags=["people"],
    operation_id="person_detail",
    summary="A speaker",
)
def person_detail(
    request: HttpRequest,
    slug: str = Path(..., description="The person's slug.", example="yuriko-koike"),
):
    rows = []
    if SLUG_RE.match(slug):
        rows = list(s.people_queryset().filter(slug=slug).values(*s.PERSON_VALUES))
    if not rows:
        raise ApiError(404, _("There is no speaker “%(value)s”.") % {"value": slug})
    return _ok(request, s.people_out(rows, urls=s.PageUrls(request))[0])


@api.get(
    "/organisations",
    response={200: schemas.OrganisationPage, **ERRORS},
    tags=["organisations"],
    operation_id="organisation_list",
    summary="Organisations",
)
def organisation_list(
    request: HttpRequest, cursor: str | None = CursorParam, page_size: int = PageSize
):
    """Organisations that host a session, open a venue or employ a speaker, by slug."""
    rows, links = _page(
        request,
        s.organisations_queryset(),
        keyset=s.SLUG_KEYSET,
        values=s.ORGANISATION_VALUES,
        cursor=cursor,
        page_size=page_size,
    )
    return _ok(request, {**links, "results": s.organisations_out(rows, urls=s.PageUrls(request))})


@api.get(
    "/organisations/{slug}",
    response={200: schemas.Organisation, **NOT_FOUND},
    tags=["organisations"],
    operation_id="organisation_detail",
    summary="An organisation",
)
def organisation_detail(
    request: HttpRequest,
    slug: str = Path(..., description="The organisation's slug.", example="iclei-japan"),
):
    rows = []
    if SLUG_RE.match(slug):
        rows = list(s.organisations_queryset().filter(slug=slug).values(*s.ORGANISATION_VALUES))
    if not rows:
        raise ApiError(404, _("There is no organisation “%(value)s”.") % {"value": slug})
    return _ok(request, s.organisations_out(rows, urls=s.PageUrls(request))[0])


# Glossary ------------------------------------------------------------------------------


@api.get(
    "/glossary",
    response={200: schemas.GlossaryPage, **ERRORS},
    tags=["glossary"],
    operation_id="glossary_list",
    summary="Glossary",
)
def glossary_list(
    request: HttpRequest, cursor: str | None = CursorParam, page_size: int = PageSize
):
    """The terms the site footnotes (CHAMP, LGMA, NDCs…), by slug."""
    rows, links = _page(
        request,
        s.glossary_queryset(),
        keyset=s.SLUG_KEYSET,
        values=s.GLOSSARY_VALUES,
        cursor=cursor,
        page_size=page_size,
    )
    return _ok(request, {**links, "results": s.glossary_out(rows)})
