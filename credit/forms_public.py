"""Public filing forms (no account): commitments, repair applications, objections, tracking.

The forms only check what a person typed; the rules of DOMAIN §3 are the services' (commitment_make,
repair_apply, objection_file), and their exact reasons are put back on the form. Contact details
are confidential: they appear on the applicant's own form and nowhere else.

The one public view of a filing's progress (``filing_status``) and the kinds of filing are
``core.filings``'s; credit's kinds are registered from ``credit.filings``.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from core import uscc as uscc_lib
from core.filings import filing_model, filing_status  # noqa: F401 - moved to core.filings; re-exported until every site imports it there
from credit.choices import CommitmentType
from credit.services import COMMITMENT_TEMPLATES
from supervision.models import Department
from supervision.selectors import public_entities

# Limits of the public evidence upload (issue 4 §2).
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Extension → the leading bytes such a file really starts with (the name alone proves nothing).
EVIDENCE_TYPES = {".pdf": (b"%PDF-",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",)}
REASON_MAX_CHARS = 5000
PLACEHOLDER = "＿＿＿＿"

# Model column sizes: longer input is a field error, never a database error.
NAME_MAX = 100
PHONE_MAX = 32
EMAIL_MAX = 100
PHONE_RE = re.compile(r"^\+?[0-9()\-\s]{7,24}((转|分机|ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
PHONE_MESSAGE = "请填写有效的联系电话（手机号或固定电话，如 13800000000、0371-12345678）"

# Public commitment types: 信用修复型 is made with a repair application (it names the record).
PUBLIC_COMMITMENT_TYPES = [(v, label) for v, label in CommitmentType.choices if v != CommitmentType.REPAIR]


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value.strip()) or not 7 <= len(digits) <= 20:
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


def commitment_text(commitment_type: str, *, matter: str = "", due_on: dt.date | None = None) -> str:
    """The template text of a commitment type, with the matter and due date filled in when known."""
    template = COMMITMENT_TEMPLATES.get(commitment_type, "")
    due = f"{due_on.year}年{due_on.month}月{due_on.day}日" if due_on else f"{PLACEHOLDER}年{PLACEHOLDER}月{PLACEHOLDER}日"
    return template.format(matter=matter.strip() or PLACEHOLDER, due_on=due)


def apply_service_errors(form: forms.Form, exc: ValidationError, rename: dict | None = None) -> None:
    """Put a service's ValidationError on the form: named fields on their field, the rest on top."""
    rename = rename or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.error_dict.items():
        field = rename.get(name, name)
        for error in errors:
            for message in error.messages:
                form.add_error(field if field in form.fields else None, message)


class TextInput(forms.TextInput):
    def __init__(self, **attrs):
        super().__init__(attrs=attrs)


class FilingContactMixin(forms.Form):
    """Applicant and confidential contact details, as every filing takes them."""

    applicant_name = forms.CharField(label="申请人", max_length=NAME_MAX, widget=TextInput(autocomplete="name"), help_text="企业名称或经办人姓名")
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=PHONE_MAX,
        validators=[validate_phone],
        widget=TextInput(type="tel", autocomplete="tel", inputmode="tel"),
        help_text="仅供办理部门联系，保密，不予公开",
    )
    reason = forms.CharField(label="理由", max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6}))


