"""Reading who answers which topic."""

from __future__ import annotations

from .models import Topic, TopicRoute


def topic_route_for(*, topic: str) -> TopicRoute | None:
    """The route of a topic, else the route of "other", else None (one query)."""
    routes = {r.topic: r for r in TopicRoute.objects.filter(topic__in={topic, Topic.OTHER})}
    return routes.get(topic) or routes.get(Topic.OTHER)
