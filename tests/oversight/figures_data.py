"""The hand-built facts of the daily-figure tests (issue 17 §1): three small worlds with known answers,
and the helpers that read the figures back. Imported by the test modules (no conftest.py, so the other
issue-17 test modules of this folder are not affected)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from credit.services import credit_check, list_entry_add, list_entry_remove
from enforcement import services as enforcement_services
from enforcement.models import Complaint
from inspections import services as inspection_services
from inspections.choices import ResultCategory
from oversight import services
from oversight.models import DailyFigure, DutyExemption
from tests.conftest import record_data, valid_uscc

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def nov(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def compute(start, end, **kw):
    return services.daily_figures_compute(start=start, end=end, actor="test", **kw)


def figures(metric: str) -> dict:
    """{(day, department_id, region_code, industry, key): value} of one metric."""
    return {
        (f.day, f.department_id, f.region_code, f.industry, f.key): f.value
        for f in DailyFigure.objects.filter(metric=metric)
    }


def every_row() -> list[tuple]:
    return sorted(
        DailyFigure.objects.values_list("day", "metric", "department_id", "region_code", "industry", "key", "value")
    )


@pytest.fixture
def credit_world(frozen_today, make_entity, dept_a, dept_b, push, evaluate):
    """Three entities graded on 11-02 (all 良好); on 11-04 a 一般 penalty makes the first 失信. The second is
    on the 经营异常名录 from 11-03 to 11-05. Credit checks late on 11-05 and just after midnight on 11-06."""
    first = make_entity(registration_authority=dept_a)  # 410105, industry F (F5211)
    second = make_entity(registration_authority=dept_a)
    third = make_entity(region_code="410102", industry_code="I6513", registration_authority=dept_b)
    with time_machine.travel(at(nov(2))):
        evaluate([first.uscc, second.uscc, third.uscc])
    with time_machine.travel(at(nov(3))):
        entry = list_entry_add(
            actor="test",
            entity_uscc=second.uscc,
            list_type="abnormal",
            ground="unreachable",
            legal_basis="《企业经营异常名录管理暂行办法》第四条",
            department=dept_a,
            decided_on=nov(3),
            ground_established_on=nov(2),
        )
    with time_machine.travel(at(nov(4))):
        push(record_data(first.uscc, "郑市监罚〔2026〕1号", decided_on="2026-11-04", severity="general"))
        evaluate([first.uscc])
    with time_machine.travel(at(nov(5))):
        list_entry_remove(actor="test", entry=entry, reason="duty_fulfilled", removed_on=nov(5))
        # A record for a code not in the roster yet is kept (DOMAIN §3): its department counts it, with no region.
        unknown = valid_uscc("91410100MA0000009")
        push(record_data(unknown, "郑卫罚〔2026〕2号", decided_on="2026-11-05", severity="minor"), department=dept_b)
        push(
            record_data(third.uscc, "郑卫许〔2026〕3号", category="administrative_licence", polarity="positive"),
            department=dept_b,
        )
    with time_machine.travel(at(nov(5), 23, 30)):
        credit_check(department=dept_a, usccs=[first.uscc, third.uscc], purpose="政府采购供应商资格审查")
    with time_machine.travel(at(nov(6), 0, 30)):  # 16:30 UTC on 11-05, but the local day is 11-06
        credit_check(department=dept_b, usccs=[third.uscc], purpose="行政许可")
    return first, second, third


@pytest.fixture
def complaint_world(frozen_today, dept_a, dept_b, alice, platform_admin):
    """Five complaints. Department A's four are due 11-04: one closed on time (11-04), one closed late on
    11-06 with an accepted 尽职免责, one closed late on 11-05 whose reason was rejected, one still open.
    Department B's one is due 11-10 and open."""

    def file(day, department, channel="web"):
        with time_machine.travel(at(day)):
            return enforcement_services.complaint_file(
                actor="public:web", entity_name="某超市", content="销售过期食品", department=department, channel=channel
            )[0]

    on_time, exempted, rejected = (file(nov(2), dept_a) for _ in range(3))
    still_open = file(nov(3), dept_a, channel="window")
    other = file(nov(3), dept_b)
    Complaint.objects.filter(pk__in=[on_time.pk, exempted.pk, rejected.pk, still_open.pk]).update(due_on=nov(4))
    Complaint.objects.filter(pk=other.pk).update(due_on=nov(10))
    for complaint, day, verdict in (
        (on_time, nov(4), "verified"),
        (rejected, nov(5), "partly"),
        (exempted, nov(6), "unfounded"),
    ):
        # 23:30 local is still the same local day (16:30 UTC).
        Complaint.objects.filter(pk=complaint.pk).update(state="closed", closed_at=at(day, 23, 30), verdict=verdict)
    for complaint, state in ((exempted, "accepted"), (rejected, "rejected")):
        DutyExemption.objects.create(
            kind="complaint",
            object_id=complaint.pk,
            department=dept_a,
            reason_kind="holiday_notice",
            reason="国务院办公厅放假通知调休，承办人员按通知休假",
            filed_by=alice,
            filed_at=at(nov(7)),
            state=state,
            decided_by=platform_admin,
            decided_at=at(nov(8)),
        )
    return on_time, exempted, rejected, still_open, other


