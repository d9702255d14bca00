"""Disclosure (双公示): the public, redacted summary of a decision, disclosure-period rules and the
provincial low-fine thresholds."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.search import CjkTsvector
from credit.choices import PenaltyType
from credit.models import entity_key
from enforcement.choices import DisclosureRuleKind, DisclosureState
from enforcement.models.decisions import PenaltyDecision
from enforcement.models.fields import MONEY
from supervision.models import Department


class PenaltyDisclosure(models.Model):
    """The public, redacted summary of a decision (双公示); public pages and the API read only this."""

    # Empty for a 行政处罚 record pushed by another department's system (issue 12 §7): it has no decision
    # here, and its summary mirrors the pushed record (``enforcement.disclosure_period.mirror_pushed``).
    decision = models.OneToOneField(
        PenaltyDecision,
        verbose_name=_("处罚决定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("作出决定机关"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("决定书文号"), max_length=64)
    entity = entity_key("penalty_disclosures", _("统一社会信用代码"))
    party_name = models.CharField(_("当事人名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    violation_type = models.CharField(_("违法行为类型"), max_length=300)
    facts = models.TextField(_("违法事实（已脱敏）"))
    legal_basis = models.TextField(_("处罚依据"))
    penalty_types = ArrayField(models.CharField(max_length=32, choices=PenaltyType.choices), verbose_name=_("处罚种类"))
    penalty_content = models.TextField(_("处罚内容（已脱敏）"))
    fine_amount = models.DecimalField(_("罚款金额（元）"), **MONEY)
    confiscation_amount = models.DecimalField(_("没收金额（元）"), **MONEY)
    decided_on = models.DateField(_("决定日期"))
    publicity_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    # Which rule set publicity_ends_on (Order 45 Art. 13, the department's own rule, or the NDRC window).
    period_basis = models.CharField(_("公示期限依据"), max_length=300, blank=True)
    state = models.CharField(
        _("公示状态"), max_length=16, choices=DisclosureState.choices, default=DisclosureState.PENDING
    )
    not_public_reason = models.CharField(_("不予公示理由"), max_length=200, blank=True)
    publish_due_on = models.DateField(_("公示期限"))
    publish_due_provisional = models.BooleanField(_("公示期限暂定"), default=False)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    withdraw_due_on = models.DateField(_("撤回期限"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("形成的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    featured = models.BooleanField(_("入选曝光台"), default=False)
    featured_note = models.TextField(_("曝光台案例评析"), blank=True)
    featured_at = models.DateTimeField(_("入选曝光台时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("处罚公示")
        verbose_name_plural = _("处罚公示（双公示）")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(
                fields=["-decided_on", "-id"], condition=Q(state="published"), name="disclosure_public_order_idx"
            ),
            models.Index(fields=["state", "publish_due_on"], name="disclosure_state_due_idx"),
            models.Index(fields=["entity", "state"], name="disclosure_entity_state_idx"),
            # The public list's count: published and still within the publicity period (index-only).
            models.Index(
                fields=["publicity_ends_on"], condition=Q(state="published"), name="disclosure_public_until_idx"
            ),
            # The admin list in its order (every state), all and one department's (issue 16 §3).
            models.Index(fields=["-decided_on", "-id"], name="disclosure_list_idx"),
            models.Index(fields=["department", "-decided_on", "-id"], name="disclosure_dept_list_idx"),
            # The admin's search in every state (the public one reads disclosure_party_cjk_gin, published only).
            GinIndex(CjkTsvector("number"), name="disclosure_number_cjk_gin"),
            GinIndex(CjkTsvector("party_name"), name="disclosure_party_all_cjk_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=DisclosureState.PUBLISHED) | Q(published_at__isnull=False),
                name="disclosure_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=DisclosureState.WITHDRAWN)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdraw_reason="")),
                name="disclosure_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(featured=True) | Q(state=DisclosureState.PUBLISHED),
                name="disclosure_featured_only_published",
            ),
            # A pushed 行政处罚 record has one mirrored summary; a decision's summary is keyed by its decision.
            models.UniqueConstraint(
                fields=["credit_record"], condition=Q(decision__isnull=True), name="disclosure_one_mirror_per_record"
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=False) | Q(credit_record__isnull=False),
                name="disclosure_has_decision_or_record",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.party_name}"


# --- disclosure periods (issue 12 §1): two clocks, the disclosure's and the credit record's ---------------


class DisclosureRule(models.Model):
    """How long a department's penalty decisions stay disclosed (处罚信息公示期限规则), for it and every
    department under it. A department with no rule of its own follows the nearest ancestor's; with none
    at all, a registration authority (市场监督管理部门, 《市场主体登记管理条例》) follows Order 45 and any
    other department the NDRC window of the credit record (DOMAIN §3)."""

    department = models.ForeignKey(
        Department, verbose_name=_("适用部门（含下级）"), on_delete=models.PROTECT, related_name="disclosure_rules"
    )
    kind = models.CharField(_("规则"), max_length=24, choices=DisclosureRuleKind.choices)
    months = models.PositiveSmallIntegerField(
        _("公示期（月）"), null=True, blank=True, help_text=_("仅“固定期限”规则填写，自公示之日起算")
    )
    early_stop_min_months = models.PositiveSmallIntegerField(
        _("申请提前停止公示的最短已公示期（月）"),
        default=12,
        help_text=_("市场监管总局令第45号：提前停止公示的时限要求由总局另行规定；以总局现行规定为准录入"),
    )
    citation = models.CharField(_("依据"), max_length=300, help_text=_("文件名称、文号和条款"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处罚信息公示期限规则")
        verbose_name_plural = _("处罚信息公示期限规则")
        ordering = ["department", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["department", "effective_from"], name="disclosure_rule_once_per_day"),
            models.CheckConstraint(
                condition=~Q(kind=DisclosureRuleKind.FIXED) | Q(months__gte=1), name="disclosure_rule_fixed_has_months"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="disclosure_rule_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.department.name}：{self.get_kind_display()}（{self.effective_from} 起）"


class LowFineThreshold(models.Model):
    """A province's 较低数额罚款 threshold (市场监管总局令第45号 第十三条第二款: set by the provincial
    market regulator). Until one is entered for a region, no fine there counts as low."""

    region_code = models.CharField(
        _("适用行政区划"), max_length=6, help_text=_("省级行政区划代码前两位，如 41（河南省）；也可更细")
    )
    amount = models.DecimalField(_("较低数额罚款标准（元）"), **MONEY)
    inclusive = models.BooleanField(_("含本数"), default=True, help_text=_("规定为“以下（不含本数）”的，取消勾选"))
    citation = models.CharField(_("依据"), max_length=300, help_text=_("省级市场监管部门文件名称、文号和条款"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("较低数额罚款标准")
        verbose_name_plural = _("较低数额罚款标准（行政处罚信息公示）")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "effective_from"], name="low_fine_once_per_day"),
            models.CheckConstraint(condition=Q(region_code__regex=r"^\d{2,6}$"), name="low_fine_region_digits"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="low_fine_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="low_fine_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.amount}元{'（含）' if self.inclusive else '（不含）'}"
