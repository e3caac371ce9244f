"""Membership: who may join, what it costs (fee schedules as data), and the members.

Countries are ISO 3166-1 alpha-2 codes; their names in English and Japanese come
from one source (pycountry for the list, Babel for the names), see countries.py.
The World Bank income group of each country is dated data: one IncomeSnapshot per
classification, shipped or uploaded by staff. A fee schedule applies to one year
in one currency; amounts are exact decimals.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import BilingualMixin
from pavilion.core.models import TimeStampedModel

MONEY = {"max_digits": 12, "decimal_places": 2}


class IncomeGroup(models.TextChoices):
    """The World Bank's four income groups (by GNI per capita)."""

    LOW = "L", _("Low income")
    LOWER_MIDDLE = "LM", _("Lower-middle income")
    UPPER_MIDDLE = "UM", _("Upper-middle income")
    HIGH = "H", _("High income")


class Category(models.TextChoices):
    """What an organisation joins as."""

    LOCAL_REGIONAL = "local_regional", _("Full membership (local or regional government)")
    ASSOCIATION = "association", _("Membership (association of local governments)")
    ASSOCIATE = "associate", _("Associate partnership")


class OrganisationKind(models.TextChoices):
    """What an applicant or member is; the category it may join follows from it."""

    LOCAL_GOVERNMENT = "local_government", _("Local government (city, town or municipality)")
    REGIONAL_GOVERNMENT = (
        "regional_government",
        _("Regional government (region, province, prefecture or state)"),
    )
    NATIONAL_ASSOCIATION = "national_association", _("National association of local governments")
    SUBNATIONAL_ASSOCIATION = (
        "subnational_association",
        _("Subnational association of local governments"),
    )
    NGO = "ngo", _("Non-governmental organisation")
    UNIVERSITY = "university", _("University")
    GOVERNMENT_AGENCY = "government_agency", _("State or national government agency")
    RESEARCH_INSTITUTE = "research_institute", _("Not-for-profit research institution")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other organisation")


# Which category each kind of organisation may join; kinds not listed may join none.
ELIGIBILITY: dict[str, str] = {
    OrganisationKind.LOCAL_GOVERNMENT: Category.LOCAL_REGIONAL,
    OrganisationKind.REGIONAL_GOVERNMENT: Category.LOCAL_REGIONAL,
    OrganisationKind.NATIONAL_ASSOCIATION: Category.ASSOCIATION,
    OrganisationKind.SUBNATIONAL_ASSOCIATION: Category.ASSOCIATION,
    OrganisationKind.NGO: Category.ASSOCIATE,
    OrganisationKind.UNIVERSITY: Category.ASSOCIATE,
    OrganisationKind.GOVERNMENT_AGENCY: Category.ASSOCIATE,
    OrganisationKind.RESEARCH_INSTITUTE: Category.ASSOCIATE,
}


