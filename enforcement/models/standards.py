"""Discretion benchmarks (自由裁量基准)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from credit.choices import PenaltyType
from enforcement.models.fields import MONEY
from supervision.models import Department


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
