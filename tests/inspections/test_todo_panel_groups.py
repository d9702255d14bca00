"""The 双随机 待办 panel (issue 17 §6): correction orders and targeted inspections (专项检查) show at once,
grouped by how close their deadline is, and each number's list has exactly its rows."""

import datetime as dt
from decimal import Decimal

import pytest

from inspections import services
from inspections.choices import ResultCategory
from inspections.models import CorrectionOrder, TargetedCheck
from tests.oversight.panels import assert_lists_agree

# Sun 2026-11-22 (frozen_today): the next working day is Mon 11-23, the third Wed 11-25
GROUP_DUE = {
    "overdue": dt.date(2026, 11, 20),
    "d1": dt.date(2026, 11, 23),
    "d3": dt.date(2026, 11, 25),
    "later": dt.date(2026, 11, 26),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_corrections_and_targeted_checks_by_deadline_group(
    client, alice, bob, dept_a, make_plan, graded_entities, make_inspector, frozen_today
):
    entities = graded_entities(4, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    window = {"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2026, 11, 30)}
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1"), **window))
    for task, due in zip(draw.tasks.order_by("entity"), GROUP_DUE.values(), strict=True):
        result = services.result_submit(
            actor="test",
            task=task,
            department=dept_a,
            categories=[ResultCategory.NOT_PUBLISHED],
            findings="未按规定公示行政许可信息",
            inspected_on=dt.date(2026, 11, 20),
        )
        CorrectionOrder.objects.filter(result=result).update(due_on=due)
    for entity, due in zip(entities, GROUP_DUE.values(), strict=True):
        check = services.targeted_check_add(
            actor=alice, department=dept_a, entity_uscc=entity.uscc, reason="风险预警", due_on=dt.date(2026, 12, 31)
        )
        TargetedCheck.objects.filter(pk=check.pk).update(due_on=due)

    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    numbers = assert_lists_agree(client, html)
    for key in ("corrections", "targeted-checks"):
        assert {g: numbers[(key, g)][0] for g in GROUP_DUE} == dict.fromkeys(GROUP_DUE, 1), key
        assert numbers[(key, "total")][0] == 4

    client.force_login(bob)  # another department: none of it
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert ("corrections", "total") not in numbers and ("targeted-checks", "total") not in numbers
