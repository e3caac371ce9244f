"""The back office for seats: each session's registration settings, and the registrations.

Nothing here changes a status by itself: saving settings and every action on
registrations go through ``services``, so the row lock, the waiting list and the
audit trail apply to staff exactly as to visitors. The actions that e-mail people
(moving to the waiting list, cancelling) first show a page saying how many will be
e-mailed (``admin_confirm``).

The registrations list is made for the check-in desk: name, session, status, place in
line (as the registrant is told it), check-in time; it can be narrowed to one session
(the chosen event's sessions once an event is chosen) and searched by session title.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.audit import audit_log
from pavilion.core.i18n import current_lang
from pavilion.core.timefmt import format_date
from pavilion.programme.models import Session

from . import selectors, services
from .admin_confirm import action_confirmed, confirmation_page
from .admin_forms import RegistrationSettingsAdminForm
from .models import Registration, RegistrationSettings

Status = Registration.Status

# CSV

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _local(value, registration: Registration) -> str:
    if value is None:
        return ""
    tz = registration.session.event.tzinfo
    return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M")


def _place_of(registration: Registration) -> int | None:
    """The place in line as the registrant is told it (rows from ``with_place_in_line``
    carry it; any other row is counted)."""
    if registration.status != Status.WAITING:
        return None
    place = getattr(registration, "place", None)
    return place if place is not None else selectors.place_in_line(registration=registration)


def attendees_csv(*, registrations: Iterable[Registration], filename: str) -> HttpResponse:
    """The registrations as CSV (UTF-8 with a byte-order mark, so that spreadsheet
    programs read Japanese names correctly). Times are in the event's zone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            gettext("Session"),
            gettext("Name"),
            gettext("Organisation"),
            gettext("E-mail address"),
            gettext("Language"),
            gettext("Status"),
            gettext("Place on the waiting list"),
            gettext("Registered (venue time)"),
            gettext("Checked in (venue time)"),
            gettext("Code"),
        ]
    )
    for row in registrations:
        writer.writerow(
            [
                _cell(row.session.tr("title")),
                _cell(row.name),
                _cell(row.organisation),
                _cell(row.email),
                row.get_language_display(),
                row.get_status_display(),
                _place_of(row) or "",
                _local(row.created_at, row),
                _local(row.checked_in_at, row),
                row.code_display,
            ]
        )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _venue_time(value, tz) -> str | None:
    """An instant in a list column: its day and time in the venue's zone."""
    if value is None:
        return None
    local = timezone.localtime(value, tz)
    return gettext("%(date)s, %(time)s") % {
        "date": format_date(local.date(), current_lang(), "weekday"),
        "time": local.strftime("%H:%M"),
    }


# Registration settings


