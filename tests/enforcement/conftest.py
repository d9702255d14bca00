"""A small enforcement world: certified handlers, a legal reviewer, a benchmark, cases at any stage."""

import datetime as dt
from decimal import Decimal

import pytest

from core.choices import Role
from enforcement import services
from enforcement.choices import CaseSource, CaseStage, Circumstance
from enforcement.models import DiscretionStandard
from supervision import services as sv

FACTS = "经查，当事人于2026年10月销售超过保质期的食品，货值金额3200元。"


@pytest.fixture
def make_inspector(db):
    counter = {"n": 0}

    def make(department, valid_to=dt.date(2028, 12, 31), user=None, **kw):
        counter["n"] += 1
        return sv.inspector_save(
            actor="test",
            name=kw.pop("name", f"执法员{counter['n']}"),
            department=department,
            certificate_no=kw.pop("certificate_no", f"豫41{counter['n']:06d}"),
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=valid_to,
            user=user,
            **kw,
        )

    return make


@pytest.fixture
def officers(make_official, make_inspector, dept_a):
    """Two certified officers of department A, each with a login (执法人员)."""
    carol = make_official("carol", dept_a, role=Role.ENFORCEMENT_OFFICER, first_name="王晓")
    dave = make_official("dave", dept_a, role=Role.ENFORCEMENT_OFFICER, first_name="李军")
    return [make_inspector(dept_a, user=carol, name="王晓"), make_inspector(dept_a, user=dave, name="李军")]


@pytest.fixture
def handler(officers):
    """The lead handler's login (王晓): handlers move their case (issue 12 §6)."""
    return officers[0].user


@pytest.fixture
def head(make_official, dept_a):
    """The 部门负责人 of department A: moves any of its cases and sees complainants, without handling them."""
    return make_official("henry", dept_a, role=Role.DEPARTMENT_HEAD, first_name="孙国强")


@pytest.fixture
def reviewer(make_official, dept_a):
    """A 法制审核人员 of department A who handles no case."""
    return make_official("erin", dept_a, role=Role.LEGAL_REVIEWER, first_name="赵敏")


@pytest.fixture
def standard(dept_a):
    return DiscretionStandard.objects.create(
        department=dept_a,
        code="SP-001",
        violation_type="销售超过保质期的食品",
        violation_basis="《中华人民共和国食品安全法》第三十四条第（十）项",
        penalty_basis="《中华人民共和国食品安全法》第一百二十四条",
        lighter_min=Decimal("50000"),
        lighter_max=Decimal("80000"),
        general_min=Decimal("80000"),
        general_max=Decimal("120000"),
        heavier_min=Decimal("120000"),
        heavier_max=Decimal("200000"),
        heavy_penalty_types=["revoke_licence", "suspend_business"],
        effective_from=dt.date(2026, 1, 1),
    )


@pytest.fixture
def entity(make_entity):
    return make_entity(name="郑州市金水区好运来超市有限公司")


@pytest.fixture
def open_case(dept_a, officers, entity, standard, alice):
    # Opened (立案) by alice, an official of A; moved by its lead handler, as only handlers (or the 部门负责人) may.
    def open_(stage=CaseStage.FILED, is_major=False, served_on=None, **kw):
        case = services.case_open(
            actor=alice,
            department=dept_a,
            party_name=kw.pop("party_name", entity.name),
            entity_uscc=kw.pop("entity_uscc", entity.uscc),
            title=kw.pop("title", "涉嫌销售超过保质期的食品"),
            source=kw.pop("source", CaseSource.MONITORING),
            source_note=kw.pop("source_note", "网络监测线索 JC-2026-118"),
            handlers=kw.pop("handlers", officers),
            standard=kw.pop("standard", standard),
            is_major=is_major,
            **kw,
        )
        path = [
            CaseStage.INVESTIGATION,
            CaseStage.REVIEW,
            *([CaseStage.LEGAL_REVIEW] if is_major else []),
            CaseStage.NOTICE,
        ]
        for step in path:
            if stage == CaseStage.FILED or case.stage == stage:
                break
            if step == CaseStage.NOTICE and is_major:
                pytest.fail("a major case reaches 告知 only after a passed review: use the review fixture")
            served = {"notice_served_on": served_on} if step == CaseStage.NOTICE and served_on else {}
            case = services.case_advance(actor=officers[0].user, case=case, to_stage=step, note=f"进入{step}", **served)
        return case

    return open_


def decision_fields(**kw) -> dict:
    fields = {
        "penalty_types": ["fine", "confiscate_income"],
        "fine_amount": Decimal("100000"),
        "confiscation_amount": Decimal("3200"),
        "circumstance": Circumstance.GENERAL,
        "facts": FACTS,
        "evidence": "现场检查笔录、询问笔录、进货单据、照片",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        "penalty_content": "没收违法所得3200元，罚款100000元",
        "performance": "自收到本决定书之日起十五日内，通过指定银行缴纳罚没款",
    }
    fields.update(kw)
    return fields


@pytest.fixture
def issue(handler):
    def issue_(case, actor=None, **kw):
        return services.penalty_decision_issue(actor=actor or handler, case=case, **decision_fields(**kw))

    return issue_


@pytest.fixture
def waived(handler):
    """A case in 告知 whose party waived its rights in writing: the decision need not wait 5 working days."""
    from enforcement.services.case_steps import case_rights_waive

    def waive(case):
        case_rights_waive(actor=handler, case=case, note="当事人签署《放弃陈述申辩和听证权利声明书》")
        case.refresh_from_db()
        return case

    return waive
