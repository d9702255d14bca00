"""The draw's set-based implementation (issue 16 §4) gives what the row-by-row one gave."""

from decimal import Decimal

import pytest
from django.db import connection

from inspections import draw as algo
from inspections import services
from inspections.models import DrawSelection, InspectionTask, TeamMember

pytestmark = pytest.mark.django_db


def test_population_file_from_the_database_equals_the_python_one(
    make_plan, graded_entities, make_entity, evaluate, push, dept_a, frozen_today
):
    from tests.conftest import record_data

    graded_entities(30, industry_code="I6513")
    risky = make_entity(industry_code="H6210")
    push(record_data(risky.uscc, "P-1", severity="serious"))
    evaluate()
    plan = make_plan(ratio_a=Decimal("0.10"))
    population = services.population_bytes(plan)
    assert population == algo.population_file(services.population_rows(plan))
    assert population.count(b"\n") == 31 and f"{risky.uscc},D\n".encode() in population


def test_population_file_is_empty_without_sampled_items(make_plan, graded_entities, make_item, dept_a, frozen_today):
    graded_entities(3)
    plan = make_plan(items=[make_item(dept_a, is_key=True)])
    assert services.population_bytes(plan) == b"" == algo.population_file(services.population_rows(plan))


def test_draw_rows_are_written_in_order_with_their_digests(
    make_plan, graded_entities, make_inspector, dept_a, frozen_today
):
    graded_entities(40, industry_code="I6513")
    inspectors = [make_inspector(dept_a) for _ in range(5)]
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("0.25")))
    outcome = algo.draw(draw.seed, draw.population.encode("ascii"), {"A": Decimal("0.25")})
    rows = list(
        DrawSelection.objects.filter(draw=draw).order_by("pk").values_list("entity", "stratum", "rank", "digest")
    )
    assert rows == [tuple(s) for s in outcome.selected] and len(rows) == 10
    tasks = list(InspectionTask.objects.filter(draw=draw).order_by("pk"))
    assert [t.entity_id for t in tasks] == sorted(code for code, *_ in outcome.selected)
    assert all(t.items.count() == 1 and t.drawn for t in tasks)
    # Workload balanced over the 5 inspectors (10 tasks × 2 = 20 places: 4 each), every digest checkable.
    loads = [TeamMember.objects.filter(task__draw=draw, inspector=i).count() for i in inspectors]
    assert loads == [4] * 5
    for member in TeamMember.objects.filter(task__draw=draw).select_related("task", "inspector"):
        assert member.digest == algo.digest(draw.seed, f"{member.task.entity_id}:{member.inspector.certificate_no}")
    assert services.verify_draw(draw)["ok"]


def test_insert_rows_returns_nothing_for_no_rows(db):
    assert services.draws.insert_rows(DrawSelection, ["stratum"], [[]]) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inspections_drawselection")
        assert cursor.fetchone()[0] == 0
