"""The 双随机、一公开 admin: scoped to the official's department, every write through a service.

Users, each time (STYLE.md rule 13): alice (official of the owning department, dept_a), bob (official
of another department, dept_b), and an anonymous visitor; plus a platform administrator.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit.models import CreditRecord
from inspections import commitments, services
from inspections import draw as draw_algo
from inspections.admin import InspectionPlanAdmin
from inspections.choices import CorrectionState, PlanState, ResultState, TaskState
from inspections.models import (
    CorrectionOrder,
    Draw,
    DrawCommitment,
    InspectionPlan,
    InspectionResult,
    InspectionTask,
    ResultEvidence,
)

pytestmark = pytest.mark.usefixtures("frozen_today")

BASE = "/admin/inspections/"
PLANS = f"{BASE}inspectionplan/"
DRAWS = f"{BASE}draw/"
SELECTIONS = f"{BASE}drawselection/"
TASKS = f"{BASE}inspectiontask/"
RESULTS = f"{BASE}inspectionresult/"
CORRECTIONS = f"{BASE}correctionorder/"
TODAY = dt.date(2026, 11, 22)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def action(client, url, name, pks, **form):
    return client.post(url, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def carol(make_official, dept_a):
    """A second official of alice's department (the two-person rule)."""
    return make_official("carol", dept_a)


@pytest.fixture
def roster(graded_entities, make_inspector, dept_a, dept_b):
    """Six graded entities (stratum A) and three inspectors in each department."""
    entities = graded_entities(6, industry_code="I6513")
    for department in (dept_a, dept_b):
        for _ in range(3):
            make_inspector(department)
    return entities


@pytest.fixture
def plans(make_plan, dept_a, dept_b, roster):
    """Drafts: one alice's department leads, one bob's, and one bob's department leads with alice's joining."""
    return {
        "a": make_plan(lead=dept_a, approve=False, name="甲部门食品抽查", ratio_a=Decimal("0.5")),
        "b": make_plan(lead=dept_b, approve=False, name="乙部门医疗机构抽查"),
        "joint": make_plan(lead=dept_b, joint=[dept_a], approve=False, name="联合抽查计划"),
    }


@pytest.fixture
def drawn(plans):
    """Alice's plan, approved and drawn (3 of 6 entities, each with a team of 2 from dept_a)."""
    plan = plans["a"]
    services.plan_approve(actor="test", plan=plan)
    return services.draw_run(actor="test", plan=plan)


@pytest.fixture
def result_a(drawn, alice, dept_a):
    task = drawn.tasks.order_by("entity").first()
    return services.result_submit(
        actor=alice,
        task=task,
        department=dept_a,
        categories=["not_published"],
        findings="未按规定公示年度报告。",
        inspected_on=TODAY,
    )


# --- plans: scoping ---------------------------------------------------------------------------------


def test_official_sees_plans_their_department_leads_or_takes_part_in(client, alice, bob, plans):
    client.force_login(alice)
    html = client.get(PLANS).content.decode()
    assert "甲部门食品抽查" in html and "联合抽查计划" in html and "乙部门医疗机构抽查" not in html
    assert client.get(f"{PLANS}{plans['b'].pk}/change/").status_code == 302  # not found in her scope → back to the list

    client.force_login(bob)
    html = client.get(PLANS).content.decode()
    assert "乙部门医疗机构抽查" in html and "联合抽查计划" in html and "甲部门食品抽查" not in html


