"""DOMAIN §3 remedies (commitments, repair, objections), each test named after its rule."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from credit import services
from credit.choices import CommitmentState, CommitmentType, Grade, ObjectionState, RecordState, RepairState
from credit.models import CreditCommitment, CreditRecord, EntityCredit, Objection, RepairApplication
from credit.selectors import public_records, records_under_objection, shareable_records
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def penalised(make_entity, push, frozen_today):
    """An entity with a 一般 penalty decided 2026-06-01: its 3-month minimum window has passed."""
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2026〕8号", decided_on="2026-06-01", penalty_types=["fine"]))
    return entity, CreditRecord.objects.get(source_ref="郑市监罚〔2026〕8号")


def apply(record, **kw):
    return services.repair_apply(
        actor="public",
        record=record,
        applicant_name="王建国",
        contact_phone="13900001111",
        reason="已缴清罚款并完成整改",
        commitment_accepted=kw.pop("commitment_accepted", True),
        **kw,
    )


# --- repair -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["revoke_licence", "suspend_business", "restrict_practice", "downgrade_qualification", "吊销许可证件"]
)
def test_repair_refused_for_non_repairable_penalty_types(make_entity, push, frozen_today, kind):
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2026〕9号", decided_on="2026-01-05", penalty_types=["fine", kind]))
    with pytest.raises(ValidationError, match="不得提前停止公示"):
        apply(CreditRecord.objects.get())
    assert RepairApplication.objects.count() == 0


def test_repair_minimum_window_enforced(make_entity, push, frozen_today):
    entity = make_entity()
    push(
        record_data(entity.uscc, "G-recent", decided_on="2026-10-01"),  # 一般: repairable from 2027-01-01
        record_data(entity.uscc, "S-old", severity="serious", decided_on="2026-03-01"),  # 严重: from 2027-03-01
        record_data(entity.uscc, "M-new", severity="minor", decided_on="2026-11-20"),
    )  # 轻微: at once
    with pytest.raises(ValidationError, match=r"最短公示期未满.*2027-01-01"):
        apply(CreditRecord.objects.get(source_ref="G-recent"))
    with pytest.raises(ValidationError, match="2027-03-01"):
        apply(CreditRecord.objects.get(source_ref="S-old"))
    application, code = apply(CreditRecord.objects.get(source_ref="M-new"))
    assert application.state == RepairState.SUBMITTED and len(code) == 6


def test_repair_needs_the_public_commitment_and_makes_it(penalised):
    _, record = penalised
    with pytest.raises(ValidationError, match="信用修复承诺"):
        apply(record, commitment_accepted=False)
    application, _ = apply(record)
    assert application.commitment.commitment_type == CommitmentType.REPAIR
    assert application.commitment.related_record == record
    assert application.department == record.department  # 谁认定、谁修复


def test_approved_repair_hides_the_record_everywhere_public(penalised, evaluate, client, credit_api, alice):
    entity, record = penalised
    evaluate()
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.DISHONEST
    application, _ = apply(record)
    services.repair_approve(actor=alice, application=application, reason="已履行义务，符合修复条件")
    record.refresh_from_db()
    assert record.state == RecordState.REPAIRED
    assert not public_records().filter(pk=record.pk).exists()
    assert not shareable_records().filter(pk=record.pk).exists()
    assert "郑市监罚〔2026〕8号" not in client.get(f"/entities/{entity.uscc}/").content.decode()
    api_body = credit_api.get(f"/api/v1/entities/{entity.uscc}/credit-records/").content.decode()
    assert "郑市监罚〔2026〕8号" not in api_body
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD
    assert AuditEvent.objects.filter(action="repair.approve", actor_label="alice").exists()
    assert AuditEvent.objects.filter(action="credit_record.repair").exists()


def test_repair_is_decided_by_the_deciding_department_only(penalised, bob):
    _, record = penalised
    application, _ = apply(record)
    with pytest.raises(ValidationError, match="谁认定、谁修复"):
        services.repair_approve(actor=bob, application=application, reason="同意")
    with pytest.raises(ValidationError, match="决定理由"):
        services.repair_reject(actor="test", application=application, reason=" ")
    services.repair_reject(actor="test", application=application, reason="未提供缴款凭证")
    record.refresh_from_db()
    assert record.state == RecordState.ACTIVE


def test_one_open_repair_application_per_record(penalised):
    _, record = penalised
    apply(record)
    with pytest.raises(ValidationError, match="已有待审核的修复申请"):
        apply(record)


def test_filing_lookup_needs_the_right_code(penalised):
    _, record = penalised
    application, code = apply(record)
    assert services.filing_lookup(RepairApplication, application.tracking_no.lower(), code) == application
    assert (
        services.filing_lookup(RepairApplication, application.tracking_no, "000000" if code != "000000" else "111111")
        is None
    )
    assert services.filing_lookup(RepairApplication, "XF20990101-000000", code) is None
    assert "13900001111" not in str(AuditEvent.objects.filter(action="repair.apply").get().after)


def test_filing_lookup_locks_a_number_after_10_wrong_codes(penalised):
    _, record = penalised
    application, code = apply(record)
    wrong = "000000" if code != "000000" else "111111"
    with time_machine.travel(
        dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ) as traveller:
        for _ in range(10):
            assert services.filing_lookup(RepairApplication, application.tracking_no, wrong) is None
        assert services.filing_lookup(RepairApplication, application.tracking_no, code) is None  # locked for an hour
        traveller.shift(dt.timedelta(minutes=59))
        assert services.filing_lookup(RepairApplication, application.tracking_no, code) is None
        traveller.shift(dt.timedelta(minutes=2))
        assert services.filing_lookup(RepairApplication, application.tracking_no, code) == application


# --- objections ---------------------------------------------------------------------------------


def file_objection(record=None, entry=None):
    return services.objection_file(
        actor="public",
        record=record,
        list_entry=entry,
        applicant_name="王建国",
        contact_phone="13900001111",
        reason="处罚决定已被复议撤销",
    )


def test_objection_marker_at_once(penalised):
    _, record = penalised
    assert records_under_objection([record.pk]) == set()
    objection, _ = file_objection(record)
    assert records_under_objection([record.pk]) == {record.pk}
    services.objection_accept(actor="test", objection=objection, reason="材料齐全，予以受理")
    assert records_under_objection([record.pk]) == {record.pk}
    services.objection_decide(actor="test", objection=objection, outcome="upheld", reason="原记录无误")
    assert records_under_objection([record.pk]) == set()


def test_objection_5_and_20_working_days_across_2026_national_day(make_entity, push):
    """Filed Tue 2026-09-29: 9-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 → accept by 10-12;
    the 20th working day is 2026-11-02 (10-01…10-07 and 10-11 are holidays or rest days)."""
    with time_machine.travel(dt.datetime(2026, 9, 29, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        entity = make_entity()
        push(record_data(entity.uscc, "郑市监罚〔2026〕5号", decided_on="2026-09-01"))
        objection, _ = file_objection(CreditRecord.objects.get())
    assert objection.accept_due_on == dt.date(2026, 10, 12)
    assert objection.decide_due_on == dt.date(2026, 11, 2)
    assert objection.deadline_provisional is False


def test_objection_acceptance_deadline_skips_new_year_2027_past_the_calendar_package(make_entity, push):
    """Issue 12 §2: the 5-working-day acceptance deadline of an objection filed Fri 2026-12-25 counts
    12-28..31 (4), skips 2027-01-01 (元旦, 《全国年节及纪念日放假办法》), so it is Mon 2027-01-04, not 01-01;
    provisional because 2027's 调休 are not entered. (Filed Thu 12-24 it ends on 12-31, before 元旦.)"""
    with time_machine.travel(dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        entity = make_entity()
        push(record_data(entity.uscc, "郑市监罚〔2026〕31号", decided_on="2026-12-01"))
        objection, _ = file_objection(CreditRecord.objects.get())
    assert objection.accept_due_on == dt.date(2027, 1, 4)
    assert objection.deadline_provisional is True
    with time_machine.travel(dt.datetime(2026, 12, 24, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        entity = make_entity()
        push(record_data(entity.uscc, "郑市监罚〔2026〕32号", decided_on="2026-12-01"))
        earlier, _ = file_objection(CreditRecord.objects.get(source_ref="郑市监罚〔2026〕32号"))
    assert earlier.accept_due_on == dt.date(2026, 12, 31)


def test_objection_deadlines_follow_the_deciding_departments_rule(make_entity, push, dept_a, frozen_today):
    """Issue 12 §2: deadlines are data; a stricter rule covering the department applies (the shorter wins)."""
    from supervision.choices import DeadlineKind
    from supervision.models import StatutoryDeadline

    StatutoryDeadline.objects.create(
        kind=DeadlineKind.OBJECTION_ACCEPT,
        department=dept_a,
        working_days=3,
        citation="本部门异议处理规程（示例）",
        effective_from=dt.date(2026, 1, 1),
    )
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2026〕33号", decided_on="2026-11-02"))
    objection, _ = file_objection(CreditRecord.objects.get())
    # Filed Sun 2026-11-22: 3 working days is Wed 11-25 (not the national 5: Fri 11-27)
    assert objection.department == dept_a and objection.accept_due_on == dt.date(2026, 11, 25)


def test_objection_outcome_corrected_changes_the_record_and_keeps_the_old_value(penalised):
    _, record = penalised
    objection, _ = file_objection(record)
    with pytest.raises(ValidationError, match="先受理"):
        services.objection_decide(
            actor="test", objection=objection, outcome="corrected", reason="x", corrections={"severity": "minor"}
        )
    with pytest.raises(ValidationError, match="说明理由"):
        services.objection_refuse(actor="test", objection=objection, reason="")
    services.objection_accept(actor="test", objection=objection)
    services.objection_decide(
        actor="test",
        objection=objection,
        outcome="corrected",
        reason="罚款金额录入有误",
        corrections={"amount": "3000.00"},
    )
    record.refresh_from_db()
    assert str(record.amount) == "3000.00"
    push_event = AuditEvent.objects.filter(action="credit_record.push").order_by("-id").first()
    assert push_event.before["郑市监罚〔2026〕8号"]["amount"] is None
    assert Objection.objects.get().state == ObjectionState.DECIDED


def test_objection_outcome_revoked_revokes_the_record_and_the_grade_follows(penalised, evaluate):
    entity, record = penalised
    evaluate()
    objection, _ = file_objection(record)
    services.objection_accept(actor="test", objection=objection)
    services.objection_decide(actor="test", objection=objection, outcome="revoked", reason="决定已被复议撤销")
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD


def test_objection_to_a_list_entry_revoked_removes_the_entry(make_entity, dept_a, frozen_today):
    from credit.choices import ListGround, ListType

    entity = make_entity()
    entry = services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        legal_basis="《企业信息公示暂行条例》第十七条",
        department=dept_a,
        decided_on=dt.date(2026, 10, 9),
        ground_established_on=dt.date(2026, 9, 28),
    )
    objection, _ = file_objection(entry=entry)
    services.objection_accept(actor="test", objection=objection)
    with pytest.raises(ValidationError, match="不能“更正”"):
        services.objection_decide(
            actor="test", objection=objection, outcome="corrected", reason="x", corrections={"title": "y"}
        )
    services.objection_decide(actor="test", objection=objection, outcome="revoked", reason="经核实可以联系")
    entry.refresh_from_db()
    assert entry.removed_on is not None


# --- commitments --------------------------------------------------------------------------------


def make_commitment(entity, dept, kind=CommitmentType.VOLUNTARY, **kw):
    return services.commitment_make(
        actor="public",
        entity_uscc=entity.uscc,
        commitment_type=kind,
        department=dept,
        content=services.COMMITMENT_TEMPLATES["voluntary"],
        signatory="王建国",
        due_on=kw.pop("due_on", dt.date(2027, 6, 30)),
        **kw,
    )[0]


def test_commitment_type_rules(make_entity, dept_a, frozen_today):
    entity = make_entity()
    with pytest.raises(ValidationError, match="审批事项"):
        make_commitment(entity, dept_a, CommitmentType.APPROVAL_SUBSTITUTE, due_on=dt.date(2027, 1, 31))
    with pytest.raises(ValidationError, match="所修复的信用记录"):
        make_commitment(entity, dept_a, CommitmentType.REPAIR)
    with pytest.raises(ValidationError, match="行业组织"):
        make_commitment(entity, dept_a, CommitmentType.SELF_DISCIPLINE)
    with pytest.raises(ValidationError, match="最长 12 个月"):
        make_commitment(
            entity, dept_a, CommitmentType.APPROVAL_SUBSTITUTE, matter="食品经营许可", due_on=dt.date(2028, 1, 1)
        )
    commitment = make_commitment(
        entity, dept_a, CommitmentType.APPROVAL_SUBSTITUTE, matter="食品经营许可", due_on=dt.date(2027, 1, 31)
    )
    assert commitment.state == CommitmentState.IN_PROGRESS


def test_fulfilled_commitment_is_a_positive_record_and_broken_one_a_negative_record(
    make_entity, dept_a, evaluate, frozen_today
):
    kept, broken = make_entity(), make_entity()
    services.commitment_fulfil(actor="test", commitment=make_commitment(kept, dept_a), note="按期公示年报")
    services.commitment_break(actor="test", commitment=make_commitment(broken, dept_a), note="未按承诺公示年度报告")
    assert CreditCommitment.objects.get(entity_id=kept.uscc).result_record.polarity == "positive"
    negative = CreditCommitment.objects.get(entity_id=broken.uscc).result_record
    assert (negative.polarity, negative.category, negative.severity) == ("negative", "commitment", "minor")
    evaluate()
    assert EntityCredit.objects.get(entity_id=broken.uscc).grade == Grade.DISHONEST  # broken in the last 12 months
    assert EntityCredit.objects.get(entity_id=kept.uscc).grade == Grade.GOOD
    with pytest.raises(ValidationError, match="已认定"):
        services.commitment_fulfil(actor="test", commitment=CreditCommitment.objects.get(entity_id=broken.uscc))
