"""Enforcement: complaints, cases and their stages, discretion benchmarks, decisions, legal review, disclosure."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.query_codes import QueryCodeFields
from credit.choices import PenaltyType
from credit.models import PublicFiling, entity_key
from enforcement.choices import (
    CaseOutcome,
    CaseSource,
    CaseStage,
    Circumstance,
    ComplaintChannel,
    ComplaintKind,
    ComplaintState,
    ComplaintVerdict,
    DecisionState,
    DisclosureRuleKind,
    DisclosureState,
    EarlyStopState,
    Procedure,
    ReviewResult,
)
from supervision.choices import DeadlineKind
from supervision.models import Department, Inspector, StatutoryDeadline

MONEY = {"max_digits": 14, "decimal_places": 2}


class ChannelDeadlineManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=DeadlineKind.COMPLAINT).exclude(variant="")


class ChannelDeadline(StatutoryDeadline):
    """A complaint channel's handling deadline: a statutory deadline of kind COMPLAINT whose variant is
    the channel (issue 12 §2 folded the old per-channel table into ``StatutoryDeadline``); kept as a
    proxy so the enforcement admin and its permissions keep a per-channel page."""

    objects = ChannelDeadlineManager()

    class Meta:
        proxy = True
        verbose_name = _("投诉举报办理时限")
        verbose_name_plural = _("投诉举报办理时限")
        ordering = ["variant", "-effective_from"]

    @property
    def channel(self) -> str:
        return self.variant

    def get_channel_display(self) -> str:
        return str(dict(ComplaintChannel.choices).get(self.variant, self.variant))

    def __str__(self):
        return f"{self.get_channel_display()} {self.working_days}个工作日（{self.effective_from} 起）"


class Complaint(QueryCodeFields):
    """A complaint or report (投诉举报) from the public, 12345 or 12315; the reporter stays confidential."""

    tracking_no = models.CharField(_("受理编号"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=ComplaintKind.choices, default=ComplaintKind.COMPLAINT)
    channel = models.CharField(_("渠道"), max_length=16, choices=ComplaintChannel.choices, default=ComplaintChannel.WEB)
    external_no = models.CharField(
        _("来源工单号"), max_length=64, blank=True, help_text=_("12345/12315 平台的工单编号")
    )
    entity_name = models.CharField(_("被投诉举报对象名称"), max_length=200)
    entity = entity_key("complaints", _("被投诉举报对象统一社会信用代码"))
    content = models.TextField(_("投诉举报内容"))
    # Confidential (DOMAIN §5): never published, never shown outside the handling department.
    reporter_name = models.CharField(_("投诉举报人（保密）"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话（保密）"), max_length=32, blank=True)
    contact_email = models.CharField(_("电子邮箱（保密）"), max_length=100, blank=True)
    whistleblower = models.BooleanField(_("内部举报人（吹哨人）"), default=False)
    filed_at = models.DateTimeField(_("登记时间"))
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="complaints"
    )
    working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    due_on = models.DateField(_("办理期限"))
    due_provisional = models.BooleanField(
        _("期限暂定"), default=False, help_text=_("节假日数据未覆盖，按法定节假日推算，调休待录入")
    )
    state = models.CharField(_("状态"), max_length=16, choices=ComplaintState.choices, default=ComplaintState.RECEIVED)
    verdict = models.CharField(_("核查结论"), max_length=16, choices=ComplaintVerdict.choices, blank=True)
    outcome = models.TextField(_("办理结果（向投诉举报人公开）"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("形成的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Issue 12 §6 (DOMAIN §5): only these officials and the 部门负责人 see the complainant.
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人员"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["department", "state", "due_on"], name="complaint_dept_state_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ComplaintState.CLOSED, closed_at__isnull=False)
                | (~Q(state=ComplaintState.CLOSED) & Q(closed_at__isnull=True)),
                name="complaint_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_no} {self.entity_name}"


class ComplaintAttachment(models.Model):
    """A file attached to a complaint (evidence from the reporter); confidential like the reporter."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉举报"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("投诉举报附件")
        verbose_name_plural = _("投诉举报附件")

    def __str__(self):
        return self.original_name


