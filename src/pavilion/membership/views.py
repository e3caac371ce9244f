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
from .countries import country_name, region_name
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
    submitted = any(k in request.GET for k in ("kind", "country", "population", "currency"))
    data = request.GET if submitted else None
    form = CalculatorForm(
        data,
        lang=lang,
        currencies=currencies,
        discounts=discounts,
        initial={"currency": natural_currency(lang)},
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
        if form.is_valid():
            filters = {k: form.cleaned_data.get(k) or "" for k in filters}
        else:
            status = 400
    listed = list(selectors.directory_members(**filters))
    for member in listed:
        member.country_label = country_name(member.country, lang)
        member.region_label = region_name(member.region, lang) if member.region else ""
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
