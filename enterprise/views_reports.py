"""The annual report on the entity side (issue 14 §3): the status of each year, the form for an open year
(pre-filled from last year's report and the roster), and corrections until 30 June. Post/redirect/get."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprise.access import entity_required
from enterprise.forms_reports import AnnualReportForm, initial_from
from supervision import annual_reports as ar
from supervision.models import AnnualReport


@entity_required
def report_list(request):
    entity, today = request.entity, timezone.localdate()
    reports = list(AnnualReport.objects.filter(entity=entity).order_by("-year"))
    rows = ar.filing_status(entity, reports, today)
    for row in rows:
        report = row["report"]
        row["can_file"] = report is None and row["state"] in (ar.FilingState.DUE, ar.FilingState.OVERDUE)
        row["can_correct"] = report is not None and ar.correction_open(report, today)
    context = {
        "nav": "annual_report",
        "rows": rows,
        "due_year": ar.due_year(today),
        "deadline": ar.filing_deadline(ar.due_year(today)),
        "opens_on": ar.filing_opens_on(ar.due_year(today)),
    }
    return render(request, "enterprise/annual_report_list.html", context)


@entity_required
def report_form(request, year: int):
    """File the report for ``year`` (an open year), or correct the filed one until 30 June."""
    entity, today = request.entity, timezone.localdate()
    report = AnnualReport.objects.filter(entity=entity, year=year).first()
    kind = report.kind if report else ar.report_kind(entity)
    if report is None and year not in ar.open_years(entity, today):
        raise Http404(_("该年度不可报送"))
    correcting = report is not None
    if correcting and not ar.correction_open(report, today):
        return render(
            request,
            "enterprise/annual_report_view.html",
            {
                "nav": "annual_report",
                "section": {"reports": [ar.public_view(report, full=True)]},
                "deadline": ar.filing_deadline(year),
            },
        )
    if request.method == "POST":
        form = AnnualReportForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                if correcting:
                    ar.annual_report_correct(actor=request.user, report=report, data=form.report_data(), today=today)
                    messages.success(
                        request, _("%(year)s年度报告已更正，更正内容及日期将向社会公示。") % {"year": year}
                    )
                else:
                    filed = ar.annual_report_file(
                        actor=request.user,
                        entity=entity,
                        year=year,
                        data=form.report_data(),
                        filed_by=request.account.full_name,
                        today=today,
                    )
                    note = _("（逾期补报）") if filed.late else ""
                    messages.success(
                        request,
                        _("%(year)s年度报告已报送%(note)s，将在本主体的公示页面公示。") % {"year": year, "note": note},
                    )
                return redirect("enterprise:annual-reports")
            except ValidationError as error:
                form.add_service_errors(error)
    else:
        previous = report or AnnualReport.objects.filter(entity=entity, year__lt=year).order_by("-year").first()
        form = AnnualReportForm(initial=initial_from(previous, entity, same_year=correcting), kind=kind)
    context = {
        "nav": "annual_report",
        "form": form,
        "year": year,
        "kind_label": AnnualReport(kind=kind).get_kind_display(),
        "correcting": correcting,
        "report": report,
        "deadline": ar.filing_deadline(year),
        "late": ar.is_late(year, today),
    }
    return render(request, "enterprise/annual_report_form.html", context)
