from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views import i18n as i18n_views
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import anchor_views, health
from core.api import guide as api_guide
from oversight import views as oversight_views


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    # Issue 17 §2: the dashboard lives inside the admin (its templates and login), before the admin's own URLs.
    path("admin/dashboard/", oversight_views.dashboard, name="admin-dashboard"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script (issue 11).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The API guide (issue 18 §1.7): authentication, scopes, conventions, errors, endpoints, curl examples.
    path("api/guide/", api_guide.api_guide, name="api-guide"),
    path("api/v1/", include("credit.api.urls")),
    path("api/v1/", include("supervision.api.urls")),
    path("api/v1/", include("inspections.api.urls")),
    path("api/v1/", include("enforcement.api.urls")),
    path("api/v1/", include("opendata.api.urls")),
    path("api/open/v1/", include("opendata.api.open_urls")),
    # The language switch (issue 18 §2): Django's set_language, remembered by the django_language cookie.
    # CSRF-exempt: the switch sits in the header of cached public pages (core/pagecache.py stores no page
    # that used a CSRF token), and a forged switch only changes a visitor's language; ``next`` is still
    # checked against ALLOWED_HOSTS by the view.
    path("i18n/setlang/", csrf_exempt(i18n_views.set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("audit/anchors/", anchor_views.audit_anchors, name="audit-anchors"),
    path("field/", include("inspections.field_urls")),
    path("enterprise/", include("enterprise.urls")),
    path("", include("opendata.urls")),
    path("", include("credit.urls")),
    path("", include("inspections.urls")),
    path("", include("enforcement.urls")),
    path("", include("supervision.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.forbidden"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
