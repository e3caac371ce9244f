"""Cursor (keyset) pagination: a page continues after the last row seen, by its sort key.

A cursor is an opaque token holding a direction and the sort key of the row it
continues from, such as ``(starts_at, id)`` for sessions. Unlike a page number,
it does not shift when rows are added or removed before it, and every page is
one indexed range query, however deep into the list it is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

NEXT = "n"
PREVIOUS = "p"


class BadCursor(ValueError):
    """The cursor was not made by this API (or was damaged on the way)."""


@dataclass(frozen=True, slots=True)
class KeyField:
    """One part of a sort key: the field, its type and its direction.

    ``nullable`` fields sort with their empty values last (ascending only)."""

    name: str
    kind: type = int
    descending: bool = False
    nullable: bool = False

    def dump(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def load(self, raw: Any) -> Any:
        if raw is None:
            if not self.nullable:
                raise BadCursor(self.name)
            return None
        try:
            if self.kind is dt.datetime:
                value = dt.datetime.fromisoformat(raw)
                if value.tzinfo is None:
                    raise BadCursor(self.name)
                return value.astimezone(dt.UTC)
            if self.kind is dt.date:
                return dt.date.fromisoformat(raw)
            if self.kind is int:
                if isinstance(raw, bool) or not isinstance(raw, int):
                    raise BadCursor(self.name)
                return raw
            if not isinstance(raw, str) or "\x00" in raw:
                raise BadCursor(self.name)
            return raw
        except (TypeError, ValueError, OverflowError) as exc:
            raise BadCursor(self.name) from exc


@dataclass(frozen=True, slots=True)
class Cursor:
    direction: str
    key: tuple


class Keyset:
    """A total order over rows, and the queries that continue it from a key."""

    def __init__(self, *fields: KeyField) -> None:
        if any(f.nullable for f in fields[1:]) or (fields[0].nullable and fields[0].descending):
            raise ValueError("Only the first field may be nullable, and then ascending.")
        self.fields = fields

    # Ordering -------------------------------------------------------------

    def ordering(self, *, reverse: bool = False) -> list[OrderBy]:
        result = []
        for f in self.fields:
            descending = f.descending != reverse
            if descending:
                result.append(F(f.name).desc(nulls_first=True) if f.nullable else F(f.name).desc())
            else:
                result.append(F(f.name).asc(nulls_last=True) if f.nullable else F(f.name).asc())
        return result

    # Comparisons ----------------------------------------------------------

    @staticmethod
    def _nothing() -> Q:
        return Q(pk__in=[])

    @staticmethod
    def _past_on(fields: tuple[KeyField, ...], key: tuple, *, forward: bool) -> Q:
        """Rows strictly past ``key`` on non-nullable fields, lexicographically."""
        condition = Keyset._nothing()
        equal_so_far = Q()
        for f, value in zip(fields, key, strict=True):
            greater = forward != f.descending
            condition |= equal_so_far & Q(**{f"{f.name}__{'gt' if greater else 'lt'}": value})
            equal_so_far &= Q(**{f.name: value})
        return condition

    def segments(self, key: tuple, *, forward: bool) -> list[Q]:
        """The rows past ``key`` (after it, or before it), as conditions to read in turn.

        Each is a plain range on the first field, which an index on that field
        serves; rows with an empty first field (sorted last) are a segment of
        their own, read only when the ones before do not fill the page."""
        first, rest = self.fields[0], self.fields[1:]
        value, rest_key = key[0], key[1:]
        rest_past = self._past_on(rest, rest_key, forward=forward)
        name = first.name
        if value is None:  # only a nullable first field holds None
            tail = Q(**{f"{name}__isnull": True}) & rest_past
            return [tail] if forward else [tail, Q(**{f"{name}__isnull": False})]
        greater = forward != first.descending
        op, bound = ("gt", "gte") if greater else ("lt", "lte")
        within = Q(**{f"{name}__{bound}": value}) & (
            Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & rest_past)
        )
        if first.nullable and forward:
            return [within, Q(**{f"{name}__isnull": True})]
        return [within]

    # Keys and cursors -----------------------------------------------------

    def key_of(self, row: dict) -> tuple:
        return tuple(row[f.name] for f in self.fields)

    def encode(self, cursor: Cursor) -> str:
        payload = {
            "d": cursor.direction,
            "k": [f.dump(v) for f, v in zip(self.fields, cursor.key, strict=True)],
        }
        raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def decode(self, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = json.loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, UnicodeError) as exc:
            raise BadCursor("cursor") from exc
        if not isinstance(payload, dict) or payload.get("d") not in (NEXT, PREVIOUS):
            raise BadCursor("cursor")
        values = payload.get("k")
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise BadCursor("cursor")
        key = tuple(f.load(v) for f, v in zip(self.fields, values, strict=True))
        return Cursor(payload["d"], key)


@dataclass(slots=True)
class Page:
    rows: list[dict]
    next: Cursor | None
    previous: Cursor | None


def paginate(
    queryset: QuerySet, *, keyset: Keyset, cursor: Cursor | None, size: int, values: tuple[str, ...]
) -> Page:
    """One page of ``queryset`` as dictionaries of ``values`` (which include the key's fields).

    The page's primary keys are chosen first, sorting narrow rows only, then
    the wide rows of just those are read: one query with a subquery, or, when
    the page spans segments (the last dated sessions and the first undated
    ones), one query per segment and one for the rows."""
    forward = cursor is None or cursor.direction == NEXT
    ordering = keyset.ordering(reverse=not forward)
    segments = [Q()] if cursor is None else keyset.segments(cursor.key, forward=forward)
    wide = queryset.model._base_manager.order_by(*ordering)

    def chosen(segment: Q, count: int) -> QuerySet:
        return queryset.filter(segment).order_by(*ordering).values_list("pk", flat=True)[:count]

    if len(segments) == 1:  # the usual case: one query, choosing the keys in a subquery
        rows = list(wide.filter(pk__in=chosen(segments[0], size + 1)).values(*values))
    else:
        ids: list = []
        for segment in segments:
            wanted = size + 1 - len(ids)
            if wanted <= 0:
                break
            ids.extend(chosen(segment, wanted))
        rows = list(wide.filter(pk__in=ids).values(*values)) if ids else []
    more = len(rows) > size
    rows = rows[:size]

    if forward:
        following = Cursor(NEXT, keyset.key_of(rows[-1])) if more else None
        if cursor is None:
            preceding = None
        elif rows:
            preceding = Cursor(PREVIOUS, keyset.key_of(rows[0]))
        else:  # past the end: the way back starts from the cursor itself
            preceding = Cursor(PREVIOUS, cursor.key)
        return Page(rows, following, preceding)

    if not rows:  # nothing before the cursor (any more): start from the beginning
        return paginate(queryset, keyset=keyset, cursor=None, size=size, values=values)
    rows.reverse()
    preceding = Cursor(PREVIOUS, keyset.key_of(rows[0])) if more else None
    return Page(rows, Cursor(NEXT, keyset.key_of(rows[-1])), preceding)
