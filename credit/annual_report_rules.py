"""The annual report's consequences in credit (issue 14 §3), registered from ``CreditConfig.ready``.

- ``NoAnnualReport``: from 1 July, an active reporting entity without last year's report gets one
  经营异常名录 proposal (ground 未按规定期限报送年度报告, 《企业经营异常名录管理暂行办法》第四条第（一）项), for its
  registration authority to confirm within the ABNORMAL_LISTING deadline (10 working days, 第六条,
  supervision.deadlines). One set-based INSERT over the roster; keyed by ``source_ref``, so a rerun raises
  nothing twice.
- ``exit_on_late_filing``: a late report filed while the entity is listed for that ground raises the exit
  application by itself (第十一条: 补报 → apply to leave), through ``list_exit_apply``.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from core import audit
from credit.choices import ExitState, ListGround, ListType
from credit.models import ListEntry, ListProposal
from credit.services.list_exits import list_exit_apply
from credit.warning_rules import WarningRule
from supervision.annual_report_pdf import report_pdf
from supervision.annual_reports import filing_deadline, is_late
from supervision.choices import DeadlineKind, EntityStatus, EntityType
from supervision.deadlines import Due, due
from supervision.models import AnnualReport

# Who is listed on 经营异常名录 for a missing report: enterprises, and 农民专业合作社 (农民专业合作社年度报告
# 公示暂行办法第十三条). 个体工商户 are marked 经营异常状态 under their own rules (个体工商户年度报告暂行办法
# 第十三条), which this platform does not model as a list.
LISTED_TYPES = (EntityType.ENTERPRISE, EntityType.COOPERATIVE)
SOURCE_REF = "年度报告 {year} #"  # + USCC: one proposal per entity and year

logger = logging.getLogger("credit.annual_reports")


def overdue_year(today: dt.date) -> int | None:
    """The report year whose 30 June deadline has passed in ``today``'s season, or None before 1 July."""
    year = today.year - 1
    return year if today > filing_deadline(year) else None


class NoAnnualReport(WarningRule):
    """未按规定期限报送年度报告 → a 经营异常名录 proposal (no per-entity warning: the proposals are the worklist)."""

    code = "NO_ANNUAL_REPORT"
    description = "未按规定期限（6月30日前）报送上一年度年度报告，建议列入经营异常名录"
    types_sql = ", ".join(f"'{t.value}'" for t in LISTED_TYPES)
    proposal_sql = f"""
        INSERT INTO credit_listproposal (uscc, source_entry_id, source_ref, reason, list_type, ground, department_id, state, created_at)
        SELECT e.uscc, NULL, %(source_ref)s || e.uscc,
               format('未按规定期限（%%s 前）报送%%s年度报告', to_char(%(deadline)s::date, 'YYYY-MM-DD'), %(year)s),
               '{ListType.ABNORMAL.value}', '{ListGround.NO_ANNUAL_REPORT.value}', e.registration_authority_id, 'pending', %(now)s
        FROM supervision_marketentity e
        WHERE e.status = '{EntityStatus.ACTIVE.value}' AND e.entity_type IN ({types_sql})
          AND e.registration_authority_id IS NOT NULL
          AND (e.established_on IS NULL OR e.established_on <= %(year_end)s)
          AND NOT EXISTS (SELECT 1 FROM supervision_annualreport r WHERE r.uscc = e.uscc AND r.year = %(year)s)
          AND NOT EXISTS (SELECT 1 FROM credit_listentry l
                           WHERE l.uscc = e.uscc AND l.list_type = '{ListType.ABNORMAL.value}' AND l.removed_on IS NULL)
        ON CONFLICT (source_ref, list_type) WHERE source_ref <> '' DO NOTHING
        RETURNING id
    """  # noqa: S608  (choice values are constants; values are bound parameters)

    def run(self, *, today, now) -> int:
        self.raised_proposals = 0
        year = overdue_year(today)
        if year is None:
            return 0
        params = {
            "year": year,
            "year_end": dt.date(year, 12, 31),
            "deadline": filing_deadline(year),
            "source_ref": SOURCE_REF.format(year=year),
            "now": now,
        }
        with connection.cursor() as cursor:
            cursor.execute(self.proposal_sql, params)
            proposals = sorted(row[0] for row in cursor.fetchall())
        self.raised_proposals = len(proposals)
        if proposals:
            audit.record(
                actor="task:risk_scan",
                action="annual_report.missing",
                target=("credit.listproposal", f"annual_report:{year}:{today:%Y-%m-%d}"),
                target_label=f"未按期报送{year}年度报告，提出列入经营异常名录建议 {len(proposals)} 条",
                after={"year": year, "list_proposals": proposals},
            )
        return 0  # no warnings: the proposals are the registration authority's worklist


def proposal_confirm_due(proposal: ListProposal) -> Due | None:
    """A 经营异常名录 proposal's confirmation deadline: the ABNORMAL_LISTING working days (10 nationally,
    《企业经营异常名录管理暂行办法》第六条) from the day it was raised, from the deadlines data."""
    if proposal.list_type != ListType.ABNORMAL:
        return None
    try:
        return due(
            DeadlineKind.ABNORMAL_LISTING,
            timezone.localtime(proposal.created_at).date(),
            department=proposal.department_id,
        )
    except LookupError:
        return None


def exit_on_late_filing(sender, report: AnnualReport, actor, **kwargs):
    """Receiver of ``supervision.signals.annual_report_filed``: a late report by an entity listed for not
    filing it applies to leave the list, with the report as its evidence (inside the filing's transaction)."""
    if not report.late:
        return
    entry = (
        ListEntry.objects.filter(
            entity_id=report.entity_id,
            list_type=ListType.ABNORMAL,
            ground=ListGround.NO_ANNUAL_REPORT,
            removed_on__isnull=True,
        )
        .exclude(exit_applications__state=ExitState.SUBMITTED)
        .first()
    )
    if entry is None:
        return
    today = timezone.localdate()
    owed = {year for year in range(entry.listed_on.year - 1, today.year) if is_late(year, today)} - {report.year}
    filed = set(AnnualReport.objects.filter(entity_id=report.entity_id, year__in=owed).values_list("year", flat=True))
    if owed - filed:
        return  # the duty is not fulfilled yet: another overdue year is still missing
    filed_on = timezone.localtime(report.filed_at).date()
    try:
        list_exit_apply(
            actor=actor,
            entry=entry,
            applicant_name=report.filed_by or report.entity.name,
            contact_phone=report.phone,
            contact_email=report.email,
            reason=f"已于 {filed_on} 补报{report.year}年度报告（年度报告 #{report.pk}，逾期补报），"
            "已履行报送年度报告义务，申请移出经营异常名录（《企业经营异常名录管理暂行办法》第十一条）。",
            channel="enterprise",
            evidence_files=[
                ContentFile(report_pdf(report), name=f"annual-report-{report.entity_id}-{report.year}.pdf")
            ],
        )
    except ValidationError:
        # The report stands whatever happens to the application; the entity can still apply itself.
        logger.exception("annual report %s: the list exit application could not be raised", report.pk)
