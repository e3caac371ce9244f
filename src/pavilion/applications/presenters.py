"""What the application pages and e-mails show: money in the reader's language, the
fee's reasons, addresses with the resume token."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from .models import Application


def money(amount: Decimal | str | None, currency: str, lang: str) -> str:
    """An amount as the reader's language writes it (€450, ￥72,000), as the rates do."""
    from pavilion.membership.fees import money as fee_money

    if amount is None or not currency:
        return ""
    return fee_money(Decimal(str(amount)), currency, lang)


def site_url() -> str:
    return getattr(settings, "PAVILION_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def resume_path(token: str, lang: str, *, name: str = "applications:resume", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs={"token": token, **kwargs})


def resume_url(token: str, lang: str) -> str:
    return site_url() + resume_path(token, lang)


# The reason ``membership.fees.fee_quote`` adds when a figure is an example, word for
# word (its msgid). The application's pages and mails say it once, in their own words
# (``example_note``), so it is taken out of the reasons they list.
FEE_EXAMPLE_REASON = (
    "Some figures used here are examples, not published fees: the amount is only an illustration."
)


def _example_notes(lang: str) -> tuple[str, set[str]]:
    """The notice the applicant reads when a figure is an example, and the fee's own
    reason saying so (in English and in ``lang``), to be left out of the reasons."""
    with translation.override(lang):
        note = gettext(
            "Some figures in this fee are examples, not published rates: the secretariat "
            "will confirm the amount."
        )
        reason = gettext(FEE_EXAMPLE_REASON)
    return note, {FEE_EXAMPLE_REASON, reason}


def _facts(*, amount, currency: str, reasons, is_example: bool, year, lang: str) -> dict:
    note, example_reasons = _example_notes(lang)
    with translation.override(lang):
        per_year = gettext("a year")
    return {
        "amount": money(amount, currency, lang) if amount is not None else "",
        "per_year": per_year,
        "currency": currency,
        "reasons": [reason for reason in reasons if reason not in example_reasons],
        "is_example": is_example,
        "example_note": note if is_example else "",
        "year": year,
    }


def quote_facts(quote: dict | None, lang: str) -> dict:
    """The parts of a saved quote (``FeeQuote.to_json()``) a reader needs: the amount
    written out, the reasons in their language and, when any figure is an example,
    the notice saying so (once: not again among the reasons)."""
    quote = quote or {}
    return _facts(
        amount=quote.get("amount"),
        currency=quote.get("currency", ""),
        reasons=quote.get(f"reasons_{lang}") or quote.get("reasons_en") or [],
        is_example=bool(quote.get("is_example")),
        year=quote.get("year"),
        lang=lang,
    )


def live_quote_facts(quote, lang: str) -> dict:
    """The same facts from a FeeQuote object (not saved yet)."""
    return _facts(
        amount=quote.amount,
        currency=quote.currency,
        reasons=getattr(quote, f"reasons_{lang}", ()) or quote.reasons_en,
        is_example=bool(quote.is_example),
        year=quote.year,
        lang=lang,
    )


def organisation_name(application: Application, lang: str) -> str:
    first, second = (application.name_ja, application.name_en)
    if lang != "ja":
        first, second = second, first
    return first or second


def step_labels() -> dict[str, str]:
    """Each step of an application's audit trail (``pavilion.application.<verb>``) as
    staff read it, in the current language."""
    from django.utils.translation import pgettext

    return {
        "start": pgettext("application audit step", "Started by the applicant"),
        "submit": pgettext("application audit step", "Sent by the applicant"),
        "review_start": pgettext("application audit step", "Review started"),
        "request_info": pgettext(
            "application audit step", "Information requested from the applicant"
        ),
        "answer": pgettext("application audit step", "The applicant answered"),
        "review_resume": pgettext("application audit step", "Review resumed"),
        "approve": pgettext("application audit step", "Approved"),
        "reject": pgettext("application audit step", "Rejected"),
        "withdraw": pgettext("application audit step", "Withdrawn"),
    }


def step_label(action: str) -> str:
    """The label of an audit action such as ``pavilion.application.review_start``; an
    action without one is shown as it is."""
    verb = action.rsplit(".", 1)[-1]
    return step_labels().get(verb, action)


def status_label(status: str | None) -> str:
    """A status as its label (``in_review`` → "In review"); none as a dash."""
    if not status:
        return "—"
    return str(dict(Application.Status.choices).get(status, status))