def test_anonymous_is_sent_to_login_everywhere(client, plans, drawn):
    for url in (
        PLANS,
        f"{PLANS}{plans['a'].pk}/change/",
        DRAWS,
        f"{DRAWS}{drawn.pk}/population.csv",
        SELECTIONS,
        TASKS,
        RESULTS,
        CORRECTIONS,
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_official_changes_only_drafts_their_department_leads(client, alice, plans):
    client.force_login(alice)
    own = client.get(f"{PLANS}{plans['a'].pk}/change/").content.decode()
    assert 'name="_save"' in own
    joined = client.get(f"{PLANS}{plans['joint'].pk}/change/")
    assert (
        joined.status_code == 200 and 'name="_save"' not in joined.content.decode()
    )  # view only: another department leads
    assert client.post(f"{PLANS}{plans['joint'].pk}/change/", {"name": "改掉"}).status_code == 403
    services.plan_approve(actor="test", plan=plans["a"])
    assert (
        'name="_save"' not in client.get(f"{PLANS}{plans['a'].pk}/change/").content.decode()
    )  # approved: published as approved


# --- plans: create, approve, draw -------------------------------------------------------------------


def plan_form(**overrides):
    data = {
        "name": "2026年餐饮服务双随机抽查",
        "year": "2026",
        "description": "全市餐饮服务单位",
        "scope_region": "4101",
        "scope_industry": "",
        "ratio_a": "0.01",
        "ratio_b": "0.03",
        "ratio_c": "0.10",
        "ratio_d": "0.30",
        "min_team_size": "2",
        "starts_on": "2026-11-23",
        "ends_on": "2026-12-31",
        "_save": "1",
    }
    data.update(overrides)
    return data


def test_add_form_defaults_to_the_domain_ratios_and_the_officials_department(client, alice, dept_a, roster):
    client.force_login(alice)
    html = client.get(f"{PLANS}add/").content.decode()
    for name, value in (
        ("ratio_a", "0.01"),
        ("ratio_b", "0.03"),
        ("ratio_c", "0.10"),
        ("ratio_d", "0.30"),
    ):  # DOMAIN §4 (Henan)
        assert f'name="{name}" value="{value}"' in html
    assert f'<option value="{dept_a.pk}" selected>' in html


def test_creating_a_plan_and_adding_items_via_the_admin_goes_through_the_services(
    client, alice, dept_a, dept_b, make_item, roster
):
    own_item, other_item = make_item(dept_a, name="餐饮服务食品安全检查"), make_item(dept_b, name="医疗机构检查")
    client.force_login(alice)

    response = client.post(f"{PLANS}add/", plan_form(lead_department=str(dept_b.pk), add_items=[str(own_item.pk)]))
    assert (
        response.status_code == 200 and not InspectionPlan.objects.exists()
    )  # an official plans only for her own department

    response = client.post(
        f"{PLANS}add/", plan_form(lead_department=str(dept_a.pk), add_items=[str(own_item.pk), str(other_item.pk)])
    )
    assert (
        response.status_code == 200 and "不是本计划的牵头或参与部门" in response.content.decode()
    )  # the service's own message
    assert not InspectionPlan.objects.exists()  # all or nothing

    response = client.post(
        f"{PLANS}add/",
        plan_form(
            lead_department=str(dept_a.pk),
            departments=[str(dept_b.pk)],
            add_items=[str(own_item.pk), str(other_item.pk)],
            scope_entity_types=["enterprise"],
        ),
    )
    assert response.status_code == 302
    plan = InspectionPlan.objects.get()
    assert plan.lead_department == dept_a and list(plan.departments.all()) == [dept_b] and plan.state == PlanState.DRAFT
    assert plan.ratios() == {"A": Decimal("0.01"), "B": Decimal("0.03"), "C": Decimal("0.10"), "D": Decimal("0.30")}
    assert sorted(plan.items.values_list("item_version__item", flat=True)) == sorted([own_item.pk, other_item.pk])
    assert plan.scope_entity_types == ["enterprise"]
    assert AuditEvent.objects.filter(action="inspection_plan.create").count() == 1
    assert AuditEvent.objects.filter(action="inspection_plan.add_item").count() == 2
    page = client.get(f"{PLANS}{plan.pk}/change/").content.decode()
    assert "第 1 版（2026-01-01 起）" in page  # the version in force at starts_on


def test_changing_a_draft_in_the_admin_goes_through_the_service(client, alice, dept_a, plans):
    client.force_login(alice)
    response = client.post(
        f"{PLANS}{plans['a'].pk}/change/", plan_form(lead_department=str(dept_a.pk), name="甲部门食品抽查（修订）")
    )
    assert response.status_code == 302
    assert InspectionPlan.objects.get(pk=plans["a"].pk).name == "甲部门食品抽查（修订）"
    assert AuditEvent.objects.filter(action="inspection_plan.update").exists()
    response = client.post(
        f"{PLANS}{plans['a'].pk}/change/", plan_form(lead_department=str(dept_a.pk), min_team_size="1")
    )
    assert (
        response.status_code == 200 and InspectionPlan.objects.get(pk=plans["a"].pk).min_team_size == 2
    )  # 行政处罚法 第42条


def test_approve_commit_reveal_then_redraw_only_with_a_reason_keeping_the_old_draw(client, alice, carol, plans):
    """审批 publishes the v2 commitment; a second official enters the public value; a redraw is a new
    commitment with a reason, and the old commitment and draw stay visible (issue 11 §4)."""
    plan = plans["a"]
    client.force_login(alice)

    response = action(client, PLANS, "approve", [plan.pk])
    assert (
        response.status_code == 200 and "公开随机数公布日期" in response.content.decode()
    )  # asks for the public value first
    assert InspectionPlan.objects.get(pk=plan.pk).state == PlanState.DRAFT
    response = action(
        client, PLANS, "approve", [plan.pk], apply="1", public_value_date="2026-11-24", public_value_source=""
    )
    assert response.status_code == 302
    assert InspectionPlan.objects.get(pk=plan.pk).state == PlanState.APPROVED
    commitment = DrawCommitment.objects.get(plan=plan)
    assert "2026年11月24日开奖的中国福利彩票“双色球”开奖号码" in commitment.public_value_source
    assert any(commitment.seed_share_sha256 in m for m in messages_of(response))
    assert not any(
        commitment.seed_share in m for m in messages_of(response)
    )  # the share is never shown to the official

    assert "run_draw" not in str(InspectionPlanAdmin.actions)  # the platform never draws its own seed from the admin
    response = action(client, PLANS, "reveal", [plan.pk], apply="1", public_value="03 11 17 22 28 31 09")
    assert any("不能提前录入" in m for m in messages_of(response)) and not Draw.objects.filter(plan=plan).exists()

    with time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(carol)
        response = action(
            client, PLANS, "reveal", [plan.pk], apply="1", confirm="1", public_value="03 11 17 22 28 31 09"
        )
        first = Draw.objects.get(plan=plan)
        assert first.algorithm == "hmac-sha256-v2" and first.commitment == commitment
        assert first.seed == draw_algo.derive_seed(commitment.seed_share, "03 11 17 22 28 31 09")
        assert (
            InspectionPlan.objects.get(pk=plan.pk).state == PlanState.DRAWN and first.tasks.count() == 3
        )  # ceil(0.5 × 6)

        response = action(
            client,
            PLANS,
            "commit",
            [plan.pk],
            apply="1",
            public_value_date="2026-11-26",
            public_value_source="",
            reason="",
        )
        assert (
            any("重新摇号须说明理由" in m for m in messages_of(response))
            and DrawCommitment.objects.filter(plan=plan).count() == 1
        )
        action(
            client,
            PLANS,
            "commit",
            [plan.pk],
            apply="1",
            public_value_date="2026-11-26",
            public_value_source="",
            reason="原名录未包含新登记主体",
        )
        assert DrawCommitment.objects.filter(plan=plan).count() == 2

    with time_machine.travel(dt.datetime(2026, 11, 26, 22, 0, tzinfo=SHANGHAI), tick=False):
        action(client, PLANS, "reveal", [plan.pk], apply="1", confirm="1", public_value="01 05 09 13 21 33 16")
    old, new = Draw.objects.get(pk=first.pk), Draw.objects.get(plan=plan, superseded=False)
    assert old.superseded and new.reason == "原名录未包含新登记主体" and new.seed != old.seed
    assert not old.tasks.exists() and new.tasks.count() == 3
    page = client.get(f"{PLANS}{plan.pk}/change/").content.decode()
    assert old.seed in page and new.seed in page and "原名录未包含新登记主体" in page  # the old draw stays visible
    assert commitment.seed_share_sha256 in page and commitment.seed_share not in page


def test_other_department_cannot_approve_or_draw_the_plan(client, alice, bob, plans):
    client.force_login(bob)
    response = action(client, PLANS, "approve", [plans["a"].pk], apply="1", public_value_date="2026-11-24")
    assert InspectionPlan.objects.get(pk=plans["a"].pk).state == PlanState.DRAFT
    assert any("不在您可以处理的范围内" in m for m in messages_of(response))
    commitments.plan_approve(actor="test", plan=plans["a"], public_value_date=dt.date(2026, 11, 24))
    with time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False):
        action(client, PLANS, "reveal", [plans["a"].pk], apply="1", confirm="1", public_value="03 11 17 22 28 31 09")
        action(
            client, PLANS, "commit", [plans["a"].pk], apply="1", public_value_date="2026-11-26", reason="试图重新摇号"
        )
    assert (
        not Draw.objects.filter(plan=plans["a"]).exists()
        and DrawCommitment.objects.filter(plan=plans["a"]).count() == 1
    )

    # A participating department sees a joint plan but only the lead department approves it.
    client.force_login(alice)
    response = action(client, PLANS, "approve", [plans["joint"].pk], apply="1", public_value_date="2026-11-24")
    assert InspectionPlan.objects.get(pk=plans["joint"].pk).state == PlanState.DRAFT
    assert any("只有牵头部门可以审批和摇号" in m for m in messages_of(response))


