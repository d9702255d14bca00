"""Credit API (API.md): entity credit, records, grade history, lists, 逢办必查 checks, record pushes.

Thin views: reads take their queryset from ``credit.selectors`` and their filters from
``credit.filters``; writes hand the request body to a service and map its errors to the one error
shape, with the ``index`` of every failing item.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import uscc
from core.api.errors import error_body
from core.choices import Scope
from credit import selectors, services
from credit.api.serializers import (
    CreditApiErrorSerializer,
    CreditCheckInputSerializer,
    CreditCheckResultSerializer,
    CreditEntityDetailSerializer,
    CreditEntityListSerializer,
    CreditRecordPushInputSerializer,
    CreditRecordPushResultSerializer,
    CreditRecordSerializer,
    GradeHistorySerializer,
    ListEntrySerializer,
)
from credit.choices import ListType
from credit.filters import CreditEntityFilter, CreditRecordFilter, ListEntryFilter
from credit.models import CreditRecord, GradeBand, GradeHistory, ListEntry
from supervision.api.views import EntityViewSet
from supervision.models import MarketEntity
from supervision.selectors import PUBLIC_ENTITY_FIELDS

USCC_PARAM = OpenApiParameter("uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码（大小写、全角均可）")
CREDIT_LIST_FIELDS = ("credit__grade", "credit__model__version")
CREDIT_DETAIL_FIELDS = (*CREDIT_LIST_FIELDS, "credit__score", "credit__reasons", "credit__improves_on", "credit__risk_class", "credit__changed_at")
NUL_DETAIL = "不能包含空字符（\\u0000）"
ERROR_400 = OpenApiResponse(CreditApiErrorSerializer, description="请求无效：每个错误的 attr、detail（批量接口另有 index）")


def path_uscc(value: str) -> str:
    """The normalised code from the path; an invalid one is 400, not 404 (API.md)."""
    code = uscc.normalize(value)
    if "\x00" in code:  # PostgreSQL text cannot hold NUL; never let it reach a query
        raise exceptions.ValidationError({"uscc": [NUL_DETAIL]})
    reason = uscc.problems(code)
    if reason and not uscc.is_verified_exception(code):
        raise exceptions.ValidationError({"uscc": [reason]})
    return code


def json_body(request) -> dict:
    """The request body as a JSON object; malformed input is a 400 in Chinese, never a 500."""
    try:
        data = request.data
    except exceptions.ParseError:
        raise exceptions.ParseError("请求体不是有效的 JSON")
    except exceptions.UnsupportedMediaType:
        raise exceptions.ParseError("请求体应为 JSON（Content-Type: application/json）")
    if not isinstance(data, dict):
        raise exceptions.ParseError("请求体应为 JSON 对象")
    return data


def nul_items(records) -> list[dict]:
    """Text values holding NUL, which PostgreSQL cannot store: refused by index and field, not a 500."""
    if not isinstance(records, list):
        return []
    return [
        {"index": i, "attr": name, "code": "invalid", "detail": NUL_DETAIL}
        for i, record in enumerate(records)
        if isinstance(record, dict)
        for name, value in record.items()
        if isinstance(value, str) and "\x00" in value
    ]


def invalid_items(items: list[dict]) -> Response:
    """A ``RecordsInvalid`` as the one error shape: every problem, with its item's ``index``."""
    errors = []
    for item in items:
        error = {"code": item.get("code") or "invalid", "detail": item["detail"], "attr": item.get("attr")}
        if item.get("index") is not None:
            error["index"] = item["index"]
        errors.append(error)
    return Response(error_body("validation_error", errors), status=status.HTTP_400_BAD_REQUEST)


# --- entities -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description="按名称（子串）、统一社会信用代码或其前缀检索市场主体，可按地区、行业、主体类型、信用等级筛选。"
        "每个主体带当前信用等级 grade（尚未评价时为 null）。"
    ),
    retrieve=extend_schema(
        parameters=[USCC_PARAM],
        description="主体档案：基本信息；当前信用等级及理由（reasons 为文字，reason_items 为结构化理由）、信用分、预计可改善日期、评价模型版本；"
        "信用风险分类 risk_class（内部参考，仅向具有 credit:read 权限的系统提供，从不公开）；在列的名单记录；各类别公示中的信用记录条数。",
    ),
)
@extend_schema(tags=["entities"])
class CreditEntityViewSet(EntityViewSet):
    """Entities with their credit: the list gains ``grade``; the profile gains the grade with its
    reasons, score, model version, risk class, active list entries and public record counts."""

    filterset_class = CreditEntityFilter

    def get_queryset(self):
        # One LEFT JOIN for the current grade and its model, one query for every model's bands. The
        # entity columns stay the public ones; the list does not load the reasons.
        credit_fields = CREDIT_DETAIL_FIELDS if self.action == "retrieve" else CREDIT_LIST_FIELDS
        return (
            super()
            .get_queryset()
            .select_related("credit__model")
            .only(*PUBLIC_ENTITY_FIELDS, *credit_fields)
            .prefetch_related(Prefetch("credit__model__bands", queryset=GradeBand.objects.all()))
        )

    def get_object(self):
        path_uscc(self.kwargs["uscc"])  # 400 for an invalid code (NUL included) before any query
        return super().get_object()

    def get_serializer_class(self):
        return CreditEntityDetailSerializer if self.action == "retrieve" else CreditEntityListSerializer


# --- records and grade history of one entity ----------------------------------------------------


