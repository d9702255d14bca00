"""Output shapes of the open API (/api/open/v1/, issue 15 §1): public facts only, built so they cannot leak.

- Every serializer here is a plain ``Serializer`` with each field declared by name: no ``ModelSerializer``,
  no ``fields = "__all__"``, no nested model serializer that would grow when a model gains a column.
- They are fed only by the public selectors (``credit.selectors``, ``enforcement.selectors``,
  ``inspections.selectors``, ``supervision.selectors``) through ``opendata.api.open_views`` and
  ``open_profile``; nothing else in the code base uses them, and they use nothing else's serializers.
- ``tests/api/test_open_api_allowlist.py`` walks every key of every answer against an allow-list.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credit.choices import PenaltyType
from inspections.choices import ResultCategory


class LabelsField(serializers.ListField):
    """Codes (an array column) as their Chinese labels, in the same order."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)

    def to_representation(self, data):
        return [str(self.labels.get(code, code)) for code in data or []]


# --- small shared shapes --------------------------------------------------------------------------


class OpenGradeSerializer(serializers.Serializer):
    """API.md fixed codes; label and colour from the model version that gave the grade."""

    # Plain strings in the schema: an enum here would share the keyed API's Grade enum under two names.
    code = serializers.CharField(help_text="GOOD|WARNING|DISHONEST|SERIOUSLY_DISHONEST")
    label = serializers.CharField(help_text="良好|警示|失信|严重失信")
    colour = serializers.CharField(help_text="green|yellow|red|black")


class OpenDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="部门代码，如 ZZSJ")
    name = serializers.CharField()


class OpenAuthoritySerializer(OpenDepartmentSerializer):
    uscc = serializers.CharField(help_text="机关的统一社会信用代码")


# --- entities -----------------------------------------------------------------------------------


class OpenEntitySerializer(serializers.Serializer):
    """A search hit: what the public search page lists."""

    uscc = serializers.CharField()
    name = serializers.CharField()
    entity_type = serializers.CharField()
    entity_type_label = serializers.CharField(source="get_entity_type_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


class OpenEntityBaseSerializer(OpenEntitySerializer):
    """Base data as the entity page shows it (never ID or phone numbers: DOMAIN §5)."""

    legal_representative = serializers.CharField(help_text="法定代表人（负责人、经营者）")
    registered_address = serializers.CharField(help_text="住所（经营场所）")
    established_on = serializers.DateField(allow_null=True)
    registered_capital = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, help_text="注册资本（万元）"
    )
    region_code = serializers.CharField(help_text="行政区划代码")
    industry_code = serializers.CharField(help_text="行业代码（GB/T 4754）")


class OpenReasonSerializer(serializers.Serializer):
    level = serializers.CharField(allow_null=True, help_text="该理由对应的等级代码")
    label = serializers.CharField(help_text="该等级的名称")
    colour = serializers.CharField(help_text="该等级的颜色代码")
    text = serializers.CharField(help_text="为什么是这个等级（中文）")


class OpenCreditSerializer(serializers.Serializer):
    grade = OpenGradeSerializer()
    score = serializers.IntegerField(help_text="0–1000，只用于同一等级内排序")
    reasons = OpenReasonSerializer(many=True)
    improves_on = serializers.DateField(
        allow_null=True, help_text="若无新的失信信息，自该日起按其余信息重新评价；名单在列期间为 null"
    )
    changed_at = serializers.DateTimeField(help_text="该等级自何时起")
    model_version = serializers.IntegerField(help_text="评价模型版本号")


class OpenHistoryPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    grade = OpenGradeSerializer()
    score = serializers.IntegerField()


class OpenComplaintCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="近12个月经核实的投诉举报件数（只有件数）")
    since = serializers.DateField(help_text="统计起始日")


class OpenRecordSerializer(serializers.Serializer):
    """A credit record as the entity page shows it (credit.selectors.public_records)."""

    id = serializers.IntegerField()
    source_ref = serializers.CharField(help_text="文号（编号）")
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    polarity = serializers.CharField()
    polarity_label = serializers.CharField(source="get_polarity_display")
    severity = serializers.CharField(help_text="轻微 minor、一般 general、严重 serious；非负面信息为空")
    severity_label = serializers.CharField(source="get_severity_display")
    title = serializers.CharField()
    content = serializers.CharField()
    decided_on = serializers.DateField()
    legal_basis = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="元")
    publicity_ends_on = serializers.DateField(help_text="公示截止日期")
    department = serializers.CharField(source="department.name", help_text="认定部门")
    under_objection = serializers.BooleanField(help_text="异议处理中")


class OpenEntityListEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    list_type = serializers.CharField()
    list_type_label = serializers.CharField(source="get_list_type_display")
    ground = serializers.CharField()
    ground_label = serializers.CharField(source="get_ground_display")
    legal_basis = serializers.CharField()
    decision_no = serializers.CharField()
    decided_on = serializers.DateField()
    listed_on = serializers.DateField()
    department = serializers.CharField(source="department.name", help_text="作出决定部门")
    under_objection = serializers.BooleanField(help_text="异议处理中")


class OpenCommitmentSerializer(serializers.Serializer):
    tracking_no = serializers.CharField(help_text="承诺编号")
    commitment_type = serializers.CharField()
    commitment_type_label = serializers.CharField(source="get_commitment_type_display")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    department = serializers.CharField(source="department.name", help_text="受理部门")
    matter = serializers.CharField()
    content = serializers.CharField()
    made_on = serializers.DateField()
    due_on = serializers.DateField()
    resolved_on = serializers.DateField(allow_null=True)


class OpenPenaltySerializer(serializers.Serializer):
    """A published penalty summary as /penalties/ lists it (enforcement.selectors.LIST_FIELDS)."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="行政处罚决定书文号")
    uscc = serializers.CharField(source="entity_id", allow_null=True)
    party_name = serializers.CharField()
    violation_type = serializers.CharField()
    penalty_types = serializers.ListField(child=serializers.CharField())
    penalty_type_labels = LabelsField(PenaltyType.choices, source="penalty_types")
    fine_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="元")
    confiscation_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="元")
    decided_on = serializers.DateField()
    publicity_ends_on = serializers.DateField(allow_null=True)
    department = OpenDepartmentSerializer(help_text="处罚机关")


class OpenPenaltyDetailSerializer(OpenPenaltySerializer):
    """One summary with the DOMAIN §5 fields, as its public page shows it."""

    state = serializers.CharField(help_text="published")
    legal_representative = serializers.CharField()
    facts = serializers.CharField(help_text="违法事实（已脱敏）")
    legal_basis = serializers.CharField()
    penalty_content = serializers.CharField()
    period_basis = serializers.CharField(help_text="公示期限依据")
    published_at = serializers.DateTimeField(allow_null=True)
    department = OpenAuthoritySerializer(help_text="处罚机关")
    exposure_note = serializers.SerializerMethodField(help_text="曝光台案例评析；未列入曝光台为 null")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_exposure_note(self, obj):
        return obj.featured_note if obj.featured and obj.featured_note else None


class OpenPenaltyWithdrawnSerializer(serializers.Serializer):
    """A withdrawn summary: what was withdrawn and why, never its facts."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    uscc = serializers.CharField(source="entity_id", allow_null=True)
    party_name = serializers.CharField()
    decided_on = serializers.DateField()
    state = serializers.CharField(help_text="withdrawn")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.CharField()
    department = OpenAuthoritySerializer(help_text="处罚机关")


class OpenPlanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OpenResultSerializer(serializers.Serializer):
    """A published inspection result (inspections.selectors.public_results)."""

    id = serializers.IntegerField()
    plan = OpenPlanRefSerializer(source="task.plan")
    uscc = serializers.CharField(source="task.entity_id")
    entity_name = serializers.CharField(allow_null=True)
    department = serializers.CharField(source="department.name", help_text="检查部门")
    categories = serializers.ListField(child=serializers.CharField())
    category_labels = LabelsField(ResultCategory.choices, source="categories")
    findings = serializers.CharField(help_text="检查情况")
    inspected_on = serializers.DateField()
    out_of_window_reason = serializers.CharField(help_text="超出计划检查期间的原因；无则为空")
    published_at = serializers.DateTimeField()


class OpenReportRowSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="字段代码")
    label = serializers.CharField()
    text = serializers.CharField(required=False, help_text="单项内容")
    list = serializers.ListField(child=serializers.CharField(), required=False, help_text="多项内容")


class OpenReportChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class OpenReportCorrectionSerializer(serializers.Serializer):
    on = serializers.DateField()
    changes = OpenReportChangeSerializer(many=True)


class OpenAnnualReportSerializer(serializers.Serializer):
    """The public part of an annual report (企业信息公示暂行条例 第九条), as the entity page shows it."""

    year = serializers.IntegerField()
    kind = serializers.CharField(help_text="报告种类")
    filed_on = serializers.DateField()
    late = serializers.BooleanField()
    figures_public = serializers.BooleanField(help_text="企业是否选择公示资产状况等第（七）项信息")
    rows = OpenReportRowSerializer(many=True)
    corrections = OpenReportCorrectionSerializer(many=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A row is either text or a list (supervision.annual_reports.public_view): no empty key for the other.
        data["rows"] = [{k: v for k, v in row.items() if v is not None} for row in data["rows"]]
        return data


class OpenDeclarationSerializer(serializers.Serializer):
    """企业自主填报信息: the entity's own word, unverified and never graded (issue 14 §3)."""

    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    issuer = serializers.CharField()
    standard_no = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    description = serializers.CharField()


class OpenEntityProfileSerializer(serializers.Serializer):
    """Everything the public entity page shows, and nothing it hides."""

    entity = OpenEntityBaseSerializer()
    credit = OpenCreditSerializer(allow_null=True, help_text="公共信用综合评价；尚未评价为 null")
    verified_complaints = OpenComplaintCountSerializer(help_text="消费投诉公示")
    records = OpenRecordSerializer(many=True, help_text="公示中的信用信息（不含其他行政行为）")
    other_acts = OpenRecordSerializer(
        many=True, help_text="其他行政行为（行政强制、确认、征收、给付、裁决、补偿、奖励）"
    )
    list_entries = OpenEntityListEntrySerializer(many=True, help_text="在列的名单记录")
    commitments = OpenCommitmentSerializer(many=True, help_text="信用承诺")
    penalties = OpenPenaltySerializer(many=True, help_text="公示期内的行政处罚（至多 50 条，最新在前）")
    penalties_more = serializers.BooleanField(help_text="还有更多行政处罚：见 penalties/?uscc=")
    inspection_results = OpenResultSerializer(many=True, help_text="已公示的双随机抽查结果（至多 50 条）")
    annual_reports = OpenAnnualReportSerializer(many=True, help_text="年度报告的公示部分（最近 5 年）")
    grade_history = OpenHistoryPointSerializer(many=True, help_text="信用等级变化（最近 120 次）")
    declarations = OpenDeclarationSerializer(many=True, help_text="企业自主填报信息：未经核实，不影响信用等级")


# --- lists and acts -------------------------------------------------------------------------------


class OpenListSerializer(serializers.Serializer):
    list_type = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="当前在列的主体数")


class OpenListEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField(source="entity_id")
    name = serializers.CharField(source="entity_name", allow_null=True, help_text="市场主体名称")
    list_type = serializers.CharField()
    list_type_label = serializers.CharField(source="get_list_type_display")
    ground = serializers.CharField()
    ground_label = serializers.CharField(source="get_ground_display")
    legal_basis = serializers.CharField()
    decision_no = serializers.CharField()
    decided_on = serializers.DateField()
    listed_on = serializers.DateField()
    department = serializers.CharField(source="department.name", help_text="作出决定部门")


class OpenActSerializer(serializers.Serializer):
    """An administrative act as /acts/ lists it (credit.selectors.public_acts)."""

    id = serializers.IntegerField()
    uscc = serializers.CharField(source="entity_id")
    party_name = serializers.CharField(source="entity_name", allow_null=True, help_text="行政相对人（名录库名称）")
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    title = serializers.CharField()
    source_ref = serializers.CharField(help_text="文号（编号）")
    department = OpenDepartmentSerializer(help_text="实施机关")
    decided_on = serializers.DateField()
    legal_basis = serializers.CharField()
    publicity_ends_on = serializers.DateField()


