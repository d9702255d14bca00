"""``{% inbox_unread request.entity %}``: the unread count of the entity's inbox, for the nav badge."""

from django import template

from enterprise.inbox import unread_count

register = template.Library()


@register.simple_tag
def inbox_unread(entity) -> int:
    return unread_count(entity) if entity else 0
