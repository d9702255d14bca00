"""Credit: records, publicity rules, the evaluation model and grades, lists, measures, checks, warnings.

Every table that is about an entity keys it by USCC (``to_field="uscc"`` without a database
constraint): a record pushed for a code that is not in the roster yet is kept as it is, and is
linked the moment the entity appears (DOMAIN §3, API.md). It also keeps the whole-population SQL
of ``credit/evaluation.py`` on one join key.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.search import CjkTsvector
from credit.choices import (
    OTHER_ACT_CATEGORIES,
    PUBLIC_ACT_CATEGORIES,
    Colour,
    Grade,
    IndustryRiskLevel,
    ListGround,
    ListType,
    MeasureKind,
    PenaltyType,
    Polarity,
    ProposalState,
    RecordCategory,
    RecordState,
    RemovalReason,
    RiskClass,
    Severity,
)
from supervision.models import Department, MarketEntity

ENTITY_LABEL = _("市场主体")


def entity_key(related_name, verbose_name=ENTITY_LABEL, **options):
    """A USCC column that joins to the roster when the entity exists, and is kept when it doesn't."""
    return models.ForeignKey(
        MarketEntity,
        verbose_name=verbose_name,
        to_field="uscc",
        db_column="uscc",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name=related_name,
        **options,
    )


class PublicityRule(models.Model):
    """A version of the publicity-window rule (公示期限), in force from ``effective_from``.

    NDRC 《信用修复管理办法》 (in force 2026-04-01): 轻微 not published by default (at most 3 months
    if it is); 一般 3 months to 1 year; 严重 1 to 3 years; counted from the decision date.
    """

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    effective_from = models.DateField(_("生效日期"), unique=True)
    minor_published = models.BooleanField(_("轻微失信信息予以公示"), default=False)
    minor_max_months = models.PositiveSmallIntegerField(_("轻微：最长公示期（月）"), default=3)
    general_min_months = models.PositiveSmallIntegerField(_("一般：最短公示期（月）"), default=3)
    general_max_months = models.PositiveSmallIntegerField(_("一般：最长公示期（月）"), default=12)
    serious_min_months = models.PositiveSmallIntegerField(_("严重：最短公示期（月）"), default=12)
    serious_max_months = models.PositiveSmallIntegerField(_("严重：最长公示期（月）"), default=36)
    other_months = models.PositiveSmallIntegerField(_("正面、中性信息公示期（月）"), default=36)
    legal_basis = models.CharField(
        _("依据"), max_length=300, default="《信用修复管理办法》（国家发展改革委令，2026年4月1日起施行）"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示期限规则")
        verbose_name_plural = _("公示期限规则（版本）")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(general_min_months__lte=F("general_max_months")), name="publicity_general_min_le_max"
            ),
            models.CheckConstraint(
                condition=Q(serious_min_months__lte=F("serious_max_months")), name="publicity_serious_min_le_max"
            ),
        ]

    def __str__(self):
        return f"公示期限规则 v{self.version}（{self.effective_from} 起）"


