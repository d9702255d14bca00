"""Public filing forms (no account): commitments, repair applications, objections, tracking.

The forms only check what a person typed; the rules of DOMAIN §3 are the services' (commitment_make,
repair_apply, objection_file), and their exact reasons are put back on the form. Contact details
are confidential: they appear on the applicant's own form and nowhere else.

The one public view of a filing's progress (``filing_status``) and the kinds of filing are
``core.filings``'s; credit's kinds are registered from ``credit.filings``.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import uscc as uscc_lib
from core.forms import (
    EMAIL_MAX,
    EVIDENCE_MAX_FILES,
    NAME_MAX,
    PHONE_MAX,
    REASON_MAX_CHARS,
    EvidenceField,
    FilingContactMixin,
    TextInput,
    validate_phone,
)
from credit.choices import CommitmentType
from credit.services import COMMITMENT_TEMPLATES
from supervision.models import Department
from supervision.selectors import public_entities

PLACEHOLDER = "＿＿＿＿"

# Public commitment types: 信用修复型 is made with a repair application (it names the record).
PUBLIC_COMMITMENT_TYPES = [(v, label) for v, label in CommitmentType.choices if v != CommitmentType.REPAIR]


def commitment_text(commitment_type: str, *, matter: str = "", due_on: dt.date | None = None) -> str:
    """The template text of a commitment type, with the matter and due date filled in when known."""
    template = COMMITMENT_TEMPLATES.get(commitment_type, "")
    due = (
        f"{due_on.year}年{due_on.month}月{due_on.day}日" if due_on else f"{PLACEHOLDER}年{PLACEHOLDER}月{PLACEHOLDER}日"
    )
    return template.format(matter=matter.strip() or PLACEHOLDER, due_on=due)


class CommitmentForm(forms.Form):
    """信用承诺 made from the public site (DOMAIN §3); the service checks each type's rules."""

    uscc = forms.CharField(
        label=gettext_lazy("统一社会信用代码"), max_length=40, widget=TextInput(autocomplete="off", spellcheck="false")
    )
    commitment_type = forms.ChoiceField(label=gettext_lazy("承诺类型"), choices=PUBLIC_COMMITMENT_TYPES)
    department = forms.ModelChoiceField(
        label=gettext_lazy("受理（监管）部门"),
        queryset=Department.objects.none(),
        empty_label=gettext_lazy("请选择部门"),
    )
    matter = forms.CharField(
        label=gettext_lazy("涉及事项"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("审批替代型：所办理的审批事项；行业自律型：行业组织名称"),
    )
    due_on = forms.DateField(
        label=gettext_lazy("履约期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    content = forms.CharField(
        label=gettext_lazy("承诺内容"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 7})
    )
    signatory = forms.CharField(
        label=gettext_lazy("承诺人（签署人）"), max_length=NAME_MAX, widget=TextInput(autocomplete="name")
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话（选填）"),
        max_length=PHONE_MAX,
        required=False,
        validators=[validate_phone],
        widget=TextInput(type="tel", autocomplete="tel", inputmode="tel"),
        help_text=gettext_lazy("保密，不予公开"),
    )

    field_order = ["uscc", "commitment_type", "department", "matter", "due_on", "content", "signatory", "contact_phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(active=True).only("id", "name").order_by("code")
        self.entity = None

    def clean_uscc(self):
        code = uscc_lib.normalize(self.cleaned_data["uscc"])
        reason = uscc_lib.problems(code)
        if reason and not uscc_lib.is_verified_exception(code):
            raise ValidationError(reason)
        self.entity = public_entities().filter(uscc=code).first()
        if self.entity is None:
            raise ValidationError(_("名录库中没有统一社会信用代码为 %(code)s 的市场主体") % {"code": code})
        return code

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if PLACEHOLDER in content:
            raise ValidationError(_("请将承诺内容中的“%(placeholder)s”替换为实际内容") % {"placeholder": PLACEHOLDER})
        return content


class RepairForm(FilingContactMixin):
    """信用修复申请: the record comes from the page's address, not from the form."""

    contact_email = forms.EmailField(
        label="电子邮箱（选填）",
        max_length=EMAIL_MAX,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="保密，不予公开",
    )
    evidence = EvidenceField(
        label="证明材料",
        required=False,
        help_text=f"已履行义务、纠正失信行为的证明（缴款凭证、整改报告等）：PDF、JPG 或 PNG，每个不超过 10 MB，最多 {EVIDENCE_MAX_FILES} 个",
    )
    commitment_accepted = forms.BooleanField(
        label="本单位已阅读并同意作出上述信用修复承诺",
        required=True,
        error_messages={"required": "申请信用修复须作出信用修复承诺，请勾选同意"},
    )

    field_order = ["applicant_name", "contact_phone", "contact_email", "reason", "evidence", "commitment_accepted"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "申请理由（履行义务、纠正失信行为情况）"


class ObjectionForm(FilingContactMixin):
    """异议申诉. For a credit record, the 更正 fields start with the record's current values (issue 18
    §1.9): the applicant changes what is wrong, and only the changed fields are kept. Evidence files as
    a repair application's."""

    correct_title = forms.CharField(label=gettext_lazy("更正：标题"), max_length=200, required=False)
    correct_content = forms.CharField(
        label=gettext_lazy("更正：内容"),
        max_length=REASON_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    correct_decided_on = forms.DateField(
        label=gettext_lazy("更正：决定（认定）日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    correct_legal_basis = forms.CharField(
        label=gettext_lazy("更正：依据"),
        max_length=REASON_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    correct_amount = forms.DecimalField(
        label=gettext_lazy("更正：金额（元）"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    evidence = EvidenceField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy(
                "证明信息有误的材料（决定书、缴款凭证、登记证明等）：PDF、JPG 或 PNG，每个不超过 10 MB，最多 {n} 个"
            ),
            n=EVIDENCE_MAX_FILES,
        ),
    )

    CORRECTIONS = ("title", "content", "decided_on", "legal_basis", "amount")

    def __init__(self, *args, record=None, **kwargs):
        if record is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {f"correct_{name}": getattr(record, name) for name in self.CORRECTIONS})
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("异议理由（哪些信息有误，事实和依据）")
        if record is None:  # a list entry: nothing to correct field by field
            for name in self.CORRECTIONS:
                del self.fields[f"correct_{name}"]

    def corrections(self) -> dict:
        return {
            name: self.cleaned_data[f"correct_{name}"] for name in self.CORRECTIONS if f"correct_{name}" in self.fields
        }


class ListExitForm(FilingContactMixin):
    """移出名单申请: the entry comes from the page's address. 经营异常名录 needs evidence of the duty fulfilled."""

    evidence = EvidenceField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy(
                "已履行相关义务的证明（如补报的年度报告、更正后的公示信息、住所可联系的证明）："
                "PDF、JPG 或 PNG，每个不超过 10 MB，最多 {n} 个"
            ),
            n=EVIDENCE_MAX_FILES,
        ),
    )

    field_order = ["applicant_name", "contact_phone", "reason", "evidence"]

    def __init__(self, *args, evidence_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("申请理由（履行相关义务的情况）")
        self.fields["evidence"].required = evidence_required
        self.fields["evidence"].error_messages["required"] = _("申请移出经营异常名录须上传已履行相关义务的证明材料")


class TrackForm(forms.Form):
    tracking_no = forms.CharField(
        label=gettext_lazy("受理编号"),
        max_length=32,
        widget=TextInput(autocomplete="off", spellcheck="false", placeholder=gettext_lazy("如 YY20261122-123456")),
    )
    code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=16,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
