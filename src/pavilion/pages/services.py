"""Writing pages and testimonials: every save is validated, publishing passes the
guard, and every change of status is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pavilion.core.audit import audit_log

from .guard import content_validate
from .models import Page, Status, Testimonial


def _save(*, obj: Page | Testimonial, actor: Any, kind: str) -> Page | Testimonial:
    model = type(obj)
    old = None
    if obj.pk:
        old = model.objects.select_for_update().filter(pk=obj.pk).values_list("status", flat=True)
        old = old.first()
    obj.full_clean()
    if obj.status == Status.PUBLISHED:
        content_validate(obj)
    obj.save()
    if old != obj.status:
        audit_log(
            action=f"pavilion.{kind}.{obj.status}",
            target=obj,
            actor=actor,
            data={"from": old, "to": obj.status},
        )
    return obj


@transaction.atomic
def page_save(*, page: Page, actor: Any = None) -> Page:
    """Save a page; a published page must pass the publishing guard."""
    return _save(obj=page, actor=actor, kind="page")


@transaction.atomic
def page_set_status(*, page: Page, status: str, actor: Any = None) -> Page:
    """Publish a page or take it back to draft (ValidationError saying what blocks it)."""
    old = page.status
    page.status = status
    try:
        return page_save(page=page, actor=actor)
    except Exception:
        page.status = old
        raise


@transaction.atomic
def testimonial_save(*, testimonial: Testimonial, actor: Any = None) -> Testimonial:
    """Save a testimonial; a published one must pass the publishing guard."""
    return _save(obj=testimonial, actor=actor, kind="testimonial")


@transaction.atomic
def testimonial_set_status(
    *, testimonial: Testimonial, status: str, actor: Any = None
) -> Testimonial:
    old = testimonial.status
    testimonial.status = status
    try:
        return testimonial_save(testimonial=testimonial, actor=actor)
    except Exception:
        testimonial.status = old
        raise
