"""双公示 rules (DOMAIN §5, issue 6 §4): publication within 7 working days, what is never published,
withdrawal within 3 working days, the credit record each publication makes, an idempotent job."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.models import AuditEvent
from credit.choices import Grade, RecordState, Severity
from credit.evaluation import evaluate
from credit.models import CreditRecord, EntityCredit
from enforcement import services, tasks
from enforcement.choices import CaseStage, Circumstance, DisclosureState, Procedure
from enforcement.models import PenaltyDisclosure

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def enforcement_api(api, api_key):
    _, key = api_key(("enforcement:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def api_numbers(enforcement_api, **params) -> list[str]:
    response = enforcement_api.get("/api/v1/penalties/", params)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_penalty_published_within_7_working_days(waived, open_case, issue, entity, enforcement_api, client):
    """国办发〔2018〕118号 (DOMAIN §5): published within 7 working days of the decision, counted on the
    PRC calendar (chinese-calendar): 2026-10-01..07 are National Day holidays, 2026-10-10 (Saturday)
    is a 调休 working day. From Tuesday 2026-09-29: 09-30, 10-08, 10-09, 10-10, 10-12, 10-13, 10-14."""
    with at(dt.date(2026, 9, 29)):
        decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    disclosure = decision.disclosure
    assert disclosure.state == DisclosureState.PENDING
    assert disclosure.publish_due_on == dt.date(2026, 10, 14)
    assert disclosure.publish_due_provisional is False

    # When the half-hourly job runs during the holiday week's first working day after it
    with at(dt.date(2026, 10, 8), hour=9):
        result = tasks.publish_penalties()
    # Then it is public, before its deadline
    assert result == {"published": 1, "withdrawn": 0}
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.PUBLISHED
    assert disclosure.published_at.astimezone(SHANGHAI).date() <= disclosure.publish_due_on
    with at(dt.date(2026, 10, 8)):  # seen that day, not on the real date (its publicity period ends in 2027)
        assert decision.number in client.get("/penalties/").content.decode()
        assert api_numbers(enforcement_api, uscc=entity.uscc) == [decision.number]


def test_publish_job_waits_for_a_decision_dated_ahead(waived, open_case, issue, frozen_today):
    """A decision typed with a later date is not published before its day (and blocks nothing)."""
    ahead = issue(waived(open_case(stage=CaseStage.NOTICE)), decided_on=frozen_today + dt.timedelta(days=3))
    today = issue(waived(open_case(stage=CaseStage.NOTICE)))
    assert services.disclosures_publish(actor="test") == {"published": 1, "withdrawn": 0}
    assert PenaltyDisclosure.objects.get(decision=today).state == DisclosureState.PUBLISHED
    assert PenaltyDisclosure.objects.get(decision=ahead).state == DisclosureState.PENDING


def _never_public(disclosure, client, enforcement_api, marker: str):
    assert disclosure.state == DisclosureState.NOT_PUBLIC
    assert services.disclosures_publish(actor="test")["published"] == 0
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.NOT_PUBLIC and disclosure.published_at is None
    assert client.get(f"/penalties/{disclosure.pk}/").status_code == 404
    assert marker not in client.get("/penalties/").content.decode()
    assert marker not in enforcement_api.get("/api/v1/penalties/").content.decode()


def test_warning_only_not_published(waived, open_case, issue, frozen_today, client, enforcement_api):
    """DOMAIN §5: a penalty that is only a warning is not published."""
    decision = issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        penalty_types=["warning"],
        fine_amount=0,
        confiscation_amount=0,
        penalty_content="给予警告（仅警告标记）",
    )
    assert "仅给予警告" in decision.disclosure.not_public_reason
    _never_public(decision.disclosure, client, enforcement_api, "仅警告标记")
    # Whatever credit record it makes is never public (轻微, unpublished by the rule).
    assert not CreditRecord.objects.filter(source_ref=decision.number, published=True).exists()


def test_simplified_procedure_not_published(waived, open_case, issue, frozen_today, client, enforcement_api):
    """DOMAIN §5: a penalty under the simplified procedure (简易程序) is not published."""
    decision = issue(
        waived(open_case(stage=CaseStage.NOTICE, standard=None)),
        procedure=Procedure.SIMPLIFIED,
        penalty_types=["fine"],
        fine_amount=Decimal("200"),
        confiscation_amount=0,
        penalty_content="当场罚款200元（简易程序标记）",
    )
    assert "简易程序" in decision.disclosure.not_public_reason
    _never_public(decision.disclosure, client, enforcement_api, "简易程序标记")
    assert not CreditRecord.objects.filter(source_ref=decision.number, published=True).exists()


def test_minor_never_published(waived, open_case, issue, frozen_today, client, enforcement_api, make_entity):
    """DOMAIN §5: decisions on minors are never published: no page, no API row, no credit record."""
    shop = make_entity(name="郑州市中原区小明文具店", entity_type="individual", legal_representative="张小明")
    case = waived(open_case(stage=CaseStage.NOTICE, party_name="张小明", entity_uscc=shop.uscc, party_is_minor=True))
    decision = issue(case, facts="经查，当事人张小明（未成年）在校门口销售过期零食。")
    _never_public(decision.disclosure, client, enforcement_api, "张小明")
    assert "未成年人" in decision.disclosure.not_public_reason
    assert not CreditRecord.objects.filter(source_ref=decision.number).exists()
    assert not CreditRecord.objects.filter(entity_id=shop.uscc).exists()
    assert not CreditRecord.objects.filter(content__contains="张小明").exists()
    assert not CreditRecord.objects.filter(title__contains="张小明").exists()


def test_revoked_decision_withdrawn_within_3_working_days(
    waived, open_case, issue, entity, frozen_today, alice, client, enforcement_api
):
    """DOMAIN §5: a revoked decision is withdrawn within 3 working days, with the reason; the credit
    record is revoked and the grade returns."""
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.DISHONEST  # an active 一般 penalty
    disclosure = decision.disclosure
    disclosure.refresh_from_db()

    services.decision_revoke(actor=alice, decision=decision, reason="经行政复议，复议机关决定撤销该处罚决定")

    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.WITHDRAWN
    # Revoked on the frozen Sun 2026-11-22: 11-23 (1), 11-24 (2), 11-25 (3)
    assert disclosure.withdraw_due_on == dt.date(2026, 11, 25)
    assert disclosure.withdrawn_at.astimezone(SHANGHAI).date() <= disclosure.withdraw_due_on
    html = client.get(f"/penalties/{disclosure.pk}/").content.decode()
    assert "已撤回" in html and "经行政复议，复议机关决定撤销该处罚决定" in html
    assert "超过保质期的食品，货值金额" not in html  # no facts on a withdrawn summary
    assert decision.number not in client.get("/penalties/").content.decode()
    assert api_numbers(enforcement_api) == []
    assert CreditRecord.objects.get(source_ref=decision.number).state == RecordState.REVOKED
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD
    assert decision.number not in client.get(f"/entities/{entity.uscc}/").content.decode()
    # The job finds nothing more to do.
    assert services.disclosures_publish(actor="test") == {"published": 0, "withdrawn": 0}


def test_changed_decision_replaced(waived, open_case, issue, frozen_today, alice, client, enforcement_api):
    """变更: the old summary is withdrawn with the reason, the new decision (new number) is published."""
    old = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")

    new = services.decision_change(
        actor=alice,
        decision=old,
        reason="行政复议变更：罚款数额调整为80000元",
        fine_amount=Decimal("80000"),
        penalty_content="没收违法所得3200元，罚款80000元",
    )
    assert new.number == "郑市监罚〔2026〕2号" and new.replaces_id == old.pk
    old_disclosure = PenaltyDisclosure.objects.get(decision=old)
    assert old_disclosure.state == DisclosureState.WITHDRAWN
    assert "变更" in old_disclosure.withdraw_reason and "80000元" in old_disclosure.withdraw_reason

    assert services.disclosures_publish(actor="test") == {"published": 1, "withdrawn": 0}
    assert api_numbers(enforcement_api) == [new.number]
    listing = client.get("/penalties/").content.decode()
    assert new.number in listing and old.number not in listing
    assert "已撤回" in client.get(f"/penalties/{old_disclosure.pk}/").content.decode()
    assert CreditRecord.objects.get(source_ref=old.number).state == RecordState.REVOKED
    assert CreditRecord.objects.get(source_ref=new.number).amount == Decimal("83200.00")


@pytest.fixture
def order_45(dept_a):
    """Department A is a market regulator: its disclosure follows 总局令第45号 (issue 12 §1)."""
    from enforcement.choices import DisclosureRuleKind
    from enforcement.disclosure_period import ORDER_45, disclosure_rule_save
    from enforcement.models import DisclosureRule

    return disclosure_rule_save(
        actor="test",
        rule=DisclosureRule(
            department=dept_a,
            kind=DisclosureRuleKind.SAMR_ORDER_45,
            citation=ORDER_45,
            effective_from=dt.date(2021, 9, 1),
        ),
    )


def test_publication_creates_credit_record_with_severity_and_window(
    order_45, waived, open_case, issue, entity, frozen_today, dept_a
):
    """Each published decision is a 行政处罚 credit record through the credit service (DOMAIN §3): 一般
    for a fine (window 1 year at most), 严重 for 从重 (3 years at most). Issue 12 §1 changed the summary:
    its end is its own clock (总局令第45号 第十三条: 3 years from publication), not the record's window."""
    general = issue(waived(open_case(stage=CaseStage.NOTICE)))
    heavier = issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        circumstance=Circumstance.HEAVIER,
        fine_amount=Decimal("150000"),
        penalty_content="没收违法所得3200元，罚款150000元",
    )
    services.disclosures_publish(actor="test")

    for decision, severity, ends in (
        (general, Severity.GENERAL, dt.date(2027, 11, 22)),
        (heavier, Severity.SERIOUS, dt.date(2029, 11, 22)),
    ):
        record = CreditRecord.objects.get(department=dept_a, source_ref=decision.number)
        disclosure = PenaltyDisclosure.objects.get(decision=decision)
        assert disclosure.credit_record_id == record.pk
        assert (record.entity_id, record.category, record.polarity, record.severity) == (
            entity.uscc,
            "administrative_penalty",
            "negative",
            severity,
        )
        assert record.published is True and record.decided_on == frozen_today
        assert record.publicity_ends_on == ends  # the credit record keeps the NDRC window
        assert disclosure.publicity_ends_on == dt.date(2029, 11, 22)  # the disclosure: 3 years from publication
        assert record.amount == decision.fine_amount + decision.confiscation_amount
        assert disclosure.facts in record.content  # the redacted summary, never the facts as typed


