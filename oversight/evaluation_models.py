"""履职评估 (issue 17 §3): the indicator system as versioned data, the evaluations with their results,
and the half-year reports (seed 004). Imported by ``oversight.models``.

Rules the database holds (migration 0003): an indicator set, once an evaluation has used it, is frozen:
neither it nor its indicators can be changed or deleted (a new version is made instead), and a signed
half-year report is frozen too. Both are triggers, so no code path can go around them.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from supervision.models import Department


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    HALF = "half", _("半年度")
    YEAR = "year", _("年度")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class IndicatorSet(models.Model):
    """A version of the 监管履职评估评价体系 (seed 002 (五)3): the indicators, weights and targets in force
    from ``effective_from`` until the next version's ``effective_from``.

    Frozen (``frozen_at``) by the first evaluation that uses it; after that a change is a new version
    (``oversight.services.indicator_set_new_version``), so a past evaluation is always explained by the
    rules it was computed with.
    """

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    source = models.TextField(_("制定依据"))
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("首次使用时间（此后不可修改）"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("评估指标体系")
        verbose_name_plural = _("评估指标体系（版本）")
        ordering = ["-version"]

    def __str__(self):
        return f"{self.name}（第 {self.version} 版）"


class Indicator(models.Model):
    """One indicator of a set: which computed metric it reads (``oversight.metrics.REGISTRY``), its
    weight, its target and the periods it applies to, with the rule it comes from.

    Score (0–100), linear between the value that scores nothing (``zero_at``) and the target:
    ``score = clamp((value − zero_at) / (target − zero_at), 0, 1) × 100``. For a higher-is-better
    indicator ``zero_at < target`` (e.g. an on-time rate: target 100 %, nothing at 70 %); for a
    lower-is-better one ``zero_at > target`` (e.g. overdue orders: target 0, nothing at 10). A value
    that cannot be computed (no items in the period: the denominator is 0) gives no score, and the
    department's total is the weighted mean over the indicators that have one:
    ``total = Σ weight × score / Σ weight`` (each term is the indicator's weighted contribution).
    """

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("指标代码"), max_length=40)
    name = models.CharField(_("指标名称"), max_length=100)
    metric = models.CharField(_("计算口径（指标算法）"), max_length=40)
    weight = models.DecimalField(
        _("权重"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("各指标权重之和宜为 100"),
    )
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices)
    target = models.DecimalField(_("目标值（满分）"), max_digits=12, decimal_places=2)
    zero_at = models.DecimalField(_("零分值"), max_digits=12, decimal_places=2)
    period_kinds = ArrayField(
        models.CharField(max_length=8, choices=PeriodKind.choices), verbose_name=_("适用评估周期"), default=list
    )
    source = models.TextField(_("依据（出处）"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["indicator_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_code_once_per_set"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
            models.CheckConstraint(
                condition=Q(direction="higher", zero_at__lt=F("target"))
                | Q(direction="lower", zero_at__gt=F("target")),
                name="indicator_zero_at_matches_direction",
            ),
            models.CheckConstraint(condition=~Q(period_kinds=[]), name="indicator_has_period_kind"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Evaluation(models.Model):
    """One run of 履职评估 over a period (month, quarter, half-year or year) for a set of departments,
    with the indicator set version it used. Its results are never changed: a rerun is a new evaluation."""

    period_kind = models.CharField(_("评估周期"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    as_of = models.DateField(_("统计截止日"), help_text=_("周期尚未结束时为运行当日，此后为周期结束日"))
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系版本"), on_delete=models.PROTECT, related_name="evaluations"
    )
    include_subtree = models.BooleanField(
        _("含下级部门"), default=False, help_text=_("是：每个部门的数据含其下级部门；否：仅本部门办理的事项")
    )
    run_at = models.DateTimeField(_("运行时间"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("运行人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    run_label = models.CharField(_("运行方"), max_length=100)
    department_count = models.PositiveIntegerField(_("参评部门数"), default=0)

    class Meta:
        verbose_name = _("履职评估")
        verbose_name_plural = _("履职评估")
        ordering = ["-period_start", "-run_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="evaluation_period_ordered"),
            models.CheckConstraint(
                condition=Q(as_of__gte=F("period_start"), as_of__lte=F("period_end")), name="evaluation_as_of_in_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_period_kind_display()}履职评估 {self.period_start}–{self.period_end}"


class EvaluationResult(models.Model):
    """One indicator's figures for one department in an evaluation: numerator, denominator, value,
    score and weighted contribution, the items excluded under 尽职免责, and links to the rows behind
    each figure (``links``: ``[{"label", "count", "url"}]``)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("履职评估"), on_delete=models.CASCADE, related_name="results"
    )
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    numerator = models.BigIntegerField(_("分子（计数）"))
    denominator = models.BigIntegerField(_("分母"), null=True, blank=True)
    value = models.DecimalField(_("指标值"), max_digits=12, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    weighted = models.DecimalField(_("加权得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    exempted = models.PositiveIntegerField(_("尽职免责剔除数"), default=0)
    links = models.JSONField(_("明细链接"), default=list)

    class Meta:
        verbose_name = _("评估结果（指标）")
        verbose_name_plural = _("评估结果（指标）")
        ordering = ["evaluation", "department", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "department", "indicator"], name="evaluation_result_once")
        ]

    def __str__(self):
        return f"{self.department} {self.indicator.name}"


class EvaluationTotal(models.Model):
    """One department's weighted total in an evaluation and its rank among the departments of the same
    level (县（区）级 with 县（区）级 …); ties share a rank."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("履职评估"), on_delete=models.CASCADE, related_name="totals"
    )
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("层级"), max_length=16)
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    scored_weight = models.DecimalField(_("计分指标权重合计"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("同层级排名"), null=True, blank=True)
    ranked_among = models.PositiveIntegerField(_("同层级参评部门数"), default=0)

    class Meta:
        verbose_name = _("评估结果（部门）")
        verbose_name_plural = _("评估结果（部门）")
        ordering = ["evaluation", "level", "rank", "department__code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "department"], name="evaluation_total_once")]

    def __str__(self):
        return f"{self.department} {self.total}"


class Half(models.TextChoices):
    FIRST = "first", _("上半年")
    SECOND = "second", _("下半年")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签发")


class HalfYearReport(models.Model):
    """A department's half-year report (seed 004: submitted by 25 June and 25 December), pre-filled from
    the 履职评估 metrics. Its free-text sections stay a draft until an official of the department signs;
    a signed report is frozen (a trigger refuses any change)."""

    department = models.ForeignKey(
        Department, verbose_name=_("报告部门"), on_delete=models.PROTECT, related_name="half_year_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.CharField(_("半年"), max_length=8, choices=Half.choices)
    due_on = models.DateField(_("报送期限"))
    period_start = models.DateField(_("统计期间开始"))
    period_end = models.DateField(_("统计期间结束"))
    include_subtree = models.BooleanField(_("含下级部门"), default=True)
    figures = models.JSONField(_("预填数据"), default=dict)
    figures_as_of = models.DateField(_("数据截止日"))
    summary = models.TextField(_("一、工作开展情况"), blank=True)
    problems = models.TextField(_("二、存在的问题"), blank=True)
    next_steps = models.TextField(_("三、下一步工作打算"), blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=ReportState.choices, default=ReportState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("最后修改时间"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("签发人姓名"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("半年报告")
        verbose_name_plural = _("半年报告")
        ordering = ["-year", "-half", "department__code"]
        permissions = [("sign_halfyearreport", _("可签发本部门的半年报告"))]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "half"], name="half_year_report_once"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(signed_by__isnull=False, signed_at__isnull=False),
                name="half_year_report_signed_has_signer",
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.year}年{self.get_half_display()}报告"
