"""The risk-scan rules for credit remedies (issue 4 §1 and §3 "Reminders"): overdue commitments, and
objections due within 1 working day or overdue, with the deadlines counted across 2026 National Day."""

import datetime as dt
from contextlib import contextmanager

import chinese_calendar
import pytest
import time_machine

from credit import scan
from credit.choices import CommitmentType, ObjectionOutcome
from credit.models import CreditRecord, RiskWarning
from credit.scan import CommitmentOverdue, ObjectionDueSoon, ObjectionOverdue, run_risk_scan
from credit.services import (
    commitment_fulfil,
    commitment_make,
    objection_accept,
    objection_decide,
    objection_file,
    objection_refuse,
)
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FILED_ON = dt.date(2026, 9, 29)  # the Tuesday before the 2026 National Day holiday
# Counted by hand with chinese_calendar.is_workday (see test_national_day_calendar_as_counted_by_hand):
# 9-30 (1), 10-01..10-07 holiday, 10-08 (2), 10-09 (3), 10-10 make-up Saturday (4), 10-11 Sunday, 10-12 (5).
ACCEPT_DUE = dt.date(2026, 10, 12)
# Then 10-13..10-16 (6–9), 10-19..10-23 (10–14), 10-26..10-30 (15–19), 11-02 (20).
DECIDE_DUE = dt.date(2026, 11, 2)


@contextmanager
def on(day: dt.date, hour: int = 10):
    """The wall clock on ``day`` (Asia/Shanghai); STYLE.md rule 15."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=True):
        yield day


def scan_on(day: dt.date):
    with on(day):
        return run_risk_scan()


def warnings(rule_code):
    return list(RiskWarning.objects.filter(rule_code=rule_code).order_by("id"))


@pytest.fixture
def registered(make_entity, dept_b):
    """An entity registered with department B; its records (and so its objections) are department A's."""
    return make_entity(name="郑州市金水区老王烩面馆", registration_authority=dept_b)


@pytest.fixture
def record(registered, push) -> CreditRecord:
    """A 一般 penalty of department A, decided before the objection is filed."""
    with on(dt.date(2026, 9, 1)):
        push(record_data(registered.uscc, decided_on="2026-09-01"))
    return CreditRecord.objects.get()


@pytest.fixture
def objection(record):
    """An objection filed on 2026-09-29, just before National Day."""
    with on(FILED_ON):
        filed, _code = objection_file(
            actor="test",
            applicant_name="王建国",
            contact_phone="13800000000",
            reason="处罚决定已被复议撤销",
            record=record,
        )
    return filed


# --- the deadlines ----------------------------------------------------------------------------------


