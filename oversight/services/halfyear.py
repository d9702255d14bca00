"""Half-year reports (seed 004: reported on 25 June and 25 December), pre-filled from the 履职评估 metrics.

A report is created for a department and a half-year with its figures computed from the stored facts
(``oversight.report_data.live_facts``) as of that day; while it is a draft, its free-text sections can
be edited and its figures refreshed; an official of the department signs it, after which it is frozen
(the service refuses, and a database trigger refuses any UPDATE or DELETE of a signed report).
"""

import datetime as dt
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.scoping import is_platform_admin
from core.workdays import working_days_between
from oversight.evaluation_models import Half, PeriodKind, ReportState
from oversight.models import HalfYearReport
from oversight.report_data import live_facts
from supervision.models import Department

# seed 004: the half-year reports are due on 25 June and 25 December.
DUE_DAY = {Half.FIRST: (6, 25), Half.SECOND: (12, 25)}
SECTIONS = ("summary", "problems", "next_steps")
SECTION_MAX = 20000
# The drafts are made this many working days before the due day, so the figures are in before officials
# write (issue 17 §3: pre-filled from the same data).
DRAFT_LEAD_WORKING_DAYS = 5


def half_period(year: int, half: str) -> tuple[dt.date, dt.date]:
    if half == Half.FIRST:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def due_on(year: int, half: str) -> dt.date:
    month, day = DUE_DAY[half]
    return dt.date(year, month, day)


def _may_write(actor, department_id) -> bool:
    if isinstance(actor, str):  # the platform itself ("task:…"): the scheduled drafts
        return True
    return is_platform_admin(actor) or (
        getattr(actor, "department_id", None) is not None and actor.department_id == department_id
    )


def _draft(report: HalfYearReport, actor) -> HalfYearReport:
    report = HalfYearReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.DRAFT:
        raise ValidationError("该半年报告已签发，不能再修改")
    if not _may_write(actor, report.department_id):
        raise ValidationError("只能修改本部门的半年报告")
    return report


def _facts(report_or_fields) -> dict:
    start, end = report_or_fields["period_start"], report_or_fields["period_end"]
    return live_facts(
        department=report_or_fields["department"],
        start=start,
        end=end,
        period_kind=PeriodKind.HALF,
        include_subtree=report_or_fields["include_subtree"],
    )


@transaction.atomic
def half_year_report_create(*, actor, department, year: int, half: str, include_subtree: bool = True) -> HalfYearReport:
    """The draft report of ``department`` for the half-year, its figures filled in as of today."""
    errors = {}
    if half not in Half.values:
        errors["half"] = "请选择上半年或下半年"
    if not (2000 <= int(year) <= 2100):
        errors["year"] = "年度无效"
    if not _may_write(actor, department.pk):
        errors["department"] = "只能为本部门创建半年报告"
    if errors:
        raise ValidationError(errors)
    if HalfYearReport.objects.filter(department=department, year=year, half=half).exists():
        raise ValidationError({"half": f"{department}{year}年{Half(half).label}报告已存在"})
    start, end = half_period(int(year), half)
    if start > timezone.localdate():
        raise ValidationError({"half": f"{year}年{Half(half).label}尚未开始"})
    fields = {"department": department, "period_start": start, "period_end": end, "include_subtree": include_subtree}
    facts = _facts(fields)
    now = timezone.now()
    report = HalfYearReport.objects.create(
        year=year,
        half=half,
        due_on=due_on(int(year), half),
        figures=facts,
        figures_as_of=dt.date.fromisoformat(facts["period"]["as_of"]),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        updated_at=now,
        **fields,
    )
    audit.record(actor=actor, action="half_year_report.create", target=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def half_year_report_refresh(*, actor, report: HalfYearReport) -> HalfYearReport:
    """Fill the draft's figures again from the stored facts, as of today."""
    report = _draft(report, actor)
    facts = _facts({f: getattr(report, f) for f in ("department", "period_start", "period_end", "include_subtree")})
    before = {"figures_as_of": report.figures_as_of.isoformat()}
    report.figures, report.figures_as_of = facts, dt.date.fromisoformat(facts["period"]["as_of"])
    report.updated_at = timezone.now()
    report.save(update_fields=["figures", "figures_as_of", "updated_at"])
    audit.record(
        actor=actor,
        action="half_year_report.refresh",
        target=report,
        before=before,
        after={"figures_as_of": report.figures_as_of.isoformat()},
    )
    return report


@transaction.atomic
def half_year_report_edit(*, actor, report: HalfYearReport, **sections) -> HalfYearReport:
    """Change the draft's free-text sections (``summary``, ``problems``, ``next_steps``)."""
    report = _draft(report, actor)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValidationError(f"未知的报告栏目：{'、'.join(sorted(unknown))}")
    errors = {name: f"不能超过 {SECTION_MAX} 字" for name, text in sections.items() if len(text or "") > SECTION_MAX}
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(report, name) for name in SECTIONS}
    for name, text in sections.items():
        setattr(report, name, (text or "").strip())
    report.updated_at = timezone.now()
    report.save(update_fields=[*sections, "updated_at"])
    audit.record(
        actor=actor,
        action="half_year_report.edit",
        target=report,
        before=before,
        after={name: getattr(report, name) for name in SECTIONS},
    )
    return report


