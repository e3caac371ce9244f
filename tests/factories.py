"""Factories for building test data."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

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
    VenuePartner,
)

BAKU = dt.timezone(dt.timedelta(hours=4))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    name_en = factory.Sequence(lambda n: f"Conference {n}")
    name_ja = factory.Sequence(lambda n: f"会議 {n}")
    place_en = "Baku, Azerbaijan"
    place_ja = "アゼルバイジャン・バクー"
    start_date = dt.date(2024, 11, 11)
    end_date = dt.date(2024, 11, 22)
    timezone = "Asia/Baku"
    secondary_timezones = factory.LazyFunction(lambda: ["Asia/Tokyo"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ja = factory.Sequence(lambda n: f"団体 {n}")
    kind = Organisation.Kind.CITY
    country = "JP"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    event = factory.SubFactory(EventFactory)
    slug = factory.Sequence(lambda n: f"venue-{n}")
    name_en = factory.Sequence(lambda n: f"Venue {n}")
    name_ja = factory.Sequence(lambda n: f"会場 {n}")
    capacity = 60


class VenuePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VenuePartner

    venue = factory.SubFactory(VenueFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name_en = factory.Sequence(lambda n: f"Speaker {n}")
    name_ja = factory.Sequence(lambda n: f"登壇者 {n}")
    title_en = "Mayor"
    title_ja = "市長"
    organisation = factory.SubFactory(OrganisationFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    venue = factory.SubFactory(VenueFactory, event=factory.SelfAttribute("..event"))
    slug = factory.Sequence(lambda n: f"session-{n}")
    title_en = factory.Sequence(lambda n: f"Session {n}")
    title_ja = factory.Sequence(lambda n: f"セッション {n}")
    summary_en = "A session about local climate action."
    summary_ja = "地域の気候変動対策についてのセッション。"
    starts_at = dt.datetime(2024, 11, 12, 16, 30, tzinfo=BAKU)
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + dt.timedelta(hours=1) if o.starts_at else None
    )
    status = Session.Status.PUBLISHED


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Participation.Role.SPEAKER


class SessionHostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionHost

    session = factory.SubFactory(SessionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = SessionHost.Role.ORGANISER


class SessionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionLink

    session = factory.SubFactory(SessionFactory)
    kind = SessionLink.Kind.WEBSITE
    url = "https://example.org/"
    label_en = "Website"
    label_ja = "ウェブサイト"


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    session = factory.SubFactory(SessionFactory)
    offset = dt.timedelta(minutes=23, seconds=5)
    title_en = "Good practice"
    title_ja = "優良事例"


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    slug = factory.Sequence(lambda n: f"term-{n}")
    term_en = factory.Sequence(lambda n: f"TERM{n}")
    definition_en = "A definition."
    definition_ja = "定義。"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "correct horse battery")
        if create:
            obj.save(update_fields=["password"])


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


# --- Networking area (tables, opening hours, bookings) ---------------------------------------

from pavilion.networking.models import (  # noqa: E402
    NetworkingTable,
    OpeningHours,
    TableBooking,
)


class NetworkingTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkingTable

    venue = factory.SubFactory(VenueFactory, is_ours=True)
    name_en = factory.Sequence(lambda n: f"Table {n}")
    name_ja = factory.Sequence(lambda n: f"テーブル {n}")
    seats = 4


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    venue = factory.SubFactory(VenueFactory, is_ours=True)
    date = factory.LazyAttribute(lambda o: o.venue.event.start_date)
    opens = dt.time(10, 0)
    closes = dt.time(12, 0)


class TableBookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableBooking

    table = factory.SubFactory(NetworkingTableFactory)
    slot_start = factory.LazyAttribute(
        lambda o: dt.datetime.combine(
            o.table.venue.event.start_date, dt.time(10, 0), tzinfo=o.table.venue.event.tzinfo
        )
    )
    organisation_name = factory.Sequence(lambda n: f"Requesting City {n}")
    contact_name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    language = "en"
    purpose = "A meeting between partner cities."
    status = TableBooking.Status.REQUESTED


# --- end of networking area factories ---------------------------------------------------------


# --- Seat registration and waiting lists ------------------------------------------------------

from pavilion.registration.models import (  # noqa: E402
    Registration,
    RegistrationSettings,
    email_key,
)


class RegistrationSettingsFactory(factory.django.DjangoModelFactory):
    """Open registration for a session (the default session is on 12 Nov 2024: pass a
    ``now`` before that to the services)."""

    class Meta:
        model = RegistrationSettings

    session = factory.SubFactory(SessionFactory)
    is_open = True
    capacity = None
    offer_hours = 24


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration; pass status and position for someone waiting."""

    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    organisation = factory.Sequence(lambda n: f"City {n}")
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    email_key = factory.LazyAttribute(lambda o: email_key(o.email))
    language = "en"
    consent_at = dt.datetime(2024, 11, 1, 9, 0, tzinfo=dt.UTC)
    status = Registration.Status.CONFIRMED


# --- end of seat registration factories -------------------------------------------------------
