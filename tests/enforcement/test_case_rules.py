"""Case and decision rules by name (issue 6 §2–3, DOMAIN §5): handlers, legal review, notice before
decision, legal transitions, discretion ranges, gap-free numbers, 首违不罚, serious-list proposals,
the contents of a decision (行政处罚法 第59条) and its penalty types (第9条), case sources."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core.choices import Role
from credit.choices import ListGround, ListType, PenaltyType, ProposalState
from credit.models import ListProposal
from enforcement import services
from enforcement.choices import CaseOutcome, CaseSource, CaseStage, Circumstance, DecisionState, ReviewResult
from enforcement.models import Case, CaseEvent, DocumentSequence, PenaltyDecision
from enforcement.services.case_steps import case_rights_waive
from supervision import services as sv
from supervision.models import Inspector

from .conftest import decision_fields

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def refusal(exc_info) -> str:
    return "；".join(exc_info.value.messages)


def reviewed(case, reviewer, actor, result=ReviewResult.PASSED):
    """A case in 法制审核 reviewed by ``reviewer``; a passed one goes on to 告知."""
    services.legal_review_record(
        actor=reviewer, case=case, result=result, opinion="事实清楚，证据确凿，适用依据正确，程序合法。"
    )
    case.refresh_from_db()
    if result == ReviewResult.PASSED:
        case = services.case_advance(actor=actor, case=case, to_stage=CaseStage.NOTICE, note="送达行政处罚告知书")
        # The party waives its 5 working days in writing (issue 12 §6), so the decision may follow.
        case = case_rights_waive(actor=actor, case=case, note="当事人书面放弃陈述申辩和听证权利")
    return case


# --- handlers (行政处罚法 第42条) ---------------------------------------------------------------------


def test_case_needs_2_certified_handlers(
    handler, open_case, officers, make_inspector, dept_a, dept_b, alice, frozen_today
):
    lead = officers[0]
    expired = make_inspector(dept_a, valid_to=dt.date(2026, 6, 30), name="过期证")
    outsider = make_inspector(dept_b, name="外部门")
    # Given one handler, or two where one certificate expired, or one of another department: refused
    refused = (
        ([lead], "当前符合条件的只有1名"),
        ([lead, expired], "过期证的执法证"),
        ([lead, outsider], "外部门不是郑州市市场监督管理局的执法人员"),
    )
    for handlers, named in refused:
        with pytest.raises(ValidationError) as exc:
            open_case(handlers=handlers)
        message = "；".join(exc.value.message_dict["handlers"])
        assert "案件须由至少2名持有效执法证的承办人员办理（《行政处罚法》第四十二条）" in message and named in message
    assert not Case.objects.exists()
    # Exactly two valid handlers: the case is opened
    case = open_case(handlers=officers)
    assert sorted(case.handlers.values_list("name", flat=True)) == ["李军", "王晓"]
    assert case.handler_links.get(is_lead=True).inspector == lead

    # A certificate that expires mid-case blocks the next transition until the handlers are changed
    short = make_inspector(dept_a, valid_to=dt.date(2026, 12, 31), name="短期证")
    case = open_case(handlers=[lead, short])
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.INVESTIGATION)
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(ValidationError) as exc:
            services.case_advance(actor=handler, case=case, to_stage=CaseStage.REVIEW)
        assert "短期证的执法证" in refusal(exc) and "至少2名" in refusal(exc)
        case.refresh_from_db()
        assert case.stage == CaseStage.INVESTIGATION
        services.case_handlers_set(
            actor=handler, case=case, handlers=[lead, officers[1]], note="短期证执法证到期，更换承办人员"
        )
        case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.REVIEW)
    assert case.stage == CaseStage.REVIEW
    assert case.events.filter(action="handlers", note__contains="更换承办人员").exists()


# --- legal review (法制审核) --------------------------------------------------------------------------


def test_no_major_decision_without_passed_legal_review(
    handler, open_case, reviewer, make_inspector, officers, alice, issue, frozen_today
):
    case = open_case(stage=CaseStage.REVIEW, is_major=True)
    # A major case cannot skip 法制审核 on its way to 告知
    with pytest.raises(ValidationError) as exc:
        services.case_advance(actor=handler, case=case, to_stage=CaseStage.NOTICE)
    assert "重大执法决定须先经法制审核" in refusal(exc)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.LEGAL_REVIEW)
    # …nor leave it before the review has passed, nor be decided from there
    with pytest.raises(ValidationError) as exc:
        services.case_advance(actor=handler, case=case, to_stage=CaseStage.NOTICE)
    assert "法制审核尚未通过" in refusal(exc)
    with pytest.raises(ValidationError):
        issue(case)
    case = reviewed(case, reviewer, handler)
    assert case.stage == CaseStage.NOTICE and services.passed_review(case) is not None
    # When the reviewer later becomes a handler, the review no longer counts and the decision is refused
    reviewer_as_officer = make_inspector(case.department, user=reviewer, name="赵敏")
    services.case_handlers_set(actor=handler, case=case, handlers=[*officers, reviewer_as_officer])
    with pytest.raises(ValidationError) as exc:
        issue(case)
    assert "重大执法决定未经法制审核或审核未通过" in refusal(exc)
    assert not PenaltyDecision.objects.exists()
    # With the independent review standing again, the decision is issued
    services.case_handlers_set(actor=handler, case=case, handlers=officers)
    decision = issue(case)
    assert decision.number == "郑市监罚〔2026〕1号"


def test_legal_reviewer_is_not_a_handler(
    handler, open_case, reviewer, make_inspector, make_official, officers, dept_b, alice, frozen_today
):
    # A reviewer who is also a handler of the case is refused
    reviewer_as_officer = make_inspector(officers[0].department, user=reviewer, name="赵敏")
    case = open_case(stage=CaseStage.LEGAL_REVIEW, is_major=True, handlers=[officers[0], reviewer_as_officer])
    with pytest.raises(ValidationError) as exc:
        services.legal_review_record(actor=reviewer, case=case, result=ReviewResult.PASSED, opinion="同意")
    assert "法制审核人员不能是本案的承办人员" in refusal(exc)

    case = open_case(stage=CaseStage.LEGAL_REVIEW, is_major=True)
    # A user without the 法制审核人员 role is refused, and so is another department's reviewer
    with pytest.raises(ValidationError) as exc:
        services.legal_review_record(actor=alice, case=case, result=ReviewResult.PASSED, opinion="同意")
    assert "法制审核须由法制审核人员作出" in refusal(exc)
    other = make_official("frank", dept_b, role=Role.LEGAL_REVIEWER)
    with pytest.raises(ValidationError) as exc:
        services.legal_review_record(actor=other, case=case, result=ReviewResult.PASSED, opinion="同意")
    assert "只能审核本部门的案件" in refusal(exc)
    assert not case.legal_reviews.exists()

    # A returned review sends the case back to 调查取证, on the record
    services.legal_review_record(
        actor=reviewer, case=case, result=ReviewResult.RETURNED, opinion="证据不足，请补充询问笔录"
    )
    case.refresh_from_db()
    assert case.stage == CaseStage.INVESTIGATION
    event = case.events.order_by("-id").first()
    assert (event.action, event.from_stage, event.to_stage, event.actor) == (
        "legal_review:returned",
        CaseStage.LEGAL_REVIEW,
        CaseStage.INVESTIGATION,
        reviewer,
    )
    assert event.note == "证据不足，请补充询问笔录"
    # Back through 案件审核 and 法制审核: the returned review does not let it pass to 告知
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.REVIEW)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.LEGAL_REVIEW)
    with pytest.raises(ValidationError):
        services.case_advance(actor=handler, case=case, to_stage=CaseStage.NOTICE)


# --- stages -------------------------------------------------------------------------------------------


def test_hearing_notice_before_decision(waived, open_case, issue, frozen_today):
    # 行政处罚法 第44条/第45条: the party is told and heard before any decision
    for stage in (CaseStage.INVESTIGATION, CaseStage.REVIEW):
        case = open_case(stage=stage)
        with pytest.raises(ValidationError) as exc:
            issue(case)
        assert "作出处罚决定前须先告知当事人" in refusal(exc)
    assert not PenaltyDecision.objects.exists() and not DocumentSequence.objects.filter(kind="罚").exists()
    # Issue 12 §6: the 告知 alone does not let the decision follow at once (the party has 5 working days) …
    case = open_case(stage=CaseStage.NOTICE)
    with pytest.raises(ValidationError) as exc:
        issue(case)
    assert "最早可于2026-11-28作出处罚决定" in refusal(exc)
    # … unless the party waived its rights in writing
    assert issue(waived(case)).case.stage == CaseStage.DECISION


def test_illegal_transitions_refused(waived, handler, open_case, issue, alice, frozen_today):
    case = open_case()
    refused = [
        (CaseStage.REVIEW, "不能转到“案件审核”；可转到：调查取证"),
        (CaseStage.NOTICE, "不能转到"),
        (CaseStage.DECISION, "作出决定请使用“作出处罚决定”"),
        (CaseStage.CLOSED, "结案请使用“结案”"),
        ("bogus", "不能转到“bogus”"),
    ]
    for to_stage, message in refused:
        with pytest.raises(ValidationError) as exc:
            services.case_advance(actor=handler, case=case, to_stage=to_stage)
        assert message in refusal(exc)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.INVESTIGATION)
    with pytest.raises(ValidationError):  # no way back
        services.case_advance(actor=handler, case=case, to_stage=CaseStage.FILED)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.REVIEW)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.NOTICE)
    with pytest.raises(ValidationError):  # 告知 → 送达 skips the decision
        services.case_advance(actor=handler, case=case, to_stage=CaseStage.SERVICE)
    issue(waived(case))
    case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:  # a second decision on the same case
        issue(case)
    assert "不能作出处罚决定" in refusal(exc)
    with pytest.raises(ValidationError) as exc:  # a penalty case closes only after execution
        services.case_close(actor=handler, case=case, outcome=CaseOutcome.PENALTY, note="执行完毕")
    assert "须在执行环节完成后结案" in refusal(exc)
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=handler, case=case, outcome=CaseOutcome.NO_PENALTY, note="不予处罚")
    assert "只能以“作出行政处罚决定”结案" in refusal(exc)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.SERVICE)
    case = services.case_advance(actor=handler, case=case, to_stage=CaseStage.EXECUTION)
    case = services.case_close(actor=handler, case=case, outcome=CaseOutcome.PENALTY, note="罚没款已缴清")
    events = case.events.count()
    # After 结案 nothing moves
    with pytest.raises(ValidationError) as exc:
        services.case_advance(actor=handler, case=case, to_stage=CaseStage.SERVICE)
    assert "案件已结案" in refusal(exc)
    with pytest.raises(ValidationError):
        services.case_close(actor=handler, case=case, outcome=CaseOutcome.PENALTY, note="再次结案")
    with pytest.raises(ValidationError):
        issue(case)
    case.refresh_from_db()
    assert (case.stage, case.outcome, case.closed_on) == (CaseStage.CLOSED, CaseOutcome.PENALTY, dt.date(2026, 11, 22))
    assert case.events.count() == events
    # The full record of who did what: 立案 … 结案
    assert list(case.events.values_list("to_stage", flat=True)) == [
        CaseStage.FILED,
        CaseStage.INVESTIGATION,
        CaseStage.REVIEW,
        CaseStage.NOTICE,
        CaseStage.NOTICE,
        CaseStage.DECISION,
        CaseStage.SERVICE,
        CaseStage.EXECUTION,
        CaseStage.CLOSED,
    ]
    assert case.events.get(action="answer:waiver").to_stage == CaseStage.NOTICE
    # Opened by an official of the department, moved by its handler (issue 12 §6)
    assert set(case.events.values_list("actor", flat=True)) == {alice.pk, handler.pk}


# --- discretion ranges ----------------------------------------------------------------------------------


def test_fine_out_of_range_refused_without_justification(
    handler, waived, open_case, issue, standard, reviewer, alice, frozen_today
):
    # DOMAIN §5: a fine outside the benchmark range for the circumstance needs a written justification and a legal review.
    # Boundaries are inside: 一般 80000–120000
    assert services.fine_problem(standard, Circumstance.GENERAL, Decimal("80000")) is None
    assert services.fine_problem(standard, Circumstance.GENERAL, Decimal("120000")) is None
    assert services.fine_problem(standard, Circumstance.GENERAL, Decimal("79999.99"))
    assert services.fine_problem(standard, Circumstance.GENERAL, Decimal("120000.01"))
    assert services.fine_problem(standard, Circumstance.LIGHTER, Decimal("50000")) is None
    assert services.fine_problem(standard, Circumstance.HEAVIER, Decimal("200000")) is None

    case = waived(open_case(stage=CaseStage.NOTICE))
    with pytest.raises(ValidationError) as exc:
        issue(case, fine_amount=Decimal("150000"))
    assert (
        "超出裁量基准“SP-001 销售超过保质期的食品”一般情形的幅度（80000.00元至120000.00元）"
        in exc.value.message_dict["out_of_range_reason"][0]
    )
    # A justification alone is not enough without a passed legal review
    with pytest.raises(ValidationError) as exc:
        issue(case, fine_amount=Decimal("150000"), out_of_range_reason="违法所得数额巨大，社会影响恶劣")
    assert "须经法制审核通过" in refusal(exc)
    # Exactly at the maximum is in range: no justification needed
    decision = issue(case, fine_amount=Decimal("120000"))
    assert decision.out_of_range_reason == "" and decision.sequence == 1

    # With both a justification and a passed review, the out-of-range fine is accepted
    case = services.case_advance(
        actor=handler, case=open_case(stage=CaseStage.REVIEW), to_stage=CaseStage.LEGAL_REVIEW
    )  # optional for a non-major case
    case = reviewed(case, reviewer, handler)
    decision = issue(case, fine_amount=Decimal("150000"), out_of_range_reason="违法所得数额巨大，社会影响恶劣")
    assert (decision.fine_amount, decision.out_of_range_reason, decision.sequence) == (
        Decimal("150000"),
        "违法所得数额巨大，社会影响恶劣",
        2,
    )


# --- numbering --------------------------------------------------------------------------------------------


class Rollback(Exception):
    """The official's request fails after the decision (and its number) was written."""


