"""Answering a correction order (责令改正) from the entity side (issue 14 §3).

The entity sees its orders, each with its due date, state, the inspection result it comes from and
every answer it gave (with the department's reasons when one was returned), and answers an open order
with a statement and its rectification evidence. The rules are ``inspections.services.corrections``';
every query starts from ``request.entity``, so another entity's order is a 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from core.forms import EVIDENCE_MAX_FILES, EvidenceField, add_service_errors
from enterprise.access import entity_required
from inspections import services
from inspections.models import CorrectionOrder


class CorrectionAnswerForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("整改情况说明"),
        max_length=services.STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("说明已按要求改正的情况，例如已在国家企业信用信息公示系统补充公示的信息及日期"),
    )
    evidence = EvidenceField(
        label=gettext_lazy("整改证明材料"),
        help_text=format_lazy(gettext_lazy("PDF、JPG 或 PNG，最多 {n} 个文件，每个不超过 10 MB"), n=EVIDENCE_MAX_FILES),
    )


def entity_orders(entity):
    return CorrectionOrder.objects.filter(entity=entity).select_related(
        "department", "result__task__plan", "result__department"
    )


@entity_required
def correction_list(request):
    orders = entity_orders(request.entity).order_by("-due_on", "-pk")
    return render(request, "enterprise/correction_list.html", {"orders": orders, "nav": "corrections"})


@entity_required
def correction_detail(request, pk):
    order = get_object_or_404(entity_orders(request.entity), pk=pk)
    if request.method == "POST":
        form = CorrectionAnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.correction_respond(
                    actor=request.user,
                    order=order,
                    entity=request.entity,
                    statement=form.cleaned_data["statement"],
                    files=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"files": "evidence", "order": None})
            else:
                messages.success(
                    request,
                    gettext("整改材料已提交，请等待%(department)s审核。") % {"department": order.department.name},
                )
                return redirect("enterprise:correction", pk=order.pk)
    else:
        form = CorrectionAnswerForm()
    responses = order.responses.prefetch_related("evidence").order_by("-submitted_at")
    return render(
        request,
        "enterprise/correction_detail.html",
        {
            "order": order,
            "result": order.result,
            "responses": responses,
            "problem": services.answer_problem(order),
            "form": form,
            "nav": "corrections",
        },
    )
