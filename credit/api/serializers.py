"""Output shapes of the credit API (API.md). Writes go through services, never ``serializer.save()``."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Moved to core.api.filings; re-exported until every site imports them there.
from core.api.filings import ApiErrorSerializer as CreditApiErrorSerializer  # noqa: F401
from core.api.filings import FilingCreatedSerializer, FilingStatusSerializer  # noqa: F401
from core.forms import validate_phone
from credit import selectors
from credit.choices import Colour, Grade, ListType, MeasureKind, Polarity, RecordCategory, RiskClass, Severity
from credit.evaluation import grade_display
from credit.models import CreditRecord, GradeHistory, ListEntry
from credit.record_links import TOKEN_MAX_LENGTH
from supervision import annual_reports
from supervision.api.serializers import EntityDetailSerializer, EntityListSerializer

# --- small shared shapes ------------------------------------------------------------------------


class GradeSerializer(serializers.Serializer):
    """API.md fixed codes; label and colour come from the model version that gave the grade."""

    code = serializers.ChoiceField(choices=Grade.choices, help_text="GOOD|WARNING|DISHONEST|SERIOUSLY_DISHONEST")
    label = serializers.CharField(help_text="良好|警示|失信|严重失信")
    colour = serializers.ChoiceField(choices=Colour.choices, help_text="green|yellow|red|black")


class RiskClassSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=RiskClass.choices)
    label = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="该理由对应的等级代码")
    text = serializers.CharField()
    until = serializers.DateField(
        allow_null=True, help_text="该事实影响等级至此日期；名单记录为 null（移出前一直有效）"
    )


class CategoryCountSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=RecordCategory.choices)
    category_label = serializers.CharField()
    count = serializers.IntegerField()


def grade_of(credit) -> dict | None:
    return grade_display(credit.model, credit.grade) if credit is not None else None


def credit_of(entity):
    """The entity's current evaluation, or None when it has not been graded yet."""
    return getattr(entity, "credit", None)


# --- entities -----------------------------------------------------------------------------------


class CreditEntityListSerializer(EntityListSerializer):
    grade = serializers.SerializerMethodField()

    class Meta(EntityListSerializer.Meta):
        fields = (*EntityListSerializer.Meta.fields, "grade")

    @extend_schema_field(GradeSerializer(allow_null=True))
    def get_grade(self, obj):
        return grade_of(credit_of(obj))


class EntityListEntrySerializer(serializers.ModelSerializer):
    list_type_label = serializers.CharField(source="get_list_type_display", read_only=True)
    ground_label = serializers.CharField(source="get_ground_display", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ListEntry
        fields = (
            "id",
            "list_type",
            "list_type_label",
            "ground",
            "ground_label",
            "legal_basis",
            "department",
            "decided_on",
            "listed_on",
        )


class AnnualReportStatusSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="报告年度")
    filed_at = serializers.DateTimeField(allow_null=True, help_text="报送时间；未报送为 null")
    late = serializers.BooleanField(help_text="6月30日后补报，或已逾期未报送")
    state = serializers.ChoiceField(
        choices=list(annual_reports.FilingState.LABELS.items()),
        help_text="filed 已按期报送、filed_late 逾期补报、due 待报送、overdue 逾期未报送、not_open 未到报送期",
    )