@pytest.mark.django_db(transaction=True)
def test_decision_number_gap_free_under_concurrent_issuing(
    handler, dept_a, officers, entity, standard, alice, frozen_today
):
    # Issue 6 §3: a gap-free sequence per department per year, safe under concurrency. Ten officials
    # each take their own case to 告知 and issue at once; two of them roll back after taking a number.
    threads_n, rolled_back = 10, {3, 7}
    barrier = threading.Barrier(threads_n, timeout=60)
    numbers, errors, failed = {}, [], set()

    def work(i):
        try:
            case = services.case_open(
                actor=alice,
                department=dept_a,
                party_name=entity.name,
                entity_uscc=entity.uscc,
                title=f"案件{i}",
                source=CaseSource.MONITORING,
                source_note=f"监测线索{i}",
                handlers=officers,
                standard=standard,
            )
            for stage in (CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.NOTICE):
                case = services.case_advance(actor=handler, case=case, to_stage=stage)
            case = case_rights_waive(actor=handler, case=case, note="当事人书面放弃陈述申辩和听证权利")
            barrier.wait()
            try:
                with transaction.atomic():
                    decision = services.penalty_decision_issue(actor=handler, case=case, **decision_fields())
                    if i in rolled_back:
                        raise Rollback  # e.g. the official's request fails after the number was taken
                numbers[i] = (decision.sequence, decision.number)
            except Rollback:
                failed.add(i)
        except Exception as exc:  # reported by the main thread
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert failed == rolled_back
    issued = threads_n - len(rolled_back)
    sequences = sorted(s for s, _n in numbers.values())
    assert sequences == list(range(1, issued + 1))  # no gap, no duplicate
    assert {n for _s, n in numbers.values()} == {f"郑市监罚〔2026〕{k}号" for k in range(1, issued + 1)}
    assert PenaltyDecision.objects.count() == issued
    assert DocumentSequence.objects.get(department=dept_a, kind="罚", year=2026).last_number == issued
    # Case numbers (立) come from their own gap-free sequence
    assert sorted(Case.objects.values_list("number", flat=True)) == sorted(
        f"郑市监立〔2026〕{k}号" for k in range(1, threads_n + 1)
    )
    # The rolled-back cases are still in 告知, and the next decision takes the next number
    case = Case.objects.get(title=f"案件{min(rolled_back)}")
    assert case.stage == CaseStage.NOTICE
    decision = services.penalty_decision_issue(actor=handler, case=case, **decision_fields())
    assert decision.sequence == issued + 1