def test_publish_job_idempotent(waived, open_case, issue, frozen_today):
    """Run twice: the same state, no second record, no second publication event (DESIGN.md: idempotent jobs)."""
    decisions = [issue(waived(open_case(stage=CaseStage.NOTICE))) for _ in range(2)]
    assert services.disclosures_publish(actor="test") == {"published": 2, "withdrawn": 0}
    state = list(
        PenaltyDisclosure.objects.order_by("pk").values_list(
            "state", "published_at", "credit_record_id", "publicity_ends_on"
        )
    )

    assert services.disclosures_publish(actor="test") == {"published": 0, "withdrawn": 0}

    assert (
        list(
            PenaltyDisclosure.objects.order_by("pk").values_list(
                "state", "published_at", "credit_record_id", "publicity_ends_on"
            )
        )
        == state
    )
    assert CreditRecord.objects.filter(source_ref__in=[d.number for d in decisions]).count() == 2
    assert AuditEvent.objects.filter(action="penalty_disclosure.publish").count() == 1


def test_penalty_leaves_the_public_list_when_its_publicity_period_ends(
    order_45, waived, open_case, issue, frozen_today, client, enforcement_api
):
    """DOMAIN §5: the summary carries the end of its publicity period; after it, the penalty is no
    longer public. Issue 12 §1: that period is the disclosure's (总局令第45号: 3 years from publication),
    not the credit record's 1-year window, so the penalty outlives the record's window."""
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    disclosure = PenaltyDisclosure.objects.get(decision=decision)
    assert disclosure.credit_record.publicity_ends_on == dt.date(2027, 11, 22)
    assert disclosure.publicity_ends_on == dt.date(2029, 11, 22)
    with at(dt.date(2027, 11, 23)):  # the credit window has closed; the disclosure has not
        assert decision.number in client.get("/penalties/").content.decode()
    with at(dt.date(2029, 11, 22)):
        assert decision.number in client.get("/penalties/").content.decode()
    with at(dt.date(2029, 11, 23)):
        assert decision.number not in client.get("/penalties/").content.decode()
        assert client.get(f"/penalties/{disclosure.pk}/").status_code == 404
        assert decision.number not in api_numbers(enforcement_api)


