"""Forms of the inspectors' field pages (/field/): sign-in and one department's result of a task.

The forms check what was typed and what was uploaded; the rules of DOMAIN §4 (未发现问题 is
exclusive, findings required when something was found, one result per department …) belong to
``services.result_submit``, whose exact messages are put back on the form.
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.choices import ResultCategory

# Evidence taken on site: photos from the phone's camera or scanned documents.
EVIDENCE_MAX_FILES = 10
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What a file really is, by its leading bytes: a camera's file name proves nothing.
EVIDENCE_SIGNATURES = {"JPG": b"\xff\xd8\xff", "PNG": b"\x89PNG\r\n\x1a\n", "PDF": b"%PDF-"}
FINDINGS_MAX_CHARS = 10000


class FieldLoginForm(AuthenticationForm):
    """Django's sign-in, with phone-friendly inputs and Chinese messages."""

    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系本部门管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].label = "密码"
        self.fields["password"].error_messages["required"] = "请输入密码"


class EvidenceInput(forms.FileInput):
    allow_multiple_selected = True


def evidence_kind(upload) -> str | None:
    """``"JPG"``, ``"PNG"`` or ``"PDF"`` by the file's leading bytes, else None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((kind for kind, signature in EVIDENCE_SIGNATURES.items() if head.startswith(signature)), None)


class EvidenceField(forms.FileField):
    """Up to 10 files, each a real JPG, PNG or PDF of at most 10 MB."""

    def __init__(self, *args, **kwargs):
        attrs = {"accept": "image/*,application/pdf", "capture": "environment"}
        kwargs.setdefault("widget", EvidenceInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError("请上传现场证据", code="required")
            return []
        if len(files) > EVIDENCE_MAX_FILES:
            raise ValidationError(
                f"现场证据最多 {EVIDENCE_MAX_FILES} 个文件，本次选择了 {len(files)} 个", code="too_many"
            )
        errors = []
        for upload in files:
            name = upload.name or "（未命名）"
            if upload.size > EVIDENCE_MAX_BYTES:
                errors.append(
                    ValidationError(
                        f"“{name}”超过 10 MB（{upload.size / 1024 / 1024:.1f} MB），请压缩后重新上传", code="too_big"
                    )
                )
            elif evidence_kind(upload) is None:
                errors.append(ValidationError(f"“{name}”不是 JPG、PNG 照片或 PDF 文件，请重新选择", code="bad_type"))
        if errors:
            raise ValidationError(errors)
        return files


class ResultForm(forms.Form):
    """One department's result of a task, as entered on site."""

    categories = forms.MultipleChoiceField(
        label="检查结果",
        choices=ResultCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项检查结果", "invalid_choice": "未知的检查结果：%(value)s"},
        help_text="可多选；“未发现问题”不能与其他结果同时选择",
    )
    findings = forms.CharField(
        label="检查情况",
        required=False,
        max_length=FINDINGS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "检查发现的问题、现场情况、责令改正事项等"}),
        error_messages={"max_length": f"检查情况不能超过 {FINDINGS_MAX_CHARS} 字（当前 %(show_value)d 字）"},
        help_text="发现问题或异常情况时必填",
    )
    inspected_on = forms.DateField(
        label="检查日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写检查日期", "invalid": "请填写有效的检查日期，如 2026-11-23"},
    )
    out_of_window_reason = forms.CharField(
        label="超出计划检查期间的原因",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "原因不能超过 500 字（当前 %(show_value)d 字）"},
        help_text="检查日期在计划检查期间之外时必填，原因将随检查结果公示",
    )
    evidence = EvidenceField(
        label="现场证据（照片或文件）",
        required=False,
        help_text=f"可拍照或选择文件：JPG、PNG 照片或 PDF，每个不超过 10 MB，最多 {EVIDENCE_MAX_FILES} 个",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["inspected_on"].initial = today
        self.fields["inspected_on"].widget.attrs["max"] = today.isoformat()


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: named fields on their field, the rest on top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.error_dict.items():
        for error in errors:
            for message in error.messages:
                form.add_error(name if name in form.fields else None, message)
