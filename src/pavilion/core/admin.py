"""The back office's name, and the audit trail: read-only, searchable, filterable."""

from __future__ import annotations

import json

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

admin.site.site_header = _("Pavilion back office")
admin.site.site_title = _("Pavilion back office")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Entries are written by services only; nobody adds, edits or deletes them here."""

    list_display = ["created_at", "action", "object_repr", "actor", "change"]
    list_filter = ["action", "created_at", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["action", "object_repr", "object_id", "actor__username", "actor__email"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "action",
        "actor",
        "content_type",
        "object_id",
        "target_link",
        "change",
        "data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    @admin.display(description=_("change"))
    def change(self, obj: AuditEntry) -> str:
        data = obj.data or {}
        if "from" in data and "to" in data:
            return gettext("%(old)s → %(new)s") % {"old": data["from"], "new": data["to"]}
        return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else ""

    @admin.display(description=_("object"))
    def target_link(self, obj: AuditEntry) -> str:
        content_type = obj.content_type
        try:
            url = reverse(
                f"admin:{content_type.app_label}_{content_type.model}_change",
                args=[obj.object_id],
            )
        except NoReverseMatch:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)
