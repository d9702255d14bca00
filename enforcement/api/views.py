"""Enforcement API (API.md): published penalties and the public complaint filing. One section each."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics

from core.api.filings import (
    CODE_PARAM,
    ERROR_400,
    FILING_404,
    THROTTLED_429,
    TRACKING_PARAM,
    FilingCreatedSerializer,
    FilingStatusSerializer,
    FilingStatusView,
    PublicFilingView,
    created,
    public_actor,
    service_errors,
)
from core.choices import Scope
from core.idempotency import idempotent
from enforcement import selectors, services
from enforcement.api.serializers import ComplaintInputSerializer, PenaltySerializer
from enforcement.filters import PenaltyFilter
from enforcement.models import Complaint

# --- complaints (投诉举报): API.md "Public filings" ------------------------------------------------


class ComplaintCreateView(PublicFilingView):
    @extend_schema(
        tags=["public filings"],
        request=ComplaintInputSerializer,
        responses={201: FilingCreatedSerializer, 400: ERROR_400, 429: THROTTLED_429},
        description="投诉举报，无需密钥，按 IP 限流。必填 entity_name、content；entity_uscc 选填（校验位须正确）。"
        "承办部门：名录库中有该主体时为其登记机关，否则为默认承办部门；办理期限按渠道的工作日时限（默认15个工作日）。"
        "返回受理编号和查询码。投诉举报人的姓名和联系方式保密，任何公开页面和接口都不返回。",
        auth=[],
    )
    @idempotent  # Idempotency-Key: a retry replays the first 201, never files twice (core.idempotency)
    def post(self, request):
        try:
            data = self.validated(ComplaintInputSerializer, request)
        except RequestDataTooBig:  # a body past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) was a 500 (hardening)
            raise exceptions.ParseError("请求体过大：投诉举报内容不超过5000字，请精简后重试") from None
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


@extend_schema(
    tags=["public filings"],
    parameters=[TRACKING_PARAM, CODE_PARAM],
    responses={200: FilingStatusSerializer, 400: ERROR_400, 404: FILING_404},
    description="凭受理编号和查询码查询投诉举报的办理状态（received 已登记、handling 办理中、closed 已办结）、办理期限和办理结果；"
    "从不返回投诉举报人的姓名和联系方式。查询码错误与编号不存在答复相同（404）。",
    auth=[],
)
class ComplaintStatusView(FilingStatusView):
    model = Complaint


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