class CreditEntityDetailSerializer(EntityDetailSerializer):
    """Base data, the current grade with its reasons, the internal risk class (credit:read clients
    only: this endpoint requires that scope), active list entries and public record counts."""

    grade = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    reason_items = serializers.SerializerMethodField()
    improves_on = serializers.SerializerMethodField()
    model_version = serializers.SerializerMethodField()
    grade_changed_at = serializers.SerializerMethodField()
    risk_class = serializers.SerializerMethodField()
    list_entries = serializers.SerializerMethodField()
    public_record_counts = serializers.SerializerMethodField()
    verified_complaint_count = serializers.SerializerMethodField()
    annual_reports = serializers.SerializerMethodField()

    class Meta(EntityDetailSerializer.Meta):
        fields = (
            *EntityDetailSerializer.Meta.fields,
            "grade",
            "score",
            "reasons",
            "reason_items",
            "improves_on",
            "model_version",
            "grade_changed_at",
            "risk_class",
            "list_entries",
            "public_record_counts",
            "verified_complaint_count",
            "annual_reports",
        )

    @extend_schema_field(GradeSerializer(allow_null=True))
    def get_grade(self, obj):
        return grade_of(credit_of(obj))

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="0–1000，用于同一等级内排序"))
    def get_score(self, obj):
        credit = credit_of(obj)
        return credit.score if credit else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="为什么是这个颜色（中文）"))
    def get_reasons(self, obj):
        credit = credit_of(obj)
        return [r.get("text", "") for r in credit.reasons] if credit else []

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reason_items(self, obj):
        credit = credit_of(obj)
        return (
            [{"level": r.get("level"), "text": r.get("text", ""), "until": r.get("until")} for r in credit.reasons]
            if credit
            else []
        )

    @extend_schema_field(
        serializers.DateField(
            allow_null=True, help_text="现有失信、警示信息全部到期、等级可改善的日期；名单在列期间为 null"
        )
    )
    def get_improves_on(self, obj):
        credit = credit_of(obj)
        return credit.improves_on if credit else None

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="给出该等级的评价模型版本号"))
    def get_model_version(self, obj):
        credit = credit_of(obj)
        return credit.model.version if credit else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_grade_changed_at(self, obj):
        credit = credit_of(obj)
        return serializers.DateTimeField().to_representation(credit.changed_at) if credit else None

    @extend_schema_field(RiskClassSerializer(allow_null=True))
    def get_risk_class(self, obj):
        # Internal (SAMR 国市监信发〔2022〕6号): only this credit:read endpoint shows it, never a public page.
        credit = credit_of(obj)
        return {"code": credit.risk_class, "label": credit.get_risk_class_display()} if credit else None

    @extend_schema_field(EntityListEntrySerializer(many=True))
    def get_list_entries(self, obj):
        entries = selectors.active_list_entries().filter(entity_id=obj.uscc).order_by("listed_on", "id")
        return EntityListEntrySerializer(entries, many=True).data

    @extend_schema_field(CategoryCountSerializer(many=True))
    def get_public_record_counts(self, obj):

        counts = dict(
            selectors.public_records()
            .filter(entity_id=obj.uscc)
            .order_by()
            .values_list("category")
            .annotate(n=Count("id"))
        )
        return [
            {"category": code, "category_label": str(label), "count": counts[code]}
            for code, label in RecordCategory.choices
            if counts.get(code)
        ]

    @extend_schema_field(
        serializers.IntegerField(help_text="近12个月经核实的投诉举报件数（消费投诉公示，只有件数，不含投诉举报人信息）")
    )
    def get_verified_complaint_count(self, obj):
        return selectors.verified_complaint_count(obj.uscc)

    @extend_schema_field(AnnualReportStatusSerializer(many=True))
    def get_annual_reports(self, obj):
        # Issue 14 §4: the filing status of the last years' annual reports (企业年度报告), no content.
        return AnnualReportStatusSerializer(annual_reports.filing_status(obj), many=True).data


# --- records, history, lists --------------------------------------------------------------------


class CreditRecordSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    polarity_label = serializers.CharField(source="get_polarity_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, help_text="来源部门")

    class Meta:
        model = CreditRecord
        fields = (
            "id",
            "source_ref",
            "category",
            "category_label",
            "polarity",
            "polarity_label",
            "severity",
            "severity_label",
            "title",
            "content",
            "decided_on",
            "legal_basis",
            "amount",
            "department",
            "publicity_ends_on",
            "state",
            "state_label",
        )
        read_only_fields = fields


class GradeHistorySerializer(serializers.ModelSerializer):
    grade = serializers.SerializerMethodField()
    model_version = serializers.IntegerField(source="model.version", read_only=True)

    class Meta:
        model = GradeHistory
        fields = ("grade", "score", "changed_at", "model_version")
        read_only_fields = fields

    @extend_schema_field(GradeSerializer)
    def get_grade(self, obj):
        return grade_display(obj.model, obj.grade)


class ListEntrySerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="entity_id", read_only=True)
    name = serializers.CharField(source="entity_name", read_only=True, allow_null=True, help_text="市场主体名称")
    list_type_label = serializers.CharField(source="get_list_type_display", read_only=True)
    ground_label = serializers.CharField(source="get_ground_display", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, help_text="作出决定部门")
    removal_reason_label = serializers.CharField(source="get_removal_reason_display", read_only=True)

    class Meta:
        model = ListEntry
        fields = (
            "id",
            "uscc",
            "name",
            "list_type",
            "list_type_label",
            "ground",
            "ground_label",
            "legal_basis",
            "department",
            "decision_no",
            "notice_on",
            "decided_on",
            "listed_on",
            "removed_on",
            "removal_reason",
            "removal_reason_label",
        )
        read_only_fields = fields


# --- credit checks (逢办必查) and record pushes: request and response documentation --------------


class CheckListSerializer(serializers.Serializer):
    list_type = serializers.ChoiceField(choices=ListType.choices)
    since = serializers.DateField()
    reason = serializers.CharField()


class CheckMeasureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    legal_basis = serializers.CharField()
    department = serializers.CharField(help_text="实施部门")


class CheckItemSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    found = serializers.BooleanField(help_text="名录库中是否有该主体")
    name = serializers.CharField(allow_null=True)
    grade = GradeSerializer(allow_null=True)
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="等级理由（中文），与主体档案的 reasons 相同；不在名录库时为空"
    )
    reason_items = ReasonSerializer(
        many=True, help_text="等级理由及其对应等级、影响期限，与主体档案的 reason_items 相同"
    )
    lists = CheckListSerializer(many=True)
    measures = CheckMeasureSerializer(many=True)


