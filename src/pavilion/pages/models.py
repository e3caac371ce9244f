"""Glossary terms, footnoted wherever a session or page uses them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel
from pavilion.enquiries.models import Topic as ContactTopic


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


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# First path segments the site uses for other pages; a page's slug may not take one.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "billing",
        "contact",
        "events",
        "healthz",
        "media",
        "membership",
        "organisations",
        "programme",
        "robots.txt",
        "sitemap.xml",
        "speakers",
        "static",
    }
)


def validate_page_slug(value: str) -> None:
    """A slug must not take an address the site already uses."""
    from django.urls import Resolver404, resolve

    slug = (value or "").strip().casefold()
    if not slug:
        return
    taken = slug in RESERVED_SLUGS
    if not taken:
        for lang in ("en", "ja"):
            try:
                match = resolve(f"/{lang}/{slug}/")
            except Resolver404:
                continue
            if match.namespace != "pages":
                taken = True
    if taken:
        raise ValidationError(
            _("The address “%(slug)s” is used by another part of the site; choose another."),
            code="reserved",
            params={"slug": value},
        )


class Page(BilingualMixin, TimeStampedModel):
    """A page staff write in both languages, in Markdown, shown at /<lang>/<slug>/."""

    Status = Status

    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    slug_en = models.SlugField(
        _("address (English)"),
        max_length=100,
        unique=True,
        validators=[validate_page_slug],
        help_text=_("The last part of the page's English address: /en/<address>/."),
    )
    slug_ja = models.SlugField(
        _("address (Japanese)"),
        max_length=100,
        blank=True,
        allow_unicode=True,
        validators=[validate_page_slug],
        help_text=_(
            "The last part of the page's Japanese address: /ja/<address>/. "
            "Empty: the English address is used."
        ),
    )
    summary_en = models.CharField(
        _("summary (English)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences, shown in search results and when the page is shared."),
    )
    summary_ja = models.CharField(_("summary (Japanese)"), max_length=300, blank=True)
    body_en = models.TextField(
        _("text (English)"),
        blank=True,
        help_text=_(
            "Markdown: # heading, **bold**, *italic*, [link](https://…), lists with - . "
            "HTML is shown as typed, not run. Write [[members:local_regional]] for the number "
            "of member governments taken from the data."
        ),
    )
    body_ja = models.TextField(_("text (Japanese)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    in_menu = models.BooleanField(_("in the main menu"), default=False)
    menu_order = models.PositiveIntegerField(_("order in the menu"), default=0)
    contact_topic = models.CharField(
        _("contact block"),
        max_length=20,
        choices=ContactTopic.choices,
        blank=True,
        help_text=_("Show the “Got any questions?” block of this topic at the end of the page."),
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["menu_order", "title_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug_ja"],
                condition=~models.Q(slug_ja=""),
                name="pages_page_unique_slug_ja",
            )
        ]

    def __str__(self) -> str:
        return str(self.tr("title")) or self.slug_en

    def clean(self) -> None:
        if not (self.title_en.strip() or self.title_ja.strip()):
            raise ValidationError({"title_en": _("Give the title in at least one language.")})
        others = Page.objects.exclude(pk=self.pk)
        for field in ("slug_en", "slug_ja"):
            value = getattr(self, field)
            if value and others.filter(models.Q(slug_en=value) | models.Q(slug_ja=value)).exists():
                raise ValidationError(
                    {field: _("Another page already has the address “%(slug)s”.") % {"slug": value}}
                )

    def slug_for(self, lang: str) -> str:
        return (self.slug_ja or self.slug_en) if lang == "ja" else self.slug_en

    def get_absolute_url(self) -> str:
        from django.urls import reverse
        from django.utils import translation

        from pavilion.core.i18n import current_lang

        lang = current_lang()
        with translation.override(lang):
            return reverse("pages:page", kwargs={"slug": self.slug_for(lang)})


class Testimonial(BilingualMixin, TimeStampedModel):
    """A quote from someone about the network, shown on the membership pages."""

    Status = Status

    quote_en = models.TextField(_("quote (English)"), blank=True)
    quote_ja = models.TextField(_("quote (Japanese)"), blank=True)
    person_en = models.CharField(_("person (English)"), max_length=200, blank=True)
    person_ja = models.CharField(_("person (Japanese)"), max_length=200, blank=True)
    role_en = models.CharField(_("role (English)"), max_length=200, blank=True)
    role_ja = models.CharField(_("role (Japanese)"), max_length=200, blank=True)
    organisation_en = models.CharField(_("organisation (English)"), max_length=250, blank=True)
    organisation_ja = models.CharField(_("organisation (Japanese)"), max_length=250, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return str(self.tr("person")) or str(_("Testimonial"))

    def clean(self) -> None:
        if not (self.quote_en.strip() or self.quote_ja.strip()):
            raise ValidationError({"quote_en": _("Give the quote in at least one language.")})
        if not (self.person_en.strip() or self.person_ja.strip()):
            raise ValidationError(
                {"person_en": _("Give the person's name in at least one language.")}
            )
