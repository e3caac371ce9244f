"""Seats at sessions: who registered, who holds a seat, who waits and in which order.

``RegistrationSettings`` is one row per session and is the row every write that
takes or frees a seat locks (see ``services``). Seats are counted from the
registrations under that lock rather than kept as a counter beside it: the
count is one index lookup on (session, status), and a count cannot drift from
the rows it counts.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pavilion.core.models import TimeStampedModel
from pavilion.programme.models import Session

# Codes are typed at the check-in desk as often as they are scanned, so they use
# Crockford's base-32 alphabet: no I, L, O or U to misread, case does not matter.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """A code as typed ("abcd-efgh-jk0o", with spaces or dashes) in its stored form."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum()).translate(_CODE_LOOKALIKES)


def email_key(value: str) -> str:
    """What two addresses share when they are the same person's: case is ignored."""
    return (value or "").strip().casefold()


class RegistrationSettings(TimeStampedModel):
    """Whether, when and for how many a session takes registrations."""

    session = models.OneToOneField(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registration_settings",
    )
    is_open = models.BooleanField(
        _("registration open"),
        default=False,
        help_text=_("Visitors can register only while this is ticked and within the dates below."),
    )
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the venue's number of seats."),
    )
    opens_at = models.DateTimeField(
        _("opens"), null=True, blank=True, help_text=_("Leave empty to open at once.")
    )
    closes_at = models.DateTimeField(
        _("closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close when the session starts."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a seat offer"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_(
            "When a seat frees up, the first person on the waiting list has this long to "
            "accept it before it passes to the next."
        ),
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")
        ordering = ["session__starts_at", "session_id"]

    def __str__(self) -> str:
        return str(self.session)

    @property
    def seats(self) -> int | None:
        """The number of seats: this session's own, else its venue's (None: not set)."""
        if self.capacity is not None:
            return self.capacity
        return self.session.venue.capacity

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors.setdefault("closes_at", []).append(_("Registration must close after it opens."))
        if (
            self.is_open
            and self.capacity is None
            and self.session_id
            and self.session.venue.capacity is None
        ):
            errors.setdefault("capacity", []).append(
                _(
                    "The venue “%(venue)s” has no number of seats: give the number of "
                    "seats for this session before opening registration."
                )
                % {"venue": self.session.venue}
            )
        if errors:
            raise ValidationError(errors)


class Registration(TimeStampedModel):
    """One person's registration for one session, from sign-up to check-in."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Offered a seat")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Offer expired")

    # Statuses in which a person is still "registered": one per e-mail and session.
    ACTIVE = (Status.CONFIRMED, Status.WAITING, Status.OFFERED)
    # Statuses that hold a seat: an offered seat is kept for its person until the offer ends.
    HOLDS_SEAT = (Status.CONFIRMED, Status.OFFERED)

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254)
    email_key = models.CharField(_("e-mail address (case ignored)"), max_length=254, editable=False)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    consent_at = models.DateTimeField(_("consent given"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    position = models.PositiveIntegerField(
        _("place in the waiting order"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Taken on joining the waiting list, in order of arrival; never reused."),
    )
    offered_at = models.DateTimeField(_("seat offered"), null=True, blank=True, editable=False)
    offer_expires_at = models.DateTimeField(
        _("offer expires"), null=True, blank=True, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True, editable=False)
    code = models.CharField(
        _("code"), max_length=CODE_LENGTH, unique=True, default=new_code, editable=False
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["session_id", "id"]
        constraints = [
            # A double submit can never leave two rows, with or without the lock.
            models.UniqueConstraint(
                fields=["session", "email_key"],
                condition=Q(status__in=["confirmed", "waiting", "offered"]),
                name="registration_one_active_per_email",
                violation_error_message=_("This e-mail address is already registered."),
            ),
            models.UniqueConstraint(
                fields=["session", "position"],
                condition=Q(position__isnull=False),
                name="registration_position_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(position__isnull=False),
                name="registration_waiting_has_position",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="registration_session_status"),
            models.Index(fields=["status", "offer_expires_at"], name="registration_offer_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def code_display(self) -> str:
        """The code in groups of four, as printed and typed: 7K3M-Q9TD-X2HB."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
