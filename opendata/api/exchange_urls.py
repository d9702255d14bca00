"""API routes of issue 15 §6: the 双公示 export (mounted under /api/v1/)."""

from django.urls import path

from opendata.api.exchange import ShuanggongshiExportView

urlpatterns = [
    path("exchange/shuanggongshi/", ShuanggongshiExportView.as_view(), name="api-exchange-shuanggongshi"),
]
