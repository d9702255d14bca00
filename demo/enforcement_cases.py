"""Enforcement demo data, part 2b: seeding the cases (立案 → … → 结案) at every stage and with every outcome,
through the services. The roster of parties and certified handlers, the 执法人员 and 法制审核人员 logins and
the plan of every case are in demo/enforcement_plans.py (demo/enforcement.py runs them; see its docstring
for the whole story)."""

import datetime as dt
import random
import re
from decimal import Decimal

from django.utils import timezone

from credit.choices import PenaltyType
from demo.enforcement_plans import Plan, _case_key, _working_day
from demo.enforcement_standards import ACTOR, MAJOR_FINE, PERFORMANCE, PERFORMANCE_WARNING, M, StandardSpec
from enforcement import services
from enforcement.case_steps import case_proposal_record, case_rights_waive
from enforcement.choices import CaseOutcome, CaseSource, CaseStage, Circumstance, Procedure, ReviewResult
from enforcement.models import Case
from supervision import deadlines
from supervision.choices import DeadlineKind

NOTICE_NOTES = [
    "已送达《行政处罚告知书》，告知拟作出的处罚及陈述、申辩权利，当事人在法定期限内未提出陈述申辩。",
    "已送达《行政处罚听证告知书》，当事人提出陈述申辩，经复核，其理由不能成立，不予采纳。",
    "已送达《行政处罚告知书》，当事人书面放弃陈述申辩权利。",
]
FEATURED_CODES = (
    "SJ-SP-001",
    "SJ-GG-001",
    "SJ-JG-002",
    "WJ-YL-001",
)  # 曝光台: the first published decision of each, with its 评析
FEATURE_NOTES = [
    "本案是打击食品安全违法行为的典型案例。经营者对所售食品负有保质期管理的法定义务，临期和过期食品应当及时清理下架。"
    "执法部门依法从严查处，提醒广大经营者落实进货查验和定期检查库存食品制度，守住“舌尖上的安全”。",
    "虚假广告误导消费者、扰乱市场秩序。本案当事人利用新媒体发布无事实依据的功效宣传，执法部门依法查处并公开曝光，"
    "警示广告主和广告发布者依法依规开展广告宣传，消费者应理性看待“包治百病”“七天见效”等宣传用语。",
    "虚构原价、先涨后降是常见的价格欺诈手段。本案依法没收违法所得并处罚款，提醒经营者促销时如实标示价格，"
    "消费者遇到价格欺诈可通过12315平台或12345热线投诉举报。",
    "医疗机构使用非卫生技术人员开展诊疗活动，严重威胁患者健康安全。卫生健康部门依法查处并向社会公开，"
    "提醒群众就医时查看医疗机构执业许可证和医师执业证书。",
]


