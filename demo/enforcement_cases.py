"""Enforcement demo data, part 2: the cases (立案 → … → 结案) at every stage and with every outcome, and
the roster of parties and certified handlers they are drawn from, plus the 执法人员 and 法制审核人员
logins (demo/enforcement.py runs them; see its docstring for the whole story)."""

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from core import audit
from core.workdays import is_working_day
from credit.choices import PenaltyType
from demo.enforcement_standards import (
    ACTOR,
    DEMO_ORG_PREFIX,
    ESTABLISHED_BEFORE,
    LOGINS,
    MAJOR_FINE,
    PASSWORD,
    PERFORMANCE,
    PERFORMANCE_WARNING,
    PUBLISHED,
    STANDARDS,
    M,
    StandardSpec,
)
from enforcement import services
from enforcement.case_steps import case_proposal_record, case_rights_waive
from enforcement.choices import (
    CaseOutcome,
    CaseSource,
    CaseStage,
    Circumstance,
    Procedure,
    ReviewResult,
)
from enforcement.models import Case, PenaltyDecision
from inspections.models import InspectionResult
from supervision import deadlines
from supervision import services as supervision_services
from supervision.choices import DeadlineKind
from supervision.models import Inspector, InspectorConflict, MarketEntity
from supervision.services import observation_period_applies

CLOSING_NOTES = {
    (
        CaseOutcome.JUDICIAL_TRANSFER,
        "SJ-SP-001",
    ): "经调查，当事人在卤制品中添加罂粟壳，涉嫌生产、销售有毒、有害食品罪（《中华人民共和国刑法》第一百四十四条），"
    "依据《行政执法机关移送涉嫌犯罪案件的规定》移送郑州市公安局。",
    (CaseOutcome.JUDICIAL_TRANSFER, "SJ-GG-001"): "经调查，当事人发布虚假广告销售假冒保健食品，涉案金额巨大，"
    "涉嫌虚假广告罪（《中华人民共和国刑法》第二百二十二条），移送郑州市公安局。",
    (
        CaseOutcome.NO_PENALTY,
        "SJ-JG-001",
    ): "当事人违法行为轻微并及时改正，没有造成危害后果，依据《中华人民共和国行政处罚法》第三十三条第一款，不予行政处罚，"
    "已进行批评教育。",
    (
        CaseOutcome.NO_PENALTY,
        "WJ-GC-002",
    ): "经调查，当事人已委托有资质的检测机构完成检测，违法事实不能成立，依据《中华人民共和国行政处罚法》"
    "第五十七条第一款第（三）项，不予行政处罚。",
    (
        CaseOutcome.TRANSFER_OUT,
        "SJ-SP-003",
    ): "经调查，涉案经营场所位于郑州航空港经济综合实验区，依法移送该区市场监督管理局管辖。",
    (CaseOutcome.WITHDRAWN, "WJ-GC-001"): "立案后查明当事人已于立案前办理注销登记，依法撤销立案。",
    (
        CaseOutcome.FIRST_VIOLATION,
        "SJ-DS-001",
    ): "当事人处于包容审慎监管观察期内，系首次违法且危害后果轻微，已在责令期限内改正，依据首违不罚清单不予行政处罚，"
    "已制发《行政指导书》。",
}
# Published penalties: (circumstance, major) per decision, cycled. 重大执法决定 need a passed 法制审核.
CIRCUMSTANCES = [
    Circumstance.GENERAL,
    Circumstance.LIGHTER,
    Circumstance.GENERAL,
    Circumstance.HEAVIER,
    Circumstance.GENERAL,
]
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


@dataclass
class Plan:
    """What the demo does with one case."""

    dept: str
    standard: StandardSpec | None
    entity: MarketEntity | None
    target: str  # a stage, "published", "warning", "simplified", "minor", "revoked", or an outcome
    filed_on: dt.date
    decided_on: dt.date | None = None
    stage_after: str = CaseStage.DECISION  # for published decisions: decision/service/execution/closed
    closed_on: dt.date | None = None
    circumstance: str = Circumstance.GENERAL
    major: bool = False
    out_of_range: bool = False
    party_name: str = ""
    title: str = ""
    extra: dict = field(default_factory=dict)


