"""Enquiries from the contact form, and who each topic goes to."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel

MESSAGE_MAX_LENGTH = 5000


class Topic(models.TextChoices):
    """What an enquiry is about; each topic goes to its own person."""

    MEMBERSHIP = "membership", _("Membership")
    ASSOCIATE = "associate", _("Associate partnership")
    PROGRAMME = "programme", _("Pavilion programme")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


class TopicRoute(BilingualMixin, TimeStampedModel):
    """The staff member who answers one topic, shown in its "Got any questions?" block."""

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    email = models.EmailField(
        _("e-mail address"),
        help_text=_("Enquiries on this topic are sent here; the address is shown on the site."),
    )

    class Meta:
        verbose_name = _("topic route")
        verbose_name_plural = _("topic routes")
        ordering = ["topic"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.email}"


class Enquiry(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    message = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    routed_to = models.EmailField(_("sent to"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.name}"
