"""A small department tree for 履职评估 and 尽职免责: a province department P over two city departments
C and O, and a county department K under C; an official of each, and a platform administrator of no
department. Plus the 双随机 fixtures of tests/inspections (items, inspectors, plans, graded entities)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import Role
from tests.conftest import valid_uscc
from tests.inspections.conftest import graded_entities, make_inspector, make_item, make_plan  # noqa: F401

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


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