def _working_day(day: dt.date, not_after: dt.date) -> dt.date:
    """The nearest working day on or before ``day`` (and never after ``not_after``)."""
    day = min(day, not_after)
    for _ in range(15):
        if is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return day


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


# --- the roster the demo draws from ------------------------------------------------------------


def _entity_pools() -> list[MarketEntity]:
    """Active demo entities in USCC order (bench rows are left out). The cut-off is a fixed date, not
    the day of the run, so a rerun on a later day draws the same parties and adds nothing."""
    return list(
        MarketEntity.objects.filter(
            status="active", uscc__regex=rf"^.{{8}}{DEMO_ORG_PREFIX}", established_on__lt=ESTABLISHED_BEFORE
        )
        .only("uscc", "name", "industry_code", "legal_representative", "registered_address", "region_code")
        .order_by("uscc")
    )


class Roster:
    """Entities (each used once) and certified handlers, drawn deterministically."""

    def __init__(self, rng: random.Random, depts: dict, today: dt.date, earliest: dt.date):
        self.rng = rng
        self.entities = _entity_pools()
        rng.shuffle(self.entities)
        self.used: set[str] = set()
        self.conflicts = set(InspectorConflict.objects.values_list("inspector_id", "entity_uscc"))
        self.inspectors = {
            code: [
                i
                for i in Inspector.objects.filter(department=dept, active=True).order_by("certificate_no")
                if i.certificate_valid_on(earliest) and i.certificate_valid_on(today)
            ]
            for code, dept in depts.items()
        }
        self.turn = {code: 0 for code in depts}

    def entity(self, industries=(), exclude_prefixes=(), individual=False) -> MarketEntity | None:
        for strict in (True, False):
            for e in self.entities:
                if (
                    e.uscc in self.used
                    or any(e.industry_code.startswith(p) for p in exclude_prefixes)
                    or (individual and e.uscc[:2] != "92")
                ):
                    continue
                if strict and industries and not any(e.industry_code.startswith(p) for p in industries):
                    continue
                self.used.add(e.uscc)
                return e
        return None

    def handlers(self, dept: str, entity_uscc: str = "", first: Inspector | None = None) -> list[Inspector]:
        """Two certified officers without a declared conflict with the party (行政处罚法 第42条、第43条)."""
        pool = [i for i in self.inspectors[dept] if (i.pk, entity_uscc) not in self.conflicts]
        chosen = [first] if first is not None and first in pool else []
        while len(chosen) < 2:
            candidate = pool[self.turn[dept] % len(pool)]
            self.turn[dept] += 1
            if candidate not in chosen:
                chosen.append(candidate)
        return chosen


# --- logins ------------------------------------------------------------------------------------


def seed_logins(depts: dict, roster: Roster) -> dict:
    """The 执法人员 and 法制审核人员 logins; the 执法人员 is linked to a certified ZZSJ officer."""
    User = get_user_model()
    users, added, encoded = {}, 0, None
    for username, code, role, name in LOGINS:
        user = User.objects.filter(username=username).first()
        officer = None
        if not name:
            officer = next((i for i in roster.inspectors[code] if i.user_id is None), None)
            name = officer.name if officer is not None else ""
        if user is None:  # never reset an existing password
            # One hash for the shared demo password (each PBKDF2 hash costs about half a second).
            encoded = encoded or make_password(PASSWORD)
            user = User.objects.create(
                username=username, password=encoded, email="", department=depts[code], is_staff=True, first_name=name
            )
            user.groups.add(Group.objects.get(name=role))
            audit.record(
                actor=ACTOR,
                action="user.create",
                target=user,
                after={"username": username, "department": depts[code].pk, "groups": [str(role)], "is_staff": True},
            )
            added += 1
            if officer is not None:
                supervision_services.inspector_save(actor=ACTOR, inspector=officer, user=user)
        users[username] = user
    return {"users": users, "added": added}


# --- cases -------------------------------------------------------------------------------------


