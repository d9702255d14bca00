"""The one-step disposition page of a risk warning (issue 17 §5): ``/admin/oversight/directive/
warnings/<id>/dispose/?disposition=…`` (URL name ``admin:oversight_warning_dispose``), linked from the
warning's page in credit. One form, one submit: the case, the targeted inspection or the handed-over
warning is created and the warning closed with its disposition, note and link, in one transaction.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.forms import add_service_errors
from credit.choices import WarningDisposition, WarningState
from credit.models import RiskWarning
from credit.selectors import warnings_visible_to
from credit.services.warnings import may_dispose
from oversight import services
from oversight.forms import DISPOSITION_FIELDS, DISPOSITIONS, WarningDisposeForm
from oversight.services.warnings import rule_description
from supervision.models import MarketEntity

DONE = {
    WarningDisposition.CASE_OPENED: "已立案，预警已关闭并关联该案件。",
    WarningDisposition.ADDED_TO_INSPECTION: "已纳入专项检查，预警已关闭并关联该专项检查。",
    WarningDisposition.TRANSFERRED: "已转交，接收部门的预警收件箱中已有该预警。",
    WarningDisposition.INTERVIEWED: "预警已处置（已约谈或提醒）。",
    WarningDisposition.NO_ISSUE: "预警已处置（核实无问题）。",
}


EXPLAIN = {
    WarningDisposition.CASE_OPENED: "以{department}名义立案：当事人为{party}，案件来源为“风险预警”并关联本预警。"
    "立案后本预警关闭，并链接到该案件。",
    WarningDisposition.ADDED_TO_INSPECTION: "将{party}列入{department}的专项检查对象名单（待检查）。本预警关闭，并链接到该专项检查。",
    WarningDisposition.TRANSFERRED: "接收部门的预警收件箱中将出现该预警（注明转交自本预警）。本预警关闭，并链接到转交后的预警。",
    WarningDisposition.INTERVIEWED: "记录约谈或提醒的情况，不新建其他事项。",
    WarningDisposition.NO_ISSUE: "记录核实经过和结论，不新建其他事项。",
}


class WarningDisposeMixin:
    """Adds the disposition page to an admin's URLs (the 督办 admin: both are oversight's)."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.warning_dispose_view)
        return [path("warnings/<int:pk>/dispose/", view, name="oversight_warning_dispose"), *super().get_urls()]

    def warning_dispose_view(self, request, pk):
        warning = warnings_visible_to(request.user).select_related("department").filter(pk=pk).first()
        if warning is None:
            raise Http404("找不到该预警")
        back = reverse("admin:credit_riskwarning_change", args=[warning.pk])
        if not request.user.has_perm("credit.change_riskwarning") or not may_dispose(request.user, warning):
            raise PermissionDenied
        if warning.state != WarningState.OPEN:
            messages.info(request, f"该预警已处置（{warning.get_disposition_display()}）。")
            return HttpResponseRedirect(back)
        chosen = request.POST.get("disposition") or request.GET.get("disposition") or ""
        if chosen not in DISPOSITION_FIELDS:
            chosen = WarningDisposition.CASE_OPENED
        posted = request.method == "POST"
        form = WarningDisposeForm(request.POST if posted else None, warning=warning, disposition=chosen)
        if posted and form.is_valid():
            data = form.cleaned_data
            try:
                services.warning_dispose(
                    actor=request.user,
                    warning=warning,
                    disposition=chosen,
                    note=data["note"],
                    **{name: data.get(name) for name in DISPOSITION_FIELDS[chosen]},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, DONE[chosen])
                return HttpResponseRedirect(back)
        here = reverse("admin:oversight_warning_dispose", args=[warning.pk])
        name = MarketEntity.objects.filter(uscc=warning.entity_id).values_list("name", flat=True).first()
        party = f"{name or '（名录库中暂无）'}（{warning.entity_id}）"
        context = {
            **self.admin_site.each_context(request),
            "title": "处置预警",
            "opts": RiskWarning._meta,
            "warning": warning,
            "rule": rule_description(warning.rule_code),
            "form": form,
            "chosen": chosen,
            "tabs": [(code, label, f"{here}?disposition={code}") for code, label in DISPOSITIONS],
            "back": back,
            "explain": EXPLAIN[chosen].format(department=warning.department, party=party),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/oversight/warning_dispose.html", context)
