from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("credit.api.urls")),
    path("api/v1/", include("supervision.api.urls")),
    path("api/v1/", include("inspections.api.urls")),
    path("api/v1/", include("enforcement.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("field/", include("inspections.field_urls")),
    path("", include("credit.urls")),
    path("", include("inspections.urls")),
    path("", include("enforcement.urls")),
    path("", include("supervision.urls")),
]

handler403 = "core.views.forbidden"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
