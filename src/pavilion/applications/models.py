"""Applications to join: from a draft the applicant fills in step by step, through
the secretariat's review, to a member (or a refusal).

States (``Application.Status``)::

    draft ──submit──▶ submitted ──review_start──▶ in_review ──approve──▶ approved
      │                  │                        │    ▲
      │                  │           request_info │    │ answer (the applicant)
      │                  │                        ▼    │ review_resume (staff)
      │                  │                     info_requested
      │                  └──reject──▶ rejected ◀── (from submitted, in_review, info_requested)
      └──withdraw──▶ withdrawn (from every open state and from a draft)

One organisation, one open application: an application is *open* while it is
submitted, in review or waiting for information. Its organisation is known by
its country and its name, compared without regard to case, width or spaces
(``org_key``), in English and in Japanese separately; the database refuses a
second open application with the same country and key (conditional unique
constraints). Drafts do not count: an abandoned draft must not lock an
organisation out, and a draft is checked again when it is submitted.
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pavilion.core.models import TimeStampedModel
from pavilion.membership.models import (
    Category,
    FeeSchedule,
    IncomeSnapshot,
    Member,
    OrganisationKind,
)


def org_key(name: str) -> str:
    """A name as compared for "the same organisation": NFKC (full-width letters become
    ordinary ones), case folded, every space removed."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(folded.split())


def token_hash(token: str) -> str:
    """What is stored of a resume token: its SHA-256 (the token itself is only mailed)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        INFO_REQUESTED = "info_requested", _("Information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED)
    CLOSED = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)

    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    token_hash = models.CharField(_("resume token (hash)"), max_length=64, unique=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("We write to the applicant in this language."),
    )
    step = models.PositiveSmallIntegerField(
        _("steps completed"), default=0, help_text=_("How many of the form's steps are done.")
    )

    # 1. The organisation
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=250, blank=True)
    org_key_en = models.CharField(max_length=250, blank=True, editable=False)
    org_key_ja = models.CharField(max_length=250, blank=True, editable=False)
    kind = models.CharField(_("kind of organisation"), max_length=30, choices=OrganisationKind)
    country = models.CharField(_("country"), max_length=2)
    locality = models.CharField(_("city or area"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)

    # 2. The contact person
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_title = models.CharField(_("position"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail address"))
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)

    # 3. Category and population
    category = models.CharField(_("category"), max_length=20, choices=Category, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    population_year = models.PositiveIntegerField(_("population year"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)

    # 5. Consent and submission
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    quote = models.JSONField(_("quoted fee"), default=dict, blank=True)
    quoted_amount = models.DecimalField(
        _("quoted amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fee_schedule = models.ForeignKey(
        FeeSchedule,
        verbose_name=_("fee schedule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    income_snapshot = models.ForeignKey(
        IncomeSnapshot,
        verbose_name=_("income classification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Review
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    member = models.OneToOneField(
        Member,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo.")
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["submitted_at", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "org_key_en"],
                condition=Q(status__in=["submitted", "in_review", "info_requested"])
                & ~Q(org_key_en=""),
                name="applications_one_open_per_organisation_en",
            ),
            models.UniqueConstraint(
                fields=["country", "org_key_ja"],
                condition=Q(status__in=["submitted", "in_review", "info_requested"])
                & ~Q(org_key_ja=""),
                name="applications_one_open_per_organisation_ja",
            ),
        ]

    def __str__(self) -> str:
        name = self.name_ja if self.language == "ja" and self.name_ja else self.name_en
        return name or self.name_ja or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def display_name(self) -> str:
        return str(self)


def private_storage():
    """The storage for applicants' documents: never served, streamed to staff only."""
    from django.core.files.storage import storages

    return storages["private"]


def document_path(instance: ApplicationDocument, filename: str) -> str:
    return f"applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A PDF the applicant sent: a letter of intent or a council resolution. Stored in
    private storage; only staff can open it, through the admin."""

    class Kind(models.TextChoices):
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        COUNCIL_RESOLUTION = "council_resolution", _("Council resolution")
        OTHER = "other", _("Other supporting document")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=30, choices=Kind)
    file = models.FileField(
        _("file"), upload_to=document_path, storage=private_storage, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
