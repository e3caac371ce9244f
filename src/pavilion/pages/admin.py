"""The back office for editable content: pages, testimonials and the glossary.

Saving goes through the services: publishing passes the publishing guard (the
form shows what blocks it, on its field) and every change of status is audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .admin_forms import PageAdminForm, TestimonialAdminForm
from .models import GlossaryTerm, Page, Status, Testimonial


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term_en", "term_ja", "expansion_en", "expansion_ja", "slug"]
    search_fields = [
        "term_en",
        "term_ja",
        "expansion_en",
        "expansion_ja",
        "definition_en",
        "definition_ja",
        "aliases",
        "slug",
    ]
    prepopulated_fields = {"slug": ["term_en"]}
    fieldsets = [
        (None, {"fields": ["slug", ("term_en", "term_ja"), "aliases"]}),
        (
            _("Full name and definition"),
            {"fields": [("expansion_en", "expansion_ja"), ("definition_en", "definition_ja")]},
        ),
    ]


class _StatusActions:
    """Publish / back-to-draft actions that go through the service, one object at a time."""

    set_status = None  # the service

    def _apply(self, request, queryset, status: str) -> None:
        done, refused = 0, []
        for obj in queryset:
            try:
                type(self).set_status(obj, status, request.user)
            except ValidationError as exc:
                refused.append(f"{obj}: {'; '.join(exc.messages)}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d item changed.", "%(count)d items changed.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request, queryset):
        self._apply(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Take the selected items back to draft"))
    def unpublish(self, request, queryset):
        self._apply(request, queryset, Status.DRAFT)


@admin.register(Page)
class PageAdmin(_StatusActions, admin.ModelAdmin):
    form = PageAdminForm
    list_display = [
        "title_en",
        "title_ja",
        "slug_en",
        "status",
        "in_menu",
        "menu_order",
        "updated_at",
    ]
    list_filter = ["status", "in_menu"]
    search_fields = ["title_en", "title_ja", "slug_en", "slug_ja", "body_en", "body_ja"]
    prepopulated_fields = {"slug_en": ["title_en"]}
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["status", ("in_menu", "menu_order"), "contact_topic"]}),
        (_("Title and address"), {"fields": [("title_en", "title_ja"), ("slug_en", "slug_ja")]}),
        (_("Summary"), {"fields": [("summary_en", "summary_ja")]}),
        (_("Text"), {"fields": ["body_en", "body_ja"]}),
    ]

    @staticmethod
    def set_status(obj, status, actor):
        services.page_set_status(page=obj, status=status, actor=actor)

    def save_model(self, request, obj, form, change) -> None:
        services.page_save(page=obj, actor=request.user)


@admin.register(Testimonial)
class TestimonialAdmin(_StatusActions, admin.ModelAdmin):
    form = TestimonialAdminForm
    list_display = ["person_en", "person_ja", "organisation_en", "status", "order"]
    list_filter = ["status"]
    search_fields = ["quote_en", "quote_ja", "person_en", "person_ja"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["status", "order"]}),
        (_("Quote"), {"fields": [("quote_en", "quote_ja")]}),
        (
            _("Who said it"),
            {
                "fields": [
                    ("person_en", "person_ja"),
                    ("role_en", "role_ja"),
                    ("organisation_en", "organisation_ja"),
                ]
            },
        ),
    ]

    @staticmethod
    def set_status(obj, status, actor):
        services.testimonial_set_status(testimonial=obj, status=status, actor=actor)

    def save_model(self, request, obj, form, change) -> None:
        services.testimonial_save(testimonial=obj, actor=request.user)
