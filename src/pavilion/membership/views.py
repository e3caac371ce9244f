"""Public membership pages: what joining gives, the rates, the fee calculator and the
members' directory. Thin: they parse input, call the fee engine or a selector, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pavilion.core.i18n import current_lang

from . import selectors
from .countries import country_name, is_country, normalise, region_name
from .fees import fee_quote, money, schedules_in_force
from .forms import CalculatorForm, DirectoryFilterForm, calculator_discounts, natural_currency
from .models import ELIGIBILITY, Category, OrganisationKind

STEPS = (
    "apply",
    "review",
    "invoice",
    "payment",
    "welcome",
)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    eligibility = [
        {
            "kind": label,
            "category": Category(ELIGIBILITY[value]).label if value in ELIGIBILITY else None,
        }
        for value, label in OrganisationKind.choices
    ]
    return render(
        request,
        "membership/index.html",
        {
            "eligibility": eligibility,
            "phrase": selectors.members_phrase("local_regional", lang),
            "counts": selectors.member_counts(),
        },
    )


def _currency_choice(request: HttpRequest, lang: str, currencies: list[str]) -> str:
    wanted = (request.GET.get("currency") or "").upper()
    if wanted in currencies:
        return wanted
    natural = natural_currency(lang)
    if natural in currencies:
        return natural
    return currencies[0] if currencies else natural


@require_GET
def rates(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    in_force = schedules_in_force()
    currencies = sorted(in_force)
    currency = _currency_choice(request, lang, currencies)
    status = 200
    notice = None
    wanted = (request.GET.get("currency") or "").strip()
    if wanted and wanted.upper() not in currencies:
        status = 400
        notice = _("We publish no fees in “%(currency)s”; here are the fees in %(shown)s.") % {
            "currency": wanted[:10],
            "shown": currency,
        }
    schedule = in_force.get(currency)
    table = selectors.rates_table(schedule=schedule) if schedule else None
    rows = []
    if table:
        for band in table.bands:
            rows.append(
                {
                    "label": _band_label(band, lang),
                    "cells": [
                        _cell(band["amounts"].get(group), currency, lang) for group in table.groups
                    ],
                }
            )
    flat = [
        {
            "kind": OrganisationKind(f.kind).label,
            "category": Category(ELIGIBILITY[f.kind]).label,
            **_cell(f, currency, lang),
        }
        for f in (table.flat_fees if table else [])
    ]
    return render(
        request,
        "membership/rates.html",
        {
            "schedule": schedule,
            "table": table,
            "rows": rows,
            "flat": flat,
            "currency": currency,
            "others": [c for c in currencies if c != currency],
            "notice": notice,
            "minimum": money(schedule.minimum, currency, lang)
            if schedule and schedule.minimum is not None
            else None,
            "maximum": money(schedule.maximum, currency, lang)
            if schedule and schedule.maximum is not None
            else None,
        },
        status=status,
    )


def _band_label(band: dict, lang: str) -> str:
    from .fees import band_label

    return band_label(band["lower"], band["upper"], lang)


def _cell(row, currency: str, lang: str) -> dict:
    if row is None:
        return {"text": "—", "is_example": False}
    return {"text": money(row.amount, currency, lang), "is_example": row.is_example}


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    in_force = schedules_in_force()
    currencies = sorted(in_force)
    discounts = calculator_discounts(list(in_force.values()))
    wants_json = request.GET.get("format") == "json"
    # A quote is asked for when the form is sent (it always sends both lists, even
    # unchosen) or a link gives both; a link giving only some fields (the rates page's
    # ?currency=EUR, a ?kind= or ?country= alone) merely preselects them.
    submitted = "kind" in request.GET and "country" in request.GET
    data = request.GET if submitted else None
    form = CalculatorForm(
        data,
        lang=lang,
        currencies=currencies,
        discounts=discounts,
        initial=_calculator_preselection(request, lang, currencies),
    )
    quote = None
    if submitted and form.is_valid():
        try:
            quote = fee_quote(
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"],
                population=form.cleaned_data["population"],
                currency=form.cleaned_data["currency"],
                discount_codes=form.cleaned_data["discounts"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
    status = 400 if submitted and quote is None else 200
    if wants_json:
        if quote is not None:
            return JsonResponse(
                {"ok": True, "quote": quote.to_json(), "html": _result_html(request, quote, lang)}
            )
        return JsonResponse(
            {"ok": False, "errors": {k: [str(m) for m in v] for k, v in form.errors.items()}},
            status=400 if submitted else 200,
        )
    return render(
        request,
        "membership/calculator.html",
        {"form": form, "quote": quote, "result": _result(quote, lang) if quote else None},
        status=status,
    )


def _calculator_preselection(request: HttpRequest, lang: str, currencies: list[str]) -> dict:
    """Initial values from a link: the currency (else the language's), and a kind,
    country or population when given alone. A value that is not in the lists is
    left out: the visitor has not asked for anything yet, so there is nothing to
    correct."""
    initial: dict = {"currency": _currency_choice(request, lang, currencies)}
    kind = request.GET.get("kind", "")
    if kind in OrganisationKind.values:
        initial["kind"] = kind
    country = normalise(request.GET.get("country", ""))
    if country and is_country(country):
        initial["country"] = country
    population = (request.GET.get("population") or "").strip()
    if population:
        initial["population"] = population[:20]
    return initial


def _result(quote, lang: str) -> dict:
    return {
        "amount": quote.amount_display(lang),
        "lines": [
            {"label": line.label(lang), "amount": money(line.amount, quote.currency, lang)}
            for line in quote.lines
        ],
        "reasons": quote.reasons(lang),
        "is_example": quote.is_example,
        "year": quote.year,
        "country": country_name(quote.country, lang),
    }


def _result_html(request: HttpRequest, quote, lang: str) -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "membership/_quote.html", {"result": _result(quote, lang)}, request=request
    )


@require_GET
def members(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    form = DirectoryFilterForm(request.GET or None, lang=lang)
    filters = {"country": "", "region": "", "category": ""}
    status = 200
    if request.GET:
        # A bad filter is reported beside its field (400) and left out; the good ones apply.
        if not form.is_valid():
            status = 400
        filters = {k: form.cleaned_data.get(k) or "" for k in filters}
    listed = list(selectors.directory_members(**filters))
    for member in listed:
        member.country_label = country_name(member.country, lang)
        member.region_label = region_name(member.region, lang) if member.region else ""
        # "(example)" only where the name does not already say so ("Example City of …").
        member.example_tag = member.is_example and not _says_example(member.tr("name", lang))
    listed.sort(key=lambda m: (m.country_label, str(m.tr("name", lang)).casefold()))
    counts = selectors.member_counts()
    return render(
        request,
        "membership/members.html",
        {
            "form": form,
            "members": listed,
            "counts": counts,
            "table": selectors.counts_table(counts, lang),
            "filtered": any(filters.values()),
        },
        status=status,
    )


def _says_example(name: str) -> bool:
    text = str(name).strip().casefold()
    return text.startswith(("example", "例：", "例:")) or text.endswith(("(example)", "（例）"))
