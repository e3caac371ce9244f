"""The fee engine: what an organisation pays for a year, and why.

``fee_quote()`` is the one place that turns a schedule into an amount. The
calculator, the application form and the invoices all call it, so they cannot
disagree. It reads; it never writes.

How a fee is reckoned (each line rounded to the currency's minor unit, half up,
and the total is the sum of the lines, so a printed quote always adds up):

1. **Base fee.** Local and regional governments: the amount of the population
   band the population falls in (upper bounds inclusive) for the income group of
   the country in the income classification in force on the day of the quote.
   Every other eligible kind: the schedule's flat amount for that kind; the
   income group plays no part (``snapshot`` is ``None``).
2. **Discounts.** Each discount code given that the schedule has and that applies
   to the kind takes its percentage of the base fee (percentages add up, never
   beyond 100%). Codes the schedule does not know are refused.
3. **Floor and cap.** The fee after discounts is raised to the schedule's minimum
   or lowered to its maximum, as one adjustment line.
4. **Administration fee.** The schedule's percentage of the fee after step 3,
   added on top.

Which schedule: the published one for the currency and ``year``; with
``year=None`` the latest published year not after today's. Which income
classification: the latest ``IncomeSnapshot`` whose ``valid_from`` is on or
before the day of the quote (see docs/membership.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_name,
    get_currency_precision,
)
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .countries import country_name, is_country, normalise
from .models import (
    BANDED_KINDS,
    ELIGIBILITY,
    BandAmount,
    CountryIncome,
    Discount,
    FeeSchedule,
    FlatFee,
    IncomeGroup,
    IncomeSnapshot,
    OrganisationKind,
    PopulationBand,
)

LANGS = ("en", "ja")
_BABEL_LOCALE = {"en": "en", "ja": "ja_JP"}


@dataclass(frozen=True)
class FeeLine:
    """One line of the reckoning, shown on quotes and invoices."""

    label_en: str
    label_ja: str
    amount: Decimal

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


@dataclass(frozen=True)
class FeeQuote:
    amount: Decimal
    currency: str
    year: int
    schedule: FeeSchedule
    snapshot: IncomeSnapshot | None
    income_group: str | None
    band_label_en: str | None
    band_label_ja: str | None
    lines: tuple[FeeLine, ...]
    reasons_en: tuple[str, ...]
    reasons_ja: tuple[str, ...]
    is_example: bool
    kind: str = ""
    country: str = ""
    population: int | None = None
    discount_codes: tuple[str, ...] = field(default=())
    quoted_on: dt.date | None = None

    def reasons(self, lang: str) -> tuple[str, ...]:
        return self.reasons_ja if lang == "ja" else self.reasons_en

    def band_label(self, lang: str) -> str | None:
        return self.band_label_ja if lang == "ja" else self.band_label_en

    def amount_display(self, lang: str) -> str:
        return money(self.amount, self.currency, lang)

    def to_json(self) -> dict:
        schedule = self.schedule
        snapshot = self.snapshot
        return {
            "amount": str(self.amount),
            "currency": self.currency,
            "amount_display": {lang: self.amount_display(lang) for lang in LANGS},
            "year": self.year,
            "kind": self.kind,
            "country": self.country,
            "population": self.population,
            "discount_codes": list(self.discount_codes),
            "quoted_on": self.quoted_on.isoformat() if self.quoted_on else None,
            "schedule": {
                "id": schedule.pk,
                "year": schedule.year,
                "currency": schedule.currency,
                "name_en": schedule.name_en,
                "name_ja": schedule.name_ja,
                "source_en": schedule.source_en,
                "source_ja": schedule.source_ja,
            },
            "snapshot": (
                {
                    "id": snapshot.pk,
                    "title": snapshot.title,
                    "title_ja": snapshot.title_ja,
                    "valid_from": snapshot.valid_from.isoformat(),
                    "source": snapshot.source,
                }
                if snapshot is not None
                else None
            ),
            "income_group": self.income_group,
            "band_label_en": self.band_label_en,
            "band_label_ja": self.band_label_ja,
            "lines": [
                {"label_en": line.label_en, "label_ja": line.label_ja, "amount": str(line.amount)}
                for line in self.lines
            ],
            "reasons_en": list(self.reasons_en),
            "reasons_ja": list(self.reasons_ja),
            "is_example": self.is_example,
        }


# Money


def quantum(currency: str) -> Decimal:
    """The currency's minor unit: Decimal("0.01") for EUR, Decimal("1") for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str, lang: str) -> str:
    """Money as the language writes it: ￥72,000 in Japanese, €450 in English.

    Whole amounts in a currency with cents are written without them (€450, not
    €450.00); other amounts keep the currency's digits."""
    locale = _BABEL_LOCALE.get(lang, "en")
    amount = round_money(amount, currency)
    if amount == amount.to_integral_value():
        return format_currency(
            amount, currency, locale=locale, format="¤#,##0", currency_digits=False
        )
    return format_currency(amount, currency, locale=locale)


