"""``{% grade_history_svg history %}``: the entity page's grade history as inline SVG (issue 16 §1)."""

from django import template
from django.utils.safestring import mark_safe

from credit.history_chart import grade_history_svg as build

register = template.Library()


@register.simple_tag
def grade_history_svg(history: dict):
    # build() escapes every text it writes; the markup itself is ours.
    return mark_safe(build(history.get("points") or [], history.get("bands") or []))  # noqa: S308