@admin.register(RegistrationSettings)
class RegistrationSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "session",
        "event",
        "is_open",
        "seat_count",
        "taken",
        "waiting",
        "checked_in",
        "opens",
        "closes",
    ]
    list_filter = ["is_open", "session__event"]
    list_select_related = ["session__event", "session__venue"]
    search_fields = ["session__title_en", "session__title_ja", "session__slug"]
    autocomplete_fields = ["session"]
    form = RegistrationSettingsAdminForm  # opens and closes in the event's zone
    fields = ["session", "is_open", "capacity", "opens_at", "closes_at", "offer_hours"]
    actions = ["export_attendees"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrationSettings]:
        held = Q(session__registrations__status__in=Registration.HOLDS_SEAT)
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_taken=Count("session__registrations", filter=held),
                n_waiting=Count(
                    "session__registrations",
                    filter=Q(session__registrations__status=Status.WAITING),
                ),
                n_checked_in=Count(
                    "session__registrations",
                    filter=Q(
                        session__registrations__status=Status.CONFIRMED,
                        session__registrations__checked_in_at__isnull=False,
                    ),
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # A session's settings stay with it; to stop registration, untick "open".
        return ["session"] if obj is not None else []

    @admin.display(description=_("event"), ordering="session__event")
    def event(self, obj: RegistrationSettings):
        return obj.session.event

    @admin.display(description=_("seats"))
    def seat_count(self, obj: RegistrationSettings):
        return obj.seats if obj.seats is not None else "-"

    @admin.display(description=_("taken"), ordering="n_taken")
    def taken(self, obj: RegistrationSettings) -> int:
        return obj.n_taken

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting(self, obj: RegistrationSettings) -> int:
        return obj.n_waiting

    @admin.display(description=_("checked in"), ordering="n_checked_in")
    def checked_in(self, obj: RegistrationSettings) -> int:
        return obj.n_checked_in

    @admin.display(description=_("opens (venue time)"), ordering="opens_at")
    def opens(self, obj: RegistrationSettings) -> str | None:
        return _venue_time(obj.opens_at, obj.session.event.tzinfo)

    @admin.display(description=_("closes (venue time)"), ordering="closes_at")
    def closes(self, obj: RegistrationSettings) -> str | None:
        return _venue_time(obj.closes_at, obj.session.event.tzinfo)

    def save_model(self, request, obj, form, change):
        services.registration_settings_save(settings=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.session.registrations.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Export the attendees of the selected sessions (CSV)"))
    def export_attendees(self, request: HttpRequest, queryset: QuerySet[RegistrationSettings]):
        sessions = [row.session for row in queryset.select_related("session")]
        rows = selectors.registrations_for_export(sessions=sessions)
        name = slugify(sessions[0].slug) if len(sessions) == 1 else "sessions"
        return attendees_csv(registrations=rows, filename=f"attendees-{name}.csv")


# Registrations


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Checked in")), ("no", _("Not checked in"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


def session_label(session: Session) -> str:
    """A session in a filter: its title and its day and time in the venue's zone."""
    if session.starts_at is None:
        return str(session)
    local = timezone.localtime(session.starts_at, session.event.tzinfo)
    return gettext("%(title)s (%(date)s, %(time)s)") % {
        "title": session,
        "date": format_date(local.date(), current_lang(), "day"),
        "time": local.strftime("%H:%M"),
    }


class SessionListFilter(admin.RelatedFieldListFilter):
    """The sessions that take registrations, by title and time; once an event is chosen,
    only that event's. Shown even when there is one: at the desk it lists one session's
    people."""

    EVENT_PARAMETER = "session__event__id__exact"

    def field_choices(self, field, request, model_admin):
        sessions = (
            Session.objects.filter(
                Exists(RegistrationSettings.objects.filter(session=OuterRef("pk")))
                | Exists(Registration.objects.filter(session=OuterRef("pk")))
            )
            .select_related("event")
            .order_by("starts_at", "tbc_start_time", "pk")
        )
        event_id = request.GET.get(self.EVENT_PARAMETER, "")
        if event_id.isdigit():
            sessions = sessions.filter(event_id=event_id)
        return [(session.pk, session_label(session)) for session in sessions]

    def has_output(self) -> bool:
        return bool(self.lookup_choices)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # What the desk needs, narrow enough for a 1366-pixel screen; the rest is on the
    # registration's page and in the CSV.
    list_display = ["name", "session", "status", "place", "checked_in"]
    list_filter = [
        "status",
        CheckedInFilter,
        "language",
        "session__event",
        ("session", SessionListFilter),
    ]
    list_select_related = ["session__event"]
    search_fields = [
        "name",
        "email",
        "organisation",
        "code",
        "session__title_en",
        "session__title_ja",
    ]
    ordering = ["session__starts_at", "session_id", "status", "position", "id"]
    fields = [
        "session",
        "name",
        "organisation",
        "email",
        "language",
        "status",
        "position",
        "offered_at",
        "offer_expires_at",
        "checked_in_at",
        "code_display",
        "consent_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "session",
        "email",
        "status",
        "position",
        "offered_at",
        "offer_expires_at",
        "checked_in_at",
        "code_display",
        "consent_at",
        "created_at",
        "updated_at",
    ]
    actions = [
        "confirm",
        "confirm_over_capacity",
        "offer_seat",
        "move_to_waiting_list",
        "cancel",
        "check_in",
        "export_csv",
    ]

    @admin.display(description=_("code"))
    def code_display(self, obj: Registration) -> str:
        return obj.code_display

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        return selectors.with_place_in_line(super().get_queryset(request))

    @admin.display(description=_("place on the waiting list"), ordering="position")
    def place(self, obj: Registration) -> int | None:
        return obj.place

    @admin.display(description=_("checked in (venue time)"), ordering="checked_in_at")
    def checked_in(self, obj: Registration) -> str | None:
        if obj.checked_in_at is None:
            return None
        local = timezone.localtime(obj.checked_in_at, obj.session.event.tzinfo)
        return gettext("%(date)s, %(time)s") % {
            "date": format_date(local.date(), current_lang(), "day"),
            "time": local.strftime("%H:%M"),
        }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        (name, options), *rest = fieldsets
        note = gettext("Times are in %(zone)s, the event's time zone.") % {
            "zone": obj.session.event.timezone
        }
        return [(name, {**options, "description": note}), *rest]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The page's times (registered, offered, checked in…) in the venue's zone, as the
        list and the CSV give them; its fieldset names the zone."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return super().change_view(request, object_id, form_url, extra_context)
        with timezone.override(obj.session.event.tzinfo):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def has_add_permission(self, request):
        # Registrations come through the registration form, which applies every rule.
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancel instead: the seat passes on and the audit trail keeps the story.
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_code = selectors.registration_by_code(code=search_term)
        if by_code is not None:
            queryset |= self.model.objects.filter(pk=by_code.pk)
        return queryset, may_have_duplicates

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Registration],
        change: Callable[[Registration], object],
        done: Callable[[int], str],
    ) -> None:
        count = 0
        for registration in queryset.order_by("session_id", "position", "id"):
            try:
                change(registration)
            except ValidationError as exc:
                self.message_user(
                    request,
                    gettext("%(person)s: %(reason)s")
                    % {"person": registration.name, "reason": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    def _move(self, request, queryset, to_status: str, *, force: bool = False) -> None:
        self._apply(
            request,
            queryset,
            lambda r: services.registration_move(
                registration=r, to_status=to_status, actor=request.user, force=force
            ),
            lambda n: (
                ngettext(
                    "%(count)d registration is now “%(status)s”.",
                    "%(count)d registrations are now “%(status)s”.",
                    n,
                )
                % {"count": n, "status": Status(to_status).label}
            ),
        )

    @admin.action(description=_("Confirm (only while seats are free)"))
    def confirm(self, request, queryset):
        self._move(request, queryset, Status.CONFIRMED)

    @admin.action(description=_("Confirm, over capacity if need be"))
    def confirm_over_capacity(self, request, queryset):
        self._move(request, queryset, Status.CONFIRMED, force=True)

    @admin.action(description=_("Offer a seat (only while seats are free)"))
    def offer_seat(self, request, queryset):
        self._move(request, queryset, Status.OFFERED)

    @admin.action(description=_("Move to the end of the waiting list"))
    def move_to_waiting_list(self, request, queryset):
        if not action_confirmed(request):
            return self._confirm_move(request, queryset, Status.WAITING, "move_to_waiting_list")
        self._move(request, queryset, Status.WAITING)

    @admin.action(description=_("Cancel (a freed seat is offered to the first in line)"))
    def cancel(self, request, queryset):
        if not action_confirmed(request):
            return self._confirm_move(request, queryset, Status.CANCELLED, "cancel")
        self._move(request, queryset, Status.CANCELLED)

    def _confirm_move(self, request, queryset, to_status: str, action: str):
        """The page before a move that e-mails people: who changes and is told, who does
        not change and why, and up to how many on the waiting list are offered a freed
        seat (and told too)."""
        rows = list(
            queryset.select_related("session__event").order_by("session_id", "position", "id")
        )
        changing = [r for r in rows if r.status != to_status and r.checked_in_at is None]
        staying = len(rows) - len(changing)
        selected = {r.pk for r in rows}
        waiting = dict(
            Registration.objects.filter(
                session_id__in={r.session_id for r in changing}, status=Status.WAITING
            )
            .exclude(pk__in=selected)
            .order_by()
            .values("session_id")
            .annotate(n=Count("pk"))
            .values_list("session_id", "n")
        )
        offers = 0
        for session_id in {r.session_id for r in changing}:
            mine = [r for r in changing if r.session_id == session_id]
            freed = sum(r.status in Registration.HOLDS_SEAT for r in mine)
            in_line = waiting.get(session_id, 0)
            if to_status == Status.WAITING:
                in_line += len(mine) - 1  # those moved join the line, behind the others
            offers += min(freed, max(in_line, 0))
        told = len(changing)
        if offers:
            summary = ngettext(
                "Up to %(count)d person will be e-mailed.",
                "Up to %(count)d people will be e-mailed.",
                told + offers,
            ) % {"count": told + offers}
        else:
            summary = ngettext(
                "%(count)d person will be e-mailed.", "%(count)d people will be e-mailed.", told
            ) % {"count": told}
        target = Status(to_status).label
        notes = []
        if told:
            notes.append(
                ngettext(
                    "%(count)d registration will become “%(status)s”, and its person is told by "
                    "e-mail.",
                    "%(count)d registrations will become “%(status)s”, and each person is told by "
                    "e-mail.",
                    told,
                )
                % {"count": told, "status": target}
            )
        if offers:
            notes.append(
                ngettext(
                    "The seats they free will be offered to up to %(count)d person on the "
                    "waiting list, who will be e-mailed too.",
                    "The seats they free will be offered to up to %(count)d people on the "
                    "waiting list, who will be e-mailed too.",
                    offers,
                )
                % {"count": offers}
            )
        if staying:
            notes.append(
                ngettext(
                    "%(count)d of the selected registrations will not change (already "
                    "“%(status)s”, or checked in).",
                    "%(count)d of the selected registrations will not change (already "
                    "“%(status)s”, or checked in).",
                    staying,
                )
                % {"count": staying, "status": target}
            )
        items = [
            gettext("%(person)s, “%(session)s”: %(old)s → %(new)s")
            % {
                "person": r.name,
                "session": r.session,
                "old": r.get_status_display(),
                "new": target,
            }
            for r in changing
        ]
        if to_status == Status.WAITING:
            title = gettext("Move to the end of the waiting list?")
            button = gettext("Yes, move them and send the e-mails")
        else:
            title = gettext("Cancel these registrations?")
            button = gettext("Yes, cancel them and send the e-mails")
        return confirmation_page(
            request,
            model_admin=self,
            queryset=queryset,
            action=action,
            title=title,
            summary=summary,
            notes=notes,
            items=items,
            button=button,
        )

    @admin.action(description=_("Check in"))
    def check_in(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda r: services.registration_check_in(code=r.code, actor=request.user),
            lambda n: (
                ngettext("%(count)d person is checked in.", "%(count)d people are checked in.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Export the selected registrations (CSV)"))
    def export_csv(self, request, queryset):
        rows = queryset.select_related("session__event").order_by(
            "session__starts_at", "session_id", "status", "position", "name", "id"
        )
        stamp = timezone.now().strftime("%Y%m%d")
        return attendees_csv(registrations=rows, filename=f"registrations-{stamp}.csv")

    def save_model(self, request, obj, form, change):
        # Only the name, organisation and language are editable here.
        obj.save(update_fields=["name", "organisation", "language", "updated_at"])
        if form.changed_data:
            audit_log(
                action="pavilion.registration.edited",
                target=obj,
                actor=request.user,
                data={"fields": form.changed_data},
            )
