"""The entity side's filing forms (issue 14 §3): objection, repair, list exit, early stop, commitment.

Signed in, so no query code: the target (record, list entry, penalty) is chosen from the entity's own
items only (the querysets are built from ``request.entity`` by the view), and the applicant fields are
pre-filled from the liaison's account. The rules stay the services'; these forms only check what was
typed, with the public forms' field kit (``core.forms``: contact fields, the evidence upload).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from credit.choices import CommitmentType, ListType
from credit.services import COMMITMENT_TEMPLATES
from supervision.models import Department

EVIDENCE_HELP = format_lazy(gettext_lazy("PDF、JPG 或 PNG，每个不超过 10 MB，最多 {n} 个"), n=EVIDENCE_MAX_FILES)
PLACEHOLDER = "＿＿＿＿"

# The commitments an entity makes on its own (issue 14 §3): 主动型 and 行业自律型. 信用修复型 comes with a
# repair application; 审批替代型 is made where the approval is applied for.
ENTITY_COMMITMENT_TYPES = [
    (CommitmentType.VOLUNTARY.value, CommitmentType.VOLUNTARY.label),
    (CommitmentType.SELF_DISCIPLINE.value, CommitmentType.SELF_DISCIPLINE.label),
]


def commitment_text(commitment_type: str) -> str:
    """The template text of a commitment type, the matter and due date left as blanks to fill."""
    template = COMMITMENT_TEMPLATES.get(commitment_type, "")
    return template.format(matter=PLACEHOLDER, due_on=f"{PLACEHOLDER}年{PLACEHOLDER}月{PLACEHOLDER}日")


def applicant_initial(account) -> dict:
    """The applicant fields as the liaison's account fills them (editable on the form)."""
    return {"applicant_name": account.full_name, "contact_phone": account.mobile, "contact_email": account.email}


class TargetChoiceField(forms.ModelChoiceField):
    """A select of the entity's own items; an id of anything else is not a valid choice."""

    def __init__(self, *args, label_of=str, **kwargs):
        self.label_of = label_of
        kwargs.setdefault("empty_label", _("请选择"))
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("请从列表中选择本主体的一项"), "required": _("请选择")}
        )
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.label_of(obj)


def record_label(record) -> str:
    return f"{record.title}（{record.source_ref}，{record.decided_on:%Y-%m-%d}，{record.get_state_display()}）"


def entry_label(entry) -> str:
    return _("%(list)s（%(ground)s，%(date)s 列入）") % {
        "list": entry.get_list_type_display(),
        "ground": entry.get_ground_display(),
        "date": f"{entry.listed_on:%Y-%m-%d}",
    }


def penalty_label(disclosure) -> str:
    return f"{disclosure.number}（{disclosure.violation_type}，{disclosure.decided_on:%Y-%m-%d}）"


class EmailMixin(forms.Form):
    contact_email = forms.EmailField(
        label=gettext_lazy("电子邮箱（选填）"),
        max_length=EMAIL_MAX,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy("保密，不予公开"),
    )


class ObjectionForm(FilingContactMixin):
    """异议: to one record (published or not) or one list entry of the entity."""

    record = TargetChoiceField(
        label=gettext_lazy("异议的信用记录"), queryset=None, required=False, label_of=record_label
    )
    list_entry = TargetChoiceField(
        label=gettext_lazy("或：异议的名单记录"), queryset=None, required=False, label_of=entry_label
    )

    field_order = ["record", "list_entry", "applicant_name", "contact_phone", "reason"]

    def __init__(self, *args, records, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = records
        self.fields["list_entry"].queryset = entries
        self.fields["reason"].label = _("异议理由（哪些信息有误，事实和依据）")

    def clean(self):
        data = super().clean()
        if "record" in data and "list_entry" in data and (data["record"] is None) == (data["list_entry"] is None):
            raise ValidationError(_("请选择一条信用记录或一条名单记录（二者选一）"))
        return data


class RepairForm(EmailMixin, FilingContactMixin):
    """信用修复申请 for one record of the entity."""

    record = TargetChoiceField(label=gettext_lazy("申请修复的信用记录"), queryset=None, label_of=record_label)
    evidence = EvidenceField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy("已履行义务、纠正失信行为的证明（缴款凭证、整改报告等）：{help}"), help=EVIDENCE_HELP
        ),
    )
    commitment_accepted = forms.BooleanField(
        label=gettext_lazy("本单位已阅读并同意作出上述信用修复承诺"),
        required=True,
        error_messages={"required": gettext_lazy("申请信用修复须作出信用修复承诺，请勾选同意")},
    )

    field_order = [
        "record",
        "applicant_name",
        "contact_phone",
        "contact_email",
        "reason",
        "evidence",
        "commitment_accepted",
    ]

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = records
        self.fields["reason"].label = _("申请理由（履行义务、纠正失信行为情况）")


