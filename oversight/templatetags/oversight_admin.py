"""The admin home's link to the dashboard (issue 17 §2), shown to those who may open it."""

from django import template
from django.urls import reverse

from oversight.dashboard_filters import can_open

register = template.Library()


@register.inclusion_tag("admin/oversight/dashboard_link.html", takes_context=True)
def dashboard_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"url": reverse("admin-dashboard") if user is not None and can_open(user) else ""}
