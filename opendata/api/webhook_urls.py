"""Webhook subscriptions, /api/v1/webhooks/ (issue 15 §4); see opendata/api/urls.py."""

from django.urls import path

from opendata.api import webhooks

urlpatterns = [
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook"),
    path("webhooks/<int:pk>/rotate-secret/", webhooks.WebhookRotateSecretView.as_view(), name="webhook-rotate-secret"),
    path("webhooks/<int:pk>/enable/", webhooks.WebhookEnableView.as_view(), name="webhook-enable"),
]
