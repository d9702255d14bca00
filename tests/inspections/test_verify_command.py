"""``manage.py verify_draw ID`` recomputes a draw from its seed and population file (DOMAIN §4)."""

import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inspections import services
from inspections.models import DrawSelection

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def draw(make_plan, graded_entities, make_inspector, dept_a):
    """A real draw: 3 of 6 entities in stratum A."""
    graded_entities(6, industry_code="I6513")
    for _ in range(3):
        make_inspector(dept_a)
    return services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("0.5")))


def run(*args) -> str:
    out = io.StringIO()
    call_command("verify_draw", *args, stdout=out)
    return out.getvalue()


def test_verify_draw_passes_for_a_real_draw_and_prints_what_it_checked(draw):
    output = run(str(draw.pk))
    assert "校验通过" in output and "摇号时间：2026-11-22 10:00" in output
    assert draw.plan.name in output and draw.seed in output and draw.population_sha256 in output
    assert "A 类：6 户，比例 0.5000，抽中 3 户" in output


def test_verify_draw_fails_with_exit_code_1_after_the_stored_selection_is_tampered_with(draw):
    selected = set(draw.selections.values_list("entity", flat=True))
    outsider = next(line.split(",")[0] for line in draw.population.splitlines() if line.split(",")[0] not in selected)
    DrawSelection.objects.filter(pk=draw.selections.first().pk).update(entity=outsider)

    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_draw", str(draw.pk), stdout=out)
    assert raised.value.returncode == 1
    assert "摇中主体不一致" in out.getvalue() and "校验通过" not in out.getvalue()


def test_verify_draw_fails_with_exit_code_1_after_the_population_file_is_tampered_with(draw):
    type(draw).objects.filter(pk=draw.pk).update(population=draw.population.replace(",A\n", ",B\n", 1))
    with pytest.raises(CommandError) as raised:
        run(str(draw.pk))
    assert raised.value.returncode == 1


@pytest.mark.parametrize("draw_id", ["999999", "abc"])
def test_verify_draw_unknown_id_is_a_clear_message_with_exit_code_1(db, draw_id):
    with pytest.raises(CommandError) as raised:
        run(draw_id)
    assert raised.value.returncode == 1 and "摇号记录" in str(raised.value)


def test_verify_draw_from_the_command_line_exits_1_without_a_traceback(db):
    from tests.helpers import db_url_for_children

    # The process reads the migrated test database (embedded socket or TCP alike); this test's rows are
    # not committed, so the id is unknown there.
    url = db_url_for_children()
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_draw", "987654321"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert result.returncode == 1, result.stderr
    assert "没有编号为 987654321 的摇号记录" in result.stderr and "Traceback" not in result.stderr