def test_repaired_credit_record_stops_the_penalty_publication_early(
    waived, open_case, issue, alice, dept_a, client, enforcement_api
):
    """信用修复 (DOMAIN §3) stops publication early: once the deciding department approves the repair,
    the penalty leaves /penalties/, its page and the API, like the credit record itself."""
    from credit import services as credit_services

    with at(dt.date(2026, 5, 6)):
        decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
        services.disclosures_publish(actor="test")
    disclosure = PenaltyDisclosure.objects.get(decision=decision)
    with at(dt.date(2026, 11, 23)):  # the 3-month minimum for 一般 has passed
        assert decision.number in client.get("/penalties/").content.decode()
        application, _ = credit_services.repair_apply(
            actor="public:web",
            record=disclosure.credit_record,
            applicant_name="张三",
            contact_phone="13800000000",
            reason="已缴纳罚没款并整改",
            commitment_accepted=True,
        )
        credit_services.repair_approve(actor=alice, application=application, reason="已履行处罚决定，整改到位")
        assert CreditRecord.objects.get(pk=disclosure.credit_record_id).state == RecordState.REPAIRED
        assert PenaltyDisclosure.objects.get(pk=disclosure.pk).state == DisclosureState.ENDED  # in the same transaction
        assert decision.number not in client.get("/penalties/").content.decode()
        assert client.get(f"/penalties/{disclosure.pk}/").status_code == 404
        assert decision.number not in api_numbers(enforcement_api)


def test_publication_deadline_is_the_deciding_departments_rule_in_force(waived, open_case, issue, dept_a, frozen_today):
    """Issue 12 §2: the 7 working days are data (国办发〔2018〕118号, national default); a stricter rule
    covering the deciding department applies, and withdrawal reads its own kind (3 working days)."""
    from supervision.choices import DeadlineKind
    from supervision.models import StatutoryDeadline

    StatutoryDeadline.objects.create(
        kind=DeadlineKind.PENALTY_DISCLOSURE,
        department=dept_a,
        working_days=5,
        citation="本市双公示规定（示例）",
        effective_from=dt.date(2026, 1, 1),
    )
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    assert decision.decided_on == dt.date(2026, 11, 22)  # Sunday: 11-23..27 are the 5 working days (7 would be 12-01)
    assert decision.disclosure.publish_due_on == dt.date(2026, 11, 27)
