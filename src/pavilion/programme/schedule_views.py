"""The schedule files over HTTP: open to any site (CORS), cached, and revalidated cheaply.

``/events/<event>/schedule.xml``, ``schedule.json`` and ``schedule2.json`` (see
schedule.py for the formats), in English by default or ``?lang=ja``.

- ``ETag`` comes from the programme version and the parameters, so a client that sends
  it back (``If-None-Match``) gets a 304 without the file being read or built;
  ``Last-Modified`` is the latest change to anything the file shows
  (``If-Modified-Since`` is honoured when no ``If-None-Match`` is sent, as HTTP says).
  Deleting a session outright does not move it, as nothing left carries the time; the
  ETag does move, and clients that have one send it.
- Shared caches may keep a copy for five minutes (``Cache-Control: public,
  max-age=300``); behind them the built bytes stay in the Django cache until the
  programme changes.
- A bad ``lang`` is a 400 and an unknown event a 404, with the message in the file's
  own format (XML or JSON).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from pavilion.core.i18n import LANGS

from . import selectors
from .cache import programme_version
from .schedule import EXPORTERS, parse_lang, schedule_etag, schedule_export

MAX_AGE = 300
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


def _open(response: HttpResponse) -> HttpResponse:
    """Readable from any web page: schedule files are public."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _cacheable(response: HttpResponse, *, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return _open(response)


def _error(exporter: str, *, status: int, parameter: str, message: str) -> HttpResponse:
    cls = EXPORTERS[exporter]
    body = cls.error_body(status=status, parameter=parameter, message=message)
    return _open(HttpResponse(body, status=status, content_type=cls.content_type))


def schedule(request: HttpRequest, event: str, exporter: str) -> HttpResponse:
    if request.method == "OPTIONS":  # a browser's preflight, for a conditional request
        response = HttpResponse(status=204)
        response["Allow"] = ALLOWED_METHODS
        response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response["Access-Control-Max-Age"] = "86400"
        return _open(response)
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = ALLOWED_METHODS
        return _open(response)

    lang = parse_lang(request.GET.get("lang"))
    if lang is None:
        return _error(
            exporter,
            status=400,
            parameter="lang",
            message=_("“%(value)s” is not a language of this schedule: use one of %(choices)s.")
            % {"value": request.GET.get("lang"), "choices": ", ".join(LANGS)},
        )
    try:
        event_obj = selectors.event_get_public(slug=event)
    except Http404:
        return _error(
            exporter,
            status=404,
            parameter="event",
            message=_("There is no public event “%(event)s”.") % {"event": event},
        )

    base_url = request.build_absolute_uri("/")
    version = programme_version(event_obj.pk)  # before the data: see schedule_export
    etag = schedule_etag(
        exporter=exporter, event_id=event_obj.pk, version=version, lang=lang, base_url=base_url
    )
    if request.headers.get("If-None-Match"):
        # The ETag alone decides: answer without reading or building the file.
        not_modified = get_conditional_response(request, etag=etag, response=None)
        if not_modified is not None:
            return _cacheable(not_modified, etag=etag)

    export = schedule_export(
        exporter=exporter, event=event_obj, lang=lang, base_url=base_url, version=version
    )
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Language"] = lang
    last_modified = int(export.last_modified.timestamp())
    response["Last-Modified"] = http_date(last_modified)
    _cacheable(response, etag=etag)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    if conditional is not response:
        _cacheable(conditional, etag=etag)
    return conditional