def test_refused_issue_takes_no_number(waived, open_case, issue, frozen_today):
    case = waived(open_case(stage=CaseStage.NOTICE))
    with pytest.raises(ValidationError):
        issue(case, facts="")
    assert issue(case).sequence == 1


# --- 首违不罚 (DOMAIN §2) --------------------------------------------------------------------------------


def test_first_violation_no_penalty_in_observation_period(
    handler, waived, open_case, make_entity, dept_a, entity, issue, alice, frozen_today
):
    sv.observation_period_save(
        actor="test",
        department=dept_a,
        entity=entity,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        reason="新业态（社区团购）",
    )
    # Given a first minor violation by an entity in its observation period: closed by guidance, no penalty
    case = open_case(stage=CaseStage.REVIEW)
    case = services.case_close(
        actor=handler, case=case, outcome=CaseOutcome.FIRST_VIOLATION, note="首次轻微违法，责令改正并予以指导"
    )
    assert (case.stage, case.outcome) == (CaseStage.CLOSED, CaseOutcome.FIRST_VIOLATION)
    assert not PenaltyDecision.objects.exists()
    # Not before the investigation is reviewed
    with pytest.raises(ValidationError) as exc:
        services.case_close(
            actor=handler,
            case=open_case(stage=CaseStage.INVESTIGATION),
            outcome=CaseOutcome.FIRST_VIOLATION,
            note="首违",
        )
    assert "不予处罚须在调查取证完成、经案件审核后作出" in refusal(exc)
    # Outside an observation period: refused
    outside = make_entity(name="郑州市二七区无观察期商行")
    with pytest.raises(ValidationError) as exc:
        services.case_close(
            actor=handler,
            case=open_case(stage=CaseStage.REVIEW, party_name=outside.name, entity_uscc=outside.uscc),
            outcome=CaseOutcome.FIRST_VIOLATION,
            note="首违",
        )
    assert "当事人不在观察期内，不适用首违不罚" in refusal(exc)
    # An industry's observation period counts too
    sv.observation_period_save(
        actor="test",
        department=dept_a,
        industry_code="F52",
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2027, 5, 31),
        reason="新模式（无人零售）",
    )
    case = services.case_close(
        actor=handler,
        case=open_case(stage=CaseStage.REVIEW, party_name=outside.name, entity_uscc=outside.uscc),
        outcome=CaseOutcome.FIRST_VIOLATION,
        note="行业观察期内首次轻微违法",
    )
    assert case.outcome == CaseOutcome.FIRST_VIOLATION
    # After an earlier penalty it is no longer a first violation
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    with pytest.raises(ValidationError) as exc:
        services.case_close(
            actor=handler, case=open_case(stage=CaseStage.REVIEW), outcome=CaseOutcome.FIRST_VIOLATION, note="首违"
        )
    assert "当事人此前已受过行政处罚" in refusal(exc)
    # …unless that penalty was revoked (a revoked decision is no penalty)
    services.decision_revoke(actor=handler, decision=decision, reason="行政复议决定撤销")
    case = services.case_close(
        actor=handler, case=open_case(stage=CaseStage.REVIEW), outcome=CaseOutcome.FIRST_VIOLATION, note="首违"
    )
    assert case.outcome == CaseOutcome.FIRST_VIOLATION


