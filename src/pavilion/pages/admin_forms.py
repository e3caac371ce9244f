"""Back-office forms for pages and testimonials: publishing is refused, on the field
that blocks it, while the publishing guard finds a problem."""

from __future__ import annotations

from django import forms
from django.utils.translation import ngettext

from .guard import content_problems
from .models import Page, Status, Testimonial


class GuardedForm(forms.ModelForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("status") != Status.PUBLISHED:
            return cleaned
        problems = content_problems(self.instance, cleaned)
        for problem in problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, problem.message)
        if problems:
            self.add_error(
                "status",
                ngettext(
                    "This cannot be published yet: one problem is marked below. "
                    "Save it as a draft, or fix it first.",
                    "This cannot be published yet: %(count)d problems are marked below. "
                    "Save it as a draft, or fix them first.",
                    len(problems),
                )
                % {"count": len(problems)},
            )
        return cleaned


class PageAdminForm(GuardedForm):
    class Meta:
        model = Page
        fields = [
            "status",
            "in_menu",
            "menu_order",
            "contact_topic",
            "title_en",
            "title_ja",
            "slug_en",
            "slug_ja",
            "summary_en",
            "summary_ja",
            "body_en",
            "body_ja",
        ]


class TestimonialAdminForm(GuardedForm):
    class Meta:
        model = Testimonial
        fields = [
            "status",
            "order",
            "quote_en",
            "quote_ja",
            "person_en",
            "person_ja",
            "role_en",
            "role_ja",
            "organisation_en",
            "organisation_ja",
        ]
