"""The open API, /api/open/v1/ (issue 15 §1): public facts with no key, read-only, throttled per IP.

Each view reads one public selector, narrows it with the FilterSet the public page uses (so a search
here finds what the page finds) and answers with a serializer of ``open_serializers``. No
authentication runs at all: a key sent anyway, valid or not, changes nothing (no 401, no per-client
limit). The limit is per IP (``core.api.throttling.OpenApiThrottle``, ``OPEN_API_RATE``), 429 with
``Retry-After``. Paging: ``open_paging`` (pages for people, a cursor for bulk reading).
"""

from django.db.models import Count, F, OuterRef, Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core import pagecache
from core import uscc as uscc_lib
from core.api.filings import ERROR_400, THROTTLED_429, ApiErrorSerializer
from core.api.throttling import OpenApiThrottle
from credit import selectors as credit_selectors
from credit.choices import ListType
from credit.filters import ActFilter, act_search
from credit.models import ListEntry
from enforcement import selectors as enforcement_selectors
from enforcement.choices import DisclosureState
from enforcement.filters import PenaltyFilter
from inspections import selectors as inspection_selectors
from inspections.filters import InspectionPlanFilter, InspectionResultFilter
from inspections.models import Draw, DrawSelection
from opendata.api import open_serializers as s
from opendata.api.open_draws import entity_name, plan_detail_view
from opendata.api.open_paging import OpenPagination
from opendata.api.open_profile import entity_profile
from supervision.filters import MarketEntityFilter
from supervision.models import MarketEntity
from supervision.selectors import public_entities

TAG = "开放接口（免密钥）"
NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="未找到")
COMMON = {400: ERROR_400, 429: THROTTLED_429}
USCC_PATH = OpenApiParameter(
    "uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码（大小写、全角均可）"
)
ID_PATH = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
MAX_ID = 2**63 - 1


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="超过每个 IP 的访问频率（OPEN_API_RATE，默认每分钟 120 次）时，需等待的秒数",
)


def open_schema(operation_id: str, description: str, response, *, parameters=(), not_found=False):
    """No key (``auth=[]``), its own tag, and the 429 with ``Retry-After`` on every operation."""
    responses = {200: response, **COMMON}
    if not_found:
        responses[404] = NOT_FOUND
    return extend_schema(
        operation_id=f"open_{operation_id}",
        tags=[TAG],
        auth=[],
        description=description + " 无需密钥（带了密钥也不校验），按 IP 限流。",
        responses=responses,
        parameters=[*parameters, RETRY_AFTER],
    )


def roster_name(field: str = "entity_id"):
    """The party's roster name; rows are keyed by USCC without a join constraint, so by subquery (never an inner join)."""
    return Subquery(MarketEntity.objects.filter(uscc=OuterRef(field)).values("name")[:1])


def path_id(value: str) -> int:
    """An id from the path; anything but ASCII digits in range is not found (never a 500: "²".isdigit())."""
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise exceptions.NotFound("未找到")
    return int(value)


