"""Atom feeds anyone can subscribe to (issue 15 §5); included at the site root before credit's pages."""

from django.urls import path
from django.views.decorators.cache import cache_page

from opendata import feeds

urlpatterns = [
    path("entities/<str:uscc>/feed.atom", feeds.EntityFeed(), name="entity-feed"),
    path("penalties/feed.atom", cache_page(feeds.PENALTY_FEED_CACHE_SECONDS)(feeds.PenaltyFeed()), name="penalty-feed"),
    path("lists/<str:list_type>/feed.atom", feeds.ListFeed(), name="list-feed"),
]
