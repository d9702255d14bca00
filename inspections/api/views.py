"""Inspections API (API.md): published plans with their draws, each draw's population file, and
published results. Everything needs ``inspections:read``.

Thin views: querysets come from ``inspections.selectors``, filters from ``inspections.filters``.
The strata of a draw (internal risk classes) are shown here, and only here, because this scope is
given to auditors and supervising departments so that they can recompute every draw.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from core.choices import Scope
from inspections import selectors
from inspections.api.serializers import (
    InspectionApiErrorSerializer,
    InspectionPlanDetailSerializer,
    InspectionPlanListSerializer,
    InspectionResultSerializer,
)
from inspections.filters import InspectionPlanFilter, InspectionResultFilter
from inspections.models import Draw, DrawSelection, PlanItem
from supervision.models import MarketEntity

ERROR_400 = OpenApiResponse(InspectionApiErrorSerializer, description="请求无效：attr 指明参数，detail 为中文说明")
ERROR_404 = OpenApiResponse(InspectionApiErrorSerializer, description="未找到，或该计划尚未公布")
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        description="已审批公布的双随机抽查计划（草稿不返回），最新年度在前。可按年度（year）和部门代码（department，牵头或参与）筛选。",
        responses={200: InspectionPlanListSerializer(many=True), 400: ERROR_400},
    ),
    retrieve=extend_schema(
        parameters=[ID_PARAM],
        description="计划详情：抽查事项（适用版本的设定依据、检查方式）、各风险分类的抽查比例、检查时间，"
        "及全部摇号记录 draws（最新的在前，重新摇号后原记录保留）。"
        "每次摇号给出算法、随机种子、名录文件哈希、名录文件地址 population_url、各类主体数/比例/抽中数 strata 和抽中主体及其分类 selected："
        "凭种子和名录文件即可独立重算抽中名单（DOMAIN §4，hmac-sha256-v1）。风险分类为内部信息，仅向具有 inspections:read 权限的系统提供。"
        "hmac-sha256-v2 摇号另有 seed_share（种子份额）、seed_share_sha256（审批时公布的承诺值）、public_value（录入的公开随机数）和 "
        "public_value_source（其来源）；seed 为 HMAC-SHA256(种子份额, 公开随机数) 导出的摇号种子。",
        responses={200: InspectionPlanDetailSerializer, 404: ERROR_404},
    ),
)
@extend_schema(tags=["inspections"])
class InspectionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Public plans; the detail carries every draw with its strata and selection."""

    required_scope = Scope.INSPECTIONS_READ
    filterset_class = InspectionPlanFilter

    def get_queryset(self):
        plans = selectors.public_plans().prefetch_related("departments").order_by("-year", "-starts_on", "-id")
        if self.action != "retrieve":
            return plans
        # Every draw of the plan, newest first (selectors.public_draws' order; the population file is
        # served on its own URL, never inlined), with its selection ordered by USCC.
        draws = (
            Draw.objects.select_related("commitment")
            .defer("population", "commitment__population")
            .order_by("-drawn_at", "-id")
            .prefetch_related(
                Prefetch(
                    "selections",
                    queryset=DrawSelection.objects.only("draw_id", "entity_id", "stratum").order_by("entity_id"),
                )
            )
        )
        items = PlanItem.objects.select_related("item_version__item", "department").order_by("department__code", "id")
        return plans.prefetch_related(Prefetch("items", queryset=items), Prefetch("draws", queryset=draws))

    def get_serializer_class(self):
        return InspectionPlanDetailSerializer if self.action == "retrieve" else InspectionPlanListSerializer


class CsvNegotiation(BaseContentNegotiation):
    """The file is always CSV and errors always JSON, whatever ``Accept`` says (never a 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    tags=["inspections"],
    parameters=[ID_PARAM],
    responses={
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR,
            description="名录文件：每行“统一社会信用代码,风险分类”，按字节升序，每行以 \\n 结尾，ASCII；其 SHA-256 即 population_sha256",
        ),
        404: ERROR_404,
    },
    description="某次摇号的名录文件，与计算 population_sha256 时的文件逐字节相同。含内部风险分类，仅向具有 inspections:read 权限的系统提供。",
)
class DrawPopulationView(APIView):
    """``GET /api/v1/draws/{id}/population.csv``: the exact bytes that were hashed (DOMAIN §4)."""

    required_scope = Scope.INSPECTIONS_READ
    content_negotiation_class = CsvNegotiation

    def get(self, request, id):
        draw = (
            Draw.objects.filter(pk=id, plan__in=selectors.public_plans().values("pk"))
            .only("id", "population", "population_sha256")
            .first()
        )
        if draw is None:
            raise exceptions.NotFound("未找到该摇号记录，或其计划尚未公布")
        response = HttpResponse(draw.population.encode("ascii"), content_type="text/csv; charset=us-ascii")
        response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-population.csv"'
        response["X-Population-SHA256"] = draw.population_sha256
        return response


@extend_schema(
    tags=["inspections"],
    responses={200: InspectionResultSerializer(many=True), 400: ERROR_400},
    description="已公示的抽查结果（未审核、未公示的不返回），最新公示的在前。可按统一社会信用代码 uscc（无效代码返回 400）、"
    "计划 plan（ID）和公示日期 since（公示日期不早于该日，YYYY-MM-DD）筛选。",
)
class InspectionResultListView(generics.ListAPIView):
    """Published results, newest publication first."""

    required_scope = Scope.INSPECTIONS_READ
    serializer_class = InspectionResultSerializer
    filterset_class = InspectionResultFilter

    def get_queryset(self):
        # Tasks are keyed by USCC without a join constraint: the name comes by subquery.
        name = MarketEntity.objects.filter(uscc=OuterRef("task__entity_id")).values("name")[:1]
        return selectors.public_results().annotate(entity_name=Subquery(name)).order_by("-published_at", "-id")
