"""Webhook subscriptions through the API (issue 15 §4): ``/api/v1/webhooks/``.

Any API client may manage its own subscriptions (and sees only those); what it may subscribe to is what
its scopes allow. Thin views: the services in ``opendata.webhooks`` validate and write, with their audit.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filings import ERROR_400, ApiErrorSerializer, json_body, service_errors
from core.changes import SCOPE_OF_TYPE, ChangeType
from core.models import ApiClient
from opendata import webhooks
from opendata.models import WebhookSubscription

TAG = "推送订阅"
SIGNATURE_DOC = (
    "推送：平台对每个事件向接收地址 POST 一个 JSON 对象（id、type、type_label、occurred_at、uscc、ref、object_id、data），"
    "请求头 X-Event-Id、X-Event-Type、User-Agent 和签名 X-Signature: t=<Unix 时间戳>,v1=<十六进制签名>，"
    "签名为以订阅密钥为键、对 “<t>.” 加上原样请求体字节计算的 HMAC-SHA256。接收方应按原样请求体验签，"
    "并拒绝 t 与本机时间相差超过 5 分钟的请求。Python 验签示例："
    "`expected = hmac.new(secret.encode(), t.encode() + b'.' + body, hashlib.sha256).hexdigest(); "
    "ok = hmac.compare_digest(expected, v1)`。"
    "返回 2xx 即为送达；其他状态码、超时（5 秒）或连接失败按 30 秒、1 分钟、2 分钟……（最长间隔 1 小时）指数退避重试，"
    "持续 24 小时；连续失败 24 小时的订阅自动停用，并通知所属部门。同一事件可能因故重复推送，请以 X-Event-Id 去重。"
)
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="订阅编号")
NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="不存在，或不属于本接口客户端")
FORBIDDEN = OpenApiResponse(ApiErrorSerializer, description="本接口客户端的权限范围不含所订阅的事件类型")


class ApiClientRequired(permissions.BasePermission):
    """Any valid key: a client manages its own subscriptions (what it may subscribe to is checked per type)."""

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiClient):
            raise exceptions.NotAuthenticated("需要接口密钥：Authorization: Bearer <密钥>")
        return True


class EventTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active", help_text="是否在推送（停用后为 false）")

    class Meta:
        model = WebhookSubscription
        fields = (
            "id",
            "url",
            "event_types",
            "usccs",
            "active",
            "created_at",
            "last_success_at",
            "failing_since",
            "disabled_at",
            "disabled_reason",
        )

    @extend_schema_field(EventTypeSerializer(many=True))
    def get_event_types(self, obj) -> list[dict]:
        return [{"code": t, "label": str(ChangeType(t).label)} for t in obj.event_types if t in ChangeType.values]


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(help_text="签名密钥：只在创建（或更换）时返回这一次，平台不再显示")

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = (*WebhookSubscriptionSerializer.Meta.fields, "secret")


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    """Documentation of the request body; validation is the service's (``opendata.webhooks``)."""

    url = serializers.URLField(max_length=500, help_text="接收地址（https:// 或 http://，不得指向内网、本机地址）")
    event_types = serializers.ListField(
        # Plain strings: the change feed's schema already names the ChangeType enum (one name per choice set).
        child=serializers.CharField(),
        help_text="订阅的事件类型代码；须在本接口客户端的权限范围内："
        + "；".join(f"{t}（{t.label}）需 {SCOPE_OF_TYPE[t]}" for t in ChangeType),
    )
    usccs = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"只推送这些主体的事件（选填，至多 {webhooks.MAX_USCCS} 个；大小写、全角均可）；不填为全部主体",
    )


def own(request):
    return WebhookSubscription.objects.filter(client=request.auth, deleted_at__isnull=True)


def created_response(sub, secret, code=status.HTTP_201_CREATED) -> Response:
    # The secret is shown once: no cache may keep it.
    data = {**WebhookSubscriptionSerializer(sub).data, "secret": secret}
    return Response(data, status=code, headers={"Cache-Control": "no-store"})


class WebhookListView(generics.ListAPIView):
    permission_classes = [ApiClientRequired]
    serializer_class = WebhookSubscriptionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookSubscription.objects.none()
        return own(self.request).order_by("id")

    @extend_schema(tags=[TAG], description="本接口客户端的推送订阅（不含已删除的）。" + SIGNATURE_DOC)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionCreatedSerializer, 400: ERROR_400, 403: FORBIDDEN},
        description="登记接收地址、事件类型和（选填）关注的主体。签名密钥 secret 只在本次返回。" + SIGNATURE_DOC,
    )
    def post(self, request):
        data = json_body(request)
        try:
            sub, secret = webhooks.webhook_subscription_create(
                actor=request.auth,
                client=request.auth,
                url=data.get("url"),
                event_types=data.get("event_types"),
                usccs=data.get("usccs"),
            )
        except webhooks.EventTypeNotAllowed as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return created_response(sub, secret)


class WebhookDetailView(APIView):
    permission_classes = [ApiClientRequired]

    def get_object(self, request, pk):
        sub = own(request).filter(pk=pk).first() if pk < 2**63 else None
        if sub is None:
            raise Http404
        return sub

    @extend_schema(tags=[TAG], parameters=[ID_PARAM], responses={200: WebhookSubscriptionSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        return Response(WebhookSubscriptionSerializer(self.get_object(request, pk)).data)

    @extend_schema(
        tags=[TAG],
        parameters=[ID_PARAM],
        responses={204: None, 404: NOT_FOUND},
        description="删除订阅：不再推送，待推送的事件放弃；推送记录保留在平台（全程留痕）。",
    )
    def delete(self, request, pk):
        webhooks.webhook_subscription_delete(actor=request.auth, subscription=self.get_object(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(WebhookDetailView):
    http_method_names = ["post", "options"]

    @extend_schema(
        tags=[TAG],
        parameters=[ID_PARAM],
        request=None,
        responses={200: WebhookSubscriptionCreatedSerializer, 404: NOT_FOUND},
        description="更换签名密钥：新密钥只在本次返回，自下一次推送起生效。",
    )
    def post(self, request, pk):
        try:
            sub, secret = webhooks.webhook_subscription_rotate_secret(
                actor=request.auth, subscription=self.get_object(request, pk)
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return created_response(sub, secret, code=status.HTTP_200_OK)


class WebhookEnableView(WebhookDetailView):
    http_method_names = ["post", "options"]

    @extend_schema(
        tags=[TAG],
        parameters=[ID_PARAM],
        request=None,
        responses={200: WebhookSubscriptionSerializer, 404: NOT_FOUND},
        description="重新启用已停用的订阅（如连续失败 24 小时被自动停用后修复了接收系统）。"
        "停用期间的事件不补推，请用 GET /api/v1/changes/ 补齐。",
    )
    def post(self, request, pk):
        sub = webhooks.webhook_subscription_enable(actor=request.auth, subscription=self.get_object(request, pk))
        return Response(WebhookSubscriptionSerializer(sub).data)
