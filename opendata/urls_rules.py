"""The public rulebook (明规矩于前, issue 15 §7). Stable URLs: other pages and sites link to them.

The fixed words (``items``, ``measures``) come before the department code; department codes are
upper-case short codes (ZZSJ), so they never collide.
"""

from django.urls import path

from opendata import views_rules

urlpatterns = [
    path("rules/", views_rules.rules_index, name="rules"),
    path("rules/measures/", views_rules.rules_measures, name="rules-measures"),
    path("rules/items/<str:catalogue_code>/", views_rules.rules_item, name="rules-item"),
    path("rules/<str:code>/", views_rules.rules_department, name="rules-department"),
]
