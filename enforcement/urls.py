"""Public pages of enforcement: complaints, penalties (双公示) and the 曝光台."""

from django.urls import path  # noqa: F401

urlpatterns = []
