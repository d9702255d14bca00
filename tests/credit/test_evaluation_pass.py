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
