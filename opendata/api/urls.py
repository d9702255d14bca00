"""Keyed /api/v1/ routes of issue 15: the change feed, webhooks, the 双公示 exchange export."""

from django.urls import include, path

urlpatterns = [
    path("", include("opendata.api.changes_urls")),
    path("", include("opendata.api.webhook_urls")),
    path("", include("opendata.api.exchange_urls")),
]
