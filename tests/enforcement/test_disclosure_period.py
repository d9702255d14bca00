"""Penalty disclosure follows SAMR Order 45, not the credit window (issue 12 §1; DOMAIN §3 "Penalty
disclosure", §5). Two clocks: the credit record keeps its NDRC window (grade, repair); the summary on
/penalties/, the API and the entity page follows 《市场监督管理行政处罚信息公示规定》（总局令第45号）第十三条
for market-regulation departments, and each other department's own rule (default: the NDRC window)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.models import AuditEvent
from credit import services as credit_services
from credit.choices import Severity
from credit.models import CreditRecord
from enforcement import disclosure_period, early_stop, services
from enforcement.choices import CaseStage, Circumstance, DisclosureRuleKind, DisclosureState, EarlyStopState
from enforcement.models import DisclosureRule, EarlyStopApplication, LowFineThreshold, PenaltyDisclosure

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def order_45(dept_a):
    """郑州市市场监督管理局 follows Order 45 (a rule row, as the platform administrator enters it)."""
    rule = DisclosureRule(
        department=dept_a,
        kind=DisclosureRuleKind.SAMR_ORDER_45,
        citation=disclosure_period.ORDER_45,
        effective_from=dt.date(2021, 9, 1),
    )
    return disclosure_period.disclosure_rule_save(actor="test", rule=rule)


@pytest.fixture
def henan_threshold():
    def set_(amount="50000", inclusive=True, effective_from=dt.date(2024, 1, 1)):
        row = LowFineThreshold(
            region_code="41",
            amount=Decimal(amount),
            inclusive=inclusive,
            effective_from=effective_from,
            citation="河南省市场监督管理局关于行政处罚信息公示中较低数额罚款标准的规定（示例）",
        )
        return disclosure_period.low_fine_threshold_save(actor="test", threshold=row)

    return set_


@pytest.fixture
def fine_only(waived, open_case, issue):
    """A decision with a fine only (从轻, within the benchmark's 50,000–80,000)."""

    def make(amount="50000", **kw):
        kw.setdefault("penalty_types", ["fine"])
        return issue(
            waived(open_case(stage=CaseStage.NOTICE)),
            fine_amount=Decimal(amount),
            confiscation_amount=Decimal("0"),
            circumstance=kw.pop("circumstance", Circumstance.LIGHTER),
            penalty_content=f"罚款{amount}元",
            **kw,
        )

    return make


def published(decision) -> PenaltyDisclosure:
    services.disclosures_publish(actor="test")
    return PenaltyDisclosure.objects.get(decision=decision)


def listed(client, number: str) -> bool:
    return number in client.get("/penalties/").content.decode()


def test_50000_fine_stays_disclosed_3_years_while_credit_window_is_1_year(
    order_45, fine_only, frozen_today, dept_a, client, api, api_key
):
    """总局令第45号 第十三条第一款: a fine that is not low stays disclosed 3 years from publication; the
    credit record (一般) keeps its NDRC window of 1 year (what the grade counts and repair can end)."""
    decision = fine_only("50000")
    disclosure = published(decision)
    record = CreditRecord.objects.get(department=dept_a, source_ref=decision.number)
    assert record.severity == Severity.GENERAL and record.publicity_ends_on == dt.date(2027, 11, 22)
    assert disclosure.publicity_ends_on == dt.date(2029, 11, 22)
    assert "第十三条" in disclosure.period_basis
    _, key = api_key(("enforcement:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    with at(dt.date(2028, 6, 1)):  # after the credit window, within the disclosure period
        assert listed(client, decision.number)
        assert decision.number in [r["number"] for r in api.get("/api/v1/penalties/").json()["results"]]
        page = client.get(f"/entities/{decision.entity_id}/").content.decode()
        assert f'data-penalty="{disclosure.pk}"' in page
    with at(dt.date(2029, 11, 23)):
        assert not listed(client, decision.number)


def test_fine_never_counts_as_low_until_the_province_threshold_is_set(
    order_45, fine_only, henan_threshold, frozen_today
):
    """第十三条第二款: 较低数额罚款 is set by the provincial market regulator. Until a threshold is entered
    for the province (河南, 41), no fine counts as low: 3 years. Once set (at or below it), 3 months."""
    before = published(fine_only("50000"))
    assert before.publicity_ends_on == dt.date(2029, 11, 22)
    henan_threshold("50000")
    after = published(fine_only("50000"))
    assert after.publicity_ends_on == dt.date(2027, 2, 22)
    assert "较低数额" in after.period_basis
    assert AuditEvent.objects.filter(action="low_fine_threshold.save").count() == 1


def test_fine_above_the_threshold_or_with_confiscation_is_not_low(order_45, fine_only, henan_threshold, frozen_today):
    """ "仅受到…较低数额罚款": a fine over the threshold, or one "以下（不含本数）" at the amount, is not low."""
    henan_threshold("50000", inclusive=False)
    assert published(fine_only("50000")).publicity_ends_on == dt.date(2029, 11, 22)


def test_public_criticism_alone_is_disclosed_3_months(order_45, waived, open_case, issue, frozen_today):
    """第十三条第一款: 仅受到通报批评 — 3 months from publication, threshold or not."""
    decision = issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        penalty_types=["public_criticism"],
        fine_amount=Decimal("0"),
        confiscation_amount=Decimal("0"),
        penalty_content="通报批评",
    )
    assert published(decision).publicity_ends_on == dt.date(2027, 2, 22)


def test_restriction_longer_than_3_years_keeps_the_disclosure_until_it_ends(order_45, fine_only, frozen_today, dept_a):
    """第十三条第三款: 限制开展生产经营活动 for longer than 3 years — disclosed until the restriction ends.
    The decision carries the restriction's end and the credit record receives it (_credit_payload)."""
    ends = dt.date(2031, 11, 21)
    decision = fine_only("60000", penalty_types=["fine", "restrict_business"], restriction_ends_on=ends)
    disclosure = published(decision)
    assert disclosure.publicity_ends_on == ends
    assert CreditRecord.objects.get(department=dept_a, source_ref=decision.number).restriction_ends_on == ends


def test_restriction_end_needs_a_penalty_with_a_term(fine_only, frozen_today):
    """A restriction end goes only with a penalty that runs for a term; refused with a clear message."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        fine_only("60000", restriction_ends_on=dt.date(2030, 1, 1))
    assert "restriction_ends_on" in exc.value.message_dict


def test_disclosure_period_counts_from_publication(order_45, fine_only, frozen_today):
    """第十三条: "自公示之日起" — a decision published a week after it was made ends 3 years after publication."""
    decision = fine_only("50000")
    with at(dt.date(2026, 11, 30)):
        disclosure = published(decision)
    assert disclosure.publicity_ends_on == dt.date(2029, 11, 30)


def test_other_departments_follow_their_own_rule_default_ndrc_window(fine_only, frozen_today, dept_a):
    """A department that is no market regulator (no rule, registers no entity) follows the NDRC window of
    the record; with a rule of its own (固定期限), that rule."""
    first = published(fine_only("50000"))
    assert first.publicity_ends_on == first.credit_record.publicity_ends_on == dt.date(2027, 11, 22)
    rule = DisclosureRule(
        department=dept_a,
        kind=DisclosureRuleKind.FIXED,
        months=24,
        citation="本部门处罚信息公示办法第五条",
        effective_from=dt.date(2026, 1, 1),
    )
    disclosure_period.disclosure_rule_save(actor="test", rule=rule)
    assert published(fine_only("50000")).publicity_ends_on == dt.date(2028, 11, 22)


def test_registration_authority_follows_order_45_without_a_rule(fine_only, frozen_today, dept_a, entity):
    """A department that registers entities (登记机关) is a 市场监督管理部门: Order 45 applies without a row."""
    entity.registration_authority = dept_a
    entity.save(update_fields=["registration_authority"])
    assert published(fine_only("50000")).publicity_ends_on == dt.date(2029, 11, 22)


# --- pushed 行政处罚 records of other departments (issue 12 §1/§7) -----------------------------------


def pushed_penalty(dept, entity, **kw):
    record = {
        "source_ref": "郑卫健罚〔2026〕8号",
        "uscc": entity.uscc,
        "category": "administrative_penalty",
        "polarity": "negative",
        "severity": "serious",
        "title": "未取得医疗机构执业许可证擅自执业（罚款）",
        "content": "经查，当事人未取得许可擅自开展诊疗活动。",
        "decided_on": "2026-11-01",
        "legal_basis": "《医疗机构管理条例》第四十三条",
        "amount": "50000.00",
        "penalty_types": ["fine"],
    }
    record.update(kw)
    credit_services.credit_records_push(actor="test", department=dept, records=[record])
    return CreditRecord.objects.get(department=dept, source_ref=record["source_ref"])


def test_pushed_penalty_shows_on_penalties_and_the_entity_penalty_section(dept_b, entity, frozen_today, client):
    """A serious penalty pushed by another department's system is a public penalty: on /penalties/ and in
    the entity page's 行政处罚信息 (not "暂无"), for its department's rule (default: the record's window)."""
    record = pushed_penalty(dept_b, entity)
    mirror = PenaltyDisclosure.objects.get(credit_record=record, decision__isnull=True)
    assert (
        mirror.state == DisclosureState.PUBLISHED
        and mirror.publicity_ends_on == record.publicity_ends_on == dt.date(2029, 11, 1)
    )
    assert listed(client, record.source_ref)
    page = client.get(f"/entities/{entity.uscc}/").content.decode()
    section = page[page.index('id="penalties-title"') :]
    assert record.source_ref in section and "暂无公示中的行政处罚信息" not in section
    assert client.get(f"/penalties/{mirror.pk}/").status_code == 200


def test_pushed_penalty_of_a_market_regulator_follows_order_45(dept_b, entity, frozen_today):
    """The pushing department's rule decides: a market regulator's pushed 一般 fine stays 3 years."""
    disclosure_period.disclosure_rule_save(
        actor="test",
        rule=DisclosureRule(
            department=dept_b,
            kind=DisclosureRuleKind.SAMR_ORDER_45,
            citation=disclosure_period.ORDER_45,
            effective_from=dt.date(2021, 9, 1),
        ),
    )
    record = pushed_penalty(dept_b, entity, severity="general")
    assert record.publicity_ends_on == dt.date(2027, 11, 1)
    assert PenaltyDisclosure.objects.get(credit_record=record).publicity_ends_on == dt.date(2029, 11, 22)


def test_revoked_pushed_penalty_leaves_the_penalty_pages(dept_b, entity, frozen_today, client):
    record = pushed_penalty(dept_b, entity)
    credit_services.credit_record_revoke(actor="test", record=record, reason="推送部门撤销原决定")
    assert PenaltyDisclosure.objects.get(credit_record=record).state == DisclosureState.WITHDRAWN
    assert not listed(client, record.source_ref)


# --- 提前停止公示 (early stop on application) ------------------------------------------------------------


def apply_form(client, disclosure, **data):
    fields = {
        "applicant_name": "郑州市金水区好运来超市有限公司",
        "contact_phone": "13800000000",
        "reason": "已缴清罚款并完成整改",
        "performed": "on",
        "harm_removed": "on",
    }
    fields.update(data)
    return client.post(f"/penalties/{disclosure.pk}/early-stop/", fields)


def test_early_stop_application_gets_a_tracking_number_and_redirects_after_post(
    order_45, fine_only, frozen_today, client
):
    """The public form works like the repair form: a tracking number and query code, shown once, after a
    redirect (a refresh never files twice); the status is found by number and code on /track/."""
    disclosure = published(fine_only("50000"))
    with at(dt.date(2027, 12, 1)):
        response = apply_form(client, disclosure)
        assert response.status_code == 302 and response["Location"].endswith("/penalties/early-stop/done/")
        receipt = client.get(response["Location"]).content.decode()
        application = EarlyStopApplication.objects.get()
        assert (
            application.tracking_no.startswith("TZ")
            and application.tracking_no in receipt
            and "data-query-code" in receipt
        )
        assert "data-query-code" not in client.get(response["Location"]).content.decode()  # shown once
        assert EarlyStopApplication.objects.count() == 1
        assert "13800000000" not in receipt


def test_early_stop_refused_before_the_required_time_on_a_list_or_for_heavy_penalties(
    order_45, fine_only, frozen_today, client, dept_a, entity
):
    """总局令第45号: only once the disclosure has met the required time (the rule row: 12 months), never
    for 限制开展生产经营活动 and the like, and not while the party is on 经营异常名录/严重违法失信名单."""
    from credit.choices import ListGround, ListType

    disclosure = published(fine_only("50000"))
    with at(dt.date(2027, 5, 1)):
        assert any("公示未满12个月" in p for p in early_stop.early_stop_problems(disclosure))
        response = apply_form(client, disclosure)
        assert response.status_code == 200 and "公示未满12个月" in response.content.decode()
    heavy = published(
        fine_only("60000", penalty_types=["fine", "restrict_business"], restriction_ends_on=dt.date(2027, 11, 21))
    )
    with at(dt.date(2027, 12, 1)):
        assert any("不得提前停止公示" in p for p in early_stop.early_stop_problems(heavy))
        credit_services.list_entry_add(
            actor="test",
            entity_uscc=entity.uscc,
            list_type=ListType.ABNORMAL,
            ground=ListGround.NO_ANNUAL_REPORT,
            legal_basis="《市场主体登记管理条例》",
            department=dept_a,
            decided_on=dt.date(2027, 12, 1),
            ground_established_on=dt.date(2027, 12, 1),
        )
        assert "当事人仍在经营异常名录中" in early_stop.early_stop_problems(disclosure)
    assert EarlyStopApplication.objects.count() == 0


def test_early_stop_refused_after_a_new_penalty_for_the_same_violation(order_45, fine_only, frozen_today):
    """未因同一类违法行为再次受到市场监督管理部门行政处罚."""
    first = published(fine_only("50000"))
    with at(dt.date(2027, 6, 1)):
        published(fine_only("60000"))
    with at(dt.date(2027, 12, 1)):
        assert "当事人此后因同一类违法行为再次受到行政处罚" in early_stop.early_stop_problems(first)


def test_approved_early_stop_ends_the_disclosure_now_but_not_the_credit_record(
    order_45, fine_only, frozen_today, client, alice, bob
):
    """The deciding department decides: approval ends the disclosure at once (audited); the credit record
    keeps its own window. Another department's official cannot decide."""
    from django.core.exceptions import ValidationError

    disclosure = published(fine_only("50000"))
    with at(dt.date(2027, 12, 1)):
        apply_form(client, disclosure)
        application = EarlyStopApplication.objects.get()
        with pytest.raises(ValidationError):
            early_stop.early_stop_approve(actor=bob, application=application, reason="越权")
        early_stop.early_stop_approve(actor=alice, application=application, reason="已缴清罚款，整改到位")
        assert PenaltyDisclosure.objects.get(pk=disclosure.pk).state == DisclosureState.EARLY_STOPPED
        assert not listed(client, disclosure.number)
        assert CreditRecord.objects.get(pk=disclosure.credit_record_id).state == "active"
        assert AuditEvent.objects.filter(action="penalty_disclosure.early_stop").count() == 1


def test_refused_early_stop_needs_reasons_and_the_applicant_sees_them(order_45, fine_only, frozen_today, alice):
    from django.core.exceptions import ValidationError

    disclosure = published(fine_only("50000"))
    with at(dt.date(2027, 12, 1)):
        application, _code = early_stop.early_stop_apply(
            actor="test",
            disclosure=disclosure,
            applicant_name="张三",
            contact_phone="13800000000",
            reason="已履行",
            performed=True,
            harm_removed=True,
        )
        with pytest.raises(ValidationError):
            early_stop.early_stop_refuse(actor=alice, application=application, reason=" ")
        early_stop.early_stop_refuse(
            actor=alice, application=application, reason="整改报告未加盖公章，请补正后重新申请"
        )
    application.refresh_from_db()
    assert application.state == EarlyStopState.REFUSED
    assert "整改报告未加盖公章" in early_stop.early_stop_status(application)["outcome"]
    assert PenaltyDisclosure.objects.get(pk=disclosure.pk).state == DisclosureState.PUBLISHED


def test_only_platform_admins_edit_the_disclosure_data(client, alice, platform_admin):
    """The thresholds and rules are data an official reads and a platform administrator changes (audited)."""
    client.force_login(alice)
    assert client.get("/admin/enforcement/lowfinethreshold/add/").status_code == 403
    client.force_login(platform_admin)
    response = client.post(
        "/admin/enforcement/lowfinethreshold/add/",
        {
            "region_code": "41",
            "amount": "50000",
            "inclusive": "on",
            "citation": "豫市监〔2024〕示例号",
            "effective_from": "2024-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LowFineThreshold.objects.get().amount == Decimal("50000")
    assert AuditEvent.objects.filter(action="low_fine_threshold.save").exists()
