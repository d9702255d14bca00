"""The public filings of the API (API.md "Public filings"): base views, serializers and OpenAPI pieces.

Every app's public filing endpoint (objections, repair and list-exit applications, complaints …) is a
``PublicFilingView``: no key needed, rate-limited per IP (an API client that sends its key is limited
per client). A successful filing answers 201 with ``created(obj, code)``: the tracking number and the
query code, shown once and never cached. Its status endpoint is a ``FilingStatusView`` with the
model: the one public view of a filing (``core.filings.filing_status``), found by number and code.
A service's refusal becomes the one error shape with ``service_errors``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsers import JsonRefused
from core.api.throttling import AnonIpThrottle, ClientRateThrottle
from core.filings import filing_lookup, filing_status

# --- serializers ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="CreditApiErrorItem")  # the component's name since API v1
class ApiErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField(help_text="中文说明")
    attr = serializers.CharField(allow_null=True)
    index = serializers.IntegerField(required=False, help_text="批量接口中出错条目的序号（从 0 开始）")


@extend_schema_serializer(component_name="CreditApiError")  # the component's name since API v1
class ApiErrorSerializer(serializers.Serializer):
    """The one error shape (API.md); bulk endpoints add ``index`` to each failing item."""

    type = serializers.CharField(help_text="validation_error|client_error|server_error")
    errors = ApiErrorItemSerializer(many=True)


class FilingCreatedSerializer(serializers.Serializer):
    tracking_no = serializers.CharField(help_text="受理编号")
    query_code = serializers.CharField(help_text="查询码（只返回这一次，平台只保存其加密摘要）")


class FilingStatusSerializer(serializers.Serializer):
    tracking_no = serializers.CharField()
    status = serializers.CharField(
        help_text="状态代码：异议 submitted|accepted|refused|decided；修复 submitted|approved|rejected"
    )
    status_label = serializers.CharField(help_text="状态（中文）")
    deadline = serializers.DateField(
        allow_null=True, help_text="当前环节的办理期限（工作日计算）；无期限或已办结为 null"
    )
    outcome = serializers.CharField(allow_null=True, help_text="办理结果及理由；未办结为 null")


# --- OpenAPI pieces -------------------------------------------------------------------------------

ERROR_400 = OpenApiResponse(ApiErrorSerializer, description="请求无效：每个错误的 attr、detail（批量接口另有 index）")
THROTTLED_429 = OpenApiResponse(ApiErrorSerializer, description="请求过于频繁（Retry-After）")
NOT_FOUND_FILING = gettext_noop("未找到：受理编号或查询码有误")  # translated where raised
FILING_404 = OpenApiResponse(ApiErrorSerializer, description="受理编号不存在或查询码错误（二者答复相同）")
CODE_PARAM = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, description="提交时返回的查询码"
)
TRACKING_PARAM = OpenApiParameter("tracking_no", OpenApiTypes.STR, OpenApiParameter.PATH, description="受理编号")


# --- helpers --------------------------------------------------------------------------------------


def json_body(request) -> dict:
    """The request body as a JSON object; malformed input is a 400 in Chinese, never a 500."""
    try:
        data = request.data
    except JsonRefused:
        raise  # too deep or a lone surrogate: its own message (core.api.parsers)
    except exceptions.ParseError:
        raise exceptions.ParseError(_t("请求体不是有效的 JSON"))
    except exceptions.UnsupportedMediaType:
        raise exceptions.ParseError(_t("请求体应为 JSON（Content-Type: application/json）"))
    if not isinstance(data, dict):
        raise exceptions.ParseError(_t("请求体应为 JSON 对象"))
    return data


def service_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal in the one error shape: each reason its own item, with the field as attr."""
    # Service messages are written for the public (e.g. a second repair application never names the other's number).
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {name: [m for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
        )
    return exceptions.ValidationError(list(exc.messages))


def public_actor(request):
    """Who files, for the audit: the API client when a key was sent, else the public."""
    return request.auth if request.auth is not None else "public:api"


def created(obj, code: str) -> Response:
    # The query code is shown once: no cache may keep it.
    return Response(
        {"tracking_no": obj.tracking_no, "query_code": code},
        status=status.HTTP_201_CREATED,
        headers={"Cache-Control": "no-store"},
    )


# --- views ----------------------------------------------------------------------------------------


class PublicFilingView(APIView):
    """No key needed; rate-limited per IP (an API client that sends its key is limited per client)."""

    required_scope = None
    # Named here, not only in settings: these endpoints must never be left without the per-IP limit.
    throttle_classes = [ClientRateThrottle, AnonIpThrottle]

    def validated(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=json_body(request))
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class FilingStatusView(PublicFilingView):
    """``GET …/<tracking_no>/?code=``: a filing of ``model`` as its filer may see it; a wrong code and an
    unknown number answer the same 404."""

    model = None

    def get(self, request, tracking_no):
        code = request.query_params.get("code", "")
        if not code.strip():
            raise exceptions.ValidationError({"code": _t("须提供查询码 code")})
        found = filing_lookup(self.model, tracking_no, code)
        if found is None:
            raise exceptions.NotFound(_t(NOT_FOUND_FILING))
        data = filing_status(found)
        body = {k: data[k] for k in ("tracking_no", "status", "status_label", "deadline")}
        body["outcome"] = data["outcome"] or None
        return Response(FilingStatusSerializer(body).data, headers={"Cache-Control": "no-store"})
