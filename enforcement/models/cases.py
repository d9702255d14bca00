"""Enforcement cases (行政执法案件): handlers, the full record (events, documents), proposals and 法制审核."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.search import CjkTsvector
from credit.choices import PenaltyType
from credit.models import entity_key
from enforcement.choices import CaseOutcome, CaseSource, CaseStage, Circumstance, ReviewResult
from enforcement.models.complaints import Complaint
from enforcement.models.fields import MONEY
from enforcement.models.standards import DiscretionStandard
from supervision.models import Department, Inspector


class Case(models.Model):
    """An administrative enforcement case (行政执法案件) from 立案 to 结案, with its full record."""

    number = models.CharField(_("案件编号"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("办案部门"), on_delete=models.PROTECT, related_name="cases"
    )
    entity = entity_key("cases", _("当事人统一社会信用代码"))
    party_name = models.CharField(_("当事人"), max_length=200)
    # A natural-person party who is a minor: the decision is never published (DOMAIN §5).
    party_is_minor = models.BooleanField(_("当事人为未成年人"), default=False)
    title = models.CharField(_("案由"), max_length=300)
    source = models.CharField(_("案件来源"), max_length=16, choices=CaseSource.choices)
    source_complaint = models.ForeignKey(
        Complaint, verbose_name=_("来源投诉举报"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    source_result = models.ForeignKey(
        "inspections.InspectionResult",
        verbose_name=_("来源检查结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source_warning = models.ForeignKey(
        "credit.RiskWarning",
        verbose_name=_("来源风险预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source_note = models.CharField(
        _("来源说明"), max_length=300, blank=True, help_text=_("监测发现的线索、移送机关及文号等")
    )
    standard = models.ForeignKey(
        DiscretionStandard,
        verbose_name=_("适用裁量基准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    is_major = models.BooleanField(_("重大执法决定"), default=False, help_text=_("须经法制审核通过方可作出决定"))
    handlers = models.ManyToManyField(
        Inspector, verbose_name=_("承办人员"), through="CaseHandler", related_name="cases"
    )
    stage = models.CharField(_("当前环节"), max_length=16, choices=CaseStage.choices, default=CaseStage.FILED)
    filed_on = models.DateField(_("立案日期"))
    outcome = models.CharField(_("办理结果"), max_length=24, choices=CaseOutcome.choices, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 告知 and the party's answer (issue 12 §6; 行政处罚法 第六十四条): see enforcement.case_rules.
    notice_served_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    rights_waived_on = models.DateField(_("当事人书面放弃陈述申辩和听证日期"), null=True, blank=True)
    statement_on = models.DateField(_("当事人陈述申辩日期"), null=True, blank=True)
    hearing_requested_on = models.DateField(_("当事人申请听证日期"), null=True, blank=True)
    hearing_record_on = models.DateField(_("听证笔录归档日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")
        ordering = ["-filed_on", "-id"]
        indexes = [
            models.Index(fields=["department", "stage"], name="case_dept_stage_idx"),
            # The admin list in its order, all and one department's (issue 16 §3).
            models.Index(fields=["-filed_on", "-id"], name="case_list_idx"),
            models.Index(fields=["department", "-filed_on", "-id"], name="case_dept_list_idx"),
            # The admin's search: words of the number, the party or the cause, each through its bigram
            # index (core.search). A scan of 500,000 cases for a word took 0.24 s, twice a page.
            GinIndex(CjkTsvector("number"), name="case_number_cjk_gin"),
            GinIndex(CjkTsvector("party_name"), name="case_party_cjk_gin"),
            GinIndex(CjkTsvector("title"), name="case_title_cjk_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage=CaseStage.CLOSED) | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="case_closed_has_outcome",
            ),
            # The party answers a notice that was served; a hearing record follows a hearing request.
            models.CheckConstraint(
                condition=Q(notice_served_on__isnull=False)
                | (
                    Q(rights_waived_on__isnull=True)
                    & Q(statement_on__isnull=True)
                    & Q(hearing_requested_on__isnull=True)
                ),
                name="case_answer_after_notice",
            ),
            models.CheckConstraint(
                condition=Q(hearing_record_on__isnull=True) | Q(hearing_requested_on__isnull=False),
                name="case_hearing_record_after_request",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.party_name}"


class CaseHandler(models.Model):
    """A handler (承办人员) of a case: a certified officer of the case's department."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="handler_links")
    inspector = models.ForeignKey(Inspector, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("主办人"), default=False)

    class Meta:
        verbose_name = _("承办人员")
        verbose_name_plural = _("承办人员")
        constraints = [models.UniqueConstraint(fields=["case", "inspector"], name="case_handler_once")]

    def __str__(self):
        return self.inspector.name


class CaseEvent(models.Model):
    """One step of a case's full record (全程记录): who, when, which transition, the note, the documents."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_stage = models.CharField(_("原环节"), max_length=16, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(_("新环节"), max_length=16, choices=CaseStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人（显示）"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录（全程记录）")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case.number} {self.get_to_stage_display()}"


class CaseDocument(models.Model):
    """A document attached to a case step (立案审批表, 询问笔录, 告知书, 送达回证 …)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("办理记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("文书名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("案卷文书")
        verbose_name_plural = _("案卷文书")
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self):
        return self.title


class CaseProposal(models.Model):
    """The proposed decision (拟作出的行政处罚) the handlers put to 法制审核 and to the party in the 告知."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="proposals")
    penalty_types = ArrayField(
        models.CharField(max_length=32, choices=PenaltyType.choices), verbose_name=_("拟处罚种类")
    )
    fine_amount = models.DecimalField(_("拟罚款金额（元）"), default=0, **MONEY)
    confiscation_amount = models.DecimalField(_("拟没收金额（元）"), default=0, **MONEY)
    circumstance = models.CharField(
        _("裁量情节"), max_length=16, choices=Circumstance.choices, default=Circumstance.GENERAL
    )
    legal_basis = models.TextField(_("处罚依据"))
    out_of_range_reason = models.TextField(_("超出裁量基准的书面说明"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提出时间"))

    class Meta:
        verbose_name = _("拟处罚意见")
        verbose_name_plural = _("拟处罚意见")
        ordering = ["case", "-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(penalty_types=[]), name="proposal_has_penalty_type"),
            models.CheckConstraint(
                condition=Q(fine_amount__gte=0) & Q(confiscation_amount__gte=0), name="proposal_amounts_non_negative"
            ),
        ]

    def __str__(self):
        return f"{self.case.number} 拟处罚意见"


class LegalReview(models.Model):
    """A 法制审核 of a case by a legal reviewer (法制审核人员) who is not one of its handlers."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="legal_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("法制审核人员"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("审核意见"), max_length=16, choices=ReviewResult.choices)
    opinion = models.TextField(_("审核意见书"))
    reviewed_at = models.DateTimeField(_("审核时间"))

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["case", "-reviewed_at"]

    def __str__(self):
        return f"{self.case.number} {self.get_result_display()}"