class OpenView(generics.GenericAPIView):
    """No key, no session: public facts only; throttled per IP."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (OpenApiThrottle,)
    pagination_class = OpenPagination
    cursor_field = "id"


# --- entities -----------------------------------------------------------------------------------


@extend_schema_view(
    get=open_schema(
        "entities_list",
        "检索市场主体：q 为名称（子串）、统一社会信用代码或其前缀，与公开检索页面规则相同（先按代码，找不到再按名称）；"
        "还可按 region、industry（代码前缀）、entity_type、status 筛选。不带 q 时列出全部主体（可用游标批量读取）。",
        s.OpenEntitySerializer(many=True),
    )
)
class EntityListView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenEntitySerializer
    filterset_class = MarketEntityFilter  # the public search page's filter (supervision.views.entity_search)
    cursor_field = "uscc"

    def get_queryset(self):
        return public_entities().order_by("uscc")


@extend_schema_view(
    get=open_schema(
        "entity_profile",
        "主体档案：公开主体页面上的全部信息，且仅此而已——基本信息、公共信用综合评价（等级代码、名称、颜色，信用分，理由）、"
        "消费投诉公示件数、公示中的信用信息、其他行政行为、在列的名单、信用承诺、公示期内的行政处罚、已公示的抽查结果、"
        "年度报告的公示部分、信用等级变化和企业自主填报信息。代码无效返回 400（写明应有的校验位），名录库中没有该主体返回 404。",
        s.OpenEntityProfileSerializer,
        parameters=[USCC_PATH],
        not_found=True,
    )
)
class EntityProfileView(OpenView):
    serializer_class = s.OpenEntityProfileSerializer
    pagination_class = None

    def get(self, request, uscc):
        code = uscc_lib.normalize(uscc)
        if "\x00" in code:
            raise exceptions.ValidationError({"uscc": ["不能包含空字符"]})
        reason = uscc_lib.problems(code)
        if reason and not uscc_lib.is_verified_exception(code):
            raise exceptions.ValidationError({"uscc": [reason]})

        def build():
            entity = public_entities().filter(uscc=code).first()
            if entity is None:
                raise exceptions.NotFound(f"未找到统一社会信用代码为 {code} 的市场主体")
            body = JSONRenderer().render(self.get_serializer(entity_profile(entity)).data)
            return HttpResponse(body, content_type="application/json")

        # Cached after the throttle (issue 16 §1): the same bytes DRF's JSONRenderer gives (the only renderer).
        return pagecache.serve(request, kind="profile", uscc=code, build=build)


# --- penalties (双公示) ------------------------------------------------------------------------------


@extend_schema_view(
    get=open_schema(
        "penalties_list",
        "公示期内的行政处罚决定摘要（双公示，已脱敏），最新决定在前，与 /penalties/ 页面相同。可按当事人 q（名称、代码或前缀）、"
        "uscc、处罚机关 department（部门代码）、决定年度 year、处罚种类 penalty_type、公示日期 since 筛选。",
        s.OpenPenaltySerializer(many=True),
    )
)
class PenaltyListView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenPenaltySerializer
    filterset_class = PenaltyFilter

    def get_queryset(self):
        return enforcement_selectors.public_penalties().only(*enforcement_selectors.LIST_FIELDS)


@extend_schema_view(
    get=open_schema(
        "penalty_detail",
        "一条行政处罚公示：决定书文号、当事人、违法事实、处罚依据、种类和内容、金额、决定日期、处罚机关及其代码、公示截止日期。"
        "已撤回的只返回文号、当事人、撤回时间和理由（state=withdrawn），不返回其内容。",
        s.OpenPenaltyDetailSerializer,
        parameters=[ID_PATH],
        not_found=True,
    )
)
class PenaltyDetailView(OpenView):
    serializer_class = s.OpenPenaltyDetailSerializer
    pagination_class = None

    def get(self, request, id):
        disclosure = enforcement_selectors.public_penalty(path_id(id))
        if disclosure is None:
            raise exceptions.NotFound("未找到该行政处罚公示信息")
        if disclosure.state == DisclosureState.WITHDRAWN:
            return Response(s.OpenPenaltyWithdrawnSerializer(disclosure).data)
        return Response(self.get_serializer(disclosure).data)


# --- lists and acts -------------------------------------------------------------------------------

LIST_TYPE_PATH = OpenApiParameter(
    "list_type",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[t.value for t in credit_selectors.PUBLIC_LIST_TYPES],
    description="abnormal（经营异常名录）、serious（严重违法失信名单）、key_attention（重点关注对象名单）、red（守信激励对象名单）",
)
Q_PARAM = OpenApiParameter("q", OpenApiTypes.STR, description="名称、统一社会信用代码或其前缀（同主体检索）")


@extend_schema_view(
    get=open_schema("lists_index", "公开的名单及当前在列的主体数。", s.OpenListSerializer(many=True)),
)
class ListIndexView(OpenView):
    serializer_class = s.OpenListSerializer
    queryset = ListEntry.objects.none()  # for the schema only: the answer is the counts below
    pagination_class = None

    def get(self, request):
        counts = dict(
            credit_selectors.public_list_entries().order_by().values_list("list_type").annotate(n=Count("id"))
        )
        rows = [
            {"list_type": t.value, "label": str(t.label), "count": counts.get(t.value, 0)}
            for t in credit_selectors.PUBLIC_LIST_TYPES
        ]
        return Response(self.get_serializer(rows, many=True).data)


@extend_schema_view(
    get=open_schema(
        "list_entries",
        "某一名单当前在列的主体，最新列入在前；q 按名称、代码或前缀检索（与主体检索规则相同）。",
        s.OpenListEntrySerializer(many=True),
        parameters=[LIST_TYPE_PATH, Q_PARAM],
        not_found=True,
    )
)
class ListEntriesView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenListEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no path kwargs
            return ListEntry.objects.none()
        list_type = self.kwargs["list_type"]
        if list_type not in credit_selectors.PUBLIC_LIST_TYPES:
            allowed = "、".join(f"{t.value}（{t.label}）" for t in credit_selectors.PUBLIC_LIST_TYPES)
            raise exceptions.NotFound(f"没有名单类型“{list_type}”，可选：{allowed}")
        entries = (
            credit_selectors.public_list_entries(ListType(list_type))
            .annotate(entity_name=roster_name())
            .order_by("-listed_on", "-id")
        )
        q = self.request.query_params.get("q", "").strip().replace("\x00", "")[:100]
        if q:  # the public search's rule (code, prefix, else name) on the entity join, as /lists/<type>/?q= does
            entries = act_search(entries, q)
        return entries


@extend_schema_view(
    get=open_schema(
        "acts_list",
        "行政许可和其他行政行为（行政强制、确认、征收、给付、裁决、补偿、奖励）的公示信息，最新决定在前，与 /acts/ 页面相同。"
        "可按 q（名称、代码或前缀）、category、department（部门代码）、decided_from、decided_to 筛选。",
        s.OpenActSerializer(many=True),
    )
)
class ActListView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenActSerializer
    filterset_class = ActFilter

    def get_queryset(self):
        return credit_selectors.public_acts().annotate(entity_name=roster_name())


# --- inspections ----------------------------------------------------------------------------------


@extend_schema_view(
    get=open_schema(
        "plans_list",
        "已公布的双随机抽查计划，最新年度在前；可按 year、department（部门代码，牵头或参与）筛选。",
        s.OpenPlanSerializer(many=True),
    )
)
class PlanListView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenPlanSerializer
    filterset_class = InspectionPlanFilter

    def get_queryset(self):
        return (
            inspection_selectors.public_plans().prefetch_related("departments").order_by("-year", "-starts_on", "-id")
        )


@extend_schema_view(
    get=open_schema(
        "plan_detail",
        "一个抽查计划，与其公开页面相同：抽查事项及设定依据、抽查比例、摇号承诺和全部摇号记录（重新摇号的原记录保留）。"
        "hmac-sha256-v2 摇号只给出承诺值、公开随机数、总数和抽中主体，从不给出种子份额、种子或分层数据。",
        s.OpenPlanDetailSerializer,
        parameters=[ID_PATH],
        not_found=True,
    )
)
class PlanDetailView(OpenView):
    serializer_class = s.OpenPlanDetailSerializer
    pagination_class = None

    def get(self, request, id):
        plan = plan_detail_view(path_id(id))
        if plan is None:
            raise exceptions.NotFound("未找到该抽查计划，或该计划尚未公布")
        return Response(self.get_serializer(plan).data)


@extend_schema_view(
    get=open_schema(
        "draw_selection",
        "一次摇号抽中的全部市场主体（按代码排序，不含风险分类）。",
        s.OpenSelectedSerializer(many=True),
        parameters=[ID_PATH],
        not_found=True,
    )
)
class DrawSelectionView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenSelectedSerializer
    cursor_field = "entity"
    cursor_row_key = "uscc"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DrawSelection.objects.none()
        draw = (
            Draw.objects.filter(
                pk=path_id(self.kwargs["id"]), plan__in=inspection_selectors.public_plans().values("pk")
            )
            .only("id", "plan")
            .first()
        )
        if draw is None:
            raise exceptions.NotFound("未找到该摇号记录")
        # inspections.selectors.public_selection's rule: the selected codes only, never the strata.
        # A selected code not in the roster (any more) is listed without a name, as on the page.
        return (
            inspection_selectors.public_selection(draw).values(uscc=F("entity"), name=entity_name()).order_by("entity")
        )


@extend_schema_view(
    get=open_schema(
        "results_list",
        "已公示的双随机抽查结果，最新公示在前；可按 uscc、plan（计划 ID）、since（公示日期不早于）筛选。",
        s.OpenResultSerializer(many=True),
    )
)
class ResultListView(OpenView, generics.ListAPIView):
    serializer_class = s.OpenResultSerializer
    filterset_class = InspectionResultFilter

    def get_queryset(self):
        return (
            inspection_selectors.public_results()
            .annotate(entity_name=roster_name("task__entity_id"))
            .order_by("-published_at", "-id")
        )
