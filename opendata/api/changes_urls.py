"""API routes of issue 15 §3: the change feed (``GET /api/v1/changes/``)."""

from django.urls import path

from opendata.api.changes import ChangeFeedView

urlpatterns = [
    path("changes/", ChangeFeedView.as_view(), name="api-changes"),
]
