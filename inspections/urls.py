"""Public 双随机、一公开 pages (DESIGN.md public URLs: /inspections/ and /inspections/plans/<id>/)."""

from django.urls import path

from inspections import views

urlpatterns = [
    path("inspections/", views.plan_list, name="inspection-plans"),
    path("inspections/plans/<int:pk>/", views.plan_detail, name="inspection-plan"),
    path("inspections/draws/<int:pk>/", views.draw_selection, name="inspection-draw"),
    path("inspections/verify/", views.verify, name="inspection-verify"),
]
