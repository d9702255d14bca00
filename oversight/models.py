"""Oversight data (issue 17). Every figure here is derived from the stored facts or entered through a
service in ``oversight.services``; nothing is edited in place."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import deadline_items
from supervision.models import Department


class DailyFigure(models.Model):
    """One day's figure of one metric (每日统计快照), per department, region and industry where they apply.

    Written set-based by ``oversight.aggregates`` for a day (the 03:00 job) or a range (backfill). A run
    replaces the day's rows of the metrics it computes, so a rerun gives the same rows. ``key`` holds
    the metric's own dimension, e.g. a grade, ``category|severity`` or a deadline kind.
    """

    day = models.DateField(_("统计日期"))
    metric = models.CharField(_("指标"), max_length=40)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True, default="")
    industry = models.CharField(_("行业"), max_length=5, blank=True, default="")
    key = models.CharField(_("分项"), max_length=80, blank=True, default="")
    value = models.BigIntegerField(_("数值"))

    class Meta:
        verbose_name = _("每日统计")
        verbose_name_plural = _("每日统计")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "metric", "department", "region_code", "industry", "key"],
                name="daily_figure_once",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="daily_figure_metric_day_idx")]

    def __str__(self):
        return f"{self.day} {self.metric} {self.key} = {self.value}"


class ExemptionState(models.TextChoices):
    SUBMITTED = "submitted", _("待上级审核")
    ACCEPTED = "accepted", _("已认可")
    REJECTED = "rejected", _("不予认可")


class ExemptionReason(models.TextChoices):
    HOLIDAY_NOTICE = "holiday_notice", _("节假日调休或放假通知")
    FORCE_MAJEURE = "force_majeure", _("不可抗力")
    PARTY_CAUSE = "party_cause", _("当事人原因")
    SYSTEM_OUTAGE = "system_outage", _("系统故障")
    OTHER = "other", _("其他")


class DutyExemption(models.Model):
    """A documented reason (尽职免责) attached to a late deadline item, accepted or rejected by a superior.

    The item is ``(kind, object_id)`` of core.deadline_items. An accepted reason takes the item out of
    the on-time rate of 履职评估 and is listed in the report (seed 001/002: 尽职免责).
    """

    kind = models.CharField(_("事项类型"), max_length=40)
    object_id = models.BigIntegerField(_("事项编号"))
    department = models.ForeignKey(
        Department, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="duty_exemptions"
    )
    reason_kind = models.CharField(_("免责事由"), max_length=20, choices=ExemptionReason.choices)
    reason = models.TextField(_("情况说明"))
    evidence = models.FileField(_("证明材料"), upload_to="exemptions/%Y/%m/", blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("提交时间"))
    state = models.CharField(_("状态"), max_length=16, choices=ExemptionState.choices, default=ExemptionState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("尽职免责说明")
        verbose_name_plural = _("尽职免责说明")
        ordering = ["-filed_at", "-id"]
        constraints = [
            # One live reason per item: a rejected one may be followed by a new one.
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="duty_exemption_one_live",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False), name="duty_exemption_decided_has_time"
            ),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="duty_exemption_item_idx")]

    def __str__(self):
        return f"尽职免责 {self.kind}#{self.object_id}（{self.get_state_display()}）"


class DirectiveState(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复待审核")
    RETURNED = "returned", _("已退回重办")
    CLOSED = "closed", _("已办结")


class Directive(models.Model):
    """A 督办: a superior presses a department on an overdue or at-risk item (issue 17 §4).

    The item is ``(kind, object_id)``: a kind of core.deadline_items, or ``warning`` for a risk
    warning. Issued by a platform administrator or an official of a parent department, answered by
    the responsible department within ``answer_due_on``, then closed or sent back by the issuer.
    """

    kind = models.CharField(_("督办事项类型"), max_length=40)
    object_id = models.BigIntegerField(_("事项编号"))
    department = models.ForeignKey(
        Department, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="directives"
    )
    issuing_department = models.ForeignKey(
        Department,
        verbose_name=_("督办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_directives",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("督办时间"))
    reason = models.TextField(_("督办事由"))
    answer_working_days = models.PositiveSmallIntegerField(_("答复期限（工作日）"))
    answer_due_on = models.DateField(_("答复期限"))
    # DOMAIN §6: a deadline counted past the holiday data is provisional until the 调休 are entered.
    answer_due_provisional = models.BooleanField(_("答复期限为暂定"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=DirectiveState.choices, default=DirectiveState.OPEN)
    answer = models.TextField(_("办理情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One live 督办 per item; a closed one may be followed by a new one.
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=~Q(state="closed"),
                name="directive_one_live",
            ),
            models.CheckConstraint(condition=Q(answer_working_days__gte=1), name="directive_days_positive"),
        ]
        indexes = [models.Index(fields=["department", "state"], name="directive_inbox_idx")]

    def __str__(self):
        labels = {s.kind: s.label for s in deadline_items.specs()} | {"warning": "风险预警"}
        return f"督办：{labels.get(self.kind, self.kind)} #{self.object_id}（{self.get_state_display()}）"


class DirectiveEvidence(models.Model):
    """A file the responsible department attaches to its answer to a 督办 (证明材料)."""

    directive = models.ForeignKey(Directive, verbose_name=_("督办"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="directives/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("督办答复证明材料")
        verbose_name_plural = _("督办答复证明材料")
        ordering = ["directive", "uploaded_at", "id"]

    def __str__(self):
        return self.name


# 履职评估 (issue 17 §3): indicator sets, evaluations and half-year reports live in their own module.
from oversight.evaluation_models import (  # noqa: E402
    Evaluation,
    EvaluationResult,
    EvaluationTotal,
    HalfYearReport,
    Indicator,
    IndicatorSet,
)

__all__ = [
    "DailyFigure",
    "Directive",
    "DirectiveEvidence",
    "DutyExemption",
    "Evaluation",
    "EvaluationResult",
    "EvaluationTotal",
    "HalfYearReport",
    "Indicator",
    "IndicatorSet",
]
