"""Leaving a list (issue 12 §4): the public exit application and the removal proposal.

Part of the ``credit.models`` package (its ``__init__`` imports every module so Django registers them).
The rules are ``credit.services.list_exits``'s.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credit.choices import ExitState, ListType, RemovalProposalState
from credit.models.base import CreditRecord, ListEntry, entity_key
from credit.models.remedies import PublicFiling
from supervision.models import Department


class ListExitApplication(PublicFiling):
    """An application to leave a list (移出经营异常名录 / 提前移出严重违法失信名单), decided by the listing department."""

    list_entry = models.ForeignKey(
        ListEntry, verbose_name=_("名单记录"), on_delete=models.PROTECT, related_name="exit_applications"
    )
    entity = entity_key("list_exit_applications")
    list_type = models.CharField(_("名单类型"), max_length=16, choices=ListType.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("作出列入决定的部门"),
        on_delete=models.PROTECT,
        related_name="list_exit_applications",
    )
    reason = models.TextField(_("申请理由（履行义务情况）"))
    state = models.CharField(_("状态"), max_length=16, choices=ExitState.choices, default=ExitState.SUBMITTED)
    # 经营异常名录: 5 working days (supervision.deadlines, ABNORMAL_REMOVAL); none is set by law here for the serious list.
    decide_due_on = models.DateField(_("决定期限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("期限暂定（节假日数据未覆盖）"), default=False)
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
        verbose_name = _("移出名单申请")
        verbose_name_plural = _("移出名单申请")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["list_entry"], condition=Q(state="submitted"), name="list_exit_one_open_per_entry"
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False), name="list_exit_decided_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(decision_reason=""), name="list_exit_refusal_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["state", "decide_due_on"], name="list_exit_open_due_idx")]

    def __str__(self):
        return f"移出申请 {self.tracking_no}"


class ListExitEvidence(models.Model):
    """One evidence file of a list exit application (proof that the duty is fulfilled)."""

    application = models.ForeignKey(
        ListExitApplication, verbose_name=_("移出申请"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("证明材料"), upload_to="list-exits/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("移出申请证明材料")
        verbose_name_plural = _("移出申请证明材料")

    def __str__(self):
        return self.file.name


class ListRemovalProposal(models.Model):
    """A proposal to remove an entry because the record it rests on was repaired or revoked (DOMAIN §3)."""

    entry = models.ForeignKey(
        ListEntry, verbose_name=_("名单记录"), on_delete=models.PROTECT, related_name="removal_proposals"
    )
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("所依据的信用记录"), on_delete=models.PROTECT, related_name="+"
    )
    entity = entity_key("list_removal_proposals")
    department = models.ForeignKey(
        Department,
        verbose_name=_("作出列入决定的部门"),
        on_delete=models.PROTECT,
        related_name="list_removal_proposals",
    )
    reason = models.CharField(_("建议理由"), max_length=500)
    state = models.CharField(
        _("状态"), max_length=16, choices=RemovalProposalState.choices, default=RemovalProposalState.PENDING
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("名单移出建议")
        verbose_name_plural = _("名单移出建议（依据记录已修复或撤销）")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["entry", "record"], name="list_removal_proposal_once")]

    def __str__(self):
        return f"建议将 {self.entity_id} 移出{self.entry.get_list_type_display()}"
