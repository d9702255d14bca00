"""Credit API (API.md). Included before supervision's API URLs, so "entities" here is the one served."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from credit.api import views, views_exits

router = SimpleRouter()
router.register("entities", views.CreditEntityViewSet, basename="entity")

urlpatterns = [
    path("entities/<str:uscc>/credit-records/", views.EntityCreditRecordsView.as_view(), name="entity-credit-records"),
    path("entities/<str:uscc>/grade-history/", views.EntityGradeHistoryView.as_view(), name="entity-grade-history"),
    path("lists/<str:list_type>/", views.ListEntriesView.as_view(), name="list-entries"),
    path("credit-checks/", views.CreditCheckView.as_view(), name="credit-checks"),
    path("credit-records/", views.CreditRecordPushView.as_view(), name="credit-records"),
    # API.md writes this path without a trailing slash: it serves a file, not a resource listing.
    path("entities/<str:uscc>/credit-report", views.EntityCreditReportView.as_view(), name="entity-credit-report"),
    path("objections/", views.ObjectionCreateView.as_view(), name="objections"),
    path("objections/<str:tracking_no>/", views.ObjectionStatusView.as_view(), name="objection-status"),
    path("repair-applications/", views.RepairApplicationCreateView.as_view(), name="repair-applications"),
    path(
        "repair-applications/<str:tracking_no>/",
        views.RepairApplicationStatusView.as_view(),
        name="repair-application-status",
    ),
    path("list-exit-applications/", views_exits.ListExitCreateView.as_view(), name="list-exit-applications"),
    path(
        "list-exit-applications/<str:tracking_no>/",
        views_exits.ListExitStatusView.as_view(),
        name="list-exit-application-status",
    ),
    *router.urls,
]
