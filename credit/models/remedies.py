"""Remedies (信用修复 and 异议): the public filing base, credit commitments, repair applications with their
evidence, and objections.

Part of the ``credit.models`` package (its ``__init__`` imports every module so Django registers them).
The rules are ``credit.services``' (``commitments``, ``repair``, ``objections``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.query_codes import QueryCodeFields
from credit.choices import CommitmentState, CommitmentType, ObjectionOutcome, ObjectionState, RepairState
from credit.models.base import CreditRecord, ListEntry, entity_key
from supervision.models import Department


class PublicFiling(QueryCodeFields):
    """What every public filing has: a tracking number, a query code (kept keyed, core.query_codes) and
    confidential contact details that no public page or response ever shows."""

    tracking_no = models.CharField(_("受理编号"), max_length=32, unique=True)
    applicant_name = models.CharField(_("申请人"), max_length=100)
    # Confidential (DOMAIN §5, API.md): never on a public page, the public API or a public export.
    contact_phone = models.CharField(_("联系电话（保密）"), max_length=32)
    contact_email = models.CharField(_("电子邮箱（保密）"), max_length=100, blank=True)
    filed_at = models.DateTimeField(_("提交时间"))
    channel = models.CharField(
        _("提交渠道"), max_length=16, default="web", help_text=_("web 网站、api 接口、admin 窗口代录")
    )

    class Meta:
        abstract = True


class CreditCommitment(QueryCodeFields):
    """A written credit commitment (信用承诺); fulfilled or broken, it becomes a credit record."""

    tracking_no = models.CharField(_("承诺编号"), max_length=32, unique=True)
    entity = entity_key("commitments")
    commitment_type = models.CharField(_("承诺类型"), max_length=32, choices=CommitmentType.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("受理（监管）部门"), on_delete=models.PROTECT, related_name="commitments"
    )
    content = models.TextField(_("承诺内容"))
    matter = models.CharField(
        _("涉及事项"), max_length=200, blank=True, help_text=_("审批替代型：所办理的审批事项；行业自律型：行业组织名称")
    )
    related_record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("所修复的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_commitments",
    )
    signatory = models.CharField(_("承诺人（签署人）"), max_length=100)
    # Confidential: never public.
    contact_phone = models.CharField(_("联系电话（保密）"), max_length=32, blank=True)
    made_on = models.DateField(_("作出日期"))
    due_on = models.DateField(_("履约期限"))
    evidence = models.FileField(_("履约证明材料"), upload_to="commitments/", blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=CommitmentState.choices, default=CommitmentState.IN_PROGRESS
    )
    resolved_on = models.DateField(_("认定日期"), null=True, blank=True)
    resolution_note = models.CharField(_("认定说明"), max_length=500, blank=True)
    result_record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("形成的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("作出渠道"), max_length=16, default="web")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")
        ordering = ["-made_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("made_on")), name="commitment_due_after_made"),
            models.CheckConstraint(
                condition=Q(state=CommitmentState.IN_PROGRESS) | Q(resolved_on__isnull=False),
                name="commitment_resolved_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="commitment_state_due_idx")]

    def __str__(self):
        return f"{self.get_commitment_type_display()} {self.tracking_no}"


class RepairApplication(PublicFiling):
    """An application to repair a record (信用修复): stop its publication early (谁认定、谁修复)."""

    record = models.ForeignKey(
        CreditRecord, verbose_name=_("信用记录"), on_delete=models.PROTECT, related_name="repair_applications"
    )
    entity = entity_key("repair_applications")
    department = models.ForeignKey(
        Department,
        verbose_name=_("认定部门（修复决定部门）"),
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    reason = models.TextField(_("申请理由（履行义务、纠正失信行为情况）"))
    commitment = models.ForeignKey(
        CreditCommitment, verbose_name=_("信用修复承诺"), on_delete=models.PROTECT, related_name="repair_applications"
    )
    state = models.CharField(_("状态"), max_length=16, choices=RepairState.choices, default=RepairState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-filed_at", "-id"]
        constraints = [
            # One open application per record.
            models.UniqueConstraint(
                fields=["record"], condition=Q(state="submitted"), name="repair_one_open_per_record"
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False), name="repair_decided_has_time"
            ),
        ]

    def __str__(self):
        return f"修复申请 {self.tracking_no}"


class RepairEvidence(models.Model):
    """One evidence file of a repair application."""

    application = models.ForeignKey(
        RepairApplication, verbose_name=_("修复申请"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("证明材料"), upload_to="repairs/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("修复证明材料")
        verbose_name_plural = _("修复证明材料")

    def __str__(self):
        return self.file.name


class Objection(PublicFiling):
    """An objection (异议申诉) to a record or a list entry, handled against working-day deadlines."""

    record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    list_entry = models.ForeignKey(
        ListEntry,
        verbose_name=_("名单记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    entity = entity_key("objections")
    department = models.ForeignKey(
        Department, verbose_name=_("处理部门"), on_delete=models.PROTECT, related_name="objections"
    )
    reason = models.TextField(_("异议理由"))
    # issue 18 §1.9: what the applicant says the record should read, only the fields they changed.
    proposed_corrections = models.JSONField(_("申请人提出的更正内容"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=ObjectionState.choices, default=ObjectionState.SUBMITTED)
    accept_due_on = models.DateField(_("受理期限"))
    decide_due_on = models.DateField(_("办结期限"))
    deadline_provisional = models.BooleanField(_("期限暂定（节假日数据未覆盖）"), default=False)
    accepted_at = models.DateTimeField(_("受理（不予受理）时间"), null=True, blank=True)
    accept_reason = models.TextField(_("受理意见"), blank=True)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=ObjectionOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("处理理由"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("异议申诉")
        verbose_name_plural = _("异议申诉")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & Q(list_entry__isnull=True))
                | (Q(record__isnull=True) & Q(list_entry__isnull=False)),
                name="objection_record_xor_entry",
            ),
            models.CheckConstraint(
                condition=Q(decide_due_on__gte=F("accept_due_on")), name="objection_deadlines_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(state="decided") | ~Q(outcome=""), name="objection_decided_has_outcome"
            ),
        ]
        indexes = [models.Index(fields=["state", "decide_due_on"], name="objection_open_due_idx")]

    def __str__(self):
        return f"异议 {self.tracking_no}"


class ObjectionEvidence(models.Model):
    """One evidence file of an objection (issue 18 §1.9), as a repair application's (RepairEvidence)."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("异议申诉"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("证明材料"), upload_to="objections/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议证明材料")
        verbose_name_plural = _("异议证明材料")

    def __str__(self):
        return self.file.name
