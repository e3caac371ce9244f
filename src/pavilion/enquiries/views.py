"""The contact form and its thank-you page. Thin: parse, check for robots, call the service."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pavilion.core.ratelimit import client_address, over_limit

from . import services
from .forms import EnquiryForm, form_timestamp
from .models import Topic

RATE_WINDOW_SECONDS = 3600
DEFAULT_POSTS_PER_ADDRESS = 10  # per client address and hour
DEFAULT_POSTS_PER_EMAIL = 3  # per e-mail address and hour: acknowledgements are not a mail relay


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _over(kind: str, value: str, limit: int) -> bool:
    return over_limit(
        scope="enquiries", kind=kind, value=value, limit=limit, window=RATE_WINDOW_SECONDS
    )


def _form_page(request: HttpRequest, form: EnquiryForm, status: int = 200, notice: str = ""):
    # A form shown again keeps the moment it was first shown (see forms.py).
    token = form.timestamp_to_carry() if form.is_bound else form_timestamp()
    return render(
        request,
        "enquiries/contact.html",
        {"form": form, "shown_token": token, "notice": notice},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        topic = request.GET.get("topic", "")
        initial = {"topic": topic} if topic in Topic.values else {}
        return _form_page(request, EnquiryForm(initial=initial))

    form = EnquiryForm(request.POST)
    if _over(
        "address",
        client_address(request),
        _limit("PAVILION_ENQUIRIES_PER_ADDRESS", DEFAULT_POSTS_PER_ADDRESS),
    ):
        notice = _(
            "We have received many messages from your network in the last hour. "
            "Please try again later; nothing you typed has been sent."
        )
        return _form_page(request, form, status=429, notice=notice)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    if form.is_robot:
        # Robots are told nothing: they see the thank-you page, and nothing is stored or sent.
        return HttpResponseSeeOther(reverse("enquiries:thanks"))
    data = form.cleaned_data
    if _over(
        "email", data["email"], _limit("PAVILION_ENQUIRIES_PER_EMAIL", DEFAULT_POSTS_PER_EMAIL)
    ):
        notice = _(
            "We have already received several messages from this e-mail address in the last "
            "hour. Please wait for our answer, or try again later."
        )
        return _form_page(request, form, status=429, notice=notice)
    services.enquiry_submit(
        topic=data["topic"],
        name=data["name"],
        organisation=data["organisation"],
        email=data["email"],
        language=data["language"],
        message=data["message"],
    )
    return HttpResponseSeeOther(reverse("enquiries:thanks"))


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "enquiries/thanks.html")
