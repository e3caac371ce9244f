"""The back office's name, and the audit trail: read-only, searchable, filterable."""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

admin.site.site_header = _("Pavilion back office")
admin.site.site_title = _("Pavilion back office")


class KeptRecordsMixin:
    """For a model admin whose objects have records that must be kept (a member's
    invoices, a session's registrations): deleting such an object is refused with the
    reason and what to do instead, rather than Django's "your account doesn't have
    permission to delete …", which sends staff looking for rights they don't need.

    ``kept_records`` maps the kept model ("billing.Invoice") to that sentence."""

    kept_records: dict[str, str] = {}

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for label, reason in self.kept_records.items():
            name = str(apps.get_model(label)._meta.verbose_name)
            if name in perms_needed:
                perms_needed.discard(name)
                protected = [*protected, reason]
        return deleted, model_count, perms_needed, protected


class KindOfObjectFilter(admin.SimpleListFilter):
    """The kinds of object that have entries (invoice, application, session …), by
    their own names: not every model of the project and of Django's apps."""

    title = _("kind of object")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        used = ContentType.objects.filter(
            pk__in=AuditEntry.objects.values("content_type").distinct()
        )
        choices = []
        for content_type in used:
            model = content_type.model_class()
            if model is not None:
                choices.append((str(content_type.pk), capfirst(model._meta.verbose_name)))
        return sorted(choices, key=lambda choice: str(choice[1]).casefold())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type_id=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Entries are written by services only; nobody adds, edits or deletes them here."""

    list_display = ["created_at", "action", "object_repr", "actor", "change"]
    list_filter = [KindOfObjectFilter, "created_at", "action"]
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
