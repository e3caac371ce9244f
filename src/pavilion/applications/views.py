"""The application form, in five steps, and the applicant's own page.

Thin: each view parses one step's form, calls one service and renders. Each step
is its own page and POST and works without JavaScript; with it, step 3 shows the
fee as the population is typed (``quote`` answers in JSON).

Addresses: ``/<lang>/membership/apply/`` starts (step 1); the draft then lives at
``/<lang>/membership/apply/<token>/`` (the resume link mailed to the applicant),
its steps at ``…/<token>/step/<n>/``. While information is requested the link
shows the question and the answer form (text and PDFs); ``…/<token>/answered/``
thanks for the answer. Bad input gets 400 with the form as typed; too many starts
from one address in an hour get 429.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pavilion.core.i18n import current_lang
from pavilion.core.ratelimit import client_address, over_limit
from pavilion.membership.models import Category

from . import documents, selectors, services
from .forms import (
    DEFAULT_CURRENCY,
    AnswerForm,
    CategoryForm,
    ConsentForm,
    ContactForm,
    DocumentForm,
    OrganisationForm,
)
from .models import Application
from .presenters import live_quote_facts, quote_facts, resume_path

Status = Application.Status

RATE_WINDOW_SECONDS = 3600
DEFAULT_STARTS_PER_ADDRESS = 10


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def step_titles(application: Application | None = None) -> dict[int, str]:
    """The steps' titles; step 3 asks for a population only of the kinds whose fee
    depends on it, and is named for what it asks."""
    asks_population = application is None or services.population_needed(application.kind)
    return {
        1: _("Organisation"),
        2: _("Contact person"),
        3: _("Category and population") if asks_population else _("Category and fee"),
        4: _("Documents"),
        5: _("Consent and review"),
    }


def _application(token: str) -> Application:
    application = selectors.application_by_token(token=token)
    if application is None:
        raise Http404("no such application")
    return application


def _redirect(token: str, name: str = "applications:resume", **kwargs) -> HttpResponse:
    return HttpResponseSeeOther(resume_path(token, current_lang(), name=name, **kwargs))


def _step_url(token: str, step: int) -> HttpResponse:
    return _redirect(token, "applications:step", step=step)


def _render_step(
    request: HttpRequest,
    *,
    step: int,
    form,
    application: Application | None = None,
    token: str = "",
    status: int = 200,
    extra: dict | None = None,
) -> HttpResponse:
    titles = step_titles(application)
    done = application.step if application else 0
    steps = [
        {
            "number": n,
            "title": title,
            "current": n == step,
            "url": (
                resume_path(token, current_lang(), name="applications:step", step=n)
                if token and n <= done + 1 and n != step
                else ""
            ),
        }
        for n, title in titles.items()
    ]
    context = {
        "step": step,
        "steps_total": services.STEPS,
        "step_title": titles[step],
        "steps": steps,
        "form": form,
        "application": application,
        "token": token,
        "back_url": steps[step - 2]["url"] if step > 1 and token else "",
    } | (extra or {})
    return render(request, "applications/step.html", context, status=status)


# Step 1: start


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_step(request, step=1, form=OrganisationForm())
    form = OrganisationForm(request.POST)
    limit = int(getattr(settings, "PAVILION_APPLICATION_STARTS_PER_ADDRESS", 10))
    if over_limit(
        scope="applications",
        kind="start",
        value=client_address(request),
        limit=limit,
        window=RATE_WINDOW_SECONDS,
    ):
        if not form.is_valid():
            _add_rule_errors(form, step=1)
        form.add_error(
            None,
            _(
                "Too many applications have been started from your network in the last hour. "
                "Please try again later."
            ),
        )
        return _render_step(request, step=1, form=form, status=429)
    if form.is_valid():
        try:
            _application_started, token = services.application_start(
                data=form.cleaned_data, language=current_lang()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _step_url(token, 2)
    else:
        _add_rule_errors(form, step=1)
    return _render_step(request, step=1, form=form, status=400)


def _add_rule_errors(form, *, step: int, application: Application | None = None) -> None:
    """Put the rules' errors (no name, a kind that may not join, a missing population…)
    on the fields the form accepted, so that a refused step lists all its errors at
    once, not the form's first and the rules' after those are put right."""
    try:
        services.application_check_step(step=step, data=form.cleaned_data, application=application)
    except ValidationError as error:
        form.add_service_errors(error)


# The draft's own address


@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """Where the mailed link leads: the next step of a draft, the answer form while
    information is requested, otherwise where the application stands."""
    application = _application(token)
    if application.status == Status.DRAFT:
        return _step_url(token, min(application.step + 1, services.STEPS))
    form = None
    status = 200
    if application.status == Status.INFO_REQUESTED:
        max_mb = documents.size_text(documents.max_bytes())
        if request.method != "POST":
            form = AnswerForm(max_mb=max_mb)
        else:
            form = AnswerForm(request.POST, request.FILES, max_mb=max_mb)
            if form.is_valid():
                try:
                    services.application_answer(
                        application=application,
                        note=form.cleaned_data["note"],
                        uploads=form.cleaned_data["file"],
                        kind=form.cleaned_data["kind"],
                        token=token,
                    )
                except ValidationError as error:
                    form.add_service_errors(error)
                else:
                    return _redirect(token, "applications:answered")
            status = 400
    elif request.method == "POST":
        return _redirect(token)
    return _status_page(request, application, token, form=form, status=status)


def _status_page(
    request, application, token, *, form=None, status=200, thanks=False, answered=False
):
    lang = current_lang()
    context = {
        "application": application,
        "token": token,
        "form": form,
        "thanks": thanks,
        "answered": answered,
        "fee": quote_facts(application.quote, lang),
        "request_note": selectors.application_last_note(
            application=application, verb="request_info"
        )
        if application.status == Status.INFO_REQUESTED
        else "",
        "can_withdraw": application.status in services.TRANSITIONS["withdraw"][0],
    }
    return render(request, "applications/status.html", context, status=status)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    application = _application(token)
    if application.status == Status.DRAFT:
        return _step_url(token, min(application.step + 1, services.STEPS))
    return _status_page(request, application, token, thanks=True)


@require_GET
def answered(request: HttpRequest, token: str) -> HttpResponse:
    """After the applicant's answer: it arrived, a confirmation is on its way."""
    application = _application(token)
    if application.status == Status.DRAFT:
        return _step_url(token, min(application.step + 1, services.STEPS))
    return _status_page(request, application, token, answered=True)


