"""Credit API (API.md). Included before supervision's API URLs."""

urlpatterns: list = []
