"""The read-only JSON API, /api/v1/.

Every answer, errors and the OpenAPI document included, is open to other sites
(CORS ``*``: the data is public and nothing depends on cookies) and carries an
ETag, so a client that sends ``If-None-Match`` gets ``304 Not Modified`` when
nothing changed.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import URLPattern, re_path
from django.utils.decorators import decorator_from_middleware

from .api import api, not_found_view

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Language",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def open_to_all_sites(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204, headers=PREFLIGHT_HEADERS)
        else:
            response = view(request, *args, **kwargs)
        for name, value in CORS_HEADERS.items():
            response.headers[name] = value
        return response

    return wrapped


def _wrap(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = open_to_all_sites(conditional_get(pattern.callback))
    return patterns


_patterns, _app, app_name = api.urls  # the namespace ninja reverses its own pages in

urlpatterns: list = _wrap(
    [
        *_patterns,
        re_path(r"^.*$", not_found_view, name="not-found"),
    ]
)
