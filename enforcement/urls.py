"""Public pages of enforcement: complaints, penalties (双公示) and the 曝光台."""

from django.urls import path

from enforcement import views, views_early_stop

urlpatterns = [
    # --- disclosure (双公示): DESIGN.md public URLs ---
    path("penalties/", views.penalty_list, name="penalty-list"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty-detail"),
    path("exposure/", views.exposure, name="exposure"),
    path("penalties/<int:pk>/early-stop/", views_early_stop.early_stop_new, name="penalty-early-stop"),
    path("penalties/early-stop/done/", views_early_stop.early_stop_done, name="penalty-early-stop-done"),
    # --- end disclosure ---
    # --- complaints (投诉举报): DESIGN.md public filings ---
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/new/done/", views.complaint_done, name="complaint-done"),  # Post/Redirect/Get (issue 12 §6)
    # --- end complaints ---
]
