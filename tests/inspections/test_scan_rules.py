"""The risk-scan rules of 双随机、一公开 (inspections/scan_rules.py): results nearing or past their
20-working-day publication deadline, and correction orders not met in time (then 经营异常名录)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEvent
from credit import scan
from credit import services as credit_services
from credit.choices import ListGround, ListType, ProposalState
from credit.models import ListProposal, RiskWarning
from inspections import services
from inspections.choices import CorrectionState, ResultCategory, ResultState
from inspections.models import CorrectionOrder
from inspections.scan_rules import CorrectionOverdue, ResultPublicationDue

pytestmark = pytest.mark.django_db

C = ResultCategory
WINDOW = {"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2026, 11, 30)}


@pytest.fixture
def drawn_tasks(make_plan, graded_entities, make_inspector, dept_a, frozen_today):
    def make(n=1, joint=()):
        graded_entities(n, industry_code="I6513")
        for department in (dept_a, *joint):
            for _ in range(2):
                make_inspector(department)
        draw = services.draw_run(actor="test", plan=make_plan(joint=joint, ratio_a=Decimal("1"), **WINDOW))
        return list(draw.tasks.order_by("entity"))

    return make


def submit(task, department, categories, inspected_on):
    findings = "" if categories == [C.NO_PROBLEM] else "经核查，当事人未按规定公示行政许可信息。"
    return services.result_submit(
        actor="test",
        task=task,
        department=department,
        categories=categories,
        findings=findings,
        inspected_on=inspected_on,
    )


def run(rule, today):
    return rule.run(today=today, now=timezone.now())


def test_rules_are_registered_with_the_risk_scan_and_described_in_chinese(drawn_tasks, dept_a):
    codes = {rule.code: rule for rule in scan.RULES}
    assert {"RESULT_PUBLICATION_DUE", "CORRECTION_OVERDUE"} <= set(codes)
    assert (
        "公示" in codes["RESULT_PUBLICATION_DUE"].description
        and "经营异常名录" in codes["CORRECTION_OVERDUE"].description
    )
    # the nightly scan runs them (the job itself is tested in tests/jobs)
    (task,) = drawn_tasks(1)
    submit(task, dept_a, [C.NOT_PUBLISHED], dt.date(2026, 10, 12))
    result = scan.run_risk_scan(trigger="test", today=dt.date(2026, 11, 22))
    assert result.state == "succeeded", result.error
    assert (
        result.counts["warnings"]["RESULT_PUBLICATION_DUE"] == 1
        and result.counts["warnings"]["CORRECTION_OVERDUE"] == 1
    )


def test_three_working_days_follow_the_holiday_calendar():
    # On Tue 2026-09-29 the next 3 working days are 09-30, 10-08 and 10-09 (国庆 10-01..10-07 off).
    assert ResultPublicationDue().params(today=dt.date(2026, 9, 29), now=timezone.now())["due_by"] == dt.date(
        2026, 10, 9
    )
    # On Sun 2026-11-22: Mon 23, Tue 24, Wed 25.
    assert ResultPublicationDue().params(today=dt.date(2026, 11, 22), now=timezone.now())["due_by"] == dt.date(
        2026, 11, 25
    )


def test_result_publication_due_within_3_working_days_or_overdue_warns_the_department(drawn_tasks, dept_a):
    # Given results not yet published: due Wed 11-25 (within 3 working days of Sun 11-22), due Thu 11-26
    # (the 4th working day), due 11-09 (overdue), and one overdue but published. 20 working days from
    # Wed 10-28: 10-29, 10-30 (2), 11-02..06 (7), 11-09..13 (12), 11-16..20 (17), 11-23..25 (20); from
    # Thu 10-29 one more, 11-26; from Mon 10-12: 10-13..16 (4), 10-19..23 (9), 10-26..30 (14), 11-02..06 (19), 11-09 (20).
    soon, later, overdue, published = drawn_tasks(4)
    results = {
        "soon": submit(soon, dept_a, [C.NO_PROBLEM], dt.date(2026, 10, 28)),
        "later": submit(later, dept_a, [C.NO_PROBLEM], dt.date(2026, 10, 29)),
        "overdue": submit(overdue, dept_a, [C.NO_PROBLEM], dt.date(2026, 10, 12)),
        "published": submit(published, dept_a, [C.NO_PROBLEM], dt.date(2026, 10, 12)),
    }
    assert {k: r.publish_due_on for k, r in results.items()} == {
        "soon": dt.date(2026, 11, 25),
        "later": dt.date(2026, 11, 26),
        "overdue": dt.date(2026, 11, 9),
        "published": dt.date(2026, 11, 9),
    }
    services.result_approve(actor="test", result=results["published"])
    # published only "published": "overdue" was approved after the job ran
    services.results_publish(actor="test")
    services.result_approve(actor="test", result=results["overdue"])
    # When the rule runs on Sunday 2026-11-22
    assert run(ResultPublicationDue(), dt.date(2026, 11, 22)) == 2
    warnings = {w.dedupe_key: w for w in RiskWarning.objects.filter(rule_code="RESULT_PUBLICATION_DUE")}
    # Then the department is warned of the two, once per result and due date
    assert set(warnings) == {f"r{results['soon'].pk}:2026-11-25", f"r{results['overdue'].pk}:2026-11-09"}
    assert all(w.department_id == dept_a.pk for w in warnings.values())
    soon_message = warnings[f"r{results['soon'].pk}:2026-11-25"].message
    assert "公示期限为 2026-11-25" in soon_message and soon.entity_id in soon_message and "待审核" in soon_message
    overdue_message = warnings[f"r{results['overdue'].pk}:2026-11-09"].message
    assert "已超过公示期限 2026-11-09" in overdue_message and "已审核待公示" in overdue_message
    results["published"].refresh_from_db()
    assert results["published"].state == ResultState.PUBLISHED
    # And running again raises nothing twice
    assert run(ResultPublicationDue(), dt.date(2026, 11, 22)) == 0
    assert RiskWarning.objects.filter(rule_code="RESULT_PUBLICATION_DUE").count() == 2


def test_result_publication_due_warns_the_department_that_entered_the_result(drawn_tasks, dept_a, dept_b):
    # In a joint plan each department publishes its own result, so each is warned of its own.
    (task,) = drawn_tasks(1, joint=[dept_b])
    ours = submit(task, dept_a, [C.NO_PROBLEM], dt.date(2026, 10, 12))
    theirs = submit(task, dept_b, [C.NO_PROBLEM], dt.date(2026, 10, 12))
    services.result_approve(actor="test", result=ours)
    services.results_publish(actor="test")
    run(ResultPublicationDue(), dt.date(2026, 11, 22))
    warning = RiskWarning.objects.get(rule_code="RESULT_PUBLICATION_DUE")
    assert warning.department_id == dept_b.pk and warning.dedupe_key.startswith(f"r{theirs.pk}:")


def test_correction_overdue_marks_the_order_warns_and_proposes_the_abnormal_list(drawn_tasks, dept_a):
    # Given correction orders (未按规定公示, 10 working days): one due 10-26, one due 12-04, one corrected in time
    # (from Mon 10-12: 10-13..16 (4), 10-19..23 (9), 10-26 (10); from Fri 11-20: 11-23..27 (5), 11-30..12-04 (10))
    late, not_due, corrected = drawn_tasks(3)
    orders = {
        "late": CorrectionOrder.objects.get(result=submit(late, dept_a, [C.NOT_PUBLISHED], dt.date(2026, 10, 12))),
        "not_due": CorrectionOrder.objects.get(
            result=submit(not_due, dept_a, [C.NOT_PUBLISHED], dt.date(2026, 11, 20))
        ),
        "corrected": CorrectionOrder.objects.get(
            result=submit(corrected, dept_a, [C.NOT_PUBLISHED], dt.date(2026, 10, 12))
        ),
    }
    assert (orders["late"].due_on, orders["not_due"].due_on) == (dt.date(2026, 10, 26), dt.date(2026, 12, 4))
    services.correction_mark_corrected(actor="test", order=orders["corrected"], corrected_on=dt.date(2026, 10, 20))
    # When the rule runs on 2026-11-22
    assert run(CorrectionOverdue(), dt.date(2026, 11, 22)) == 1
    for order in orders.values():
        order.refresh_from_db()
    # Then only the late one is marked 逾期未改正, its department warned, and listing proposed
    assert [orders[k].state for k in ("late", "not_due", "corrected")] == [
        CorrectionState.OVERDUE,
        CorrectionState.OPEN,
        CorrectionState.CORRECTED,
    ]
    warning = RiskWarning.objects.get(rule_code="CORRECTION_OVERDUE")
    assert (warning.entity_id, warning.department_id, warning.dedupe_key) == (
        late.entity_id,
        dept_a.pk,
        f"c{orders['late'].pk}",
    )
    assert "2026-10-26" in warning.message
    proposal = ListProposal.objects.get(source_ref=f"责令改正 #{orders['late'].pk}")
    assert (proposal.entity_id, proposal.list_type, proposal.ground, proposal.department_id, proposal.state) == (
        late.entity_id,
        ListType.ABNORMAL,
        ListGround.INFO_NOT_PUBLISHED,
        dept_a.pk,
        ProposalState.PENDING,
    )
    event = AuditEvent.objects.get(action="correction.overdue")
    assert event.after == {"overdue": [orders["late"].pk], "list_proposals": [proposal.pk]}
    # And a second run changes nothing
    assert run(CorrectionOverdue(), dt.date(2026, 11, 22)) == 0
    assert ListProposal.objects.count() == 1 and AuditEvent.objects.filter(action="correction.overdue").count() == 1


def test_a_correction_due_today_is_not_yet_overdue(drawn_tasks, dept_a):
    (task,) = drawn_tasks(1)
    order = CorrectionOrder.objects.get(result=submit(task, dept_a, [C.NOT_PUBLISHED], dt.date(2026, 10, 12)))
    assert order.due_on == dt.date(
        2026, 10, 26
    )  # 10 working days from Mon 10-12: 10-13..16 (4), 10-19..23 (9), 10-26 (10)
    run(CorrectionOverdue(), dt.date(2026, 10, 26))
    order.refresh_from_db()
    assert order.state == CorrectionState.OPEN and not RiskWarning.objects.exists()
    run(CorrectionOverdue(), dt.date(2026, 10, 27))  # the next working day
    order.refresh_from_db()
    assert order.state == CorrectionState.OVERDUE


def test_no_listing_proposal_while_the_entity_is_already_on_the_abnormal_list(drawn_tasks, dept_a):
    # One active entry per entity and list: a second proposal could never be confirmed. The warning still goes out.
    (task,) = drawn_tasks(1)
    submit(task, dept_a, [C.NOT_PUBLISHED], dt.date(2026, 10, 12))
    credit_services.list_entry_add(
        actor="test",
        entity_uscc=task.entity_id,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        department=dept_a,
        legal_basis="《企业信息公示暂行条例》第十七条",
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )
    assert run(CorrectionOverdue(), dt.date(2026, 11, 22)) == 1
    assert not ListProposal.objects.exists()
    assert CorrectionOrder.objects.get().state == CorrectionState.OVERDUE
