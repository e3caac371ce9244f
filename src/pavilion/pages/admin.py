"""The glossary in the back office: the terms footnoted across the site."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import GlossaryTerm


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