@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    application = _application(token)
    with contextlib.suppress(ValidationError):  # already closed: the page says so
        services.application_withdraw(application=application)
    return _redirect(token)


# Steps 1–5 of a draft


FORMS = {1: OrganisationForm, 2: ContactForm, 3: CategoryForm}


def _initial(application: Application, step: int) -> dict:
    fields = services.STEP_FIELDS.get(step, ())
    initial = {field: getattr(application, field) for field in fields}
    if step == 3:
        if not initial["currency"]:
            initial["currency"] = DEFAULT_CURRENCY.get(application.language, "EUR")
        for field in ("population", "population_year"):
            initial[field] = "" if initial[field] is None else str(initial[field])
    return initial


def _form_kwargs(application: Application, step: int) -> dict:
    if step == 3:
        return {"population_needed": services.population_needed(application.kind)}
    return {}


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, step: int) -> HttpResponse:
    application = _application(token)
    if application.status != Status.DRAFT:
        return _redirect(token)
    if step < 1 or step > services.STEPS:
        raise Http404("no such step")
    if step > application.step + 1:
        return _step_url(token, application.step + 1)
    if step in FORMS:
        return _data_step(request, application, token, step)
    if step == 4:
        return _documents_step(request, application, token)
    return _consent_step(request, application, token)


