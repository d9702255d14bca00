from django.urls import path

from supervision import views

urlpatterns = [
    path("", views.home, name="home"),
    path("entities/", views.entity_search, name="entity-search"),
    path("entities/<str:uscc>/", views.entity_detail, name="entity-detail"),
    path("help/", views.help_page, name="help"),  # 帮助 (issue 18 §1.2)
    path("about/", views.about_page, name="about"),  # 关于本站
]
