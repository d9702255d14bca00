"""Credit API (API.md): entity credit, records, grade history, lists, 逢办必查 checks, record pushes.

Thin views: reads take their queryset from ``credit.selectors`` and their filters from
``credit.filters``; writes hand the request body to a service and map its errors to the one error
shape, with the ``index`` of every failing item.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from core import uscc
from core.api.errors import error_body
from core.api.filings import (  # noqa: F401 - CODE_PARAM … service_errors: credit.api.views re-exports them until every site imports core
    CODE_PARAM,
    ERROR_400,
    FILING_404,
    NOT_FOUND_FILING,
    THROTTLED_429,
    TRACKING_PARAM,
    ApiErrorSerializer,
    FilingCreatedSerializer,
    FilingStatusSerializer,
    FilingStatusView,
    PublicFilingView,
    created,
    json_body,
    public_actor,
    service_errors,
)
from core.choices import Scope
from core.idempotency import idempotent
from credit import record_links, selectors, services
from credit.api.serializers import (
    CreditCheckInputSerializer,
    CreditCheckResultSerializer,
    CreditEntityDetailSerializer,
    CreditEntityListSerializer,
    CreditRecordPushInputSerializer,
    CreditRecordPushResultSerializer,
    CreditRecordSerializer,
    GradeHistorySerializer,
    ListEntrySerializer,
    ObjectionInputSerializer,
    RepairApplicationInputSerializer,
)
from credit.choices import ListType
from credit.filters import CreditEntityFilter, CreditRecordFilter, ListEntryFilter
from credit.models import CreditRecord, GradeBand, GradeHistory, ListEntry, Objection, RepairApplication
from credit.reports import report_issue
from credit.views import pdf_response
from supervision.api.views import EntityViewSet
from supervision.models import MarketEntity
from supervision.selectors import PUBLIC_ENTITY_FIELDS

USCC_PARAM = OpenApiParameter(
    "uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码（大小写、全角均可）"
)
CREDIT_LIST_FIELDS = ("credit__grade", "credit__model__version")
CREDIT_DETAIL_FIELDS = (
    *CREDIT_LIST_FIELDS,
    "credit__score",
    "credit__reasons",
    "credit__improves_on",
    "credit__risk_class",
    "credit__changed_at",
)
NUL_DETAIL = "不能包含空字符（\\u0000）"


def path_uscc(value: str) -> str:
    """The normalised code from the path; an invalid one is 400, not 404 (API.md)."""
    code = uscc.normalize(value)
    if "\x00" in code:  # PostgreSQL text cannot hold NUL; never let it reach a query
        raise exceptions.ValidationError({"uscc": [NUL_DETAIL]})
    reason = uscc.problems(code)
    if reason and not uscc.is_verified_exception(code):
        raise exceptions.ValidationError({"uscc": [reason]})
    return code


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
        "信用风险分类 risk_class（内部参考，仅向具有 credit:read 权限的系统提供，从不公开）；在列的名单记录；各类别公示中的信用记录条数；"
        "近12个月经核实的投诉举报件数 verified_complaint_count（消费投诉公示）。",
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
        return selectors.grade_history(path_uscc(self.kwargs["uscc"])).prefetch_related(
            Prefetch("model__bands", queryset=GradeBand.objects.all())
        )


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
    responses={
        200: ListEntrySerializer(many=True),
        404: OpenApiResponse(ApiErrorSerializer, description="没有该名单类型"),
    },
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
            result = services.credit_check(
                department=request.auth.department,
                usccs=data.get("usccs"),
                purpose=data.get("purpose"),
                client=request.auth,
            )
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
        description="至多 5000 条。以（部门, source_ref）为幂等键：重复推送更新原记录，不会重复；"
        "重复推送不得改变记录的统一社会信用代码（错误代码 subject_changed：请撤销原记录，再以新的 source_ref 推送）。"
        "任一条无效则整批不保存，返回 400 并列出每个错误（index、attr、detail）。"
        "成功返回 created、updated、unchanged，三者之和等于本批条数。受影响主体的等级由后台在一分钟内重新评价。",
    )
    def post(self, request):
        data = json_body(request)
        if nul := nul_items(data.get("records")):
            return invalid_items(nul)
        try:
            result = services.credit_records_push(
                actor=request.auth,
                department=request.auth.department,
                records=data.get("records"),
                screen_personal_data=True,
            )
        except services.RecordsInvalid as exc:
            return invalid_items(exc.items)
        return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


# --- credit report (PDF) --------------------------------------------------------------------------


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """The report is always a PDF and errors always JSON, whatever ``Accept`` says (never a 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    tags=["credit"],
    parameters=[USCC_PARAM],
    responses={
        (200, "application/pdf"): OpenApiResponse(
            OpenApiTypes.BINARY, description="信用报告 PDF（附件），报告编号见响应头 X-Report-Serial"
        ),
        400: ERROR_400,
        404: OpenApiResponse(ApiErrorSerializer, description="名录库中没有该主体"),
    },
    description="即时出具该主体的公共信用信息报告（PDF）。报告载明出具时间、报告编号和核验地址，任何人可在核验页面查验真伪及是否为最新。"
    "报告不含个人隐私、联系方式和内部信用风险分类。",
)
class EntityCreditReportView(APIView):
    """``GET /api/v1/entities/{uscc}/credit-report``: the credit report as ``application/pdf``."""

    required_scope = Scope.CREDIT_READ
    content_negotiation_class = IgnoreAcceptNegotiation

    def get(self, request, uscc):
        code = path_uscc(uscc)
        try:
            report, pdf = report_issue(entity=code, requested_via=f"api:{request.auth.name}"[:40], actor=request.auth)
        except MarketEntity.DoesNotExist:
            raise exceptions.NotFound(f"未找到统一社会信用代码为 {code} 的市场主体") from None
        return pdf_response(report, pdf)


