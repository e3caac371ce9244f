"""Showing billing figures: money per language, the basis of an invoice's fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from pavilion.membership.models import IncomeGroup

from .models import Invoice

BABEL_LOCALES = {"en": "en", "ja": "ja_JP"}


def money(amount: Decimal | str | None, currency: str, lang: str) -> str:
    """``€450.00`` in English, ``￥72,000`` in Japanese (Babel's rules per language)."""
    if amount is None:
        return ""
    return format_currency(Decimal(amount), currency, locale=BABEL_LOCALES.get(lang, lang))


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
