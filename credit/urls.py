"""Public credit pages. Included before supervision's URLs: the entity page gains its credit section."""

from django.urls import path

from credit import views

urlpatterns = [
    # Same path as supervision's entity page (listed first, so this one answers): base data + credit.
    path("entities/<str:uscc>/", views.entity_detail, name="entity-credit"),
    path("entities/<str:uscc>/credit-report.pdf", views.credit_report_download, name="credit-report-pdf"),
    path("lists/", views.list_index, name="credit-lists"),
    path("lists/<str:list_type>/", views.list_detail, name="credit-list"),
    path("credit/grades/", views.grades, name="credit-grades"),
    # Public filings (DESIGN.md public URLs): no account, tracked by number and query code.
    path("commitments/new/", views.commitment_new, name="commitment-new"),
    path("repairs/new/", views.repair_new, name="repair-new"),
    path("objections/new/", views.objection_new, name="objection-new"),
    path("track/", views.track, name="filing-track"),
    path("reports/verify/<str:serial>/", views.report_verify, name="report-verify"),
]
