"""FilterSets of the inspections app, shared by the API and the public pages.

They narrow what a selector already allows (``inspections.selectors.public_plans`` /
``public_results``), so a filtered list can never show more than the selector does.
"""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import uscc as uscc_lib
from inspections.choices import PUBLIC_PLAN_STATES
from inspections.models import InspectionPlan, InspectionResult
from supervision.models import Department


class USCCQueryField(forms.CharField):
    """A USCC in a query string: lower-case and full-width input is normalised; an invalid code is
    an error naming what is wrong (API.md: 400, not an empty list)."""

    def to_python(self, value):
        value = super().to_python(value)
        return uscc_lib.normalize(value) if value else value

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if "\x00" in value:  # PostgreSQL text cannot hold NUL
            raise forms.ValidationError(_("不能包含空字符"), code="invalid")
        reason = uscc_lib.problems(value)
        if reason and not uscc_lib.is_verified_exception(value):
            # The reason quotes the input: pass it as a parameter so a '%' in it is never formatted.
            raise forms.ValidationError("%(reason)s", code="invalid_uscc", params={"reason": reason})


class USCCFilter(django_filters.CharFilter):
    field_class = USCCQueryField


class IntegerFilter(django_filters.NumberFilter):
    """Whole numbers only (ids, years): ``1.5`` is an error, not a silent match."""

    field_class = forms.IntegerField


def plan_departments(request=None):
    """Departments that lead or join a public plan: the choices of the ``department`` filter."""
    leads = InspectionPlan.objects.filter(lead_department_id=OuterRef("pk"), state__in=PUBLIC_PLAN_STATES)
    joins = InspectionPlan.departments.through.objects.filter(
        department_id=OuterRef("pk"), inspectionplan__state__in=PUBLIC_PLAN_STATES
    )
    return Department.objects.filter(Q(Exists(leads)) | Q(Exists(joins))).order_by("code")


@extend_schema_field(OpenApiTypes.STR)
class DepartmentCodeFilter(django_filters.ModelChoiceFilter):
    """A department given by its code; an unknown code is an error naming the filter."""


class InspectionPlanFilter(django_filters.FilterSet):
    """Plans by year and by department (lead or participating), given by its code (e.g. ZZSJ)."""

    year = IntegerFilter(field_name="year", label=_("年度"), min_value=2000, max_value=2100)
    department = DepartmentCodeFilter(
        queryset=plan_departments,
        to_field_name="code",
        method="filter_department",
        label=_("部门（牵头或参与）"),
        empty_label=_("全部部门"),
        help_text=_("部门代码，如 ZZSJ"),
    )

    class Meta:
        model = InspectionPlan
        fields = ["year", "department"]

    def filter_department(self, queryset, name, value):
        joined = InspectionPlan.departments.through.objects.filter(
            inspectionplan_id=OuterRef("pk"), department_id=value.pk
        )
        return queryset.filter(Q(lead_department_id=value.pk) | Q(Exists(joined)))


class InspectionResultFilter(django_filters.FilterSet):
    """Published results by entity (USCC), plan and publication date (``since``: published on or after)."""

    uscc = USCCFilter(field_name="task__entity", label=_("统一社会信用代码"))
    plan = IntegerFilter(field_name="task__plan", label=_("抽查计划 ID"), min_value=1, max_value=2**63 - 1)
    since = django_filters.DateFilter(method="filter_since", label=_("公示日期不早于（YYYY-MM-DD）"))

    class Meta:
        model = InspectionResult
        fields = ["uscc", "plan", "since"]

    def filter_since(self, queryset, name, value):
        # The day starts at midnight Asia/Shanghai (API.md dates are local).
        start = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        return queryset.filter(published_at__gte=start)
