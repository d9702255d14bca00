"""``POST /api/v1/list-exit-applications/`` and its status endpoint (API.md "Public filings"; issue 12 §4).

No key, throttled per IP like objections; the rules are ``credit.services.list_exits``'s, and a refusal is
400 with the exact reason on ``list_entry_id``. Contact details are never returned.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers

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
from core.idempotency import idempotent
from credit import selectors
from credit.api.serializers import MAX_ID, PublicFilingInputSerializer, _required
from credit.models import ListExitApplication
from credit.services import list_exits


class ListExitInputSerializer(PublicFilingInputSerializer):
    list_entry_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages=_required("list_entry_id", "名单记录 id"),
        help_text="申请移出的名单记录 id（经营异常名录或严重违法失信名单）",
    )
    reason = serializers.CharField(
        max_length=5000, error_messages=_required("reason", "申请理由"), help_text="履行相关义务的情况"
    )


class ListExitCreateView(PublicFilingView):
    @extend_schema(
        tags=["public filings"],
        request=ListExitInputSerializer,
        responses={201: FilingCreatedSerializer, 400: ERROR_400, 429: THROTTLED_429},
        description="申请移出名单，无需密钥，按 IP 限流。经营异常名录：履行相关义务后申请，作出列入决定的部门5个工作日内作出决定"
        "（证明材料可在网站表单上传，或按部门通知补交）；严重违法失信名单：列入满1年且符合条件的可申请提前移出，未满1年返回 400；"
        "重点关注对象名单、守信激励对象名单不适用移出申请（400）。返回受理编号和查询码。联系方式保密，任何公开页面和接口都不返回。",
        auth=[],
    )
    @idempotent  # Idempotency-Key: a retry replays the first 201, never files twice (core.idempotency)
    def post(self, request):
        data = self.validated(ListExitInputSerializer, request)
        entry = selectors.public_list_entries().filter(pk=data["list_entry_id"]).first()
        if entry is None:
            raise exceptions.ValidationError({"list_entry_id": f"未找到在列的名单记录 {data['list_entry_id']}"})
        try:
            application, code = list_exits.list_exit_apply(
                actor=public_actor(request),
                entry=entry,
                applicant_name=data["applicant_name"],
                contact_phone=data["contact_phone"],
                reason=data["reason"],
                contact_email=data.get("contact_email", ""),
                channel="api",
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return created(application, code)


@extend_schema(
    tags=["public filings"],
    parameters=[TRACKING_PARAM, CODE_PARAM],
    responses={200: FilingStatusSerializer, 400: ERROR_400, 404: FILING_404},
    description="凭受理编号和查询码查询移出名单申请的状态（submitted|approved|refused）、决定期限和决定理由；从不返回申请人联系方式。"
    "查询码错误与编号不存在答复相同（404）。",
    auth=[],
)
class ListExitStatusView(FilingStatusView):
    model = ListExitApplication