def _data_step(request, application, token, step) -> HttpResponse:
    form_class = FORMS[step]
    extra = _step_extra(application, step)
    kwargs = _form_kwargs(application, step)
    if request.method == "GET":
        form = form_class(initial=_initial(application, step), **kwargs)
        return _render_step(
            request, step=step, form=form, application=application, token=token, extra=extra
        )
    form = form_class(request.POST, **kwargs)
    quoting = step == 3 and request.POST.get("action") == "quote"
    if not form.is_valid():
        if not quoting:  # showing the fee needs no source or year yet
            _add_rule_errors(form, step=step, application=application)
    elif quoting:
        extra = _step_extra(application, step, changes=form.cleaned_data)
        return _render_step(
            request, step=step, form=form, application=application, token=token, extra=extra
        )
    else:
        try:
            services.application_save_step(
                application=application, step=step, data=form.cleaned_data, token=token
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _step_url(token, step + 1)
    if step == 3:
        # The fee for the figures as typed (a refused population shows none), not for
        # the ones saved before.
        typed = {"currency": form.cleaned_data.get("currency") or application.currency}
        if "population" in form.fields:
            typed["population"] = form.cleaned_data.get("population")
        extra = _step_extra(application, step, changes=typed)
    return _render_step(
        request,
        step=step,
        form=form,
        application=application,
        token=token,
        status=400,
        extra=extra,
    )


def _step_extra(application: Application, step: int, changes: dict | None = None) -> dict:
    if step != 3:
        return {}
    lang = current_lang()
    category = services.category_for(application.kind)
    extra = {
        "category": category,
        "category_label": dict(Category.choices).get(category, ""),
        "population_needed": category == services.POPULATION_KINDS_CATEGORY,
        "fee": None,
        "fee_error": "",
    }
    values = {
        key: (changes or {}).get(key, getattr(application, key))
        for key in ("population", "currency")
    }
    if not values["currency"]:
        values["currency"] = DEFAULT_CURRENCY.get(application.language, "EUR")
    if extra["population_needed"] and values["population"] is None:
        return extra
    try:
        quote = services.application_quote(application=application, **values)
    except ValidationError as error:
        extra["fee_error"] = " ".join(error.messages)
    else:
        extra["fee"] = live_quote_facts(quote, lang)
    return extra


def _documents_step(request, application, token) -> HttpResponse:
    max_mb = documents.size_text(documents.max_bytes())
    extra = {"documents": list(application.documents.all())}
    if request.method == "GET":
        form = DocumentForm(max_mb=max_mb)
        return _render_step(
            request, step=4, form=form, application=application, token=token, extra=extra
        )
    form = DocumentForm(request.POST, request.FILES, max_mb=max_mb)
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                services.application_document_add(
                    application=application, kind=form.cleaned_data["kind"], upload=upload
                )
            else:
                services.application_step_done(application=application, step=4)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _step_url(token, 5)
    return _render_step(
        request, step=4, form=form, application=application, token=token, status=400, extra=extra
    )


def _consent_step(request, application, token) -> HttpResponse:
    lang = current_lang()
    extra = {"summary": selectors.application_summary(application=application, lang=lang)}
    try:
        extra["fee"] = live_quote_facts(services.application_quote(application=application), lang)
    except ValidationError as error:
        extra["fee"] = None
        extra["fee_error"] = " ".join(error.messages)
    if request.method == "GET":
        return _render_step(
            request, step=5, form=ConsentForm(), application=application, token=token, extra=extra
        )
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.application_submit(
                application=application, consent=form.cleaned_data["consent"], token=token
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _redirect(token, "applications:thanks")
    return _render_step(
        request, step=5, form=form, application=application, token=token, status=400, extra=extra
    )


@require_GET
def quote(request: HttpRequest, token: str) -> JsonResponse:
    """The fee for the draft with the population and currency typed so far (step 3's
    live quote). Field errors come back with status 400."""
    application = _application(token)
    form = CategoryForm(request.GET, **_form_kwargs(application, 3))
    form.is_valid()
    errors = {field: list(messages) for field, messages in form.errors.items()}
    errors.pop("population_source", None)
    errors.pop("population_year", None)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    try:
        result = services.application_quote(
            application=application,
            population=form.cleaned_data.get("population"),
            currency=form.cleaned_data.get("currency"),
        )
    except ValidationError as error:
        messages = (
            {key: list(value) for key, value in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": error.messages}
        )
        return JsonResponse({"errors": messages}, status=400)
    return JsonResponse({"fee": live_quote_facts(result, current_lang())})
