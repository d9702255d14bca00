"""Retention is data, with its reason (issue 16 §5): how long the rows of each partitioned table are kept.

A ``RetentionPolicy`` names the tables it covers (monthly partitions, ``core.partitions``), how long they
are kept and why, citing the source. The nightly 分区维护 job drops a month's partition once the whole
month is older than the policy; a table without a policy is never dropped (and the audit trail,
``core_auditevent``, is not partitioned and never named by a policy). Officials change a policy in the
admin through ``core.partitions.retention_policy_update`` (audited); the rows are seeded by core/migrations/0010.
"""

import datetime as dt

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_DAYS = 30  # a policy keeps at least a month: a typo must not empty a table overnight
NEVER_DROPPED = ("core_auditevent", "core_auditanchor")  # the audit trail (全程留痕) has no retention


class RetentionPolicy(models.Model):
    """How long the rows of one kind of growing data are kept (数据保留期限), and on what ground."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(_("数据"), max_length=100)
    # The partitioned tables it covers, parent first (a delivery's attempts go with it).
    tables = ArrayField(models.CharField(max_length=63), verbose_name=_("数据表"))
    keep_months = models.PositiveIntegerField(_("保留月数"), default=0)
    keep_days = models.PositiveIntegerField(_("保留天数"), default=0)
    reason = models.TextField(_("保留依据"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        app_label = "core"
        verbose_name = _("数据保留期限")
        verbose_name_plural = _("数据保留期限")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(keep_months__gte=1) | models.Q(keep_days__gte=MIN_DAYS),
                name="retention_at_least_30_days",
                violation_error_message="保留期限至少 30 天（或 1 个月）",
            )
        ]

    def __str__(self):
        return f"{self.label}（{self.period_text()}）"

    def period_text(self) -> str:
        parts = []
        if self.keep_months:
            years, months = divmod(self.keep_months, 12)
            parts.append(f"{years} 年" if not months else f"{self.keep_months} 个月")
        if self.keep_days:
            parts.append(f"{self.keep_days} 天")
        return "".join(parts)

    period_text.short_description = _("保留期限")

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """Rows older than this are past retention: ``now`` less the months (local calendar), less the days."""
        local = timezone.localtime(now)
        month_index = local.year * 12 + local.month - 1 - self.keep_months
        year, month = divmod(month_index, 12)
        month += 1
        day = min(local.day, _days_in_month(year, month))
        return local.replace(year=year, month=month, day=day) - dt.timedelta(days=self.keep_days)


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
