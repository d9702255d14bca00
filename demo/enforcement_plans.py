"""Enforcement demo data, part 2a: what the cases will be. The roster of parties and certified handlers they
are drawn from, the 执法人员 and 法制审核人员 logins, and the plan of every case (``Plan``: stage, outcome, dates),
which demo/enforcement_cases.py then seeds (demo/enforcement.py runs both; see its docstring for the whole story)."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core import audit
from core.workdays import is_working_day
from demo.enforcement_standards import (
    ACTOR,
    DEMO_ORG_PREFIX,
    ESTABLISHED_BEFORE,
    LOGINS,
    PASSWORD,
    PUBLISHED,
    STANDARDS,
    StandardSpec,
)
from enforcement.choices import CaseOutcome, CaseStage, Circumstance
from enforcement.models import PenaltyDecision
from inspections.models import InspectionResult
from supervision import services as supervision_services
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