# --- serious list ------------------------------------------------------------------------------------------


def test_heavier_with_heavy_penalty_proposes_serious_list(waived, open_case, issue, entity, alice, frozen_today):
    from credit.services import list_proposal_confirm

    # 一般 with a licence revoked, and 从重 with a fine only: no proposal
    issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        penalty_types=["fine", "revoke_licence"],
        penalty_content="罚款100000元，吊销食品经营许可证",
    )
    issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        circumstance=Circumstance.HEAVIER,
        penalty_types=["fine"],
        fine_amount=Decimal("150000"),
        penalty_content="罚款150000元",
    )
    assert not ListProposal.objects.exists()
    # 从重 with a heavy penalty: a serious-list proposal through the credit list service
    decision = issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        circumstance=Circumstance.HEAVIER,
        penalty_types=["fine", "revoke_licence"],
        fine_amount=Decimal("150000"),
        penalty_content="罚款150000元，吊销食品经营许可证",
    )
    proposal = ListProposal.objects.get()
    assert (
        proposal.entity_id,
        proposal.list_type,
        proposal.ground,
        proposal.state,
        proposal.source_ref,
        proposal.department_id,
    ) == (
        entity.uscc,
        ListType.SERIOUS,
        ListGround.LICENCE_REVOKED,
        ProposalState.PENDING,
        decision.number,
        decision.department_id,
    )
    # Confirming it needs the prior notice (陈述、申辩) before the listing decision
    with pytest.raises(ValidationError) as exc:
        list_proposal_confirm(
            actor=alice,
            proposal=proposal,
            notice_on=dt.date(2026, 11, 22),
            decided_on=dt.date(2026, 11, 22),
            legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
        )
    assert "先告知、后决定" in refusal(exc)
    entry = list_proposal_confirm(
        actor=alice,
        proposal=proposal,
        notice_on=dt.date(2026, 11, 10),
        decided_on=dt.date(2026, 11, 22),
        legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
        decision_no=decision.number,
    )
    assert (entry.entity_id, entry.list_type, entry.notice_on) == (entity.uscc, ListType.SERIOUS, dt.date(2026, 11, 10))


