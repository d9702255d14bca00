"""The scheduled risk scan (风险扫描): each warning rule (预警规则) named after it, and the run record."""

import datetime as dt

import pytest
import time_machine

from credit import scan
from credit.choices import Grade, ListGround, ListType, ProposalState, RecordState, RunState
from credit.models import CreditRecord, EntityCredit, ListEntry, ListProposal, RiskScanRun, RiskWarning
from credit.scan import (
    AbnormalOverThreeYears,
    GradeWorsened,
    ListEntered,
    NegativeRecordBurst,
    run_risk_scan,
)
from credit.services import list_entry_add
from credit.warning_rules import WarningRule
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ABNORMAL_BASIS = "《企业信息公示暂行条例》第十七条；《企业经营异常名录管理暂行办法》第四条第（一）项"


@pytest.fixture
def registered(make_entity, dept_b):
    """An entity registered with department B (its 登记机关); records come from department A."""
    return make_entity(registration_authority=dept_b)


def add_abnormal(entity, dept, listed_on: dt.date) -> ListEntry:
    return list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis=ABNORMAL_BASIS,
        department=dept,
        decided_on=listed_on,
        ground_established_on=listed_on - dt.timedelta(days=7),
        decision_no=f"测经异〔{listed_on.year}〕1号",
    )


def warnings(rule_code):
    return list(RiskWarning.objects.filter(rule_code=rule_code))


# --- the rules ------------------------------------------------------------------------------------


def test_grade_worsened_raises_one_warning_to_the_registration_authority(
    registered, push, dept_a, dept_b, frozen_today
):
    # Given an entity graded 良好 by last night's scan
    run_risk_scan()
    assert EntityCredit.objects.get(entity_id=registered.uscc).grade == Grade.GOOD
    # When department A pushes a 一般 penalty and tonight's scan re-grades it
    push(record_data(registered.uscc, decided_on="2026-11-10"))
    run = run_risk_scan()
    # Then one warning goes to department B, the entity's registration authority
    raised = warnings(GradeWorsened.code)
    assert len(raised) == 1
    assert raised[0].department == dept_b
    assert raised[0].entity_id == registered.uscc
    assert "由“良好”降为“失信”" in raised[0].message
    assert run.counts["warnings"][GradeWorsened.code] == 1


def test_grade_worsened_not_raised_when_the_grade_improves(registered, push, frozen_today):
    push(record_data(registered.uscc, decided_on="2026-11-10"))
    run_risk_scan()
    CreditRecord.objects.update(state=RecordState.REVOKED)  # the fact is withdrawn: 失信 → 良好
    run_risk_scan()
    assert EntityCredit.objects.get(entity_id=registered.uscc).grade == Grade.GOOD
    assert warnings(GradeWorsened.code) == []


def test_list_entered_raises_a_warning(registered, dept_a, dept_b, frozen_today):
    # Given an entity put on the abnormal list today by department A
    add_abnormal(registered, dept_a, frozen_today)
    # When the scan runs
    run_risk_scan()
    # Then its registration authority gets one warning naming the list
    raised = warnings(ListEntered.code)
    assert len(raised) == 1
    assert raised[0].department == dept_b
    assert "被列入经营异常名录" in raised[0].message


def test_list_entered_ignores_the_red_list(make_entity, dept_a, frozen_today):
    entity = make_entity()
    list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.RED,
        ground=ListGround.TRUSTWORTHY,
        legal_basis="国发〔2016〕33号",
        department=dept_a,
        decided_on=frozen_today,
    )
    run_risk_scan()
    assert warnings(ListEntered.code) == []


def test_abnormal_over_three_years_raises_a_warning_and_a_list_proposal(registered, make_entity, dept_a, frozen_today):
    # Given one entity abnormal since exactly 3 years ago and another since 3 years minus a day
    old = add_abnormal(registered, dept_a, dt.date(2023, 11, 22))
    add_abnormal(make_entity(), dept_a, dt.date(2023, 11, 23))
    # When the scan runs
    run = run_risk_scan()
    # Then only the first raises a warning to the deciding department, and a proposal to confirm
    raised = warnings(AbnormalOverThreeYears.code)
    assert [(w.entity_id, w.department) for w in raised] == [(registered.uscc, dept_a)]
    assert "请确认是否列入严重违法失信名单" in raised[0].message
    proposal = ListProposal.objects.get()
    assert (proposal.source_entry, proposal.list_type, proposal.ground, proposal.state, proposal.department) == (
        old,
        ListType.SERIOUS,
        ListGround.ABNORMAL_3_YEARS,
        ProposalState.PENDING,
        dept_a,
    )
    assert run.counts["list_proposals"] == 1


def test_negative_record_burst_three_in_90_days_raises_a_warning(registered, make_entity, push, dept_b, frozen_today):
    # Given one entity with 3 negative records in the last 90 days, and one with only 2
    two = make_entity()
    push(
        record_data(registered.uscc, "R-1", decided_on="2026-09-01"),
        record_data(registered.uscc, "R-2", decided_on="2026-10-15", severity="minor"),
        record_data(registered.uscc, "R-3", decided_on="2026-11-20", category="complaint", severity="minor"),
        record_data(two.uscc, "R-4", decided_on="2026-10-01"),
        record_data(two.uscc, "R-5", decided_on="2026-11-01"),
        record_data(two.uscc, "R-6", decided_on="2026-08-20"),  # 94 days ago: outside the 90 days
        record_data(two.uscc, "R-7", decided_on="2026-11-02", polarity="positive", category="award"),  # not negative
    )
    # When the scan runs
    run_risk_scan()
    # Then only the first entity raises a warning, to its registration authority
    raised = warnings(NegativeRecordBurst.code)
    assert [(w.entity_id, w.department) for w in raised] == [(registered.uscc, dept_b)]
    assert "近90天内新增负面信用记录 3 条" in raised[0].message


