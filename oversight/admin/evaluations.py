"""履职评估 in the admin: run an evaluation (platform administrator), read its results (each value a
link to the rows behind it), download the XLSX workbook and each department's PDF.

Scope: an official sees the results of their department's subtree; the platform administrator and
the 监督人员 see every department (``oversight.eval_scope``).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.admin_base import show_refusal
from core.scoping import is_platform_admin
from oversight import documents, metrics, services
from oversight.eval_scope import scope_departments
from oversight.forms_eval import EvaluationRunForm
from oversight.models import Evaluation, EvaluationResult, EvaluationTotal
from oversight.report_data import evaluation_facts
from oversight.workbook import evaluation_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "period_kind",
        "as_of",
        "indicator_set",
        "include_subtree",
        "department_count",
        "run_at",
        "run_label",
    )
    list_filter = ("period_kind", "indicator_set")
    list_select_related = ("indicator_set",)
    date_hierarchy = "period_start"

    def has_add_permission(self, request):
        return super().has_add_permission(request) and is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/xlsx/", view(self.xlsx_view), name="oversight_evaluation_xlsx"),
            path("<int:pk>/pdf/<int:department_id>/", view(self.pdf_view), name="oversight_evaluation_pdf"),
            *super().get_urls(),
        ]

    # --- run ------------------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EvaluationRunForm(request.POST or None, actor=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                evaluation = services.evaluation_run(**form.service_kwargs())
            except ValidationError as exc:  # a race after the dry run
                show_refusal(request, exc)
            else:
                messages.success(request, f"已完成{evaluation}，参评部门 {evaluation.department_count} 个")
                return HttpResponseRedirect(reverse("admin:oversight_evaluation_change", args=[evaluation.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("运行履职评估"),
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/oversight/evaluation_run.html", context)

    # --- results --------------------------------------------------------------------------------------

    def _evaluation(self, request, pk) -> Evaluation:
        evaluation = Evaluation.objects.select_related("indicator_set", "run_by").filter(pk=pk).first()
        if evaluation is None or not self.has_view_permission(request, evaluation):
            raise Http404
        return evaluation

    def _totals(self, request, evaluation):
        return list(
            scope_departments(EvaluationTotal.objects.filter(evaluation=evaluation), request.user)
            .select_related("department")
            .order_by("level", "rank", "department__code")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            evaluation = self._evaluation(request, int(object_id))
        except ValueError as exc:
            raise Http404 from exc
        totals = self._totals(request, evaluation)
        ids = [t.department_id for t in totals]
        results = (
            EvaluationResult.objects.filter(evaluation=evaluation, department_id__in=ids)
            .select_related("indicator")
            .order_by("indicator__order", "indicator__code")
        )
        indicators, cells = [], {}
        for r in results:
            spec = metrics.REGISTRY.get(r.indicator.metric)
            if r.value is None:
                r.shown = None
            elif spec and spec.unit == metrics.COUNT:
                r.shown = f"{int(r.value)} 件"
            else:
                r.shown = f"{r.value}%"
            if r.indicator not in indicators:
                indicators.append(r.indicator)
            cells[(r.department_id, r.indicator_id)] = r
        matrix = [{"total": t, "cells": [cells.get((t.department_id, i.pk)) for i in indicators]} for t in totals]
        chosen = request.GET.get("department")
        selected = next((t for t in totals if str(t.department_id) == chosen), totals[0] if totals else None)
        detail = [cells.get((selected.department_id, i.pk)) for i in indicators] if selected else []
        context = {
            **self.admin_site.each_context(request),
            "title": str(evaluation),
            "opts": self.model._meta,
            "evaluation": evaluation,
            "indicators": indicators,
            "matrix": matrix,
            "selected": selected,
            "detail": [d for d in detail if d is not None],
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/oversight/evaluation_result.html", context)

    # --- downloads ------------------------------------------------------------------------------------

    def xlsx_view(self, request, pk):
        evaluation = self._evaluation(request, pk)
        departments = [t.department for t in self._totals(request, evaluation)]
        department_id = request.GET.get("department")
        if department_id:
            departments = [d for d in departments if str(d.pk) == department_id]
            if not departments:
                raise Http404
        response = HttpResponse(evaluation_workbook(evaluation, departments), content_type=XLSX)
        name = f"履职评估-{evaluation.period_start}至{evaluation.period_end}-{evaluation.pk}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def pdf_view(self, request, pk, department_id):
        evaluation = self._evaluation(request, pk)
        visible = {t.department_id: t.department for t in self._totals(request, evaluation)}
        department = visible.get(department_id)
        if department is None:
            raise Http404
        pdf = documents.evaluation_pdf(evaluation_facts(evaluation, department))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"履职评估报告-{department.name}-{evaluation.period_start}至{evaluation.period_end}.pdf"
        response["Content-Disposition"] = content_disposition_header(False, name)
        return response
