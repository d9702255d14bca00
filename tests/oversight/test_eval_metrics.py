"""The computed metrics of 履职评估 (issue 17 §3), each on a hand-built dataset with known answers:
late and overdue items, 尽职免责 (an accepted reason excluded, a rejected one not), department subtrees."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from credit import services as credit_services
from credit.models import CreditRecord, RiskWarning
from enforcement import services as enforcement_services
from enforcement.models import Complaint, PenaltyDisclosure
from inspections import services as inspection_services
from inspections.choices import ResultCategory
from inspections.models import CorrectionOrder, InspectionResult
from oversight import metrics, services
from oversight.eval_scope import department_scope
from oversight.models import Directive
from tests.conftest import record_data
from tests.oversight.conftest import at, evidence

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def figures(code, departments, subtree=False, period=NOV):
    scope = department_scope([d.pk for d in departments], subtree)
    return metrics.compute(code, start=period[0], end=period[1], scope=scope)


def link(figure, label):
    return next(item for item in figure.links if item["label"] == label)


def complaint(department, filed=dt.date(2026, 11, 2), closed=None):
    """A web complaint filed on ``filed`` (Mon 2026-11-02: due Mon 2026-11-23), closed on ``closed``."""
    with time_machine.travel(at(filed)):
        made, _ = enforcement_services.complaint_file(
            actor="public:web", entity_name="某超市", content="销售过期食品", department=department
        )
    if closed:
        Complaint.objects.filter(pk=made.pk).update(state="closed", closed_at=at(closed))
    return made


def exempt(tree, item, filer, decider, accept=True, kind="complaint"):
    """尽职免责 filed on 2026-12-01 by ``filer`` and decided by ``decider``."""
    with time_machine.travel(at(dt.date(2026, 12, 1))):
        exemption = services.duty_exemption_file(
            actor=filer,
            kind=kind,
            object_id=item.pk,
            reason_kind="holiday_notice",
            reason="系统停机维护三天，见通知",
            evidence=evidence(),
        )
        return services.duty_exemption_decide(actor=decider, exemption=exemption, accept=accept, note="情况属实")


# --- timeliness (core.deadline_items) ---------------------------------------------------------------


@pytest.fixture
def complaints(tree):
    """City C: one on time, one late, one overdue, one late with an accepted reason, one overdue with a
    rejected reason, one not yet due. County K (under C): one on time."""
    c = tree.c
    made = {
        "on_time": complaint(c, closed=dt.date(2026, 11, 23)),
        "late": complaint(c, closed=dt.date(2026, 11, 24)),
        "overdue": complaint(c),
        "late_excused": complaint(c, closed=dt.date(2026, 11, 25)),
        "overdue_rejected": complaint(c),
        "not_due": complaint(c, filed=dt.date(2026, 11, 20)),
        "county": complaint(tree.k, closed=dt.date(2026, 11, 10)),
    }
    exempt(tree, made["late_excused"], tree.c_official, tree.p_official, accept=True)
    exempt(tree, made["overdue_rejected"], tree.c_official, tree.p_official, accept=False)
    return made


def test_complaint_on_time_rate_leaves_out_accepted_exemptions_only(tree, complaints):
    # Given C's complaints of November (1 on time, 1 late, 2 overdue, 1 late but excused)
    # When the on-time rate is computed for C alone
    figure = figures("complaint_on_time", [tree.c])[tree.c.pk]
    # Then the excused one is out, the one with a rejected reason still counts as overdue
    assert (figure.numerator, figure.denominator, figure.value, figure.exempted) == (1, 4, Decimal("25.00"), 1)
    assert link(figure, "超期办结")["count"] == 1 and link(figure, "逾期未办结")["count"] == 2
    assert link(figure, "尽职免责剔除")["ids"] == [complaints["late_excused"].pk]


def test_complaint_on_time_rate_of_a_subtree_takes_in_the_county(tree, complaints):
    own = figures("complaint_on_time", [tree.c, tree.k, tree.o])
    subtree = figures("complaint_on_time", [tree.c, tree.p], subtree=True)
    assert own[tree.k.pk].value == Decimal("100.00")
    assert own[tree.o.pk].value is None and own[tree.o.pk].denominator == 0  # nothing to measure
    assert (subtree[tree.c.pk].numerator, subtree[tree.c.pk].denominator) == (2, 5)
    assert subtree[tree.p.pk].value == Decimal("40.00")


def test_on_time_drill_down_lists_the_rows_counted(tree, complaints, client):
    # Given the late link of C's figure
    figure = figures("complaint_on_time", [tree.c])[tree.c.pk]
    client.force_login(tree.admin)
    # When the platform admin follows it
    response = client.get(link(figure, "超期办结")["url"])
    # Then the list holds exactly the late rows (the excused one included: the list shows the rule's rows)
    assert response.status_code == 200
    assert {c.pk for c in response.context["cl"].result_list} == {complaints["late"].pk, complaints["late_excused"].pk}
    response = client.get(link(figure, "尽职免责剔除")["url"])
    assert [e.object_id for e in response.context["cl"].result_list] == [complaints["late_excused"].pk]


def test_penalty_disclosure_on_time_rate_counts_7_working_days(tree, push, make_entity):
    # Given penalties of Mon 2026-11-02 pushed by C, due Wed 11-11 (7 working days, 国办发〔2018〕118号):
    # published 11-10, published 11-12, never published, and one 依规不予公示 (no deadline)
    entity = make_entity()

    def disclosure(n, state="pending", published=None):
        ref = f"郑市监罚〔2026〕{n}号"
        push(record_data(entity.uscc, ref, decided_on="2026-11-02"), department=tree.c)
        PenaltyDisclosure.objects.filter(credit_record__source_ref=ref).update(
            state=state, publish_due_on=dt.date(2026, 11, 11), published_at=at(published) if published else None
        )

    disclosure(1, "published", dt.date(2026, 11, 10))
    disclosure(2, "published", dt.date(2026, 11, 12))
    disclosure(3)
    disclosure(4, "not_public")
    figure = figures("penalty_disclosure_on_time", [tree.c])[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, Decimal("33.33"))


def test_objection_on_time_rate(tree, push, make_entity):
    # Given two objections to C's records, decided on the due day and a day after it
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2026〕1号"), department=tree.c)
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕1号")
    made = []
    for day in (dt.date(2026, 11, 2), dt.date(2026, 11, 3)):
        with time_machine.travel(at(day)):
            objection, _ = credit_services.objection_file(
                actor="public", record=record, applicant_name="王建国", contact_phone="13900001111", reason="有误"
            )
        made.append(objection)
        type(objection).objects.filter(pk=objection.pk).update(state="decided", outcome="upheld")
    due = made[0].decide_due_on
    type(made[0]).objects.filter(pk=made[0].pk).update(decided_at=at(due))
    type(made[1]).objects.filter(pk=made[1].pk).update(decided_at=at(made[1].decide_due_on + dt.timedelta(days=1)))
    period = (dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    figure = figures("objection_on_time", [tree.c], period=period)[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (1, 2, Decimal("50.00"))


# --- 双随机 -------------------------------------------------------------------------------------------


@pytest.fixture
def drawn(tree, make_plan, make_item, graded_entities, make_inspector, frozen_today):
    """C's plan (window 11-16 to 12-31) drawn over 4 entities, 3 inspected on 11-20."""
    graded_entities(4, industry_code="I6513")
    for _ in range(2):
        make_inspector(tree.c)
    plan = make_plan(lead=tree.c, items=[make_item(tree.c)], ratio_a=Decimal("1"))
    draw = inspection_services.draw_run(actor="test", plan=plan)
    tasks = list(draw.tasks.order_by("entity"))
    results = [
        inspection_services.result_submit(
            actor="test",
            task=task,
            department=tree.c,
            categories=[ResultCategory.NO_PROBLEM],
            inspected_on=dt.date(2026, 11, 20),
        )
        for task in tasks[:3]
    ]
    return plan, tasks, results


