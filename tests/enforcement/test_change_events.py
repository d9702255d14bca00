"""Issue 15 §3: a penalty summary published or withdrawn is a change event (ref = the decision
number), written in the change's own transaction; a summary never published gives none."""

import datetime as dt

import pytest

from core.changes import ChangeEvent
from credit import services as credit_services
from credit.models import CreditRecord
from enforcement import early_stop, services
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import EarlyStopApplication, PenaltyDisclosure
from tests.conftest import record_data
from tests.enforcement.test_disclosure_period import apply_form, at, fine_only, order_45, published  # noqa: F401

pytestmark = pytest.mark.django_db


def events(type_):
    return list(ChangeEvent.objects.filter(type=type_).order_by("txid", "id"))


def test_penalty_published_by_the_publication_job_is_an_event(waived, open_case, issue, entity, dept_a, frozen_today):
    # given a decision waiting for publication
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    assert not events("penalty.published")
    # when the publication job runs (one batch: one INSERT … SELECT)
    services.disclosures_publish(actor="test")
    # then
    disclosure = PenaltyDisclosure.objects.get(decision=decision)
    (event,) = events("penalty.published")
    assert (event.ref, event.object_id, event.uscc, event.department_id, event.public) == (
        decision.number,
        disclosure.pk,
        entity.uscc,
        dept_a.pk,
        True,
    )
    assert event.data["state"] == "published" and event.data["decided_on"] == str(disclosure.decided_on)
    # and its credit record's creation is an event too, in the same transaction
    (created,) = [e for e in ChangeEvent.objects.filter(type="record.created") if e.ref == decision.number]
    assert created.txid == event.txid


def test_warning_only_penalty_never_published_gives_no_penalty_event(waived, open_case, issue, frozen_today):
    # DOMAIN §5: a warning only is not published; its 轻微 record is not published either
    issue(waived(open_case(stage=CaseStage.NOTICE)), penalty_types=["warning"], fine_amount=0, confiscation_amount=0)
    services.disclosures_publish(actor="test")
    assert not events("penalty.published") and not events("record.created")


def test_penalty_withdrawn_when_the_decision_is_revoked(waived, open_case, issue, frozen_today, alice):
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    services.decision_revoke(actor=alice, decision=decision, reason="经行政复议，复议机关决定撤销该处罚决定")
    (withdrawn,) = events("penalty.withdrawn")
    assert (withdrawn.ref, withdrawn.public, withdrawn.data["state"]) == (decision.number, True, "withdrawn")
    assert [e.ref for e in events("record.revoked")] == [decision.number]


def test_pending_penalty_withdrawn_before_publication_gives_no_event(waived, open_case, issue, frozen_today, alice):
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.decision_revoke(actor=alice, decision=decision, reason="决定书送达前发现错误，予以撤销")
    assert PenaltyDisclosure.objects.get(decision=decision).state == DisclosureState.WITHDRAWN
    assert not events("penalty.withdrawn")


def test_repaired_record_ends_the_penalty_publication_as_a_withdrawn_event(waived, open_case, issue, alice):
    with at(dt.date(2026, 5, 6)):
        decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
        services.disclosures_publish(actor="test")
    disclosure = PenaltyDisclosure.objects.get(decision=decision)
    with at(dt.date(2026, 11, 23)):  # 一般: the 3-month minimum window has passed (DOMAIN §3)
        application, _ = credit_services.repair_apply(
            actor="public:web",
            record=disclosure.credit_record,
            applicant_name="张三",
            contact_phone="13800000000",
            reason="已缴纳罚没款并整改",
            commitment_accepted=True,
        )
        credit_services.repair_approve(actor=alice, application=application, reason="已履行处罚决定")
    (ended,) = events("penalty.withdrawn")
    assert (ended.ref, ended.data["state"]) == (decision.number, "ended")
    assert [e.ref for e in events("record.repaired")] == [decision.number]


def test_early_stop_of_disclosure_is_a_withdrawn_event(order_45, fine_only, frozen_today, client, alice):
    # 总局令第45号: early stop on application after the minimum time
    disclosure = published(fine_only("50000"))
    with at(dt.date(2027, 12, 1)):
        apply_form(client, disclosure)
        early_stop.early_stop_approve(
            actor=alice, application=EarlyStopApplication.objects.get(), reason="已缴清罚款，整改到位"
        )
    (stopped,) = events("penalty.withdrawn")
    assert (stopped.ref, stopped.data["state"]) == (disclosure.number, "early_stopped")


def test_pushed_penalty_mirror_published_then_withdrawn(dept_b, entity, frozen_today):
    # given a 行政处罚 record pushed by another department's system (issue 12 §7: mirrored on /penalties/)
    credit_services.credit_records_push(
        actor="test",
        department=dept_b,
        records=[record_data(entity.uscc, "郑卫罚〔2026〕5号", severity="serious", penalty_types=["fine"])],
    )
    mirror = PenaltyDisclosure.objects.get(decision__isnull=True)
    (published_event,) = events("penalty.published")
    assert (published_event.ref, published_event.object_id, published_event.department_id) == (
        "郑卫罚〔2026〕5号",
        mirror.pk,
        dept_b.pk,
    )
    # when a resend changes it while published: published again (consumers upsert by ref)
    credit_services.credit_records_push(
        actor="test",
        department=dept_b,
        records=[
            record_data(entity.uscc, "郑卫罚〔2026〕5号", severity="serious", penalty_types=["fine"], title="更正")
        ],
    )
    assert len(events("penalty.published")) == 2
    # when the pushing department revokes it: withdrawn
    credit_services.credit_record_revoke(
        actor="test", record=CreditRecord.objects.get(source_ref="郑卫罚〔2026〕5号"), reason="推送部门撤销原决定"
    )
    (withdrawn,) = events("penalty.withdrawn")
    assert (withdrawn.ref, withdrawn.data["state"]) == ("郑卫罚〔2026〕5号", "withdrawn")


def test_pushed_penalty_not_published_gives_no_penalty_event(dept_b, entity, frozen_today):
    # an unpublished 轻微 pushed penalty: its mirror is 依规不予公示
    credit_services.credit_records_push(
        actor="test", department=dept_b, records=[record_data(entity.uscc, "郑卫罚〔2026〕6号", severity="minor")]
    )
    assert PenaltyDisclosure.objects.get(decision__isnull=True).state == DisclosureState.NOT_PUBLIC
    assert not events("penalty.published")
