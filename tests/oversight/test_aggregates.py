"""The daily figures (issue 17 §1): every metric of oversight.figures on hand-built data with known answers,
computed set-based for a range of local days; a rerun gives the same rows."""

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from inspections.models import InspectionResult
from oversight import aggregates
from oversight.aggregates import FAMILIES
from oversight.figures import METRICS
from oversight.models import DailyFigure, DutyExemption
from tests.inspections.conftest import graded_entities, make_inspector, make_item, make_plan  # noqa: F401  (fixtures)
from tests.oversight.figures_data import (  # noqa: F401  (fixtures)
    complaint_world,
    compute,
    credit_world,
    every_row,
    figures,
    inspection_world,
    nov,
)


def test_every_metric_of_the_catalogue_is_computed_by_exactly_one_family():
    computed = [code for family in FAMILIES for code in family.metrics]
    assert sorted(computed) == sorted(METRICS)
    assert len(computed) == len(set(computed))


# --- credit ---------------------------------------------------------------------------------------


def test_entities_by_grade_is_the_stock_at_the_end_of_each_day_by_registration_authority_region_and_industry(
    credit_world, dept_a, dept_b
):
    # Given grades from 11-02 and a change on 11-04 (credit_world)
    # When 11-01 to 11-06 is computed
    compute(nov(1), nov(6))
    # Then each day holds the grades at its end; nothing before the first grading
    a, b = dept_a.pk, dept_b.pk
    expected = {}
    for day in (2, 3):
        expected[(nov(day), a, "410105", "F", "GOOD")] = 2
        expected[(nov(day), b, "410102", "I", "GOOD")] = 1
    for day in (4, 5, 6):
        expected[(nov(day), a, "410105", "F", "GOOD")] = 1
        expected[(nov(day), a, "410105", "F", "DISHONEST")] = 1
        expected[(nov(day), b, "410102", "I", "GOOD")] = 1
    assert figures("entities_by_grade") == expected


def test_a_stock_over_a_range_starts_from_the_state_before_the_range(credit_world):
    # Given the figures of 11-01 to 11-06 computed in one run
    compute(nov(1), nov(6))
    whole = {k: v for k, v in figures("entities_by_grade").items() if nov(3) <= k[0] <= nov(5)}
    # When only 11-03 to 11-05 is computed again (the grades of 11-02 are its starting state)
    DailyFigure.objects.all().delete()
    compute(nov(3), nov(5))
    # Then the days are the same as in the longer run
    assert figures("entities_by_grade") == whole


def test_new_negative_records_count_on_their_decision_day_by_category_and_severity(credit_world, dept_a, dept_b):
    compute(nov(1), nov(6))
    # The positive licence is not counted; the unknown code's record counts under its department only.
    assert figures("negative_records") == {
        (nov(4), dept_a.pk, "410105", "F", "administrative_penalty|general"): 1,
        (nov(5), dept_b.pk, "", "", "administrative_penalty|minor"): 1,
    }


def test_list_entries_and_removals_count_on_their_days_under_the_deciding_department(credit_world, dept_a):
    compute(nov(1), nov(6))
    assert figures("list_entries") == {(nov(3), dept_a.pk, "410105", "F", "abnormal"): 1}
    assert figures("list_removals") == {(nov(5), dept_a.pk, "410105", "F", "abnormal"): 1}


def test_credit_checks_count_on_the_local_day_by_checking_department_and_purpose(credit_world, dept_a, dept_b):
    compute(nov(1), nov(6))
    assert figures("credit_checks") == {
        (nov(5), dept_a.pk, "", "", "政府采购供应商资格审查"): 2,
        (nov(6), dept_b.pk, "", "", "行政许可"): 1,
    }


# --- deadlines and complaints -----------------------------------------------------------------------


def test_deadline_flows_count_opened_closed_on_time_late_and_newly_overdue_items(complaint_world, dept_a, dept_b):
    compute(nov(1), nov(6))
    a, b = dept_a.pk, dept_b.pk

    def per_day(**days):
        return {(nov(int(d[1:])), dept, "", "", "complaint"): n for d, (dept, n) in days.items()}

    assert figures("deadline_opened") == {
        (nov(2), a, "", "", "complaint"): 3,
        (nov(3), a, "", "", "complaint"): 1,
        (nov(3), b, "", "", "complaint"): 1,
    }
    assert figures("deadline_closed") == per_day(d4=(a, 1), d5=(a, 1), d6=(a, 1))
    assert figures("deadline_on_time") == per_day(d4=(a, 1))
    assert figures("deadline_late") == per_day(d5=(a, 1), d6=(a, 1))
    # Only the accepted reason counts; the rejected one does not.
    assert figures("deadline_late_exempted") == per_day(d6=(a, 1))
    # Overdue from 11-05, the day after the due day: the two closed late and the one still open.
    assert figures("deadline_became_overdue") == per_day(d5=(a, 3))


def test_open_and_overdue_items_are_stocks_at_the_end_of_each_day(complaint_world, dept_a, dept_b):
    compute(nov(1), nov(6))
    a, b = dept_a.pk, dept_b.pk
    open_items = {(2, a): 3, (3, a): 4, (3, b): 1, (4, a): 3, (4, b): 1, (5, a): 2, (5, b): 1, (6, a): 1, (6, b): 1}
    assert figures("deadline_open") == {(nov(d), dept, "", "", "complaint"): n for (d, dept), n in open_items.items()}
    assert figures("deadline_overdue") == {
        (nov(5), a, "", "", "complaint"): 2,
        (nov(6), a, "", "", "complaint"): 1,
    }


