from django.urls import path

from supervision import views

urlpatterns = [
    path("", views.home, name="home"),
    path("entities/", views.entity_search, name="entity-search"),
    path("entities/<str:uscc>/", views.entity_detail, name="entity-detail"),
]