def _plans(rng: random.Random, roster: Roster, today: dt.date) -> list[Plan]:
    """Every case the demo wants, with its dates; deterministic for a given roster and day."""
    plans = []
    sj, wj = STANDARDS["ZZSJ"], STANDARDS["ZZWJ"]

    def day(lo: int, hi: int) -> dt.date:
        return _working_day(today - dt.timedelta(days=rng.randint(lo, hi)), today)

    def plan(dept, spec, target, filed_on, **kw):
        entity = kw.pop("entity", None) or roster.entity(
            spec.industries if spec else (), exclude_prefixes=("I6450", "I6432")
        )
        return Plan(dept=dept, standard=spec, entity=entity, target=target, filed_on=filed_on, **kw)

    # Published decisions, oldest first: decided 5–150 days ago; the newest are still at 决定, the oldest closed.
    for n in range(PUBLISHED):
        dept = "ZZWJ" if n % 5 == 4 else "ZZSJ"
        spec = (wj if dept == "ZZWJ" else sj)[(n * 7) % len(wj if dept == "ZZWJ" else sj)]
        if spec.code == "SJ-DS-001":
            spec = sj[0]
        age = 150 - n * 145 // PUBLISHED
        decided_on = _working_day(today - dt.timedelta(days=age), today - dt.timedelta(days=1))
        filed_on = _working_day(decided_on - dt.timedelta(days=rng.randint(25, 55)), decided_on)
        stage = (
            CaseStage.CLOSED
            if n < 26
            else CaseStage.EXECUTION
            if n < 34
            else CaseStage.SERVICE
            if n < 42
            else CaseStage.DECISION
        )
        closed_on = (
            _working_day(decided_on + dt.timedelta(days=rng.randint(18, 40)), today)
            if stage == CaseStage.CLOSED
            else None
        )
        circumstance = CIRCUMSTANCES[n % len(CIRCUMSTANCES)]
        plans.append(
            plan(
                dept,
                spec,
                "published",
                filed_on,
                decided_on=decided_on,
                stage_after=stage,
                closed_on=closed_on,
                circumstance=circumstance,
                out_of_range=n == 12,
                extra={"heavy": n == 3},
            )
        )
    # Revoked on administrative review after publication (withdrawn with the reason).
    plans.append(
        plan("ZZSJ", sj[8], "revoked", day(120, 140), decided_on=day(80, 95), circumstance=Circumstance.GENERAL)
    )
    # Never published: warning only, simplified procedure, a minor party.
    for k in range(3):
        spec = wj[k % 2] if k < 2 else sj[7]
        plans.append(plan("ZZWJ" if k < 2 else "ZZSJ", spec, "warning", day(40, 70), decided_on=day(10, 30)))
    for _ in range(2):
        plans.append(plan("ZZSJ", sj[7], "simplified", day(20, 40), decided_on=day(5, 15)))
    # A minor who runs a registered online shop (个体工商户): the case needs the shop's USCC (case_open keeps
    # no party without one), and the decision is never published (DOMAIN §5).
    shop = roster.entity(("F5234", "F5232", "F52"), individual=True)
    plans.append(
        Plan(
            dept="ZZSJ",
            standard=None,
            entity=shop,
            target="minor",
            filed_on=day(30, 50),
            decided_on=day(8, 20),
            title="涉嫌通过网络销售未经备案的进口化妆品（当事人系未成年人）",
        )
    )
    # In progress, stage by stage (some major: 法制审核 before 告知).
    for target, count in (
        (CaseStage.FILED, 4),
        (CaseStage.INVESTIGATION, 5),
        (CaseStage.REVIEW, 4),
        (CaseStage.LEGAL_REVIEW, 3),
        ("returned", 1),
        (CaseStage.NOTICE, 5),
    ):
        for k in range(count):
            dept = "ZZWJ" if k % 3 == 2 else "ZZSJ"
            pool = wj if dept == "ZZWJ" else sj
            spec = pool[(k * 3 + len(plans)) % len(pool)]
            major = target in (CaseStage.LEGAL_REVIEW, "returned") or (target == CaseStage.NOTICE and k == 0)
            # Issue 12 §6: one case in 告知 served yesterday, waiting out the party's 5 working days.
            plans.append(
                plan(
                    dept,
                    spec,
                    target,
                    day(3, 45),
                    major=major,
                    extra={"waiting": target == CaseStage.NOTICE and k == 1},
                )
            )
    # Closed without a decision.
    for dept, spec, outcome, filed, closed, title in (
        ("ZZSJ", sj[0], CaseOutcome.JUDICIAL_TRANSFER, (60, 90), (15, 30), "涉嫌在食品中添加非食用物质"),
        ("ZZSJ", sj[4], CaseOutcome.JUDICIAL_TRANSFER, (70, 100), (20, 40), ""),
        ("ZZSJ", sj[7], CaseOutcome.NO_PENALTY, (40, 60), (5, 20), ""),
        ("ZZWJ", wj[1], CaseOutcome.NO_PENALTY, (40, 60), (5, 20), ""),
        ("ZZSJ", sj[2], CaseOutcome.TRANSFER_OUT, (30, 50), (10, 25), ""),
        ("ZZWJ", wj[0], CaseOutcome.WITHDRAWN, (30, 50), (10, 25), ""),
    ):
        note = CLOSING_NOTES[outcome, spec.code]
        plans.append(plan(dept, spec, outcome, day(*filed), closed_on=day(*closed), title=title, extra={"note": note}))
    filed_on = day(20, 40)
    newcomer = _observation_entity(roster, filed_on)
    if newcomer is not None:
        plans.append(
            plan(
                "ZZSJ",
                sj[9],
                CaseOutcome.FIRST_VIOLATION,
                filed_on,
                closed_on=day(3, 10),
                entity=newcomer,
                extra={"note": CLOSING_NOTES[CaseOutcome.FIRST_VIOLATION, sj[9].code]},
            )
        )
    return [p for p in plans if p.entity is not None]


