"""Figures about the members for templates, always computed from the data:

{% load membership %}
{% member_count "local_regional" %}   → 2,637 (formatted for the page's language)
{% members_phrase "local_regional" %} → more than 2,500 local and regional governments
"""

from django import template

from pavilion.core.i18n import current_lang

from ..fees import number
from ..selectors import member_counts
from ..selectors import members_phrase as _members_phrase

register = template.Library()


@register.simple_tag
def member_count(category: str = "total") -> str:
    """The current number of members of ``category`` (total, local_regional,
    association, associate), written as the page's language writes numbers."""
    return number(member_counts().get(category), current_lang())


@register.simple_tag
def members_phrase(category: str = "local_regional") -> str:
    """ "more than 2,500 local and regional governments", in the page's language."""
    return _members_phrase(category, current_lang())
