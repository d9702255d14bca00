import datetime as dt
import logging

from core import services
from core.workdays import add_working_days, is_working_day, working_days_between


def test_national_day_holiday_is_skipped(db):
    # 2026-10-01..07 is the National Day holiday, so Wed 2026-09-30 + 1 working day is 10-08.
    deadline = add_working_days(dt.date(2026, 9, 30), 1)
    assert deadline.date == dt.date(2026, 10, 8)
    assert not deadline.provisional


def test_weekend_make_up_workday_counts(db):
    # 2026 Spring Festival: Saturday 2026-02-14 is a make-up workday (调休) in the State Council notice.
    assert is_working_day(dt.date(2026, 2, 14))
    # Sat 2026-10-10 is a make-up day too: Fri 10-09 + 1 working day is that Saturday.
    assert add_working_days(dt.date(2026, 10, 9), 1).date == dt.date(2026, 10, 10)


def test_plain_week_counts_five_working_days(db):
    # Mon 2026-11-16 + 5 working days = Mon 2026-11-23
    assert add_working_days(dt.date(2026, 11, 16), 5).date == dt.date(2026, 11, 23)
    assert working_days_between(dt.date(2026, 11, 16), dt.date(2026, 11, 23)) == 5


def test_deadline_running_into_2027_is_provisional_and_logged(db, caplog):
    # DOMAIN §6: chinese-calendar 1.11 stops at 2026; a 20-working-day deadline set in December 2026 reaches 2027.
    with caplog.at_level(logging.WARNING, logger="core.workdays"):
        deadline = add_working_days(dt.date(2026, 12, 15), 20)
    assert deadline.provisional
    assert deadline.date.year == 2027
    assert "暂定" in caplog.text
    assert "（暂定）" in str(deadline)


def test_official_override_beats_the_package_and_fallback(db):
    # 2027-01-01 (Fri) falls back to a working day until an official enters the holiday.
    assert is_working_day(dt.date(2027, 1, 1))
    services.holiday_override_set(actor="test", day=dt.date(2027, 1, 1), kind="holiday", note="2027年元旦")
    assert not is_working_day(dt.date(2027, 1, 1))
    # Thu 2026-12-31 + 1 working day skips the entered holiday and the weekend.
    assert add_working_days(dt.date(2026, 12, 31), 1).date == dt.date(2027, 1, 4)
    services.holiday_override_set(actor="test", day=dt.date(2027, 1, 2), kind="workday", note="调休上班")
    assert is_working_day(dt.date(2027, 1, 2))


def test_zero_days_is_the_start_itself(db):
    assert add_working_days(dt.date(2026, 11, 22), 0).date == dt.date(2026, 11, 22)
