"""portal.urls plus one view that fails, to see the 500 page (tests/core/test_error_pages.py)."""

from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns


def crash(request):
    raise RuntimeError("boom at /work/main/core/secret_module.py line 42")


urlpatterns = [path("crash/", crash), path("api/v1/crash/", crash), *portal_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
