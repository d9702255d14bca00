"""Enforcement API (API.md): published penalties and the public complaint filing. One section each."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from core.api.filings import (
    ERROR_400,
    FILING_404,
    NOT_FOUND_FILING,
    THROTTLED_429,
    TRACKING_PARAM,
    ApiErrorSerializer,
    FilingStatusSerializer,
    FilingStatusView,
    PublicFilingView,
    created,
    json_body,
    public_actor,
    service_errors,
)
from core.choices import Scope
from core.filings import filing_status
from core.idempotency import idempotent
from core.models import ApiClient
from enforcement import selectors, services
from enforcement.api.serializers import ComplaintFiledSerializer, ComplaintInputSerializer, PenaltySerializer
from enforcement.filters import PenaltyFilter
from enforcement.models import Complaint
from enforcement.services.hotline import OrderNumberReused

# --- complaints (投诉举报): API.md "Public filings" ------------------------------------------------

HOTLINE_NO_KEY = (
    "12345/12315 工单须由具有 complaints:write 权限的热线系统凭接口密钥报送（Authorization: Bearer <密钥>）；"
    "公众投诉举报请使用 web 或 api 渠道"
)
ERROR_403 = OpenApiResponse(ApiErrorSerializer, description="12345/12315 渠道：接口客户端没有 complaints:write 权限")
ERROR_409 = OpenApiResponse(ApiErrorSerializer, description="同一工单号已登记为另一件投诉举报（内容不同）")


class OrderNumberConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "external_order_no_reused"


def _hotline_client(request) -> ApiClient:
    """Issue 15 §6: only a hotline system with the complaints:write scope files 12345/12315 work orders."""
    client = request.auth
    if not isinstance(client, ApiClient):  # for the public these are no channels at all: a 400 naming the field
        raise exceptions.ValidationError({"channel": [HOTLINE_NO_KEY]})
    if Scope.COMPLAINTS_WRITE not in client.scopes:
        raise exceptions.PermissionDenied(f"该接口客户端没有“{Scope.COMPLAINTS_WRITE}”权限，不能报送 12345/12315 工单")
    return client


def _file_hotline(client, data: dict) -> Response:
    try:
        complaint, code, created_now = services.complaint_file_hotline(
            client=client,
            external_order_no=data["external_order_no"],
            channel=data["channel"],
            entity_name=data["entity_name"],
            content=data["content"],
            kind=data["kind"],
            entity_uscc=data.get("entity_uscc", ""),
            reporter_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
            whistleblower=data["whistleblower"],
        )
    except OrderNumberReused as exc:
        raise OrderNumberConflict(
            {k: [exceptions.ErrorDetail(m, code=OrderNumberConflict.default_code) for m in v] for k, v in exc}
        ) from None
    except DjangoValidationError as exc:
        raise service_errors(exc) from None
    body = {
        "tracking_no": complaint.tracking_no,
        "query_code": code or None,
        "external_order_no": complaint.external_no,
    }
    return Response(
        body,
        status=status.HTTP_201_CREATED if created_now else status.HTTP_200_OK,
        headers={"Cache-Control": "no-store"},
    )


class ComplaintCreateView(PublicFilingView):
    @extend_schema(
        tags=["public filings"],
        request=ComplaintInputSerializer,
        responses={
            201: ComplaintFiledSerializer,
            200: OpenApiResponse(ComplaintFiledSerializer, description="重复报送同一工单号：首次登记的受理编号"),
            400: ERROR_400,
            403: ERROR_403,
            409: ERROR_409,
            429: THROTTLED_429,
        },
        description="投诉举报，无需密钥，按 IP 限流。必填 entity_name、content；entity_uscc 选填（校验位须正确）。"
        "承办部门：名录库中有该主体时为其登记机关，否则为默认承办部门；办理期限按渠道的工作日时限（默认15个工作日）。"
        "返回受理编号和查询码。投诉举报人的姓名和联系方式保密，任何公开页面和接口都不返回。\n\n"
        "12345/12315 工单（一号响应，issue 15 §6）：具有 complaints:write 权限的热线系统凭密钥报送，channel 为 12345 或 12315，"
        "必填 external_order_no（工单号）；未带密钥为 400（channel），客户端无该权限为 403。同一客户端重复报送同一工单号返回 200 和首次登记的受理编号"
        "（query_code 为 null），不重复登记；同一工单号报送不同内容为 409。此后每次状态变化（登记、转办、受理、办结、转立案）"
        "都以 complaint.status_changed 事件只发给报送的客户端（变更订阅 GET /api/v1/changes/ 与 webhook），"
        "事件数据为 tracking_no、external_order_no、action、status、status_label、department、deadline、outcome，"
        "从不含投诉举报人的信息。",
        auth=[],
    )
    @idempotent  # Idempotency-Key: a retry replays the first 201, never files twice (core.idempotency)
    def post(self, request):
        try:
            raw = json_body(request)
        except RequestDataTooBig:  # a body past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) was a 500 (hardening)
            raise exceptions.ParseError("请求体过大：投诉举报内容不超过5000字，请精简后重试") from None
        # The key and scope are checked before the body: a hotline order without them is refused whatever it holds.
        client = _hotline_client(request) if raw.get("channel") in services.HOTLINE_CHANNELS else None
        data = self.validated(ComplaintInputSerializer, request)
        if client is not None:
            return _file_hotline(client, data)
        try:
            complaint, code = services.complaint_file(
                actor=public_actor(request),
                entity_name=data["entity_name"],
                content=data["content"],
                kind=data["kind"],
                channel=data["channel"],
                entity_uscc=data.get("entity_uscc", ""),
                reporter_name=data.get("contact_name", ""),
                contact_phone=data.get("contact_phone", ""),
                contact_email=data.get("contact_email", ""),
                whistleblower=data["whistleblower"],
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return created(complaint, code)


HOTLINE_CODE_PARAM = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="提交时返回的查询码（必填）；报送该工单的热线系统凭密钥查询自己的工单时可省略",
)


@extend_schema(
    tags=["public filings"],
    parameters=[TRACKING_PARAM, HOTLINE_CODE_PARAM],
    responses={200: FilingStatusSerializer, 400: ERROR_400, 404: FILING_404},
    description="凭受理编号和查询码查询投诉举报的办理状态（received 已登记、handling 办理中、closed 已办结）、办理期限和办理结果；"
    "从不返回投诉举报人的姓名和联系方式。查询码错误与编号不存在答复相同（404）。"
    "报送 12345/12315 工单的热线系统（complaints:write）凭密钥查询自己报送的工单时无需查询码（重复报送时不再返回查询码）；"
    "其他客户端的工单答复 404。",
    auth=[],
)
class ComplaintStatusView(FilingStatusView):
    model = Complaint

    def get(self, request, tracking_no):
        client = request.auth
        if (
            request.query_params.get("code", "").strip()
            or not isinstance(client, ApiClient)
            or Scope.COMPLAINTS_WRITE not in client.scopes
        ):
            return super().get(request, tracking_no)
        # The filing hotline system reads its own work order without the code (issue 15 §6: 一号响应).
        number = str(tracking_no or "").strip().upper()
        complaint = Complaint.objects.select_related("department").filter(tracking_no=number, api_client=client).first()
        if complaint is None:
            raise exceptions.NotFound(gettext(NOT_FOUND_FILING))
        data = filing_status(complaint)
        body = {k: data[k] for k in ("tracking_no", "status", "status_label", "deadline")}
        body["outcome"] = data["outcome"] or None
        return Response(FilingStatusSerializer(body).data, headers={"Cache-Control": "no-store"})


# --- end complaints --------------------------------------------------------------------------------


# --- disclosure (双公示): GET /api/v1/penalties/ -----------------------------------------------------


@extend_schema(
    tags=["enforcement"],
    responses={200: PenaltySerializer(many=True), 400: ERROR_400},
    description="已公示的行政处罚决定摘要（双公示，已脱敏），最新决定在前；未公示、依规不予公示（未成年人、简易程序、仅警告）和已撤回的不返回。"
    "可按统一社会信用代码 uscc（无效代码返回 400）、公示日期 since（YYYY-MM-DD，公示日期不早于该日）、处罚机关 department（部门代码）、"
    "决定年度 year、处罚种类 penalty_type 和当事人 q（名称、代码或代码前缀）筛选。",
)
class PenaltyListView(generics.ListAPIView):
    """Published, redacted penalty summaries (scope enforcement:read)."""

    required_scope = Scope.ENFORCEMENT_READ
    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter

    def get_queryset(self):
        return selectors.public_penalties()


# --- end disclosure -------------------------------------------------------------------------------
