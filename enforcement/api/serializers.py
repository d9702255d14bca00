"""Serializers of the enforcement API (API.md): penalties and complaints. One section each."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.forms import validate_phone
from credit.choices import PenaltyType
from enforcement.forms import clean_optional_uscc
from enforcement.models import PenaltyDisclosure
from enforcement.services import HOTLINE_CHANNELS

# --- complaints (投诉举报): API.md "Public filings" ------------------------------------------------


def _complaint_required(name: str, label: str) -> dict:
    return {
        "required": f"{name}（{label}）为必填项",
        "null": f"{name}（{label}）不能为空",
        "blank": f"{name}（{label}）不能为空",
    }


class ComplaintInputSerializer(serializers.Serializer):
    """Required: entity_name, content. The reporter's contacts are optional and confidential; extra fields are ignored."""

    entity_name = serializers.CharField(
        max_length=200,
        error_messages=_complaint_required("entity_name", "被投诉举报对象名称"),
        help_text="被投诉举报对象名称",
    )
    content = serializers.CharField(
        max_length=5000, error_messages=_complaint_required("content", "投诉举报内容"), help_text="投诉举报内容"
    )
    entity_uscc = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="被投诉举报对象的统一社会信用代码（选填，校验位须正确）",
    )
    channel = serializers.ChoiceField(
        choices=[("web", "网站"), ("api", "接口"), ("12345", "12345热线"), ("12315", "12315平台")],
        required=False,
        default="web",
        error_messages={"invalid_choice": "channel（渠道）只能是 web、api、12345 或 12315"},
        help_text="web（默认）或 api。12345、12315 只限具有 complaints:write 权限的热线系统凭密钥报送工单，"
        "须同时填写 external_order_no",
    )
    external_order_no = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="12345/12315 平台的工单号（热线渠道必填）。同一接口客户端重复报送同一工单号，返回首次登记的受理编号，不重复登记",
    )
    kind = serializers.ChoiceField(
        choices=[("complaint", "投诉"), ("report", "举报")],
        required=False,
        default="complaint",
        error_messages={"invalid_choice": "kind（类别）只能是 complaint（投诉）或 report（举报）"},
        help_text="complaint（投诉，默认）或 report（举报）",
    )
    contact_name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="投诉举报人姓名（选填，保密：任何公开页面和接口都不返回）",
    )
    contact_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, validators=[validate_phone], help_text="联系电话（选填，保密）"
    )
    contact_email = serializers.EmailField(
        max_length=100, required=False, allow_blank=True, help_text="电子邮箱（选填，保密）"
    )
    whistleblower = serializers.BooleanField(
        required=False, default=False, help_text="是否为被举报单位内部人员（吹哨人）"
    )

    def validate_entity_uscc(self, value):
        try:
            return clean_optional_uscc(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages[0]) from None

    def validate(self, attrs):
        if attrs.get("channel") in HOTLINE_CHANNELS and not attrs.get("external_order_no", "").strip():
            raise serializers.ValidationError(
                {"external_order_no": "external_order_no（工单号）为必填项：12345/12315 工单须填写平台工单号"}
            )
        return attrs


class ComplaintFiledSerializer(serializers.Serializer):
    """201 of a filing; a hotline work order also echoes its number, and its resend answers 200 without the code."""

    tracking_no = serializers.CharField(help_text="受理编号")
    query_code = serializers.CharField(
        allow_null=True, help_text="查询码（只返回这一次，平台只保存其加密摘要）；重复报送同一工单号时为 null"
    )
    external_order_no = serializers.CharField(required=False, help_text="12345/12315 工单号（仅热线工单返回）")


# --- end complaints --------------------------------------------------------------------------------


# --- disclosure (双公示) ---------------------------------------------------------------------------


class PenaltyTypeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=PenaltyType.choices)
    label = serializers.CharField()


class PenaltySerializer(serializers.ModelSerializer):
    """A published, redacted penalty summary: the DOMAIN §5 fields (never the decision as typed)."""

    uscc = serializers.CharField(
        source="entity_id", read_only=True, allow_null=True, help_text="当事人统一社会信用代码（自然人为空）"
    )
    penalty_types = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.name", read_only=True, help_text="处罚机关")
    department_code = serializers.CharField(source="department.code", read_only=True)
    department_uscc = serializers.CharField(
        source="department.uscc", read_only=True, help_text="处罚机关统一社会信用代码"
    )
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, help_text="罚款金额（元）")
    confiscation_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="没收金额（元）"
    )

    class Meta:
        model = PenaltyDisclosure
        fields = (
            "id",
            "number",
            "party_name",
            "uscc",
            "legal_representative",
            "violation_type",
            "facts",
            "legal_basis",
            "penalty_types",
            "penalty_content",
            "fine_amount",
            "confiscation_amount",
            "decided_on",
            "department",
            "department_code",
            "department_uscc",
            "publicity_ends_on",
            "published_at",
        )

    @extend_schema_field(PenaltyTypeSerializer(many=True))
    def get_penalty_types(self, obj):
        labels = dict(PenaltyType.choices)
        return [{"code": c, "label": str(labels.get(c, c))} for c in obj.penalty_types]


# --- end disclosure -------------------------------------------------------------------------------
