"""Issue 12 §7: an objection (异议) about the record of a decision issued here is corrected through
the decision (变更决定), so the decision, its public summary and its credit record agree."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credit import services as credit_services
from credit.choices import ObjectionOutcome, ObjectionState, RecordState
from credit.models import CreditRecord
from enforcement import services
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import PenaltyDisclosure
from enforcement.services.decisions import decision_change_by_objection_no, decision_change_on_objection


@pytest.fixture
def published(waived, open_case, issue, frozen_today):
    """A decision of 100,000 元 fine + 3,200 元 confiscation, published: its record says 103,200 元."""
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    return decision


@pytest.fixture
def objection(published, handler):
    record = CreditRecord.objects.get(source_ref=published.number)
    filed, _code = credit_services.objection_file(
        actor="public:web",
        applicant_name="郑州市金水区好运来超市有限公司",
        contact_phone="13912345678",
        reason="罚款数额有误，复核后应为80000元。",
        record=record,
    )
    return credit_services.objection_accept(actor=handler, objection=filed)


def test_objection_correction_on_a_decision_record_goes_through_the_decision_change(published, objection, handler):
    record = CreditRecord.objects.get(source_ref=published.number)

    # Credit refuses to correct the copy alone, and says where the correction is made.
    with pytest.raises(ValidationError) as refused:
        credit_services.objection_decide(
            actor=handler,
            objection=objection,
            outcome=ObjectionOutcome.CORRECTED,
            reason="数额有误",
            corrections={"amount": "83200.00"},
        )
    message = " ".join(refused.value.messages)
    assert "变更决定" in message and published.number in message and published.case.number in message
    record.refresh_from_db()
    assert record.amount == Decimal("103200.00") and record.state == RecordState.ACTIVE

    # The case offers it: 变更决定 with the objection's number.
    new = decision_change_by_objection_no(
        actor=handler,
        decision=published,
        objection_no=objection.tracking_no.lower(),
        reason="经复核，罚款数额应为80000元",
        fine_amount=Decimal("80000"),
        penalty_content="没收违法所得3200元，罚款80000元",
    )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DECIDED and objection.outcome == ObjectionOutcome.CORRECTED
    assert new.number in objection.outcome_reason
    assert new.replaces_id == published.pk and new.fine_amount == Decimal("80000")
    old_summary = PenaltyDisclosure.objects.get(decision=published)
    assert old_summary.state == DisclosureState.WITHDRAWN and objection.tracking_no in old_summary.withdraw_reason
    assert CreditRecord.objects.get(pk=record.pk).state == RecordState.REVOKED

    # Once published, the decision, the summary and the record say the same thing.
    services.disclosures_publish(actor="test")
    summary = PenaltyDisclosure.objects.get(decision=new)
    new_record = CreditRecord.objects.get(department=new.department, source_ref=new.number)
    assert summary.state == DisclosureState.PUBLISHED
    assert summary.fine_amount == new.fine_amount == Decimal("80000")
    assert (
        new_record.amount
        == summary.fine_amount + summary.confiscation_amount
        == new.fine_amount + new.confiscation_amount
    )
    assert new_record.decided_on == summary.decided_on == new.decided_on


def test_objection_correction_through_the_decision_needs_an_accepted_objection_about_it(
    published, objection, handler, open_case, issue, waived
):
    other = issue(waived(open_case(stage=CaseStage.NOTICE, party_name="另一当事人", entity_uscc="")))
    with pytest.raises(ValidationError, match="针对的不是决定"):
        decision_change_on_objection(
            actor=handler, decision=other, objection=objection, reason="x", fine_amount=Decimal("80000")
        )
    with pytest.raises(ValidationError, match="未找到受理编号"):
        decision_change_by_objection_no(actor=handler, decision=published, objection_no="YY20260101-000000", reason="x")
    assert PenaltyDisclosure.objects.get(decision=published).state == DisclosureState.PUBLISHED  # nothing changed


def test_a_pushed_record_is_still_corrected_in_credit(push, make_entity, dept_a, handler, frozen_today):
    from tests.conftest import record_data

    entity = make_entity(name="郑州市某推送处罚商行")
    push(record_data(entity.uscc, "郑卫健罚〔2026〕9号", decided_on="2026-06-01"))
    record = CreditRecord.objects.get(source_ref="郑卫健罚〔2026〕9号")
    filed, _ = credit_services.objection_file(
        actor="public:web", applicant_name="某", contact_phone="13912345678", reason="数额有误", record=record
    )
    credit_services.objection_accept(actor=handler, objection=filed)
    credit_services.objection_decide(
        actor=handler,
        objection=filed,
        outcome=ObjectionOutcome.CORRECTED,
        reason="核实",
        corrections={"amount": "20000.00"},
    )
    record.refresh_from_db()
    assert record.amount == Decimal("20000.00")
