"""Enforcement due process by name (issue 12 §6, DOMAIN §5): the party's time to answer a 告知, who
moves a case, what the 法制审核 reviewer sees, the decision form that keeps what was typed, a
complaint that gains its entity, and who sees the complainant."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.choices import Role
from core.models import AuditEvent
from enforcement import services
from enforcement.choices import CaseStage, ComplaintVerdict, ReviewResult
from enforcement.models import PenaltyDecision
from enforcement.services.case_steps import (
    case_hearing_record_file,
    case_hearing_request,
    case_proposal_record,
    case_rights_waive,
    case_statement_record,
)
from enforcement.services.complaints import complaint_entity_set, complaint_handlers_set

from .conftest import decision_fields

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d, hour=10):
    return time_machine.travel(dt.datetime(y, m, d, hour, 0, tzinfo=SHANGHAI), tick=False)


def refusal(exc_info) -> str:
    return "；".join(exc_info.value.messages)


@pytest.fixture
def served_monday(open_case):
    """A case whose 告知书 was served on Monday 2026-11-23."""
    with at(2026, 11, 23):
        case = open_case(stage=CaseStage.NOTICE)
    assert case.notice_served_on == dt.date(2026, 11, 23)
    return case


# --- the party's time to answer (行政处罚法 第六十四条; 市场监督管理行政处罚程序规定) -------------------------------


def test_decision_waits_5_working_days_after_notice(served_monday, issue):
    case = served_monday
    # The 5 working days after Monday's service: Tue 24 … Fri 27, Mon 30; no decision through Monday 30
    for day in ((2026, 11, 24), (2026, 11, 27), (2026, 11, 30)):
        with at(*day, hour=17), pytest.raises(ValidationError) as exc:
            issue(case)
        assert "当事人可在5个工作日内（至2026-11-30）陈述、申辩或者要求听证，最早可于2026-12-01作出处罚决定" in refusal(
            exc
        )
    assert not PenaltyDecision.objects.exists()
    with at(2026, 12, 1, hour=9):
        # A decision dated back into the period is refused too
        with pytest.raises(ValidationError) as exc:
            issue(case, decided_on=dt.date(2026, 11, 30))
        assert "最早可于2026-12-01" in refusal(exc)
        decision = issue(case)
    assert (decision.decided_on, decision.case.stage) == (dt.date(2026, 12, 1), CaseStage.DECISION)


def test_written_waiver_allows_decision_before_5_working_days(served_monday, issue, handler, alice):
    case = served_monday
    with at(2026, 11, 24):
        # A waiver is written: a bare entry without a note or the signed statement is refused
        with pytest.raises(ValidationError) as exc:
            case_rights_waive(actor=handler, case=case)
        assert "note" in exc.value.message_dict
        case = case_rights_waive(actor=handler, case=case, note="当事人签署《放弃陈述申辩和听证权利声明书》")
        assert case.rights_waived_on == dt.date(2026, 11, 24)
        # On the record and in the audit trail
        event = case.events.get(action="answer:waiver")
        assert (event.from_stage, event.to_stage, event.actor) == (CaseStage.NOTICE, CaseStage.NOTICE, handler)
        assert event.note == "当事人签署《放弃陈述申辩和听证权利声明书》"
        assert AuditEvent.objects.filter(action="case.rights_waive", target_id=str(case.pk)).exists()
        # Not dated before the waiver, but issued the same day
        with pytest.raises(ValidationError) as exc:
            issue(case, decided_on=dt.date(2026, 11, 23))
        assert "决定日期不能早于当事人放弃权利或陈述申辩的日期（2026-11-24）" in refusal(exc)
        decision = issue(case)
    assert decision.decided_on == dt.date(2026, 11, 24)


def test_recorded_statement_allows_decision(served_monday, issue, handler):
    case = served_monday
    with at(2026, 11, 25):
        with pytest.raises(ValidationError) as exc:
            case_statement_record(actor=handler, case=case, note="  ")
        assert "note" in exc.value.message_dict
        case = case_statement_record(
            actor=handler, case=case, note="当事人称涉案酸奶系供货商调换，经复核，其理由不能成立，不予采纳。"
        )
        assert AuditEvent.objects.filter(action="case.statement_record", target_id=str(case.pk)).exists()
        assert case.events.filter(action="answer:statement").exists()
        decision = issue(case)
    assert decision.decided_on == dt.date(2026, 11, 25)


def test_hearing_request_holds_decision_until_hearing_record_filed(served_monday, open_case, issue, handler):
    case = served_monday
    with at(2026, 11, 24):
        with pytest.raises(ValidationError) as exc:  # no record before a request
            case_hearing_record_file(actor=handler, case=case, note="听证笔录")
        assert "未申请听证" in refusal(exc)
        case = case_hearing_request(actor=handler, case=case, note="当事人书面申请听证")
        with pytest.raises(ValidationError) as exc:  # a waiver cannot undo a hearing request
            case_rights_waive(actor=handler, case=case, note="放弃")
        assert "已申请听证" in refusal(exc)
    # Long after the 5 working days, the decision still waits for the hearing
    with at(2026, 12, 10), pytest.raises(ValidationError) as exc:
        issue(case)
    assert "当事人已于2026-11-24申请听证：须在听证结束、听证笔录归档后方可作出处罚决定" in refusal(exc)
    with at(2026, 12, 11):
        case = case_hearing_record_file(
            actor=handler, case=case, note="2026年12月11日举行听证，听证笔录经当事人核对签字。"
        )
        assert AuditEvent.objects.filter(action="case.hearing_record", target_id=str(case.pk)).exists()
        decision = issue(case)
    assert decision.decided_on == dt.date(2026, 12, 11)
    # A request after the 5 working days is too late (silence was a waiver)
    with at(2026, 11, 23):
        late = open_case(stage=CaseStage.NOTICE)
    with at(2026, 12, 1), pytest.raises(ValidationError) as exc:
        case_hearing_request(actor=handler, case=late)
    assert "听证应在告知后五个工作日内（至2026-11-30）提出" in refusal(exc)


# --- who moves a case -----------------------------------------------------------------------------------------


def test_only_handlers_or_department_head_move_a_case(
    open_case, handler, head, alice, bob, make_official, dept_b, frozen_today
):
    case = open_case()
    other_head = make_official("olga", dept_b, role=Role.DEPARTMENT_HEAD)
    # An official of the department who is not a handler, another department's official or head: refused
    for actor in (alice, bob, other_head):
        with pytest.raises(ValidationError) as exc:
            services.case_advance(actor=actor, case=case, to_stage=CaseStage.INVESTIGATION)
        assert "只有本案的承办人员（王晓、李军）或郑州市市场监督管理局的部门负责人可以办理本案" in refusal(exc)
        with pytest.raises(ValidationError):
            services.case_close(actor=actor, case=case, outcome="withdrawn", note="撤销立案")
        with pytest.raises(ValidationError):
            services.case_handlers_set(actor=actor, case=case, handlers=list(case.handlers.all()))
    case.refresh_from_db()
    assert case.stage == CaseStage.FILED and case.events.count() == 1
    # A handler moves it; so does the department's 部门负责人
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.INVESTIGATION)
    case = services.case_advance(actor=head, case=case, to_stage=CaseStage.REVIEW)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.NOTICE)
    # Nor may a non-handler record the party's answer or issue the decision
    with pytest.raises(ValidationError):
        case_rights_waive(actor=alice, case=case, note="放弃")
    case = case_rights_waive(actor=handler, case=case, note="当事人书面放弃")
    with pytest.raises(ValidationError):
        services.penalty_decision_issue(actor=alice, case=case, **decision_fields())
    decision = services.penalty_decision_issue(actor=head, case=case, **decision_fields())
    assert decision.issued_by == head


def test_case_page_offers_the_moves_only_to_handlers_and_the_head(client, open_case, handler, head, alice):
    case = open_case()
    url = f"/admin/enforcement/case/{case.pk}/change/"
    client.force_login(alice)
    assert "推进到下一环节" not in client.get(url).content.decode()
    for user in (handler, head):
        client.force_login(user)
        assert "推进到下一环节" in client.get(url).content.decode()


# --- the reviewer sees the proposal ---------------------------------------------------------------------------


def test_legal_review_screen_shows_the_proposed_decision(client, open_case, handler, reviewer, frozen_today):
    case = open_case(stage=CaseStage.REVIEW, is_major=True)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.LEGAL_REVIEW)
    with pytest.raises(ValidationError) as exc:  # out of the 一般 range without a reason
        case_proposal_record(
            actor=handler,
            case=case,
            penalty_types=["fine"],
            fine_amount=Decimal("150000"),
            legal_basis="食品安全法第一百二十四条",
        )
    assert "out_of_range_reason" in exc.value.message_dict and "fine_amount" in exc.value.message_dict
    case_proposal_record(
        actor=handler,
        case=case,
        penalty_types=["fine", "confiscate_income"],
        fine_amount=Decimal("150000"),
        confiscation_amount=Decimal("3200"),
        legal_basis="《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        out_of_range_reason="货值金额巨大且拒不改正，超出一般情形上限",
    )
    assert AuditEvent.objects.filter(action="case.proposal", target_id=str(case.pk)).exists()
    client.force_login(reviewer)
    response = client.post("/admin/enforcement/case/", {"action": "legal_review", "_selected_action": [case.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    for shown in (
        "罚款、没收违法所得",
        "150,000.00 元",
        "3,200.00 元",
        "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        "裁量基准（一般）",
        "80,000.00–120,000.00 元",
        "货值金额巨大且拒不改正，超出一般情形上限",
    ):
        assert shown in page, shown
    # …and passes it
    client.post(
        "/admin/enforcement/case/",
        {
            "action": "legal_review",
            "_selected_action": [case.pk],
            "apply": "1",
            "result": ReviewResult.PASSED,
            "opinion": "同意",
        },
    )
    assert services.passed_review(case) is not None


# --- the decision form keeps what was typed -------------------------------------------------------------------


def test_decision_form_keeps_every_field_when_the_fine_is_out_of_range(
    client, open_case, waived, handler, frozen_today
):
    case = waived(open_case(stage=CaseStage.NOTICE))
    posted = {
        "penalty_types": ["fine", "confiscate_income"],
        "fine_amount": "150000",
        "confiscation_amount": "3200",
        "circumstance": "general",
        "out_of_range_reason": "",
        "procedure": "general",
        "violation_type": "经营超过保质期的食品",
        "party_address": "郑州市金水区文化路88号",
        "legal_representative": "王建国",
        "other_persons": "刘某某",
        "facts": "经查，当事人销售过期酸奶36杯。",
        "evidence": "现场检查笔录、询问笔录",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "penalty_content": "罚款150000元，没收违法所得3200元",
        "performance": "十五日内缴纳罚没款",
        "remedies": "六十日内申请行政复议",
        "decided_on": "2026-11-22",
    }
    client.force_login(handler)
    response = client.post(
        "/admin/enforcement/case/", {"action": "issue_decision", "_selected_action": [case.pk], "apply": "1", **posted}
    )
    assert response.status_code == 200
    page = response.content.decode()
    amount_row = page[page.index('id="id_fine_amount"') - 1500 : page.index('id="id_fine_amount"')]
    assert "超出裁量基准“SP-001 销售超过保质期的食品”一般情形的幅度" in amount_row  # next to the amount
    for name, value in posted.items():
        for v in value if isinstance(value, list) else [value]:
            if v:
                assert v in page, name
    assert not PenaltyDecision.objects.exists()


# --- a complaint can gain its entity ----------------------------------------------------------------------------


def test_complaint_filed_by_name_gains_its_entity_before_a_verified_close(alice, entity, dept_a, frozen_today):
    complaint, _code = services.complaint_file(
        actor="public", entity_name="文化路那家超市", content="出售过期酸奶。", department=dept_a
    )
    services.complaint_accept(actor=alice, complaint=complaint)
    # Closing as 属实 without an entity would make no credit record: refused with the way out
    with pytest.raises(ValidationError) as exc:
        services.complaint_close(
            actor=alice, complaint=complaint, verdict=ComplaintVerdict.VERIFIED, outcome="经核查属实，已责令改正。"
        )
    assert "须先设置被投诉举报对象的统一社会信用代码" in exc.value.message_dict["verdict"][0]
    with pytest.raises(ValidationError) as exc:
        complaint_entity_set(actor=alice, complaint=complaint, entity_uscc="91350100M000100Y4Z")
    assert "entity_uscc" in exc.value.message_dict
    complaint = complaint_entity_set(actor=alice, complaint=complaint, entity_uscc=entity.uscc, reason="经核实营业执照")
    event = AuditEvent.objects.get(action="complaint.entity_set", target_id=str(complaint.pk))
    assert (event.before["entity"] or "", event.after["entity"], event.after["reason"]) == (
        "",
        entity.uscc,
        "经核实营业执照",
    )
    complaint = services.complaint_close(
        actor=alice, complaint=complaint, verdict=ComplaintVerdict.VERIFIED, outcome="经核查属实，已责令改正。"
    )
    assert complaint.credit_record is not None and complaint.credit_record.entity_id == entity.uscc
    with pytest.raises(ValidationError):  # closed: no more changes
        complaint_entity_set(actor=alice, complaint=complaint, entity_uscc=entity.uscc)


# --- only handlers see the complainant --------------------------------------------------------------------------


def test_only_handlers_and_department_head_see_the_complainant(
    client, alice, head, reviewer, make_official, dept_a, platform_admin, frozen_today
):
    complaint, _code = services.complaint_file(
        actor="public",
        entity_name="郑州市某超市",
        content="出售过期酸奶。",
        department=dept_a,
        reporter_name="李秀英",
        contact_phone="13912345678",
        contact_email="lxy@example.com",
    )
    carl = make_official("carl", dept_a, first_name="陈亮")  # an official of the department who does not handle it
    url = f"/admin/enforcement/complaint/{complaint.pk}/change/"
    secrets = ("李秀英", "13912345678", "lxy@example.com")

    def sees(user, path=url):
        client.force_login(user)
        page = client.get(path).content.decode()
        return [s for s in secrets if s in page]

    # Before anyone handles it: the 部门负责人 only
    assert sees(head) == list(secrets)
    for user in (alice, carl, reviewer, platform_admin):
        assert sees(user) == [], user
    # The official who accepts it handles it; the head may assign another
    services.complaint_accept(actor=alice, complaint=complaint)
    complaint_handlers_set(actor=head, complaint=complaint, handlers=[alice, carl], note="分办")
    with pytest.raises(ValidationError):
        complaint_handlers_set(actor=alice, complaint=complaint, handlers=[alice])
    assert sees(alice) == list(secrets) and sees(carl) == list(secrets)
    assert sees(reviewer) == [] and sees(platform_admin) == []
    # Nor on the list, and the complainant is no search term (the search box only echoes what was typed)
    for user in (reviewer, alice):
        assert sees(user, "/admin/enforcement/complaint/?state=all") == []
        client.force_login(user)
        assert (
            complaint.tracking_no
            not in client.get("/admin/enforcement/complaint/?state=all&q=13912345678").content.decode()
        )
