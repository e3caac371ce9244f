"""{% contact_block "membership" %}: "Got any questions?" with the topic's person.

The address is never written whole in the page: its two halves sit reversed in
data attributes, and the page shows "name (at) example.org", which people and
screen readers read but address harvesters do not. A tiny script puts the halves
together into a mailto link with an aria-label."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..models import Topic
from ..selectors import topic_route_for

register = template.Library()


@register.inclusion_tag("enquiries/_contact_block.html")
def contact_block(topic: str) -> dict:
    if topic not in Topic.values:
        topic = Topic.OTHER
    route = topic_route_for(topic=topic)
    user, _at, domain = route.email.partition("@") if route else ("", "", "")
    return {
        "topic": topic,
        "route": route,
        "mail_user_reversed": user[::-1],
        "mail_domain_reversed": domain[::-1],
        "readable_address": f"{user} (at) {domain}" if route else "",
        "form_url": f"{reverse('enquiries:contact')}?topic={topic}",
    }