class CreditCheckInputSerializer(serializers.Serializer):
    usccs = serializers.ListField(
        child=serializers.CharField(), min_length=1, max_length=1000, help_text="1 至 1000 个统一社会信用代码"
    )
    purpose = serializers.CharField(max_length=200, help_text="办理事项（记入查询日志），如“政府采购”")


class CreditCheckResultSerializer(serializers.Serializer):
    checked_at = serializers.DateTimeField()
    results = CheckItemSerializer(many=True, help_text="与请求顺序一致")


class CreditRecordInputSerializer(serializers.Serializer):
    """One pushed record (API.md). Validation is done by ``credit.services.clean_records``."""

    source_ref = serializers.CharField(max_length=100, help_text="来源编号（部门内唯一，重复推送即更新）")
    uscc = serializers.CharField()
    category = serializers.ChoiceField(choices=RecordCategory.choices)
    polarity = serializers.ChoiceField(choices=Polarity.choices)
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_blank=True, help_text="负面信息必填"
    )
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True)
    decided_on = serializers.DateField()
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, help_text='元，如 "50000.00"'
    )
    restriction_ends_on = serializers.DateField(
        required=False, allow_null=True, help_text="限制期限届满日（长于公示期时公示至此日）"
    )


class CreditRecordPushInputSerializer(serializers.Serializer):
    records = CreditRecordInputSerializer(many=True, help_text="至多 5000 条；全部有效才保存")


class CreditRecordPushResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="新建的记录数")
    updated = serializers.IntegerField(help_text="内容有变化而更新的记录数")
    unchanged = serializers.IntegerField(help_text="与已存记录完全相同、未作改动的记录数；三者之和等于本批条数")


# --- public filings: objections and repair applications (API.md "Public filings") ----------------

MAX_ID = 2**63 - 1


def _required(name: str, label: str) -> dict:
    return {
        "required": f"{name}（{label}）为必填项",
        "null": f"{name}（{label}）不能为空",
        "blank": f"{name}（{label}）不能为空",
    }


class PublicFilingInputSerializer(serializers.Serializer):
    """Applicant and confidential contact details; extra fields are ignored (API.md)."""

    applicant_name = serializers.CharField(
        max_length=100, error_messages=_required("applicant_name", "申请人"), help_text="申请人（企业名称或经办人姓名）"
    )
    contact_phone = serializers.CharField(
        max_length=32,
        validators=[validate_phone],
        error_messages=_required("contact_phone", "联系电话"),
        help_text="联系电话（保密：任何公开页面和接口都不返回）",
    )
    contact_email = serializers.EmailField(
        max_length=100, required=False, allow_blank=True, help_text="电子邮箱（选填，保密）"
    )
    reason = serializers.CharField(max_length=5000, error_messages=_required("reason", "理由"))


def record_token_field():
    # Issue 12 §3: any record about the entity, published or not, through the party's link (credit.record_links).
    return serializers.CharField(
        required=False,
        max_length=TOKEN_MAX_LENGTH,
        help_text="当事人告知链接中的 record_token（选填）：对依规不予公示的记录办理时使用，可代替 record_id",
    )


class ObjectionInputSerializer(PublicFilingInputSerializer):
    record_id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="异议所针对的信用记录 id（与 list_entry_id 二选一）"
    )
    list_entry_id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="异议所针对的名单记录 id（与 record_id 二选一）"
    )
    record_token = record_token_field()

    def validate(self, attrs):
        if ("record_id" in attrs or "record_token" in attrs) == ("list_entry_id" in attrs):
            raise serializers.ValidationError(
                {
                    "record_id": "须指明异议所针对的一条信用记录（record_id）或一条名单记录（list_entry_id），二者只能填一项"
                }
            )
        return attrs


class RepairApplicationInputSerializer(PublicFilingInputSerializer):
    record_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages=_required("record_id", "信用记录 id"),
        help_text="申请修复的信用记录 id（提供 record_token 时可不填）",
    )
    record_token = record_token_field()
    commitment_accepted = serializers.BooleanField(
        error_messages=_required("commitment_accepted", "信用修复承诺"),
        help_text="须为 true：同意作出信用修复承诺（公开）",
    )
    reason = serializers.CharField(
        max_length=5000, error_messages=_required("reason", "申请理由"), help_text="履行义务、纠正失信行为的情况"
    )

    def validate_commitment_accepted(self, value):
        if value is not True:
            raise serializers.ValidationError("申请信用修复须作出信用修复承诺（commitment_accepted 须为 true）")
        return value

    def validate(self, attrs):
        if "record_id" not in attrs and "record_token" not in attrs:
            raise serializers.ValidationError({"record_id": _required("record_id", "信用记录 id")["required"]})
        return attrs
