"""Writing the audit trail: every state change records actor, action, from → to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_log(
    *, action: str, target: models.Model, actor: Any = None, data: dict | None = None
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        action=action,
        actor=user,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:300],
        data=data or {},
    )


def audit_log_many(
    *,
    action: str,
    targets: list[models.Model],
    actor: Any = None,
    data: Callable[[models.Model], dict],
) -> list[AuditEntry]:
    """The same ``action`` on many objects of one model (a run of invoices, say), in
    one insert; ``data(target)`` gives each entry its from → to."""
    if not targets:
        return []
    user = actor if getattr(actor, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(targets[0])
    return AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action=action,
                actor=user,
                content_type=content_type,
                object_id=str(target.pk),
                object_repr=str(target)[:300],
                data=data(target) or {},
            )
            for target in targets
        ]
    )
