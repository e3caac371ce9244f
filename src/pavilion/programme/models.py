"""Events, venues, organisations, people and the sessions of a programme.

Times are stored in UTC as aware datetimes; each event carries its IANA zone
and the secondary zones its audience reads (Asia/Tokyo for a Japanese one).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel
from pavilion.core.timefmt import is_valid_zone, zone


def validate_zone(value: str) -> None:
    if not is_valid_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone, such as Asia/Tokyo."),
            params={"value": value},
            code="invalid_zone",
        )


def validate_zone_list(value: list) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of time zone names."), code="invalid_zone_list")
    for item in value:
        validate_zone(item)


def validate_country(value: str) -> None:
    if value and value not in Locale("en").territories:
        raise ValidationError(
            _("“%(value)s” is not a known two-letter country code."),
            params={"value": value},
            code="invalid_country",
        )


def require_one_language(obj: models.Model, field: str) -> None:
    if not (
        (getattr(obj, f"{field}_en") or "").strip() or (getattr(obj, f"{field}_ja") or "").strip()
    ):
        raise ValidationError({f"{field}_en": _("Fill this in English or Japanese (or both).")})


class Event(BilingualMixin, TimeStampedModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    short_name_ja = models.CharField(_("short name (Japanese)"), max_length=60, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    place_ja = models.CharField(_("place (Japanese)"), max_length=200, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_zone],
        help_text=_("The IANA zone of the venue, such as Asia/Baku."),
    )
    secondary_timezones = models.JSONField(
        _("other time zones shown"),
        default=list,
        blank=True,
        validators=[validate_zone_list],
        help_text=_('Zones whose times are printed beside the venue\'s, such as ["Asia/Tokyo"].'),
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("The event the home page presents.")
    )
    is_example = models.BooleanField(
        _("example"),
        default=False,
        help_text=_("Invented demonstration data; the site labels it as an example."),
    )
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_featured"],
                condition=Q(is_featured=True),
                name="programme_event_one_featured",
                violation_error_message=_("Only one event can be featured."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="programme_event_dates_ordered",
                violation_error_message=_("The last day must not be before the first day."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.tr("name"))

    def clean(self) -> None:
        require_one_language(self, "name")

    def get_absolute_url(self) -> str:
        return reverse("programme:programme", kwargs={"event": self.slug})

    @property
    def tzinfo(self):
        return zone(self.timezone)

    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=n) for n in range(count)]

    def local_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The event's first and last instant, in UTC-comparable aware datetimes."""
        tz = self.tzinfo
        start = dt.datetime.combine(self.start_date, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end_date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


class Organisation(BilingualMixin, TimeStampedModel):
    class Kind(models.TextChoices):
        CITY = "city", _("City or town")
        REGION = "region", _("Region or province")
        NATIONAL_AGENCY = "national_agency", _("National ministry or agency")
        UN_AGENCY = "un_agency", _("UN agency")
        NGO = "ngo", _("Non-governmental organisation")
        UNIVERSITY = "university", _("University")
        RESEARCH = "research", _("Research institute")
        BUSINESS = "business", _("Business")
        NETWORK_OFFICE = "network_office", _("Network office")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=250, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    short_name_ja = models.CharField(_("short name (Japanese)"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_("Two-letter ISO code, such as JP. Leave empty for international bodies."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en", "name_ja"]

    def __str__(self) -> str:
        return str(self.tr("name"))

    def clean(self) -> None:
        require_one_language(self, "name")
        if self.country:
            self.country = self.country.upper()

    def get_absolute_url(self) -> str:
        return reverse("programme:organisation", kwargs={"slug": self.slug})

    def country_name(self, lang: str) -> str:
        return Locale.parse(lang).territories.get(self.country, "") if self.country else ""


class Venue(BilingualMixin, TimeStampedModel):
    """A place sessions happen: our pavilion, or another (the Japan Pavilion)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="venues"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    is_ours = models.BooleanField(
        _("our pavilion"), default=False, help_text=_("The network's own pavilion at this event.")
    )
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    networking_area_en = models.TextField(_("networking area (English)"), blank=True)
    networking_area_ja = models.TextField(_("networking area (Japanese)"), blank=True)
    equipment_en = models.CharField(_("equipment (English)"), max_length=300, blank=True)
    equipment_ja = models.CharField(_("equipment (Japanese)"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["event", "-is_ours", "order", "name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slug"], name="programme_venue_slug_per_event"
            ),
        ]

    def __str__(self) -> str:
        return str(self.tr("name"))

    def clean(self) -> None:
        require_one_language(self, "name")


class VenuePartner(BilingualMixin, models.Model):
    """An organisation that opens or supports a venue, with its role."""

    class Role(models.TextChoices):
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        PARTNER = "partner", _("Event partner")
        SUPPORTER = "supporter", _("Supporter")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="venue_roles",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CO_ORGANISER
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("venue partner")
        verbose_name_plural = _("venue partners")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "organisation"], name="programme_venuepartner_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(organisation)s (%(role)s)") % {
            "organisation": self.organisation,
            "role": self.get_role_display(),
        }


class VenueAim(BilingualMixin, models.Model):
    """One of the pavilion's stated aims, shown on the home page."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="aims")
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ja = models.TextField(_("text (Japanese)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("aim")
        verbose_name_plural = _("aims")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return str(self.tr("text"))[:80]

    def clean(self) -> None:
        require_one_language(self, "text")


class Person(BilingualMixin, TimeStampedModel):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    title_en = models.CharField(_("job title (English)"), max_length=300, blank=True)
    title_ja = models.CharField(_("job title (Japanese)"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    bio_en = models.TextField(_("biography (English)"), blank=True)
    bio_ja = models.TextField(_("biography (Japanese)"), blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_en", "name_ja"]

    def __str__(self) -> str:
        return str(self.tr("name"))

    def clean(self) -> None:
        require_one_language(self, "name")

    def get_absolute_url(self) -> str:
        return reverse("programme:speaker", kwargs={"slug": self.slug})


class SessionQuerySet(models.QuerySet):
    def public(self) -> SessionQuerySet:
        """What visitors see: published and cancelled sessions, never drafts."""
        return self.filter(status__in=[Session.Status.PUBLISHED, Session.Status.CANCELLED])

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> SessionQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Session(BilingualMixin, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions"
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="sessions"
    )
    slug = models.SlugField(_("slug"), max_length=120)
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("Identifier in an imported spreadsheet."),
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    tbc_start_time = models.TimeField(
        _("start time, date to be confirmed"),
        null=True,
        blank=True,
        help_text=_(
            "When only the time is known (venue time), leave the dates empty and give it here."
        ),
    )
    tbc_end_time = models.TimeField(_("end time, date to be confirmed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    recording_url = models.URLField(_("recording"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Raised on every change, so that subscribed calendars take the update."),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "tbc_start_time", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slug"], name="programme_session_slug_per_event"
            ),
            models.UniqueConstraint(
                fields=["event", "external_id"],
                condition=~Q(external_id=""),
                name="programme_session_external_id_per_event",
            ),
            models.CheckConstraint(
                condition=(Q(starts_at__isnull=True) & Q(ends_at__isnull=True))
                | (
                    Q(starts_at__isnull=False)
                    & Q(ends_at__isnull=False)
                    & Q(ends_at__gt=models.F("starts_at"))
                ),
                name="programme_session_times_ordered",
                violation_error_message=_("The end must be after the start."),
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "starts_at"])]

    def __str__(self) -> str:
        return str(self.tr("title"))

    def get_absolute_url(self) -> str:
        return reverse("programme:session", kwargs={"event": self.event.slug, "slug": self.slug})

    @property
    def date_confirmed(self) -> bool:
        return self.starts_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def clean(self) -> None:
        from .services import session_check_times  # rules live in services

        errors: dict = {}
        for check in (
            lambda: require_one_language(self, "title"),
            lambda: session_check_times(session=self),
        ):
            try:
                check()
            except ValidationError as exc:
                for field, messages in exc.update_error_dict({}).items():
                    errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class Participation(BilingualMixin, models.Model):
    """Someone's part in a session; no person means "to be announced"."""

    class Role(models.TextChoices):
        OPENING = "opening", _("Opening remarks")
        KEYNOTE = "keynote", _("Keynote")
        MODERATOR = "moderator", _("Moderator")
        PANELLIST = "panellist", _("Panellist")
        SPEAKER = "speaker", _("Speaker")
        PRESENTER = "presenter", _("Presenter")
        CLOSING = "closing", _("Closing remarks")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text=_("Leave empty while the speaker is to be announced."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    segment_en = models.CharField(
        _("segment (English)"),
        max_length=120,
        blank=True,
        help_text=_("Such as “High-level session”."),
    )
    segment_ja = models.CharField(_("segment (Japanese)"), max_length=120, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("speakers")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        person = self.person or _("to be announced")
        return _("%(role)s: %(person)s") % {"role": self.get_role_display(), "person": person}


class SessionHost(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        COOPERATION = "cooperation", _("In cooperation with")
        SUPPORTER = "supporter", _("Supported by")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="hosts")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="hosted",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ORGANISER)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"], name="programme_sessionhost_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(organisation)s (%(role)s)") % {
            "organisation": self.organisation,
            "role": self.get_role_display(),
        }


class SessionLink(BilingualMixin, models.Model):
    class Kind(models.TextChoices):
        WEBSITE = "website", _("Website")
        EVENT_PAGE = "event_page", _("Event page")
        LIVESTREAM = "livestream", _("Livestream")
        RECORDING = "recording", _("Recording")
        SLIDES = "slides", _("Slides")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("address"))
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    label_ja = models.CharField(_("label (Japanese)"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return str(self.tr("label")) or self.url


class Chapter(BilingualMixin, models.Model):
    """A point in the session's recording: 23:05 "C2P2 good practice: …"."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="chapters")
    offset = models.DurationField(
        _("offset"),
        validators=[MinValueValidator(dt.timedelta(0))],
        help_text=_("Such as 00:23:05."),
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("recording chapters")
        ordering = ["offset", "id"]

    def __str__(self) -> str:
        return f"{self.offset_label} {self.tr('title')}"

    def clean(self) -> None:
        require_one_language(self, "title")

    @property
    def seconds(self) -> int:
        return int(self.offset.total_seconds())

    @property
    def url(self) -> str:
        """The session's recording, opening at this chapter."""
        return (
            recording_url_at(self.session.recording_url, self.seconds)
            if self.session.recording_url
            else ""
        )

    @property
    def offset_label(self) -> str:
        """23:05, or 1:02:03 past the hour."""
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def recording_url_at(url: str, seconds: int) -> str:
    """The recording's address opening at an offset (YouTube ``t=``, else a media fragment)."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host.endswith("youtube.com") or host.endswith("youtu.be") or host.endswith("vimeo.com"):
        if host.endswith("vimeo.com"):
            return urlunsplit(parts._replace(fragment=f"t={seconds}s"))
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "t"] + [("t", f"{seconds}s")]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))