# --- contents and types ------------------------------------------------------------------------------------


def test_decision_contents_article_59(waived, open_case, issue, frozen_today):
    case = waived(open_case(stage=CaseStage.NOTICE))
    with pytest.raises(ValidationError) as exc:
        issue(case, facts="", evidence="   ", performance="", remedies="")
    errors = exc.value.message_dict
    assert set(errors) == {"facts", "evidence", "performance", "remedies"}
    assert all("第五十九条" in errors[name][0] for name in errors)
    assert not PenaltyDecision.objects.exists()
    decision = issue(case)
    # The document states the party, facts and evidence, type and basis, performance, remedies, authority and date
    assert decision.party_name == "郑州市金水区好运来超市有限公司" and decision.entity_id == case.entity_id
    assert decision.legal_representative == "张三"
    assert decision.facts and decision.evidence and decision.legal_basis and decision.performance
    assert "六十日内依法申请行政复议" in decision.remedies and "六个月内依法向人民法院提起行政诉讼" in decision.remedies
    assert (decision.department, decision.decided_on, decision.number) == (
        case.department,
        dt.date(2026, 11, 22),
        "郑市监罚〔2026〕1号",
    )


def test_penalty_types_from_article_9(waived, open_case, issue, frozen_today):
    # 行政处罚法 第9条: the kinds of penalty (DOMAIN §5)
    assert {str(label) for _c, label in PenaltyType.choices} == {
        "警告",
        "通报批评",
        "罚款",
        "没收违法所得",
        "没收非法财物",
        "暂扣许可证件",
        "降低资质等级",
        "吊销许可证件",
        "限制开展生产经营活动",
        "责令停产停业",
        "责令关闭",
        "限制从业",
        "其他",
    }
    case = waived(open_case(stage=CaseStage.NOTICE))
    refused = [
        ({"penalty_types": []}, "penalty_types", "处罚种类须从《行政处罚法》第九条所列种类中选择"),
        ({"penalty_types": ["fine", "caning"]}, "penalty_types", "不认识 caning"),
        (
            {"penalty_types": ["warning", "fine"], "fine_amount": Decimal("0")},
            "fine_amount",
            "处罚种类含罚款时须填写罚款金额",
        ),
        ({"penalty_types": ["warning"], "fine_amount": Decimal("500")}, "fine_amount", "未选择“罚款”时罚款金额应为0"),
    ]
    for fields, name, message in refused:
        with pytest.raises(ValidationError) as exc:
            issue(case, **fields)
        assert message in exc.value.message_dict[name][0]
    # Several kinds at once, with amounts
    decision = issue(case, penalty_types=["warning", "fine", "confiscate_income", "fine"])
    assert decision.penalty_types == ["warning", "fine", "confiscate_income"]
    assert (decision.fine_amount, decision.confiscation_amount) == (Decimal("100000"), Decimal("3200"))


