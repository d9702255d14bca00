"""A small world for 双随机 tests: two departments, random-inspection items, inspectors, graded entities."""

import datetime as dt
from decimal import Decimal

import pytest

from inspections import services
from supervision import services as sv

PLAN_START, PLAN_END = dt.date(2026, 11, 16), dt.date(2026, 12, 31)  # today (2026-11-22) falls inside the window


@pytest.fixture
def make_item(db):
    counter = {"n": 0}

    def make(department, name="食品经营监督检查", is_key=False, is_random=True):
        counter["n"] += 1
        item = sv.item_save(
            actor="test",
            catalogue_code=f"{41000000000000 + counter['n']}",
            name=f"{name}{counter['n']}",
            department=department,
        )
        sv.item_version_create(
            actor="test",
            item=item,
            effective_from=dt.date(2026, 1, 1),
            object_type="enterprise",
            method="on_site",
            legal_basis="《中华人民共和国食品安全法》第八十七条",
            supervision_level="city",
            is_random=is_random,
            is_key=is_key,
            default_ratio=Decimal("0.03"),
        )
        return item

    return make


@pytest.fixture
def make_inspector(db):
    counter = {"n": 0}

    def make(department, valid_to=dt.date(2028, 12, 31), **kw):
        counter["n"] += 1
        return sv.inspector_save(
            actor="test",
            name=kw.pop("name", f"检查员{counter['n']}"),
            department=department,
            certificate_no=kw.pop("certificate_no", f"41010{counter['n']:05d}"),
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=valid_to,
            **kw,
        )

    return make


@pytest.fixture
def make_plan(make_item, dept_a):
    def make(lead=None, items=None, joint=(), approve=True, **kw):
        lead = lead or dept_a
        fields = {
            "name": kw.pop("name", "2026年食品经营者双随机抽查"),
            "year": 2026,
            "lead_department": lead,
            "starts_on": PLAN_START,
            "ends_on": PLAN_END,
        }
        fields.update(kw)
        plan = services.plan_save(actor="test", departments=list(joint), **fields)
        for item in items or [make_item(lead)]:
            services.plan_item_add(actor="test", plan=plan, item=item)
        for department in joint:
            services.plan_item_add(actor="test", plan=plan, item=make_item(department, name="联合检查事项"))
        if approve:
            services.plan_approve(actor="test", plan=plan)
        return plan

    return make


@pytest.fixture
def graded_entities(make_entity, evaluate):
    """``n`` entities, graded (all GOOD, low-risk industry → stratum A unless told)."""

    def make(n, **kw):
        entities = [make_entity(**kw) for _ in range(n)]
        evaluate([e.uscc for e in entities])
        return entities

    return make