def _fine(rng: random.Random, spec: StandardSpec, circumstance: str) -> Decimal:
    lo, hi = {
        Circumstance.LIGHTER: spec.ranges[0:2],
        Circumstance.GENERAL: spec.ranges[2:4],
        Circumstance.HEAVIER: spec.ranges[4:6],
    }[circumstance]
    lo = max(lo, spec.step)
    steps = max((hi - lo) // spec.step, 0)
    return M(lo + spec.step * rng.randint(0, steps))


def _product(rng: random.Random, spec: StandardSpec, industry: str) -> str:
    """A product or service that fits the party's trade (a 果蔬店 sells fruit, not haircuts)."""
    fitting = [p.split("|", 1)[1] for p in spec.products if "|" in p and industry.startswith(p.split("|", 1)[0])]
    return rng.choice(
        fitting or [p for p in spec.products if "|" not in p] or [p.split("|", 1)[1] for p in spec.products]
    )


def _facts(rng: random.Random, spec: StandardSpec, filed_on: dt.date, income: Decimal, industry: str = "") -> str:
    month = filed_on - dt.timedelta(days=rng.randint(20, 60))
    template = spec.facts
    if not income:  # no income found: leave out the clause that would read "涉及诊疗收入0元"
        template = re.sub(r"，[^，。]*\{income\}元", "", template)
    return template.format(
        product=_product(rng, spec, industry),
        value=f"{rng.randint(8, 90) * 100}",
        income=f"{income:.0f}",
        month=f"{month.year}年{month.month}月",
    )


# --- seeding one case -------------------------------------------------------------------------


def _served_on(p: Plan, today: dt.date) -> dt.date:
    """The day the demo's 告知书 was served (issue 12 §6): for a decided case, early enough that the
    party's 5 working days had passed by the decision; for one still in 告知, about two weeks ago, and
    for the one marked ``waiting`` the previous working day, so it is seen waiting out its period."""
    if p.decided_on:
        served = p.decided_on - dt.timedelta(days=1)
        while served > p.filed_on and deadlines.due(DeadlineKind.PARTY_ANSWER, served).date >= p.decided_on:
            served -= dt.timedelta(days=1)
        return max(served, p.filed_on)
    back = 1 if p.extra.get("waiting") else 12
    return max(_working_day(today - dt.timedelta(days=back), today), p.filed_on)


def _advance(actor, case: Case, *stages, notes=None, served_on=None) -> Case:
    notes = notes or {}
    default = {
        CaseStage.INVESTIGATION: "经负责人批准立案，开展调查取证：现场检查、询问当事人、调取相关票据。",
        CaseStage.REVIEW: "调查终结，承办人员提交《案件调查终结报告》，移送案件审核。",
        CaseStage.LEGAL_REVIEW: "拟作出重大执法决定，移送法制审核。",
        CaseStage.NOTICE: NOTICE_NOTES[case.pk % len(NOTICE_NOTES)],
        CaseStage.SERVICE: "《行政处罚决定书》已直接送达当事人，当事人签收《送达回证》。",
        CaseStage.EXECUTION: "当事人已签收决定书，进入执行环节，督促当事人按期履行。",
    }
    for stage in stages:
        extra = {"notice_served_on": served_on} if stage == CaseStage.NOTICE and served_on else {}
        case = services.case_advance(
            actor=actor, case=case, to_stage=stage, note=notes.get(stage, default[stage]), **extra
        )
    return case


def _review(reviewer, case: Case, result=ReviewResult.PASSED, opinion: str = "") -> None:
    opinion = opinion or (
        "经审核，本案事实清楚，证据确凿，适用依据正确，程序合法，拟作出的处罚决定适当，同意作出处罚决定。"
        if result == ReviewResult.PASSED
        else "经审核，本案涉案货值金额的认定证据不足，请补充调取进销货台账后重新报审。"
    )
    services.legal_review_record(actor=reviewer, case=case, result=result, opinion=opinion)


def _propose(actor, case: Case, p: Plan) -> None:
    """The handlers' 拟处罚意见 for a case waiting for 法制审核: the middle of the benchmark range for its circumstance."""
    spec = p.standard
    lo, hi = {
        Circumstance.LIGHTER: spec.ranges[0:2],
        Circumstance.GENERAL: spec.ranges[2:4],
        Circumstance.HEAVIER: spec.ranges[4:6],
    }[p.circumstance]
    fine = M((lo + hi) // 2 // spec.step * spec.step)
    case_proposal_record(
        actor=actor,
        case=case,
        penalty_types=[PenaltyType.FINE],
        fine_amount=fine,
        circumstance=p.circumstance,
        legal_basis=spec.penalty_basis,
        note="拟作出重大执法决定，报请法制审核。",
    )


def _decide(actor, rng: random.Random, case: Case, p: Plan, **override):
    spec = p.standard
    fine = _fine(rng, spec, p.circumstance) if spec else M("500")
    income = M(rng.randint(6, 80) * 100) if spec and PenaltyType.CONFISCATE_INCOME in spec.extra_types else M("0")
    types = [PenaltyType.FINE, *[t for t in (spec.extra_types if spec else ()) if t != PenaltyType.WARNING]]
    if spec and PenaltyType.WARNING in spec.extra_types:
        types.insert(0, PenaltyType.WARNING)
    out_of_range_reason = ""
    if p.out_of_range:
        fine = M(max(spec.ranges[0] // 2, spec.step))
        out_of_range_reason = (
            "当事人主动消除违法行为危害后果，积极配合调查并如实陈述违法事实，依据《中华人民共和国行政处罚法》第三十二条第（一）项，"
            "在法定幅度内减轻处罚，低于裁量基准从轻情形下限，已经法制审核。"
        )
    if p.extra.get("heavy"):
        types.append(spec.heavy_penalty_types[0])
    parts = []
    if PenaltyType.WARNING in types:
        parts.append("警告")
    if income:
        parts.append(f"没收违法所得{income}元")
    parts.append(f"罚款{fine}元")
    if p.extra.get("heavy"):
        parts.append("吊销《食品经营许可证》" if spec.heavy_penalty_types[0] == "revoke_licence" else "责令停产停业")
    content = "；".join(f"{i}. {text}" for i, text in enumerate(parts, start=1)) + "。"
    facts = _facts(rng, spec, p.filed_on, income, p.entity.industry_code) if spec else p.extra.get("facts", "")
    fields = {
        "penalty_types": types,
        "fine_amount": fine,
        "confiscation_amount": income,
        "circumstance": p.circumstance,
        "facts": facts,
        "evidence": spec.evidence if spec else "询问笔录、网络交易记录截图、进货凭证",
        "legal_basis": spec.penalty_basis if spec else "",
        "penalty_content": content,
        "performance": PERFORMANCE,
        "decided_on": p.decided_on,
        "out_of_range_reason": out_of_range_reason,
    }
    fields.update(override)
    return services.penalty_decision_issue(actor=actor, case=case, **fields)


def _seed_case(p: Plan, ctx: dict) -> Case:
    depts, roster, rng = ctx["depts"], ctx["roster"], ctx["rng"]
    actor = ctx["heads"].get(p.dept) or ACTOR
    reviewer = ctx["reviewers"][p.dept]
    party, title = _case_key(p)
    first = ctx["officer"] if p.dept == "ZZSJ" and ctx["officer"] is not None and rng.random() < 0.3 else None
    handlers = roster.handlers(p.dept, p.entity.uscc if p.entity else "", first=first)
    heavy = p.extra.get("heavy")
    # 重大执法决定 (法制审核 first): heavy penalties, and fines from 100,000 yuan on an organisation.
    major = (
        p.major
        or heavy
        or bool(p.standard and p.target in ("published", "revoked") and p.standard.ranges[2] >= MAJOR_FINE)
    )
    complaint, result = p.extra.get("complaint"), p.extra.get("result")
    if complaint is not None:
        case = services.complaint_convert_to_case(
            actor=actor,
            complaint=complaint,
            handlers=handlers,
            title=title,
            party_name=party,
            standard=ctx["standards"].get(p.standard.code),
            is_major=major,
        )
    else:
        source, source_note = (
            (CaseSource.INSPECTION, "")
            if result is not None
            else [
                (CaseSource.MONITORING, "网络交易监测发现的违法线索（监测编号 JC-2026-{:04d}）"),
                (CaseSource.TRANSFER_IN, "郑州市公安局移送的线索（郑公移〔2026〕{}号）"),
                (CaseSource.OTHER, "日常监督检查中发现"),
            ][len(ctx["cases"]) % 3]
        )
        case = services.case_open(
            actor=actor,
            department=depts[p.dept],
            party_name=party,
            title=title,
            source=source,
            handlers=handlers,
            entity_uscc=p.entity.uscc if p.entity else "",
            filed_on=p.filed_on,
            source_note=source_note.format(100 + len(ctx["cases"])),
            standard=ctx["standards"][p.standard.code] if p.standard else None,
            is_major=major,
            party_is_minor=p.target == "minor",
            source_result=result,
            note="经初步核查，有证据初步证明涉嫌违法，依法报请负责人批准立案。",
        )
    ctx["cases"].append(case)
    target = p.target
    if target == CaseStage.FILED:
        return case
    case = _advance(actor, case, CaseStage.INVESTIGATION)
    if target == CaseStage.INVESTIGATION or target in (
        CaseOutcome.JUDICIAL_TRANSFER,
        CaseOutcome.TRANSFER_OUT,
        CaseOutcome.WITHDRAWN,
    ):
        if target in CaseOutcome.values:
            case = services.case_close(
                actor=actor, case=case, outcome=target, note=p.extra["note"], closed_on=p.closed_on
            )
        return case
    case = _advance(actor, case, CaseStage.REVIEW)
    if target == CaseStage.REVIEW:
        return case
    if target in (CaseOutcome.NO_PENALTY, CaseOutcome.FIRST_VIOLATION):
        return services.case_close(actor=actor, case=case, outcome=target, note=p.extra["note"], closed_on=p.closed_on)
    reviewed = major or p.out_of_range
    if reviewed:
        if target in (CaseStage.LEGAL_REVIEW, "returned") and p.standard:
            _propose(actor, case, p)  # what the 法制审核 screen shows the reviewer (issue 12 §6)
        case = _advance(actor, case, CaseStage.LEGAL_REVIEW)
        if target == CaseStage.LEGAL_REVIEW:
            return case
        if target == "returned":
            _review(reviewer, case, ReviewResult.RETURNED)
            return Case.objects.get(pk=case.pk)
        _review(reviewer, case)
    served_on = _served_on(p, timezone.localdate())
    case = _advance(actor, case, CaseStage.NOTICE, served_on=served_on)
    if p.decided_on and deadlines.due(DeadlineKind.PARTY_ANSWER, served_on).date >= p.decided_on:
        # Decided within the 5 working days: the party had waived its rights in writing.
        case = case_rights_waive(
            actor=actor, case=case, waived_on=served_on, note="当事人签署《放弃陈述、申辩和听证权利声明书》。"
        )
    if target == CaseStage.NOTICE:
        return case
    if target == "warning":
        services.penalty_decision_issue(
            actor=actor,
            case=case,
            penalty_types=[PenaltyType.WARNING],
            facts=_facts(rng, p.standard, p.filed_on, M(0), p.entity.industry_code),
            evidence=p.standard.evidence,
            legal_basis=p.standard.penalty_basis,
            penalty_content="警告，并责令立即改正。",
            performance=PERFORMANCE_WARNING,
            decided_on=p.decided_on,
            circumstance=Circumstance.LIGHTER,
        )
        return case
    if target == "simplified":
        # 行政处罚法 第51条: 简易程序 for a fine of up to 3,000 yuan on an organisation (当场处罚).
        fine = M(rng.choice([200, 300, 500]))
        _decide(
            actor,
            rng,
            case,
            p,
            procedure=Procedure.SIMPLIFIED,
            fine_amount=fine,
            circumstance=Circumstance.LIGHTER,
            penalty_content=f"罚款人民币{fine}元，当场收缴并出具专用票据。",
            performance="当场缴纳罚款，执法人员出具省财政部门统一制发的专用票据。",
        )
        return case
    if target == "minor":
        services.penalty_decision_issue(
            actor=actor,
            case=case,
            penalty_types=[PenaltyType.WARNING, PenaltyType.CONFISCATE_PROPERTY],
            decided_on=p.decided_on,
            facts="经查，当事人经营者（已满十六周岁不满十八周岁）通过社交平台销售未经备案的进口化妆品12件，货值金额960元。",
            evidence="询问笔录、网络交易记录截图、涉案物品清单",
            legal_basis="《化妆品监督管理条例》第六十一条；《中华人民共和国行政处罚法》第三十条",
            penalty_content="1. 警告；2. 没收涉案化妆品12件。（当事人系未成年人，依法从轻处罚）",
            performance=PERFORMANCE_WARNING,
            circumstance=Circumstance.LIGHTER,
        )
        return case
    decision = _decide(actor, rng, case, p)
    ctx["decisions"].append((p, decision))
    if target == "published":
        stages = {
            CaseStage.DECISION: (),
            CaseStage.SERVICE: (CaseStage.SERVICE,),
            CaseStage.EXECUTION: (CaseStage.SERVICE, CaseStage.EXECUTION),
            CaseStage.CLOSED: (CaseStage.SERVICE, CaseStage.EXECUTION),
        }[p.stage_after]
        case = _advance(actor, case, *stages)
        if p.stage_after == CaseStage.CLOSED:
            case = services.case_close(
                actor=actor,
                case=case,
                outcome=CaseOutcome.PENALTY,
                closed_on=p.closed_on,
                note="当事人已按期缴纳罚没款（见银行缴款凭证），处罚决定执行完毕，经负责人批准结案。",
            )
    return case