# --- sources and outcomes -------------------------------------------------------------------------------------


@pytest.fixture
def pending_result(make_entity, evaluate, make_inspector, dept_a, frozen_today):
    """An inspection result of department A that found a problem to follow up (发现问题待后续处理 → needs_case)."""
    from inspections import services as insp
    from inspections.choices import ResultCategory

    def make(categories=(ResultCategory.PROBLEM_PENDING,), department=None):
        department = department or dept_a
        target = make_entity(industry_code="I6513")
        evaluate([target.uscc])
        for n in range(2):
            make_inspector(department, certificate_no=f"4101{target.pk:04d}{n}")
        # The draw hashes certificate numbers as ASCII (inspections.services._lowest): the fixture's “豫41…” numbers would not draw.
        for officer in Inspector.objects.filter(department=department, certificate_no__startswith="豫"):
            sv.inspector_save(
                actor="test", inspector=officer, certificate_no=officer.certificate_no.replace("豫", "HA")
            )
        item = sv.item_save(
            actor="test",
            catalogue_code=f"41{target.pk % 10**12:012d}",
            name=f"食品经营监督检查{target.pk}",
            department=department,
        )
        sv.item_version_create(
            actor="test",
            item=item,
            effective_from=dt.date(2026, 1, 1),
            object_type="enterprise",
            method="on_site",
            legal_basis="《中华人民共和国食品安全法》第八十七条",
            supervision_level="city",
            is_random=True,
            is_key=False,
            default_ratio=Decimal("0.03"),
        )
        plan = insp.plan_save(
            actor="test",
            departments=[],
            name=f"抽查计划{target.pk}",
            year=2026,
            lead_department=department,
            starts_on=dt.date(2026, 11, 16),
            ends_on=dt.date(2026, 12, 31),
            ratio_a=Decimal("1"),
            scope_industry="I6513",
        )
        insp.plan_item_add(actor="test", plan=plan, item=item)
        insp.plan_approve(actor="test", plan=plan)
        task = insp.draw_run(actor="test", plan=plan).tasks.get(entity=target.uscc)
        return insp.result_submit(
            actor="test",
            task=task,
            department=department,
            categories=list(categories),
            findings="现场发现过期食品12件，待立案调查。",
        )

    return make


