"""The open API, /api/open/v1/ (issue 15 §1): no key, read-only, throttled per IP.

Every route here is walked by tests/api/test_open_api_allowlist.py (from this resolver), so a new
endpoint is checked field by field against the allow-list the moment it is added.
"""

from django.urls import include, path

from opendata.api import open_views as views

urlpatterns = [
    path("entities/", views.EntityListView.as_view(), name="open-entities"),
    path("entities/<str:uscc>/", views.EntityProfileView.as_view(), name="open-entity"),
    path("penalties/", views.PenaltyListView.as_view(), name="open-penalties"),
    path("penalties/<str:id>/", views.PenaltyDetailView.as_view(), name="open-penalty"),
    path("lists/", views.ListIndexView.as_view(), name="open-lists"),
    path("lists/<str:list_type>/", views.ListEntriesView.as_view(), name="open-list"),
    path("acts/", views.ActListView.as_view(), name="open-acts"),
    path("inspection-plans/", views.PlanListView.as_view(), name="open-plans"),
    path("inspection-plans/<str:id>/", views.PlanDetailView.as_view(), name="open-plan"),
    path("inspection-draws/<str:id>/selection/", views.DrawSelectionView.as_view(), name="open-draw-selection"),
    path("inspection-results/", views.ResultListView.as_view(), name="open-results"),
    # The rulebook's resources (issue 15 §7) live with the rulebook.
    path("rules/", include("opendata.api.open_rules")),
]
