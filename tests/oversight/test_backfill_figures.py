"""``manage.py backfill_figures`` (issue 17 §1): any past range from the stored facts, one month per
transaction, the same rows as one run over the whole range; bad input gets a clear Chinese error."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from oversight.models import DailyFigure
from tests.oversight.figures_data import complaint_world, compute, credit_world, every_row, nov  # noqa: F401  (fixtures)


def backfill(*args) -> str:
    out = io.StringIO()
    call_command("backfill_figures", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-13-01", "2026-11-05", "--from 的日期“2026-13-01”无效，请按 YYYY-MM-DD 填写"),
        ("2026-11-01", "11/05/2026", "--to 的日期“11/05/2026”无效"),
        ("2026-11-06", "2026-11-05", "--from（2026-11-06）晚于 --to（2026-11-05）"),
        ("2026-11-01", "2026-11-22", "--to（2026-11-22）尚未结束：只能补算 2026-11-21（昨天）及以前的日期"),
        ("2026-11-01", "2027-01-01", "尚未结束"),
    ],
)
def test_bad_dates_are_refused_with_a_chinese_message_naming_the_option(db, frozen_today, start, end, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        backfill("--from", start, "--to", end)
    assert not DailyFigure.objects.exists()
    assert not AuditEvent.objects.filter(action="daily_figures.compute").exists()


def test_backfill_runs_month_by_month_and_gives_the_rows_of_one_run_over_the_range(credit_world, complaint_world):
    # Given the rows of one run over 10-25 to 11-06
    compute(nov(1).replace(month=10, day=25), nov(6))
    one_run = every_row()
    DailyFigure.objects.all().delete()
    # When the same range is backfilled (October, then November: the stocks cross the month boundary)
    output = backfill("--from", "2026-10-25", "--to", "2026-11-06")
    # Then the rows are the same, written in two transactions with an audit event each, and it said so
    assert every_row() == one_run
    events = AuditEvent.objects.filter(action="daily_figures.compute").order_by("id")
    assert [e.target_id for e in events][-2:] == ["2026-10-25..2026-10-31", "2026-11-01..2026-11-06"]
    assert "2026-10-25 至 2026-10-31：0 行" in output
    assert f"2026-11-01 至 2026-11-06：{len(one_run):,} 行" in output
    assert "（已完成 13/13 天）" in output and "完成：13 天" in output
    # And a second backfill changes nothing
    backfill("--from", "2026-10-25", "--to", "2026-11-06")
    assert every_row() == one_run
