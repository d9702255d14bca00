"""Public pages of issue 15 (owned by one part; see opendata/urls.py)."""

urlpatterns = []