# --- public filings: objections and repair applications (API.md "Public filings") ----------------


def filing_record(data: dict):
    """The record a filing is about: a public one by ``record_id``, or any record about the entity,
    published or not, by ``record_token`` from the party's link (credit.record_links). An unpublished
    record's id without the token gets the answer of an unknown id: nothing tells that it exists."""
    if "record_token" in data:
        record = record_links.record_from_token(data["record_token"])
        if record is None or data.get("record_id", record.pk) != record.pk:
            raise exceptions.ValidationError({"record_token": record_links.INVALID_LINK})
        return record
    record = selectors.public_records().filter(pk=data["record_id"]).first()
    if record is None:
        raise exceptions.ValidationError({"record_id": f"未找到公示中的信用记录 {data['record_id']}"})
    return record


class ObjectionCreateView(PublicFilingView):
    @extend_schema(
        tags=["public filings"],
        request=ObjectionInputSerializer,
        responses={201: FilingCreatedSerializer, 400: ERROR_400, 429: THROTTLED_429},
        description="对公示中的一条信用记录（record_id）或名单记录（list_entry_id）提出异议，无需密钥，按 IP 限流。"
        "依规不予公示的记录凭当事人告知链接中的 record_token 提出（可不填 record_id）。"
        "提交后该信息在公示页面立即标注“异议处理中”；5个工作日内受理，20个工作日内办结。返回受理编号和查询码。联系方式保密，任何公开页面和接口都不返回。",
        auth=[],
    )
    @idempotent  # Idempotency-Key: a retry replays the first 201, never files twice (core.idempotency)
    def post(self, request):
        data = self.validated(ObjectionInputSerializer, request)
        record = entry = None
        if "record_id" in data or "record_token" in data:
            record = filing_record(data)
        else:
            entry = selectors.public_list_entries().filter(pk=data["list_entry_id"]).first()
            if entry is None:
                raise exceptions.ValidationError({"list_entry_id": f"未找到在列的名单记录 {data['list_entry_id']}"})
        try:
            objection, code = services.objection_file(
                actor=public_actor(request),
                applicant_name=data["applicant_name"],
                contact_phone=data["contact_phone"],
                reason=data["reason"],
                record=record,
                list_entry=entry,
                contact_email=data.get("contact_email", ""),
                channel="api",
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return created(objection, code)


@extend_schema(
    tags=["public filings"],
    parameters=[TRACKING_PARAM, CODE_PARAM],
    responses={200: FilingStatusSerializer, 400: ERROR_400, 404: FILING_404},
    description="凭受理编号和查询码查询异议的办理状态、当前期限和处理结果；从不返回申请人联系方式。查询码错误与编号不存在答复相同（404）。",
    auth=[],
)
class ObjectionStatusView(FilingStatusView):
    model = Objection


class RepairApplicationCreateView(PublicFilingView):
    @extend_schema(
        tags=["public filings"],
        request=RepairApplicationInputSerializer,
        responses={201: FilingCreatedSerializer, 400: ERROR_400, 429: THROTTLED_429},
        description="申请修复一条公示中的信用记录（谁认定、谁修复），无需密钥，按 IP 限流；commitment_accepted 须为 true（同时作出公开的信用修复承诺）。"
        "依规不予公示的记录凭当事人告知链接中的 record_token 申请（可不填 record_id）。"
        "不可能成功的申请（最短公示期未满、不得提前停止公示的处罚种类等）返回 400，detail 为具体原因。联系方式保密。",
        auth=[],
    )
    @idempotent  # Idempotency-Key: a retry replays the first 201, never files twice (core.idempotency)
    def post(self, request):
        data = self.validated(RepairApplicationInputSerializer, request)
        record = filing_record(data)
        try:
            application, code = services.repair_apply(
                actor=public_actor(request),
                record=record,
                applicant_name=data["applicant_name"],
                contact_phone=data["contact_phone"],
                reason=data["reason"],
                commitment_accepted=data["commitment_accepted"],
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
    description="凭受理编号和查询码查询信用修复申请的办理状态和决定理由；从不返回申请人联系方式。查询码错误与编号不存在答复相同（404）。",
    auth=[],
)
class RepairApplicationStatusView(FilingStatusView):
    model = RepairApplication
