"""Entity accounts (企业信息联络员), activation letters, and the inbox (issue 14 §1, §2).

An entity user is a ``core.User`` that is never staff, bound to exactly one entity by its
``EntityAccount``. The entity is keyed by USCC like every other table that names an entity.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.models import Department, MarketEntity


def entity_column(related_name):
    """The entity's USCC, joined to the roster (the entity exists before it gets an account)."""
    return models.ForeignKey(
        MarketEntity,
        verbose_name=_("市场主体"),
        to_field="uscc",
        db_column="uscc",
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class EntityAccount(models.Model):
    """A liaison's account: one non-staff user, one entity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="entity_account"
    )
    entity = entity_column("accounts")
    full_name = models.CharField(_("联络员姓名"), max_length=100)
    # Confidential: shown to the entity itself and to its registration authority, nowhere public.
    mobile = models.CharField(_("手机号码"), max_length=32)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_first_liaison = models.BooleanField(_("首位联络员"), default=False, help_text=_("可增删本主体的其他联络员"))
    created_at = models.DateTimeField(_("开通时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由首位联络员添加时为其账号；凭开通函激活时为空"),
    )
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")
        ordering = ["entity_id", "created_at"]

    def __str__(self):
        return f"{self.full_name}（{self.entity_id}）"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ActivationLetter(models.Model):
    """开通函: a one-time code, valid 30 days, issued by the entity's registration authority.
    Only the code's hash is stored; the code itself is printed once on the PDF."""

    entity = entity_column("activation_letters")
    department = models.ForeignKey(Department, verbose_name=_("出具部门"), on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(_("开通码哈希"), max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("出具时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        EntityAccount, verbose_name=_("激活账号"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("开通函")
        verbose_name_plural = _("开通函")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"开通函 {self.entity_id}（{self.issued_at:%Y-%m-%d}）"


class MessageKind(models.TextChoices):
    RECORD = "record", _("信用记录")
    GRADE = "grade", _("信用等级变化")
    LIST = "list", _("名单列入或移出")
    CORRECTION = "correction", _("责令改正")
    FILING = "filing", _("申请办理进度")
    ANNUAL_REPORT = "annual_report", _("年度报告")
    ACCOUNT = "account", _("账号")


class Message(models.Model):
    """One inbox message to an entity (every liaison of it reads the same inbox)."""

    entity = entity_column("messages")
    kind = models.CharField(_("类别"), max_length=16, choices=MessageKind.choices)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True, help_text=_("企业端内的相对地址"))
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # What it was made from (enterprise.inbox): an audit event, or a grade-history row (grades are
    # written set-based, without an audit event per entity). One event may concern several entities
    # (a pushed batch), so each source is unique per entity: a rerun never duplicates.
    source_event_id = models.BigIntegerField(_("来源审计事件"), null=True, blank=True)
    source_grade_id = models.BigIntegerField(_("来源等级历史"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_event_id", "entity"], name="inbox_message_one_per_event"),
            models.UniqueConstraint(fields=["source_grade_id"], name="inbox_message_one_per_grade_change"),
        ]
        indexes = [models.Index(fields=["entity", "read_at"], name="inbox_message_unread_idx")]

    def __str__(self):
        return self.subject


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class EmailDelivery(models.Model):
    """The e-mail copy of a message to one liaison; failures show in the admin."""

    message = models.ForeignKey(Message, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries")
    account = models.ForeignKey(EntityAccount, verbose_name=_("收件账号"), on_delete=models.PROTECT, related_name="+")
    address = models.EmailField(_("收件地址"))
    state = models.CharField(_("状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邮件投递")
        verbose_name_plural = _("邮件投递")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.address}：{self.get_state_display()}"


class InboxCursor(models.Model):
    """How far ``enterprise.inbox`` has read the audit trail (one row)."""

    last_event_id = models.BigIntegerField(_("已处理至审计事件"), default=0)
    last_grade_id = models.BigIntegerField(_("已处理至等级历史"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息生成进度")
        verbose_name_plural = _("消息生成进度")

    def __str__(self):
        return f"已处理至审计事件 {self.last_event_id}、等级历史 {self.last_grade_id}"
