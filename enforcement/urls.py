"""Public pages of enforcement: complaints, penalties (双公示) and the 曝光台."""

from django.urls import path

from enforcement import views

urlpatterns = [
    # --- disclosure (双公示): DESIGN.md public URLs ---
    path("penalties/", views.penalty_list, name="penalty-list"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty-detail"),
    path("exposure/", views.exposure, name="exposure"),
    # --- end disclosure ---
    # --- complaints (投诉举报): DESIGN.md public filings ---
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    # --- end complaints ---
]
