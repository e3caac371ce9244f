"""Reading pages, testimonials and the menu for the public site."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Page, Status, Testimonial


def page_get_public(*, slug: str) -> Page:
    """The published page with this address in either language (404 otherwise)."""
    page = (
        Page.objects.filter(status=Status.PUBLISHED)
        .filter(Q(slug_en=slug) | Q(slug_ja=slug))
        .first()
    )
    if page is None:
        raise Http404("No such page.")
    return page


def pages_published() -> QuerySet[Page]:
    return Page.objects.filter(status=Status.PUBLISHED).order_by("menu_order", "pk")


def menu_pages() -> list[Page]:
    """The published pages of the main menu, in menu order (one query)."""
    return list(
        pages_published()
        .filter(in_menu=True)
        .only("title_en", "title_ja", "slug_en", "slug_ja", "menu_order")
    )


def testimonials_published() -> list[Testimonial]:
    return list(Testimonial.objects.filter(status=Status.PUBLISHED).order_by("order", "pk"))
