"""Results (issue 5 §3, DOMAIN §4): a published result becomes a credit record (抽查检查结果) through the
credit service; the follow-ups of each category; publication within 20 working days on the holiday
calendar; each department publishes its own result in a joint plan; publishing is idempotent."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditEvent
from credit.choices import ListGround, ListType, ProposalState
from credit.models import CreditRecord, ListProposal
from inspections import services
from inspections.choices import CorrectionState, ResultCategory, ResultState, TaskState
from inspections.models import CorrectionOrder

pytestmark = pytest.mark.django_db

C = ResultCategory


@pytest.fixture
def drawn_tasks(make_plan, graded_entities, make_inspector, dept_a, frozen_today):
    """``n`` staffed tasks of an approved, drawn plan (every entity in scope drawn)."""

    def make(n=1, joint=(), **plan_fields):
        graded_entities(n, industry_code="I6513")
        for department in (dept_a, *joint):
            for _ in range(2):
                make_inspector(department)
        draw = services.draw_run(actor="test", plan=make_plan(joint=joint, ratio_a=Decimal("1"), **plan_fields))
        tasks = list(draw.tasks.order_by("entity"))
        assert len(tasks) == n and all(t.state == TaskState.ASSIGNED for t in tasks)
        return tasks

    return make


def submit(task, department, categories, findings="现场检查发现问题，详见检查记录。", **kw):
    return services.result_submit(
        actor="test",
        task=task,
        department=department,
        categories=categories,
        findings="" if categories == [C.NO_PROBLEM] else findings,
        **kw,
    )


def approve_and_publish(*results):
    for result in results:
        services.result_approve(actor="test", result=result)
    return services.results_publish(actor="test")


def test_published_result_becomes_a_credit_record_of_category_inspection_result(drawn_tasks, dept_a):
    # Given a result entered and approved
    (task,) = drawn_tasks(1)
    result = submit(task, dept_a, [C.NO_PROBLEM], inspected_on=dt.date(2026, 11, 20))
    services.result_approve(actor="test", result=result)
    assert not CreditRecord.objects.exists()  # approved is not yet published
    # When the publication job runs
    assert services.results_publish(actor="test") == 1
    # Then the result is published and became the department's credit record, through the credit service
    result.refresh_from_db()
    assert result.state == ResultState.PUBLISHED and result.published_at is not None
    record = result.credit_record
    assert (record.category, record.department_id, record.entity_id) == ("inspection_result", dept_a.pk, task.entity_id)
    assert record.source_ref == f"抽查结果-{result.pk}" and record.decided_on == dt.date(2026, 11, 20)
    assert record.get_category_display() == "抽查检查结果"
    assert AuditEvent.objects.filter(action="credit_record.push", actor_label="test").exists()
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED


def test_a_result_not_yet_approved_is_not_published(drawn_tasks, dept_a):
    (task,) = drawn_tasks(1)
    result = submit(task, dept_a, [C.NO_PROBLEM])
    assert services.results_publish(actor="test") == 0
    result.refresh_from_db()
    assert result.state == ResultState.SUBMITTED and result.credit_record is None


def test_severity_false_info_is_a_general_negative_record_and_no_problem_is_neutral(drawn_tasks, dept_a):
    clean, false_info, corrected = drawn_tasks(3)
    results = [
        submit(clean, dept_a, [C.NO_PROBLEM]),
        submit(false_info, dept_a, [C.FALSE_INFO]),
        submit(corrected, dept_a, [C.PROBLEM_CORRECTED]),
    ]
    approve_and_publish(*results)
    for result in results:
        result.refresh_from_db()
    records = [r.credit_record for r in results]
    assert [(r.polarity, r.severity) for r in records] == [
        ("neutral", ""),
        ("negative", "general"),
        ("negative", "minor"),
    ]
    assert "公示信息隐瞒真实情况弄虚作假" in records[1].title


def test_unreachable_proposes_the_abnormal_list(drawn_tasks, dept_a):
    # 无法联系 or 弄虚作假 → propose an 经营异常名录 entry (DOMAIN §4)
    unreachable, false_info = drawn_tasks(2)
    first = submit(unreachable, dept_a, [C.UNREACHABLE])
    second = submit(false_info, dept_a, [C.FALSE_INFO])
    proposals = {p.source_ref: p for p in ListProposal.objects.all()}
    assert set(proposals) == {f"抽查结果 #{first.pk}", f"抽查结果 #{second.pk}"}
    one, two = proposals[f"抽查结果 #{first.pk}"], proposals[f"抽查结果 #{second.pk}"]
    assert (one.list_type, one.ground, one.entity_id, one.department_id, one.state) == (
        ListType.ABNORMAL,
        ListGround.UNREACHABLE,
        unreachable.entity_id,
        dept_a.pk,
        ProposalState.PENDING,
    )
    assert (two.list_type, two.ground) == (ListType.ABNORMAL, ListGround.FALSE_INFO)


def test_no_problem_raises_no_follow_up(drawn_tasks, dept_a):
    (task,) = drawn_tasks(1)
    result = submit(task, dept_a, [C.NO_PROBLEM])
    assert not ListProposal.objects.exists() and not CorrectionOrder.objects.exists() and not result.needs_case


def test_not_published_orders_correction_due_in_10_working_days(drawn_tasks, dept_a):
    # 未按规定公示 → order correction with a deadline. Inspected Tue 2026-09-29: 09-30 is the 1st working
    # day, 10-01..10-07 are 国庆 holidays, 10-08/09 are the 2nd/3rd, Saturday 10-10 (调休) the 4th,
    # 10-12..16 the 5th–9th, so Monday 10-19 is the 10th.
    (task,) = drawn_tasks(1, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 10, 30))
    result = submit(task, dept_a, [C.NOT_PUBLISHED], inspected_on=dt.date(2026, 9, 29))
    order = CorrectionOrder.objects.get(result=result)
    assert (order.entity_id, order.department_id, order.state) == (task.entity_id, dept_a.pk, CorrectionState.OPEN)
    assert order.due_on == dt.date(2026, 10, 19)
    assert not ListProposal.objects.exists()  # listed only if not corrected in time (see test_scan_rules)


def test_problem_pending_flags_the_result_for_an_enforcement_case(drawn_tasks, dept_a):
    pending, corrected = drawn_tasks(2)
    assert submit(pending, dept_a, [C.PROBLEM_PENDING]).needs_case
    assert not submit(corrected, dept_a, [C.PROBLEM_CORRECTED]).needs_case


def test_publication_due_within_20_working_days_on_the_holiday_calendar(drawn_tasks, dept_a):
    # Inspected Tue 2026-09-29. Counted with chinese_calendar: 09-30 (1); 10-01..10-07 国庆 off;
    # 10-08, 10-09, Sat 10-10 (调休 make-up workday) (2–4); 10-12..16 (5–9); 10-19..23 (10–14);
    # 10-26..30 (15–19); Mon 11-02 (20). Monday–Friday alone would give 10-27.
    (task,) = drawn_tasks(1, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 10, 30))
    result = submit(task, dept_a, [C.NO_PROBLEM], inspected_on=dt.date(2026, 9, 29))
    assert result.publish_due_on == dt.date(2026, 11, 2)
    assert not result.publish_due_provisional  # 2026 is inside chinese-calendar 1.11's data


def test_erqi_department_publishes_its_result_within_7_working_days(drawn_tasks, dept_a, make_department):
    """Issue 12 §2, seed 004 §15: 二七区 (region 410103) puts 行政监督检查 information online within 7
    working days; the deadline is that of the department publishing the result (the shorter rule wins)."""
    erqi = make_department(name="郑州市二七区市场监督管理局", region_code="410103", level="county")
    (task,) = drawn_tasks(1, joint=[erqi])
    ours = submit(task, dept_a, [C.NO_PROBLEM], inspected_on=dt.date(2026, 11, 20))
    theirs = submit(task, erqi, [C.NO_PROBLEM], inspected_on=dt.date(2026, 11, 20))
    # From Fri 2026-11-20: 11-23..27 (5), 11-30, 12-01 (7) … 12-18 (20)
    assert theirs.publish_due_on == dt.date(2026, 12, 1)
    assert ours.publish_due_on == dt.date(2026, 12, 18)
    event = AuditEvent.objects.get(action="inspection_result.submit", target_id=str(theirs.pk))
    assert "004" in event.after["publish_rule"]


def test_joint_plan_each_department_publishes_its_own_result(drawn_tasks, dept_a, dept_b):
    # Given one visit of a joint plan (进一次门、查多项事): each department enters its own result
    (task,) = drawn_tasks(1, joint=[dept_b])
    ours = submit(task, dept_a, [C.NO_PROBLEM], inspected_on=dt.date(2026, 11, 20))
    theirs = submit(task, dept_b, [C.PROBLEM_CORRECTED], inspected_on=dt.date(2026, 11, 20))
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED  # every department of the team has entered
    # When only the lead department has approved, only its result is published
    assert approve_and_publish(ours) == 1
    assert list(CreditRecord.objects.values_list("department", flat=True)) == [dept_a.pk]
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED
    # Then the participating department publishes its own, as its own credit record
    assert approve_and_publish(theirs) == 1
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.credit_record.department_id == dept_a.pk and theirs.credit_record.department_id == dept_b.pk
    assert ours.credit_record_id != theirs.credit_record_id
    assert (ours.credit_record.polarity, theirs.credit_record.polarity) == ("neutral", "negative")
    assert CreditRecord.objects.filter(entity_id=task.entity_id, category="inspection_result").count() == 2
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED


def test_results_publish_twice_publishes_nothing_twice(drawn_tasks, dept_a):
    # Given two approved results
    one, two = drawn_tasks(2)
    for task in (one, two):
        services.result_approve(actor="test", result=submit(task, dept_a, [C.NO_PROBLEM]))
    # When the job runs twice
    first = services.results_publish(actor="test")
    published_at = sorted(CreditRecord.objects.values_list("id", "updated_at"))
    second = services.results_publish(actor="test")
    # Then the second run publishes nothing and writes nothing
    assert (first, second) == (2, 0)
    assert sorted(CreditRecord.objects.values_list("id", "updated_at")) == published_at
    assert AuditEvent.objects.filter(action="inspection_result.publish").count() == 1
