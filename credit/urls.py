"""Public credit pages. Included before supervision's URLs: the entity page gains its credit section."""

from django.urls import path

from credit import views

urlpatterns = [
    # Same path as supervision's entity page (listed first, so this one answers): base data + credit.
    path("entities/<str:uscc>/", views.entity_detail, name="entity-credit"),
    path("lists/", views.list_index, name="credit-lists"),
    path("lists/<str:list_type>/", views.list_detail, name="credit-list"),
    path("credit/grades/", views.grades, name="credit-grades"),
]
