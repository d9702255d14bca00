"""Forms of enforcement: the public complaint form and the admin's complaint forms.

The forms check what a person typed; the rules are the services' (``complaint_file`` and the
complaint actions), and their exact reasons are put back on the form. Attachments use credit's
evidence upload (real PDF/JPG/PNG by their leading bytes, at most 5 files of 10 MB).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import uscc as uscc_lib
from core.forms import (
    EMAIL_MAX,
    EVIDENCE_MAX_FILES,
    NAME_MAX,
    PHONE_MAX,
    REASON_MAX_CHARS,
    EvidenceField,
    NoModelValidationMixin,
    TextInput,
    add_service_errors,
    dry_run,
    validate_phone,
)
from enforcement import services
from enforcement.choices import ComplaintChannel, ComplaintKind, ComplaintVerdict
from enforcement.models import ChannelDeadline, Complaint
from supervision.models import Department, Inspector

# --- complaints (投诉举报) ---------------------------------------------------------------------------

ATTACHMENT_HELP = format_lazy(
    _("现场照片、票据、合同等：PDF、JPG 或 PNG，每个不超过 10 MB，最多 {n} 个"), n=EVIDENCE_MAX_FILES
)
# Channels an official enters from the admin: the public ones (web, api) come in by themselves.
ADMIN_ENTRY_CHANNELS = [
    (v, label) for v, label in ComplaintChannel.choices if v not in services.PUBLIC_COMPLAINT_CHANNELS
]
CLOSING_VERDICTS = [(v, label) for v, label in ComplaintVerdict.choices if v != ComplaintVerdict.CONVERTED]


def clean_optional_uscc(value: str) -> str:
    """'' or a valid normalised USCC; a wrong code names what is wrong (e.g. the check character)."""
    code = uscc_lib.normalize(value)
    if not code:
        return ""
    try:
        return uscc_lib.validate_uscc(code)
    except ValidationError:
        # The reason quotes what was typed: passed as a parameter, a typed '%' is never read as a
        # format directive (``exc.messages`` of validate_uscc's error was a 500 on "%d"; hardening).
        raise ValidationError("%(reason)s", code="invalid_uscc", params={"reason": uscc_lib.problems(code)}) from None


class ComplaintForm(forms.Form):
    """投诉举报 from the public site: the entity by name or USCC, the content, optional confidential contacts."""

    kind = forms.ChoiceField(
        label=_("类别"),
        choices=ComplaintKind.choices,
        initial=ComplaintKind.COMPLAINT,
        widget=forms.RadioSelect,
        help_text=_("投诉：您与经营者之间的消费纠纷；举报：反映经营者涉嫌违法的线索"),
    )
    entity_name = forms.CharField(
        label=_("被投诉举报对象名称"),
        max_length=200,
        required=False,
        widget=TextInput(autocomplete="off"),
        help_text=_("企业、个体工商户的名称；名称和统一社会信用代码至少填一项"),
    )
    entity_uscc = forms.CharField(
        label=_("统一社会信用代码（选填）"),
        max_length=40,
        required=False,
        widget=TextInput(autocomplete="off", spellcheck="false"),
        help_text=_("18位，可在营业执照上找到"),
    )
    content = forms.CharField(
        label=_("投诉举报内容"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("时间、地点、经过和诉求，越具体越便于核查"),
    )
    attachments = EvidenceField(label=_("附件（选填）"), required=False, help_text=ATTACHMENT_HELP)
    reporter_name = forms.CharField(
        label=_("您的姓名（选填）"),
        max_length=NAME_MAX,
        required=False,
        widget=TextInput(autocomplete="name"),
        help_text=_("保密，仅承办部门可见"),
    )
    contact_phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=PHONE_MAX,
        required=False,
        validators=[validate_phone],
        widget=TextInput(type="tel", autocomplete="tel", inputmode="tel"),
        help_text=_("保密，仅供承办部门核实情况、告知结果"),
    )
    contact_email = forms.EmailField(
        label=_("电子邮箱（选填）"),
        max_length=EMAIL_MAX,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("保密，不予公开"),
    )
    whistleblower = forms.BooleanField(label=_("我是被举报单位的内部人员（内部举报人，身份严格保密）"), required=False)

    def clean_entity_uscc(self):
        return clean_optional_uscc(self.cleaned_data["entity_uscc"])

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("entity_name") or "").strip()
            and not cleaned.get("entity_uscc")
            and "entity_uscc" not in self.errors
        ):
            self.add_error("entity_name", gettext("请填写被投诉举报对象名称或统一社会信用代码"))
        return cleaned


class ComplaintEntryForm(NoModelValidationMixin, forms.ModelForm):
    """An official's entry of a 12345 / 12315 / window complaint; validated by a dry run of ``complaint_file``."""

    channel = forms.ChoiceField(label=_("渠道"), choices=ADMIN_ENTRY_CHANNELS)
    entity_uscc = forms.CharField(
        label=_("被投诉举报对象统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_("名录库中有该主体时，未选承办部门则转其登记机关"),
    )
    entity_name = forms.CharField(
        label=_("被投诉举报对象名称"),
        max_length=200,
        required=False,
        help_text=_("填写了名录库中的统一社会信用代码时可不填"),
    )
    attachments = EvidenceField(label=_("附件"), required=False, help_text=ATTACHMENT_HELP)
    department_fixed = (
        None  # set by the admin: the official's own department (None: platform admin chooses or leaves it derived)
    )
    actor = None

    class Meta:
        model = Complaint
        fields = (
            "channel",
            "external_no",
            "kind",
            "entity_name",
            "entity_uscc",
            "content",
            "department",
            "reporter_name",
            "contact_phone",
            "contact_email",
            "whistleblower",
            "attachments",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].required = False
            self.fields["department"].help_text = _(
                "不选则按被投诉举报对象的登记机关确定（名录库中无该主体时为默认承办部门）"
            )

    def clean_entity_uscc(self):
        return clean_optional_uscc(self.cleaned_data["entity_uscc"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "entity_name": data.get("entity_name") or "",
            "content": data.get("content") or "",
            "kind": data.get("kind") or ComplaintKind.COMPLAINT,
            "channel": data.get("channel") or "",
            "department": self.department_fixed or data.get("department"),
            "entity_uscc": data.get("entity_uscc") or "",
            "reporter_name": data.get("reporter_name") or "",
            "contact_phone": data.get("contact_phone") or "",
            "contact_email": data.get("contact_email") or "",
            "whistleblower": bool(data.get("whistleblower")),
            "external_no": data.get("external_no") or "",
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            refusal = dry_run(services.complaint_file, actor=self.actor, **self.service_kwargs())
            if refusal is not None:
                add_service_errors(self, refusal)
        return cleaned


class ComplaintAcceptForm(forms.Form):
    note = forms.CharField(
        label=_("受理意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class ComplaintCloseForm(forms.Form):
    verdict = forms.ChoiceField(label=_("核查结论"), choices=CLOSING_VERDICTS)
    outcome = forms.CharField(
        label=_("办理结果"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=_("投诉举报人凭受理编号和查询码可以看到这段文字：不要写入投诉举报人的姓名、联系方式"),
    )


class ComplaintAssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("转办至"), queryset=Department.objects.filter(active=True).order_by("code")
    )
    reason = forms.CharField(label=_("转办理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class ComplaintConvertForm(forms.Form):
    """转立案: the case's title and at least two certified handlers of the complaint's department."""

    title = forms.CharField(label=_("案由"), max_length=300)
    handlers = forms.ModelMultipleChoiceField(
        label=_("承办人员"),
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少2名持有效执法证的本部门执法人员（《行政处罚法》第四十二条）"),
    )
    is_major = forms.BooleanField(label=_("重大执法决定"), required=False, help_text=_("须经法制审核通过方可作出决定"))
    note = forms.CharField(
        label=_("立案说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    complaint = None

    @classmethod
    def for_complaint(cls, complaint):
        return type(cls.__name__, (cls,), {"complaint": complaint})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        complaint = self.complaint
        if complaint is not None:
            self.fields["handlers"].queryset = Inspector.objects.filter(
                department=complaint.department_id, active=True
            ).order_by("name")
            self.fields["title"].initial = f"涉嫌违法（投诉举报 {complaint.tracking_no}）"


class ChannelDeadlineForm(NoModelValidationMixin, forms.ModelForm):
    """A new version of a channel's deadline (a StatutoryDeadline of kind COMPLAINT, variant = channel);
    validated by a dry run of ``channel_deadline_set``."""

    actor = None
    channel = forms.ChoiceField(label=_("渠道"), choices=ComplaintChannel.choices)
    note = forms.CharField(
        label=_("依据"), max_length=200, required=False, help_text=_("文件名称、文号和条款；留空则注明为平台管理员设定")
    )
    field_order = ["channel", "working_days", "effective_from", "note"]

    class Meta:
        model = ChannelDeadline
        fields = ("working_days", "effective_from")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            refusal = dry_run(
                services.channel_deadline_set,
                actor=self.actor,
                channel=cleaned.get("channel"),
                working_days=cleaned.get("working_days"),
                effective_from=cleaned.get("effective_from"),
                note=cleaned.get("note") or "",
            )
            if refusal is not None:
                add_service_errors(self, refusal)
        return cleaned
