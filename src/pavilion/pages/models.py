"""Glossary terms, footnoted wherever a session or page uses them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel


class GlossaryTerm(BilingualMixin, TimeStampedModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    term_en = models.CharField(_("term (English)"), max_length=120, blank=True)
    term_ja = models.CharField(_("term (Japanese)"), max_length=120, blank=True)
    expansion_en = models.CharField(_("full name (English)"), max_length=300, blank=True)
    expansion_ja = models.CharField(_("full name (Japanese)"), max_length=300, blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_ja = models.TextField(_("definition (Japanese)"), blank=True)
    aliases = models.CharField(
        _("other spellings"),
        max_length=500,
        blank=True,
        help_text=_("Other forms that should be footnoted too, one per line or comma-separated."),
    )

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(self.tr("term"))

    def clean(self) -> None:
        if not (self.term_en.strip() or self.term_ja.strip()):
            raise ValidationError({"term_en": _("Give the term in at least one language.")})
        if not (self.definition_en.strip() or self.definition_ja.strip()):
            raise ValidationError(
                {"definition_en": _("Give the definition in at least one language.")}
            )

    def match_forms(self) -> list[str]:
        """Every spelling that marks a use of the term, longest first."""
        forms = {self.term_en.strip(), self.term_ja.strip()}
        for line in self.aliases.replace(",", "\n").splitlines():
            forms.add(line.strip())
        return sorted((f for f in forms if f), key=len, reverse=True)