def test_case_from_inspection_result(pending_result, open_case, alice, bob, dept_b, make_inspector, frozen_today):
    from inspections.choices import ResultCategory

    result = pending_result()
    assert result.needs_case
    case = open_case(
        source=CaseSource.INSPECTION,
        source_result=result,
        source_note="",
        entity_uscc=result.task.entity_id,
        party_name="检查对象",
    )
    assert (case.source, case.source_result, case.entity_id) == (CaseSource.INSPECTION, result, result.task.entity_id)
    assert "郑市监立〔2026〕" in case.number and case.events.get().action == "open"
    # The same result opens one case only; a result that needs no case, or another department's, none
    with pytest.raises(ValidationError) as exc:
        open_case(source=CaseSource.INSPECTION, source_result=result)
    assert exc.value.message_dict["source_result"] == ["该检查结果已立案"]
    with pytest.raises(ValidationError) as exc:
        open_case(
            source=CaseSource.INSPECTION, source_result=pending_result(categories=[ResultCategory.PROBLEM_CORRECTED])
        )
    assert "未建议立案查处" in exc.value.message_dict["source_result"][0]
    with pytest.raises(ValidationError) as exc:
        services.case_open(
            actor=bob,
            department=dept_b,
            party_name="检查对象",
            title="涉嫌违法",
            source=CaseSource.INSPECTION,
            source_result=pending_result(),
            handlers=[make_inspector(dept_b), make_inspector(dept_b)],
        )
    assert exc.value.message_dict["source_result"] == ["只能依据本部门的检查结果立案"]
    with pytest.raises(ValidationError) as exc:
        open_case(source=CaseSource.INSPECTION, source_result=None)
    assert "须关联该检查结果" in exc.value.message_dict["source_result"][0]