class ListExitForm(FilingContactMixin):
    """移出名单申请; 经营异常名录 needs evidence of the duty fulfilled (as the public form)."""

    list_entry = TargetChoiceField(label=gettext_lazy("申请移出的名单记录"), queryset=None, label_of=entry_label)
    evidence = EvidenceField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy(
                "已履行相关义务的证明（如补报的年度报告、更正后的公示信息、住所可联系的证明）；"
                "申请移出经营异常名录的必须上传：{help}"
            ),
            help=EVIDENCE_HELP,
        ),
    )

    field_order = ["list_entry", "applicant_name", "contact_phone", "reason", "evidence"]

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_entry"].queryset = entries
        self.fields["reason"].label = _("申请理由（履行相关义务的情况）")

    def clean(self):
        data = super().clean()
        entry = data.get("list_entry")
        abnormal = entry is not None and entry.list_type == ListType.ABNORMAL
        if abnormal and not data.get("evidence") and "evidence" not in self.errors:
            self.add_error("evidence", _("申请移出经营异常名录须上传已履行相关义务的证明材料"))
        return data


class EarlyStopForm(EmailMixin, FilingContactMixin):
    """提前停止公示 (总局令第45号) of one of the entity's published penalties."""

    disclosure = TargetChoiceField(
        label=gettext_lazy("申请提前停止公示的行政处罚"), queryset=None, label_of=penalty_label
    )
    evidence = EvidenceField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy("已履行处罚决定（缴款凭证等）、消除危害后果和不良影响（整改报告等）的证明：{help}"),
            help=EVIDENCE_HELP,
        ),
    )
    performed = forms.BooleanField(label=gettext_lazy("已经自觉履行行政处罚决定中规定的义务"), required=False)
    harm_removed = forms.BooleanField(label=gettext_lazy("已经主动消除危害后果和不良影响"), required=False)

    field_order = [
        "disclosure",
        "applicant_name",
        "contact_phone",
        "contact_email",
        "reason",
        "evidence",
        "performed",
        "harm_removed",
    ]

    def __init__(self, *args, disclosures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disclosure"].queryset = disclosures
        self.fields["reason"].label = _("申请理由（履行处罚决定、消除危害后果和不良影响的情况）")


class CommitmentForm(forms.Form):
    """主动型 or 行业自律型 信用承诺 of the signed-in entity (the entity is not a field: it is the account's)."""

    commitment_type = forms.ChoiceField(label=gettext_lazy("承诺类型"), choices=ENTITY_COMMITMENT_TYPES)
    department = forms.ModelChoiceField(
        label=gettext_lazy("受理（监管）部门"),
        queryset=Department.objects.none(),
        empty_label=gettext_lazy("请选择部门"),
    )
    matter = forms.CharField(
        label=gettext_lazy("涉及事项"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("行业自律型：行业组织名称"),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(active=True).only("id", "name").order_by("code")

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if PLACEHOLDER in content:
            raise ValidationError(_("请将承诺内容中的“%(placeholder)s”替换为实际内容") % {"placeholder": PLACEHOLDER})
        return content