def content_hash(report: HalfYearReport) -> str:
    """SHA-256 of what was signed: the figures and the three sections."""
    data = {"figures": report.figures, **{name: getattr(report, name) for name in SECTIONS}}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def half_year_report_sign(*, actor, report: HalfYearReport) -> HalfYearReport:
    """An official of the department signs the draft; it is frozen from then on."""
    report = _draft(report, actor)
    if getattr(actor, "department_id", None) != report.department_id or not actor.has_perm(
        "oversight.sign_halfyearreport"
    ):
        raise ValidationError("只有本部门有签发权限的监管人员可以签发半年报告")
    if not report.summary.strip():
        raise ValidationError({"summary": "请先填写“工作开展情况”再签发"})
    report.state = ReportState.SIGNED
    report.signed_by, report.signed_at = actor, timezone.now()
    report.signer_name = (actor.get_full_name() or actor.get_username())[:150]
    report.updated_at = report.signed_at
    report.save(update_fields=["state", "signed_by", "signed_at", "signer_name", "updated_at"])
    audit.record(
        actor=actor,
        action="half_year_report.sign",
        target=report,
        after={"signed_at": report.signed_at, "content_sha256": content_hash(report)},
    )
    return report


def half_due_soon(today: dt.date) -> tuple[int, str] | None:
    """``(year, half)`` whose report is due within ``DRAFT_LEAD_WORKING_DAYS`` working days of ``today``
    (the due day included), or None."""
    half = Half.FIRST if today.month <= 6 else Half.SECOND
    due = due_on(today.year, half)
    if today <= due and working_days_between(today, due) <= DRAFT_LEAD_WORKING_DAYS:
        return today.year, half
    return None


def half_year_drafts_prepare(*, actor, today: dt.date | None = None) -> dict:
    """The scheduled job: a draft for every active department lacking one, in the days before the due
    day; nothing otherwise. Running it again creates nothing new (one report per department and half)."""
    today = today or timezone.localdate()
    due = half_due_soon(today)
    if due is None:
        return {"created": 0, "existing": 0}
    year, half = due
    have = set(HalfYearReport.objects.filter(year=year, half=half).values_list("department_id", flat=True))
    created = 0
    for department in Department.objects.filter(active=True).exclude(pk__in=have).order_by("code"):
        try:
            half_year_report_create(actor=actor, department=department, year=year, half=half)
        except IntegrityError:  # made meanwhile by an official or another run
            continue
        created += 1
    return {"created": created, "existing": len(have)}
