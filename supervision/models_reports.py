"""The annual report (企业年度报告, issue 14 §3): registration data, filed by the entity itself.

Fields follow 《企业信息公示暂行条例》第九条 for enterprises; individual businesses (个体工商户) file the
shorter form of 《个体工商户年度报告暂行办法》第五条. Rules and services: ``supervision.annual_reports``.
Structured lists are JSON with the shapes validated there (``clean_report``).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AnnualReportKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业年度报告")
    INDIVIDUAL = "individual", _("个体工商户年度报告")


class OperatingStatus(models.TextChoices):
    # 条例第九条第（二）项: 开业、歇业、清算等存续状态
    OPEN = "open", _("开业")
    RESTING = "resting", _("歇业")
    LIQUIDATING = "liquidating", _("清算")


def _money(label):
    return models.DecimalField(label, max_digits=18, decimal_places=4, null=True, blank=True)


class AnnualReport(models.Model):
    """One entity's annual report (年度报告) for one year, with its corrections (更正) published by date."""

    entity = models.ForeignKey(
        "supervision.MarketEntity",
        verbose_name=_("市场主体"),
        to_field="uscc",
        db_column="uscc",
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    kind = models.CharField(_("报告类型"), max_length=16, choices=AnnualReportKind.choices)
    # 条例第九条第（一）项: published (the entity's own contact data, never a liaison's personal mobile)
    postal_address = models.CharField(_("通信地址"), max_length=300)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32)
    email = models.EmailField(_("电子邮箱"), blank=True)
    operating_status = models.CharField(_("存续状态"), max_length=16, choices=OperatingStatus.choices)
    websites = models.JSONField(_("网站及网店"), default=list, blank=True)
    capital = models.JSONField(_("股东及出资信息"), default=list, blank=True)
    equity_transfers = models.JSONField(_("股权变更信息"), default=list, blank=True)
    investments = models.JSONField(_("对外投资信息"), default=list, blank=True)
    licences = models.JSONField(_("行政许可取得和变动信息"), default=list, blank=True)
    # 条例第九条第（七）项: the entity chooses whether these are public (``assets_public``)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    total_assets = _money(_("资产总额（万元）"))
    total_liabilities = _money(_("负债总额（万元）"))
    owners_equity = _money(_("所有者权益合计（万元）"))
    revenue = _money(_("营业总收入（万元）"))
    main_revenue = _money(_("主营业务收入（万元）"))
    total_profit = _money(_("利润总额（万元）"))
    net_profit = _money(_("净利润（万元）"))
    tax_paid = _money(_("纳税总额（万元）"))
    guarantees = models.JSONField(_("对外提供保证担保信息"), default=list, blank=True)
    assets_public = models.BooleanField(_("公示资产状况信息"), default=False)
    social_insurance = models.JSONField(_("社保信息（参保人数）"), default=dict, blank=True)
    filed_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(_("逾期补报"), default=False, help_text=_("6月30日后报送"))
    filed_by = models.CharField(_("报送人"), max_length=100, blank=True)
    # [{"on": "YYYY-MM-DD", "changes": [{"field", "label", "before", "after"}]}], published with their dates
    corrections = models.JSONField(_("更正记录"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["entity_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="annual_report_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000), name="annual_report_year_sane"),
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__gte=0), name="annual_report_employees_non_negative"
            ),
        ]

    def __str__(self):
        return f"{self.entity_id} {self.year}年度报告"
