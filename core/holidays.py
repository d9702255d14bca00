"""Statutory public holidays for any year (DOMAIN.md §6; issue 12 §2 "Holidays past the calendar library's coverage").

《全国年节及纪念日放假办法》（国务院令第795号，2024年11月10日公布的第四次修订，2025年1月1日施行）第二条:
全体公民放假的节日 — 新年1天（1月1日）; 春节4天（农历除夕、正月初一至初三）; 清明节1天（农历清明当日）;
劳动节2天（5月1日、2日）; 端午节1天（农历端午当日）; 中秋节1天（农历中秋当日）; 国庆节3天（10月1日至3日）.

Only these statutory days are computed. Where a holiday falls on a weekend, 第六条 grants a substitute
day (补假), and 第七条 lets the State Council arrange make-up working days (调休); both are placed by the
State Council's yearly notice, so they stay unknown here until an official enters them as overrides,
and a deadline counted over such a year stays provisional (core.workdays).

Lunar dates and the 清明 solar term come from lunar-python (6tail/lunar-python, pinned in
requirements.txt, pure Python, maintained), which computes new moons and solar terms astronomically
for any year rather than from a table. tests/core/test_workdays.py checks it against the State
Council's published 2025 and 2026 holidays (chinese-calendar).
"""

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar, Solar


def _date(solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a day of lunar ``year`` (an ordinary month, never the leap month)."""
    return _date(Lunar.fromYmd(year, month, day).getSolar())


def qingming(year: int) -> dt.date:
    """The day of the 清明 solar term (sun at ecliptic longitude 15°): 4 or 5 April."""
    # The lunar year around mid-April holds that year's 清明 in its solar-term table.
    return _date(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Each statutory holiday of ``year`` (国务院令第795号修订后 第二条) → its name."""
    new_year = _lunar(year, 1, 1)  # 正月初一 of the lunar year that starts in this Gregorian year
    # 除夕 is the last day of the twelfth lunar month (29th or 30th): the day before 正月初一.
    spring = [new_year + dt.timedelta(days=offset) for offset in range(-1, 3)]
    days = {dt.date(year, 1, 1): "元旦"}
    days.update(dict.fromkeys(spring, "春节"))
    days[qingming(year)] = "清明节"
    days.update({dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节"})
    days[_lunar(year, 5, 5)] = "端午节"
    days[_lunar(year, 8, 15)] = "中秋节"
    days.update(dict.fromkeys((dt.date(year, 10, d) for d in (1, 2, 3)), "国庆节"))
    return days
