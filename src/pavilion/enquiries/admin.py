"""The back office for enquiries: who answers which topic, and every enquiry's state."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Enquiry, TopicRoute


@admin.register(TopicRoute)
class TopicRouteAdmin(admin.ModelAdmin):
    list_display = ["topic", "name_en", "name_ja", "email"]
    fields = ["topic", ("name_en", "name_ja"), "email"]


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "topic", "name", "organisation", "email", "status", "handler"]
    list_filter = ["status", "topic", "language"]
    list_select_related = ["handler"]
    search_fields = ["name", "organisation", "email", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "topic",
        "name",
        "organisation",
        "email",
        "language",
        "message",
        "routed_to",
    ]
    fieldsets = [
        (
            _("The enquiry"),
            {
                "fields": [
                    "created_at",
                    "topic",
                    ("name", "organisation"),
                    ("email", "language"),
                    "message",
                    "routed_to",
                ]
            },
        ),
        (_("Handling"), {"fields": ["status", "handler", "notes"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False  # enquiries come from the contact form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "handler":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        services.enquiry_update(
            enquiry=obj,
            status=obj.status,
            handler=obj.handler,
            notes=obj.notes,
            actor=request.user,
        )
