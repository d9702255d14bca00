"""信用信息注册 (issue 14 §3): what an entity declares about itself — qualifications, honours, the
enterprise standards it declares (企业标准自我声明) and public-welfare activity.

Part of the ``credit.models`` package (its ``__init__`` imports every module so Django registers them).
The rules are ``credit.services.declarations``'. A declaration is not a ``CreditRecord``: the
evaluation never reads this table, so nothing here changes a grade. It is published on the entity
page under its own heading, 企业自主填报，未经核实.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from credit.models.base import entity_key


class DeclarationKind(models.TextChoices):
    QUALIFICATION = "qualification", _("资质")
    HONOUR = "honour", _("荣誉")
    # 《企业标准化促进办法》: the standards an enterprise carries out are declared on 企业标准信息公共服务平台.
    STANDARD = "standard", _("企业标准自我声明")
    WELFARE = "welfare", _("公益活动")


class DeclarationState(models.TextChoices):
    PUBLISHED = "published", _("公示中")
    WITHDRAWN = "withdrawn", _("企业已撤回")
    REMOVED = "removed", _("监管部门已删除")


class SelfDeclarationQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published declarations (withdrawn and removed ones never)."""
        return self.filter(state=DeclarationState.PUBLISHED)


class SelfDeclaration(models.Model):
    """A self-declared fact (信用信息注册): published as the entity's own word, never verified, never graded."""

    entity = entity_key("self_declarations")
    kind = models.CharField(_("类别"), max_length=16, choices=DeclarationKind.choices)
    title = models.CharField(
        _("名称"), max_length=200, help_text=_("资质、荣誉或公益活动的名称；企业标准自我声明填标准名称")
    )
    issuer = models.CharField(
        _("发证（授予、组织）单位"), max_length=200, blank=True, help_text=_("资质、荣誉必填；公益活动可填组织单位")
    )
    standard_no = models.CharField(
        _("标准编号"), max_length=64, blank=True, help_text=_("企业标准自我声明必填，如 Q/ZZSM 0001S-2026")
    )
    issued_on = models.DateField(_("日期"), help_text=_("取得、授予、发布实施或活动日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)
    # Shown to the entity and to officials; never served on a public page (it has not been checked).
    attachment = models.FileField(_("附件"), upload_to="declarations/%Y/%m/", blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=DeclarationState.choices, default=DeclarationState.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("删除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.CharField(_("删除理由"), max_length=500, blank=True)

    objects = SelfDeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业自主填报信息")
        verbose_name_plural = _("企业自主填报信息")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DeclarationKind.STANDARD) | ~Q(standard_no=""), name="declaration_standard_has_no"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[DeclarationKind.QUALIFICATION, DeclarationKind.HONOUR]) | ~Q(issuer=""),
                name="declaration_issuer_given",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="declaration_valid_after_issued",
            ),
            models.CheckConstraint(
                condition=~Q(state=DeclarationState.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="declaration_withdrawn_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=DeclarationState.REMOVED) | (Q(removed_at__isnull=False) & ~Q(removal_reason="")),
                name="declaration_removed_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["entity", "state"], name="declaration_entity_state_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"
