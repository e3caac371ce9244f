"""The registration block on a session's page: seats left, the waiting list, or why
registration is closed.

{% load registration_tags %}{% registration_block session %}

Sessions that never had registration show nothing. Two queries at most (the
settings, then the seat counts while registration is open).
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from pavilion.programme.models import Session
from pavilion.registration import selectors

register = template.Library()


@register.inclusion_tag("registration/_session_block.html")
def registration_block(session: Session) -> dict:
    settings_row = selectors.registration_settings_of(session=session)
    if settings_row is None:
        return {"show": False}
    availability = selectors.registration_availability(session=session, settings=settings_row)
    result = {"show": True, "is_open": availability.is_open, "message": availability.message}
    if availability.is_open:
        result["seats"] = selectors.seats_of(session=session, settings=settings_row)
        result["register_url"] = reverse(
            "programme:registration:register",
            kwargs={"event": session.event.slug, "slug": session.slug},
        )
    return result
