"""The public early-stop application (提前停止公示, 总局令第45号; issue 12 §1): like the repair form, with
evidence, a tracking number and a query code, and a redirect after a successful POST (PRG: a refresh
never files twice). The query code travels to the receipt in the session and is shown once."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.api.throttling import PublicFormThrottle
from core.forms import EVIDENCE_MAX_FILES, EvidenceField, FilingContactMixin, add_service_errors
from core.http import PublicHttp404
from enforcement import early_stop, selectors
from enforcement.models import EarlyStopApplication
from enforcement.views import penalty_type_labels

SESSION_KEY = "early_stop_receipt"


def throttled(request):
    """The 429 page when this IP has filed too often (the public forms' throttle), else None."""
    throttle = PublicFormThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = max(int(throttle.wait() or 1), 1)
    response = render(
        request,
        "public/error.html",
        {"title": _("请求过于频繁"), "message": _("请在 %(n)s 秒后重试。") % {"n": wait}},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class EarlyStopForm(FilingContactMixin):
    contact_email = forms.EmailField(
        label=gettext_lazy("电子邮箱"), required=False, help_text=gettext_lazy("选填，保密，不予公开")
    )
    evidence = EvidenceField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy(
                "已履行处罚决定（缴款凭证等）、消除危害后果和不良影响（整改报告等）的证明：PDF、JPG 或 PNG，每个不超过 10 MB，最多 {n} 个"
            ),
            n=EVIDENCE_MAX_FILES,
        ),
    )
    performed = forms.BooleanField(label=gettext_lazy("已经自觉履行行政处罚决定中规定的义务"), required=False)
    harm_removed = forms.BooleanField(label=gettext_lazy("已经主动消除危害后果和不良影响"), required=False)

    field_order = [
        "applicant_name",
        "contact_phone",
        "contact_email",
        "reason",
        "evidence",
        "performed",
        "harm_removed",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("申请理由（履行处罚决定、消除危害后果和不良影响的情况）")


@never_cache
@require_http_methods(["GET", "POST"])
def early_stop_new(request, pk: int):

    disclosure = selectors.public_penalties().filter(pk=pk).first()
    if disclosure is None:
        raise PublicHttp404(_("未找到该行政处罚公示信息，或该信息已不在公示中"))
    if request.method == "POST":
        if (limited := throttled(request)) is not None:
            return limited
        form = EarlyStopForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, code = early_stop.early_stop_apply(
                    actor="public:web",
                    disclosure=disclosure,
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    reason=data["reason"],
                    performed=data["performed"] is True,
                    harm_removed=data["harm_removed"] is True,
                    evidence_files=data["evidence"],
                    channel="web",
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"disclosure": None})
            else:
                request.session[SESSION_KEY] = {"tracking_no": application.tracking_no, "query_code": code}
                return redirect(reverse("penalty-early-stop-done"))
        problems = []
    else:
        form = EarlyStopForm()
        problems = early_stop.early_stop_problems(disclosure)
    context = {
        "form": form,
        "d": disclosure,
        "problems": problems,
        "type_labels": penalty_type_labels(disclosure.penalty_types),
    }
    return render(request, "enforcement/early_stop_form.html", context)


@never_cache
def early_stop_done(request):
    """The receipt: number and query code, once (a reload shows the number only)."""

    receipt = request.session.get(SESSION_KEY) or {}
    application = (
        EarlyStopApplication.objects.select_related("disclosure", "department")
        .filter(tracking_no=receipt.get("tracking_no") or "")
        .first()
    )
    if application is None:
        raise PublicHttp404(_("没有可显示的申请回执，请凭受理编号和查询码查询办理进度"))
    code = receipt.pop("query_code", None)
    request.session[SESSION_KEY] = receipt
    context = {"application": application, "query_code": code, "evidence_count": application.evidence.count()}
    return render(request, "enforcement/early_stop_done.html", context)
