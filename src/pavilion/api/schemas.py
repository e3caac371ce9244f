"""The API's typed shapes; django-ninja derives the OpenAPI 3 document from them.

They are plain pydantic models rather than ``ninja.Schema``: the endpoints hand
them dictionaries, never model instances, and pydantic validates those in its
compiled core, many times faster than Schema's per-object attribute lookup.

Every text staff write is given in both languages, as ``{"en": …, "ja": …}``,
with ``null`` for a language not filled in. Times are UTC (ISO 8601 with the
offset), with the event's IANA zone beside them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pavilion.programme.models import (
    Organisation,
    Participation,
    SessionHost,
    SessionLink,
    VenuePartner,
)

SessionStatus = Literal["published", "cancelled"]
SpeakerRole = Literal[tuple(Participation.Role.values)]
HostRole = Literal[tuple(SessionHost.Role.values)]
LinkKind = Literal[tuple(SessionLink.Kind.values)]
PartnerRole = Literal[tuple(VenuePartner.Role.values)]
OrganisationKind = Literal[tuple(Organisation.Kind.values)]


class Out(BaseModel):
    """An answer's object: exactly the documented fields (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")


class Text(Out):
    """A text in English and Japanese; ``null`` where that language is not filled in."""

    en: str | None
    ja: str | None


class FieldError(Out):
    field: str = Field(..., description="The query parameter at fault, such as venue.")
    message: str = Field(..., description="What is wrong, in the language asked for.")


class Error(Out):
    """Every 400 and 404 answer of the API."""

    detail: str
    errors: list[FieldError]


# References: what a list shows of a related object -------------------------------------


class OrganisationRef(Out):
    slug: str
    name: Text
    short_name: Text


class PersonRef(Out):
    slug: str
    name: Text
    title: Text
    organisation: OrganisationRef | None


class VenueRef(Out):
    slug: str
    name: Text


class SessionRef(Out):
    event: str = Field(..., description="The event's slug.")
    slug: str
    title: Text
    status: SessionStatus
    starts_at: dt.datetime | None


# Sessions ------------------------------------------------------------------------------


class TimeToBeConfirmed(Out):
    """The time of a session whose date is not confirmed yet, in the venue's zone."""

    start: str = Field(..., pattern=r"^\d{2}:\d{2}$", examples=["14:00"])
    end: str | None = Field(None, pattern=r"^\d{2}:\d{2}$", examples=["15:15"])


class Host(Out):
    role: HostRole
    organisation: OrganisationRef


class Speaker(Out):
    role: SpeakerRole
    segment: Text = Field(..., description="The part of the session, such as “Action session”.")
    person: PersonRef | None = Field(..., description="null while the speaker is to be announced.")


class Link(Out):
    kind: LinkKind
    url: str
    label: Text


class Chapter(Out):
    offset_seconds: int = Field(..., ge=0, description="Where it starts in the recording.")
    title: Text
    url: str | None = Field(..., description="The recording, opening at this chapter.")


class Session(Out):
    id: int
    event: str = Field(..., description="The event's slug.")
    slug: str
    status: SessionStatus
    cancelled: bool
    title: Text
    summary: Text
    starts_at: dt.datetime | None = Field(
        ..., description="UTC; null while the date is to be confirmed."
    )
    ends_at: dt.datetime | None
    timezone: str = Field(..., description="The event's IANA zone, such as Asia/Baku.")
    day: dt.date | None = Field(..., description="The day in the event's zone.")
    time_to_be_confirmed: TimeToBeConfirmed | None
    venue: VenueRef
    hosts: list[Host]
    speakers: list[Speaker]
    links: list[Link]
    recording_url: str | None
    chapters: list[Chapter]
    revision: int = Field(..., ge=0, description="Raised on every change (iCalendar SEQUENCE).")
    updated_at: dt.datetime
    url: Text = Field(..., description="The session's page in each language.")


# Events and venues ---------------------------------------------------------------------


class Event(Out):
    slug: str
    name: Text
    short_name: Text
    place: Text
    start_date: dt.date
    end_date: dt.date
    timezone: str = Field(..., description="The venue's IANA zone, such as Asia/Baku.")
    secondary_timezones: list[str] = Field(
        ..., description="Zones the audience reads, such as Asia/Tokyo."
    )
    is_featured: bool
    is_example: bool = Field(..., description="Invented demonstration data.")
    updated_at: dt.datetime
    url: Text = Field(..., description="The event's programme page in each language.")


class VenuePartnerOut(Out):
    role: PartnerRole
    organisation: OrganisationRef


class Venue(Out):
    event: str
    slug: str
    name: Text
    is_ours: bool = Field(..., description="The network's own pavilion at this event.")
    description: Text
    networking_area: Text
    equipment: Text
    area_m2: int | None
    capacity: int | None
    website: str | None
    partners: list[VenuePartnerOut]
    aims: list[Text]


# People, organisations, glossary -------------------------------------------------------


class PersonSession(Out):
    role: SpeakerRole
    segment: Text
    session: SessionRef


class Person(Out):
    slug: str
    name: Text
    title: Text
    bio: Text
    organisation: OrganisationRef | None
    sessions: list[PersonSession]
    updated_at: dt.datetime
    url: Text = Field(..., description="The speaker's page in each language.")


class HostedSession(Out):
    role: HostRole
    session: SessionRef


class VenueRole(Out):
    role: PartnerRole
    event: str
    venue: VenueRef


class Organisation(Out):
    slug: str
    name: Text
    short_name: Text
    kind: OrganisationKind
    country: str | None = Field(..., description="ISO 3166 two-letter code; null if international.")
    website: str | None
    hosted_sessions: list[HostedSession]
    venues: list[VenueRole]
    updated_at: dt.datetime
    url: Text = Field(..., description="The organisation's page in each language.")


class GlossaryTerm(Out):
    slug: str
    term: Text
    expansion: Text
    definition: Text
    aliases: list[str]


# Pages ---------------------------------------------------------------------------------


class _Page(Out):
    next: str | None = Field(..., description="The next page's address; null on the last page.")
    previous: str | None = Field(
        ..., description="The previous page's address; null on the first page."
    )


class SessionPage(_Page):
    results: list[Session]


class EventPage(_Page):
    results: list[Event]


class VenuePage(_Page):
    results: list[Venue]


class PersonPage(_Page):
    results: list[Person]


class OrganisationPage(_Page):
    results: list[Organisation]


class GlossaryPage(_Page):
    results: list[GlossaryTerm]
