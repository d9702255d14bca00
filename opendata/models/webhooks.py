"""Webhooks for department systems (issue 15 §4): subscriptions, one delivery per event, every attempt."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.changes import ChangeType


class WebhookSubscription(models.Model):
    """A department system's webhook (推送订阅): a URL, the event types it wants, optionally the USCCs it watches."""

    client = models.ForeignKey(
        "core.ApiClient", verbose_name=_("接口客户端"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("接收地址"), max_length=500)
    event_types = ArrayField(
        models.CharField(max_length=40, choices=ChangeType.choices), verbose_name=_("事件类型"), default=list
    )
    # Empty means every entity.
    usccs = ArrayField(
        models.CharField(max_length=18), verbose_name=_("关注的统一社会信用代码"), default=list, blank=True
    )
    # HMAC-SHA256 key for X-Signature; shown once at creation.
    secret = models.CharField(_("签名密钥"), max_length=128, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    failing_since = models.DateTimeField(_("连续失败起始时间"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    # Deleted by its client (or an official): kept, disabled, with its delivery log (全程留痕); hidden from the API.
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送订阅")
        verbose_name_plural = _("推送订阅")
        indexes = [models.Index(fields=["disabled_at"], name="webhook_active")]

    def __str__(self):
        return f"{self.client} → {self.url}"

    @property
    def is_active(self):
        return self.disabled_at is None


class WebhookDelivery(models.Model):
    """One event owed to one subscription (推送任务): delivered once, retried with backoff for 24 hours."""

    class State(models.TextChoices):
        PENDING = "pending", _("待推送")
        DELIVERED = "delivered", _("已送达")
        GAVE_UP = "gave_up", _("已放弃")

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("推送订阅"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # Not a foreign key: events are pruned after 90 days, the delivery log stays.
    event_id = models.BigIntegerField(_("事件编号"))
    # The event's own time, and the partition key (issue 16 §5): fixed per event, so the redo of a crashed
    # fan-out step lands in the same partition and (subscription, event, this) stays unique per event.
    event_occurred_at = models.DateTimeField(_("事件发生时间"), db_default=Now(), editable=False)
    event_type = models.CharField(_("事件类型"), max_length=40, choices=ChangeType.choices)
    payload = models.JSONField(_("推送内容"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), db_index=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送任务")
        verbose_name_plural = _("推送任务")
        constraints = [
            # An event's occurred_at is one value, so this is "once per (subscription, event)"; the partition
            # key must be in every unique key of a partitioned table (core.partitions).
            models.UniqueConstraint(
                fields=["subscription", "event_id", "event_occurred_at"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="webhook_delivery_due"),
            # A failing subscription's one probe per round: its oldest due delivery (opendata.webhook_delivery).
            models.Index(
                fields=["subscription", "next_attempt_at", "id"],
                condition=models.Q(state="pending"),
                name="webhook_delivery_sub_due",
            ),
        ]

    def __str__(self):
        return f"{self.subscription_id}#{self.event_id}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery (推送记录), with the receiver's answer."""

    # No database constraint: the deliveries' key is (id, event_occurred_at) once partitioned; the attempts of
    # a dropped delivery partition are deleted in the same transaction (core.partitions).
    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("推送任务"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
        db_constraint=False,
    )
    attempted_at = models.DateTimeField(_("尝试时间"), auto_now_add=True)
    status_code = models.PositiveIntegerField(_("HTTP 状态码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-attempted_at"]

    def __str__(self):
        return f"{self.delivery} {self.status_code or self.error}"
