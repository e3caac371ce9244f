"""Demo routes for the contact form: one (invented) person per topic.

Idempotent: routes are found by their topic and updated."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import Topic, TopicRoute

ROUTES = {
    Topic.MEMBERSHIP: ("Membership team (example)", "会員担当（例）", "membership@example.org"),
    Topic.ASSOCIATE: (
        "Partnerships team (example)",
        "パートナーシップ担当（例）",
        "partners@example.org",
    ),
    Topic.PROGRAMME: (
        "Pavilion programme team (example)",
        "パビリオン担当（例）",
        "pavilion@example.org",
    ),
    Topic.PRESS: ("Press office (example)", "広報担当（例）", "press@example.org"),
    Topic.OTHER: ("Secretariat (example)", "事務局（例）", "info@example.org"),
}


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> dict[str, int]:
    created = 0
    for topic, (name_en, name_ja, email) in ROUTES.items():
        route = TopicRoute.objects.filter(topic=topic).first() or TopicRoute(topic=topic)
        created += route.pk is None
        route.name_en, route.name_ja, route.email = name_en, name_ja, email
        route.full_clean()
        route.save()
    return {"topic_routes": len(ROUTES), "created": created}