class DiscretionStandard(models.Model):
    """A discretion benchmark (自由裁量基准): per violation type, legal basis and fine ranges by circumstance."""

    department = models.ForeignKey(
        Department, verbose_name=_("制定部门"), on_delete=models.PROTECT, related_name="discretion_standards"
    )
    code = models.CharField(_("基准编号"), max_length=32)
    violation_type = models.CharField(_("违法行为"), max_length=300)
    violation_basis = models.TextField(_("违法依据"))
    penalty_basis = models.TextField(_("处罚依据"))
    lighter_min = models.DecimalField(_("从轻：罚款下限（元）"), **MONEY)
    lighter_max = models.DecimalField(_("从轻：罚款上限（元）"), **MONEY)
    general_min = models.DecimalField(_("一般：罚款下限（元）"), **MONEY)
    general_max = models.DecimalField(_("一般：罚款上限（元）"), **MONEY)
    heavier_min = models.DecimalField(_("从重：罚款下限（元）"), **MONEY)
    heavier_max = models.DecimalField(_("从重：罚款上限（元）"), **MONEY)
    heavy_penalty_types = ArrayField(
        models.CharField(max_length=32, choices=PenaltyType.choices),
        verbose_name=_("从重情形可并处的处罚种类"),
        default=list,
        blank=True,
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("自由裁量基准")
        verbose_name_plural = _("自由裁量基准")
        ordering = ["department", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code", "effective_from"], name="discretion_code_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(lighter_min__gte=0)
                & Q(lighter_max__gte=F("lighter_min"))
                & Q(general_max__gte=F("general_min"))
                & Q(heavier_max__gte=F("heavier_min"))
                & Q(general_min__gte=0)
                & Q(heavier_min__gte=0),
                name="discretion_ranges_ordered",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="discretion_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.violation_type}"

    def fine_range(self, circumstance: str):
        return getattr(self, f"{circumstance}_min"), getattr(self, f"{circumstance}_max")


class Case(models.Model):
    """An administrative enforcement case (行政执法案件) from 立案 to 结案, with its full record."""

    number = models.CharField(_("案件编号"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("办案部门"), on_delete=models.PROTECT, related_name="cases"
    )
    entity = entity_key("cases", _("当事人统一社会信用代码"))
    party_name = models.CharField(_("当事人"), max_length=200)
    # A natural-person party who is a minor: the decision is never published (DOMAIN §5).
    party_is_minor = models.BooleanField(_("当事人为未成年人"), default=False)
    title = models.CharField(_("案由"), max_length=300)
    source = models.CharField(_("案件来源"), max_length=16, choices=CaseSource.choices)
    source_complaint = models.ForeignKey(
        Complaint, verbose_name=_("来源投诉举报"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    source_result = models.ForeignKey(
        "inspections.InspectionResult",
        verbose_name=_("来源检查结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source_note = models.CharField(
        _("来源说明"), max_length=300, blank=True, help_text=_("监测发现的线索、移送机关及文号等")
    )
    standard = models.ForeignKey(
        DiscretionStandard,
        verbose_name=_("适用裁量基准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    is_major = models.BooleanField(_("重大执法决定"), default=False, help_text=_("须经法制审核通过方可作出决定"))
    handlers = models.ManyToManyField(
        Inspector, verbose_name=_("承办人员"), through="CaseHandler", related_name="cases"
    )
    stage = models.CharField(_("当前环节"), max_length=16, choices=CaseStage.choices, default=CaseStage.FILED)
    filed_on = models.DateField(_("立案日期"))
    outcome = models.CharField(_("办理结果"), max_length=24, choices=CaseOutcome.choices, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 告知 and the party's answer (issue 12 §6; 行政处罚法 第六十四条): see enforcement.case_rules.
    notice_served_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    rights_waived_on = models.DateField(_("当事人书面放弃陈述申辩和听证日期"), null=True, blank=True)
    statement_on = models.DateField(_("当事人陈述申辩日期"), null=True, blank=True)
    hearing_requested_on = models.DateField(_("当事人申请听证日期"), null=True, blank=True)
    hearing_record_on = models.DateField(_("听证笔录归档日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["department", "stage"], name="case_dept_stage_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage=CaseStage.CLOSED) | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="case_closed_has_outcome",
            ),
            # The party answers a notice that was served; a hearing record follows a hearing request.
            models.CheckConstraint(
                condition=Q(notice_served_on__isnull=False)
                | (
                    Q(rights_waived_on__isnull=True)
                    & Q(statement_on__isnull=True)
                    & Q(hearing_requested_on__isnull=True)
                ),
                name="case_answer_after_notice",
            ),
            models.CheckConstraint(
                condition=Q(hearing_record_on__isnull=True) | Q(hearing_requested_on__isnull=False),
                name="case_hearing_record_after_request",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.party_name}"


class CaseHandler(models.Model):
    """A handler (承办人员) of a case: a certified officer of the case's department."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="handler_links")
    inspector = models.ForeignKey(Inspector, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("主办人"), default=False)

    class Meta:
        verbose_name = _("承办人员")
        verbose_name_plural = _("承办人员")
        constraints = [models.UniqueConstraint(fields=["case", "inspector"], name="case_handler_once")]

    def __str__(self):
        return self.inspector.name


class CaseEvent(models.Model):
    """One step of a case's full record (全程记录): who, when, which transition, the note, the documents."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_stage = models.CharField(_("原环节"), max_length=16, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(_("新环节"), max_length=16, choices=CaseStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人（显示）"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录（全程记录）")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case.number} {self.get_to_stage_display()}"


class CaseDocument(models.Model):
    """A document attached to a case step (立案审批表, 询问笔录, 告知书, 送达回证 …)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("办理记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("文书名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("案卷文书")
        verbose_name_plural = _("案卷文书")
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self):
        return self.title


class CaseProposal(models.Model):
    """The proposed decision (拟作出的行政处罚) the handlers put to 法制审核 and to the party in the 告知."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="proposals")
    penalty_types = ArrayField(
        models.CharField(max_length=32, choices=PenaltyType.choices), verbose_name=_("拟处罚种类")
    )
    fine_amount = models.DecimalField(_("拟罚款金额（元）"), default=0, **MONEY)
    confiscation_amount = models.DecimalField(_("拟没收金额（元）"), default=0, **MONEY)
    circumstance = models.CharField(
        _("裁量情节"), max_length=16, choices=Circumstance.choices, default=Circumstance.GENERAL
    )
    legal_basis = models.TextField(_("处罚依据"))
    out_of_range_reason = models.TextField(_("超出裁量基准的书面说明"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提出时间"))

    class Meta:
        verbose_name = _("拟处罚意见")
        verbose_name_plural = _("拟处罚意见")
        ordering = ["case", "-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(penalty_types=[]), name="proposal_has_penalty_type"),
            models.CheckConstraint(
                condition=Q(fine_amount__gte=0) & Q(confiscation_amount__gte=0), name="proposal_amounts_non_negative"
            ),
        ]

    def __str__(self):
        return f"{self.case.number} 拟处罚意见"


class LegalReview(models.Model):
    """A 法制审核 of a case by a legal reviewer (法制审核人员) who is not one of its handlers."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="legal_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("法制审核人员"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("审核意见"), max_length=16, choices=ReviewResult.choices)
    opinion = models.TextField(_("审核意见书"))
    reviewed_at = models.DateTimeField(_("审核时间"))

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["case", "-reviewed_at"]

    def __str__(self):
        return f"{self.case.number} {self.get_result_display()}"


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


class EarlyStopApplication(PublicFiling):
    """A party's application to stop a penalty's disclosure early (提前停止公示, 市场监管总局令第45号),
    decided by the department that made the decision."""

    disclosure = models.ForeignKey(
        PenaltyDisclosure, verbose_name=_("处罚公示"), on_delete=models.PROTECT, related_name="early_stop_applications"
    )
    entity = entity_key("early_stop_applications")
    department = models.ForeignKey(
        Department,
        verbose_name=_("作出处罚决定的部门"),
        on_delete=models.PROTECT,
        related_name="early_stop_applications",
    )
    reason = models.TextField(_("申请理由（履行处罚决定、消除危害后果和不良影响的情况）"))
    performed = models.BooleanField(_("声明：已经自觉履行行政处罚决定中规定的义务"), default=False)
    harm_removed = models.BooleanField(_("声明：已经主动消除危害后果和不良影响"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=EarlyStopState.choices, default=EarlyStopState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("提前停止公示申请")
        verbose_name_plural = _("提前停止公示申请")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure"], condition=Q(state="submitted"), name="early_stop_one_open_per_disclosure"
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False), name="early_stop_decided_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(decision_reason=""), name="early_stop_refusal_has_reason"
            ),
        ]

    def __str__(self):
        return f"提前停止公示申请 {self.tracking_no}"


class EarlyStopEvidence(models.Model):
    """One evidence file of an early-stop application (缴款凭证、整改报告 …); seen by the deciding department only."""

    application = models.ForeignKey(
        EarlyStopApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("证明材料"), upload_to="early_stop/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提前停止公示证明材料")
        verbose_name_plural = _("提前停止公示证明材料")

    def __str__(self):
        return self.file.name
