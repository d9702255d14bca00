"""Issue 15 §3: an inspection result published is a change event, written by the publication job in
its own transaction (one INSERT … SELECT for the run); approval alone is none."""

import datetime as dt

import pytest

from core.changes import ChangeEvent
from inspections import services
from inspections.choices import ResultCategory
from tests.inspections.test_results import drawn_tasks, submit  # noqa: F401

pytestmark = pytest.mark.django_db


def events(type_):
    return list(ChangeEvent.objects.filter(type=type_).order_by("txid", "id"))


def test_inspection_result_published_is_a_public_event(drawn_tasks, dept_a):
    # given two results entered and approved
    first, second = drawn_tasks(2)
    results = [
        submit(first, dept_a, [ResultCategory.NO_PROBLEM], inspected_on=dt.date(2026, 11, 20)),
        submit(second, dept_a, [ResultCategory.PROBLEM_CORRECTED], inspected_on=dt.date(2026, 11, 20)),
    ]
    for result in results:
        services.result_approve(actor="test", result=result)
    assert not events("inspection_result.published")  # approved is not yet published
    # when the publication job runs
    assert services.results_publish(actor="test") == 2
    # then one event per result, public, referenced like its credit record, with the plan and categories
    published = events("inspection_result.published")
    assert [(e.ref, e.object_id, e.uscc, e.department_id, e.public) for e in published] == [
        (f"抽查结果-{r.pk}", r.pk, r.task.entity_id, dept_a.pk, True) for r in results
    ]
    assert published[1].data == {
        "plan_id": second.plan_id,
        "categories": [ResultCategory.PROBLEM_CORRECTED],
        "inspected_on": "2026-11-20",
    }
    # and the job's second run publishes and emits nothing
    assert services.results_publish(actor="test") == 0
    assert len(events("inspection_result.published")) == 2
