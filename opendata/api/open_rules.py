"""Open API routes of the rulebook (issue 15 §7), under /api/open/v1/rules/."""

from django.urls import path

from opendata.api import open_rules_views as views

urlpatterns = [
    path("departments/", views.RuleDepartmentListView.as_view(), name="open-rules-departments"),
    path("departments/<str:code>/", views.RuleDepartmentDetailView.as_view(), name="open-rules-department"),
    path("items/", views.RuleItemListView.as_view(), name="open-rules-items"),
    path("items/<str:catalogue_code>/", views.RuleItemDetailView.as_view(), name="open-rules-item"),
    path("benchmarks/", views.RuleBenchmarkListView.as_view(), name="open-rules-benchmarks"),
    path("measures/", views.RuleMeasureListView.as_view(), name="open-rules-measures"),
]
