"""Working days (DOMAIN.md §6): PRC holidays with 调休, officials' overrides first.

chinese-calendar 1.11 covers 2004–2026. For a year it does not cover, the statutory holidays of
《全国年节及纪念日放假办法》 (core.holidays, lunar dates computed) are days off and the other days
Monday–Friday are working days; the State Council's 调休 and 补假 for that year are unknown until an
official enters them, so we log a warning and mark the deadline provisional, so officials see it.
"""

import datetime as dt
import logging
from typing import NamedTuple

import chinese_calendar

from core.holidays import statutory_holidays
from core.models import HolidayOverride

logger = logging.getLogger("core.workdays")


class Deadline(NamedTuple):
    date: dt.date
    provisional: bool  # True when any day counted lies outside the calendar's data

    def __str__(self):
        return f"{self.date:%Y-%m-%d}{'（暂定）' if self.provisional else ''}"


def _overrides(start: dt.date, end: dt.date) -> dict:

    return dict(HolidayOverride.objects.filter(day__range=(start, end)).values_list("day", "kind"))


def _is_workday(day: dt.date, overrides: dict) -> tuple[bool, bool]:
    """(is it a working day, is that answer certain)."""
    kind = overrides.get(day)
    if kind is not None:
        return kind == "workday", True
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        # DOMAIN §6: past the package's data, the statutory holidays are still days off; make-up days are not known.
        return day.weekday() < 5 and day not in statutory_holidays(day.year), False


def is_working_day(day: dt.date) -> bool:
    return _is_workday(day, _overrides(day, day))[0]


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The date n working days after ``start`` (``start`` itself not counted)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    # Generous window: the longest PRC holiday run is 8–9 days.
    overrides = _overrides(start, start + dt.timedelta(days=n * 2 + 30))
    day, counted, provisional = start, 0, False
    while counted < n:
        day += dt.timedelta(days=1)
        working, certain = _is_workday(day, overrides)
        provisional = provisional or not certain
        counted += working
    if provisional:
        logger.warning(
            "节假日数据未覆盖 %s 年，截止日期 %s 按法定节假日和周一至周五暂定计算（调休待录入）", day.year, day
        )
    return Deadline(day, provisional)


def working_day_map(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """Each day after ``start`` up to and including ``end`` → is it a working day (one query for the
    officials' overrides, so a list page can count many deadlines at once)."""
    overrides = _overrides(start, end)
    days, day = {}, start
    while day < end:
        day += dt.timedelta(days=1)
        days[day] = _is_workday(day, overrides)[0]
    return days


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return sum(working_day_map(start, end).values())