def test_verify_action_recomputes_the_current_draw(client, alice, drawn):
    client.force_login(alice)
    response = action(client, PLANS, "verify", [drawn.plan_id])
    assert any("校验通过" in m for m in messages_of(response))
    selection = drawn.selections.first()
    type(selection).objects.filter(pk=selection.pk).update(stratum="B")
    response = action(client, DRAWS, "verify", [drawn.pk])
    assert any("校验未通过" in m and "摇中主体不一致" in m for m in messages_of(response))


def test_unstaffed_tasks_are_shown_with_their_reason(
    client, alice, make_plan, make_item, dept_a, dept_b, roster, make_inspector
):
    # Bob's department has 3 inspectors; a team of 4 per department cannot be staffed.
    plan = make_plan(
        lead=dept_a, joint=[dept_b], name="人员不足的联合计划", ratio_a=Decimal("0.2"), min_team_size=4, approve=False
    )
    commitments.plan_approve(actor="test", plan=plan, public_value_date=dt.date(2026, 11, 24))
    make_inspector(dept_a)
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False):
        response = action(
            client, PLANS, "reveal", [plan.pk], apply="1", confirm="1", public_value="03 11 17 22 28 31 09"
        )
    assert any("未能配齐检查人员" in m for m in messages_of(response))
    tasks = InspectionTask.objects.filter(plan=plan)
    assert tasks.count() == 2 and all(t.state == TaskState.UNSTAFFED for t in tasks)  # reported, never dropped
    page = client.get(f"{PLANS}{plan.pk}/change/").content.decode()
    assert "符合条件的执法人员仅 3 名（需 4 名" in page
    assert "未配齐" in client.get(PLANS).content.decode()