def test_complaints_count_by_channel_when_filed_and_by_channel_and_verdict_when_closed(complaint_world, dept_a, dept_b):
    compute(nov(1), nov(6))
    a, b = dept_a.pk, dept_b.pk
    assert figures("complaints_filed") == {
        (nov(2), a, "", "", "web"): 3,
        (nov(3), a, "", "", "window"): 1,
        (nov(3), b, "", "", "web"): 1,
    }
    assert figures("complaints_closed") == {
        (nov(4), a, "", "", "web|verified"): 1,
        (nov(5), a, "", "", "web|partly"): 1,
        (nov(6), a, "", "", "web|unfounded"): 1,
    }


def test_an_exemption_accepted_later_is_taken_in_by_recomputing_only_that_metric(complaint_world, dept_a):
    # Given the figures computed before the rejected reason was filed again and accepted
    compute(nov(1), nov(6))
    rejected = complaint_world[2]
    DutyExemption.objects.filter(object_id=rejected.pk).update(state="accepted")
    # When only deadline_late_exempted is recomputed for its day
    result = compute(nov(5), nov(5), metrics=["deadline_late_exempted"])
    # Then that day counts it, and no other metric was touched
    assert result.rows == {"deadline_late_exempted": 1}
    assert figures("deadline_late_exempted")[(nov(5), dept_a.pk, "", "", "complaint")] == 1
    assert figures("deadline_late")[(nov(5), dept_a.pk, "", "", "complaint")] == 1


# --- inspections ------------------------------------------------------------------------------------


def test_plans_and_entities_drawn_count_under_the_lead_department_split_joint_and_single(
    inspection_world, dept_a, dept_b
):
    compute(nov(16), nov(20))
    a, b = dept_a.pk, dept_b.pk
    assert figures("plans_started") == {(nov(16), a, "", "", "single"): 1, (nov(18), b, "", "", "joint"): 1}
    assert figures("entities_drawn") == {
        (nov(17), a, "410105", "I", "single"): 2,
        (nov(17), a, "410102", "F", "single"): 1,
        (nov(18), b, "410105", "I", "joint"): 2,
        (nov(18), b, "410102", "F", "joint"): 1,
    }


def test_inspected_and_published_count_per_inspecting_department(inspection_world, dept_a, dept_b):
    compute(nov(16), nov(20))
    a, b = dept_a.pk, dept_b.pk
    assert figures("entities_inspected") == {
        (nov(18), a, "410105", "I", "single"): 2,
        (nov(19), a, "410102", "F", "joint"): 1,
        (nov(19), b, "410102", "F", "joint"): 1,
    }
    assert InspectionResult.objects.filter(published_at__isnull=False).count() == 1
    assert figures("results_published") == {(nov(19), a, "410105", "I", "single"): 1}


def test_findings_rate_by_item_and_industry_reads_each_departments_own_items(inspection_world, dept_a, dept_b):
    compute(nov(16), nov(20))
    single_item, joint_item_b, joint_item_a = inspection_world
    a, b = dept_a.pk, dept_b.pk
    assert figures("inspected_by_item") == {
        (nov(18), a, "", "I", single_item): 2,
        (nov(19), b, "", "F", joint_item_b): 1,
        (nov(19), a, "", "F", joint_item_a): 1,
    }
    assert figures("findings_by_item") == {
        (nov(18), a, "", "I", single_item): 1,
        (nov(19), a, "", "F", joint_item_a): 1,
    }


# --- the run ----------------------------------------------------------------------------------------


def test_a_rerun_over_the_same_facts_gives_exactly_the_same_rows(credit_world, complaint_world):
    # Given a first run
    first = compute(nov(1), nov(10))
    rows = every_row()
    assert first.total == len(rows) > 0
    # When the same range runs again, and then a range inside it
    second = compute(nov(1), nov(10))
    compute(nov(3), nov(5))
    # Then the rows are the same, none doubled
    assert every_row() == rows
    assert second.rows == first.rows


def test_a_run_replaces_only_its_days_and_metrics(credit_world):
    DailyFigure.objects.create(day=nov(20), metric="credit_checks", key="旧数据", value=7)
    DailyFigure.objects.create(day=nov(5), metric="credit_checks", key="旧数据", value=7)
    compute(nov(1), nov(6))
    assert DailyFigure.objects.filter(key="旧数据").values_list("day", flat=True).get() == nov(20)


def test_the_service_writes_one_audit_event_with_the_range_and_row_counts(credit_world):
    result = compute(nov(1), nov(6))
    event = AuditEvent.objects.filter(action="daily_figures.compute").get()
    assert event.target_id == "2026-11-01..2026-11-06"
    assert event.after["days"] == 6
    assert event.after["total"] == result.total == DailyFigure.objects.count()
    assert event.after["rows"]["credit_checks"] == 2


def test_the_service_refuses_a_reversed_range_a_day_not_yet_ended_and_an_unknown_metric(db, frozen_today):
    with pytest.raises(ValidationError, match="晚于"):
        compute(nov(5), nov(4))
    with pytest.raises(ValidationError, match="尚未结束"):
        compute(nov(20), nov(22))
    with pytest.raises(ValidationError, match="未知的统计指标"):
        compute(nov(1), nov(2), metrics=["no_such_metric"])
    assert not AuditEvent.objects.filter(action="daily_figures.compute").exists()


def test_compute_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        aggregates.compute(start=nov(1), end=nov(2))
