"""Knowing when the programme changed: versions for caches and ETags, revisions for calendars.

Every exported view of a programme (calendar feeds, schedule files, API pages)
may be cached under a key that contains ``programme_version(event_id)``; any
change to the event's programme moves that version on, so a stale copy is
never served. The versions live in the shared cache (Redis in production), so
every app server sees the same ones.

Changes made through the ORM one object at a time are caught by the signal
receivers in ``signals.py``. Code that writes in bulk (``bulk_create``,
``QuerySet.update``) must call ``programme_changed`` and ``sessions_revised``
itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

ALL = "all"
TIMEOUT = None  # versions never expire by themselves


def _key(scope: int | str) -> str:
    return f"programme:version:{scope}"


def _fresh() -> int:
    """A starting version no earlier one can equal, even after the cache was emptied."""
    return int(timezone.now().timestamp() * 1_000_000)


def _get(scope: int | str) -> int:
    key = _key(scope)
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh(), TIMEOUT)
        value = cache.get(key) or _fresh()
    return int(value)


def _bump(scope: int | str) -> None:
    key = _key(scope)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache yet (or evicted): start a new, different version
        cache.set(key, _fresh(), TIMEOUT)


def programme_version(event_id: int) -> str:
    """A token that changes whenever the event's programme (or anything shared) changes."""
    return f"{_get(event_id)}.{_get(ALL)}"


def programme_changed(event_ids: Iterable[int] | None = None) -> None:
    """Move the versions on, after the current transaction commits.

    ``None`` means something shared by every event changed (a person, an
    organisation, a glossary term)."""

    def bump() -> None:
        if event_ids is None:
            _bump(ALL)
        else:
            for event_id in set(event_ids):
                _bump(event_id)

    transaction.on_commit(bump)


def sessions_revised(session_ids: Iterable[int]) -> None:
    """Raise the revision (iCalendar SEQUENCE) and the modification time of sessions."""
    from .models import Session

    ids = list(set(session_ids))
    if ids:
        Session.objects.filter(pk__in=ids).update(
            sequence=F("sequence") + 1, updated_at=timezone.now()
        )
