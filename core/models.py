"""Cross-cutting models: officials, audit trail, USCC exceptions, holiday overrides, API clients."""

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ActorType, DayKind, HashScheme, Scope


class User(AbstractUser):
    """An official (or platform administrator) who signs in to the admin or field pages."""

    department = models.ForeignKey(
        settings.DEPARTMENT_MODEL,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        swappable = "AUTH_USER_MODEL"


class UsccException(models.Model):
    """A verified USCC that fails the GB 32100 check (early pilot codes), accepted everywhere."""

    code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    holder_name = models.CharField(_("持有人名称"), max_length=200)
    evidence = models.TextField(_("核实依据"), help_text=_("如登记机关出具的证明文件名称、文号"))
    evidence_file = models.FileField(_("证明材料"), upload_to="uscc_exceptions/", blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("统一社会信用代码例外")
        verbose_name_plural = _("统一社会信用代码例外")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9A-Z]{18}$"), name="uscc_exception_format")
        ]

    def __str__(self):
        return f"{self.code} {self.holder_name}"


class AuditEvent(models.Model):
    """One append-only entry of the audit trail (全程留痕), chained by hash."""

    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor_type = models.CharField(_("操作者类型"), max_length=16, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
    )
    actor_client = models.ForeignKey(
        "core.ApiClient",
        verbose_name=_("接口客户端"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
    )
    actor_label = models.CharField(_("操作者"), max_length=200)
    action = models.CharField(_("动作代码"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80)
    target_id = models.CharField(_("对象标识"), max_length=80)
    target_label = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    # The request's client address by core.net.client_ip (the one rule of throttles and lockouts);
    # hashed in keyed events only, so legacy events verify as before.
    client_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64)
    hash = models.CharField(_("本事件哈希"), max_length=64, unique=True)
    # How ``hash`` was computed (core.audit.SCHEMES): events from before issue 11 keep plain SHA-256;
    # every later one is an HMAC keyed with AUDIT_KEY.
    scheme = models.CharField(_("哈希算法"), max_length=16, choices=HashScheme.choices)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        triggers = [
            # 全程留痕: the trail can only grow.
            pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="audit_no_truncate",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'audit trail is append-only'; RETURN NULL;",
            ),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.target_label}"


class AuditAnchor(models.Model):
    """A published head of the audit chain (core.anchors); the anchor file is the witness outside
    the database, these rows feed the public page /audit/anchors/."""

    event_id = models.BigIntegerField(_("链头事件编号"))
    event_hash = models.CharField(_("链头哈希"), max_length=64)
    anchored_at = models.DateTimeField(_("锚定时间"), db_index=True)
    day = models.DateField(_("日期"), db_index=True)

    class Meta:
        verbose_name = _("审计链锚点")
        verbose_name_plural = _("审计链锚点")
        ordering = ["-anchored_at"]
        triggers = [pgtrigger.Protect(name="audit_anchor_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"#{self.event_id} {self.event_hash[:12]}… @ {self.anchored_at:%Y-%m-%d %H:%M}"


class HolidayOverride(models.Model):
    """An official's entry for one day of the State Council's holiday notice; beats the package."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("如：2027年春节；国办发明电〔2026〕X号"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}"


class ApiClient(models.Model):
    """Another department's system that calls the REST API with a bearer key."""

    name = models.CharField(_("名称"), max_length=200)
    department = models.ForeignKey(
        settings.DEPARTMENT_MODEL, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="api_clients"
    )
    scopes = ArrayField(
        models.CharField(max_length=32, choices=Scope.choices), verbose_name=_("权限范围"), default=list
    )
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, unique=True)
    key_hash = models.CharField(_("密钥哈希"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scopes__contained_by=[s.value for s in Scope]), name="api_client_known_scopes"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    # DRF treats request.user as a user; a client is authenticated by definition.
    is_authenticated = True
    is_anonymous = False


# Models that live next to their machinery, imported here so Django registers them: the
# Idempotency-Key rows (core.idempotency) and the change feed (core.changes, issue 15 §3).
from core.changes import ChangeEvent, ChangeFeedHorizon, FeedConsumer  # noqa: E402, F401
from core.idempotency import IdempotencyKey  # noqa: E402, F401
from core.retention import RetentionPolicy  # noqa: E402, F401  (issue 16 §5)
