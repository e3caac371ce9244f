"""Registration pages: the visitor's form and own page, the staff's check-in desk and dashboard.

Thin: they parse input, call one service or selector, and render. The rules (who
gets a seat, the waiting order, when registration is open) are the services'.

A visitor's submission
----------------------
- Every POST counts against the client's address, and every well-formed one
  against its e-mail address, in a cache counter (shared between app servers
  when the cache is Redis); past the limit the answer is 429, with what was
  typed kept.
- Success redirects (303) to the registration's own page, addressed by a signed
  token, so reloading never submits again.
- A second submission for the same address never makes a second row: the
  services refuse it (``AlreadyRegistered``, backed by a unique constraint).
  If it comes from the same browser — the form carries a one-off submission key,
  remembered with the registration it made (a double click, the back button and
  "submit" again), or the browser holds the registration in its cookie — the
  visitor is taken to their registration's page. Anyone else is told the address
  is registered already (409) and the registrant gets their link again by
  e-mail; the page itself is never shown to whoever typed the address.
- A refused submission (already registered, too many attempts) is explained once,
  in a box with its own heading above the form, which keeps what was typed. It is
  not put on a field: nothing typed is wrong.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pavilion.core.i18n import current_lang
from pavilion.core.ratelimit import client_address, over_limit
from pavilion.programme.models import Event, Session
from pavilion.programme.presenters import display_zones, session_card

from . import selectors, services
from .admin import attendees_csv
from .forms import CheckInForm, RegistrationForm
from .models import Registration, email_key
from .notifications import registration_resend
from .presenters import (
    code_from_token,
    fill_bar,
    instant_text,
    registration_path,
)
from .qr import qr_svg

Status = Registration.Status

# Rate limits: a fixed window counted in the cache. Settings may raise them (the
# benchmark does); the defaults let a venue's shared Wi-Fi register a room.
RATE_WINDOW_SECONDS = 600
DEFAULT_POSTS_PER_ADDRESS = 60
DEFAULT_POSTS_PER_EMAIL = 10

# The browser's own registrations: a signed cookie with their codes.
COOKIE = "pavilion_registrations"
COOKIE_SALT = "pavilion.registration.browser"
COOKIE_MAX_AGE = 120 * 24 * 3600
COOKIE_MAX_CODES = 20
SUBMISSION_SECONDS = 3600  # how long a submission key leads back to its registration
SUBMISSION_PENDING = "pending"
SUBMISSION_WAIT_SECONDS = 5  # how long a second click waits for the first to finish
RESEND_SECONDS = 600  # at most one "already registered" e-mail per registration in this time


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


@dataclass(frozen=True)
class Refusal:
    """Why a well-typed submission was not registered: a heading and what to do."""

    heading: str
    paragraphs: tuple[str, ...]


def _too_many() -> Refusal:
    minutes = RATE_WINDOW_SECONDS // 60
    return Refusal(
        heading=ngettext(
            "Too many attempts: please try again in %(minutes)d minute",
            "Too many attempts: please try again in %(minutes)d minutes",
            minutes,
        )
        % {"minutes": minutes},
        paragraphs=(
            _(
                "Many registrations were sent in a short time, so this one was not "
                "accepted. What you typed is kept below."
            ),
        ),
    )


def _already_registered() -> Refusal:
    # Said to whoever typed the address: nothing about the registration itself.
    return Refusal(
        heading=_("You are already registered for this session"),
        paragraphs=(
            _(
                "This e-mail address is already registered for this session, so nothing "
                "new was registered."
            ),
            _(
                "Check your e-mail for the link we sent: it opens your registration, with "
                "its QR code, and lets you cancel it. We have sent the link to this address "
                "again; if it does not arrive in a few minutes, look in your spam folder."
            ),
            _("To register someone else, change the e-mail address below."),
        ),
    )


# Helpers


def _over_limit(kind: str, value: str, limit: int) -> bool:
    return over_limit(
        scope="registration", kind=kind, value=value, limit=limit, window=RATE_WINDOW_SECONDS
    )


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _remembered_codes(request: HttpRequest) -> list[str]:
    try:
        value = request.get_signed_cookie(
            COOKIE, default="", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
        )
    except signing.BadSignature:
        return []
    return [code for code in value.split(",") if code]


def _remember(response: HttpResponse, request: HttpRequest, code: str) -> None:
    codes = [code, *(c for c in _remembered_codes(request) if c != code)][:COOKIE_MAX_CODES]
    response.set_signed_cookie(
        COOKIE,
        ",".join(codes),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _at(registration: Registration, address: services.SessionAddress) -> bool:
    """Whether the registration is for the session at this address."""
    session = registration.session
    return session.slug == address.slug and session.event.slug == address.event


def _submission_key(value: str, *, address: services.SessionAddress, email: str) -> str | None:
    """The cache key of one sending of a form for one address: the same form sent again
    with the same address is the same submission; with another address (the back
    button, a colleague's address) it is a new one."""
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    raw = f"{address.event}|{address.slug}|{email_key(email)}|{value}"
    return "registration:submission:" + hashlib.sha256(raw.encode()).hexdigest()


def _public_session(event: str, slug: str) -> Session:
    session = (
        Session.objects.public()
        .filter(event__slug=event, event__is_public=True, slug=slug)
        .select_related("event", "venue")
        .first()
    )
    if session is None:
        raise Http404("no such session")
    return session


def _registration_or_404(event: str, slug: str, token: str) -> Registration:
    code = code_from_token(token)
    registration = selectors.registration_by_code(code=code) if code else None
    if (
        registration is None
        or registration.session.slug != slug
        or registration.session.event.slug != event
    ):
        raise Http404("no such registration")
    return registration


def _session_facts(session: Session, lang: str) -> dict:
    event = session.event
    return {
        "event": event,
        "session": session,
        "card": session_card(session, event=event, zones=display_zones(event), lang=lang),
        "title_text": session.tr("title", lang),
    }


# The visitor's form


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    if request.method == "POST":
        return _register_post(request, event, slug)
    return _form_page(request, _public_session(event, slug), RegistrationForm())


def _form_page(
    request: HttpRequest,
    session: Session,
    form: RegistrationForm,
    *,
    status: int = 200,
    refusal: Refusal | None = None,
    closed_message: str = "",
) -> HttpResponse:
    """The form (with what was typed and its errors), or why registration is closed."""
    settings_row = selectors.registration_settings_of(session=session)
    availability = selectors.registration_availability(session=session, settings=settings_row)
    if not availability.is_open:
        closed_message = availability.message
        if status != 200:
            status = 409 if status == 400 else status  # closed, rather than mistyped
    seats = None if closed_message else selectors.seats_of(session=session, settings=settings_row)
    context = _session_facts(session, current_lang()) | {
        "form": form,
        "closed_message": closed_message,
        "seats": seats,
        "submission": secrets.token_urlsafe(16),
        "refusal": refusal,
    }
    response = render(request, "registration/register.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


def _register_post(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    """The busy path, kept short: no query runs before the service, which finds the
    session by its address in the same query that locks its registration settings and
    decides there whether it takes registrations. The page with the form is built only
    when something is wrong (an unknown session is a 404 then)."""
    address = services.SessionAddress(event=event, slug=slug)
    form = RegistrationForm(request.POST)

    def page(
        status: int, refusal: Refusal | None = None, *, closed_message: str = ""
    ) -> HttpResponse:
        full = _public_session(event, slug)
        return _form_page(
            request, full, form, status=status, refusal=refusal, closed_message=closed_message
        )

    address_limit = _limit("PAVILION_REGISTRATION_POSTS_PER_ADDRESS", DEFAULT_POSTS_PER_ADDRESS)
    if _over_limit("address", client_address(request), address_limit):
        return page(429, _too_many())
    if not form.is_valid():
        return page(400)
    email_limit = _limit("PAVILION_REGISTRATION_POSTS_PER_EMAIL", DEFAULT_POSTS_PER_EMAIL)
    if _over_limit("email", form.cleaned_data["email"], email_limit):
        return page(429, _too_many())
    try:
        return _submit(request, address=address, form=form)
    except services.NoSuchSession:
        raise Http404("no such session") from None
    except services.AlreadyRegistered:
        return page(409, _already_registered())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return page(400)
        return page(409, closed_message=" ".join(exc.messages))


def _submit(
    request: HttpRequest, *, address: services.SessionAddress, form: RegistrationForm
) -> HttpResponse:
    """Register, and redirect to the registration's page (or to the visitor's own earlier
    registration). Errors are put on the form and raised again for the caller; an
    address already registered is not (the caller explains it above the form).

    The form's one-off submission key is claimed in the cache before registering: the
    same form sent again (a double click) finds it taken, waits for the first to finish
    and is sent to the registration it made."""
    data = form.cleaned_data
    key = _submission_key(request.POST.get("submission", ""), address=address, email=data["email"])
    if key and not cache.add(key, SUBMISSION_PENDING, SUBMISSION_SECONDS):
        code = _wait_for_submission(key)
        earlier = selectors.registration_by_code(code=code) if code else None
        if earlier is not None and _at(earlier, address):
            return _to_registration(request, earlier, already=True)
        key = None  # the first attempt failed or is lost: this one goes ahead on its own
    try:
        registration = services.registration_create(
            session=address,
            name=data["name"],
            organisation=data["organisation"],
            email=data["email"],
            language=data["language"],
            consent=data["consent"],
        )
    except services.AlreadyRegistered as exc:
        if key:
            cache.delete(key)
        existing = exc.registration
        if existing.code in _remembered_codes(request):
            return _to_registration(request, existing, already=True)
        if cache.add(f"registration:resent:{existing.pk}", 1, RESEND_SECONDS):
            registration_resend(registration=existing)
        raise  # explained above the form, not on the e-mail field
    except Exception as exc:
        if key:
            cache.delete(key)
        if isinstance(exc, ValidationError):
            form.add_service_errors(exc)
        raise
    if key:
        cache.set(key, registration.code, SUBMISSION_SECONDS)
    return _to_registration(request, registration)


def _wait_for_submission(key: str) -> str | None:
    """The code the first sending of a form registered, once it has finished (None if
    it failed, or did not finish in a few seconds)."""
    deadline = time.monotonic() + SUBMISSION_WAIT_SECONDS
    while True:
        value = cache.get(key)
        if value != SUBMISSION_PENDING or time.monotonic() > deadline:
            return value if value != SUBMISSION_PENDING else None
        time.sleep(0.05)


def _to_registration(
    request: HttpRequest, registration: Registration, *, already: bool = False
) -> HttpResponse:
    if already:
        messages.info(
            request, _("You are already registered for this session: here is your registration.")
        )
    response = HttpResponseSeeOther(registration_path(registration))
    _remember(response, request, registration.code)
    return response


# The visitor's own registration


def _detail_context(request: HttpRequest, registration: Registration) -> dict:
    lang = current_lang()
    session = registration.session
    # A cancelled session ends every registration for it, whatever the row still says;
    # a session back in draft keeps its registrations but is off the public programme.
    session_cancelled = session.status == Session.Status.CANCELLED
    context = _session_facts(session, lang) | {
        "registration": registration,
        "is_active": registration.is_active and not session_cancelled,
        "session_cancelled": session_cancelled,
        "session_hidden": session.status == Session.Status.DRAFT,
        "detail_url": registration_path(registration),
        "cancel_url": registration_path(registration, action="cancel"),
        "accept_url": registration_path(registration, action="accept"),
        "register_url": reverse(
            "programme:registration:register",
            kwargs={"event": session.event.slug, "slug": session.slug},
        ),
    }
    if session_cancelled:
        return context
    if registration.status == Status.CONFIRMED:
        context["qr_svg"] = qr_svg(
            registration.code,
            title=_("QR code for checking in, with the code %(code)s")
            % {"code": registration.code_display},
        )
    elif registration.status == Status.WAITING:
        context["place"] = selectors.place_in_line(registration=registration)
    elif registration.status == Status.OFFERED and registration.offer_expires_at:
        context["deadline"] = instant_text(
            registration.offer_expires_at, event=session.event, lang=lang
        )
    return context


@require_GET
def detail(request: HttpRequest, event: str, slug: str, token: str) -> HttpResponse:
    registration = _registration_or_404(event, slug, token)
    return render(request, "registration/detail.html", _detail_context(request, registration))


@require_POST
def accept(request: HttpRequest, event: str, slug: str, token: str) -> HttpResponse:
    registration = _registration_or_404(event, slug, token)
    try:
        services.offer_accept(registration=registration)
    except ValidationError as exc:
        registration.refresh_from_db()
        context = _detail_context(request, registration) | {"error": " ".join(exc.messages)}
        return render(request, "registration/detail.html", context, status=409)
    messages.success(request, _("You have accepted the seat: it is yours."))
    return HttpResponseSeeOther(registration_path(registration))


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, event: str, slug: str, token: str) -> HttpResponse:
    """GET asks for confirmation (a link opened by a mail program's preview must not
    cancel anything); POST cancels."""
    registration = _registration_or_404(event, slug, token)
    if request.method == "POST":
        if registration.is_active:
            services.registration_cancel(registration=registration)
            messages.success(request, _("Your registration is cancelled."))
        return HttpResponseSeeOther(registration_path(registration))
    context = _detail_context(request, registration)
    return render(request, "registration/cancel.html", context)


# Staff: the check-in desk


def _staff_event(slug: str) -> Event:
    return get_object_or_404(Event, slug=slug)


def _attendance_rows(event: Event) -> list[dict]:
    lang = current_lang()
    zones = display_zones(event)
    return [
        {
            "session": row.session,
            "card": session_card(row.session, event=event, zones=zones, lang=lang),
            "seats": row.seats,
            "bar": fill_bar(row.seats),
        }
        for row in selectors.attendance(event=event)
    ]


def _door_session(request: HttpRequest, event: Event) -> Session | None:
    slug = request.GET.get("session", "")
    if not slug:
        return None
    return get_object_or_404(Session, event=event, slug=slug)


@staff_member_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, event: str) -> HttpResponse:
    event_obj = _staff_event(event)
    door = _door_session(request, event_obj)
    result: dict | None = None
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            result, status = _check_in(
                request, event=event_obj, door=door, code=form.cleaned_data["code"]
            )
            form = CheckInForm()  # an empty field, focused, for the next person
        else:
            status = 400
    else:
        form = CheckInForm()
    context = {
        "event": event_obj,
        "door": door,
        "form": form,
        "result": result,
        "rows": _attendance_rows(event_obj),
        "sessions": Session.objects.filter(
            event=event_obj, registration_settings__isnull=False
        ).order_by("starts_at", "id"),
    }
    return render(request, "registration/check_in.html", context, status=status)


def _check_in(
    request: HttpRequest, *, event: Event, door: Session | None, code: str
) -> tuple[dict, int]:
    found = selectors.registration_by_code(code=code)
    if found is not None and found.session.event_id != event.pk:
        message = _("This code is for another event: “%(event)s”.") % {
            "event": found.session.event.tr("name")
        }
        return {"state": "other_event", "message": message, "registration": found}, 409
    try:
        registration = services.registration_check_in(code=code, actor=request.user, session=door)
    except services.AlreadyCheckedIn as exc:
        return {
            "state": "already",
            "message": " ".join(exc.messages),
            "registration": exc.registration,
        }, 409
    except ValidationError as exc:
        state = exc.error_dict["code"][0].code if hasattr(exc, "error_dict") else "invalid"
        return {
            "state": state,
            "message": " ".join(exc.messages),
            "registration": found,
        }, (404 if state == "unknown" else 409)
    message = _("Checked in: %(name)s.") % {"name": registration.name}
    return {"state": "checked_in", "message": message, "registration": registration}, 200


@staff_member_required
@require_GET
def check_in_attendance(request: HttpRequest, event: str) -> HttpResponse:
    """The live attendance table alone, fetched by the check-in page every few seconds."""
    event_obj = _staff_event(event)
    response = render(
        request,
        "registration/_attendance.html",
        {"event": event_obj, "rows": _attendance_rows(event_obj), "now": timezone.now()},
    )
    response["Cache-Control"] = "no-store"
    return response


# Staff: the dashboard and the attendee lists


@staff_member_required
@require_GET
def dashboard(request: HttpRequest, event: str) -> HttpResponse:
    event_obj = _staff_event(event)
    return render(
        request,
        "registration/dashboard.html",
        {"event": event_obj, "rows": _attendance_rows(event_obj)},
    )


@staff_member_required
@require_GET
def session_registrations(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    lang = current_lang()
    event_obj = _staff_event(event)
    session = get_object_or_404(
        Session.objects.select_related("event", "venue"), event=event_obj, slug=slug
    )
    settings_row = selectors.registration_settings_of(session=session)
    seats = selectors.seats_of(session=session, settings=settings_row)
    others = list(
        Registration.objects.filter(
            session=session, status__in=[Status.OFFERED, Status.CANCELLED, Status.EXPIRED]
        ).order_by("status", "-updated_at", "id")
    )
    context = _session_facts(session, lang) | {
        "seats": seats,
        "bar": fill_bar(seats),
        "attendees": list(selectors.attendees(session=session)),
        "offered": [r for r in others if r.status == Status.OFFERED],
        "waiting": selectors.waiting_list(session=session),
        "ended": [r for r in others if r.status != Status.OFFERED],
        "admin_url": reverse("admin:registration_registration_changelist")
        + f"?session__id__exact={session.pk}",
    }
    return render(request, "registration/session_registrations.html", context)


@staff_member_required
@require_GET
def session_csv(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    event_obj = _staff_event(event)
    session = get_object_or_404(Session, event=event_obj, slug=slug)
    rows = selectors.registrations_for_export(sessions=[session])
    return attendees_csv(
        registrations=rows, filename=f"attendees-{slugify(event_obj.slug)}-{slugify(slug)}.csv"
    )


@staff_member_required
@require_GET
def event_csv(request: HttpRequest, event: str) -> HttpResponse:
    event_obj = _staff_event(event)
    sessions = Session.objects.filter(event=event_obj, registration_settings__isnull=False)
    rows = selectors.registrations_for_export(sessions=sessions)
    return attendees_csv(registrations=rows, filename=f"attendees-{slugify(event_obj.slug)}.csv")