def number(value: int | Decimal, lang: str) -> str:
    return format_decimal(value, locale=_BABEL_LOCALE.get(lang, "en"))


def percent(value: Decimal, lang: str) -> str:
    return f"{number(Decimal(value).normalize(), lang)}%"


# Bands


def band_label(lower: int, upper: int | None, lang: str) -> str:
    """ "Up to 50,000 inhabitants", "50,001–100,000 inhabitants", "More than 4,000,000 …"."""
    with translation.override(lang):
        if upper is None:
            return _("More than %(lower)s inhabitants") % {"lower": number(lower - 1, lang)}
        if lower <= 1:
            return _("Up to %(upper)s inhabitants") % {"upper": number(upper, lang)}
        return _("%(lower)s–%(upper)s inhabitants") % {
            "lower": number(lower, lang),
            "upper": number(upper, lang),
        }


def schedule_bands(schedule: FeeSchedule) -> list[tuple[PopulationBand, int, int | None]]:
    """The schedule's bands in order, each with its lower and upper bound (inclusive)."""
    bands = sorted(
        schedule.bands.all(),
        key=lambda b: (b.upper_bound is None, b.upper_bound or 0),
    )
    result = []
    lower = 1
    for band in bands:
        result.append((band, lower, band.upper_bound))
        if band.upper_bound is not None:
            lower = band.upper_bound + 1
    return result


# Reading the tables once for a whole run

_TABLES: ContextVar[dict | None] = ContextVar("pavilion_fee_tables", default=None)


@contextmanager
def fee_tables_read_once():
    """Within the block, ``fee_quote`` reads each schedule, classification, country's
    income group, band table and flat fee once and reuses it: for a run over thousands
    of members (``issue_dues``), where these tables do not change. Outside such a block
    every quote reads the tables afresh."""
    token = _TABLES.set({})
    try:
        yield
    finally:
        _TABLES.reset(token)


def _once(key: tuple, read):
    tables = _TABLES.get()
    if tables is None:
        return read()
    if key not in tables:
        tables[key] = read()
    return tables[key]


# Finding the schedule and the snapshot


def schedule_in_force(
    *, currency: str, year: int | None = None, today: dt.date | None = None
) -> FeeSchedule | None:
    """The published schedule for ``currency`` and ``year``; with no year, the latest
    published one whose year is not after today's."""
    qs = FeeSchedule.objects.filter(currency=currency, is_published=True)
    if year is not None:
        return qs.filter(year=year).first()
    today = today or timezone.localdate()
    return qs.filter(year__lte=today.year).order_by("-year").first()