# --- inspection plans and draws -------------------------------------------------------------------


class OpenPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    is_public_info_check = serializers.BooleanField(help_text="公示信息抽查")
    lead_department = OpenDepartmentSerializer()
    departments = serializers.SerializerMethodField(help_text="参与部门（不含牵头部门）")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    approved_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenDepartmentSerializer(many=True))
    def get_departments(self, obj):
        others = sorted((d for d in obj.departments.all() if d.pk != obj.lead_department_id), key=lambda d: d.code)
        return OpenDepartmentSerializer(others, many=True).data


class OpenPlanItemSerializer(serializers.Serializer):
    name = serializers.CharField(source="item_version.item.name")
    department = serializers.CharField(source="department.name", help_text="实施部门")
    method = serializers.CharField(source="item_version.method")
    method_label = serializers.CharField(source="item_version.get_method_display")
    legal_basis = serializers.CharField(source="item_version.legal_basis", help_text="设定依据")
    is_key = serializers.BooleanField(source="item_version.is_key", help_text="重点监管，全覆盖")


class OpenRatioSerializer(serializers.Serializer):
    stratum = serializers.CharField()
    ratio = serializers.CharField(help_text="精确小数")


class OpenDrawCommitmentSerializer(serializers.Serializer):
    """A v2 commitment as the public sees it: never the seed share, nor the population file."""

    id = serializers.IntegerField()
    committed_at = serializers.DateTimeField()
    seed_share_sha256 = serializers.CharField(help_text="种子份额承诺值（SHA-256）")
    population_sha256 = serializers.CharField()
    population_size = serializers.IntegerField()
    public_value_source = serializers.CharField()
    public_value_date = serializers.DateField(allow_null=True)
    public_value = serializers.CharField(help_text="公开随机数（录入前为空）")
    public_value_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    withdrawn = serializers.BooleanField()


class OpenStratumSerializer(serializers.Serializer):
    stratum = serializers.CharField()
    size = serializers.IntegerField()
    ratio = serializers.CharField()
    selected = serializers.IntegerField()


class OpenSupersededBySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    drawn_at = serializers.DateTimeField()


class OpenSelectedSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField(allow_blank=True)


class OpenDrawSerializer(serializers.Serializer):
    """A draw as the public plan page shows it (API.md "Draws"): a v1 draw with its seed and per-class
    counts; a v2 draw with its commitment and public value, and no ``seed``, ``seed_share`` or ``strata``."""

    id = serializers.IntegerField()
    algorithm = serializers.CharField()
    seed = serializers.CharField(required=False, help_text="仅 v1：随机种子")
    strata = OpenStratumSerializer(many=True, required=False, help_text="仅 v1：各风险分类的主体数、比例和抽中数")
    commitment = OpenDrawCommitmentSerializer(allow_null=True, help_text="仅 v2：摇号承诺；v1 为 null")
    population_sha256 = serializers.CharField()
    population_size = serializers.IntegerField()
    selected_count = serializers.IntegerField()
    key_supervision = serializers.BooleanField()
    key_coverage_size = serializers.IntegerField(help_text="重点监管全覆盖的主体数（不经摇号）")
    reason = serializers.CharField()
    drawn_at = serializers.DateTimeField()
    superseded = serializers.BooleanField(help_text="已重新摇号")
    superseded_by = OpenSupersededBySerializer(allow_null=True)
    selected = OpenSelectedSerializer(many=True, help_text="抽中的市场主体（按代码排序的前 100 户）")
    selection_url = serializers.CharField(help_text="全部抽中主体（分页）")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance["v2"]:  # DOMAIN §4: with the seed, strata identified high-risk entities
            data.pop("seed", None)
            data.pop("strata", None)
        return data


class OpenPlanDetailSerializer(OpenPlanSerializer):
    description = serializers.CharField()
    items = OpenPlanItemSerializer(many=True, source="public_items")
    ratios = OpenRatioSerializer(many=True, source="public_ratios", help_text="各风险分类的抽查比例；v2 计划为空")
    commitments = OpenDrawCommitmentSerializer(many=True, source="public_commitments")
    draws = OpenDrawSerializer(many=True, source="public_draws", help_text="摇号记录，最新的在前")
