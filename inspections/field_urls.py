"""The inspectors' field pages, included at /field/ (namespace "field")."""

from django.urls import path

from inspections import field_views

app_name = "field"

urlpatterns = [
    path("", field_views.task_list, name="tasks"),
    path("login/", field_views.FieldLoginView.as_view(), name="login"),
    path("logout/", field_views.FieldLogoutView.as_view(), name="logout"),
    path("tasks/<int:pk>/", field_views.task_detail, name="task"),
    path("tasks/<int:pk>/confirm/", field_views.task_confirm, name="task-confirm"),
]