class IncomeSnapshot(TimeStampedModel):
    """One World Bank income classification of every country, as of a date."""

    title = models.CharField(_("title"), max_length=200)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    source = models.TextField(
        _("source"), help_text=_("Where the classification comes from: publisher, file, address.")
    )
    source_url = models.URLField(_("source address"), blank=True)
    valid_from = models.DateField(
        _("valid from"), help_text=_("The day this classification took effect (1 July each year).")
    )
    is_shipped = models.BooleanField(_("shipped with Pavilion"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_sha256 = models.CharField(_("file checksum"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("income classification")
        verbose_name_plural = _("income classifications")
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.valid_from.isoformat()})"

    def title_in(self, lang: str) -> str:
        """The title in ``lang``: the Japanese one where staff gave it, else the English."""
        return (self.title_ja if lang == "ja" else "") or self.title


class CountryIncome(models.Model):
    snapshot = models.ForeignKey(IncomeSnapshot, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(_("country"), max_length=2)
    group = models.CharField(_("income group"), max_length=2, choices=IncomeGroup.choices)

    class Meta:
        verbose_name = _("country income group")
        verbose_name_plural = _("country income groups")
        ordering = ["snapshot", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "country"], name="membership_country_once_per_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.get_group_display()}"


class FeeSchedule(BilingualMixin, TimeStampedModel):
    """The fees for one year in one currency. Published schedules are in force."""

    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000)])
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217 code, such as EUR or JPY.")
    )
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    source_en = models.TextField(_("source (English)"), blank=True)
    source_ja = models.TextField(_("source (Japanese)"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    admin_fee_percent = models.DecimalField(
        _("administration fee (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    minimum = models.DecimalField(_("minimum fee"), null=True, blank=True, **MONEY)
    maximum = models.DecimalField(_("maximum fee"), null=True, blank=True, **MONEY)
    admin_fee_is_example = models.BooleanField(_("administration fee is an example"), default=False)
    minimum_is_example = models.BooleanField(_("minimum fee is an example"), default=False)
    maximum_is_example = models.BooleanField(_("maximum fee is an example"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-year", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "currency"], name="membership_one_schedule_per_year_currency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.currency}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        code = (self.currency or "").upper()
        self.currency = code
        if code and not _is_currency(code):
            errors.setdefault("currency", []).append(
                _("%(code)s is not an ISO 4217 currency code.") % {"code": code}
            )
        for field in ("minimum", "maximum"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors.setdefault(field, []).append(_("An amount cannot be negative."))
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            errors.setdefault("maximum", []).append(
                _("The maximum fee must not be lower than the minimum fee.")
            )
        if errors:
            raise ValidationError(errors)


def _is_currency(code: str) -> bool:
    from babel.core import get_global

    return code in get_global("all_currencies")


class PopulationBand(models.Model):
    """One population band of a schedule. ``upper_bound`` is inclusive ("up to 50,000"
    takes 50,000; 50,001 falls in the next band); the band without one is open."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="bands")
    upper_bound = models.PositiveBigIntegerField(
        _("up to (inhabitants, inclusive)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the last, open band."),
    )

    class Meta:
        verbose_name = _("population band")
        verbose_name_plural = _("population bands")
        ordering = ["schedule", models.F("upper_bound").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "upper_bound"], name="membership_band_bound_once"
            ),
            models.UniqueConstraint(
                fields=["schedule"],
                condition=models.Q(upper_bound__isnull=True),
                name="membership_one_open_band",
            ),
        ]

    def __str__(self) -> str:
        return f"≤ {self.upper_bound}" if self.upper_bound is not None else "open"


class BandAmount(models.Model):
    """The fee of a local or regional government in one band and one income group."""

    band = models.ForeignKey(PopulationBand, on_delete=models.CASCADE, related_name="amounts")
    group = models.CharField(_("income group"), max_length=2, choices=IncomeGroup.choices)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    is_example = models.BooleanField(_("example figure"), default=False)

    class Meta:
        verbose_name = _("amount by band and income group")
        verbose_name_plural = _("amounts by band and income group")
        ordering = ["band", "group"]
        constraints = [
            models.UniqueConstraint(fields=["band", "group"], name="membership_band_group_once")
        ]

    def __str__(self) -> str:
        return f"{self.band} {self.group}: {self.amount}"


# The kinds that pay by population band and income group; every other eligible kind
# pays a flat amount.
BANDED_KINDS: frozenset[str] = frozenset(
    {OrganisationKind.LOCAL_GOVERNMENT, OrganisationKind.REGIONAL_GOVERNMENT}
)
FLAT_KINDS: tuple[str, ...] = tuple(kind for kind in ELIGIBILITY if kind not in BANDED_KINDS)


class FlatFee(models.Model):
    """The flat yearly fee of an association or of one kind of associate partner."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="flat_fees")
    kind = models.CharField(
        _("kind of organisation"),
        max_length=30,
        choices=[(k, v) for k, v in OrganisationKind.choices if k in FLAT_KINDS],
    )
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    is_example = models.BooleanField(_("example figure"), default=False)

    class Meta:
        verbose_name = _("flat fee")
        verbose_name_plural = _("flat fees")
        ordering = ["schedule", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "kind"], name="membership_flat_fee_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount}"


class Discount(BilingualMixin, models.Model):
    """A percentage off the base fee, for the kinds it names, when its code is given."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="discounts")
    code = models.SlugField(_("code"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    percent = models.DecimalField(
        _("percent off"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    kinds = models.JSONField(
        _("kinds of organisation"),
        default=list,
        blank=True,
        help_text=_("The kinds it applies to; empty means every kind."),
    )
    is_example = models.BooleanField(_("example figure"), default=False)

    class Meta:
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        ordering = ["schedule", "code"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "code"], name="membership_discount_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.percent}%)"

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def clean(self) -> None:
        unknown = [k for k in self.kinds or [] if k not in OrganisationKind.values]
        if not isinstance(self.kinds, list) or unknown:
            raise ValidationError(
                {"kinds": _('Give a list of kinds of organisation, such as ["ngo"].')}
            )


class Member(BilingualMixin, TimeStampedModel):
    """An organisation that has joined (as a member or an associate partner)."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=250, blank=True)
    kind = models.CharField(_("kind of organisation"), max_length=30, choices=OrganisationKind)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(
        _("world region"),
        max_length=3,
        blank=True,
        help_text=_("UN M49 region code, set from the country."),
    )
    locality_en = models.CharField(_("city or area (English)"), max_length=200, blank=True)
    locality_ja = models.CharField(_("city or area (Japanese)"), max_length=200, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Invoices and letters are written in this language."),
    )
    currency = models.CharField(_("billing currency"), max_length=3, default="EUR")
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    billing_email = models.EmailField(_("billing e-mail"), blank=True)
    joined_on = models.DateField(_("joined on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    is_listed = models.BooleanField(
        _("listed in the public directory"),
        default=True,
        help_text=_("Members can ask not to be listed."),
    )
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo.")
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_en", "name_ja"]
        indexes = [models.Index(fields=["category", "country"])]

    def __str__(self) -> str:
        return str(self.tr("name"))

    def clean(self) -> None:
        from .countries import is_country

        errors: dict[str, object] = {}
        if self.country and not is_country(self.country):
            errors["country"] = _("Choose a country from the list.")
        if self.kind and self.category and ELIGIBILITY.get(self.kind) != self.category:
            errors["category"] = _("This kind of organisation cannot join in this category.")
        if not (self.name_en or "").strip() and not (self.name_ja or "").strip():
            errors["name_en"] = _("Give the name in English or in Japanese.")
        if self.ended_on and self.joined_on and self.ended_on < self.joined_on:
            errors["ended_on"] = _("A membership cannot end before it began.")
        if errors:
            raise ValidationError(errors)
