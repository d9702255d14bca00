"""Risk warnings raised by the nightly scan (credit.scan) and the scan runs themselves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credit.choices import RunState, WarningDisposition, WarningState
from credit.models.base import entity_key
from supervision.models import Department


class RiskWarning(models.Model):
    """A warning (预警) raised by a risk-scan rule into a department's inbox."""

    rule_code = models.CharField(_("规则代码"), max_length=40)
    dedupe_key = models.CharField(_("去重键"), max_length=120)
    entity = entity_key("risk_warnings")
    department = models.ForeignKey(
        Department, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="risk_warnings"
    )
    message = models.CharField(_("预警内容"), max_length=500)
    state = models.CharField(_("状态"), max_length=16, choices=WarningState.choices, default=WarningState.OPEN)
    created_at = models.DateTimeField(_("预警时间"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handling_note = models.CharField(_("处理说明"), max_length=300, blank=True)
    # Issue 17 §5: a warning is closed with a disposition, and keeps a link to what it led to: the case,
    # the inspection task, or the warning it was handed over as ("<app_label>.<model>", id).
    disposition = models.CharField(
        _("处置方式"), max_length=24, choices=WarningDisposition.choices, blank=True, db_default=""
    )
    led_to_model = models.CharField(_("处置结果类型"), max_length=60, blank=True, db_default="")
    led_to_id = models.BigIntegerField(_("处置结果编号"), null=True, blank=True)
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("转交自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警（收件箱）")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_code", "dedupe_key"], name="risk_warning_once"),
            # Issue 17 §5: no warning is closed without a disposition.
            models.CheckConstraint(
                condition=Q(state="open") | ~Q(disposition=""), name="risk_warning_closed_has_disposition"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state"], name="risk_warning_inbox_idx"),
            # Issue 17 §5: the rule-effectiveness report reads a period of warnings.
            models.Index(fields=["created_at"], name="risk_warning_created_idx"),
        ]

    def __str__(self):
        return self.message


class RiskScanRun(models.Model):
    """One run of the scheduled risk scan: start, end, counts and any error."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=RunState.choices, default=RunState.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=40, default="schedule")
    counts = models.JSONField(_("计数"), default=dict)
    error = models.TextField(_("错误"), blank=True)
    # The database session that runs the scan: once it is gone, an unfinished run is dead (credit/scan.py).
    session_pid = models.IntegerField(_("数据库会话进程号"), null=True, blank=True, editable=False)
    session_started_at = models.DateTimeField(_("数据库会话开始时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("风险扫描运行记录")
        verbose_name_plural = _("风险扫描运行记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_state_display()}"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None
