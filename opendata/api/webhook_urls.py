"""API routes of issue 15 (owned by one part; see opendata/api/urls.py)."""

urlpatterns = []
