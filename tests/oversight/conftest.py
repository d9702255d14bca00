"""A small department tree for 督办 and the 待办 panels: a city bureau (市局) over a district bureau (区局),
and an unrelated city department; an official of each, and complaints that are overdue, at risk or not.

The clock is Wed 2026-09-30 10:00 (before the National Day holiday, 10-01..07, with the make-up
Saturday 10-10), so working-day figures cross a holiday.
"""

import datetime as dt

import pytest
import time_machine

from core.choices import Role
from enforcement import services as enforcement_services
from enforcement.models import Complaint

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 9, 30)


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # evidence files never land in the checkout


@pytest.fixture
def today():
    with time_machine.travel(at(TODAY), tick=True):
        yield TODAY


@pytest.fixture
def city(make_department):
    return make_department(name="郑州市市场监督管理局", code="ZZSJ", short_name="郑市监")


@pytest.fixture
def district(make_department, city):
    return make_department(
        name="金水区市场监督管理局",
        code="JSSJ",
        short_name="金水市监",
        level="county",
        parent=city,
        region_code="410105",
    )


@pytest.fixture
def other(make_department):
    return make_department(name="郑州市卫生健康委员会", code="ZZWJ", short_name="郑卫健")


@pytest.fixture
def superior(make_official, city):
    """An official of the parent department: the issuer side."""
    return make_official("shangji", city, first_name="上级")


@pytest.fixture
def responsible(make_official, district):
    """An official of the department pressed: the responsible side."""
    return make_official("quju", district, first_name="区局")


@pytest.fixture
def outsider(make_official, other):
    """An official of an unrelated department."""
    return make_official("waibu", other, first_name="外部")


@pytest.fixture
def root(make_official, other):
    return make_official("pingtai", other, role=Role.PLATFORM_ADMIN, first_name="平台")


@pytest.fixture
def complaint_at(db):
    """A complaint of ``department`` filed on ``filed`` (due 15 working days later, the channel's rule)."""

    def make(department, filed: dt.date, name="某超市"):
        with time_machine.travel(at(filed)):
            complaint, _code = enforcement_services.complaint_file(
                actor="public:web", entity_name=name, content="销售过期食品", department=department
            )
        return Complaint.objects.get(pk=complaint.pk)

    return make


@pytest.fixture
def overdue_complaint(complaint_at, district):
    """Filed Tue 09-01: due Mon 09-21 (15 working days, the make-up Sunday 09-20 counted), overdue on 09-30."""
    complaint = complaint_at(district, dt.date(2026, 9, 1))
    assert complaint.due_on == dt.date(2026, 9, 21)
    return complaint


@pytest.fixture
def fresh_complaint(complaint_at, district):
    """Filed Mon 09-28: due after the holiday, neither overdue nor at risk on 09-30."""
    complaint = complaint_at(district, dt.date(2026, 9, 28))
    assert complaint.due_on > dt.date(2026, 10, 10)
    return complaint
