"""Forms shared by every app: the admin's service-backed forms and the public filing forms.

Admin side: a form never repeats a service's rule. ``dry_run`` runs the service in a savepoint that
is always rolled back and returns its refusal, ``add_service_errors`` puts the refusal's Chinese
messages on the right fields, and ``NoModelValidationMixin`` leaves validation to the service.

Public side (filings without an account): the applicant's confidential contact fields, the phone
check, and the evidence upload (at most 5 real PDF, JPG or PNG files of 10 MB each).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import uscc

# Limits of the public evidence upload (issue 4 §2).
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Extension → the leading bytes such a file really starts with (the name alone proves nothing).
EVIDENCE_TYPES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
REASON_MAX_CHARS = 5000

# Model column sizes: longer input is a field error, never a database error.
NAME_MAX = 100
PHONE_MAX = 32
EMAIL_MAX = 100
PHONE_RE = re.compile(r"^\+?[0-9()\-\s]{7,24}((转|分机|ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
PHONE_MESSAGE = _("请填写有效的联系电话（手机号或固定电话，如 13800000000、0371-12345678）")


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value.strip()) or not 7 <= len(digits) <= 20:
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


def add_service_errors(form, exc: ValidationError, rename: dict | None = None) -> None:
    """Put a service's ValidationError on the form: by field where the form has it (``rename`` maps a
    service's field name to the form's, or to None for the top of the form), else on top."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            name = rename.get(key, key)
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class _DryRunRollback(Exception):
    pass


def dry_run(service, **kwargs) -> ValidationError | None:
    """Run ``service`` and undo everything it wrote (audit, rows, on_commit); return its refusal."""
    try:
        with transaction.atomic():
            service(**kwargs)
            raise _DryRunRollback
    except _DryRunRollback:
        return None
    except ValidationError as exc:
        return exc


class NoModelValidationMixin:
    """The service is the validator; the model's own full_clean would only repeat it in other words."""

    def _post_clean(self):
        pass


class UsccField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("统一社会信用代码"))
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value):
        return uscc.normalize(super().clean(value))


# --- records ------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class DecisionReasonForm(forms.Form):
    reason = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class ImportFileForm(forms.Form):
    """The upload step of a department file import (core.file_import): the file, and the source
    department when the official may choose one."""

    file = forms.FileField(label=_("文件"), help_text=_("XLSX 或 CSV（UTF-8），第1行为列名；可先下载导入模板"))
    department = forms.ModelChoiceField(label=_("来源部门"), queryset=None, required=True)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments


class TextInput(forms.TextInput):
    def __init__(self, **attrs):
        super().__init__(attrs=attrs)


class FilingContactMixin(forms.Form):
    """Applicant and confidential contact details, as every filing takes them."""

    applicant_name = forms.CharField(
        label=_("申请人"),
        max_length=NAME_MAX,
        widget=TextInput(autocomplete="name"),
        help_text=_("企业名称或经办人姓名"),
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=PHONE_MAX,
        validators=[validate_phone],
        widget=TextInput(type="tel", autocomplete="tel", inputmode="tel"),
        help_text=_("仅供办理部门联系，保密，不予公开"),
    )
    reason = forms.CharField(label=_("理由"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6}))


class EvidenceInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to 5 files, each a real PDF, JPG or PNG of at most 10 MB."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", EvidenceInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > EVIDENCE_MAX_FILES:
            raise ValidationError(
                gettext("证明材料最多 %(max)s 个文件，本次选择了 %(n)s 个")
                % {"max": EVIDENCE_MAX_FILES, "n": len(files)}
            )
        errors = []
        for upload in files:
            name = upload.name or gettext("（未命名）")
            ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
            if ext not in EVIDENCE_TYPES:
                errors.append(gettext("“%(name)s”不是允许的文件类型（仅限 PDF、JPG、PNG）") % {"name": name})
                continue
            if upload.size > EVIDENCE_MAX_BYTES:
                errors.append(
                    gettext("“%(name)s”超过 10 MB（%(size).1f MB）") % {"name": name, "size": upload.size / 1024 / 1024}
                )
                continue
            upload.seek(0)
            head = upload.read(16)
            upload.seek(0)
            if not head.startswith(EVIDENCE_TYPES[ext]):
                errors.append(
                    gettext("“%(name)s”的内容与文件类型不符（应为 %(type)s 文件）")
                    % {"name": name, "type": ext[1:].upper()}
                )
        if errors:
            raise ValidationError(errors)
        return files
