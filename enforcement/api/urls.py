"""API v1 of enforcement (API.md): penalties and complaints."""

from django.urls import path  # noqa: F401

urlpatterns = []
