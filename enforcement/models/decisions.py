"""Penalty decisions (行政处罚决定书) and their gap-free numbering."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.search import CjkTsvector
from credit.choices import PenaltyType
from credit.models import entity_key
from enforcement.choices import Circumstance, DecisionState, Procedure
from enforcement.models.cases import Case
from enforcement.models.fields import MONEY
from supervision.models import Department


class DocumentSequence(models.Model):
    """The gap-free counter of decision numbers per department, kind and year (郑市监罚〔2026〕12号)."""

    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("文书类别"), max_length=8, default="罚")
    year = models.PositiveSmallIntegerField(_("年度"))
    last_number = models.PositiveIntegerField(_("已用最大号"), default=0)

    class Meta:
        verbose_name = _("文书编号序列")
        verbose_name_plural = _("文书编号序列")
        constraints = [models.UniqueConstraint(fields=["department", "kind", "year"], name="document_sequence_unique")]

    def __str__(self):
        return f"{self.department.short_name}{self.kind}〔{self.year}〕{self.last_number}号"


class PenaltyDecision(models.Model):
    """An administrative penalty decision (行政处罚决定书), contents per 行政处罚法 第59条."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="decisions")
    department = models.ForeignKey(
        Department, verbose_name=_("作出决定机关"), on_delete=models.PROTECT, related_name="penalty_decisions"
    )
    number = models.CharField(_("决定书文号"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    entity = entity_key("penalty_decisions", _("当事人统一社会信用代码"))
    party_name = models.CharField(_("当事人名称（姓名）"), max_length=200)
    party_address = models.CharField(_("当事人地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=100, blank=True)
    party_is_minor = models.BooleanField(_("当事人为未成年人"), default=False)
    # DOMAIN §5: names of natural persons other than the party are never published; the redaction
    # service masks these wherever they appear in the public summary.
    other_persons = ArrayField(
        models.CharField(max_length=50),
        verbose_name=_("其他自然人姓名（公示时隐去）"),
        default=list,
        blank=True,
        help_text=_("证人、投诉举报人、从业人员等"),
    )
    violation_type = models.CharField(_("违法行为类型"), max_length=300)
    facts = models.TextField(_("违法事实"))
    evidence = models.TextField(_("证据"))
    legal_basis = models.TextField(_("处罚依据"))
    penalty_types = ArrayField(models.CharField(max_length=32, choices=PenaltyType.choices), verbose_name=_("处罚种类"))
    penalty_content = models.TextField(_("处罚内容"))
    fine_amount = models.DecimalField(_("罚款金额（元）"), default=0, **MONEY)
    confiscation_amount = models.DecimalField(_("没收金额（元）"), default=0, **MONEY)
    circumstance = models.CharField(
        _("裁量情节"), max_length=16, choices=Circumstance.choices, default=Circumstance.GENERAL
    )
    out_of_range_reason = models.TextField(_("超出裁量基准的书面说明"), blank=True)
    procedure = models.CharField(_("程序"), max_length=16, choices=Procedure.choices, default=Procedure.GENERAL)
    performance = models.TextField(_("履行方式和期限"))
    remedies = models.TextField(_("申请行政复议、提起行政诉讼的途径和期限"))
    decided_on = models.DateField(_("决定日期"))
    # 市场监管总局令第45号 第十三条第三款: a restriction longer than the disclosure period keeps it disclosed.
    restriction_ends_on = models.DateField(
        _("限制期限届满日"),
        null=True,
        blank=True,
        help_text=_("限制开展生产经营活动、限制从业、暂扣许可证件、责令停产停业有期限的，填写期限届满日"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=16, choices=DecisionState.choices, default=DecisionState.EFFECTIVE)
    revoked_on = models.DateField(_("撤销（变更）日期"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销（变更）理由"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("变更前决定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    class Meta:
        verbose_name = _("行政处罚决定")
        verbose_name_plural = _("行政处罚决定")
        ordering = ["-decided_on", "-id"]
        indexes = [
            # The admin list in its order, all and one department's (issue 16 §3).
            models.Index(fields=["-decided_on", "-id"], name="decision_list_idx"),
            models.Index(fields=["department", "-decided_on", "-id"], name="decision_dept_list_idx"),
            # The 年度 filter in the list's order (1.6 s over 500,000 decisions walking the list's index).
            models.Index(fields=["year", "-decided_on", "-id"], name="decision_year_list_idx"),
            models.Index(fields=["department", "year", "-decided_on", "-id"], name="decision_dept_year_list_idx"),
            # The admin's search through bigram indexes (core.search), as for cases.
            GinIndex(CjkTsvector("number"), name="decision_number_cjk_gin"),
            GinIndex(CjkTsvector("party_name"), name="decision_party_cjk_gin"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "sequence"], name="decision_sequence_unique"),
            # A changed decision is replaced by a new one on the same case; only one is in force.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state=DecisionState.EFFECTIVE), name="decision_one_effective_per_case"
            ),
            models.CheckConstraint(condition=~Q(penalty_types=[]), name="decision_has_penalty_type"),
            models.CheckConstraint(
                condition=Q(fine_amount__gte=0) & Q(confiscation_amount__gte=0), name="decision_amounts_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(state=DecisionState.EFFECTIVE) | (Q(revoked_on__isnull=False) & ~Q(revoked_reason="")),
                name="decision_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return self.number