def snapshot_in_force(*, on: dt.date | None = None) -> IncomeSnapshot | None:
    """The income classification in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return IncomeSnapshot.objects.filter(valid_from__lte=on).order_by("-valid_from", "-pk").first()


def schedules_in_force(*, today: dt.date | None = None) -> dict[str, FeeSchedule]:
    """The schedule in force today for each currency that has one (one query)."""
    today = today or timezone.localdate()
    found: dict[str, FeeSchedule] = {}
    for schedule in FeeSchedule.objects.filter(is_published=True, year__lte=today.year).order_by(
        "currency", "-year"
    ):
        found.setdefault(schedule.currency, schedule)
    return found


def published_currencies() -> list[str]:
    """The currencies with a schedule in force today."""
    return sorted(schedules_in_force())


# Both languages at once


def _both(message: str, **params: object) -> tuple[str, str]:
    """The message in English and in Japanese, each with its placeholders filled;
    values that depend on the language are given as callables ``f(lang)``."""
    out = []
    for lang in LANGS:
        filled = {k: (v(lang) if callable(v) else v) for k, v in params.items()}
        with translation.override(lang):
            out.append(_(message) % filled if filled else _(message))
    return out[0], out[1]


def _kind_label(kind: str) -> object:
    return lambda lang: _in(lang, OrganisationKind(kind).label)


def _group_label(group: str) -> object:
    return lambda lang: _in(lang, IncomeGroup(group).label)


def _in(lang: str, lazy: object) -> str:
    with translation.override(lang):
        return str(lazy)


# The engine


def ineligible_message(kind: str) -> str:
    """Why this kind of organisation cannot join, and what it can do instead."""
    if kind == OrganisationKind.BUSINESS:
        return _(
            "Businesses cannot join as members or associate partners: membership is for "
            "local and regional governments and their associations, and associate "
            "partnership for NGOs, universities, government agencies and not-for-profit "
            "research institutions. A business can support the network as a sponsor or "
            "event partner: please write to us through the contact form."
        )
    return _(
        "This kind of organisation cannot join: membership is for local and regional "
        "governments and their associations, and associate partnership for NGOs, "
        "universities, state and national government agencies and not-for-profit research "
        "institutions. If your organisation is one of these, choose that kind; otherwise "
        "please write to us through the contact form."
    )


def fee_quote(
    *,
    kind: str,
    country: str,
    population: int | None,
    currency: str,
    year: int | None = None,
    discount_codes: Sequence[str] = (),
    today: dt.date | None = None,
) -> FeeQuote:
    """The fee for one organisation for one year, with its lines and reasons.

    Raises ``ValidationError`` with a dict of field errors (``kind``, ``country``,
    ``population``, ``currency``, ``discount_codes``) in the active language."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    country = normalise(country)
    currency = (currency or "").strip().upper()
    codes = tuple(dict.fromkeys(c.strip().lower() for c in discount_codes if c and c.strip()))

    if kind not in OrganisationKind.values:
        errors["kind"] = [_("Choose a kind of organisation from the list.")]
    elif kind not in ELIGIBILITY:
        errors["kind"] = [ineligible_message(kind)]
    banded = kind in BANDED_KINDS
    if not country:
        errors["country"] = [_("Choose a country.")]
    elif not is_country(country):
        errors["country"] = [_("“%(code)s” is not a country we know.") % {"code": country}]
    if banded:
        if population is None:
            errors["population"] = [
                _("Give the population: the fee of a local or regional government depends on it.")
            ]
        elif population < 0:
            errors["population"] = [_("The population cannot be negative.")]
        elif population == 0:
            errors["population"] = [_("The population must be at least 1.")]

    schedule = None
    if not currency:
        errors["currency"] = [_("Choose a currency.")]
    else:
        schedule = _once(
            ("schedule", currency, year, today if year is None else None),
            lambda: schedule_in_force(currency=currency, year=year, today=today),
        )
        if schedule is None:
            if year is None:
                message = _("There is no published fee schedule in %(currency)s.") % {
                    "currency": currency
                }
            else:
                message = _("There is no published fee schedule in %(currency)s for %(year)s.") % {
                    "currency": currency,
                    "year": year,
                }
            errors["currency"] = [message]
    if errors:
        raise ValidationError(errors)
    assert schedule is not None

    lines: list[FeeLine] = []
    reasons: list[tuple[str, str]] = []
    is_example = False
    snapshot = None
    group = None
    band_en = band_ja = None
    q = quantum(currency)

    def m(amount: Decimal) -> object:
        return lambda lang: money(amount, currency, lang)

    reasons.append(
        _both(
            # The schedule's name gives its year, and the quote's heading the fee's: the
            # sentence adds only the currency, in words ("in euros", 「円建て」).
            gettext_noop("The fees are those of the schedule “%(schedule)s”, in %(currency)s."),
            schedule=lambda lang: schedule.tr("name", lang) or str(schedule),
            currency=lambda lang: get_currency_name(
                currency, count=2, locale=_BABEL_LOCALE.get(lang, "en")
            ),
        )
    )

    if banded:
        snapshot = _once(("snapshot", today), lambda: snapshot_in_force(on=today))
        if snapshot is None:
            raise ValidationError(
                {"country": [_("No income classification of countries has been loaded yet.")]}
            )
        if _TABLES.get() is None:
            income = CountryIncome.objects.filter(snapshot=snapshot, country=country).first()
            group = income.group if income is not None else None
        else:  # every country's group at once
            group = _once(
                ("groups", snapshot.pk),
                lambda: dict(
                    CountryIncome.objects.filter(snapshot=snapshot).values_list("country", "group")
                ),
            ).get(country)
        if group is None:
            raise ValidationError(
                {
                    "country": [
                        _(
                            "The income classification “%(snapshot)s” gives no income group "
                            "for %(country)s, so we cannot work out the fee. Please write to "
                            "us through the contact form."
                        )
                        % {
                            "snapshot": snapshot.title_in(_lang()),
                            "country": country_name(country, _lang()),
                        }
                    ]
                }
            )
        # One query: this group's amount in every band, with the bands' bounds.
        rows = _once(
            ("bands", schedule.pk, group),
            lambda: sorted(
                BandAmount.objects.filter(band__schedule=schedule, group=group).select_related(
                    "band"
                ),
                key=lambda a: (a.band.upper_bound is None, a.band.upper_bound or 0),
            ),
        )
        found = amount_row = None
        lower = 1
        for row in rows:
            upper = row.band.upper_bound
            if upper is None or population <= upper:
                found, amount_row = (row.band, lower, upper), row
                break
            lower = upper + 1
        if amount_row is None:
            raise ValidationError(
                {
                    "currency": [
                        _(
                            "The schedule “%(schedule)s” has no amount for this population "
                            "and income group."
                        )
                        % {"schedule": str(schedule)}
                    ]
                }
            )
        band_en, band_ja = (band_label(found[1], found[2], lang) for lang in LANGS)
        band_of = {"en": band_en, "ja": band_ja}
        base = round_money(amount_row.amount, currency)
        is_example |= amount_row.is_example
        lines.append(
            FeeLine(
                *_both(
                    gettext_noop("Base fee: %(kind)s, %(band)s, %(group)s"),
                    kind=_kind_label(kind),
                    band=band_of.get,
                    group=_group_label(group),
                ),
                amount=base,
            )
        )
        reasons.append(
            _both(
                gettext_noop("A population of %(population)s is in the band “%(band)s”."),
                population=lambda lang: number(population, lang),
                band=band_of.get,
            )
        )
        reasons.append(
            _both(
                gettext_noop(
                    "%(country)s is in the income group “%(group)s” in the World Bank "
                    "classification “%(snapshot)s”, in force since %(date)s."
                ),
                country=lambda lang: country_name(country, lang),
                group=_group_label(group),
                snapshot=snapshot.title_in,
                date=lambda lang: _date(snapshot.valid_from, lang),
            )
        )
    else:
        flat = _once(
            ("flat", schedule.pk, kind),
            lambda: FlatFee.objects.filter(schedule=schedule, kind=kind).first(),
        )
        if flat is None:
            raise ValidationError(
                {
                    "kind": [
                        _("The schedule “%(schedule)s” has no fee for this kind of organisation.")
                        % {"schedule": str(schedule)}
                    ]
                }
            )
        base = round_money(flat.amount, currency)
        is_example |= flat.is_example
        lines.append(
            FeeLine(
                *_both(gettext_noop("Base fee: %(kind)s (flat fee)"), kind=_kind_label(kind)),
                amount=base,
            )
        )
        reasons.append(
            _both(
                gettext_noop(
                    "This kind of organisation (%(kind)s) pays a flat fee, whatever its country or size."
                ),
                kind=_kind_label(kind),
            )
        )

    # Discounts
    fee = base
    if codes:
        known = {d.code: d for d in Discount.objects.filter(schedule=schedule, code__in=codes)}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError(
                {
                    "discount_codes": [
                        _("The discount “%(code)s” does not exist in this schedule.") % {"code": c}
                        for c in unknown
                    ]
                }
            )
        total_percent = Decimal(0)
        for code in codes:
            discount = known[code]
            if not discount.applies_to(kind):
                reasons.append(
                    _both(
                        gettext_noop(
                            "The discount “%(name)s” does not apply to this kind of organisation (%(kind)s)."
                        ),
                        name=lambda lang, d=discount: d.tr("name", lang) or d.code,
                        kind=_kind_label(kind),
                    )
                )
                continue
            pct = min(discount.percent, Decimal(100) - total_percent)
            if pct <= 0:
                continue
            total_percent += pct
            off = round_money(base * pct / Decimal(100), currency)
            is_example |= discount.is_example
            lines.append(
                FeeLine(
                    *_both(
                        gettext_noop("Discount: %(name)s (%(percent)s)"),
                        name=lambda lang, d=discount: d.tr("name", lang) or d.code,
                        percent=lambda lang, p=pct: percent(p, lang),
                    ),
                    amount=-off,
                )
            )
            reasons.append(
                _both(
                    gettext_noop("The discount “%(name)s” takes %(percent)s off the base fee."),
                    name=lambda lang, d=discount: d.tr("name", lang) or d.code,
                    percent=lambda lang, p=pct: percent(p, lang),
                )
            )
            fee -= off

    # Floor and cap
    if schedule.minimum is not None and fee < schedule.minimum:
        floor = round_money(schedule.minimum, currency)
        lines.append(FeeLine(*_both(gettext_noop("Raised to the minimum fee")), amount=floor - fee))
        reasons.append(
            _both(gettext_noop("The fee is raised to the minimum of %(amount)s."), amount=m(floor))
        )
        is_example |= schedule.minimum_is_example
        fee = floor
    elif schedule.maximum is not None and fee > schedule.maximum:
        cap = round_money(schedule.maximum, currency)
        lines.append(FeeLine(*_both(gettext_noop("Lowered to the maximum fee")), amount=cap - fee))
        reasons.append(
            _both(gettext_noop("The fee is capped at the maximum of %(amount)s."), amount=m(cap))
        )
        is_example |= schedule.maximum_is_example
        fee = cap

    # Administration fee
    if schedule.admin_fee_percent:
        admin = round_money(fee * schedule.admin_fee_percent / Decimal(100), currency)
        lines.append(
            FeeLine(
                *_both(
                    gettext_noop("Administration fee (%(percent)s)"),
                    percent=lambda lang: percent(schedule.admin_fee_percent, lang),
                ),
                amount=admin,
            )
        )
        reasons.append(
            _both(
                gettext_noop("An administration fee of %(percent)s is added."),
                percent=lambda lang: percent(schedule.admin_fee_percent, lang),
            )
        )
        is_example |= schedule.admin_fee_is_example
        fee += admin

    total = sum((line.amount for line in lines), Decimal(0)).quantize(q)
    assert total == fee.quantize(q)
    if is_example:
        reasons.append(
            _both(
                gettext_noop(
                    "Some figures used here are examples, not published fees: the amount is "
                    "only an illustration."
                )
            )
        )
    return FeeQuote(
        amount=total,
        currency=currency,
        year=schedule.year,
        schedule=schedule,
        snapshot=snapshot,
        income_group=group,
        band_label_en=band_en,
        band_label_ja=band_ja,
        lines=tuple(lines),
        reasons_en=tuple(r[0] for r in reasons),
        reasons_ja=tuple(r[1] for r in reasons),
        is_example=is_example,
        kind=kind,
        country=country,
        population=population if banded else None,
        discount_codes=codes,
        quoted_on=today,
    )


def _lang() -> str:
    from pavilion.core.i18n import current_lang

    return current_lang()


def _date(value: dt.date, lang: str) -> str:
    from babel.dates import format_date

    return format_date(value, format="long", locale=_BABEL_LOCALE.get(lang, "en"))
