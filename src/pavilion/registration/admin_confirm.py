"""A confirmation page for admin actions that tell people something by e-mail or take a
session off the site: Django's intermediate-page pattern, as ``delete_selected`` uses.

An action calls ``action_confirmed(request)``; until the page has been answered it
returns ``confirmation_page(…)``, which names what will happen (how many people will
be e-mailed) and posts the same selection back with ``post=yes``. "No, take me back"
returns to the list with nothing done. The registrations' admin and the sessions'
admin (for cancelling and unpublishing) use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse


def action_confirmed(request: HttpRequest) -> bool:
    """Whether the staff member has answered the confirmation page with "Yes"."""
    return request.POST.get("post") == "yes"


def confirmation_page(
    request: HttpRequest,
    *,
    model_admin: admin.ModelAdmin,
    queryset: QuerySet,
    action: str,
    title: str,
    summary: str,
    notes: Iterable[str] = (),
    items: Iterable[str] = (),
    button: str,
) -> TemplateResponse:
    """The page asking to confirm ``action`` on ``queryset``: ``summary`` says in a
    sentence what will happen (who is e-mailed), ``notes`` add what else follows,
    ``items`` list the objects concerned, ``button`` is the "yes" button's text."""
    opts = model_admin.model._meta
    request.current_app = model_admin.admin_site.name
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "summary": summary,
        "notes": list(notes),
        "items": list(items),
        "button": button,
        "action": action,
        "pks": [obj.pk for obj in queryset],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/registration/action_confirmation.html", context)