class CommitmentForm(forms.Form):
    """信用承诺 made from the public site (DOMAIN §3); the service checks each type's rules."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=40, widget=TextInput(autocomplete="off", spellcheck="false"))
    commitment_type = forms.ChoiceField(label="承诺类型", choices=PUBLIC_COMMITMENT_TYPES)
    department = forms.ModelChoiceField(label="受理（监管）部门", queryset=Department.objects.none(), empty_label="请选择部门")
    matter = forms.CharField(label="涉及事项", max_length=200, required=False, help_text="审批替代型：所办理的审批事项；行业自律型：行业组织名称")
    due_on = forms.DateField(label="履约期限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    content = forms.CharField(label="承诺内容", max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 7}))
    signatory = forms.CharField(label="承诺人（签署人）", max_length=NAME_MAX, widget=TextInput(autocomplete="name"))
    contact_phone = forms.CharField(
        label="联系电话（选填）",
        max_length=PHONE_MAX,
        required=False,
        validators=[validate_phone],
        widget=TextInput(type="tel", autocomplete="tel", inputmode="tel"),
        help_text="保密，不予公开",
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
            raise ValidationError(f"名录库中没有统一社会信用代码为 {code} 的市场主体")
        return code

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if PLACEHOLDER in content:
            raise ValidationError(f"请将承诺内容中的“{PLACEHOLDER}”替换为实际内容")
        return content


class EvidenceInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to 5 files, each a real PDF, JPG or PNG of at most 10 MB."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", EvidenceInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > EVIDENCE_MAX_FILES:
            raise ValidationError(f"证明材料最多 {EVIDENCE_MAX_FILES} 个文件，本次选择了 {len(files)} 个")
        errors = []
        for upload in files:
            name = upload.name or "（未命名）"
            ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
            if ext not in EVIDENCE_TYPES:
                errors.append(f"“{name}”不是允许的文件类型（仅限 PDF、JPG、PNG）")
                continue
            if upload.size > EVIDENCE_MAX_BYTES:
                errors.append(f"“{name}”超过 10 MB（{upload.size / 1024 / 1024:.1f} MB）")
                continue
            upload.seek(0)
            head = upload.read(16)
            upload.seek(0)
            if not head.startswith(EVIDENCE_TYPES[ext]):
                errors.append(f"“{name}”的内容与文件类型不符（应为 {ext[1:].upper()} 文件）")
        if errors:
            raise ValidationError(errors)
        return files


class RepairForm(FilingContactMixin):
    """信用修复申请: the record comes from the page's address, not from the form."""

    contact_email = forms.EmailField(
        label="电子邮箱（选填）", max_length=EMAIL_MAX, required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}), help_text="保密，不予公开"
    )
    evidence = EvidenceField(
        label="证明材料",
        required=False,
        help_text=f"已履行义务、纠正失信行为的证明（缴款凭证、整改报告等）：PDF、JPG 或 PNG，每个不超过 10 MB，最多 {EVIDENCE_MAX_FILES} 个",
    )
    commitment_accepted = forms.BooleanField(
        label="本单位已阅读并同意作出上述信用修复承诺", required=True, error_messages={"required": "申请信用修复须作出信用修复承诺，请勾选同意"}
    )

    field_order = ["applicant_name", "contact_phone", "contact_email", "reason", "evidence", "commitment_accepted"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "申请理由（履行义务、纠正失信行为情况）"


class ObjectionForm(FilingContactMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "异议理由（哪些信息有误，事实和依据）"


class ListExitForm(FilingContactMixin):
    """移出名单申请: the entry comes from the page's address. 经营异常名录 needs evidence of the duty fulfilled."""

    evidence = EvidenceField(
        label="证明材料", required=False,
        help_text="已履行相关义务的证明（如补报的年度报告、更正后的公示信息、住所可联系的证明）："
        f"PDF、JPG 或 PNG，每个不超过 10 MB，最多 {EVIDENCE_MAX_FILES} 个",
    )

    field_order = ["applicant_name", "contact_phone", "reason", "evidence"]

    def __init__(self, *args, evidence_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "申请理由（履行相关义务的情况）"
        self.fields["evidence"].required = evidence_required
        self.fields["evidence"].error_messages["required"] = "申请移出经营异常名录须上传已履行相关义务的证明材料"


class TrackForm(forms.Form):
    tracking_no = forms.CharField(label="受理编号", max_length=32, widget=TextInput(autocomplete="off", spellcheck="false", placeholder="如 YY20261122-123456"))
    code = forms.CharField(label="查询码", max_length=16, widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
