"""Showing billing figures: money per language, an invoice's fee reasons."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency

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


def fee_basis(invoice: Invoice, lang: str) -> dict:
    """What the frozen quote says about how the fee was set, in ``lang``
    (call inside ``translation.override(lang)`` for the income group's name)."""
    quote = invoice.quote or {}
    other = "ja" if lang == "en" else "en"
    snapshot = quote.get("snapshot") or {}
    return {
        "band": quote.get(f"band_label_{lang}") or quote.get(f"band_label_{other}") or "",
        "income_group": income_group_label(quote.get("income_group")),
        "snapshot_title": (snapshot.get("title_ja") if lang == "ja" else "")
        or snapshot.get("title", ""),
        "snapshot_date": snapshot.get("valid_from", ""),
        "reasons": quote.get(f"reasons_{lang}") or quote.get(f"reasons_{other}") or [],
        "is_example": bool(quote.get("is_example")),
    }
