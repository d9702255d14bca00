"""双随机、一公开: plans, verifiable draws, tasks and teams, results, correction orders."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from credit.models import entity_key
from inspections.choices import (
    DEFAULT_RATIOS,
    MIN_TEAM_SIZE,
    CorrectionState,
    PlanState,
    ResponseState,
    ResultCategory,
    ResultState,
    TargetedCheckState,
    TaskState,
)
from supervision.choices import EntityStatus, EntityType
from supervision.models import Department, Inspector, SupervisionItemVersion

RATIO = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
}


class InspectionPlan(models.Model):
    """A 双随机 inspection plan (抽查计划): items, scope, ratios per risk class, window, departments."""

    name = models.CharField(_("计划名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_plans"
    )
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("参与部门"),
        related_name="joint_plans",
        blank=True,
        help_text=_("部门联合抽查时的其他参与部门（牵头部门不必重复选择）"),
    )
    description = models.TextField(_("计划说明"), blank=True)
    scope_region = models.CharField(_("范围：行政区划（前缀）"), max_length=6, blank=True)
    scope_industry = models.CharField(_("范围：行业代码（前缀）"), max_length=5, blank=True)
    scope_entity_types = ArrayField(
        models.CharField(max_length=32, choices=EntityType.choices),
        verbose_name=_("范围：主体类型"),
        default=list,
        blank=True,
    )
    scope_statuses = ArrayField(
        models.CharField(max_length=16, choices=EntityStatus.choices),
        verbose_name=_("范围：登记状态"),
        default=list,
        blank=True,
        help_text=_("留空即仅“存续（在营）”"),
    )
    ratio_a = models.DecimalField(_("A类抽查比例"), default=DEFAULT_RATIOS["A"], **RATIO)
    ratio_b = models.DecimalField(_("B类抽查比例"), default=DEFAULT_RATIOS["B"], **RATIO)
    ratio_c = models.DecimalField(_("C类抽查比例"), default=DEFAULT_RATIOS["C"], **RATIO)
    ratio_d = models.DecimalField(_("D类抽查比例"), default=DEFAULT_RATIOS["D"], **RATIO)
    is_public_info_check = models.BooleanField(_("公示信息抽查"), default=False, help_text=_("总体抽查比例不低于3%"))
    min_team_size = models.PositiveSmallIntegerField(
        _("每部门最少检查人员数"), default=MIN_TEAM_SIZE, validators=[MinValueValidator(MIN_TEAM_SIZE)]
    )
    starts_on = models.DateField(_("检查开始日期"))
    ends_on = models.DateField(_("检查结束日期"))
    state = models.CharField(_("状态"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    # The drafter (two-person rule, DOMAIN §4): neither approves nor enters a v2 draw's public value.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="plan_window_ordered"),
            models.CheckConstraint(condition=Q(min_team_size__gte=MIN_TEAM_SIZE), name="plan_team_at_least_2"),
        ]

    def __str__(self):
        # A name that already says its year ("2026年12月…") is not prefixed again (issue 18 §1.9).
        return self.name if str(self.year) in self.name else f"{self.year}年度 {self.name}"

    def ratios(self) -> dict:
        return {"A": self.ratio_a, "B": self.ratio_b, "C": self.ratio_c, "D": self.ratio_d}

    def all_departments(self) -> list:
        """The lead department first, then the participating ones (each draws its own inspectors)."""
        others = [d for d in self.departments.all() if d.pk != self.lead_department_id]
        return [self.lead_department, *sorted(others, key=lambda d: d.code)]


class PlanItem(models.Model):
    """An item of a plan, in the version that applies (a task always cites the version it used)."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("抽查计划"), on_delete=models.CASCADE, related_name="items")
    item_version = models.ForeignKey(
        SupervisionItemVersion, verbose_name=_("监管事项（版本）"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        constraints = [models.UniqueConstraint(fields=["plan", "item_version"], name="plan_item_once")]

    def __str__(self):
        return str(self.item_version)


HEX64 = r"^[0-9a-f]{64}$"


class DrawCommitment(models.Model):
    """The commitment of a ``hmac-sha256-v2`` draw, published at approval (DOMAIN §4): the SHA-256 of
    the population file and of a secret seed share, and the named public random value that does not
    exist yet. The draw seed is HMAC-SHA256(seed share, public value) once a second official enters
    the value. The seed share and the population file (strata = risk classes) are never public."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="commitments"
    )
    seed_share = models.CharField(_("种子份额（保密）"), max_length=64, editable=False)
    seed_share_sha256 = models.CharField(_("种子份额承诺值（SHA-256）"), max_length=64)
    population = models.TextField(_("承诺的抽取名录（内部）"), editable=False)
    population_sha256 = models.CharField(_("名录文件哈希"), max_length=64)
    population_size = models.PositiveIntegerField(_("名录主体数"))
    public_value_source = models.CharField(_("公开随机数来源"), max_length=300)
    public_value_date = models.DateField(_("公开随机数公布日期"), help_text=_("该日期之前不能录入公开随机数"))
    public_value = models.CharField(_("公开随机数"), max_length=300, blank=True)
    public_value_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_value_at = models.DateTimeField(_("录入时间"), null=True, blank=True)
    reason = models.CharField(_("重新摇号理由"), max_length=300, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承诺人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("承诺公布时间"))
    withdrawn = models.BooleanField(_("已被新的承诺取代（未摇号）"), default=False)

    class Meta:
        verbose_name = _("摇号承诺")
        verbose_name_plural = _("摇号承诺")
        ordering = ["-committed_at", "-id"]
        permissions = [("audit_drawcommitment", _("可查看全部计划的摇号种子份额与名录文件（监督人员）"))]
        constraints = [
            models.CheckConstraint(condition=Q(seed_share__regex=HEX64), name="commitment_share_64_hex"),
            models.CheckConstraint(condition=Q(seed_share_sha256__regex=HEX64), name="commitment_share_hash_64_hex"),
        ]

    def __str__(self):
        return f"摇号承诺 #{self.pk}（{self.plan}）"


class Draw(models.Model):
    """A recorded, verifiable random draw of entities (algorithms hmac-sha256-v1 and -v2, DOMAIN §4)."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="draws")
    algorithm = models.CharField(_("算法"), max_length=32, default="hmac-sha256-v1")
    seed = models.CharField(_("随机种子"), max_length=64)
    population_sha256 = models.CharField(_("名录文件哈希"), max_length=64)
    # The exact bytes that were hashed (DOMAIN §4); internal (strata are risk classes).
    population = models.TextField(_("抽取名录（内部）"), editable=False)
    population_size = models.PositiveIntegerField(_("名录主体数"))
    strata = models.JSONField(_("分层情况"), default=list)
    key_supervision = models.BooleanField(_("重点监管全覆盖"), default=False)
    reason = models.CharField(_("摇号（重新摇号）理由"), max_length=300, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("摇号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("摇号时间"))
    superseded = models.BooleanField(_("已被重新摇号取代"), default=False)
    # Key supervision (DOMAIN §4, issue 12 §5): a deterministic addition to the random selection, not
    # part of it: one line ``USCC,CATALOGUE_CODE`` per entity and key item covering it (inspections/draw.py).
    key_coverage = models.TextField(_("重点监管全覆盖名单"), blank=True, editable=False)
    key_coverage_sha256 = models.CharField(_("重点监管全覆盖名单哈希"), max_length=64, blank=True)
    key_coverage_size = models.PositiveIntegerField(_("重点监管全覆盖主体数"), default=0)
    # hmac-sha256-v2 only: the commitment published at approval; ``seed`` is then the derived seed.
    commitment = models.OneToOneField(
        DrawCommitment, verbose_name=_("摇号承诺"), null=True, blank=True, on_delete=models.PROTECT, related_name="draw"
    )

    class Meta:
        verbose_name = _("随机摇号")
        verbose_name_plural = _("随机摇号记录")
        ordering = ["-drawn_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(seed__regex=r"^[0-9a-f]{64}$"), name="draw_seed_64_hex")]

    def __str__(self):
        return f"摇号 #{self.pk}（{self.plan}）"


class DrawSelection(models.Model):
    """One entity selected by a draw, with its stratum (internal) and rank in the stratum."""

    draw = models.ForeignKey(Draw, verbose_name=_("摇号"), on_delete=models.CASCADE, related_name="selections")
    entity = entity_key("draw_selections")
    stratum = models.CharField(_("层（风险分类）"), max_length=1)
    rank = models.PositiveIntegerField(_("层内排名"))
    digest = models.CharField(_("HMAC 值"), max_length=64)

    class Meta:
        verbose_name = _("摇中主体")
        verbose_name_plural = _("摇中主体")
        ordering = ["draw", "entity"]
        constraints = [models.UniqueConstraint(fields=["draw", "entity"], name="draw_selection_once")]

    def __str__(self):
        return self.entity_id


class InspectionTask(models.Model):
    """One drawn entity with every department's items (进一次门、查多项事), its team and results."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="tasks")
    draw = models.ForeignKey(Draw, verbose_name=_("摇号"), on_delete=models.PROTECT, related_name="tasks")
    entity = entity_key("inspection_tasks")
    due_on = models.DateField(_("检查期限"))
    state = models.CharField(_("状态"), max_length=16, choices=TaskState.choices, default=TaskState.ASSIGNED)
    # DOMAIN §4: a task carries only the items that apply to its entity; ``drawn`` says whether the
    # entity was drawn (sampled items) or is there only for key items' full coverage.
    items = models.ManyToManyField(PlanItem, verbose_name=_("检查事项"), related_name="tasks", blank=True)
    drawn = models.BooleanField(_("随机抽中"), default=True, help_text=_("否：仅因重点监管事项全覆盖而检查"))
    unstaffed_reason = models.CharField(_("未配齐人员原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["plan", "entity"]
        constraints = [models.UniqueConstraint(fields=["draw", "entity"], name="task_once_per_draw")]

    def __str__(self):
        return f"{self.plan.name} · {self.entity_id}"


class TeamMember(models.Model):
    """An inspector drawn onto a task's team for one department (verifiable: HMAC rank recorded)."""

    task = models.ForeignKey(InspectionTask, verbose_name=_("检查任务"), on_delete=models.CASCADE, related_name="team")
    inspector = models.ForeignKey(
        Inspector, verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="team_memberships"
    )
    department = models.ForeignKey(Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(_("HMAC 值"), max_length=64)
    repeat_reason = models.CharField(_("连续检查同一主体的原因"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("确认检查结果时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        ordering = ["task", "department", "digest"]
        constraints = [models.UniqueConstraint(fields=["task", "inspector"], name="team_member_once")]

    def __str__(self):
        return f"{self.inspector.name}（{self.task.entity_id}）"


class InspectionResult(models.Model):
    """One department's result of a task (each department enters and publishes its own)."""

    task = models.ForeignKey(
        InspectionTask, verbose_name=_("检查任务"), on_delete=models.PROTECT, related_name="results"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("检查部门"), on_delete=models.PROTECT, related_name="inspection_results"
    )
    categories = ArrayField(models.CharField(max_length=32, choices=ResultCategory.choices), verbose_name=_("检查结果"))
    findings = models.TextField(_("检查情况"), blank=True)
    inspected_on = models.DateField(_("检查日期"))
    # Issue 12 §5: a result dated outside the plan's window needs a reason, published with the result.
    out_of_window_reason = models.CharField(_("超出计划检查期间的原因"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("录入时间"))
    state = models.CharField(_("状态"), max_length=16, choices=ResultState.choices, default=ResultState.SUBMITTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    publish_due_on = models.DateField(_("公示期限"))
    publish_due_provisional = models.BooleanField(_("公示期限暂定"), default=False)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("形成的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    needs_case = models.BooleanField(
        _("建议立案查处"), default=False, help_text=_("发现问题待后续处理：供执法部门立案")
    )

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="result_once_per_department"),
            models.CheckConstraint(condition=~Q(categories=[]), name="result_has_category"),
        ]
        indexes = [models.Index(fields=["state", "publish_due_on"], name="result_state_due_idx")]

    def __str__(self):
        return f"{self.task.entity_id} {self.department}"

    def category_labels(self) -> list[str]:
        labels = dict(ResultCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class ResultEvidence(models.Model):
    """A photo or file taken on site for a result."""

    result = models.ForeignKey(
        InspectionResult, verbose_name=_("检查结果"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("证据材料"), upload_to="inspections/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("现场证据")
        verbose_name_plural = _("现场证据")

    def __str__(self):
        return self.file.name


class CorrectionOrder(models.Model):
    """责令改正 with a deadline (未按规定公示 → order correction, then list if not corrected)."""

    result = models.OneToOneField(
        InspectionResult, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="correction"
    )
    entity = entity_key("correction_orders")
    department = models.ForeignKey(Department, verbose_name=_("责令部门"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("改正期限"))
    state = models.CharField(_("状态"), max_length=16, choices=CorrectionState.choices, default=CorrectionState.OPEN)
    corrected_on = models.DateField(_("改正日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("责令改正")
        verbose_name_plural = _("责令改正")
        ordering = ["due_on"]

    def __str__(self):
        return f"责令改正 {self.entity_id}（至 {self.due_on}）"


class CorrectionResponse(models.Model):
    """The entity's answer to a 责令改正 (整改情况说明 and evidence), accepted or returned by the issuing
    department (issue 14 §3). An order may have several over time; one at a time is under review."""

    order = models.ForeignKey(
        CorrectionOrder, verbose_name=_("责令改正"), on_delete=models.PROTECT, related_name="responses"
    )
    statement = models.TextField(_("整改情况说明"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    state = models.CharField(_("状态"), max_length=16, choices=ResponseState.choices, default=ResponseState.SUBMITTED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reasons = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
        ordering = ["order", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(state="submitted"), name="correction_one_pending_response"
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(reviewed_at__isnull=False),
                name="correction_response_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reasons=""), name="correction_response_returned_has_reasons"
            ),
        ]

    def __str__(self):
        return f"整改材料 #{self.pk}（{self.order}）"


class CorrectionEvidence(models.Model):
    """One rectification evidence file of an answer to a correction order."""

    response = models.ForeignKey(
        CorrectionResponse, verbose_name=_("整改材料"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("整改证明材料"), upload_to="corrections/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改证明材料")
        verbose_name_plural = _("整改证明材料")

    def __str__(self):
        return self.file.name

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class TargetedCheck(models.Model):
    """An entity put on its department's targeted inspection list (专项检查对象), outside the random draw.

    Issue 17 §5: a risk warning disposed of as 纳入抽查 adds its entity here, linked both ways. The
    department inspects it and records when and what it found; a problem found goes on through the
    usual paths (立案, 责令改正).
    """

    department = models.ForeignKey(
        Department, verbose_name=_("检查部门"), on_delete=models.PROTECT, related_name="targeted_checks"
    )
    entity = entity_key("targeted_checks", _("检查对象统一社会信用代码"))
    reason = models.CharField(_("纳入专项检查的原因"), max_length=500)
    source_warning = models.ForeignKey(
        "credit.RiskWarning",
        verbose_name=_("来源风险预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targeted_checks",
    )
    due_on = models.DateField(_("检查期限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=TargetedCheckState.choices, default=TargetedCheckState.PENDING
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("纳入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("纳入时间"))
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    outcome_note = models.CharField(_("检查情况"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("专项检查对象")
        verbose_name_plural = _("专项检查对象")
        ordering = ["-added_at", "-id"]
        constraints = [
            # One pending targeted check of an entity per department: adding it again adds nothing new.
            models.UniqueConstraint(
                fields=["department", "entity"], condition=Q(state="pending"), name="targeted_check_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(inspected_on__isnull=False), name="targeted_check_done_has_day"
            ),
        ]
        indexes = [models.Index(fields=["department", "state"], name="targeted_check_inbox_idx")]

    def __str__(self):
        return f"专项检查 {self.entity_id}（{self.get_state_display()}）"