def test_national_day_calendar_as_counted_by_hand():
    # 2026 National Day: 10-01..10-07 off, Saturday 10-10 a make-up working day (调休).
    assert all(not chinese_calendar.is_workday(dt.date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(dt.date(2026, 10, 10))
    assert not chinese_calendar.is_workday(dt.date(2026, 10, 11))
    assert [
        d
        for d in (dt.date(2026, 9, 30), dt.date(2026, 10, 8), dt.date(2026, 10, 9))
        if not chinese_calendar.is_workday(d)
    ] == []


def test_objection_5_and_20_working_days_counted_across_2026_national_day(objection, dept_a):
    # Given an objection filed on 2026-09-29 (the fixture)
    # Then it is accepted or refused by 10-12 (5 working days, the make-up Saturday counted)
    # and decided by 11-02 (20 working days), both certain, with department A
    assert objection.accept_due_on == ACCEPT_DUE
    assert objection.decide_due_on == DECIDE_DUE
    assert objection.deadline_provisional is False
    assert objection.department == dept_a


# --- OBJECTION_DUE_SOON -------------------------------------------------------------------------------


def test_objection_due_soon_raised_on_the_make_up_saturday_not_the_friday_before(objection, dept_a):
    # Given the objection still awaiting acceptance, due 10-12 (Monday)
    # When the scan runs on Friday 10-09: the next working day is the make-up Saturday 10-10
    scan_on(dt.date(2026, 10, 9))
    # Then nothing is due yet
    assert warnings(ObjectionDueSoon.code) == []
    # When it runs on Saturday 10-10 (a working day): the next working day is Monday 10-12
    run = scan_on(dt.date(2026, 10, 10))
    # Then the handling department gets one warning, not the entity's registration authority
    raised = warnings(ObjectionDueSoon.code)
    assert [(w.department, w.entity_id) for w in raised] == [(dept_a, objection.entity_id)]
    assert run.counts["warnings"][ObjectionDueSoon.code] == 1
    assert raised[0].message == (
        f"异议 {objection.tracking_no}：郑州市金水区老王烩面馆（{objection.entity_id}）"
        "受理（或不予受理）期限（5个工作日）为 2026-10-12，下一个工作日到期，请及时处理"
    )
    # And on the due day itself (same objection, stage and date) nothing is raised twice
    scan_on(ACCEPT_DUE)
    assert len(warnings(ObjectionDueSoon.code)) == 1


def test_objection_due_soon_for_the_decision_once_accepted(objection, dept_a):
    # Given the objection accepted in time
    with on(dt.date(2026, 10, 9)):
        objection_accept(actor="test", objection=objection, reason="材料齐全，予以受理")
    # When the scan runs on the Friday before the 20-working-day deadline (Monday 11-02)
    scan_on(dt.date(2026, 10, 30))
    # Then one warning names the decision deadline
    raised = warnings(ObjectionDueSoon.code)
    assert len(raised) == 1
    assert "办结期限（20个工作日）为 2026-11-02，下一个工作日到期" in raised[0].message
    # A weekend scan in between raises nothing new; the due day itself neither
    scan_on(dt.date(2026, 10, 31))
    scan_on(DECIDE_DUE)
    assert len(warnings(ObjectionDueSoon.code)) == 1


def test_objection_due_soon_says_due_today(record):
    # Given an objection filed on Friday 10-09, due 10-15 (the make-up Saturday counted: 10-10 (1), 10-12 (2),
    # 10-13 (3), 10-14 (4), 10-15 (5)), scanned that morning
    with on(dt.date(2026, 10, 9)):
        filed, _ = objection_file(
            actor="test", applicant_name="王建国", contact_phone="13800000000", reason="记录有误", record=record
        )
    assert filed.accept_due_on == dt.date(2026, 10, 15)
    scan_on(dt.date(2026, 10, 15))
    assert "为 2026-10-15，今日到期" in warnings(ObjectionDueSoon.code)[0].message


def test_objection_due_soon_ignores_closed_objections(objection):
    with on(dt.date(2026, 10, 10)):
        objection_refuse(actor="test", objection=objection, reason="不属于本部门认定的信息")
    scan_on(dt.date(2026, 10, 10))
    assert warnings(ObjectionDueSoon.code) == []


# --- OBJECTION_OVERDUE --------------------------------------------------------------------------------


def test_objection_overdue_after_each_deadline_once_per_stage(objection, dept_a):
    # Given the objection not accepted by 10-12
    scan_on(ACCEPT_DUE)
    assert warnings(ObjectionOverdue.code) == []
    # When the scan runs on 10-13, and again the next day
    scan_on(dt.date(2026, 10, 13))
    scan_on(dt.date(2026, 10, 14))
    # Then one warning says the acceptance deadline has passed
    raised = warnings(ObjectionOverdue.code)
    assert [w.department for w in raised] == [dept_a]
    assert raised[0].message == (
        f"异议 {objection.tracking_no}：郑州市金水区老王烩面馆（{objection.entity_id}）已超过受理（或不予受理）期限（5个工作日） 2026-10-12，请立即处理"
    )
    # When it is accepted late, it is not overdue again until the 20-working-day deadline has passed
    with on(dt.date(2026, 10, 14)):
        objection_accept(actor="test", objection=objection)
    scan_on(DECIDE_DUE)
    assert len(warnings(ObjectionOverdue.code)) == 1
    scan_on(dt.date(2026, 11, 3))
    raised = warnings(ObjectionOverdue.code)
    assert len(raised) == 2
    assert "已超过办结期限（20个工作日） 2026-11-02" in raised[1].message


def test_objection_overdue_ignores_decided_objections(objection):
    with on(dt.date(2026, 10, 9)):
        objection_accept(actor="test", objection=objection)
        objection_decide(
            actor="test", objection=objection, outcome=ObjectionOutcome.UPHELD, reason="经核查，处罚决定合法有效"
        )
    scan_on(dt.date(2026, 11, 20))
    assert warnings(ObjectionOverdue.code) == []


# --- COMMITMENT_OVERDUE -------------------------------------------------------------------------------


def make_commitment(entity, department, *, made_on, due_on, content="本单位自愿承诺依法诚信经营。"):
    with on(made_on):
        commitment, _code = commitment_make(
            actor="test",
            entity_uscc=entity.uscc,
            commitment_type=CommitmentType.VOLUNTARY,
            department=department,
            content=content,
            signatory="王建国",
            due_on=due_on,
            made_on=made_on,
        )
    return commitment


def test_commitment_overdue_warns_the_commitment_department_once(make_entity, dept_a, dept_b):
    # Given an entity registered with department A that made commitments to department B:
    # one due 10-31 still 履约中, one due 11-20 (not yet due), one fulfilled
    entity = make_entity(name="郑州市二七区诚信商行", registration_authority=dept_a)
    overdue = make_commitment(entity, dept_b, made_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 10, 31))
    make_commitment(entity, dept_b, made_on=dt.date(2026, 9, 2), due_on=dt.date(2026, 11, 20))
    done = make_commitment(entity, dept_b, made_on=dt.date(2026, 9, 3), due_on=dt.date(2026, 10, 30))
    with on(dt.date(2026, 10, 20)):
        commitment_fulfil(actor="test", commitment=done, note="已按期补交材料")
    # When the scan runs on the due day of the first, then on each of the next two days
    scan_on(dt.date(2026, 10, 31))
    assert warnings(CommitmentOverdue.code) == []
    scan_on(dt.date(2026, 11, 1))
    run = scan_on(dt.date(2026, 11, 20))
    # Then only the first raises a warning, once, to department B (the commitment's department)
    raised = warnings(CommitmentOverdue.code)
    assert [(w.department, w.entity_id) for w in raised] == [(dept_b, entity.uscc)]
    assert raised[0].message == (
        f"郑州市二七区诚信商行（{entity.uscc}）的主动型信用承诺（编号 {overdue.tracking_no}）履约期限 2026-10-31 已过，仍为“履约中”，请核实并认定已履约或违诺"
    )
    assert run.counts["warnings"][CommitmentOverdue.code] == 0


# --- registration -------------------------------------------------------------------------------------


def test_remedy_rules_are_registered_after_the_existing_ones():
    codes = [rule.code for rule in scan.RULES]
    assert codes[:4] == ["GRADE_WORSENED", "LIST_ENTERED", "ABNORMAL_OVER_3_YEARS", "NEGATIVE_RECORD_BURST"]
    assert {CommitmentOverdue.code, ObjectionDueSoon.code, ObjectionOverdue.code} <= set(codes)
    for rule in (CommitmentOverdue, ObjectionDueSoon, ObjectionOverdue):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.description)