def test_negative_record_burst_two_records_do_not(registered, push, frozen_today):
    push(
        record_data(registered.uscc, "R-1", decided_on="2026-10-01"),
        record_data(registered.uscc, "R-2", decided_on="2026-11-01"),
    )
    run_risk_scan()
    assert warnings(NegativeRecordBurst.code) == []


def test_every_rule_has_a_code_and_a_chinese_description():
    codes = [rule.code for rule in scan.RULES]
    assert len(codes) == len(set(codes)) >= 4
    for rule in scan.RULES:
        assert rule.code and rule.description
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.description)


# --- the run ----------------------------------------------------------------------------------------


def test_scan_run_records_start_end_counts_and_state(registered, push, frozen_today):
    push(record_data(registered.uscc, decided_on="2026-11-10"))
    run = run_risk_scan(trigger="manual")
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED
    assert run.trigger == "manual"
    assert run.error == ""
    assert run.started_at <= run.finished_at
    assert run.duration is not None
    assert run.counts["evaluated"] == 1
    assert set(run.counts["warnings"]) == {rule.code for rule in scan.RULES}
    assert {"expired_entities", "grade_changed", "credit_updated", "evaluation_seconds", "list_proposals"} <= set(
        run.counts
    )


def test_scan_twice_raises_nothing_twice(registered, make_entity, push, dept_a, frozen_today):
    # Given facts that fire every rule
    run_risk_scan()
    add_abnormal(registered, dept_a, dt.date(2023, 6, 1))
    push(*(record_data(registered.uscc, f"R-{i}", decided_on=f"2026-11-{10 + i}") for i in range(3)))
    first = run_risk_scan()
    assert all(
        first.counts["warnings"][code] == 1
        for code in (GradeWorsened.code, ListEntered.code, AbnormalOverThreeYears.code, NegativeRecordBurst.code)
    ), first.counts
    before = (RiskWarning.objects.count(), ListProposal.objects.count())
    # When the scan runs again (or is retried after a crash)
    second = run_risk_scan()
    # Then it raises nothing new
    assert second.state == RunState.SUCCEEDED
    assert all(n == 0 for n in second.counts["warnings"].values()), second.counts
    assert second.counts["list_proposals"] == 0
    assert (RiskWarning.objects.count(), ListProposal.objects.count()) == before
    assert RiskScanRun.objects.count() == 3


def test_scan_expires_records_whose_window_closed(registered, push, frozen_today):
    # Given a 一般 penalty of 2026-01-10 (public until 2027-01-10) and a 严重 one (until 2029)
    push(
        record_data(registered.uscc, "R-1", decided_on="2026-01-10"),
        record_data(registered.uscc, "R-2", decided_on="2026-02-10", severity="serious"),
    )
    run_risk_scan()
    assert set(CreditRecord.objects.values_list("state", flat=True)) == {RecordState.ACTIVE}
    # When the nightly scan runs after the first window has closed
    with time_machine.travel(dt.datetime(2027, 1, 12, 1, 0, tzinfo=SHANGHAI)):
        run = run_risk_scan()
    # Then that record is expired, the other stays public, and the grade follows
    states = dict(CreditRecord.objects.values_list("source_ref", "state"))
    assert states == {"R-1": RecordState.EXPIRED, "R-2": RecordState.ACTIVE}
    assert CreditRecord.objects.get(source_ref="R-1").state_reason == "公示期满"
    assert run.counts["expired_entities"] == 1
    assert EntityCredit.objects.get(entity_id=registered.uscc).grade == Grade.SERIOUSLY_DISHONEST


def test_scan_expiry_lets_the_grade_recover(registered, push, frozen_today):
    push(record_data(registered.uscc, decided_on="2026-01-10"))
    run_risk_scan()
    assert EntityCredit.objects.get(entity_id=registered.uscc).grade == Grade.DISHONEST
    with time_machine.travel(dt.datetime(2027, 1, 11, 1, 0, tzinfo=SHANGHAI)):
        run_risk_scan()
    assert CreditRecord.objects.get().state == RecordState.EXPIRED
    assert EntityCredit.objects.get(entity_id=registered.uscc).grade == Grade.GOOD


class FailingRule(WarningRule):
    code = "TEST_FAILING"
    description = "测试用：执行出错的规则"
    select = "SELECT 'x' AS dedupe_key, NULL::varchar AS uscc, (1 / 0) AS department_id, '' AS message"


def test_failing_rule_records_state_failed_with_the_error_text(registered, push, dept_a, frozen_today, monkeypatch):
    # Given a rule that fails after the others have run, and facts for the other rules
    monkeypatch.setattr(scan, "RULES", [*scan.RULES, FailingRule()])
    add_abnormal(registered, dept_a, frozen_today)
    push(record_data(registered.uscc, "R-1", decided_on="2025-01-10"))  # window closed
    # When the scan runs
    run = run_risk_scan()
    # Then the run is recorded as failed with the error, and nothing of it is half done
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "division by zero" in run.error
    assert run.finished_at is not None
    assert RiskWarning.objects.count() == 0
    assert CreditRecord.objects.get().state == RecordState.ACTIVE
    assert not EntityCredit.objects.exists()
