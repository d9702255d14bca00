"""``GET /api/v1/changes/?after=<cursor>``: the change feed for departments' systems (issue 15 §3).

The feed itself (commit-safe cursor, retention, who sees what) is ``core.changes``; this view only
reads it for the calling client:

- any read scope lets a client in (``credit:read``, ``inspections:read``, ``enforcement:read``, and
  ``complaints:write`` for a hotline's own work orders); it sees only the event types its scopes allow
  (``core.changes.SCOPE_OF_TYPE``) and never an event addressed to another client;
- ``after`` is the opaque ``next_cursor`` of the previous answer (empty: from the oldest event kept;
  ``latest``: from now on, after a full sync); an unreadable cursor is 400, one older than the
  retention period 410;
- an empty answer gives the same cursor back, so a client can poll with it.
"""

from django.db.models import prefetch_related_objects
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import changes
from core.api.filings import ERROR_400, THROTTLED_429, ApiErrorSerializer
from core.choices import Scope
from core.models import ApiClient
from core.retention import RetentionPolicy

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
READ_SCOPES = (Scope.CREDIT_READ, Scope.INSPECTIONS_READ, Scope.ENFORCEMENT_READ, Scope.COMPLAINTS_WRITE)
LATEST = "latest"
EXPIRED_MESSAGE = "游标已过保留期（{period}）：请重新全量同步后从最新游标读取（after=" + LATEST + "）"


def expired_message() -> str:
    """The 410 text names the retention officials set (core.retention, issue 16 §5), not a constant."""
    policy = RetentionPolicy.objects.filter(code="change_events").first()
    return EXPIRED_MESSAGE.format(period=policy.period_text() if policy else f"{changes.RETENTION_DAYS} 天")


TAG = "变更订阅"


class CursorGone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = EXPIRED_MESSAGE.format(period=f"{changes.RETENTION_DAYS} 天")
    default_code = "cursor_expired"


class AnyReadScope(permissions.BasePermission):
    """A key (401 without one) with at least one of ``READ_SCOPES`` (403 otherwise)."""

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated("需要接口密钥：Authorization: Bearer <密钥>")
        if not set(client.scopes) & set(READ_SCOPES):
            names = "、".join(f"“{s}”" for s in READ_SCOPES)
            raise exceptions.PermissionDenied(f"该接口客户端没有读取变更事件的权限（需要 {names} 之一）")
        return True


class ChangeDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ChangeEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="事件编号（仅供排查；按游标顺序读取，不要按编号排序）")
    type = serializers.ChoiceField(choices=changes.ChangeType.choices, help_text="事件类型代码")
    type_label = serializers.CharField(help_text="事件类型（中文）")
    occurred_at = serializers.DateTimeField(help_text="发生时间（Asia/Shanghai）")
    uscc = serializers.CharField(help_text="统一社会信用代码（无主体代码的为空）")
    ref = serializers.CharField(
        help_text="变更对象的公开编号：信用记录为来源编号（source_ref），处罚为决定书文号，名单为决定书文号，"
        "抽查结果为“抽查结果-编号”，信用等级为统一社会信用代码"
    )
    object_id = serializers.IntegerField(allow_null=True, help_text="变更对象在本平台的编号")
    department = ChangeDepartmentSerializer(allow_null=True, help_text="作出决定或公示的部门")
    data = serializers.JSONField(
        help_text='事件数据，如信用等级变化 {"from": "GOOD", "to": "WARNING"}；信用记录 {"category", "state", '
        '"public_now"}；从不含个人信息'
    )


class ChangePageSerializer(serializers.Serializer):
    results = ChangeEventSerializer(many=True)
    next_cursor = serializers.CharField(help_text="下次请求作为 after 传回；没有新事件时与本次的 after 相同")


def event_body(event, departments: dict) -> dict:
    department = departments.get(event.department_id)
    return {
        "id": event.pk,
        "type": event.type,
        "type_label": str(changes.ChangeType(event.type).label),
        "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
        "uscc": event.uscc,
        "ref": event.ref,
        "object_id": event.object_id,
        "department": {"code": department.code, "name": department.name} if department else None,
        "data": event.data,
    }