# --- draws and tasks --------------------------------------------------------------------------------


def test_population_file_is_downloaded_with_the_exact_hashed_bytes(client, alice, bob, drawn):
    client.force_login(alice)
    response = client.get(f"{DRAWS}{drawn.pk}/population.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == drawn.population.encode("ascii")
    import hashlib

    assert hashlib.sha256(body).hexdigest() == drawn.population_sha256
    client.force_login(bob)
    assert client.get(f"{DRAWS}{drawn.pk}/population.csv").status_code == 404


def test_draws_selections_and_tasks_are_scoped_to_plans_the_department_leads_or_joins(client, alice, bob, drawn):
    task = drawn.tasks.first()
    client.force_login(alice)
    assert task.entity_id in client.get(TASKS).content.decode()
    assert drawn.seed in client.get(DRAWS).content.decode()
    assert task.entity_id in client.get(SELECTIONS, {"draw": drawn.pk}).content.decode()
    page = client.get(f"{TASKS}{task.pk}/change/").content.decode()
    assert "录入检查结果" in page and task.team.first().digest in page

    client.force_login(bob)
    assert task.entity_id not in client.get(TASKS).content.decode()
    assert drawn.seed not in client.get(DRAWS).content.decode()
    assert task.entity_id not in client.get(SELECTIONS).content.decode()
    assert client.get(f"{TASKS}{task.pk}/change/").status_code == 302


def test_task_list_filters_by_plan_and_state(client, alice, drawn):
    client.force_login(alice)
    assert client.get(TASKS, {"plan": drawn.plan_id, "state__exact": TaskState.ASSIGNED}).status_code == 200
    html = client.get(TASKS, {"state__exact": TaskState.UNSTAFFED}).content.decode()
    assert drawn.tasks.first().entity_id not in html


# --- results ----------------------------------------------------------------------------------------


def result_form(task, department, **overrides):
    data = {
        "task": str(task.pk),
        "department": str(department.pk),
        "categories": ["not_published"],
        "findings": "未按规定公示年度报告。",
        "inspected_on": "2026-11-22",
        "_save": "1",
    }
    data.update(overrides)
    return data


def test_official_enters_a_result_for_a_task_of_her_department(
    client, alice, bob, dept_a, dept_b, drawn, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    task = drawn.tasks.order_by("entity").first()
    client.force_login(bob)
    response = client.post(f"{RESULTS}add/", result_form(task, dept_b))
    assert response.status_code == 200 and not InspectionResult.objects.exists()  # his department is not on the team

    client.force_login(alice)
    response = client.post(f"{RESULTS}add/", result_form(task, dept_a, findings=""))
    assert (
        response.status_code == 200 and "发现问题或异常情况时须填写检查情况" in response.content.decode()
    )  # the service's message
    assert (
        not InspectionResult.objects.exists()
        and not AuditEvent.objects.filter(action="inspection_result.submit").exists()
    )

    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = client.post(f"{RESULTS}add/", {**result_form(task, dept_a), "evidence": photo})
    assert response.status_code == 302
    result = InspectionResult.objects.get()
    assert result.department == dept_a and result.categories == ["not_published"] and result.submitted_by == alice
    assert CorrectionOrder.objects.filter(result=result).exists()  # 未按规定公示 → 责令改正
    assert AuditEvent.objects.filter(action="inspection_result.submit").count() == 1

    evidence = ResultEvidence.objects.get(result=result)
    url = f"{RESULTS}{result.pk}/evidence/{evidence.pk}/"
    assert url in client.get(f"{RESULTS}{result.pk}/change/").content.decode()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    client.force_login(bob)
    assert client.get(url).status_code == 404  # another department's evidence


def test_results_are_scoped_to_their_department(client, alice, bob, result_a):
    client.force_login(alice)
    assert result_a.task.entity_id in client.get(RESULTS).content.decode()
    client.force_login(bob)
    assert result_a.task.entity_id not in client.get(RESULTS).content.decode()
    assert client.get(f"{RESULTS}{result_a.pk}/change/").status_code == 302
    action(client, RESULTS, "approve", [result_a.pk])
    assert InspectionResult.objects.get(pk=result_a.pk).state == ResultState.SUBMITTED


def test_result_approval_and_publication_make_a_credit_record(client, alice, result_a):
    client.force_login(alice)
    action(client, RESULTS, "approve", [result_a.pk])
    assert InspectionResult.objects.get(pk=result_a.pk).state == ResultState.APPROVED

    response = action(client, RESULTS, "publish_now", [result_a.pk])
    assert any("已公示 1 条" in m for m in messages_of(response))
    result = InspectionResult.objects.get(pk=result_a.pk)
    assert result.state == ResultState.PUBLISHED and result.published_at is not None
    record = CreditRecord.objects.get(pk=result.credit_record_id)
    assert record.category == "inspection_result" and record.entity_id == result.task.entity_id
    assert (
        f"/admin/credit/creditrecord/{record.pk}/change/"
        in client.get(f"{RESULTS}{result.pk}/change/").content.decode()
    )


def test_publish_due_is_flagged_within_3_working_days_and_when_overdue(client, alice, result_a):
    import time_machine

    client.force_login(alice)
    # 20 working days after Sun 2026-11-22: 11-23..27 (5), 11-30..12-04 (10), 12-07..11 (15), 12-14..18 (20)
    due = dt.date(2026, 12, 18)
    assert result_a.publish_due_on == due
    assert "个工作日内到期" not in client.get(RESULTS).content.decode()
    with time_machine.travel(
        dt.datetime.combine(due - dt.timedelta(days=1), dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ):
        client.force_login(alice)  # the session of a month ago has expired
        assert "3个工作日内到期" in client.get(RESULTS).content.decode()
    with time_machine.travel(
        dt.datetime.combine(due + dt.timedelta(days=1), dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ):
        client.force_login(alice)
        assert "已逾期" in client.get(RESULTS).content.decode()


# --- correction orders ------------------------------------------------------------------------------


def test_correction_is_marked_corrected_through_the_service(client, alice, bob, result_a):
    order = CorrectionOrder.objects.get(result=result_a)
    client.force_login(bob)
    action(client, CORRECTIONS, "mark_corrected", [order.pk], apply="1", corrected_on="2026-11-22")
    assert CorrectionOrder.objects.get(pk=order.pk).state == CorrectionState.OPEN

    client.force_login(alice)
    response = action(client, CORRECTIONS, "mark_corrected", [order.pk])
    assert response.status_code == 200 and "标记已改正" in response.content.decode()  # asks for the date first
    action(client, CORRECTIONS, "mark_corrected", [order.pk], apply="1", corrected_on="2026-11-20")
    order.refresh_from_db()
    assert order.state == CorrectionState.CORRECTED and order.corrected_on == dt.date(2026, 11, 20)
    assert AuditEvent.objects.filter(action="correction.corrected").exists()


# --- every page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "platform_admin"])
def test_every_inspections_admin_page_opens(client, request, who, plans, drawn, result_a):
    user = request.getfixturevalue(who)
    client.force_login(user)
    task = result_a.task
    order = CorrectionOrder.objects.get(result=result_a)
    urls = [
        PLANS,
        f"{PLANS}add/",
        f"{PLANS}{plans['a'].pk}/change/",
        f"{PLANS}{plans['joint'].pk}/change/",
        DRAWS,
        f"{DRAWS}{drawn.pk}/change/",
        f"{DRAWS}{drawn.pk}/population.csv",
        f"{BASE}drawcommitment/",
        SELECTIONS,
        f"{SELECTIONS}{drawn.selections.first().pk}/change/",
        TASKS,
        f"{TASKS}{task.pk}/change/",
        f"{TASKS}?plan={drawn.plan_id}",
        RESULTS,
        f"{RESULTS}add/",
        f"{RESULTS}add/?task={task.pk}",
        f"{RESULTS}{result_a.pk}/change/",
        f"{RESULTS}?state__exact=submitted",
        CORRECTIONS,
        f"{CORRECTIONS}{order.pk}/change/",
        BASE,
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    commitment = commitments.plan_approve(actor="test", plan=plans["joint"])
    assert client.get(f"{PLANS}{plans['joint'].pk}/change/").status_code == 200
    assert client.get(f"{BASE}drawcommitment/{commitment.pk}/change/").status_code == 200


def test_lists_keep_a_query_budget(client, alice, make_plan, dept_a, drawn, django_assert_max_num_queries):
    for n in range(5):
        make_plan(lead=dept_a, name=f"预算计划{n}")
    client.force_login(alice)
    for url in (PLANS, DRAWS, SELECTIONS, TASKS, RESULTS, CORRECTIONS):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url
