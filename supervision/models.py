"""一单两库一细则: departments, the entity roster, supervision items and checklists, inspectors."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _

from core.search import CjkTsvector
from core.uscc import USCCField
from supervision.choices import (
    DeadlineKind,
    DepartmentLevel,
    EntityStatus,
    EntityType,
    Frequency,
    InspectionMethod,
    ObjectType,
    SupervisionLevel,
)


class Department(models.Model):
    """A government department (监管部门 / 实施机构), in a tree."""

    code = models.CharField(
        _("部门代码"), max_length=32, unique=True, help_text=_("简码，如 ZZSJ（郑州市市场监督管理局）")
    )
    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True, help_text=_("用于文书编号，如“郑市监”"))
    level = models.CharField(_("层级"), max_length=16, choices=DepartmentLevel.choices)
    uscc = USCCField(unique=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("监管部门")
        verbose_name_plural = _("监管部门")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(region_code__regex=r"^\d{6}$"), name="department_region_6_digits")
        ]

    def __str__(self):
        return self.name


class MarketEntity(models.Model):
    """A market entity in the inspection-object roster (检查对象名录库), keyed by USCC."""

    uscc = USCCField(unique=True)
    name = models.CharField(_("名称"), max_length=200)
    entity_type = models.CharField(_("主体类型"), max_length=32, choices=EntityType.choices)
    legal_representative = models.CharField(_("法定代表人（负责人、经营者）"), max_length=100, blank=True)
    # Confidential (DOMAIN §5): never on a public page, the public API or a public export.
    legal_rep_id_number = models.CharField(_("法定代表人证件号码"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    registered_address = models.CharField(_("住所（经营场所）"), max_length=300, blank=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    industry_code = models.CharField(_("行业代码（GB/T 4754）"), max_length=5, blank=True, db_index=True)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(_("登记状态"), max_length=16, choices=EntityStatus.choices, default=EntityStatus.ACTIVE)
    registration_authority = models.ForeignKey(
        Department,
        verbose_name=_("登记机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_entities",
    )
    # Registration facts the 国家企业信用信息公示系统 shows (issue 18 §1.4): public, no personal data.
    name_en = models.CharField(
        _("英文名称"),
        max_length=300,
        blank=True,
        help_text=_("登记（备案）的英文名称，如外商投资企业的英文名称；没有则留空，平台不作翻译"),
    )
    operating_from = models.DateField(_("营业期限自"), null=True, blank=True, help_text=_("空：自成立日期起"))
    operating_to = models.DateField(_("营业期限至"), null=True, blank=True, help_text=_("空：长期"))
    business_scope = models.TextField(_("经营范围"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体（检查对象名录库）")
        ordering = ["uscc"]
        indexes = [
            # Chinese substring search: characters and bigrams of the name (DESIGN.md), confirmed by LIKE.
            GinIndex(CjkTsvector("name"), name="entity_name_cjk_gin"),
            # A code prefix in code order, whatever the database's collation: LIKE 'prefix%' and ORDER BY
            # on the same byte-ordered ("C") key, so a page of a broad prefix reads 20 rows, not every match
            # (10,000,000 entities: 821 ms for a prefix of 30,000 sorted; supervision.selectors).
            models.Index(Collate("uscc", "C"), name="entity_uscc_c_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(region_code__regex=r"^\d{6}$"), name="entity_region_6_digits"),
            models.CheckConstraint(
                condition=Q(industry_code="") | Q(industry_code__regex=r"^[A-T]\d{0,4}$"),
                name="entity_industry_gbt4754",
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                name="entity_capital_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(operating_to__isnull=True)
                | Q(operating_from__isnull=True)
                | Q(operating_to__gte=F("operating_from")),
                name="entity_operating_term_ordered",
                violation_error_message=_("营业期限至不能早于营业期限自"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.uscc}）"


class SupervisionItem(models.Model):
    """A supervision item (监管事项): 主项 when it has no parent, else 子项. Content lives in versions."""

    catalogue_code = models.CharField(
        _("事项编码"), max_length=14, unique=True, help_text=_("国家“互联网+监管”事项目录编码，14位数字")
    )
    name = models.CharField(_("事项名称"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("主项"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="items"
    )

    class Meta:
        verbose_name = _("监管事项")
        verbose_name_plural = _("监管事项清单")
        ordering = ["catalogue_code"]
        constraints = [
            models.CheckConstraint(condition=Q(catalogue_code__regex=r"^\d{14}$"), name="item_catalogue_14_digits")
        ]

    def __str__(self):
        return f"{self.catalogue_code} {self.name}"

    @property
    def is_main(self):
        return self.parent_id is None


class SupervisionItemVersion(models.Model):
    """One version of an item's content, in force from effective_from to effective_to (inclusive)."""

    item = models.ForeignKey(
        SupervisionItem, verbose_name=_("监管事项"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    object_type = models.CharField(_("监管对象"), max_length=32, choices=ObjectType.choices)
    method = models.CharField(_("监管方式"), max_length=32, choices=InspectionMethod.choices)
    legal_basis = models.TextField(_("设定依据"))
    supervision_level = models.CharField(_("监管层级"), max_length=16, choices=SupervisionLevel.choices)
    procedure = models.TextField(_("监管流程"), blank=True)
    standard = models.TextField(_("监管标准"), blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    is_random = models.BooleanField(_("随机抽查事项"), default=True)
    is_key = models.BooleanField(_("重点监管（全覆盖，不抽样）"), default=False)
    default_ratio = models.DecimalField(_("默认抽查比例"), max_digits=5, decimal_places=4, default=Decimal("0.03"))
    frequency = models.CharField(_("抽查频次"), max_length=16, choices=Frequency.choices, default=Frequency.YEARLY)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监管事项版本")
        verbose_name_plural = _("监管事项版本")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="item_version_unique"),
            models.UniqueConstraint(fields=["item", "effective_from"], name="item_version_start_unique"),
            # At most one open-ended version per item.
            models.UniqueConstraint(
                fields=["item"], condition=Q(effective_to__isnull=True), name="item_one_open_version"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="item_version_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(default_ratio__gt=0) & Q(default_ratio__lte=1), name="item_version_ratio_0_1"
            ),
        ]

    def __str__(self):
        return f"{self.item.name} v{self.version}（{self.effective_from} 起）"


class InspectionChecklist(models.Model):
    """A checklist (检查实施清单) of a sub-item; code = implementing department's USCC + 1–5."""

    item = models.ForeignKey(
        SupervisionItem, verbose_name=_("监管事项"), on_delete=models.PROTECT, related_name="checklists"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="checklists"
    )
    code = models.CharField(_("检查实施清单编码"), max_length=19)
    name = models.CharField(_("名称"), max_length=200)
    content = models.TextField(_("检查内容"))
    method = models.CharField(
        _("检查方式"), max_length=32, choices=InspectionMethod.choices, default=InspectionMethod.ON_SITE
    )

    class Meta:
        verbose_name = _("检查实施清单")
        verbose_name_plural = _("检查实施清单")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="checklist_code_unique_per_item"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}[1-5]$"), name="checklist_code_uscc_plus_digit"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Inspector(models.Model):
    """A certified law-enforcement officer in the inspector roster (执法检查人员名录库)."""

    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="inspectors"
    )
    certificate_no = models.CharField(_("执法证号"), max_length=32, unique=True)
    certificate_valid_from = models.DateField(_("执法证有效期起"))
    certificate_valid_to = models.DateField(_("执法证有效期至"))
    specialities = ArrayField(models.CharField(max_length=50), verbose_name=_("专业领域"), default=list, blank=True)
    active = models.BooleanField(_("在岗"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspector",
    )

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录库")
        ordering = ["department", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate_valid_to__gte=models.F("certificate_valid_from")),
                name="inspector_certificate_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.certificate_no}）"

    def certificate_valid_on(self, day) -> bool:
        return self.certificate_valid_from <= day <= self.certificate_valid_to


class InspectorConflict(models.Model):
    """A declared conflict of interest between an inspector and an entity (回避, 行政处罚法 Art. 43)."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("执法检查人员"), on_delete=models.CASCADE, related_name="conflicts"
    )
    entity_uscc = USCCField(verbose_name=_("利害关系主体统一社会信用代码"))
    reason = models.CharField(_("利害关系说明"), max_length=200)
    declared_on = models.DateField(_("申报日期"))

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [models.UniqueConstraint(fields=["inspector", "entity_uscc"], name="conflict_unique")]

    def __str__(self):
        return f"{self.inspector.name} ↔ {self.entity_uscc}"


class ObservationPeriod(models.Model):
    """包容审慎 observation period (观察期) for an entity or an industry: 首违不罚 applies."""

    department = models.ForeignKey(
        Department, verbose_name=_("设定部门"), on_delete=models.PROTECT, related_name="observation_periods"
    )
    entity = models.ForeignKey(
        MarketEntity,
        verbose_name=_("市场主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observation_periods",
    )
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("设定理由"), max_length=300, help_text=_("如：新技术、新产业、新业态、新模式"))

    class Meta:
        verbose_name = _("观察期")
        verbose_name_plural = _("观察期（包容审慎）")
        constraints = [
            models.CheckConstraint(
                condition=(Q(entity__isnull=False) & Q(industry_code=""))
                | (Q(entity__isnull=True) & ~Q(industry_code="")),
                name="observation_entity_xor_industry",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="observation_dates_ordered"),
        ]

    def __str__(self):
        target = self.entity.name if self.entity_id else f"行业 {self.industry_code}"
        return f"{target} {self.starts_on}—{self.ends_on}"


class StatutoryDeadline(models.Model):
    """One statutory deadline rule (法定时限), versioned, for a scope (issue 12 §2; DOMAIN §4, §6).

    A rule with no department and no region is national. A department rule covers that department and
    every department under it; a region rule covers the departments whose region code starts with it.
    Where several rules cover a department on a day, the shortest deadline applies (DOMAIN: "where
    rules overlap the shorter deadline applies"). Read them only through ``supervision.deadlines``.
    """

    kind = models.CharField(_("时限类型"), max_length=32, choices=DeadlineKind.choices)
    variant = models.CharField(
        _("细分"), max_length=32, blank=True, help_text=_("如投诉举报的渠道；留空则适用于该类型的全部")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("适用部门（含下级）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_rules",
    )
    region_code = models.CharField(
        _("适用行政区划"), max_length=6, blank=True, help_text=_("行政区划代码或其前缀，如 410103（二七区）")
    )
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    citation = models.CharField(_("依据"), max_length=300, help_text=_("文件名称、文号和条款"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法定时限")
        verbose_name_plural = _("法定时限")
        ordering = ["kind", "variant", "effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(working_days__gte=1), name="statutory_deadline_positive"),
            models.CheckConstraint(
                condition=Q(region_code="") | Q(region_code__regex=r"^\d{2,6}$"),
                name="statutory_deadline_region_digits",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(region_code=""), name="statutory_deadline_one_scope"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="statutory_deadline_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["kind", "effective_from"], name="statutory_deadline_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.working_days}个工作日（{self.scope_display}）"

    @property
    def scope_display(self) -> str:
        if self.department_id:
            return f"{self.department}及下级"
        if self.region_code:
            return f"行政区划 {self.region_code}"
        return "全国"


# The annual report lives in its own module (issue 14 §3); imported here so Django registers it.
from supervision.models_reports import AnnualReport  # noqa: E402, F401
