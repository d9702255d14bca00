"""The 双随机 part of ``manage.py seed_demo`` (issue 5 §5): two approved 2026 plans, one of them joint,
each with a draw, teams, tasks and published results; running it again adds nothing."""

import io

import pytest
from django.core.management import call_command

from credit.choices import ListGround, ListType
from credit.models import CreditRecord, ListProposal, RiskWarning
from demo import inspections as demo
from inspections.choices import PUBLIC_PLAN_STATES, CorrectionState, ResultCategory, ResultState, TaskState
from inspections.models import CorrectionOrder, Draw, InspectionPlan, InspectionResult, InspectionTask, TeamMember
from inspections.services import verify_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(seeded_demo, db, frozen_today):
    """The whole demo (supervision's seed_demo, which calls the credit and inspections hooks at its end), seeded once for this module (tests/conftest.py)."""
    return seeded_demo


def state():
    return (
        sorted(InspectionPlan.objects.values_list("name", "year", "state")),
        sorted(Draw.objects.values_list("plan__name", "seed", "population_sha256", "superseded")),
        sorted(InspectionTask.objects.values_list("plan__name", "entity", "state")),
        TeamMember.objects.count(),
        sorted(
            InspectionResult.objects.values_list(
                "task__entity", "department__code", "categories", "inspected_on", "state"
            )
        ),
        sorted(CorrectionOrder.objects.values_list("entity", "due_on", "state")),
        sorted(ListProposal.objects.values_list("source_ref", "list_type")),
        CreditRecord.objects.count(),
        RiskWarning.objects.count(),
    )


def test_demo_has_two_approved_2026_plans_one_of_them_joint(demo_city):
    assert "双随机抽查演示数据已就绪" in demo_city
    plans = list(InspectionPlan.objects.filter(year=2026, name__in=[s.name for s in demo.PLANS]))
    assert len(plans) == 2
    assert all(p.state in PUBLIC_PLAN_STATES and p.approved_at is not None for p in plans)
    assert {p.lead_department.code for p in plans} == {"ZZSJ"}
    joint = [p for p in plans if p.departments.exists()]
    assert len(joint) == 1 and [d.code for d in joint[0].all_departments()] == ["ZZSJ", "ZZYJ"]


def test_each_demo_plan_has_a_verifiable_draw_with_staffed_tasks(demo_city):
    for spec in demo.PLANS:
        plan = InspectionPlan.objects.get(name=spec.name, year=2026)
        draw = plan.draws.get()
        assert draw.seed == demo.draw_seed(spec)  # fixed seed: a rerun on the same roster draws the same entities
        assert verify_draw(draw)["ok"]
        tasks = draw.tasks.all()
        assert tasks.count() == draw.selections.count() >= 6
        assert not tasks.filter(state=TaskState.UNSTAFFED).exists()
        for task in tasks:
            by_department = {
                code: task.team.filter(department__code=code).count()
                for code in (d.code for d in plan.all_departments())
            }
            assert all(n >= 2 for n in by_department.values()), by_department  # 行政处罚法 第42条


def test_demo_results_are_published_with_their_follow_ups(demo_city):
    results = InspectionResult.objects.filter(task__plan__name__in=[s.name for s in demo.PLANS])
    published = results.filter(state=ResultState.PUBLISHED)
    assert published.count() >= 10
    assert results.filter(state=ResultState.SUBMITTED).count() == 2 * demo.PENDING_REVIEW  # left for review
    assert all(r.credit_record and r.credit_record.category == "inspection_result" for r in published)
    # each department publishes its own results in the joint plan
    joint = InspectionPlan.objects.get(name=demo.PLANS[1].name)
    assert set(published.filter(task__plan=joint).values_list("credit_record__department__code", flat=True)) == {
        "ZZSJ",
        "ZZYJ",
    }
    categories = {c for cs in results.values_list("categories", flat=True) for c in cs}
    assert {
        ResultCategory.NO_PROBLEM,
        ResultCategory.NOT_PUBLISHED,
        ResultCategory.UNREACHABLE,
        ResultCategory.FALSE_INFO,
        ResultCategory.PROBLEM_PENDING,
        ResultCategory.PROBLEM_CORRECTED,
    } <= categories
    assert ListProposal.objects.filter(
        source_ref__startswith="抽查结果 #", list_type=ListType.ABNORMAL, ground=ListGround.UNREACHABLE
    ).exists()
    assert results.filter(needs_case=True).exists()
    # correction orders: one per plan corrected in time; the overdue ones were marked by the risk scan and proposed for listing
    assert CorrectionOrder.objects.filter(state=CorrectionState.CORRECTED).count() == len(demo.PLANS)
    overdue = CorrectionOrder.objects.filter(state=CorrectionState.OVERDUE)
    assert overdue.exists()
    assert ListProposal.objects.filter(
        source_ref=f"责令改正 #{overdue.first().pk}", ground=ListGround.INFO_NOT_PUBLISHED
    ).exists()
    assert RiskWarning.objects.filter(rule_code="CORRECTION_OVERDUE").count() == overdue.count()


def test_inspections_seeding_twice_adds_nothing(demo_city):
    # Given the seeded demo
    before = state()
    # When the inspections seeding runs again, and then the whole seed_demo
    stats = demo.seed_inspections_demo(stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    # Then nothing is added or changed
    assert (stats["plans_created"], stats["results_created"], stats["results_published"]) == (0, 0, 0)
    assert stats["plans_total"] == 3  # the two plans and KEY_PLAN
    assert state() == before


def test_demo_plan_is_drafted_and_approved_by_two_officials_and_has_a_key_item(demo_city):
    """Issue 12 §5: two-person approval is visible, and a key item covers its scope while the sampled
    item is drawn at its ratio; each task carries only the items that apply to it."""
    plan = InspectionPlan.objects.get(name=demo.KEY_PLAN.name, year=2026)
    assert plan.created_by.username == "zzsj" and plan.approved_by.username == "admin"
    draw = plan.draws.get()
    assert verify_draw(draw)["ok"]
    key = plan.items.get(item_version__item__name="对电梯使用单位的监督检查")
    sampled = plan.items.get(item_version__item__name="对企业即时公示信息的抽查")
    assert key.item_version.is_key and not sampled.item_version.is_key
    tasks = draw.tasks.all()
    assert (
        draw.key_coverage_size == tasks.count() > draw.selections.count() >= 1
    )  # every enterprise in scope, only a few drawn
    assert set(tasks.filter(items=sampled).values_list("entity", flat=True)) == set(
        draw.selections.values_list("entity", flat=True)
    )
    assert tasks.filter(items=key).count() == tasks.count()
    assert not tasks.filter(drawn=False, items=sampled).exists()  # covered only: the key item alone
