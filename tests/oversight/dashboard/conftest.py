"""The dashboard tests' department tree (a city bureau over two districts, another city beside it) and clock;
they shadow the parent folder's ``tree`` for the tests in this folder."""

import datetime as dt

import pytest
import time_machine

from core.choices import Role

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def tree(make_department):
    """A city bureau with two district bureaus under it, and another city's bureau beside it."""
    city = make_department(name="郑州市市场监督管理局", code="ZZSJ", short_name="郑市监", region_code="410100")
    jinshui = make_department(
        name="郑州市金水区市场监督管理局",
        code="ZZJS",
        short_name="金水",
        level="county",
        region_code="410105",
        parent=city,
    )
    erqi = make_department(
        name="郑州市二七区市场监督管理局",
        code="ZZEQ",
        short_name="二七",
        level="county",
        region_code="410103",
        parent=city,
    )
    luoyang = make_department(name="洛阳市市场监督管理局", code="LYSJ", short_name="洛市监", region_code="410300")
    return {"city": city, "jinshui": jinshui, "erqi": erqi, "luoyang": luoyang}


@pytest.fixture
def officials(tree, make_official):
    """A district official (金水), another district's (二七), the city's, and the platform administrator."""
    return {
        "jinshui": make_official("js-official", tree["jinshui"]),
        "erqi": make_official("eq-official", tree["erqi"]),
        "city": make_official("city-official", tree["city"]),
        "admin": make_official("platform", tree["city"], role=Role.PLATFORM_ADMIN),
    }


@pytest.fixture
def december_first():
    """The wall clock at 2026-12-01 10:00 Asia/Shanghai: the figures go up to 2026-11-30."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield dt.date(2026, 11, 30)
