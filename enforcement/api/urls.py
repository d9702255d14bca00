"""API v1 of enforcement (API.md): penalties and complaints."""

from django.urls import path

from enforcement.api import views

urlpatterns = [
    # --- complaints (投诉举报): API.md "Public filings" ---
    path("complaints/", views.ComplaintCreateView.as_view(), name="complaints"),
    path("complaints/<str:tracking_no>/", views.ComplaintStatusView.as_view(), name="complaint-status"),
    # --- end complaints ---
    # --- disclosure (双公示) ---
    path("penalties/", views.PenaltyListView.as_view(), name="penalties"),
    # --- end disclosure ---
]
