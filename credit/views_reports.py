"""Public pages of the credit report's verification (issue 4 §4, issue 18 §1.1): the entry form where
a serial is typed, and the verify page with its one verdict (``credit.reports.Verdict``)."""

import re
import unicodedata

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.api.throttling import form_throttled
from credit import reports

VERIFY_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
SERIAL_PATTERN = re.compile(rf"{reports.SERIAL_PREFIX}\d{{8}}[A-Z2-7]{{8}}")


def normalize_serial(value) -> str:
    """What people type or paste: full-width characters, spaces, hyphens, lower case → ``XYBG…``."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s\-_]", "", text).upper()


class ReportSerialForm(forms.Form):
    serial = forms.CharField(
        label=_("报告编号"),
        max_length=64,
        help_text=_(
            "报告编号印在信用报告第一页的“报告编号”一栏和每页页脚，以 XYBG 开头，共 20 位，"
            "例如 XYBG20261122K7Q2M4ZA。用手机扫描报告上的二维码，可直接打开核验页面。"
        ),
        error_messages={"required": _("请输入报告编号。")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "placeholder": "XYBG20261122K7Q2M4ZA",
                "class": "code-input",
            }
        ),
    )

    def clean_serial(self):
        serial = normalize_serial(self.cleaned_data["serial"])
        if not SERIAL_PATTERN.fullmatch(serial):
            raise forms.ValidationError(
                _("报告编号格式不对：应为 XYBG、8 位出具日期和 8 位字母数字，共 20 位，请对照报告核对。")
            )
        return serial


@never_cache
@require_http_methods(["GET", "POST"])
def report_verify_entry(request):
    """The form to type a report's serial into; a well-formed serial goes to its verify page."""
    data = request.POST if request.method == "POST" else request.GET
    form = ReportSerialForm(data if "serial" in data else None)
    if form.is_bound:
        if form.is_valid():
            if (limited := form_throttled(request)) is not None:
                return limited
            return redirect("report-verify", serial=form.cleaned_data["serial"])
        return render(request, "credit/report_verify_entry.html", {"form": form}, status=400)
    return render(request, "credit/report_verify_entry.html", {"form": form})


@require_http_methods(["GET", "POST"])
def report_verify(request, serial: str):
    """Is this report genuine and current? With an uploaded PDF: is this file the one issued, signed
    by the portal and unchanged? One verdict either way."""
    pdf_bytes, upload_error = None, ""
    if request.method == "POST":
        if (limited := form_throttled(request)) is not None:
            return limited
        upload = request.FILES.get("file")
        if upload is None:
            upload_error = _("请选择要核验的报告 PDF 文件。")
        elif upload.size > VERIFY_UPLOAD_MAX_BYTES:
            upload_error = _("文件过大：平台出具的信用报告不超过 20 MB。")
        else:
            pdf_bytes = upload.read()
    serial = normalize_serial(serial)[:64]
    result = reports.report_verify(serial=serial, pdf_bytes=pdf_bytes)
    report = result.report
    context = {
        "serial": serial,
        "result": result,
        "verdict": result.verdict,
        "report": report,
        "entity": (report.facts or {}).get("entity", {}) if report else {},
        "upload_error": upload_error,
        "posted": request.method == "POST",
    }
    return render(request, "credit/report_verify.html", context, status=200 if result.found else 404)
