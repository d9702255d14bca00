"""The rulebook in the open API, /api/open/v1/rules/ (issue 15 §7): departments, items with their
versions and checklists, discretion benchmarks and the joint measures catalogue. No key, throttled per
IP, paged like the rest of the open API (opendata.api.open_views.OpenView). Reads only opendata.rulebook."""

from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.response import Response

from credit.choices import MeasureKind
from opendata import rulebook
from opendata.api import open_rules_serializers as s
from opendata.api.open_views import OpenView, open_schema
from supervision.models import Department

DEPARTMENT_PARAM = OpenApiParameter(
    "department", OpenApiTypes.STR, description="部门代码（如 ZZSJ），见 /api/open/v1/rules/departments/"
)
CODE_PATH = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="部门代码")
ITEM_PATH = OpenApiParameter("catalogue_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="事项编码（14 位）")
KIND_PARAM = OpenApiParameter(
    "kind", OpenApiTypes.STR, enum=[k.value for k in MeasureKind], description="punish（惩戒）或 reward（激励）"
)


class RulesView(OpenView):
    """Versions and benchmarks carry their status on one day, the same for the whole answer."""

    @cached_property
    def day(self):
        return rulebook.today()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "day": self.day}

    def department_filter(self):
        """The ``department`` query parameter as a Department (None when absent); unknown is a 400."""
        code = self.request.query_params.get("department", "").strip()
        if not code:
            return None
        department = rulebook.rule_department(code) if "\x00" not in code else None
        if department is None:
            raise exceptions.ValidationError({"department": [f"没有部门代码为“{code[:32]}”的部门"]})
        return department


@extend_schema_view(
    get=open_schema(
        "rules_departments",
        "公开监管规则的部门（明规矩于前）：部门代码、名称、层级、统一社会信用代码，以及现行或已公布的监管事项、"
        "检查实施清单和自由裁量基准的数量。",
        s.RuleDepartmentSerializer(many=True),
    )
)
class RuleDepartmentListView(RulesView, generics.ListAPIView):
    serializer_class = s.RuleDepartmentSerializer
    cursor_field = "code"
    queryset = Department.objects.none()  # for the schema; the answer is rulebook.rule_departments()

    def get_queryset(self):
        return rulebook.rule_departments(self.day)


@extend_schema_view(
    get=open_schema(
        "rules_department",
        "一个部门的监管规则概况（同部门列表中的一项）；事项、基准请按 department 参数查询。",
        s.RuleDepartmentSerializer,
        parameters=[CODE_PATH],
        not_found=True,
    )
)
class RuleDepartmentDetailView(RulesView):
    serializer_class = s.RuleDepartmentSerializer
    pagination_class = None

    def get(self, request, code):
        department = rulebook.rule_departments(self.day).filter(code=code).first() if "\x00" not in code else None
        if department is None:
            raise exceptions.NotFound("未找到该部门的监管规则")
        return Response(self.get_serializer(department).data)


@extend_schema_view(
    get=open_schema(
        "rules_items",
        "监管事项清单：现行或已公布施行日期的事项，按事项编码排序。每项含全部版本（最新在前；status 为 in_force 现行、"
        "upcoming 已公布尚未施行、ended 已失效；changes 为与上一版相比改变的内容）和检查实施清单（检查要点）。"
        "可按部门 department 筛选。",
        s.RuleItemSerializer(many=True),
        parameters=[DEPARTMENT_PARAM],
    )
)
class RuleItemListView(RulesView, generics.ListAPIView):
    serializer_class = s.RuleItemSerializer
    cursor_field = "catalogue_code"

    def get_queryset(self):
        return rulebook.public_items(self.day, self.department_filter())


@extend_schema_view(
    get=open_schema(
        "rules_item",
        "一个监管事项：全部版本（含已失效的，供查阅当时适用的规则）和检查实施清单。已停止施行的事项 status 为 ended。",
        s.RuleItemSerializer,
        parameters=[ITEM_PATH],
        not_found=True,
    )
)
class RuleItemDetailView(RulesView):
    serializer_class = s.RuleItemSerializer
    pagination_class = None

    def get(self, request, catalogue_code):
        item = rulebook.public_item(catalogue_code) if catalogue_code.isdigit() else None
        if item is None:
            raise exceptions.NotFound("未找到该监管事项")
        return Response(self.get_serializer(item).data)


@extend_schema_view(
    get=open_schema(
        "rules_benchmarks",
        "自由裁量基准：每类违法行为的违法依据、处罚依据和从轻、一般、从重情形的罚款幅度（元，十进制字符串），"
        "现行的和已公布尚未施行的（status=upcoming）。可按部门 department 筛选。",
        s.RuleBenchmarkSerializer(many=True),
        parameters=[DEPARTMENT_PARAM],
    )
)
class RuleBenchmarkListView(RulesView, generics.ListAPIView):
    serializer_class = s.RuleBenchmarkSerializer

    def get_queryset(self):
        return rulebook.public_benchmarks(self.day, self.department_filter())


@extend_schema_view(
    get=open_schema(
        "rules_measures",
        "联合奖惩措施清单：每项措施的适用名单、依据和实施部门。可按 kind（punish 惩戒、reward 激励）筛选。",
        s.RuleMeasureSerializer(many=True),
        parameters=[KIND_PARAM],
    )
)
class RuleMeasureListView(RulesView, generics.ListAPIView):
    serializer_class = s.RuleMeasureSerializer
    cursor_field = "code"

    def get_queryset(self):
        qs = rulebook.public_measures()
        kind = self.request.query_params.get("kind", "").strip()
        if kind:
            if kind not in MeasureKind.values:
                raise exceptions.ValidationError({"kind": ["kind 应为 punish（惩戒）或 reward（激励）"]})
            qs = qs.filter(kind=kind)
        return qs