def _inspection_plans(roster: Roster, today: dt.date) -> list[Plan]:
    """Cases from the 双随机 results that proposed one (移交执法稽查机构调查处理), as the inspections demo left them."""
    sj = {s.code: s for s in STANDARDS["ZZSJ"]}
    plans = []
    # Not filtered on "no case yet": a rerun must pick the same results (and then finds their cases).
    results = (
        InspectionResult.objects.filter(department__code="ZZSJ", needs_case=True)
        .select_related("task__entity")
        .order_by("inspected_on", "id")
    )
    for n, result in enumerate(results[:3]):
        entity = result.task.entity
        if entity is None or entity.uscc in roster.used:
            continue
        roster.used.add(entity.uscc)
        spec = (
            sj["SJ-SP-001"]
            if "保质期" in result.findings
            else sj["SJ-SP-002"]
            if "进货查验" in result.findings
            else None
        )
        title = "" if spec else "涉嫌生产、销售标识不符合规定的产品"
        filed_on = _working_day(min(result.inspected_on + dt.timedelta(days=7), today), today)
        plans.append(
            Plan(
                dept="ZZSJ",
                standard=spec,
                entity=entity,
                target=(CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.FILED)[n % 3],
                filed_on=filed_on,
                title=title,
                extra={"result": result},
            )
        )
    return plans


def _observation_entity(roster: Roster, day: dt.date) -> MarketEntity | None:
    """An entity in a 包容审慎 observation period on ``day``, never penalised, for 首违不罚 (DOMAIN §2)."""
    for e in roster.entities:
        fits = (
            e.uscc not in roster.used
            and e.industry_code.startswith(("I6450", "I6432"))
            and observation_period_applies(e, day)
        )
        if fits and not PenaltyDecision.objects.filter(entity=e.uscc).exists():
            roster.used.add(e.uscc)
            return e
    return None


def _case_key(p: Plan) -> tuple[str, str]:
    party = p.party_name or p.entity.name
    title = p.title or f"涉嫌{p.standard.violation_type}"  # every plan without a benchmark has its own title
    return party, title


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
