"""Issue 15 §3: every change to a public or shared credit fact is a change event, written in the
change's own transaction; "public" follows the public selectors (credit.selectors)."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from core.changes import ChangeEvent
from credit import change_events, selectors, services
from credit.choices import Grade, ListGround, ListType, RecordState, RemovalReason
from credit.models import CreditRecord, EntityCredit, ListEntry
from tests.conftest import record_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def events(type_=None, **kw):
    qs = ChangeEvent.objects.order_by("txid", "id")
    return list(qs.filter(type=type_, **kw) if type_ else qs.filter(**kw))


def test_push_emits_record_created_then_updated_with_exact_counts(make_entity, push, dept_a):
    # given two entities
    a, b = make_entity(), make_entity()
    # when a batch creates two records, and a resend changes one and repeats the other unchanged
    push(record_data(a.uscc, "R-1"), record_data(b.uscc, "R-2"))
    result = push(record_data(a.uscc, "R-1", title="更正后的标题"), record_data(b.uscc, "R-2"))
    # then: two record.created, one record.updated, none for the unchanged resend
    assert result.updated == 1 and result.unchanged == 1
    created = events("record.created")
    assert [(e.ref, e.uscc, e.public, e.department_id) for e in created] == [
        ("R-1", a.uscc, True, dept_a.pk),
        ("R-2", b.uscc, True, dept_a.pk),
    ]
    assert created[0].object_id == CreditRecord.objects.get(source_ref="R-1").pk
    assert created[0].data == {"category": "administrative_penalty", "state": "active", "public_now": True}
    assert [e.ref for e in events("record.updated")] == ["R-1"]


def test_push_events_share_the_push_transaction(make_entity, push):
    # given an entity; when a push's transaction rolls back, its events roll back with it
    entity = make_entity()
    with pytest.raises(RuntimeError), transaction.atomic():
        push(record_data(entity.uscc, "R-rolled-back"))
        assert events("record.created", ref="R-rolled-back")
        raise RuntimeError
    assert not events(ref="R-rolled-back")


def test_unpublished_minor_record_emits_nothing_as_the_keyed_api_hides_it(make_entity, push):
    # given an unpublished 轻微 record (DOMAIN §3: not published by default; selectors.shareable_records leaves it out)
    entity = make_entity()
    push(record_data(entity.uscc, "M-1", severity="minor"))
    record = CreditRecord.objects.get(source_ref="M-1")
    assert not record.published and not selectors.shareable_records().filter(pk=record.pk).exists()
    # then: no event about it, not even for departments
    assert not events(ref="M-1")


def test_record_leaving_the_public_pages_by_update_is_a_public_event(make_entity, push):
    # given a public 一般 record; when a resend makes it 轻微 (so unpublished)
    entity = make_entity()
    push(record_data(entity.uscc, "G-1"))
    push(record_data(entity.uscc, "G-1", severity="minor"))
    # then: record.updated, public (it was on the pages), saying it is no longer there, without the severity
    (updated,) = events("record.updated", ref="G-1")
    assert updated.public is True
    assert updated.data == {"category": "administrative_penalty", "state": "active", "public_now": False}


def test_record_revoked_is_an_event_public_as_the_record_was(make_entity, push, alice):
    entity = make_entity()
    push(record_data(entity.uscc, "V-1"))
    services.credit_record_revoke(actor=alice, record=CreditRecord.objects.get(source_ref="V-1"), reason="决定被撤销")
    (revoked,) = events("record.revoked")
    assert (revoked.ref, revoked.public, revoked.data["state"], revoked.data["public_now"]) == (
        "V-1",
        True,
        "revoked",
        False,
    )


def test_record_repaired_is_an_event(make_entity, push, alice):
    # given a 一般 penalty decided 2026-06-01, past its 3-month minimum window (DOMAIN §3)
    entity = make_entity()
    push(record_data(entity.uscc, "P-1", decided_on="2026-06-01", penalty_types=["fine"]))
    record = CreditRecord.objects.get(source_ref="P-1")
    application, _ = services.repair_apply(
        actor="public",
        record=record,
        applicant_name="王建国",
        contact_phone="13900001111",
        reason="已缴清罚款并完成整改",
        commitment_accepted=True,
    )
    services.repair_approve(actor=alice, application=application, reason="已履行义务")
    (repaired,) = events("record.repaired")
    assert (repaired.ref, repaired.object_id, repaired.public) == ("P-1", record.pk, True)


def test_nightly_expiry_emits_record_expired_set_based_for_published_records_only(make_entity, push, dept_a):
    # given a 一般 record decided 2025-11-01 (window 1 year: ends 2026-11-01) and an unpublished 轻微 one
    entity = make_entity()
    push(record_data(entity.uscc, "E-1", decided_on="2025-11-01"))
    push(record_data(entity.uscc, "E-2", decided_on="2026-08-01", severity="minor"))  # 3 months: ends 2026-11-01
    # when the nightly expiry runs
    services.credit_records_expire(actor="task:test")
    # then: one record.expired (the published one), public; the unpublished one expires silently
    assert CreditRecord.objects.get(source_ref="E-2").state == RecordState.EXPIRED
    (expired,) = events("record.expired")
    assert (expired.ref, expired.public, expired.department_id) == ("E-1", True, dept_a.pk)
    assert expired.data == {"category": "administrative_penalty", "state": "expired", "public_now": False}


def test_revoking_an_expired_record_is_shared_but_not_public(make_entity, push, alice):
    # given a record past its window: 公示期满, still readable by credit:read (shareable_records), not public
    entity = make_entity()
    push(record_data(entity.uscc, "X-1", decided_on="2025-11-01"))
    services.credit_records_expire(actor="task:test")
    services.credit_record_revoke(actor=alice, record=CreditRecord.objects.get(source_ref="X-1"), reason="错误")
    (revoked,) = events("record.revoked")
    assert revoked.public is False


def test_grade_changed_emits_from_and_to_of_the_public_grade(make_entity, push, evaluate):
    # given an entity graded 良好 (a first 良好 grade is no event: no event means 良好)
    entity = make_entity()
    evaluate([entity.uscc])
    assert not events("grade.changed")
    # when a 一般 negative record makes it 失信 (DOMAIN §3 rule 2)
    push(record_data(entity.uscc, "G-2"))
    evaluate([entity.uscc])
    # then
    (changed,) = events("grade.changed")
    assert (changed.uscc, changed.ref, changed.public) == (entity.uscc, entity.uscc, True)
    assert changed.data == {"from": Grade.GOOD, "to": Grade.DISHONEST}
    # and re-evaluating without a change emits nothing more
    evaluate([entity.uscc])
    assert len(events("grade.changed")) == 1


def test_unpublished_minor_record_changes_no_public_grade_so_no_grade_event(make_entity, push, evaluate):
    # DOMAIN §3: an unpublished 轻微 record changes no public colour (it counts in the internal risk class only)
    entity = make_entity()
    evaluate([entity.uscc])
    push(record_data(entity.uscc, "M-2", severity="minor"))
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD
    assert not events("grade.changed")


def test_first_grade_other_than_good_is_an_event_for_the_whole_population_set_based(make_entity, push, evaluate):
    # given two new entities, one with a public 一般 record
    good, bad = make_entity(), make_entity()
    push(record_data(bad.uscc, "G-3"))
    # when the nightly full evaluation grades everyone (one INSERT … SELECT)
    evaluate()
    # then only the one not 良好 has an event, from nothing
    (changed,) = events("grade.changed")
    assert (changed.uscc, changed.data) == (bad.uscc, {"from": None, "to": Grade.DISHONEST})
    assert not events("grade.changed", uscc=good.uscc)


def add_abnormal(entity, dept, **kw):
    return services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept,
        decided_on=dt.date(2026, 11, 20),
        ground_established_on=dt.date(2026, 11, 18),
        **kw,
    )


def test_list_entry_added_and_removed_are_public_events(make_entity, dept_a):
    entity = make_entity()
    entry = add_abnormal(entity, dept_a, decision_no="郑市监异〔2026〕3号")
    services.list_entry_remove(actor="test", entry=entry, reason=RemovalReason.DUTY_FULFILLED)
    added, removed = events("list_entry.added"), events("list_entry.removed")
    assert [(e.ref, e.object_id, e.uscc, e.public) for e in added] == [
        ("郑市监异〔2026〕3号", entry.pk, entity.uscc, True)
    ]
    assert added[0].data == {"list_type": "abnormal", "ground": "unreachable", "listed_on": "2026-11-20"}
    assert [(e.ref, e.data["removal_reason"]) for e in removed] == [("郑市监异〔2026〕3号", "duty_fulfilled")]


def test_list_entry_without_decision_number_is_referenced_by_its_id(make_entity, dept_a):
    entry = add_abnormal(make_entity(), dept_a)
    assert events("list_entry.added")[0].ref == f"名单-{entry.pk}"


def test_serious_list_3_year_end_emits_removed_set_based(make_entity, dept_a):
    # given a serious-list entry listed 2023-11-01 (市场监督管理严重违法失信名单管理办法: 3 years)
    entity = make_entity()
    with time_machine.travel(dt.datetime(2023, 11, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        entry = services.list_entry_add(
            actor="test",
            entity_uscc=entity.uscc,
            list_type=ListType.SERIOUS,
            ground=ListGround.LICENCE_REVOKED,
            legal_basis="《市场监督管理严重违法失信名单管理办法》",
            department=dept_a,
            decided_on=dt.date(2023, 11, 1),
            notice_on=dt.date(2023, 10, 20),
        )
    # when the nightly job ends entries past 3 years (one UPDATE, one INSERT … SELECT)
    assert services.serious_list_entries_end(actor="task:test") == 1
    (removed,) = events("list_entry.removed")
    assert (removed.object_id, removed.data["removal_reason"], removed.data["removed_on"]) == (
        entry.pk,
        "period_ended",
        "2026-11-01",
    )


def test_public_list_types_agree_with_the_selectors():
    assert set(change_events.PUBLIC_LIST_TYPES) == set(selectors.PUBLIC_LIST_TYPES)
    assert ListEntry._meta.db_table == "credit_listentry"
