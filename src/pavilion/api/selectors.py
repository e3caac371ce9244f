"""Reads for the API: what the public pages show, as plain data in both languages.

Lists read rows with ``values()`` (no model instances) and fetch the related
rows of a whole page at once, so each list costs the same few queries whatever
the page size. The filters are the programme page's (``programme_queryset``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from pavilion.core.i18n import LANGS
from pavilion.core.timefmt import zone
from pavilion.pages.models import GlossaryTerm
from pavilion.programme.models import (
    Chapter,
    Event,
    Organisation,
    Participation,
    Person,
    Session,
    SessionHost,
    SessionLink,
    Venue,
    VenueAim,
    VenuePartner,
    recording_url_at,
)
from pavilion.programme.selectors import (
    PUBLIC_STATUSES,
    programme_queryset,
    session_text_filter,
)

from .pagination import KeyField, Keyset

SESSION_KEYSET = Keyset(KeyField("starts_at", dt.datetime, nullable=True), KeyField("id", int))
EVENT_KEYSET = Keyset(KeyField("start_date", dt.date, descending=True), KeyField("slug", str))
VENUE_KEYSET = Keyset(KeyField("order", int), KeyField("slug", str))
SLUG_KEYSET = Keyset(KeyField("slug", str))


def text(en: str | None, ja: str | None) -> dict:
    """Both languages of a text; a language not filled in is None (never "")."""
    return {
        "en": en if en and en.strip() else None,
        "ja": ja if ja and ja.strip() else None,
    }


class PageUrls:
    """Addresses of the public pages in each language, absolute.

    Each route is reversed once per request, with stand-ins for its slugs; the
    slugs of each row are put in place of the stand-ins (slugs need no quoting)."""

    def __init__(self, request: HttpRequest) -> None:
        self.base = request.build_absolute_uri("/").rstrip("/")
        self._templates: dict[tuple, str] = {}

    @staticmethod
    def _stand_in(name: str) -> str:
        return f"pavilion-api-{name}-stand-in"

    def __call__(self, viewname: str, **slugs: str) -> dict:
        names = tuple(sorted(slugs))
        result = {}
        for lang in LANGS:
            key = (viewname, lang, names)
            template = self._templates.get(key)
            if template is None:
                with translation.override(lang):
                    template = self.base + reverse(
                        viewname, kwargs={n: self._stand_in(n) for n in names}
                    )
                self._templates[key] = template
            url = template
            for name in names:
                url = url.replace(self._stand_in(name), slugs[name])
            result[lang] = url
        return result


# Events and venues ---------------------------------------------------------------------


def event_public(*, slug: str) -> Event | None:
    return Event.objects.filter(slug=slug, is_public=True).first()


EVENT_VALUES = (
    "id",
    "slug",
    "name_en",
    "name_ja",
    "short_name_en",
    "short_name_ja",
    "place_en",
    "place_ja",
    "start_date",
    "end_date",
    "timezone",
    "secondary_timezones",
    "is_featured",
    "is_example",
    "updated_at",
)


def events_queryset() -> QuerySet[Event]:
    return Event.objects.filter(is_public=True)


def events_out(rows: Iterable[dict], *, urls: PageUrls) -> list[dict]:
    return [
        {
            "slug": r["slug"],
            "name": text(r["name_en"], r["name_ja"]),
            "short_name": text(r["short_name_en"], r["short_name_ja"]),
            "place": text(r["place_en"], r["place_ja"]),
            "start_date": r["start_date"],
            "end_date": r["end_date"],
            "timezone": r["timezone"],
            "secondary_timezones": list(r["secondary_timezones"] or []),
            "is_featured": r["is_featured"],
            "is_example": r["is_example"],
            "updated_at": r["updated_at"],
            "url": urls("programme:programme", event=r["slug"]),
        }
        for r in rows
    ]


VENUE_VALUES = (
    "id",
    "slug",
    "order",
    "event__slug",
    "name_en",
    "name_ja",
    "is_ours",
    "description_en",
    "description_ja",
    "networking_area_en",
    "networking_area_ja",
    "equipment_en",
    "equipment_ja",
    "area_m2",
    "capacity",
    "website",
)


def venues_queryset(*, event: Event) -> QuerySet[Venue]:
    return Venue.objects.filter(event=event)


def _organisation_ref(prefix: str, row: dict) -> dict | None:
    slug = row[f"{prefix}slug"]
    if slug is None:
        return None
    return {
        "slug": slug,
        "name": text(row[f"{prefix}name_en"], row[f"{prefix}name_ja"]),
        "short_name": text(row[f"{prefix}short_name_en"], row[f"{prefix}short_name_ja"]),
    }


def _organisation_fields(prefix: str) -> tuple[str, ...]:
    return tuple(
        f"{prefix}{name}"
        for name in ("slug", "name_en", "name_ja", "short_name_en", "short_name_ja")
    )


def venues_out(rows: list[dict]) -> list[dict]:
    ids = [r["id"] for r in rows]
    partners: dict[int, list] = defaultdict(list)
    aims: dict[int, list] = defaultdict(list)
    if ids:
        org = "organisation__"
        for p in (
            VenuePartner.objects.filter(venue_id__in=ids)
            .order_by("venue_id", "order", "id")
            .values("venue_id", "role", *_organisation_fields(org))
        ):
            partners[p["venue_id"]].append(
                {"role": p["role"], "organisation": _organisation_ref(org, p)}
            )
        for a in (
            VenueAim.objects.filter(venue_id__in=ids)
            .order_by("venue_id", "order", "id")
            .values("venue_id", "text_en", "text_ja")
        ):
            aims[a["venue_id"]].append(text(a["text_en"], a["text_ja"]))
    return [
        {
            "event": r["event__slug"],
            "slug": r["slug"],
            "name": text(r["name_en"], r["name_ja"]),
            "is_ours": r["is_ours"],
            "description": text(r["description_en"], r["description_ja"]),
            "networking_area": text(r["networking_area_en"], r["networking_area_ja"]),
            "equipment": text(r["equipment_en"], r["equipment_ja"]),
            "area_m2": r["area_m2"],
            "capacity": r["capacity"],
            "website": r["website"] or None,
            "partners": partners[r["id"]],
            "aims": aims[r["id"]],
        }
        for r in rows
    ]


# Sessions ------------------------------------------------------------------------------


def sessions_queryset(*, event: Event | None, filters: dict) -> QuerySet[Session]:
    """Public sessions of public events, narrowed by the programme page's filters.

    ``filters`` holds parsed values: ``venue``, ``host``, ``speaker`` (objects),
    ``q`` (text), ``day`` (a date in the event's zone; needs the event) and
    ``updated_since`` (an aware datetime)."""
    if event is not None:
        qs = programme_queryset(event=event, filters=filters)
        if day := filters.get("day"):
            start = dt.datetime.combine(day, dt.time.min, tzinfo=event.tzinfo)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=event.tzinfo)
            qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    else:
        # Across events: the same filters, hosts and speakers as semi-joins.
        qs = Session.objects.public().filter(event__is_public=True)
        if host := filters.get("host"):
            qs = qs.filter(
                pk__in=SessionHost.objects.filter(organisation=host).values("session_id")
            )
        if speaker := filters.get("speaker"):
            qs = qs.filter(pk__in=Participation.objects.filter(person=speaker).values("session_id"))
        if q := filters.get("q"):
            qs = qs.filter(session_text_filter(q))
    if since := filters.get("updated_since"):
        qs = qs.filter(updated_at__gte=since)
    return qs


SESSION_VALUES = (
    "id",
    "slug",
    "status",
    "title_en",
    "title_ja",
    "summary_en",
    "summary_ja",
    "starts_at",
    "ends_at",
    "tbc_start_time",
    "tbc_end_time",
    "recording_url",
    "sequence",
    "updated_at",
    "event__slug",
    "event__timezone",
    "venue__slug",
    "venue__name_en",
    "venue__name_ja",
)


def _hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _organisations_by_id(ids: set[int]) -> dict[int, dict]:
    if not ids:
        return {}
    rows = (
        Organisation.objects.filter(pk__in=ids).order_by().values("id", *_organisation_fields(""))
    )
    return {row["id"]: _organisation_ref("", row) for row in rows}


def sessions_out(rows: list[dict], *, urls: PageUrls) -> list[dict]:
    """Sessions with their hosts, speakers, links and chapters: six queries for any number.

    Hosts, speakers, people and organisations are each read on their own, by
    key, rather than joined: a join lets the database hash a whole table of
    people or organisations to find the few a page names."""
    ids = [r["id"] for r in rows]
    hosts: dict[int, list] = defaultdict(list)
    speakers: dict[int, list] = defaultdict(list)
    links: dict[int, list] = defaultdict(list)
    chapters: dict[int, list] = defaultdict(list)
    if ids:
        host_rows = list(
            SessionHost.objects.filter(session_id__in=ids)
            .order_by("session_id", "order", "id")
            .values("session_id", "role", "organisation_id")
        )
        parts = list(
            Participation.objects.filter(session_id__in=ids)
            .order_by("session_id", "order", "id")
            .values("session_id", "role", "segment_en", "segment_ja", "person_id")
        )
        person_rows = list(
            Person.objects.filter(pk__in={p["person_id"] for p in parts if p["person_id"]})
            .order_by()
            .values("id", "slug", "name_en", "name_ja", "title_en", "title_ja", "organisation_id")
        )
        organisations = _organisations_by_id(
            {h["organisation_id"] for h in host_rows}
            | {p["organisation_id"] for p in person_rows if p["organisation_id"]}
        )
        people = {
            p["id"]: {
                "slug": p["slug"],
                "name": text(p["name_en"], p["name_ja"]),
                "title": text(p["title_en"], p["title_ja"]),
                "organisation": organisations.get(p["organisation_id"]),
            }
            for p in person_rows
        }
        for h in host_rows:
            hosts[h["session_id"]].append(
                {"role": h["role"], "organisation": organisations[h["organisation_id"]]}
            )
        for part in parts:
            speakers[part["session_id"]].append(
                {
                    "role": part["role"],
                    "segment": text(part["segment_en"], part["segment_ja"]),
                    "person": people.get(part["person_id"]),
                }
            )
        for link in (
            SessionLink.objects.filter(session_id__in=ids)
            .order_by("session_id", "order", "id")
            .values("session_id", "kind", "url", "label_en", "label_ja")
        ):
            links[link["session_id"]].append(
                {
                    "kind": link["kind"],
                    "url": link["url"],
                    "label": text(link["label_en"], link["label_ja"]),
                }
            )
        for c in (
            Chapter.objects.filter(session_id__in=ids)
            .order_by("session_id", "offset", "id")
            .values("session_id", "offset", "title_en", "title_ja")
        ):
            chapters[c["session_id"]].append(c)

    result = []
    for r in rows:
        starts_at = r["starts_at"]
        recording = r["recording_url"] or None
        tbc = None
        if starts_at is None and r["tbc_start_time"] is not None:
            tbc = {"start": _hhmm(r["tbc_start_time"]), "end": _hhmm(r["tbc_end_time"])}
        result.append(
            {
                "id": r["id"],
                "event": r["event__slug"],
                "slug": r["slug"],
                "status": r["status"],
                "cancelled": r["status"] == Session.Status.CANCELLED,
                "title": text(r["title_en"], r["title_ja"]),
                "summary": text(r["summary_en"], r["summary_ja"]),
                "starts_at": starts_at,
                "ends_at": r["ends_at"],
                "timezone": r["event__timezone"],
                "day": (
                    starts_at.astimezone(zone(r["event__timezone"])).date() if starts_at else None
                ),
                "time_to_be_confirmed": tbc,
                "venue": {
                    "slug": r["venue__slug"],
                    "name": text(r["venue__name_en"], r["venue__name_ja"]),
                },
                "hosts": hosts[r["id"]],
                "speakers": speakers[r["id"]],
                "links": links[r["id"]],
                "recording_url": recording,
                "chapters": [
                    {
                        "offset_seconds": int(c["offset"].total_seconds()),
                        "title": text(c["title_en"], c["title_ja"]),
                        "url": (
                            recording_url_at(recording, int(c["offset"].total_seconds()))
                            if recording
                            else None
                        ),
                    }
                    for c in chapters[r["id"]]
                ],
                "revision": r["sequence"],
                "updated_at": r["updated_at"],
                "url": urls("programme:session", event=r["event__slug"], slug=r["slug"]),
            }
        )
    return result


def _session_ref(prefix: str, row: dict) -> dict:
    return {
        "event": row[f"{prefix}event__slug"],
        "slug": row[f"{prefix}slug"],
        "title": text(row[f"{prefix}title_en"], row[f"{prefix}title_ja"]),
        "status": row[f"{prefix}status"],
        "starts_at": row[f"{prefix}starts_at"],
    }


def _session_ref_fields(prefix: str) -> tuple[str, ...]:
    return tuple(
        f"{prefix}{name}"
        for name in ("event__slug", "slug", "title_en", "title_ja", "status", "starts_at")
    )


def _public_session(prefix: str) -> Q:
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES, f"{prefix}event__is_public": True})


SESSION_REF_ORDER = (
    F("session__event__start_date").desc(),
    F("session__starts_at").asc(nulls_last=True),
    F("session__id").asc(),
)


# People --------------------------------------------------------------------------------


def _speaking_person_ids() -> QuerySet:
    return Participation.objects.filter(_public_session("session__"), person__isnull=False).values(
        "person_id"
    )


PERSON_VALUES = (
    "id",
    "slug",
    "name_en",
    "name_ja",
    "title_en",
    "title_ja",
    "bio_en",
    "bio_ja",
    "updated_at",
    *_organisation_fields("organisation__"),
)


def people_queryset() -> QuerySet[Person]:
    """People who speak in a public session of a public event; no one else."""
    return Person.objects.filter(pk__in=_speaking_person_ids())


def people_out(rows: list[dict], *, urls: PageUrls) -> list[dict]:
    ids = [r["id"] for r in rows]
    sessions: dict[int, list] = defaultdict(list)
    if ids:
        for p in (
            Participation.objects.filter(_public_session("session__"), person_id__in=ids)
            .order_by("person_id", *SESSION_REF_ORDER, "order", "id")
            .values(
                "person_id", "role", "segment_en", "segment_ja", *_session_ref_fields("session__")
            )
        ):
            sessions[p["person_id"]].append(
                {
                    "role": p["role"],
                    "segment": text(p["segment_en"], p["segment_ja"]),
                    "session": _session_ref("session__", p),
                }
            )
    return [
        {
            "slug": r["slug"],
            "name": text(r["name_en"], r["name_ja"]),
            "title": text(r["title_en"], r["title_ja"]),
            "bio": text(r["bio_en"], r["bio_ja"]),
            "organisation": _organisation_ref("organisation__", r),
            "sessions": sessions[r["id"]],
            "updated_at": r["updated_at"],
            "url": urls("programme:speaker", slug=r["slug"]),
        }
        for r in rows
    ]


# Organisations -------------------------------------------------------------------------


ORGANISATION_VALUES = (
    "id",
    "slug",
    "name_en",
    "name_ja",
    "short_name_en",
    "short_name_ja",
    "kind",
    "country",
    "website",
    "updated_at",
)


def organisations_queryset() -> QuerySet[Organisation]:
    """Organisations with a public role: hosting a public session, opening a venue of a
    public event, or employing someone who speaks in a public session."""
    hosting = SessionHost.objects.filter(_public_session("session__")).values("organisation_id")
    partnering = VenuePartner.objects.filter(venue__event__is_public=True).values("organisation_id")
    employing = Person.objects.filter(pk__in=_speaking_person_ids()).values("organisation_id")
    return Organisation.objects.filter(
        Q(pk__in=hosting) | Q(pk__in=partnering) | Q(pk__in=employing)
    )


def organisations_out(rows: list[dict], *, urls: PageUrls) -> list[dict]:
    ids = [r["id"] for r in rows]
    hosted: dict[int, list] = defaultdict(list)
    venues: dict[int, list] = defaultdict(list)
    if ids:
        for h in (
            SessionHost.objects.filter(_public_session("session__"), organisation_id__in=ids)
            .order_by("organisation_id", *SESSION_REF_ORDER, "id")
            .values("organisation_id", "role", *_session_ref_fields("session__"))
        ):
            hosted[h["organisation_id"]].append(
                {"role": h["role"], "session": _session_ref("session__", h)}
            )
        for v in (
            VenuePartner.objects.filter(organisation_id__in=ids, venue__event__is_public=True)
            .order_by("organisation_id", "-venue__event__start_date", "order", "id")
            .values(
                "organisation_id",
                "role",
                "venue__event__slug",
                "venue__slug",
                "venue__name_en",
                "venue__name_ja",
            )
        ):
            venues[v["organisation_id"]].append(
                {
                    "role": v["role"],
                    "event": v["venue__event__slug"],
                    "venue": {
                        "slug": v["venue__slug"],
                        "name": text(v["venue__name_en"], v["venue__name_ja"]),
                    },
                }
            )
    return [
        {
            "slug": r["slug"],
            "name": text(r["name_en"], r["name_ja"]),
            "short_name": text(r["short_name_en"], r["short_name_ja"]),
            "kind": r["kind"],
            "country": r["country"] or None,
            "website": r["website"] or None,
            "hosted_sessions": hosted[r["id"]],
            "venues": venues[r["id"]],
            "updated_at": r["updated_at"],
            "url": urls("programme:organisation", slug=r["slug"]),
        }
        for r in rows
    ]


# Glossary ------------------------------------------------------------------------------


GLOSSARY_VALUES = (
    "id",
    "slug",
    "term_en",
    "term_ja",
    "expansion_en",
    "expansion_ja",
    "definition_en",
    "definition_ja",
    "aliases",
)


def glossary_queryset() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.all()


def _aliases(value: str) -> list[str]:
    forms = (item.strip() for item in value.replace(",", "\n").splitlines())
    return [form for form in forms if form]


def glossary_out(rows: list[dict]) -> list[dict]:
    return [
        {
            "slug": r["slug"],
            "term": text(r["term_en"], r["term_ja"]),
            "expansion": text(r["expansion_en"], r["expansion_ja"]),
            "definition": text(r["definition_en"], r["definition_ja"]),
            "aliases": _aliases(r["aliases"]),
        }
        for r in rows
    ]
