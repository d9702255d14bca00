"""Department trees for the oversight tests.

- ``tree`` (履职评估 and 尽职免责): a province department P over two city departments C and O, and a
  county department K under C; an official of each, and a platform administrator of no department.
  Plus the 双随机 fixtures of tests/inspections (items, inspectors, plans, graded entities).
- ``city``/``district``/``other`` (督办 and the 待办 panels): a city bureau (市局) over a district bureau
  (区局), and an unrelated city department; an official of each, and complaints that are overdue, at
  risk or not. The ``today`` clock is Wed 2026-09-30 10:00 (before the National Day holiday, 10-01..07,
  with the make-up Saturday 10-10), so working-day figures cross a holiday.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import Role
from enforcement import services as enforcement_services
from enforcement.models import Complaint
from tests.conftest import valid_uscc
from tests.inspections.conftest import graded_entities, make_inspector, make_item, make_plan  # noqa: F401

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 9, 30)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def evidence(name="放假通知.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% holiday notice\n", content_type="application/pdf")


@dataclass
class Tree:
    p: object
    c: object
    k: object
    o: object
    p_official: object
    c_official: object
    k_official: object
    o_official: object
    admin: object
    auditor: object


@pytest.fixture
def tree(make_department, make_official, django_user_model):
    from django.contrib.auth.models import Group

    p = make_department(name="河南省市场监督管理局", code="HNSJ", level="province", region_code="410000")
    c = make_department(name="洛阳市市场监督管理局", code="LYSJ", parent=p, region_code="410300")
    k = make_department(
        name="洛阳市西工区市场监督管理局",
        code="LYXG",
        level="county",
        parent=c,
        region_code="410303",
        uscc=valid_uscc("11410303MB0000991"),
    )
    o = make_department(name="开封市市场监督管理局", code="KFSJ", parent=p, region_code="410200")
    admin = django_user_model.objects.create_user(username="platform", password="pw-Secret-123", is_staff=True)
    admin.groups.add(Group.objects.get(name=Role.PLATFORM_ADMIN))
    return Tree(
        p,
        c,
        k,
        o,
        make_official("p-official", p),
        make_official("c-official", c),
        make_official("k-official", k),
        make_official("o-official", o),
        admin,
        make_official("auditor", p, role=Role.AUDITOR),
    )


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
