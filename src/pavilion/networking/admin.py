"""The back office for the networking area: tables, opening hours and bookings.

A booking's status changes only through the actions Confirm, Decline and
Cancel, which call the services (locked, audited, the requester told by
e-mail); a refusal is reported as a message on the list, never as an error page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pavilion.core.i18n import current_lang

from . import services
from .models import NetworkingTable, OpeningHours, TableBooking
from .presenters import slot_text


@admin.register(NetworkingTable)
class NetworkingTableAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "venue", "seats", "is_active", "order"]
    list_filter = ["venue__event", "is_active"]
    list_select_related = ["venue"]
    list_editable = ["is_active", "order"]
    search_fields = ["name_en", "name_ja"]
    fields = ["venue", ("name_en", "name_ja"), "seats", "is_active", "order"]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["venue", "date", "opens", "closes"]
    list_filter = ["venue__event", "venue"]
    list_select_related = ["venue"]
    date_hierarchy = "date"
    fields = ["venue", "date", ("opens", "closes")]


@admin.register(TableBooking)
class TableBookingAdmin(admin.ModelAdmin):
    list_display = [
        "slot",
        "table",
        "organisation_name",
        "contact_name",
        "email",
        "status",
        "decided_by",
        "created_at",
    ]
    list_filter = ["status", "table__venue__event", "table"]
    list_select_related = ["table__venue__event", "decided_by"]
    search_fields = ["organisation_name", "contact_name", "email", "purpose"]
    date_hierarchy = "slot_start"
    actions = ["confirm", "decline", "cancel"]
    fields = [
        "table",
        "slot",
        "status",
        ("organisation_name", "contact_name"),
        ("email", "language"),
        "purpose",
        "note",
        ("decided_by", "decided_at"),
        "created_at",
    ]
    # Requests come from the public form; their status changes through the actions.
    readonly_fields = [
        "table",
        "slot",
        "status",
        "organisation_name",
        "contact_name",
        "email",
        "language",
        "purpose",
        "decided_by",
        "decided_at",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("slot (event time)"), ordering="slot_start")
    def slot(self, obj: TableBooking) -> str:
        return slot_text(obj.slot_start, event=obj.table.venue.event, lang=current_lang())

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        service: Callable[..., TableBooking],
        done: str,
        refused: str,
    ) -> None:
        bookings = queryset.select_related("table__venue__event").order_by("created_at", "pk")
        for booking in bookings:
            label = gettext("%(organisation)s, %(table)s, %(slot)s") % {
                "organisation": booking.organisation_name,
                "table": booking.table,
                "slot": slot_text(
                    booking.slot_start, event=booking.table.venue.event, lang=current_lang()
                ),
            }
            try:
                service(booking=booking, actor=request.user)
            except ValidationError as exc:
                messages.error(
                    request, refused % {"booking": label, "reason": " ".join(exc.messages)}
                )
            else:
                messages.success(request, done % {"booking": label})

    @admin.action(description=_("Confirm the selected requests"), permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(
            request,
            queryset,
            services.booking_confirm,
            gettext("Confirmed: %(booking)s. The requester will be told by e-mail."),
            gettext("Not confirmed: %(booking)s. %(reason)s"),
        )

    @admin.action(description=_("Decline the selected requests"), permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(
            request,
            queryset,
            services.booking_decline,
            gettext("Declined: %(booking)s. The requester will be told by e-mail."),
            gettext("Not declined: %(booking)s. %(reason)s"),
        )

    @admin.action(description=_("Cancel the selected bookings"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(
            request,
            queryset,
            services.booking_cancel,
            gettext("Cancelled: %(booking)s. The requester will be told by e-mail."),
            gettext("Not cancelled: %(booking)s. %(reason)s"),
        )