def test_judicial_transfer_is_recorded_as_an_outcome(handler, open_case, alice, frozen_today):
    case = open_case(stage=CaseStage.INVESTIGATION)
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=handler, case=case, outcome=CaseOutcome.JUDICIAL_TRANSFER, note="  ")
    assert "note" in exc.value.message_dict
    case = services.case_close(
        actor=handler,
        case=case,
        outcome=CaseOutcome.JUDICIAL_TRANSFER,
        note="涉嫌生产销售不符合安全标准的食品罪，移送公安机关",
    )
    assert (case.stage, case.get_outcome_display(), case.closed_on) == (
        CaseStage.CLOSED,
        "移送司法机关",
        dt.date(2026, 11, 22),
    )
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert (event.action, event.from_stage, event.to_stage, event.note) == (
        "close:judicial_transfer",
        CaseStage.INVESTIGATION,
        CaseStage.CLOSED,
        "涉嫌生产销售不符合安全标准的食品罪，移送公安机关",
    )
    assert not PenaltyDecision.objects.filter(case=case, state=DecisionState.EFFECTIVE).exists()


def test_decision_number_skips_a_number_the_department_already_pushed(
    waived, open_case, issue, push, entity, frozen_today
):
    """Given 郑市监罚〔2026〕1号 was pushed as a credit record before this system issued decisions,
    when a decision is issued, it takes 2号, so publishing never overwrites the pushed record."""
    from tests.conftest import record_data

    push(record_data(entity.uscc, source_ref="郑市监罚〔2026〕1号"))
    decision = issue(waived(open_case(stage="notice")))
    assert decision.number == "郑市监罚〔2026〕2号"
