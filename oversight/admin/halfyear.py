"""Half-year reports (seed 004: 25 June and 25 December) in the admin: create the draft (pre-filled from
the 履职评估 metrics), edit its sections, refresh its figures, sign it (then frozen), download the PDF
(marked 草稿 until signed)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin_base import ObjectActionsMixin, ServiceFormAdmin, adopt, intermediate_action
from core.scoping import department_of, is_platform_admin
from oversight import documents, services
from oversight.eval_scope import scope_departments
from oversight.evaluation_models import ReportState
from oversight.forms_eval import HalfYearCreateForm, HalfYearEditForm
from oversight.models import HalfYearReport

INFO_FIELDS = ("department", "year", "half", "due_on", "state", "figures_as_of", "figures_display", "pdf_link")
SIGN_FIELDS = ("signer_name", "signed_at")


class SignForm(forms.Form):
    confirm = forms.BooleanField(label=_("我已核对报告内容，签发后不能再修改"))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("按当前数据重新预填（不改变已填写的文字）"))


@admin.register(HalfYearReport)
class HalfYearReportAdmin(ObjectActionsMixin, ServiceFormAdmin):
    form = HalfYearEditForm
    list_display = (
        "__str__",
        "department",
        "year",
        "half",
        "due_on",
        "state",
        "figures_as_of",
        "signer_name",
        "signed_at",
    )
    list_filter = ("state", "year", "half")
    list_select_related = ("department",)
    actions = ["refresh", "sign"]

    def get_queryset(self, request):
        return scope_departments(super().get_queryset(request), request.user)

    def get_urls(self):
        pdf = path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="oversight_halfyearreport_pdf")
        return [pdf, *super().get_urls()]

    def pdf_view(self, request, pk):
        report = self.get_queryset(request).select_related("department").filter(pk=pk).first()
        if report is None or not self.has_view_permission(request, report):
            raise Http404
        response = HttpResponse(documents.half_year_pdf(report), content_type="application/pdf")
        suffix = "" if report.state == ReportState.SIGNED else "-草稿"
        response["Content-Disposition"] = content_disposition_header(False, f"{report}{suffix}.pdf")
        return response

    # --- display --------------------------------------------------------------------------------------

    @admin.display(description=_("报告"))
    def pdf_link(self, obj):
        label = "下载 PDF" if obj.state == ReportState.SIGNED else "下载 PDF（草稿）"
        return format_html('<a href="{}">{}</a>', reverse("admin:oversight_halfyearreport_pdf", args=[obj.pk]), label)

    @admin.display(description=_("预填数据（履职评估指标）"))
    def figures_display(self, obj):
        rows = (obj.figures or {}).get("rows", [])
        if not rows:
            return "-"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r["name"],
                    f"{r['numerator']}/{r['denominator']}" if r["denominator"] is not None else r["numerator"],
                    f"{r['value']}{r['unit']}" if r["value"] else "不适用",
                    r["score"] or "—",
                    r["exempted"],
                )
                for r in rows
            ),
        )
        head = "<tr><th>指标</th><th>分子/分母</th><th>指标值</th><th>参考得分</th><th>免责剔除</th></tr>"
        return format_html("<table>{}{}</table>", mark_safe(head), body)  # noqa: S308 (a constant)

    # --- forms ----------------------------------------------------------------------------------------

    def _editable(self, request, obj) -> bool:
        return obj.state == ReportState.DRAFT and (
            is_platform_admin(request.user) or request.user.department_id == obj.department_id
        )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = HalfYearCreateForm
        elif not self._editable(request, obj):
            kwargs["fields"] = ()
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return HalfYearCreateForm.Meta.fields
        sections = HalfYearEditForm.Meta.fields
        return (*INFO_FIELDS, *sections, *(SIGN_FIELDS if obj.state == ReportState.SIGNED else ()))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if self._editable(request, obj):
            return INFO_FIELDS
        return (*INFO_FIELDS, *HalfYearEditForm.Meta.fields, *SIGN_FIELDS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not is_platform_admin(request.user):
            department = department_of(request.user)
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=department.pk if department else None)
            kwargs["initial"] = department
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._editable(request, obj))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            service = services.half_year_report_edit if change else services.half_year_report_create
            saved = service(**form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    # --- actions --------------------------------------------------------------------------------------

    def owns(self, request, obj) -> bool:
        return obj is None or self._editable(request, obj)

    def object_actions(self, request, obj):
        actions = [("refresh", _("重新预填数据"))]
        if request.user.has_perm("oversight.sign_halfyearreport"):
            actions.append(("sign", _("签发")))
        return actions

    @admin.action(description=_("重新预填数据（草稿）"), permissions=["change"])
    def refresh(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(state=ReportState.DRAFT),
            form_class=ConfirmForm,
            title=_("重新预填数据"),
            apply=lambda obj, data: services.half_year_report_refresh(actor=request.user, report=obj),
            done=_("已重新预填"),
        )

    @admin.action(description=_("签发"), permissions=["sign"])
    def sign(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=SignForm,
            title=_("签发半年报告"),
            apply=lambda obj, data: services.half_year_report_sign(actor=request.user, report=obj),
            done=_("已签发"),
            single=True,
            note=_("签发后报告冻结，文字和数据都不能再修改；PDF 不再标注“草稿”。"),
        )

    def has_sign_permission(self, request):
        return request.user.has_perm("oversight.sign_halfyearreport")
