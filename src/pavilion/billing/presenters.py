"""Showing billing figures: money per language, the basis of an invoice's fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from pavilion.core.i18n import current_lang
from pavilion.membership.models import IncomeGroup

from .models import Invoice

BABEL_LOCALES = {"en": "en", "ja": "ja_JP"}


def money(amount: Decimal | str | None, currency: str, lang: str | None = None) -> str:
    """``€450.00`` in English, ``￥72,000`` in Japanese (Babel's rules per language;
    the active language by default). An amount finer than the currency's minor unit
    (half a yen, recorded before such amounts were refused) is written as it is
    stored, ``¥70,899.5``, never rounded: the figure shown is the figure to enter."""
    if amount is None:
        return ""
    lang = lang or current_lang()
    return format_currency(
        Decimal(amount),
        currency,
        locale=BABEL_LOCALES.get(lang, lang),
        decimal_quantization=False,
    )


def income_group_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(IncomeGroup(code).label)
    except ValueError:
        return code


def _date(value: str | None) -> dt.date | str:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return value or ""


def fee_basis(invoice: Invoice, lang: str) -> dict:
    """What the frozen quote says about how the fee was set, in ``lang`` (call inside
    ``translation.override(lang)`` for the income group's name): the schedule, the
    population and its band, the income group and the classification it came from.
    The quote's prose reasons are left out: the invoice's lines already show each
    discount, minimum, maximum and administration fee, and these facts say the rest."""
    quote = invoice.quote or {}
    other = "ja" if lang == "en" else "en"
    snapshot = quote.get("snapshot") or {}
    schedule = quote.get("schedule") or {}
    population = quote.get("population")
    return {
        "schedule_name": schedule.get(f"name_{lang}") or schedule.get(f"name_{other}") or "",
        "band": quote.get(f"band_label_{lang}") or quote.get(f"band_label_{other}") or "",
        "population": (
            format_decimal(population, locale=BABEL_LOCALES.get(lang, lang))
            if population is not None
            else ""
        ),
        "income_group": income_group_label(quote.get("income_group")),
        "snapshot_title": (snapshot.get("title_ja") if lang == "ja" else "")
        or snapshot.get("title", ""),
        "snapshot_date": _date(snapshot.get("valid_from")),
        "is_example": bool(quote.get("is_example")),
    }


def fee_basis_facts(invoice: Invoice, lang: str, *, basis: dict | None = None) -> list:
    """The basis of the fee as (label, value) pairs in ``lang`` (call inside
    ``translation.override(lang)``): fee schedule, population band with the population,
    income group, income classification with its date. The invoice PDF and the
    back office show the same facts."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    basis = basis if basis is not None else fee_basis(invoice, lang)
    facts = []
    if basis["schedule_name"]:
        facts.append((_("Fee schedule"), basis["schedule_name"]))
    if basis["band"]:
        band = basis["band"]
        if basis["population"]:
            band = _("%(band)s (population %(population)s)") % {
                "band": band,
                "population": basis["population"],
            }
        facts.append((_("Population band"), band))
    if basis["income_group"]:
        facts.append((_("Income group"), basis["income_group"]))
    if basis["snapshot_title"]:
        date = basis["snapshot_date"]
        facts.append(
            (
                _("Income classification"),
                _("%(title)s, valid from %(date)s")
                % {
                    "title": basis["snapshot_title"],
                    "date": date_format(date, "DATE_FORMAT") if isinstance(date, dt.date) else date,
                },
            )
        )
    return facts


def quote_summary(invoice: Invoice, lang: str) -> dict:
    """The frozen quote of ``invoice`` for staff, in ``lang``: the facts the fee was set
    by (schedule, population band, income group, income classification), its lines
    with their amounts, and the reasons given when it was computed."""
    quote = invoice.quote or {}
    other = "ja" if lang == "en" else "en"
    basis = fee_basis(invoice, lang)
    facts = fee_basis_facts(invoice, lang, basis=basis)
    currency = quote.get("currency") or invoice.currency
    lines = [
        (
            line.get(f"label_{lang}") or line.get(f"label_{other}") or "",
            money(line.get("amount"), currency, lang),
        )
        for line in quote.get("lines") or []
    ]
    reasons = list(quote.get(f"reasons_{lang}") or quote.get(f"reasons_{other}") or [])
    return {
        "facts": facts,
        "lines": lines,
        "reasons": reasons,
        "is_example": basis["is_example"],
    }