@pytest.fixture
def inspection_world(frozen_today, graded_entities, make_inspector, make_item, make_plan, dept_a, dept_b):
    """A single-department plan of A (starts 11-16, drawn 11-17) and a joint plan led by B with A (starts
    and drawn 11-18), each drawing all three entities. A inspects two of its plan on 11-18 (one finding,
    published 11-19); on 11-19 B and A each inspect the third entity for the joint plan (A finds one)."""
    ours = graded_entities(2, industry_code="I6513")  # region 410105
    theirs = graded_entities(1, industry_code="F5211", region_code="410102")[0]
    for department in (dept_a, dept_a, dept_b, dept_b):
        make_inspector(department)
    every = {f"ratio_{c}": Decimal("1") for c in "abcd"}
    item_a = make_item(dept_a)
    single = make_plan(items=[item_a], name="单部门计划", **every)
    item_b = make_item(dept_b)
    joint = make_plan(lead=dept_b, items=[item_b], joint=(dept_a,), name="联合计划", starts_on=nov(18), **every)
    with time_machine.travel(at(nov(17))):
        single_draw = inspection_services.draw_run(actor="test", plan=single)
    with time_machine.travel(at(nov(18))):
        joint_draw = inspection_services.draw_run(actor="test", plan=joint)
    tasks = {t.entity_id: t for t in single_draw.tasks.all()}
    found = inspection_services.result_submit(
        actor="test",
        task=tasks[ours[0].uscc],
        department=dept_a,
        categories=[ResultCategory.UNREACHABLE],
        findings="按登记的住所无法联系。",
        inspected_on=nov(18),
    )
    inspection_services.result_submit(
        actor="test", task=tasks[ours[1].uscc], department=dept_a, categories=["no_problem"], inspected_on=nov(18)
    )
    inspection_services.result_approve(actor="test", result=found)
    with time_machine.travel(at(nov(19))):
        inspection_services.results_publish(actor="test")
    task = joint_draw.tasks.get(entity_id=theirs.uscc)
    inspection_services.result_submit(
        actor="test", task=task, department=dept_b, categories=["no_problem"], inspected_on=nov(19)
    )
    inspection_services.result_submit(
        actor="test",
        task=task,
        department=dept_a,
        categories=[ResultCategory.NOT_PUBLISHED],
        findings="未按规定公示年度报告。",
        inspected_on=nov(19),
    )
    joint_item_a = joint.items.exclude(department=dept_b).get().item_version.item
    return item_a.catalogue_code, item_b.catalogue_code, joint_item_a.catalogue_code