class CreditRecord(models.Model):
    """One credit fact about an entity (信用信息), with its publicity window (DOMAIN §3)."""

    entity = entity_key("credit_records")
    department = models.ForeignKey(
        Department, verbose_name=_("来源部门"), on_delete=models.PROTECT, related_name="credit_records"
    )
    source_ref = models.CharField(
        _("来源编号"), max_length=100, help_text=_("来源部门内唯一，如决定书文号；重复推送即更新")
    )
    category = models.CharField(_("信息类别"), max_length=32, choices=RecordCategory.choices)
    polarity = models.CharField(_("性质"), max_length=16, choices=Polarity.choices)
    severity = models.CharField(_("失信程度"), max_length=16, choices=Severity.choices, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    decided_on = models.DateField(_("决定（认定）日期"))
    legal_basis = models.TextField(_("依据"), blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    penalty_types = ArrayField(
        models.CharField(max_length=32, choices=PenaltyType.choices),
        verbose_name=_("处罚种类"),
        default=list,
        blank=True,
        help_text=_("行政处罚法第9条；决定能否提前停止公示（信用修复）"),
    )
    restriction_ends_on = models.DateField(
        _("限制期限届满日"),
        null=True,
        blank=True,
        help_text=_("限制措施期限长于公示期的，公示至限制期满（市场监管总局令第45号）"),
    )
    # Computed by the service from the publicity rule in force on decided_on, and kept.
    published = models.BooleanField(_("予以公示"), default=True)
    publicity_ends_on = models.DateField(_("公示截止日期"))
    repairable_from = models.DateField(_("可申请信用修复日期"))
    publicity_rule = models.ForeignKey(PublicityRule, verbose_name=_("公示期限规则版本"), on_delete=models.PROTECT)
    state = models.CharField(_("状态"), max_length=16, choices=RecordState.choices, default=RecordState.ACTIVE)
    state_reason = models.CharField(_("状态变更理由"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "source_ref"], name="credit_record_source_unique"),
            # A negative fact has a severity; a positive or neutral one has none (DOMAIN §3).
            models.CheckConstraint(
                condition=(Q(polarity=Polarity.NEGATIVE) & ~Q(severity=""))
                | (~Q(polarity=Polarity.NEGATIVE) & Q(severity="")),
                name="credit_record_severity_iff_negative",
            ),
            # Other administrative acts are neutral or positive (issue 12 §2), so they never hold a severity either.
            models.CheckConstraint(
                condition=~Q(category__in=[c.value for c in OTHER_ACT_CATEGORIES], polarity=Polarity.NEGATIVE),
                name="credit_record_act_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="credit_record_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(publicity_ends_on__gte=F("decided_on")), name="credit_record_window_ordered"
            ),
        ]
        indexes = [
            # The nightly expiry finds the active records whose window has closed.
            models.Index(
                fields=["publicity_ends_on"], condition=Q(state="active"), name="credit_record_active_end_idx"
            ),
            models.Index(fields=["entity", "decided_on"], name="credit_record_uscc_date_idx"),
            # Issue 17 §5: "a confirmed negative finding within 6 months" of each warning, read index-only
            # (2,000,000 records, 300,000 warnings: the year's effectiveness report 3.4 s → 1.9 s).
            models.Index(
                fields=["entity", "decided_on"],
                condition=Q(polarity="negative") & ~Q(state="revoked"),
                name="credit_record_finding_idx",
            ),
            # /acts/ (issue 12 §2): public acts newest first, walked in order and stopped after a page.
            models.Index(
                fields=["-decided_on", "-id"],
                name="credit_record_public_acts_idx",
                condition=Q(category__in=[c.value for c in PUBLIC_ACT_CATEGORIES], state="active", published=True),
            ),
            # The admin list in its order (issue 16 §3): all, one department's (an official's scope),
            # and the filters with rare values (a category of other acts; 已修复, 已撤销).
            models.Index(fields=["-decided_on", "-id"], name="credit_record_list_idx"),
            models.Index(fields=["department", "-decided_on", "-id"], name="credit_record_dept_list_idx"),
            models.Index(fields=["category", "-decided_on", "-id"], name="credit_record_cat_list_idx"),
            models.Index(
                fields=["state", "-decided_on", "-id"],
                name="credit_record_closed_list_idx",
                condition=Q(state__in=["repaired", "revoked"]),
            ),
            # The admin's search (issue 16 §3): words of the title or the source number ("13号") through
            # their bigram indexes (core.search). A text scan of 5,000,000 titles took 4.7 s.
            GinIndex(CjkTsvector("title"), name="credit_record_title_cjk_gin"),
            GinIndex(CjkTsvector("source_ref"), name="credit_record_source_cjk_gin"),
            # A USCC prefix in an official's scope, counted up to 10,000 from the index alone (0.5 s from
            # the rows for a district's prefix).
            models.Index(
                fields=["department", "entity"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="credit_record_dept_uscc_like",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.source_ref}"


class EvaluationModel(models.Model):
    """A version of the public credit evaluation model (公共信用综合评价模型): bands and weights.

    Versions are never edited: an edit in the admin creates the next version with its own
    effective date, so a past grade can always be explained by the model that gave it.
    """

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    effective_from = models.DateField(_("生效日期"), unique=True)
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    weights = models.JSONField(_("扣分与加分权重"), default=dict, help_text=_("每类信息对 0–1000 分的影响"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用评价模型")
        verbose_name_plural = _("信用评价模型（版本）")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"评价模型 v{self.version}（{self.effective_from} 起）"


class GradeBand(models.Model):
    """One grade of an evaluation model version: its label, colour and score range (data, not code)."""

    model = models.ForeignKey(
        EvaluationModel, verbose_name=_("评价模型"), on_delete=models.CASCADE, related_name="bands"
    )
    grade = models.CharField(_("等级代码"), max_length=24, choices=Grade.choices)
    label = models.CharField(_("等级名称"), max_length=20)
    colour = models.CharField(_("颜色"), max_length=16, choices=Colour.choices)
    score_min = models.PositiveSmallIntegerField(_("分数下限"), validators=[MaxValueValidator(1000)])
    score_max = models.PositiveSmallIntegerField(
        _("分数上限"), validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评价等级")
        verbose_name_plural = _("评价等级")
        ordering = ["model", "-score_max"]
        constraints = [
            models.UniqueConstraint(fields=["model", "grade"], name="grade_band_unique"),
            models.CheckConstraint(
                condition=Q(score_min__lte=F("score_max")) & Q(score_max__lte=1000), name="grade_band_range"
            ),
        ]

    def __str__(self):
        return f"{self.label}（{self.score_min}–{self.score_max}）"


class IndustryRisk(models.Model):
    """Risk level of an industry (GB/T 4754 code prefix); the longest matching prefix applies."""

    industry_prefix = models.CharField(_("行业代码（前缀）"), max_length=5, unique=True)
    name = models.CharField(_("行业"), max_length=100)
    level = models.CharField(_("风险等级"), max_length=16, choices=IndustryRiskLevel.choices)

    class Meta:
        verbose_name = _("行业风险")
        verbose_name_plural = _("行业风险分级表")
        ordering = ["industry_prefix"]
        constraints = [
            models.CheckConstraint(
                condition=Q(industry_prefix__regex=r"^[A-T]\d{0,4}$"), name="industry_risk_prefix_gbt4754"
            )
        ]

    def __str__(self):
        return f"{self.industry_prefix} {self.name}（{self.get_level_display()}）"


class EntityCredit(models.Model):
    """The current grade, score, reasons and (internal) risk class of one entity."""

    entity = models.OneToOneField(
        MarketEntity,
        verbose_name=_("市场主体"),
        to_field="uscc",
        db_column="uscc",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="credit",
    )
    grade = models.CharField(_("信用等级"), max_length=24, choices=Grade.choices)
    score = models.PositiveSmallIntegerField(_("信用分"))
    reasons = models.JSONField(_("评价理由"), default=list)
    improves_on = models.DateField(_("预计可改善日期"), null=True, blank=True)
    # Internal (SAMR 国市监信发〔2022〕6号): never on a public page or in a public export.
    risk_class = models.CharField(_("信用风险分类"), max_length=1, choices=RiskClass.choices)
    # No index on the model version alone (versions are never deleted; see GradeHistory).
    model = models.ForeignKey(EvaluationModel, verbose_name=_("评价模型版本"), on_delete=models.PROTECT, db_index=False)
    changed_at = models.DateTimeField(_("等级更新时间"))

    class Meta:
        verbose_name = _("主体信用评价")
        verbose_name_plural = _("主体信用评价")
        indexes = [models.Index(fields=["grade"], name="entity_credit_grade_idx")]

    def __str__(self):
        return f"{self.entity_id} {self.get_grade_display()} {self.score}"


class GradeHistory(models.Model):
    """A change of an entity's grade or score; written only when one of them changes."""

    # Indexes (issue 16 §4: every one is written for each of the first evaluation's million rows): the
    # entity's history in time order, a USCC prefix (the admin's search; it also serves equality), and
    # the admin list. None on the model version alone: versions are never deleted.
    entity = entity_key("grade_history", db_index=False)
    grade = models.CharField(_("信用等级"), max_length=24, choices=Grade.choices)
    score = models.PositiveSmallIntegerField(_("信用分"))
    reasons = models.JSONField(_("评价理由"), default=list)
    model = models.ForeignKey(EvaluationModel, verbose_name=_("评价模型版本"), on_delete=models.PROTECT, db_index=False)
    changed_at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("信用等级历史")
        verbose_name_plural = _("信用等级历史")
        ordering = ["entity", "changed_at", "id"]
        indexes = [
            models.Index(fields=["entity", "changed_at"], name="grade_history_uscc_time_idx"),
            models.Index(fields=["entity"], opclasses=["varchar_pattern_ops"], name="grade_history_uscc_like"),
            # The admin list, newest first (issue 16 §3).
            models.Index(fields=["-changed_at", "-id"], name="grade_history_list_idx"),
        ]

    def __str__(self):
        return f"{self.entity_id} {self.changed_at:%Y-%m-%d} {self.get_grade_display()} {self.score}"


class ListEntry(models.Model):
    """An entity's entry on a list (名单): 经营异常名录, 严重违法失信名单, 重点关注, 守信激励."""

    entity = entity_key("list_entries")
    list_type = models.CharField(_("名单类型"), max_length=16, choices=ListType.choices)
    ground = models.CharField(_("列入事由"), max_length=32, choices=ListGround.choices)
    facts = models.TextField(_("事实与理由"), blank=True)
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    department = models.ForeignKey(
        Department, verbose_name=_("作出决定部门"), on_delete=models.PROTECT, related_name="list_entries"
    )
    decision_no = models.CharField(_("决定书文号"), max_length=100, blank=True)
    ground_established_on = models.DateField(_("事由认定日期"), null=True, blank=True)
    notice_on = models.DateField(
        _("告知日期"), null=True, blank=True, help_text=_("列入严重违法失信名单前的事先告知（陈述、申辩）")
    )
    decided_on = models.DateField(_("决定日期"))
    listed_on = models.DateField(_("列入日期"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出原因"), max_length=32, choices=RemovalReason.choices, blank=True)
    removal_note = models.CharField(_("移出说明"), max_length=300, blank=True)
    source_entry = models.ForeignKey(
        "self", verbose_name=_("转列来源"), null=True, blank=True, on_delete=models.PROTECT, related_name="moved_to"
    )
    basis_record = models.ForeignKey(
        CreditRecord,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="list_entries",
        verbose_name=_("所依据的信用记录"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("名单记录")
        verbose_name_plural = _("名单（经营异常、严重失信、重点关注、守信激励）")
        ordering = ["-listed_on", "-id"]
        constraints = [
            # One active entry per entity and list.
            models.UniqueConstraint(
                fields=["entity", "list_type"], condition=Q(removed_on__isnull=True), name="list_entry_one_active"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("listed_on")),
                name="list_entry_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | ~Q(removal_reason=""), name="list_entry_removal_has_reason"
            ),
            # 严重违法失信名单: prior notice (告知) before the decision.
            models.CheckConstraint(
                condition=~Q(list_type=ListType.SERIOUS)
                | (Q(notice_on__isnull=False) & Q(notice_on__lte=F("decided_on"))),
                name="list_entry_serious_prior_notice",
            ),
        ]
        indexes = [
            models.Index(
                fields=["list_type", "listed_on"], condition=Q(removed_on__isnull=True), name="list_entry_active_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_list_type_display()} {self.entity_id}（{self.listed_on} 起）"

    @property
    def active(self):
        return self.removed_on is None


class ListProposal(models.Model):
    """A proposal for an official to confirm, e.g. move an entity abnormal for 3 years to the serious list."""

    entity = entity_key("list_proposals")
    source_entry = models.ForeignKey(
        ListEntry,
        verbose_name=_("所依据的名单记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    source_ref = models.CharField(
        _("建议来源"), max_length=100, blank=True, help_text=_("如“抽查结果 #123”：其他模块提出的建议")
    )
    reason = models.CharField(_("建议理由"), max_length=500, blank=True)
    list_type = models.CharField(_("拟列入名单"), max_length=16, choices=ListType.choices)
    ground = models.CharField(_("拟列入事由"), max_length=32, choices=ListGround.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="list_proposals"
    )
    state = models.CharField(_("状态"), max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    result_entry = models.ForeignKey(
        ListEntry, verbose_name=_("列入结果"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("名单列入建议")
        verbose_name_plural = _("名单列入建议")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source_entry", "list_type"], name="list_proposal_once"),
            models.UniqueConstraint(
                fields=["source_ref", "list_type"], condition=~Q(source_ref=""), name="list_proposal_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(source_entry__isnull=False) | ~Q(source_ref=""), name="list_proposal_has_source"
            ),
        ]

    def __str__(self):
        return f"建议将 {self.entity_id} 列入{self.get_list_type_display()}"


class JointMeasure(models.Model):
    """A joint reward or punishment measure (联合奖惩措施) that applies to entities on a list."""

    code = models.CharField(_("措施代码"), max_length=40, unique=True)
    name = models.CharField(_("措施名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=MeasureKind.choices)
    list_types = models.JSONField(_("适用名单"), default=list, help_text=_('如 ["serious", "abnormal"]'))
    legal_basis = models.TextField(_("依据"))
    implementing_department = models.CharField(_("实施部门"), max_length=200)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("联合奖惩措施")
        verbose_name_plural = _("联合奖惩措施清单")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class CreditCheck(models.Model):
    """One code checked under 逢办必查: who checked, for what business, when, and what was found."""

    client = models.ForeignKey(
        "core.ApiClient", verbose_name=_("查询系统"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查询人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(Department, verbose_name=_("查询部门"), on_delete=models.PROTECT, related_name="+")
    entity = entity_key("credit_checks", verbose_name=_("被查询主体"))
    purpose = models.CharField(_("办理事项"), max_length=200)
    found = models.BooleanField(_("在册"))
    grade = models.CharField(_("查询时等级"), max_length=24, choices=Grade.choices, blank=True)
    measures = models.JSONField(_("适用措施代码"), default=list)
    checked_at = models.DateTimeField(_("查询时间"), db_index=True)

    class Meta:
        verbose_name = _("信用核查记录")
        verbose_name_plural = _("信用核查记录（逢办必查）")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["entity", "checked_at"], name="credit_check_uscc_time_idx")]

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.entity_id} {self.purpose}"


class CreditReport(models.Model):
    """An issued credit report (信用报告): serial, the hash of its facts and of its PDF bytes."""

    # Unique per partition (by issued_at month, issue 16 §5): a database CHECK ties the serial's date to the
    # issue date, so one serial can only ever sit in one partition, where its unique index holds.
    serial = models.CharField(_("报告编号"), max_length=32, db_index=True)
    entity = entity_key("credit_reports")
    issued_at = models.DateTimeField(_("出具时间"))
    content_hash = models.CharField(_("内容哈希（SHA-256）"), max_length=64)
    pdf_sha256 = models.CharField(_("文件哈希（SHA-256）"), max_length=64)
    facts = models.JSONField(_("报告所载信息"))
    requested_via = models.CharField(_("获取渠道"), max_length=40, default="web")
    # Issue 18 §1.1, §2: the language the PDF was printed in (the facts and their hash are the same in
    # both), and the SHA-256 of the certificate that signed it (empty: issued before reports were signed).
    language = models.CharField(_("报告语言"), max_length=10, default="zh-hans")
    signer_fingerprint = models.CharField(_("签名证书指纹（SHA-256）"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("信用报告")
        verbose_name_plural = _("信用报告")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"信用报告 {self.serial}"
