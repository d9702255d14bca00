"""Statutory deadlines are versioned data and the stricter rule wins (issue 12 §2; DOMAIN §4)."""

import datetime as dt

import pytest

from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import StatutoryDeadline

pytestmark = pytest.mark.django_db


def test_every_kind_has_a_national_default():
    for kind in DeadlineKind.values:
        assert deadlines.rule_for(kind, on=dt.date(2026, 12, 7)).citation


def test_inspection_results_are_published_within_20_working_days_nationally(make_department):
    city = make_department(region_code="410100")
    assert deadlines.working_days(DeadlineKind.INSPECTION_RESULT, department=city, on=dt.date(2026, 12, 7)) == 20


def test_erqi_district_publishes_acts_and_results_within_7_working_days(make_department):
    """Seed 004 §15: 二七区 puts 行政强制…行政监督检查 information online within 7 working days."""
    erqi = make_department(region_code="410103")
    for kind in (DeadlineKind.INSPECTION_RESULT, DeadlineKind.OTHER_ACT):
        rule = deadlines.rule_for(kind, department=erqi, on=dt.date(2026, 12, 7))
        assert rule.working_days == 7
        assert "004" in rule.citation


def test_when_rules_overlap_the_shorter_deadline_applies(make_department):
    parent = make_department(region_code="410100")
    child = make_department(region_code="410105", parent=parent)
    StatutoryDeadline.objects.create(
        kind=DeadlineKind.COMPLAINT,
        department=parent,
        working_days=12,
        citation="市级规定",
        effective_from=dt.date(2026, 1, 1),
    )
    StatutoryDeadline.objects.create(
        kind=DeadlineKind.COMPLAINT,
        region_code="4101",
        working_days=30,
        citation="较长的地方规定",
        effective_from=dt.date(2026, 1, 1),
    )
    assert (
        deadlines.working_days(DeadlineKind.COMPLAINT, department=child, on=dt.date(2026, 12, 7)) == 12
    )  # subtree rule, shorter than 15
    assert deadlines.working_days(DeadlineKind.COMPLAINT, department=None, on=dt.date(2026, 12, 7)) == 15


def test_a_rule_applies_only_while_in_force(make_department):
    dept = make_department()
    StatutoryDeadline.objects.create(
        kind=DeadlineKind.OBJECTION_ACCEPT,
        department=dept,
        working_days=3,
        citation="试行",
        effective_from=dt.date(2026, 3, 1),
        effective_to=dt.date(2026, 6, 30),
    )
    assert deadlines.working_days(DeadlineKind.OBJECTION_ACCEPT, department=dept, on=dt.date(2026, 2, 27)) == 5
    assert deadlines.working_days(DeadlineKind.OBJECTION_ACCEPT, department=dept, on=dt.date(2026, 6, 30)) == 3
    assert deadlines.working_days(DeadlineKind.OBJECTION_ACCEPT, department=dept, on=dt.date(2026, 7, 1)) == 5


def test_due_counts_working_days_from_the_start_and_names_its_rule(make_department):
    dept = make_department()
    result = deadlines.due(
        DeadlineKind.ABNORMAL_REMOVAL, dt.date(2026, 9, 30), department=dept
    )  # 国庆 2026: 10-01..10-07
    assert result.rule.working_days == 5
    assert result.date > dt.date(2026, 10, 7)
