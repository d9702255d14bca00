"""Public pages of issue 15: the rulebook /rules/, the bulk files /open-data/, the Atom feeds."""

from django.urls import include, path

urlpatterns = [
    path("", include("opendata.urls_rules")),
    path("", include("opendata.urls_dumps")),
    path("", include("opendata.urls_feeds")),
]
