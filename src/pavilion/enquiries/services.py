"""Receiving enquiries and keeping track of them; every change is audited."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from pavilion.core.audit import audit_log

from .models import Enquiry
from .notifications import enquiry_notify
from .selectors import topic_route_for

logger = logging.getLogger("pavilion.enquiries")


@transaction.atomic
def enquiry_submit(
    *,
    topic: str,
    name: str,
    email: str,
    language: str,
    message: str,
    organisation: str = "",
) -> Enquiry:
    """Store an enquiry, send it to the topic's person (reply-to the sender) and
    acknowledge it to the sender in their language; mail goes once this commits."""
    route = topic_route_for(topic=topic)
    to = route.email if route else getattr(settings, "PAVILION_CONTACT_EMAIL", "")
    enquiry = Enquiry(
        topic=topic,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        language=language,
        message=message,
        routed_to=to,
    )
    enquiry.full_clean()
    enquiry.save()
    audit_log(
        action="pavilion.enquiry.received",
        target=enquiry,
        data={"to": enquiry.status, "topic": topic, "routed_to": to},
    )
    if not to:
        logger.warning("Enquiry %s stored; no address is set for topic %s.", enquiry.pk, topic)
    enquiry_notify(enquiry=enquiry, route=route)
    return enquiry


@transaction.atomic
def enquiry_update(
    *,
    enquiry: Enquiry,
    status: str,
    handler: Any = None,
    notes: str | None = None,
    actor: Any = None,
) -> Enquiry:
    """Change an enquiry's status, handler or notes; status and handler changes are audited."""
    stored = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    enquiry.status = status
    enquiry.handler = handler
    if notes is not None:
        enquiry.notes = notes
    enquiry.full_clean()
    enquiry.save(update_fields=["status", "handler", "notes", "updated_at"])
    if stored.status != enquiry.status:
        audit_log(
            action=f"pavilion.enquiry.{enquiry.status}",
            target=enquiry,
            actor=actor,
            data={"from": stored.status, "to": enquiry.status},
        )
    if stored.handler_id != enquiry.handler_id:
        audit_log(
            action="pavilion.enquiry.assigned",
            target=enquiry,
            actor=actor,
            data={
                "from": stored.handler.get_username() if stored.handler else None,
                "to": handler.get_username() if handler else None,
            },
        )
    return enquiry
