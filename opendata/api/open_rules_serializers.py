"""Serializers of the rulebook in the open API (issue 15 §7). They read only what opendata.rulebook
selects (its PUBLIC_*_FIELDS): never an item version's 责任人, never database ids."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credit.choices import ListType, PenaltyType
from opendata import rulebook
from supervision.choices import DepartmentLevel

STATUS_LABELS = {rulebook.IN_FORCE: "现行", rulebook.UPCOMING: "已公布、尚未施行", rulebook.ENDED: "已失效"}
# Named in the schema as RuleStatusEnum (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
RULE_STATUS_CHOICES = list(STATUS_LABELS.items())


def _day(serializer):
    return serializer.context.get("day") or rulebook.today()


class RuleDepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RuleDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="部门代码，即 /rules/<code>/ 的路径")
    name = serializers.CharField()
    short_name = serializers.CharField()
    level = serializers.ChoiceField(choices=DepartmentLevel.choices)
    level_label = serializers.CharField(source="get_level_display")
    uscc = serializers.CharField(help_text="部门的统一社会信用代码")
    region_code = serializers.CharField()
    item_count = serializers.IntegerField(help_text="现行或已公布的监管事项数")
    checklist_count = serializers.IntegerField(help_text="检查实施清单数")
    benchmark_count = serializers.IntegerField(help_text="现行或已公布的自由裁量基准数")
    url = serializers.SerializerMethodField(help_text="公开页面的路径")

    def get_url(self, obj) -> str:
        return reverse("rules-department", args=[obj.code])


class RuleChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField(allow_null=True, help_text="长文本（依据、标准、流程）为 null，见该版本本身")
    after = serializers.CharField(allow_null=True)


class RuleVersionSerializer(serializers.Serializer):
    """One version of an item, from a ``rulebook.VersionView``."""

    version = serializers.IntegerField(source="version.version")
    status = serializers.ChoiceField(choices=RULE_STATUS_CHOICES, help_text="in_force | upcoming | ended")
    status_label = serializers.SerializerMethodField()
    effective_from = serializers.DateField(source="version.effective_from")
    effective_to = serializers.DateField(source="version.effective_to", allow_null=True)
    object_type = serializers.CharField(source="version.object_type")
    object_type_label = serializers.CharField(source="version.get_object_type_display")
    method = serializers.CharField(source="version.method")
    method_label = serializers.CharField(source="version.get_method_display")
    legal_basis = serializers.CharField(source="version.legal_basis")
    supervision_level = serializers.CharField(source="version.supervision_level")
    supervision_level_label = serializers.CharField(source="version.get_supervision_level_display")
    procedure = serializers.CharField(source="version.procedure")
    standard = serializers.CharField(source="version.standard")
    responsible_unit = serializers.CharField(source="version.responsible_unit")
    is_random = serializers.BooleanField(source="version.is_random")
    is_key = serializers.BooleanField(source="version.is_key", help_text="重点监管：全覆盖检查，不抽样")
    default_ratio = serializers.DecimalField(source="version.default_ratio", max_digits=5, decimal_places=4)
    frequency = serializers.CharField(source="version.frequency")
    frequency_label = serializers.CharField(source="version.get_frequency_display")
    changes = RuleChangeSerializer(many=True, help_text="与上一版相比改变的内容（第一版为空）")

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, obj) -> str:
        return STATUS_LABELS[obj.status]


class RuleChecklistSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="检查实施清单编码：实施部门统一社会信用代码 + 1 位数字")
    name = serializers.CharField()
    content = serializers.CharField(help_text="检查要点")
    method = serializers.CharField()
    method_label = serializers.CharField(source="get_method_display")


class RuleItemSerializer(serializers.Serializer):
    catalogue_code = serializers.CharField(help_text="事项编码（14 位），即 /rules/items/<catalogue_code>/ 的路径")
    name = serializers.CharField()
    parent_code = serializers.SerializerMethodField(help_text="主项的事项编码；主项本身为 null")
    department = RuleDepartmentRefSerializer()
    status = serializers.SerializerMethodField(
        help_text="in_force（有现行版本）| upcoming（仅有已公布、尚未施行的版本）| ended"
    )
    url = serializers.SerializerMethodField(help_text="公开页面的路径")
    versions = serializers.SerializerMethodField(help_text="全部版本，最新在前")
    checklists = RuleChecklistSerializer(many=True, source="public_checklists")

    def get_parent_code(self, obj) -> str | None:
        return obj.parent.catalogue_code if obj.parent_id else None

    def get_status(self, obj) -> str:
        day = _day(self)
        if rulebook.in_force_version(obj, day) is not None:
            return rulebook.IN_FORCE
        return rulebook.UPCOMING if rulebook.upcoming_versions(obj, day) else rulebook.ENDED

    def get_url(self, obj) -> str:
        return reverse("rules-item", args=[obj.catalogue_code])

    @extend_schema_field(RuleVersionSerializer(many=True))
    def get_versions(self, obj) -> list[dict]:
        return RuleVersionSerializer(rulebook.version_views(obj, _day(self)), many=True).data


class RuleFineRangeSerializer(serializers.Serializer):
    min = serializers.DecimalField(max_digits=14, decimal_places=2)
    max = serializers.DecimalField(max_digits=14, decimal_places=2)


class RuleFinesSerializer(serializers.Serializer):
    lighter = RuleFineRangeSerializer(help_text="从轻")
    general = RuleFineRangeSerializer(help_text="一般")
    heavier = RuleFineRangeSerializer(help_text="从重")


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class RuleBenchmarkSerializer(serializers.Serializer):
    department = RuleDepartmentRefSerializer()
    code = serializers.CharField(help_text="基准编号")
    violation_type = serializers.CharField(help_text="违法行为")
    violation_basis = serializers.CharField(help_text="违法依据")
    penalty_basis = serializers.CharField(help_text="处罚依据")
    fines = serializers.SerializerMethodField(help_text="各情形的罚款幅度（元）")
    heavy_penalty_types = serializers.SerializerMethodField(help_text="从重情形可并处的处罚种类")
    status = serializers.SerializerMethodField(help_text="in_force | upcoming")
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)

    @extend_schema_field(RuleFinesSerializer)
    def get_fines(self, obj) -> dict:
        return RuleFinesSerializer(
            {
                circumstance: {"min": getattr(obj, f"{circumstance}_min"), "max": getattr(obj, f"{circumstance}_max")}
                for circumstance in ("lighter", "general", "heavier")
            }
        ).data

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_heavy_penalty_types(self, obj) -> list[dict]:
        labels = dict(PenaltyType.choices)
        return [{"code": t, "label": str(labels.get(t, t))} for t in obj.heavy_penalty_types]

    def get_status(self, obj) -> str:
        return rulebook.status_on(obj.effective_from, obj.effective_to, _day(self))


class RuleMeasureSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="措施代码")
    name = serializers.CharField()
    kind = serializers.CharField(help_text="punish（惩戒）| reward（激励）")
    kind_label = serializers.CharField(source="get_kind_display")
    list_types = serializers.SerializerMethodField(help_text="适用的名单")
    legal_basis = serializers.CharField()
    implementing_department = serializers.CharField(help_text="实施部门")

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_list_types(self, obj) -> list[dict]:
        labels = dict(ListType.choices)
        return [{"code": t, "label": str(labels.get(t, t))} for t in obj.list_types or []]
