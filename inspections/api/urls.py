"""Inspections API (API.md): /inspection-plans/, /draws/{id}/population.csv, /inspection-results/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from inspections.api import views

router = SimpleRouter()
router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")

urlpatterns = [
    path("draws/<int:id>/population.csv", views.DrawPopulationView.as_view(), name="draw-population"),
    path("inspection-results/", views.InspectionResultListView.as_view(), name="inspection-results"),
    *router.urls,
]
