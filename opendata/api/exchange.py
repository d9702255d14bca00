"""``GET /api/v1/exchange/shuanggongshi/``: a department's 双公示 file in the national field set (issue 15 §6).

For clients with ``records:write`` (the systems that push the department's records): their own department's
rows only, as JSON, CSV or XLSX, streamed. The file is the admin's export (``opendata.shuanggongshi.export``),
audited the same way.
"""

import datetime as dt

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from core.api.filings import ERROR_400, THROTTLED_429, ApiErrorSerializer
from core.choices import Scope
from opendata import shuanggongshi as sgs

TAG = "数据交换"
DATE_HELP = "日期格式应为 YYYY-MM-DD，如 2026-11-01"


class FormatParamNegotiation(BaseContentNegotiation):
    """``?format=csv`` names the file's format here, not a DRF renderer: errors are always JSON, never a 404."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _date(params, name: str, label: str, errors: dict) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        errors[name] = [f"请填写{label}（{DATE_HELP}）"]
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = [f"{label}“{raw[:20]}”无效：{DATE_HELP}"]
        return None


def parse_query(params) -> dict:
    """``kind``, ``from``, ``to`` and ``format`` checked, each error naming its parameter in Chinese."""
    errors = {}
    kind = params.get("kind") or ""
    if kind not in sgs.KINDS:
        errors["kind"] = ["kind 应为 penalty（行政处罚）、licence（行政许可）或 act（其他行政行为）"]
    date_from = _date(params, "from", "起始日期", errors)
    date_to = _date(params, "to", "截止日期", errors)
    if date_from and date_to and date_from > date_to:
        errors["to"] = ["截止日期不能早于起始日期"]
    fmt = params.get("format") or "json"
    if fmt not in sgs.FORMATS:
        errors["format"] = ["format 应为 json、csv 或 xlsx"]
    if errors:
        raise exceptions.ValidationError(errors)
    return {"kind": kind, "date_from": date_from, "date_to": date_to, "fmt": fmt}


def file_response(export: sgs.Export):
    if hasattr(export.body, "read"):
        response = FileResponse(export.body, as_attachment=True, filename=export.filename)
        response["Content-Type"] = export.content_type
    else:
        response = StreamingHttpResponse(export.body, content_type=export.content_type)
        response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Row-Count"] = str(export.rows)
    response["Cache-Control"] = "no-store"
    return response


@extend_schema(
    tags=[TAG],
    parameters=[
        OpenApiParameter(
            "kind",
            OpenApiTypes.STR,
            enum=sgs.KINDS,
            required=True,
            description="penalty 行政处罚 · licence 行政许可 · act 其他行政行为",
        ),
        OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="决定日期起（含），YYYY-MM-DD"),
        OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="决定日期止（含），YYYY-MM-DD"),
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=sgs.FORMATS,
            default="json",
            description="json（默认）、csv（UTF-8 含 BOM）或 xlsx",
        ),
    ],
    responses={
        (200, "application/json"): OpenApiResponse(
            OpenApiTypes.OBJECT,
            description='{"standard", "kind", "fields": [{"code", "label"}], "rows": [{字段代码: 值}], "count"}',
        ),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV，首行为中文字段名"),
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
            OpenApiTypes.BINARY, description="Excel 工作簿，首行为中文字段名"
        ),
        400: ERROR_400,
        401: OpenApiResponse(ApiErrorSerializer, description="缺少或无效的接口密钥"),
        403: OpenApiResponse(ApiErrorSerializer, description="该接口客户端没有 records:write 权限"),
        429: THROTTLED_429,
    },
    description="按国家“双公示”数据标准（《行政许可、行政处罚等信用信息数据标准（2021版）》）的字段导出本部门的"
    "行政许可、行政处罚（已公示的处罚决定及推送的处罚）或其他行政行为（行政强制、确认、征收、给付、裁决、补偿、奖励），"
    "按决定日期范围筛选；只含调用方所属部门的数据。JSON 以标准字段代码为键（CF_*、XK_*；其他行政行为为 XW_*），"
    "CSV 与 XLSX 以中文字段名为表头。自然人证件号码、联系电话、住址等个人信息一律不导出（法定代表人证件号码列为空）。"
    "响应头 X-Row-Count 为行数。每次导出均记入审计日志。",
)
class ShuanggongshiExportView(APIView):
    """``GET /api/v1/exchange/shuanggongshi/?kind=&from=&to=&format=``."""

    required_scope = Scope.RECORDS_WRITE
    content_negotiation_class = FormatParamNegotiation

    def get(self, request):
        query = parse_query(request.query_params)
        client = request.auth
        export = sgs.export(actor=client, department=client.department, **query)
        return file_response(export)