@extend_schema(
    tags=["credit"],
    parameters=[USCC_PARAM],
    responses={200: CreditRecordSerializer(many=True), 400: ERROR_400},
    description="该主体的信用记录（可共享的：公示中或公示期满的，不含已撤销、已修复及依规不予公示的轻微记录）。"
    "active=true 时仅返回当前公示中的记录。代码有效但不在名录库时返回空列表（记录按代码保存）；代码无效返回 400。",
)
class EntityCreditRecordsView(generics.ListAPIView):
    """Records about an entity that other departments' systems may read (``active=true``: only those
    public now). A valid code that is not in the roster gives an empty list: records are kept by USCC."""

    required_scope = Scope.CREDIT_READ
    serializer_class = CreditRecordSerializer
    filterset_class = CreditRecordFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no path kwargs
            return CreditRecord.objects.none()
        return selectors.shareable_records().filter(entity_id=path_uscc(self.kwargs["uscc"]))


@extend_schema(
    tags=["credit"],
    parameters=[USCC_PARAM],
    responses={200: GradeHistorySerializer(many=True), 400: ERROR_400},
    description="信用等级和信用分的历次变化（按时间先后），及给出该结果的评价模型版本。",
)
class EntityGradeHistoryView(generics.ListAPIView):
    """Every change of the entity's grade or score, oldest first, with the model version that gave it."""

    required_scope = Scope.CREDIT_READ
    serializer_class = GradeHistorySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GradeHistory.objects.none()
        return selectors.grade_history(path_uscc(self.kwargs["uscc"])).prefetch_related(Prefetch("model__bands", queryset=GradeBand.objects.all()))


# --- lists --------------------------------------------------------------------------------------


@extend_schema(
    tags=["credit"],
    parameters=[
        OpenApiParameter(
            "list_type",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            enum=[t.value for t in selectors.PUBLIC_LIST_TYPES],
            description="abnormal（经营异常名录）、serious（严重违法失信名单）、key_attention（重点关注对象名单）、red（守信激励对象名单）",
        )
    ],
    responses={200: ListEntrySerializer(many=True), 404: OpenApiResponse(CreditApiErrorSerializer, description="没有该名单类型")},
    description="某一名单的记录，按列入日期从新到旧。active=true（默认）仅当前在列；active=false 同时返回已移出的记录。",
)
class ListEntriesView(generics.ListAPIView):
    """Entries of one list, newest listing first. ``active=true`` (default): on the list now."""

    required_scope = Scope.CREDIT_READ
    serializer_class = ListEntrySerializer
    filterset_class = ListEntryFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ListEntry.objects.none()
        list_type = self.kwargs["list_type"]
        if list_type not in selectors.PUBLIC_LIST_TYPES:
            allowed = "、".join(f"{t.value}（{t.label}）" for t in selectors.PUBLIC_LIST_TYPES)
            raise exceptions.NotFound(f"没有名单类型“{list_type}”，可选：{allowed}")
        # Entries are keyed by USCC without a join constraint, so the name comes by subquery (never an inner join).
        name = MarketEntity.objects.filter(uscc=OuterRef("entity_id")).values("name")[:1]
        return (
            ListEntry.objects.filter(list_type=ListType(list_type), listed_on__lte=timezone.localdate())
            .select_related("department")
            .annotate(entity_name=Subquery(name))
            .order_by("-listed_on", "-id")
        )


# --- writes -------------------------------------------------------------------------------------


class CreditCheckView(APIView):
    """逢办必查: grade, active lists and applicable measures of 1–1000 codes; every code is logged."""

    required_scope = Scope.CREDIT_READ

    @extend_schema(
        tags=["credit"],
        request=CreditCheckInputSerializer,
        responses={200: CreditCheckResultSerializer, 400: ERROR_400},
        description="结果与请求顺序一致。不在名录库的有效代码 found=false；任一代码无效则整个请求 400，并给出每个无效代码的 index。",
    )
    def post(self, request):
        data = json_body(request)
        nul = [
            {"index": i, "attr": "usccs", "detail": NUL_DETAIL}
            for i, c in enumerate(data["usccs"] if isinstance(data.get("usccs"), list) else [])
            if isinstance(c, str) and "\x00" in c
        ]
        if isinstance(data.get("purpose"), str) and "\x00" in data["purpose"]:
            nul.append({"attr": "purpose", "detail": NUL_DETAIL})
        if nul:
            return invalid_items(nul)
        try:
            result = services.credit_check(department=request.auth.department, usccs=data.get("usccs"), purpose=data.get("purpose"), client=request.auth)
        except services.RecordsInvalid as exc:
            return invalid_items(exc.items)
        return Response(
            {
                # Asia/Shanghai (API.md), e.g. 2026-11-22T10:00:00+08:00.
                "checked_at": timezone.localtime(result.checked_at).isoformat(timespec="seconds"),
                "results": result.results,
            }
        )


class CreditRecordPushView(APIView):
    """Push records for the client's own department: all-or-nothing, idempotent by source_ref."""

    required_scope = Scope.RECORDS_WRITE

    @extend_schema(
        tags=["credit"],
        request=CreditRecordPushInputSerializer,
        responses={200: CreditRecordPushResultSerializer, 400: ERROR_400},
        description="至多 5000 条。以（部门, source_ref）为幂等键：重复推送更新原记录，不会重复。"
        "任一条无效则整批不保存，返回 400 并列出每个错误（index、attr、detail）。受影响主体的等级由后台在一分钟内重新评价。",
    )
    def post(self, request):
        data = json_body(request)
        if nul := nul_items(data.get("records")):
            return invalid_items(nul)
        try:
            result = services.credit_records_push(actor=request.auth, department=request.auth.department, records=data.get("records"))
        except services.RecordsInvalid as exc:
            return invalid_items(exc.items)
        return Response({"created": result.created, "updated": result.updated})