def _limit(raw) -> int:
    if raw in (None, ""):
        return DEFAULT_LIMIT
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise exceptions.ValidationError({"limit": f"limit 应为 1 至 {MAX_LIMIT} 的整数"})
    return int(text)


def _types(raw, allowed: list[str]) -> list[str]:
    if raw in (None, ""):
        return allowed
    wanted = list(dict.fromkeys(t.strip() for t in str(raw).split(",") if t.strip()))
    unknown = [t for t in wanted if t not in changes.ChangeType.values]
    if unknown or not wanted:
        known = "、".join(changes.ChangeType.values)
        raise exceptions.ValidationError({"types": f"未知的事件类型：{'、'.join(unknown) or '（空）'}；可选：{known}"})
    refused = [t for t in wanted if t not in allowed]
    if refused:
        raise exceptions.PermissionDenied(f"该接口客户端的权限范围不包括以下事件类型：{'、'.join(refused)}")
    return wanted


def _cursor(raw) -> changes.Cursor:
    if str(raw or "").strip() == LATEST:
        return changes.latest_cursor()
    try:
        return changes.Cursor.decode(str(raw or "").strip())
    except ValueError:
        raise exceptions.ValidationError(
            {
                "after": "游标无效：请传回上次响应中的 next_cursor（首次读取不传 after，或传 after=latest 只读此后的事件）"
            }
        ) from None


class ChangeFeedView(APIView):
    permission_classes = [AnyReadScope]

    @extend_schema(
        tags=[TAG],
        operation_id="changes_list",
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="上次响应的 next_cursor（不透明字符串）。不传：从保留的最早事件读起；"
                f"“{LATEST}”：只读此后发生的事件（全量同步之后）",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"每次最多返回的事件数，默认 {DEFAULT_LIMIT}，最大 {MAX_LIMIT}"
            ),
            OpenApiParameter(
                "types",
                OpenApiTypes.STR,
                description="只读这些事件类型（逗号分隔），须在客户端权限范围内："
                + "；".join(f"{t.value}（{t.label}，{changes.SCOPE_OF_TYPE[t]}）" for t in changes.ChangeType),
            ),
        ],
        responses={
            200: ChangePageSerializer,
            400: ERROR_400,
            401: OpenApiResponse(ApiErrorSerializer, description="未提供或无效的接口密钥"),
            403: OpenApiResponse(ApiErrorSerializer, description="没有任何读取权限，或请求了权限范围外的事件类型"),
            410: OpenApiResponse(ApiErrorSerializer, description=EXPIRED_MESSAGE.format(period="数据保留期限")),
            429: THROTTLED_429,
        },
        description="变更事件，按提交顺序（issue 15 §3）。信用记录新增、更新、撤销、公示期满、修复，信用等级变化，"
        "列入和移出名单，行政处罚公示和撤回，抽查结果公示；complaints:write 客户端只收到自己报送的工单的状态变化。"
        "客户端只看到其权限范围允许的事件类型。从上次的 next_cursor 继续读取，不会漏读，也不会重复，"
        "即使写入方并发提交。事件保留期限见“数据保留期限”（默认 90 天），更早的游标返回 410。",
    )
    def get(self, request):
        client = request.auth
        allowed = changes.types_for_scopes(client.scopes)
        types = _types(request.query_params.get("types"), allowed)
        limit = _limit(request.query_params.get("limit"))
        cursor = _cursor(request.query_params.get("after"))
        try:
            events, next_cursor = changes.read_after(cursor, limit=limit, types=types, audience=client)
        except changes.CursorExpired:
            raise CursorGone(expired_message()) from None
        prefetch_related_objects(events, "department")
        departments = {e.department_id: e.department for e in events if e.department_id}
        return Response(
            {"results": [event_body(e, departments) for e in events], "next_cursor": next_cursor.encode()},
            headers={"Cache-Control": "no-store"},
        )
