"""DOMAIN §3 rules, each test named after the rule it checks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from credit import services
from credit.choices import Grade, ListGround, ListType, RecordState, RemovalReason
from credit.models import CreditRecord, EntityCredit, GradeHistory, ListEntry, PublicityRule
from credit.selectors import public_records
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


def window(severity, polarity="negative", decided_on=dt.date(2026, 5, 10), **kw):
    rule = PublicityRule.objects.get(version=1)
    return services.publicity_window(rule=rule, polarity=polarity, severity=severity, decided_on=decided_on, **kw)


# --- publicity windows (NDRC 《信用修复管理办法》) ------------------------------------------------


def test_publicity_window_minor_not_published_at_most_3_months_repairable_at_once():
    w = window("minor")
    assert w.published is False
    assert w.ends_on == dt.date(2026, 8, 10)
    assert w.repairable_from == dt.date(2026, 5, 10)


def test_publicity_window_general_3_months_to_1_year():
    w = window("general")
    assert (w.published, w.repairable_from, w.ends_on) == (True, dt.date(2026, 8, 10), dt.date(2027, 5, 10))


def test_publicity_window_serious_1_to_3_years():
    w = window("serious")
    assert (w.published, w.repairable_from, w.ends_on) == (True, dt.date(2027, 5, 10), dt.date(2029, 5, 10))


def test_publicity_window_runs_from_the_decision_date_and_a_longer_restriction_extends_it():
    w = window("general", restriction_ends_on=dt.date(2028, 1, 1))
    assert w.ends_on == dt.date(2028, 1, 1)
    assert window("general", decided_on=dt.date(2026, 1, 31)).ends_on == dt.date(2027, 1, 31)


def test_publicity_window_is_stored_with_its_rule_version(push, make_entity, frozen_today):
    entity = make_entity()
    push(record_data(entity.uscc, severity="serious", decided_on="2026-06-01"))
    record = CreditRecord.objects.get()
    assert record.publicity_rule.version == 1
    assert (record.repairable_from, record.publicity_ends_on) == (dt.date(2027, 6, 1), dt.date(2029, 6, 1))


def test_minor_record_is_not_public_unless_the_rule_says_so(push, make_entity, frozen_today):
    entity = make_entity()
    push(record_data(entity.uscc, "A-1", severity="minor"), record_data(entity.uscc, "A-2", severity="general"))
    assert list(public_records().values_list("source_ref", flat=True)) == ["A-2"]
    PublicityRule.objects.create(version=2, effective_from=dt.date(2026, 11, 1), minor_published=True)
    push(record_data(entity.uscc, "A-3", severity="minor", decided_on="2026-11-10"))
    assert set(public_records().values_list("source_ref", flat=True)) == {"A-2", "A-3"}


def test_public_records_exclude_revoked_repaired_and_closed_windows(push, make_entity, frozen_today):
    entity = make_entity()
    push(
        record_data(entity.uscc, "B-1"),
        record_data(entity.uscc, "B-2"),
        record_data(entity.uscc, "B-3"),
        record_data(entity.uscc, "B-old", decided_on="2025-10-01"),  # 一般: at most 1 year → closed 2026-10-01
    )
    services.credit_record_revoke(actor="test", record=CreditRecord.objects.get(source_ref="B-1"), reason="决定被撤销")
    CreditRecord.objects.filter(source_ref="B-2").update(state=RecordState.REPAIRED)
    assert list(public_records().values_list("source_ref", flat=True)) == ["B-3"]
    assert services.credit_records_expire(actor="test") == 1
    assert CreditRecord.objects.get(source_ref="B-old").state == RecordState.EXPIRED


# --- pushes ------------------------------------------------------------------------------------


def test_push_is_idempotent_by_department_and_source_ref(push, make_entity, frozen_today, dept_b):
    entity = make_entity()
    first = push(record_data(entity.uscc, "郑市监罚〔2026〕12号", amount="50000.00"))
    again = push(record_data(entity.uscc, "郑市监罚〔2026〕12号", amount="50000.00"))
    changed = push(record_data(entity.uscc, "郑市监罚〔2026〕12号", amount="60000.00"))
    other_department = push(record_data(entity.uscc, "郑市监罚〔2026〕12号"), department=dept_b)
    assert (
        first.created,
        again.created,
        again.updated,
        again.unchanged,
        changed.updated,
        other_department.created,
    ) == (1, 0, 0, 1, 1, 1)
    assert CreditRecord.objects.count() == 2
    assert str(CreditRecord.objects.get(department__code="ZZSJ").amount) == "60000.00"


def test_push_is_all_or_nothing_with_errors_by_index(push, make_entity, frozen_today):
    entity = make_entity()
    with pytest.raises(services.RecordsInvalid) as exc:
        push(
            record_data(entity.uscc, "C-1"),
            record_data("91350100M000100Y4Z", "C-2"),
            record_data(entity.uscc, "C-3", severity=""),
        )
    items = exc.value.items
    assert [(e["index"], e["attr"]) for e in items] == [(1, "uscc"), (2, "severity")]
    assert "应为“3”" in items[0]["detail"]
    assert CreditRecord.objects.count() == 0


def test_push_accepts_at_most_5000_records(push, make_entity, frozen_today):
    entity = make_entity()
    with pytest.raises(services.RecordsInvalid) as exc:
        push(*[record_data(entity.uscc, f"D-{i}") for i in range(5001)])
    assert "5000" in exc.value.items[0]["detail"]


def test_record_for_a_uscc_not_in_the_roster_is_kept_and_linked_when_the_entity_appears(
    push, make_entity, evaluate, frozen_today
):
    from tests.conftest import HUAWEI

    push(record_data(HUAWEI, "E-1", severity="serious"))
    assert CreditRecord.objects.get().entity_id == HUAWEI
    evaluate()
    assert not EntityCredit.objects.filter(entity_id=HUAWEI).exists()
    entity = make_entity(uscc_code=HUAWEI, name="华为技术有限公司")
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=HUAWEI).grade == Grade.SERIOUSLY_DISHONEST
    assert entity.credit_records.count() == 1


# --- grade order and reasons -------------------------------------------------------------------


def grade_of(code):
    return EntityCredit.objects.get(entity_id=code).grade


def test_grade_order_black_red_yellow_green(push, make_entity, evaluate, frozen_today, dept_a):
    green, yellow, red, black = (make_entity() for _ in range(4))
    # Rule 3 reads a *published* 轻微 record (issue 12 §3): here a rule version publishes 轻微 records.
    PublicityRule.objects.create(version=2, effective_from=dt.date(2026, 10, 1), minor_published=True)
    push(
        record_data(yellow.uscc, "F-1", severity="minor"),
        record_data(red.uscc, "F-2", severity="minor"),
        record_data(red.uscc, "F-3", severity="general"),
        record_data(black.uscc, "F-4", severity="general"),
        record_data(black.uscc, "F-5", severity="serious"),
        record_data(green.uscc, "F-6", category="administrative_licence", polarity="positive", title="食品经营许可证"),
    )
    evaluate()
    assert [grade_of(e.uscc) for e in (green, yellow, red, black)] == [
        Grade.GOOD,
        Grade.WARNING,
        Grade.DISHONEST,
        Grade.SERIOUSLY_DISHONEST,
    ]
    scores = [EntityCredit.objects.get(entity_id=e.uscc).score for e in (green, yellow, red, black)]
    assert scores == sorted(scores, reverse=True)
    assert 800 <= scores[0] <= 1000 and 600 <= scores[1] <= 799 and 400 <= scores[2] <= 599 and 0 <= scores[3] <= 399


def test_grade_lists_count_before_records(make_entity, evaluate, frozen_today, dept_a):
    abnormal, key, serious = make_entity(), make_entity(), make_entity()
    services.list_entry_add(
        actor="test",
        entity_uscc=abnormal.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业信息公示暂行条例》第十七条",
        department=dept_a,
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )
    services.list_entry_add(
        actor="test",
        entity_uscc=key.uscc,
        list_type=ListType.KEY_ATTENTION,
        ground=ListGround.DISHONEST_BELOW_SERIOUS,
        legal_basis="国发〔2016〕33号",
        department=dept_a,
        decided_on=dt.date(2026, 9, 1),
    )
    services.list_entry_add(
        actor="test",
        entity_uscc=serious.uscc,
        list_type=ListType.SERIOUS,
        ground=ListGround.HEAVY_FINE,
        legal_basis="总局令第44号",
        department=dept_a,
        decided_on=dt.date(2026, 9, 1),
        notice_on=dt.date(2026, 8, 15),
    )
    evaluate()
    assert [grade_of(e.uscc) for e in (key, abnormal, serious)] == [
        Grade.WARNING,
        Grade.DISHONEST,
        Grade.SERIOUSLY_DISHONEST,
    ]
    assert EntityCredit.objects.get(entity_id=abnormal.uscc).improves_on is None  # held by the list, not by a date


def test_grade_commitment_broken_in_12_months_is_red_and_3_complaints_yellow(push, make_entity, evaluate, frozen_today):
    broken, old_broken, complained, two = (make_entity() for _ in range(4))
    push(
        record_data(broken.uscc, "G-1", category="commitment", severity="minor", decided_on="2026-03-01"),
        record_data(old_broken.uscc, "G-2", category="commitment", severity="minor", decided_on="2025-10-01"),
        *[
            record_data(
                complained.uscc, f"G-c{i}", category="complaint", severity="general", decided_on=f"2026-0{i + 1}-15"
            )
            for i in range(3)
        ],
        *[
            record_data(two.uscc, f"G-t{i}", category="complaint", severity="general", decided_on="2026-06-15")
            for i in range(2)
        ],
    )
    evaluate()
    assert [grade_of(e.uscc) for e in (broken, old_broken, complained, two)] == [
        Grade.DISHONEST,
        Grade.GOOD,
        Grade.WARNING,
        Grade.GOOD,
    ]


def test_reasons_name_each_fact_and_its_publicity_end(push, make_entity, evaluate, frozen_today):
    entity = make_entity()
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕12号", severity="general", decided_on="2026-11-01"),
        record_data(entity.uscc, "郑市监罚〔2026〕3号", severity="minor", decided_on="2026-10-01"),
    )
    evaluate()
    credit = EntityCredit.objects.get(entity_id=entity.uscc)
    texts = [r["text"] for r in credit.reasons]
    assert texts[0] == "行政处罚（一般）郑市监罚〔2026〕12号，公示至 2027-11-01"
    # 轻微 is not public: the public reasons neither name it nor hint that it exists (issue 12 §3).
    assert texts == ["行政处罚（一般）郑市监罚〔2026〕12号，公示至 2027-11-01"]
    assert (
        "郑市监罚〔2026〕3号" not in str(credit.reasons)
        and "不予公示" not in str(credit.reasons)
        and "轻微" not in str(credit.reasons)
    )
    assert credit.improves_on == dt.date(2027, 11, 2)
    green = make_entity()
    evaluate([green.uscc])
    assert EntityCredit.objects.get(entity_id=green.uscc).reasons == [
        {"level": "GOOD", "text": "无有效期内的失信、警示信息", "until": None}
    ]


def test_history_row_only_when_grade_or_score_changes(push, make_entity, evaluate, frozen_today):
    entity = make_entity()
    evaluate()
    evaluate()
    assert GradeHistory.objects.filter(entity_id=entity.uscc).count() == 1
    push(record_data(entity.uscc, "H-1", category="administrative_licence", polarity="positive", title="许可"))
    evaluate()  # score rises within green
    push(record_data(entity.uscc, "H-2"))
    evaluate()
    evaluate()
    history = list(GradeHistory.objects.filter(entity_id=entity.uscc).values_list("grade", flat=True))
    assert history == [Grade.GOOD, Grade.GOOD, Grade.DISHONEST]


def test_evaluation_model_versions_make_bands_data(make_entity, evaluate, frozen_today):
    entity = make_entity()
    evaluate()
    bands = [
        {"grade": "GOOD", "label": "优良", "colour": "green", "score_min": 850, "score_max": 1000},
        {"grade": "WARNING", "label": "警示", "colour": "yellow", "score_min": 600, "score_max": 849},
        {"grade": "DISHONEST", "label": "失信", "colour": "red", "score_min": 300, "score_max": 599},
        {"grade": "SERIOUSLY_DISHONEST", "label": "严重失信", "colour": "black", "score_min": 0, "score_max": 299},
    ]
    model = services.evaluation_model_create(
        actor="test", effective_from=dt.date(2026, 11, 20), bands=bands, note="调整良好门槛"
    )
    evaluate()
    credit = EntityCredit.objects.select_related("model").get(entity_id=entity.uscc)
    assert credit.model == model and model.version == 2
    from credit.selectors import grade_badge

    assert grade_badge(credit)["label"] == "优良"
    with pytest.raises(ValidationError):
        services.evaluation_model_create(actor="test", effective_from=dt.date(2026, 12, 1), bands=bands[:3])
    gap = [dict(b) for b in bands]
    gap[1]["score_min"] = 601
    with pytest.raises(ValidationError, match="连续覆盖"):
        services.evaluation_model_create(actor="test", effective_from=dt.date(2026, 12, 1), bands=gap)


# --- risk class (SAMR 国市监信发〔2022〕6号; internal) -------------------------------------------


def test_risk_class_combines_grade_industry_and_recent_findings(push, make_entity, evaluate, frozen_today):
    plain = make_entity(industry_code="I6513")  # software: low risk
    food = make_entity(industry_code="H6210")  # catering: high risk
    building = make_entity(industry_code="E4710")  # construction: medium
    found = make_entity(industry_code="H6210")
    bad = make_entity(industry_code="H6210")
    unlisted_red = make_entity(industry_code="F5211")  # department store: not in the table, so low risk
    push(
        record_data(found.uscc, "R-1", category="inspection_result", severity="minor", title="抽查发现问题"),
        record_data(bad.uscc, "R-2", severity="general"),
        record_data(unlisted_red.uscc, "R-3", severity="general"),
    )
    evaluate()
    classes = [
        EntityCredit.objects.get(entity_id=e.uscc).risk_class for e in (plain, food, building, found, bad, unlisted_red)
    ]
    assert classes == ["A", "B", "B", "D", "D", "C"]


# --- lists -------------------------------------------------------------------------------------


def serious_kwargs(dept, **kw):
    return {
        "actor": "test",
        "list_type": ListType.SERIOUS,
        "ground": ListGround.HEAVY_FINE,
        "legal_basis": "总局令第44号第二条",
        "department": dept,
        "decided_on": dt.date(2026, 9, 1),
        **kw,
    }


def test_serious_list_needs_prior_notice(make_entity, dept_a, frozen_today):
    entity = make_entity()
    with pytest.raises(ValidationError, match="事先告知"):
        services.list_entry_add(entity_uscc=entity.uscc, **serious_kwargs(dept_a))
    with pytest.raises(ValidationError, match="须早于决定日期"):
        services.list_entry_add(entity_uscc=entity.uscc, notice_on=dt.date(2026, 9, 1), **serious_kwargs(dept_a))
    entry = services.list_entry_add(entity_uscc=entity.uscc, notice_on=dt.date(2026, 8, 20), **serious_kwargs(dept_a))
    assert entry.notice_on == dt.date(2026, 8, 20)


def test_serious_list_needs_a_heavier_penalty_ground(make_entity, dept_a, frozen_today):
    entity = make_entity()
    with pytest.raises(ValidationError, match="列入事由只能是"):
        services.list_entry_add(
            entity_uscc=entity.uscc,
            notice_on=dt.date(2026, 8, 20),
            **serious_kwargs(dept_a, ground=ListGround.NO_ANNUAL_REPORT),
        )


def test_serious_list_early_removal_only_after_1_year(make_entity, dept_a, frozen_today):
    entity = make_entity()
    entry = services.list_entry_add(
        entity_uscc=entity.uscc,
        notice_on=dt.date(2025, 11, 1),
        **serious_kwargs(dept_a, decided_on=dt.date(2025, 12, 1)),
    )
    with pytest.raises(ValidationError, match="最早 2026-12-01"):
        services.list_entry_remove(
            actor="test", entry=entry, reason=RemovalReason.EARLY_REMOVAL, removed_on=dt.date(2026, 11, 30)
        )
    with pytest.raises(ValidationError):
        services.list_entry_remove(
            actor="test", entry=entry, reason=RemovalReason.DUTY_FULFILLED, removed_on=dt.date(2026, 11, 30)
        )
    removed = services.list_entry_remove(
        actor="test", entry=entry, reason=RemovalReason.EARLY_REMOVAL, removed_on=dt.date(2026, 12, 1)
    )
    assert removed.removed_on == dt.date(2026, 12, 1)


def test_one_active_entry_per_entity_and_list(make_entity, dept_a, frozen_today):
    entity = make_entity()
    kwargs = {
        "actor": "test",
        "entity_uscc": entity.uscc,
        "list_type": ListType.ABNORMAL,
        "ground": ListGround.UNREACHABLE,
        "legal_basis": "《企业信息公示暂行条例》第十七条",
        "department": dept_a,
        "decided_on": dt.date(2026, 10, 9),
        "ground_established_on": dt.date(2026, 9, 28),
    }
    services.list_entry_add(**kwargs)
    with pytest.raises(ValidationError, match="已在经营异常名录中"):
        services.list_entry_add(**kwargs)


def test_abnormal_listing_deadline_is_10_working_days_across_national_day(make_entity, dept_a, frozen_today):
    """《企业信息公示暂行条例》第十七条: listed within 10 working days of the ground being established."""
    from core.models import AuditEvent

    entity = make_entity()
    entry = services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        legal_basis="《企业信息公示暂行条例》第十七条",
        department=dept_a,
        decided_on=dt.date(2026, 10, 20),
        ground_established_on=dt.date(2026, 9, 28),
    )
    event = AuditEvent.objects.filter(action="list_entry.add", target_id=str(entry.pk)).get()
    # From Mon 2026-09-28 (国办 2026 notice: 国庆 10-01..07 off, Sat 10-10 is a 调休 working day):
    # 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4), 10-10 (5), 10-12 (6), 10-13 (7), 10-14 (8), 10-15 (9), 10-16 (10)
    assert event.after["listing_deadline"] == "2026-10-16"
    assert event.after["listed_late"] is True


def test_list_entry_for_an_entity_not_in_the_roster_is_refused(dept_a, frozen_today):
    from tests.conftest import BAOSTEEL

    with pytest.raises(ValidationError, match="名录库中没有"):
        services.list_entry_add(
            actor="test",
            entity_uscc=BAOSTEEL,
            list_type=ListType.RED,
            ground=ListGround.TRUSTWORTHY,
            legal_basis="国办发〔2019〕35号",
            department=dept_a,
            decided_on=dt.date(2026, 9, 1),
        )
    assert ListEntry.objects.count() == 0


def test_every_change_leaves_an_audit_event(push, make_entity, dept_a, frozen_today):
    from core.models import AuditEvent

    entity = make_entity()
    push(record_data(entity.uscc, "J-1"))
    services.credit_record_revoke(actor="test", record=CreditRecord.objects.get(), reason="复议撤销")
    actions = list(
        AuditEvent.objects.filter(action__startswith="credit_record").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["credit_record.push", "credit_record.revoke"]


def test_changes_enqueue_one_re_evaluation_per_transaction_on_commit(
    push, make_entity, frozen_today, django_capture_on_commit_callbacks, monkeypatch
):
    from credit import tasks

    sent = []
    monkeypatch.setattr(tasks.evaluate_entities, "delay", lambda codes: sent.append(codes))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        a, b = make_entity(), make_entity()  # a new roster entity is graded too
        push(record_data(a.uscc, "K-1"), record_data(b.uscc, "K-2"))
        push(record_data(a.uscc, "K-3"))
    # The inbox (issue 14) also queues its collection on commit; the re-evaluation is queued once.
    assert [c.__name__ for c in callbacks].count("_flush_pending") == 1
    assert sent == [sorted([a.uscc, b.uscc])]
