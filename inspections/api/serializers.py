"""Output shapes of the inspections API (API.md). Read-only: every write goes through a service."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections.choices import PlanState, ResultCategory
from inspections.models import Draw, InspectionPlan, InspectionResult, PlanItem
from supervision.choices import InspectionMethod
from supervision.models import Department


class ApiErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField(help_text="中文说明")
    attr = serializers.CharField(allow_null=True)


class InspectionApiErrorSerializer(serializers.Serializer):
    """The one error shape (API.md)."""

    type = serializers.ChoiceField(choices=["validation_error", "client_error", "server_error"])
    errors = ApiErrorItemSerializer(many=True)


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ("code", "name")


class PlanItemSerializer(serializers.ModelSerializer):
    """An item of the plan in the version that applies: its name, department, legal basis and method."""

    catalogue_code = serializers.CharField(source="item_version.item.catalogue_code", read_only=True)
    name = serializers.CharField(source="item_version.item.name", read_only=True)
    version = serializers.IntegerField(source="item_version.version", read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    legal_basis = serializers.CharField(source="item_version.legal_basis", read_only=True)
    method = serializers.ChoiceField(source="item_version.method", choices=InspectionMethod.choices, read_only=True)
    method_label = serializers.CharField(source="item_version.get_method_display", read_only=True)
    is_key = serializers.BooleanField(
        source="item_version.is_key", read_only=True, help_text="重点监管：范围内主体全覆盖，不抽样"
    )

    class Meta:
        model = PlanItem
        fields = ("catalogue_code", "name", "version", "department", "legal_basis", "method", "method_label", "is_key")


class RatiosSerializer(serializers.Serializer):
    A = serializers.DecimalField(max_digits=5, decimal_places=4)
    B = serializers.DecimalField(max_digits=5, decimal_places=4)
    C = serializers.DecimalField(max_digits=5, decimal_places=4)
    D = serializers.DecimalField(max_digits=5, decimal_places=4)


class InspectionPlanListSerializer(serializers.ModelSerializer):
    lead_department = DepartmentRefSerializer(read_only=True)
    departments = serializers.SerializerMethodField(help_text="参与部门（不含牵头部门）")
    state = serializers.CharField(read_only=True, help_text="|".join(PlanState.values))
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = InspectionPlan
        fields = (
            "id",
            "name",
            "year",
            "lead_department",
            "departments",
            "state",
            "state_label",
            "starts_on",
            "ends_on",
            "is_public_info_check",
        )

    @extend_schema_field(DepartmentRefSerializer(many=True))
    def get_departments(self, obj):
        others = sorted((d for d in obj.departments.all() if d.pk != obj.lead_department_id), key=lambda d: d.code)
        return DepartmentRefSerializer(others, many=True).data


class StratumSerializer(serializers.Serializer):
    stratum = serializers.CharField(help_text="风险分类 A–D")
    size = serializers.IntegerField()
    ratio = serializers.CharField(help_text="抽查比例（精确小数）")
    selected = serializers.IntegerField()


class SelectedSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    stratum = serializers.CharField()


class CoveredSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    catalogue_code = serializers.CharField(help_text="重点监管事项编码")


class DrawSerializer(serializers.ModelSerializer):
    """A draw exactly as API.md: enough, with the population file, to recompute ``selected``."""

    population_url = serializers.SerializerMethodField()
    strata = serializers.SerializerMethodField()
    selected = serializers.SerializerMethodField()
    # hmac-sha256-v2 only (API.md, additive): the commitment, the share behind it and the public value.
    seed_share = serializers.CharField(
        source="commitment.seed_share", read_only=True, required=False, help_text="仅 v2：种子份额（64 位十六进制）"
    )
    seed_share_sha256 = serializers.CharField(
        source="commitment.seed_share_sha256",
        read_only=True,
        required=False,
        help_text="仅 v2：种子份额承诺值，审批时公布",
    )
    public_value = serializers.CharField(
        source="commitment.public_value", read_only=True, required=False, help_text="仅 v2：录入的公开随机数原文"
    )
    public_value_source = serializers.CharField(
        source="commitment.public_value_source",
        read_only=True,
        required=False,
        help_text="仅 v2：公开随机数来源（如指定日期的彩票开奖号码）",
    )

    # Issue 12 §5 (additive): key items cover their scope without sampling, recorded beside the draw.
    key_coverage = serializers.SerializerMethodField(help_text="仅含重点监管事项的计划：全覆盖的主体和事项")
    key_coverage_sha256 = serializers.CharField(
        read_only=True,
        help_text="重点监管全覆盖名单文件（每行“统一社会信用代码,事项编码”）的 SHA-256；无重点监管事项时为空",
    )
    key_coverage_size = serializers.IntegerField(read_only=True, help_text="重点监管全覆盖的主体数（不经摇号）")

    KEY_FIELDS = ("key_coverage", "key_coverage_sha256", "key_coverage_size")
    V2_FIELDS = ("seed_share", "seed_share_sha256", "public_value", "public_value_source")

    class Meta:
        model = Draw
        fields = (
            "id",
            "algorithm",
            "seed",
            "drawn_at",
            "reason",
            "population_sha256",
            "population_url",
            "strata",
            "selected",
            "key_coverage",
            "key_coverage_sha256",
            "key_coverage_size",
            "seed_share",
            "seed_share_sha256",
            "public_value",
            "public_value_source",
        )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.commitment_id is None:  # a v1 draw keeps exactly its v1 shape
            for name in self.V2_FIELDS:
                data.pop(name, None)
        if not instance.key_supervision:  # and a draw without key items keeps its shape too
            for name in self.KEY_FIELDS:
                data.pop(name, None)
        return data

    @extend_schema_field(
        serializers.CharField(help_text="名录文件（需 inspections:read），与计算哈希时的文件逐字节相同")
    )
    def get_population_url(self, obj):
        return reverse("draw-population", kwargs={"id": obj.pk})

    @extend_schema_field(StratumSerializer(many=True))
    def get_strata(self, obj):
        return [
            {"stratum": s["stratum"], "size": s["size"], "ratio": str(s["ratio"]), "selected": s["selected"]}
            for s in obj.strata
        ]

    @extend_schema_field(CoveredSerializer(many=True))
    def get_key_coverage(self, obj):
        """Every entity and key item of the key coverage file, in file order (not part of the random draw)."""
        lines = obj.key_coverage.splitlines()
        return [dict(zip(("uscc", "catalogue_code"), line.split(",", 1), strict=True)) for line in lines]

    @extend_schema_field(SelectedSerializer(many=True))
    def get_selected(self, obj):
        # Prefetched by the view (values only, ordered by USCC).
        return [{"uscc": s.entity_id, "stratum": s.stratum} for s in obj.selections.all()]


class InspectionPlanDetailSerializer(InspectionPlanListSerializer):
    items = PlanItemSerializer(many=True, read_only=True)
    ratios = serializers.SerializerMethodField()
    draws = DrawSerializer(many=True, read_only=True, help_text="摇号记录，最新的在前；重新摇号后原记录保留")

    class Meta(InspectionPlanListSerializer.Meta):
        fields = (
            *InspectionPlanListSerializer.Meta.fields,
            "description",
            "ratios",
            "min_team_size",
            "approved_at",
            "items",
            "draws",
        )

    @extend_schema_field(RatiosSerializer)
    def get_ratios(self, obj):
        return RatiosSerializer(obj.ratios()).data


class InspectionResultSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    plan_name = serializers.CharField(source="task.plan.name", read_only=True)
    uscc = serializers.CharField(source="task.entity_id", read_only=True)
    entity_name = serializers.CharField(read_only=True, allow_null=True, help_text="名录库中的名称")
    department = serializers.CharField(source="department.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=ResultCategory.choices), read_only=True)
    category_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    out_of_window_reason = serializers.CharField(
        read_only=True, help_text="超出计划检查期间的原因，随结果公示（期间内的为空）"
    )

    class Meta:
        model = InspectionResult
        fields = (
            "id",
            "plan",
            "plan_name",
            "uscc",
            "entity_name",
            "department",
            "department_code",
            "categories",
            "category_labels",
            "findings",
            "inspected_on",
            "out_of_window_reason",
            "published_at",
        )
