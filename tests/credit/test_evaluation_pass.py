"""The full evaluation's session settings stay inside it (issue 16 §4), and its writes match its counts."""

import pytest
from django.db import connection, transaction

from credit.models import EntityCredit, GradeHistory
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def settings_now() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('work_mem')")
        return cursor.fetchone()


def test_full_pass_settings_do_not_leak_into_the_callers_transaction(make_entity, evaluate, frozen_today):
    make_entity()
    with transaction.atomic():
        before = settings_now()
        result = evaluate()
        assert settings_now() == before  # e.g. the nightly risk scan goes on in the same transaction
        evaluate([])  # the incremental path too
        assert settings_now() == before
    assert result.evaluated == 1 and set(result.steps) >= {"compute", "history", "update", "insert", "commit"}


def test_first_run_then_change_then_rerun(make_entity, push, evaluate, frozen_today):
    good, bad = make_entity(), make_entity()
    first = evaluate()
    assert (first.evaluated, first.changed, first.updated) == (2, 2, 2)
    push(record_data(bad.uscc))
    second = evaluate()
    assert (second.changed, second.updated) == (1, 1)  # only the changed entity: one history row, one update
    rerun = evaluate()
    assert (rerun.changed, rerun.updated) == (0, 0)
    assert GradeHistory.objects.filter(entity_id=bad.uscc).count() == 2
    assert GradeHistory.objects.filter(entity_id=good.uscc).count() == 1
    assert EntityCredit.objects.get(entity_id=bad.uscc).grade != EntityCredit.objects.get(entity_id=good.uscc).grade


def schema_of(*tables) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = ANY(%s::regclass[]) UNION ALL
               SELECT indrelid::regclass::text, indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
               WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1, 2""",
            [list(tables), list(tables)],
        )
        return cursor.fetchall()


def test_a_first_evaluation_writes_without_indexes_and_rebuilds_them_as_they_were(
    make_entity, push, evaluate, frozen_today, monkeypatch
):
    """Issue 16 §4: most entities without a grade → write, then rebuild each index and foreign key once
    (core/bulkload.py). The tables end with the same indexes and constraints, and the same rows as a
    first evaluation through the indexes."""
    from credit import evaluation

    entities = [make_entity() for _ in range(6)]
    push(record_data(entities[0].uscc))
    tables = ("credit_gradehistory", "credit_entitycredit")
    before = schema_of(*tables)
    through = evaluate()  # the normal path (below BULK_WRITE_MIN)
    assert "rebuild" not in through.steps
    rows = sorted(EntityCredit.objects.values_list("entity_id", "grade", "score", "reasons", "risk_class"))
    EntityCredit.objects.all().delete()
    GradeHistory.objects.all().delete()

    monkeypatch.setattr(evaluation, "BULK_WRITE_MIN", 1)
    bulk = evaluate()
    assert "rebuild" in bulk.steps and (bulk.evaluated, bulk.changed, bulk.updated) == (6, 6, 6)
    assert schema_of(*tables) == before
    assert sorted(EntityCredit.objects.values_list("entity_id", "grade", "score", "reasons", "risk_class")) == rows
    assert GradeHistory.objects.count() == 6
    assert "rebuild" not in evaluate().steps  # every entity graded now: the normal path


def test_a_failed_first_evaluation_keeps_every_index(make_entity, evaluate, frozen_today, monkeypatch):
    from credit import change_events, evaluation

    make_entity(), make_entity()
    tables = ("credit_gradehistory", "credit_entitycredit")
    before = schema_of(*tables)
    monkeypatch.setattr(evaluation, "BULK_WRITE_MIN", 1)

    def fail():
        raise RuntimeError("事件写入失败")

    monkeypatch.setattr(change_events, "grades_changed", fail)
    with pytest.raises(RuntimeError):
        evaluate()
    assert schema_of(*tables) == before and not EntityCredit.objects.exists()
