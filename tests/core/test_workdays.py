import datetime as dt
import logging

from core import services
from core.holidays import qingming, statutory_holidays
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
    # 2027-01-01 (Fri) is 元旦, a statutory holiday even past the package's data (DOMAIN §6).
    assert not is_working_day(dt.date(2027, 1, 1))
    # Thu 2026-12-31 + 1 working day skips the holiday and the weekend.
    assert add_working_days(dt.date(2026, 12, 31), 1).date == dt.date(2027, 1, 4)
    # An official's entry wins over the computed calendar, both ways.
    services.holiday_override_set(actor="test", day=dt.date(2027, 1, 2), kind="workday", note="调休上班")
    assert is_working_day(dt.date(2027, 1, 2))
    assert add_working_days(dt.date(2026, 12, 31), 1).date == dt.date(2027, 1, 2)
    services.holiday_override_set(actor="test", day=dt.date(2027, 1, 4), kind="holiday", note="补假")
    assert not is_working_day(dt.date(2027, 1, 4))


def test_zero_days_is_the_start_itself(db):
    assert add_working_days(dt.date(2026, 11, 22), 0).date == dt.date(2026, 11, 22)


# 《全国年节及纪念日放假办法》 (2024 revision) past chinese-calendar's data (DOMAIN §6; issue 12 §2).


def test_new_year_2027_is_a_holiday_even_past_the_calendar_package(db):
    assert dt.date(2027, 1, 1).weekday() == 4  # a Friday, which the old fallback counted as a working day
    assert not is_working_day(dt.date(2027, 1, 1))
    assert is_working_day(dt.date(2027, 1, 4))


def test_spring_festival_2027_is_computed_from_the_lunar_calendar(db):
    # 除夕 (last day of the twelfth lunar month) is 2027-02-05; 正月初一 is 2027-02-06.
    holidays = statutory_holidays(2027)
    spring = sorted(day for day, name in holidays.items() if name == "春节")
    assert spring == [dt.date(2027, 2, 5), dt.date(2027, 2, 6), dt.date(2027, 2, 7), dt.date(2027, 2, 8)]
    assert not is_working_day(dt.date(2027, 2, 5))  # Friday 除夕
    assert not is_working_day(dt.date(2027, 2, 8))  # Monday 初三
    assert is_working_day(dt.date(2027, 2, 9))
    # The other lunar holidays: 端午 (五月初五) and 中秋 (八月十五).
    assert holidays[dt.date(2027, 6, 9)] == "端午节"
    assert holidays[dt.date(2027, 9, 15)] == "中秋节"
    assert len(holidays) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days


def test_qingming_2027(db):
    # The 清明 solar term falls on 2027-04-05 (Monday); in 2028 on 04-04.
    assert qingming(2027) == dt.date(2027, 4, 5)
    assert qingming(2028) == dt.date(2028, 4, 4)
    assert not is_working_day(dt.date(2027, 4, 5))
    assert is_working_day(dt.date(2027, 4, 6))


def test_computed_holidays_agree_with_the_published_calendars_of_2025_and_2026(db):
    """The same rule reproduces the State Council's notices for years the package covers (its holidays are a superset)."""
    import chinese_calendar

    for year in (2025, 2026):
        for day, name in statutory_holidays(year).items():
            assert chinese_calendar.is_holiday(day), (day, name)
    assert qingming(2025) == dt.date(2025, 4, 4) and qingming(2026) == dt.date(2026, 4, 5)


def test_uncovered_year_deadline_is_still_provisional(db, caplog):
    # The make-up working days (调休) of 2027 are unknown until the State Council's notice is entered.
    with caplog.at_level(logging.WARNING, logger="core.workdays"):
        deadline = add_working_days(dt.date(2027, 3, 1), 5)
    assert deadline.date == dt.date(2027, 3, 8)
    assert deadline.provisional
    assert "暂定" in caplog.text
