"""Public pages of the bulk open data (issue 15 §2), under /open-data/ (see opendata/urls.py)."""

from django.urls import path, re_path

from opendata import views_dumps

urlpatterns = [
    path("open-data/", views_dumps.open_data_index, name="open-data"),
    path("open-data/index.json", views_dumps.open_data_index_json, name="open-data-json"),
    path("open-data/dictionary/", views_dumps.open_data_dictionary, name="open-data-dictionary"),
    path("open-data/dictionary.json", views_dumps.open_data_dictionary_json, name="open-data-dictionary-json"),
    path("open-data/licence/", views_dumps.open_data_licence, name="open-data-licence"),
    # Only names listed in OpenDataFile are served (no "/" can reach the view: <str> stops at it).
    path("open-data/files/<str:filename>", views_dumps.open_data_file, name="open-data-file"),
    re_path(
        r"^open-data/latest/(?P<dataset>[a-z_]+)\.(?P<fmt>csv\.gz|jsonl\.gz)$",
        views_dumps.open_data_latest,
        name="open-data-latest",
    ),
]