def test_plan_inspected_share_counts_drawn_tasks_with_the_departments_result(tree, drawn):
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    figure = figures("plan_inspected_share", [tree.c], period=december)[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (3, 4, Decimal("75.00"))
    # A plan whose window does not end in the period is not counted
    assert figures("plan_inspected_share", [tree.c])[tree.c.pk].value is None
    # The county has no items in the plan
    assert figures("plan_inspected_share", [tree.k], period=december)[tree.k.pk].denominator == 0


def test_joint_plan_share(tree, make_plan, make_item, frozen_today):
    # Given plans starting in November: C alone, C with O (joint), K alone, and C's unapproved draft
    make_plan(lead=tree.c, items=[make_item(tree.c)])
    make_plan(lead=tree.c, items=[make_item(tree.c)], joint=[tree.o], name="联合抽查")
    make_plan(lead=tree.k, items=[make_item(tree.k)], name="区级抽查")
    make_plan(lead=tree.c, items=[make_item(tree.c)], approve=False, name="草稿")
    own = figures("joint_plan_share", [tree.c, tree.k, tree.o])
    assert (own[tree.c.pk].numerator, own[tree.c.pk].denominator) == (1, 2)
    assert own[tree.o.pk].value == Decimal("100.00")
    assert own[tree.k.pk].value == Decimal("0.00")
    # P's subtree holds all three plans once each
    subtree = figures("joint_plan_share", [tree.p], subtree=True)[tree.p.pk]
    assert (subtree.numerator, subtree.denominator, subtree.value) == (1, 3, Decimal("33.33"))


def test_result_publication_on_time_and_correction_orders_overdue(tree, drawn):
    _, _, (r1, r2, r3) = drawn
    # Given results published on time, late, and not at all (their due day moved to 11-24 to build it)
    InspectionResult.objects.filter(pk=r1.pk).update(state="published", published_at=at(dt.date(2026, 11, 25)))
    InspectionResult.objects.filter(pk__in=[r2.pk, r3.pk]).update(publish_due_on=dt.date(2026, 11, 24))
    InspectionResult.objects.filter(pk=r2.pk).update(state="published", published_at=at(dt.date(2026, 11, 26)))
    figure = figures("result_publication_on_time", [tree.c])[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, Decimal("33.33"))
    # And correction orders due 11-25: corrected in time, overdue, overdue but excused
    orders = [
        CorrectionOrder.objects.create(
            result=r, entity_id=r.task.entity_id, department=tree.c, due_on=dt.date(2026, 11, 25)
        )
        for r in (r1, r2, r3)
    ]
    CorrectionOrder.objects.filter(pk=orders[0].pk).update(state="corrected", corrected_on=dt.date(2026, 11, 24))
    exempt(tree, orders[2], tree.c_official, tree.admin, kind="correction_order")
    figure = figures("correction_overdue", [tree.c])[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value, figure.exempted) == (1, 2, 1, 1)


# --- credit -------------------------------------------------------------------------------------------


def test_credit_check_rate_counts_the_departments_own_checks_within_30_days(tree, push, make_entity, evaluate):
    e1, e2, e3, e4 = (make_entity() for _ in range(4))
    evaluate([e.uscc for e in (e1, e2, e3, e4)])
    # Given C's licences of 11-10, 11-12, 11-20 and a 审批替代型 commitment of 11-15, and a penalty (no matter)
    for n, (entity, day) in enumerate([(e1, "2026-11-10"), (e2, "2026-11-12"), (e3, "2026-11-20")], start=1):
        push(
            record_data(
                entity.uscc,
                f"郑市监许〔2026〕{n}号",
                category="administrative_licence",
                polarity="positive",
                decided_on=day,
            ),
            department=tree.c,
        )
    push(record_data(e1.uscc, "郑市监罚〔2026〕9号"), department=tree.c)

    def check(department, entity, day):
        with time_machine.travel(at(day)):
            credit_services.credit_check(department=department, usccs=[entity.uscc], purpose="行政许可受理")

    check(tree.c, e1, dt.date(2026, 11, 5))  # C, 5 days before: checked
    check(tree.o, e2, dt.date(2026, 11, 12))  # another department's check does not count
    check(tree.c, e3, dt.date(2026, 10, 1))  # 50 days before: outside the window
    with time_machine.travel(at(dt.date(2026, 11, 15))):
        credit_services.commitment_make(
            actor="test",
            entity_uscc=e4.uscc,
            commitment_type="approval_substitute",
            department=tree.c,
            content="承诺材料真实",
            signatory="张三",
            due_on=dt.date(2027, 1, 15),
            matter="食品经营许可",
        )
    check(tree.c, e4, dt.date(2026, 11, 15))
    figure = figures("credit_check_rate", [tree.c])[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, Decimal("50.00"))
    assert link(figure, "办理的行政许可")["count"] == 3 and link(figure, "受理的审批替代型承诺")["count"] == 1


def test_warning_disposed_rate_needs_a_disposition_by_the_end_of_the_period(tree, make_entity):
    entity = make_entity()

    def warning(n, created, handled=None, disposition=""):
        return RiskWarning.objects.create(
            rule_code="test_rule",
            dedupe_key=str(n),
            entity_id=entity.uscc,
            department=tree.c,
            message="预警",
            created_at=at(created),
            state="handled" if handled else "open",
            handled_at=at(handled) if handled else None,
            disposition=disposition,
        )

    warning(1, dt.date(2026, 11, 5), dt.date(2026, 11, 10), "case_opened")  # counts
    warning(2, dt.date(2026, 11, 6), dt.date(2026, 11, 8), "unrecorded")  # closed without a disposition
    warning(3, dt.date(2026, 11, 7))  # open
    warning(4, dt.date(2026, 11, 8), dt.date(2026, 12, 5), "no_issue")  # closed after the period
    warning(5, dt.date(2026, 10, 30), dt.date(2026, 11, 2), "interviewed")  # raised before the period
    figure = figures("warning_disposed_rate", [tree.c])[tree.c.pk]
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, Decimal("25.00"))


def test_directive_overdue_counts_unanswered_past_their_deadline(tree):
    def directive(n, issued, due, state="open", answered=None, closed=None, department=None):
        return Directive.objects.create(
            kind="complaint",
            object_id=n,
            department=department or tree.c,
            issuing_department=tree.p,
            issued_by=tree.p_official,
            issued_at=at(issued),
            reason="逾期未办结",
            answer_working_days=5,
            answer_due_on=due,
            state=state,
            answered_at=at(answered) if answered else None,
            closed_at=at(closed) if closed else None,
        )

    d = dt.date
    directive(1, d(2026, 11, 2), d(2026, 11, 9))  # overdue
    directive(2, d(2026, 11, 2), d(2026, 11, 9), "answered", answered=d(2026, 11, 8))  # answered in time
    directive(3, d(2026, 11, 2), d(2026, 11, 20), "closed", answered=d(2026, 11, 19), closed=d(2026, 11, 25))
    directive(4, d(2026, 11, 25), d(2026, 12, 5))  # open, not yet due
    directive(5, d(2026, 11, 2), d(2026, 11, 9), "returned", answered=d(2026, 11, 8))  # sent back: overdue
    directive(6, d(2026, 11, 2), d(2026, 11, 9), department=tree.k)  # the county's
    own = figures("directive_overdue", [tree.c])[tree.c.pk]
    assert (own.numerator, own.denominator, own.value) == (2, 4, 2)
    subtree = figures("directive_overdue", [tree.c], subtree=True)[tree.c.pk]
    assert (subtree.numerator, subtree.denominator) == (3, 5)


def test_every_registered_metric_has_a_chinese_definition():
    assert set(metrics.REGISTRY) >= {
        "penalty_disclosure_on_time",
        "result_publication_on_time",
        "objection_on_time",
        "complaint_on_time",
        "plan_inspected_share",
        "joint_plan_share",
        "credit_check_rate",
        "correction_overdue",
        "warning_disposed_rate",
        "directive_overdue",
    }
    for spec in metrics.REGISTRY.values():
        assert spec.definition and spec.label
