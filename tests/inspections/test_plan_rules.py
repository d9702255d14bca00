"""Issue 12 §5: two people approve a plan; the admin shows the scope before the draw and asks for
confirmation; results fall inside the plan's window (or say why, publicly); plans close.

Users: alice drafts (dept_a), carol (dept_a) approves or enters the public value, dave (dept_a) is a
third official, bob is of another department, and an auditor (监督人员) of another department.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.choices import Role
from core.models import AuditEvent
from credit.models import CreditRecord, RiskWarning
from credit.scan import run_risk_scan
from inspections import commitments, services
from inspections.choices import PlanState, ResultCategory, TaskState
from inspections.models import Draw, InspectionPlan
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

PLANS = "/admin/inspections/inspectionplan/"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PUBLIC_VALUE = "03 11 17 22 28 31 09"


def after_lottery():
    return time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False)


def action(client, name, pks, **form):
    return client.post(PLANS, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def carol(make_official, dept_a):
    return make_official("carol", dept_a)


@pytest.fixture
def dave(make_official, dept_a):
    return make_official("dave", dept_a)


@pytest.fixture
def auditor(make_official, dept_b):
    return make_official("auditor", dept_b, role=Role.AUDITOR)


@pytest.fixture
def world(make_entity, evaluate, push, make_inspector, dept_a, frozen_today):
    """Six low-risk entities (class A) and one high-risk one (class D), three inspectors."""
    low = [make_entity(industry_code="I6513") for _ in range(6)]
    high = make_entity(industry_code="H6210")
    push(record_data(high.uscc, "郑市监罚〔2026〕1号", severity="serious"))
    evaluate()
    for _ in range(3):
        make_inspector(dept_a)
    return {"low": low, "high": high}


@pytest.fixture
def drafted(alice, make_item, dept_a, world):
    plan = services.plan_save(
        actor=alice,
        name="2026年商贸双随机抽查",
        year=2026,
        lead_department=dept_a,
        ratio_a=Decimal("0.5"),
        ratio_d=Decimal("1"),
        starts_on=dt.date(2026, 11, 16),
        ends_on=dt.date(2026, 12, 31),
    )
    services.plan_item_add(actor=alice, plan=plan, item=make_item(dept_a))
    return plan


# --- two people approve a plan ------------------------------------------------------------------------


def test_plan_drafter_cannot_approve_own_plan(drafted, alice, carol, dave, client):
    """DOMAIN §4: drafted by one official, approved by another. Whoever changed the draft drafted it too."""
    with pytest.raises(ValidationError, match="起草人以外"):
        services.plan_approve(actor=alice, plan=drafted)
    services.plan_save(actor=carol, plan=drafted, description="补充：含金水区新登记主体")  # carol edits the draft
    with pytest.raises(ValidationError, match="起草人以外"):
        commitments.plan_approve(actor=carol, plan=drafted)
    client.force_login(alice)  # the admin's 审批 refuses the drafter the same way
    response = action(
        client, "approve", [drafted.pk], apply="1", public_value_date="2026-11-24", public_value_source=""
    )
    assert any("起草人以外" in m for m in messages_of(response))
    assert InspectionPlan.objects.get(pk=drafted.pk).state == PlanState.DRAFT

    # A plan whose drafter was not recorded on the row: the audit trail names her, and approval records it.
    InspectionPlan.objects.filter(pk=drafted.pk).update(created_by=None)
    with pytest.raises(ValidationError, match="起草人以外"):
        services.plan_approve(actor=alice, plan=InspectionPlan.objects.get(pk=drafted.pk))
    approved = services.plan_approve(actor=dave, plan=InspectionPlan.objects.get(pk=drafted.pk))
    assert (approved.state, approved.created_by, approved.approved_by) == (PlanState.APPROVED, alice, dave)
    client.force_login(dave)
    page = client.get(f"{PLANS}{drafted.pk}/change/").content.decode()
    assert "起草人" in page and "审批人" in page and "alice" in page and "dave" in page  # both people are shown


# --- the scope before the draw, and the confirmation ------------------------------------------------


def test_scope_total_shown_before_draw_per_class_only_to_auditor(drafted, alice, carol, auditor, client):
    commitments.plan_approve(actor=carol, plan=drafted)
    client.force_login(alice)
    page = client.get(f"{PLANS}{drafted.pk}/change/").content.decode()
    assert 'data-scope-total="7"' in page and "抽查范围内共 7 户" in page  # 6 class A + 1 class D, before any draw
    assert "data-scope-per-class" not in page and "A类 6 户" not in page  # risk classes are internal
    client.force_login(auditor)
    page = client.get(f"{PLANS}{drafted.pk}/change/").content.decode()
    assert "抽查范围内共 7 户" in page and "A类 6 户" in page and "D类 1 户" in page

    with after_lottery():  # the confirmation page the official sees before the draw: the total, no classes
        client.force_login(carol)
        response = action(client, "reveal", [drafted.pk], apply="1", public_value=PUBLIC_VALUE)
    html = response.content.decode()
    assert response.status_code == 200 and "抽查范围内共 7 户" in html and "A类" not in html
    assert not Draw.objects.filter(plan=drafted).exists()


def test_draw_requires_confirmation(drafted, carol, client):
    commitment = commitments.plan_approve(actor=carol, plan=drafted)
    with after_lottery():
        client.force_login(carol)
        response = action(client, "reveal", [drafted.pk])  # 1: the public value
        assert response.status_code == 200 and 'name="public_value"' in response.content.decode()
        response = action(
            client, "reveal", [drafted.pk], apply="1", public_value=PUBLIC_VALUE
        )  # 2: the confirmation page
        html = response.content.decode()
        assert (
            response.status_code == 200
            and 'id="draw-confirm"' in html
            and PUBLIC_VALUE in html
            and 'name="confirm" value="1"' in html
        )
        assert not Draw.objects.filter(plan=drafted).exists()
        commitment.refresh_from_db()
        assert commitment.public_value == ""  # nothing entered until confirmed
        response = action(
            client, "reveal", [drafted.pk], apply="1", confirm="1", public_value=PUBLIC_VALUE
        )  # 3: confirmed (POST)
        assert response.status_code == 302
        draw = Draw.objects.get(plan=drafted)
    assert draw.commitment == commitment and draw.drawn_by == carol


def test_drafter_is_refused_before_the_confirmation_page(drafted, alice, carol, client):
    commitments.plan_approve(actor=carol, plan=drafted)
    with after_lottery():
        client.force_login(alice)
        response = action(client, "reveal", [drafted.pk], apply="1", public_value=PUBLIC_VALUE)
    assert response.status_code == 302 and any("计划起草人不能录入公开随机数" in m for m in messages_of(response))
    assert not Draw.objects.exists()


# --- results fall inside the window -----------------------------------------------------------------


def test_result_outside_the_plan_window_needs_a_reason_published_with_it(
    make_plan, graded_entities, make_inspector, dept_a, api_key, client
):
    graded_entities(2, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    plan = make_plan(ratio_a=Decimal("1"), starts_on=dt.date(2026, 11, 16), ends_on=dt.date(2026, 12, 31))
    first, second = services.draw_run(actor="test", plan=plan).tasks.order_by("entity")
    # Given a result dated before the window: refused without a reason, on its own field
    with pytest.raises(ValidationError) as exc:
        services.result_submit(
            actor="test",
            task=first,
            department=dept_a,
            categories=[ResultCategory.NO_PROBLEM],
            inspected_on=dt.date(2026, 11, 10),
        )
    assert "不在计划检查期间" in exc.value.message_dict["out_of_window_reason"][0]
    # With a reason it is accepted, and the reason is kept; inside the window a reason is not stored
    reason = "企业申请提前检查以便办理资质延续，经批准于计划期间前实施"
    late = services.result_submit(
        actor="test",
        task=first,
        department=dept_a,
        categories=[ResultCategory.NO_PROBLEM],
        inspected_on=dt.date(2026, 11, 10),
        out_of_window_reason=f"  {reason} ",
    )
    inside = services.result_submit(
        actor="test",
        task=second,
        department=dept_a,
        categories=[ResultCategory.NO_PROBLEM],
        inspected_on=dt.date(2026, 11, 20),
        out_of_window_reason="无需填写",
    )
    assert late.out_of_window_reason == reason and inside.out_of_window_reason == ""
    for result in (late, inside):
        services.result_approve(actor="test", result=result)
    services.results_publish(actor="test")
    # Then the reason is published with the result: plan page, entity page, API, and its credit record
    assert reason in client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert reason in client.get(f"/entities/{first.entity_id}/").content.decode()
    _, key = api_key(scopes=("inspections:read",))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    rows = {r["uscc"]: r for r in api.get("/api/v1/inspection-results/").json()["results"]}
    assert (
        rows[first.entity_id]["out_of_window_reason"] == reason and rows[second.entity_id]["out_of_window_reason"] == ""
    )
    late.refresh_from_db()
    assert reason in CreditRecord.objects.get(pk=late.credit_record_id).content


# --- plans close ------------------------------------------------------------------------------------


def _count(html, key):
    match = re.search(rf'credit-todo-{key}">.*?data-count="(\d+)"', html, re.S)
    return int(match.group(1)) if match else None


def test_plan_past_its_window_is_completed_and_unfinished_tasks_are_overdue_in_the_todo_panel(
    make_plan, graded_entities, make_inspector, dept_a, alice, bob, client, frozen_today
):
    graded_entities(3, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    ended = make_plan(
        ratio_a=Decimal("1"), name="十一月上旬抽查", starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 20)
    )
    running = make_plan(ratio_a=Decimal("1"), name="年底抽查")
    done, *waiting = services.draw_run(actor="test", plan=ended).tasks.order_by("entity")
    services.draw_run(actor="test", plan=running)
    services.result_submit(
        actor="test",
        task=done,
        department=dept_a,
        categories=[ResultCategory.NO_PROBLEM],
        inspected_on=dt.date(2026, 11, 19),
    )

    # When the nightly scan runs (twice: it is idempotent)
    run_risk_scan(trigger="test")
    run_risk_scan(trigger="test")

    # Then the plan past its window is 已完成, the running one is not, and its two unfinished tasks are overdue
    assert InspectionPlan.objects.get(pk=ended.pk).state == PlanState.COMPLETED
    assert InspectionPlan.objects.get(pk=running.pk).state == PlanState.DRAWN
    assert AuditEvent.objects.filter(action="inspection_plan.close").count() == 1
    warnings = RiskWarning.objects.filter(rule_code="PLAN_TASK_OVERDUE")
    assert sorted(warnings.values_list("entity_id", flat=True)) == sorted(t.entity_id for t in waiting)
    assert all(w.department_id == dept_a.pk for w in warnings)
    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    assert "待办：双随机抽查" in html and _count(html, "overdue-tasks") == 2
    listed = client.get("/admin/inspections/inspectiontask/?overdue=yes").content.decode()
    assert all(t.entity_id in listed for t in waiting) and done.entity_id not in listed
    assert {t.state for t in waiting} == {TaskState.ASSIGNED}
    client.force_login(bob)  # another department's plans are not its work
    assert _count(client.get("/admin/").content.decode(), "overdue-tasks") == 0


def test_a_plan_named_with_its_year_is_not_prefixed_again(make_plan):
    """Issue 18 §1.9: admin messages read "2026 2026年12月…" because the year was put before a name
    that already had it."""
    plan = make_plan(name="2026年12月食品销售专项抽查", approve=False)
    assert str(plan) == "2026年12月食品销售专项抽查"
    plan.name = "食品销售专项抽查"
    assert str(plan) == "2026年度 食品销售专项抽查"
