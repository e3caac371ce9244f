"""The networking area: tables that organisations book in 30-minute slots.

Opening hours. A venue's networking area is open on the days and hours staff
enter as ``OpeningHours`` rows, in the event's time zone. While a venue has no
row at all, it is open every day of the event from 09:00 to 18:00 (event time,
``DEFAULT_OPENS``–``DEFAULT_CLOSES``); once staff enter any row, the rows are
the whole timetable and a day without a row is closed. So a venue needs no
setting-up to take bookings, and a closed day is simply left out.

Bookings. An organisation *requests* a table for a slot; staff *confirm* or
*decline* it; a request or a booking can be *cancelled*. Several requests may
wait for the same slot, but the database itself allows only one confirmed
booking per table and slot (``networking_one_confirmed_booking_per_slot``).
The rules live in ``services``; these models only hold the data.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel
from pavilion.programme.models import Venue, require_one_language

SLOT_MINUTES = 30
SLOT_LENGTH = dt.timedelta(minutes=SLOT_MINUTES)
DEFAULT_OPENS = dt.time(9, 0)
DEFAULT_CLOSES = dt.time(18, 0)


def on_slot_grid(value: dt.time) -> bool:
    """09:00 and 09:30 are on the 30-minute grid; 09:15 and 09:00:30 are not."""
    return value.minute % SLOT_MINUTES == 0 and value.second == 0 and value.microsecond == 0


class NetworkingTable(BilingualMixin, TimeStampedModel):
    """One bookable table in a venue's networking area."""

    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.CASCADE,
        related_name="networking_tables",
        help_text=_("The pavilion whose networking area holds this table."),
    )
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=4, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active tables are shown and can be requested."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("networking table")
        verbose_name_plural = _("networking tables")
        ordering = ["venue", "order", "name_en", "id"]

    def __str__(self) -> str:
        return str(self.tr("name"))

    def clean(self) -> None:
        require_one_language(self, "name")


class OpeningHours(models.Model):
    """When a venue's networking area is open on one day, in the event's time zone."""

    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.CASCADE,
        related_name="networking_hours",
    )
    date = models.DateField(_("day"))
    opens = models.TimeField(_("opens"), help_text=_("Event time, on the hour or half hour."))
    closes = models.TimeField(_("closes"), help_text=_("Event time, on the hour or half hour."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["venue", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "date"],
                name="networking_one_opening_hours_per_day",
                violation_error_message=_("This venue already has opening hours for that day."),
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="networking_opening_hours_ordered",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.date.isoformat()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("opens", "closes"):
            value = getattr(self, field)
            if value is not None and not on_slot_grid(value):
                errors[field] = _("Give a time on the hour or half hour, such as 09:00 or 17:30.")
        if self.venue_id and self.date:
            event = self.venue.event
            if not (event.start_date <= self.date <= event.end_date):
                errors["date"] = _("This day is not a day of the event “%(event)s”.") % {
                    "event": event
                }
        if errors:
            raise ValidationError(errors)


class TableBooking(TimeStampedModel):
    """A request for a table in one slot, and what staff decided about it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.REQUESTED, Status.CONFIRMED)

    table = models.ForeignKey(
        NetworkingTable,
        verbose_name=_("table"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    slot_start = models.DateTimeField(_("slot starts"), help_text=_("30 minutes from this time."))
    organisation_name = models.CharField(_("organisation"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    purpose = models.TextField(_("purpose of the meeting"), max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(
        _("note to the requester"),
        blank=True,
        max_length=1000,
        help_text=_("Sent with the decision, in the e-mail to the requester."),
    )

    class Meta:
        verbose_name = _("table booking")
        verbose_name_plural = _("table bookings")
        ordering = ["slot_start", "table", "created_at", "id"]
        constraints = [
            # The database itself refuses a second confirmed booking of a table and slot.
            models.UniqueConstraint(
                fields=["table", "slot_start"],
                condition=Q(status="confirmed"),
                name="networking_one_confirmed_booking_per_slot",
                violation_error_message=_("This table is already booked for that slot."),
            ),
            # One open request (or booking) per e-mail address per table and slot.
            models.UniqueConstraint(
                Lower("email"),
                "table",
                "slot_start",
                condition=Q(status__in=["requested", "confirmed"]),
                name="networking_one_open_request_per_email",
                violation_error_message=_(
                    "This e-mail address has already asked for this table at that time."
                ),
            ),
        ]
        indexes = [models.Index(fields=["table", "slot_start", "status"])]

    def __str__(self) -> str:
        return f"{self.table} {self.slot_start:%Y-%m-%d %H:%M}Z {self.organisation_name}"

    @property
    def slot_end(self) -> dt.datetime:
        return self.slot_start + SLOT_LENGTH
