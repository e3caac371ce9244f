"""Counting submissions per client address or e-mail address, in the shared cache.

A fixed window per (scope, kind, value): the first hit starts it, and it ends
``window`` seconds later. Values are hashed, so no address is kept in the
cache in clear."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as the web server gives it (nginx sets it from the proxy)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(*, scope: str, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one more hit for (scope, kind, value) in this window; True past the limit."""
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]
    key = f"{scope}:rate:{kind}:{digest}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit
