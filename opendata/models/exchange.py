"""The outbound exchange to the provincial platform (issue 15 §6): one batch per send, with its receipt."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeBatch(models.Model):
    """A batch of 双公示 rows sent to the provincial platform (数据交换批次) and its receipt."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送，待回执")
        ACKNOWLEDGED = "acknowledged", _("已回执")
        REJECTED = "rejected", _("对方拒收")
        FAILED = "failed", _("发送失败，待重试")

    connector = models.CharField(_("交换通道"), max_length=20)
    batch_no = models.CharField(_("批次号"), max_length=40, unique=True)
    # The change-feed range the batch covers: (from, to] in cursor order.
    from_txid = models.BigIntegerField(_("起始事务号"), default=0)
    from_event_id = models.BigIntegerField(_("起始事件号"), default=0)
    to_txid = models.BigIntegerField(_("截止事务号"), default=0)
    to_event_id = models.BigIntegerField(_("截止事件号"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    payload = models.JSONField(_("内容"), default=list)
    state = models.CharField(_("状态"), max_length=14, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    receipt_at = models.DateTimeField(_("回执时间"), null=True, blank=True)
    receipt = models.JSONField(_("回执"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据交换批次")
        verbose_name_plural = _("数据交换批次")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="exchange_batch_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state__in=["sent", "acknowledged", "rejected"]) | models.Q(sent_at__isnull=False),
                name="exchange_batch_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["acknowledged", "rejected"])
                | (models.Q(receipt_at__isnull=False) & models.Q(receipt__isnull=False)),
                name="exchange_batch_receipt_kept",
            ),
        ]

    def __str__(self):
        return self.batch_no
