"""Credit demo data for ``manage.py seed_demo`` (郑州市), the plan: records from several departments,
list entries, and grades in all four colours (``seed_credit_demo`` in demo/credit.py pushes it).
Its word lists (legal bases, penalties, licences, topics) are in demo/credit_plan_data.py.

``manage.py seed_demo`` (demo/) seeds it after supervision's demo. Every write goes through the services:
``credit_records_push`` per department in batches, ``list_entry_add`` and ``list_entry_remove``.
Then ``evaluate()`` grades everyone once.

Deterministic and idempotent:
- Each demo entity (organisation code ``MA…``, see demo/city.py) gets a plan from its own RNG, seeded
  with ``SEED`` and its USCC. Entities are planned in USCC order, so document numbers such as
  ``郑市监罚〔2026〕12号`` are the same on every run.
- Dates count back from the demo's day: the day the credit demo was first seeded, read from the
  audit trail (the first push by ``ACTOR``), else today. A rerun on a later day therefore plans the
  same rows, with the same numbers, and adds none.
- Records are keyed by ``(department, source_ref)`` and list entries by
  ``(entity, list_type, decision_no)``. A row that exists is left as it is.

Target mix over the ~2,000 demo entities: about 70% 良好, 12% 警示, 12% 失信 and 6% 严重失信.

Then the remedies (``seed_remedies``, demo/credit_remedies.py): commitments of each type in each state, a few repair
applications and objections at each stage, through the commitment, repair and objection services.
"""

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models.functions import Substr
from django.utils import timezone

from core.models import AuditEvent
from core.workdays import add_working_days
from credit.choices import Grade, ListGround, ListType, Polarity, RecordCategory, RemovalReason, Severity
from demo.credit_plan_data import (
    ABNORMAL_BASIS,
    COMMITMENT_BASIS,
    COMMITMENTS,
    COMPLAINTS,
    DSRY,
    GUIDANCE,
    INDUSTRY_DEPARTMENTS,
    INSPECTION_TOPICS,
    LICENCES,
    MARKET,
    NEW_MECHANISM,
    PENALTIES,
    SERIOUS_LIST_BASIS,
    TAX_BASIS,
)
from supervision.models import MarketEntity

ACTOR = "task:seed_demo"
SEED = "credit-demo-v1"
DEMO_ORG_PREFIX = "MA"  # positions 9–10 of the demo entities' USCCs (demo.city.DEMO_ORG_PREFIX)
PUSH_BATCH = 1000
# Cumulative shares of the target grades; the rest (about 70%) stays 良好.
TARGETS = [(0.06, Grade.SERIOUSLY_DISHONEST), (0.18, Grade.DISHONEST), (0.30, Grade.WARNING)]


class Planner:
    """Builds the deterministic demo plan: records per department, and list entries."""

    def __init__(self, *, today: dt.date, depts: dict):
        self.today = today
        self.depts = depts
        self.counters = Counter()
        self.records = defaultdict(list)  # department code → record dicts as pushed
        self.entries = []  # list_entry_add arguments (+ "remove" for entries that were removed)

    # -- helpers --------------------------------------------------------------------------------
    def number(self, dept_code: str, kind: str, year: int) -> int:
        self.counters[dept_code, kind, year] += 1
        return self.counters[dept_code, kind, year]

    def ref(self, dept_code: str, kind: str, day: dt.date) -> str:
        """A document number such as 郑市监罚〔2026〕12号 (the department's short name, the kind, the year)."""
        return f"{self.depts[dept_code].short_name}{kind}〔{day.year}〕{self.number(dept_code, kind, day.year)}号"

    def day(self, rng, e, lo: int, hi: int) -> dt.date:
        """A day ``lo``–``hi`` days before the demo day, never before the entity was established."""
        day = self.today - dt.timedelta(days=rng.randint(lo, hi))
        founded = (e["established_on"] or dt.date(2000, 1, 1)) + dt.timedelta(days=7)
        return min(max(day, founded), self.today)

    def old_day(self, rng, e, lo: int, hi: int) -> dt.date | None:
        """As ``day``, or None when the entity did not exist then (history must not be moved later)."""
        day = self.today - dt.timedelta(days=rng.randint(lo, hi))
        return day if e["established_on"] is None or day >= e["established_on"] + dt.timedelta(days=7) else None

    def market(self, e) -> str:
        return e["authority"] if e["authority"] in self.depts else "ZZSJ"

    @staticmethod
    def industry_depts(e) -> list[str]:
        for prefix, codes in INDUSTRY_DEPARTMENTS:
            if e["industry_code"].startswith(prefix):
                return codes
        return []

    def add(
        self,
        dept_code,
        e,
        *,
        source_ref,
        category,
        polarity,
        title,
        content,
        decided_on,
        legal_basis,
        severity="",
        amount=None,
        restriction_ends_on=None,
    ):
        self.records[dept_code].append(
            {
                "source_ref": source_ref,
                "uscc": e["uscc"],
                "category": category,
                "polarity": polarity,
                "severity": severity,
                "title": title,
                "content": content,
                "decided_on": decided_on,
                "legal_basis": legal_basis,
                "amount": None if amount is None else Decimal(amount),
                "restriction_ends_on": restriction_ends_on,
            }
        )

    @staticmethod
    def fine(rng, bounds) -> int | None:
        if bounds is None:
            return None
        lo, hi = bounds
        return rng.randint(lo // 100, hi // 100) * 100

    # -- one entity -----------------------------------------------------------------------------
    def plan(self, e) -> None:
        rng = random.Random(f"{SEED}:{e['uscc']}")
        roll = rng.random()
        target = next((grade for bound, grade in TARGETS if roll < bound), Grade.GOOD)
        self.background(rng, e)
        {
            Grade.GOOD: self.good,
            Grade.WARNING: self.warning,
            Grade.DISHONEST: self.dishonest,
            Grade.SERIOUSLY_DISHONEST: self.seriously_dishonest,
        }[target](rng, e)

    def background(self, rng, e) -> None:
        """What most entities have: a licence, inspections without findings, now and then an award."""
        licence = next((spec for spec in LICENCES if e["industry_code"].startswith(spec[0])), None)
        if licence and rng.random() < 0.75:
            _prefix, dept_code, title, pattern, basis = licence
            dept_code = self.market(e) if dept_code == MARKET else dept_code
            day = self.day(rng, e, 30, 1000)
            n = self.number(dept_code, title, 0)
            ref = pattern.format(
                year=day.year,
                n=n,
                region=e["region_code"],
                uscc=e["uscc"],
                check=n % 10,
                kind=2 if e["industry_code"][0] == "H" else 1,
            )
            renewal = rng.random() < 0.3
            self.add(
                dept_code,
                e,
                source_ref=ref,
                category=RecordCategory.LICENCE,
                polarity=Polarity.POSITIVE,
                decided_on=day,
                legal_basis=basis,
                title=f"准予{'延续' if renewal else ''}行政许可：{title}",
                content=f"经审查，申请材料齐全、符合法定形式，决定准予{'延续' if renewal else ''}许可，颁发{title}（编号 {ref}），有效期5年。",
            )
        if rng.random() < 0.45:
            dept_code = (
                self.market(e)
                if rng.random() < 0.7 or not self.industry_depts(e)
                else rng.choice(self.industry_depts(e))
            )
            self.inspection(rng, e, dept_code, finding=None, day=self.day(rng, e, 20, 700))
        if rng.random() < 0.04:
            day = self.day(rng, e, 60, 700)
            self.add(
                "ZZSWJ",
                e,
                source_ref=self.ref("ZZSWJ", "税信A", day),
                category=RecordCategory.AWARD,
                polarity=Polarity.POSITIVE,
                title=f"{day.year - 1}年度纳税信用A级纳税人",
                content=f"经纳税信用评价，{day.year - 1}年度纳税信用级别为A级。",
                decided_on=day,
                legal_basis="《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）",
            )

    def inspection(self, rng, e, dept_code, *, finding, day, severity=Severity.MINOR) -> None:
        topic, _findings = INSPECTION_TOPICS.get(dept_code, INSPECTION_TOPICS[MARKET])
        ref = self.ref(dept_code, "检", day)
        if finding is None:
            self.add(
                dept_code,
                e,
                source_ref=ref,
                category=RecordCategory.INSPECTION,
                polarity=Polarity.NEUTRAL,
                decided_on=day,
                legal_basis=DSRY,
                title="“双随机、一公开”抽查：未发现问题",
                content=f"抽查事项：{topic}。检查结果：未发现问题。",
            )
        else:
            self.add(
                dept_code,
                e,
                source_ref=ref,
                category=RecordCategory.INSPECTION,
                polarity=Polarity.NEGATIVE,
                severity=severity,
                decided_on=day,
                legal_basis=DSRY,
                title="“双随机、一公开”抽查：发现问题，已责令改正",
                content=f"抽查事项：{topic}。检查发现：{finding}。已责令限期改正。",
            )

    def penalty(self, rng, e, severity, *, dept_code=None, day=None) -> tuple:
        """A penalty of this severity from the market regulator or an industry department; returns (dept, day, spec)."""
        if dept_code is None:
            others = [d for d in self.industry_depts(e) if severity in PENALTIES.get(d, {})]
            dept_code = rng.choice(others) if others and rng.random() < 0.35 else MARKET
        spec = rng.choice(PENALTIES[dept_code][severity])
        dept = self.market(e) if dept_code == MARKET else dept_code
        day = day or self.day(
            rng, e, *{Severity.MINOR: (3, 80), Severity.GENERAL: (10, 330), Severity.SERIOUS: (20, 1000)}[severity]
        )
        title, facts, basis, bounds = spec[:4]
        amount = self.fine(rng, bounds)
        punishment = f"罚款人民币{amount}元" if amount else "警告"
        if severity == Severity.SERIOUS and spec[4] == ListGround.LICENCE_REVOKED:
            punishment += "，吊销许可证件"
        elif severity == Severity.SERIOUS and spec[4] == ListGround.BUSINESS_RESTRICTED:
            punishment += "，责令停产停业"
        self.add(
            dept,
            e,
            source_ref=self.ref(dept, "罚", day),
            category=RecordCategory.PENALTY,
            polarity=Polarity.NEGATIVE,
            severity=severity,
            title=title,
            content=f"{facts}处罚决定：{punishment}。",
            decided_on=day,
            legal_basis=basis,
            amount=amount,
        )
        return dept, day, spec

    def entry(self, e, **kw) -> None:
        self.entries.append({"entity_uscc": e["uscc"], **kw})

    # -- by target grade ------------------------------------------------------------------------
    def good(self, rng, e) -> None:
        roll = rng.random()
        if roll < 0.05:
            # An old 一般 penalty whose window has closed: history, no longer counted.
            day = self.old_day(rng, e, 400, 900)
            if day:
                self.penalty(rng, e, Severity.GENERAL, day=day)
        elif roll < 0.08 and e["uscc"][:2] == "91":
            self.red_list(rng, e)
        elif roll < 0.10 and e["uscc"][:2] == "91":
            self.abnormal_removed(rng, e)

    def warning(self, rng, e) -> None:
        roll = rng.random()
        dept = self.market(e)
        if roll < 0.4:
            others = self.industry_depts(e)
            dept = rng.choice(others) if others and rng.random() < 0.4 else dept
            _topic, findings = INSPECTION_TOPICS.get(dept, INSPECTION_TOPICS[MARKET])
            self.inspection(rng, e, dept, finding=rng.choice(findings), day=self.day(rng, e, 3, 80))
        elif roll < 0.6:
            minors = [d for d in self.industry_depts(e) if Severity.MINOR in PENALTIES.get(d, {})]
            self.penalty(
                rng, e, Severity.MINOR, dept_code=rng.choice(minors) if minors and rng.random() < 0.5 else MARKET
            )
        elif roll < 0.85:
            day = self.day(rng, e, 30, 700)
            self.entry(
                e,
                list_type=ListType.KEY_ATTENTION,
                ground=ListGround.DISHONEST_BELOW_SERIOUS,
                legal_basis=NEW_MECHANISM,
                department=dept,
                decided_on=day,
                decision_no=self.ref(dept, "重关", day),
                facts="近两年内多次被投诉举报并经核实，且存在一般失信行为，未达到严重失信认定标准，列为重点关注对象，实施重点监管。",
            )
        else:
            # ≥3 verified complaints in 12 months (DOMAIN §3); some within 90 days, so the burst rule fires too.
            recent = rng.random() < 0.5
            for _ in range(rng.randint(3, 4)):
                day = self.day(rng, e, 2, 85 if recent else 330)
                topic = rng.choice(COMPLAINTS)
                self.add(
                    dept,
                    e,
                    source_ref=self.ref(dept, "投", day),
                    category=RecordCategory.COMPLAINT,
                    polarity=Polarity.NEGATIVE,
                    severity=Severity.MINOR,
                    decided_on=day,
                    title=f"经核实的投诉举报：{topic}",
                    content=f"消费者通过全国12315平台投诉，经调查核实：{topic}。已责令当事人改正，并督促与消费者和解。",
                    legal_basis="《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号）",
                )

    def dishonest(self, rng, e) -> None:
        roll = rng.random()
        enterprise = e["uscc"][:2] in ("91", "93")
        if roll < 0.45 or (roll < 0.72 and not enterprise):
            self.penalty(rng, e, Severity.GENERAL)
        elif roll < 0.72:
            self.abnormal(rng, e)
        elif roll < 0.87:
            day = self.day(rng, e, 15, 330)
            amount = self.fine(rng, (5000, 300000))
            self.add(
                "ZZSWJ",
                e,
                source_ref=self.ref("ZZSWJ", "欠税公告", day),
                category=RecordCategory.TAX_ARREARS,
                polarity=Polarity.NEGATIVE,
                severity=Severity.GENERAL,
                decided_on=day,
                amount=amount,
                legal_basis=TAX_BASIS,
                title="欠缴税款",
                content=f"截至{day.year}年{day.month}月{day.day}日，当事人欠缴增值税、城市维护建设税等税款合计人民币{amount}元，经催缴仍未缴纳，依法予以公告。",
            )
        else:
            matter, material = rng.choice(COMMITMENTS)
            dept = self.market(e)
            day = self.day(rng, e, 15, 330)
            self.add(
                dept,
                e,
                source_ref=self.ref(dept, "诺", day),
                category=RecordCategory.COMMITMENT,
                polarity=Polarity.NEGATIVE,
                severity=Severity.GENERAL,
                decided_on=day,
                legal_basis=COMMITMENT_BASIS,
                title=f"违反信用承诺：{matter}告知承诺未履行",
                content=f"当事人在办理{matter}时作出告知承诺，承诺限期补交{material}。经核查，逾期未履行承诺，承诺内容与实际情况不符。",
            )

    def seriously_dishonest(self, rng, e) -> None:
        if rng.random() < 0.6:
            # 严重违法失信名单: a heavier penalty, prior notice, then the decision (DOMAIN §3).
            dept, day, spec = self.penalty(rng, e, Severity.SERIOUS, dept_code=MARKET)
            notice = day - dt.timedelta(days=rng.randint(12, 30))
            decided = min(day + dt.timedelta(days=rng.randint(0, 10)), self.today)
            self.entry(
                e,
                list_type=ListType.SERIOUS,
                ground=spec[4],
                legal_basis=SERIOUS_LIST_BASIS,
                department=dept,
                decided_on=decided,
                notice_on=notice,
                decision_no=self.ref(dept, "严列", decided),
                facts=f"当事人{spec[0]}，已被依法{('吊销许可证件' if spec[4] == ListGround.LICENCE_REVOKED else '从重处罚')}。"
                f"作出列入决定前已于{notice:%Y年%m月%d日}告知当事人，当事人未在规定期限内提出陈述、申辩或者陈述、申辩理由不成立。",
            )
        else:
            dept, day, spec = self.penalty(rng, e, Severity.SERIOUS)
            if spec[4] == ListGround.BUSINESS_RESTRICTED and rng.random() < 0.5:
                record = self.records[dept][-1]
                record["restriction_ends_on"] = day + relativedelta(years=rng.choice([3, 4, 5]))

    # -- lists -----------------------------------------------------------------------------------
    def abnormal(self, rng, e) -> None:
        """An active 经营异常名录 entry; about a quarter listed more than 3 years ago (→ a proposal)."""
        dept = self.market(e)
        old = rng.random() < 0.25
        ground = rng.choice(list(ABNORMAL_BASIS))
        if ground == ListGround.NO_ANNUAL_REPORT:
            # No annual report by 30 June: the ground is established on 1 July.
            latest = self.today - relativedelta(years=3, days=20) if old else self.today - dt.timedelta(days=20)
            year = latest.year if dt.date(latest.year, 7, 1) <= latest else latest.year - 1
            if not old:
                year -= rng.randint(0, 1)
            established = dt.date(year, 7, 1)
            facts = f"未按照《企业信息公示暂行条例》第八条规定于{year}年6月30日前报送{year - 1}年度报告。"
            if e["established_on"] and e["established_on"] > dt.date(year - 1, 12, 31):
                ground, established = ListGround.UNREACHABLE, None
        else:
            established = None
        if established is None:
            established = self.old_day(rng, e, 1150, 1500) if old else self.day(rng, e, 25, 1000)
            if established is None:
                old, established = False, self.day(rng, e, 25, 1000)
            facts = {
                ListGround.INFO_NOT_PUBLISHED: "未在市场监督管理部门责令的期限内公示股东认缴和实缴的出资额、出资时间等即时信息。",
                ListGround.FALSE_INFO: "经抽查，公示的年度报告中从业人数、资产总额等信息隐瞒真实情况、弄虚作假。",
                ListGround.UNREACHABLE: "经实地核查并以挂号信函联系，通过登记的住所或者经营场所无法联系。",
            }.get(ground, "经实地核查并以挂号信函联系，通过登记的住所或者经营场所无法联系。")
        listed = min(add_working_days(established, rng.randint(3, 9)).date, self.today)
        self.entry(
            e,
            list_type=ListType.ABNORMAL,
            ground=ground,
            legal_basis=ABNORMAL_BASIS[ground],
            department=dept,
            decided_on=listed,
            ground_established_on=established,
            decision_no=self.ref(dept, "经异", listed),
            facts=facts,
        )

    def abnormal_removed(self, rng, e) -> None:
        """History: listed for a missing annual report, removed after filing it (within 5 working days)."""
        dept = self.market(e)
        year = self.today.year - rng.randint(1, 2)
        established = dt.date(year, 7, 1)
        if e["established_on"] and e["established_on"] > dt.date(year - 1, 12, 31):
            return
        listed = add_working_days(established, rng.randint(3, 9)).date
        fulfilled = listed + dt.timedelta(days=rng.randint(20, 150))
        removed = add_working_days(fulfilled, rng.randint(1, 5)).date
        if removed > self.today:
            return
        self.entry(
            e,
            list_type=ListType.ABNORMAL,
            ground=ListGround.NO_ANNUAL_REPORT,
            legal_basis=ABNORMAL_BASIS[ListGround.NO_ANNUAL_REPORT],
            department=dept,
            decided_on=listed,
            ground_established_on=established,
            decision_no=self.ref(dept, "经异", listed),
            facts=f"未按照《企业信息公示暂行条例》第八条规定于{year}年6月30日前报送{year - 1}年度报告。",
            remove={
                "reason": RemovalReason.DUTY_FULFILLED,
                "removed_on": removed,
                "duty_fulfilled_on": fulfilled,
                "note": f"已于{fulfilled:%Y年%m月%d日}补报年度报告并公示，申请移出",
            },
        )

    def red_list(self, rng, e) -> None:
        day = self.day(rng, e, 60, 500)
        self.add(
            "ZZSJ",
            e,
            source_ref=self.ref("ZZSJ", "表", day),
            category=RecordCategory.AWARD,
            polarity=Polarity.POSITIVE,
            decided_on=day,
            title=f"郑州市“守合同重信用”企业（{day.year - 1}年度）",
            legal_basis=GUIDANCE,
            content="经企业申报、部门审核和社会公示，认定为郑州市“守合同重信用”企业。",
        )
        self.entry(
            e,
            list_type=ListType.RED,
            ground=ListGround.TRUSTWORTHY,
            legal_basis=GUIDANCE,
            department="ZZSJ",
            decided_on=day,
            decision_no=self.ref("ZZSJ", "信激", day),
            facts="连续三年无失信记录，被认定为“守合同重信用”企业，列入守信激励对象名单。",
        )


# --- seeding ------------------------------------------------------------------------------------------


def demo_today() -> dt.date:
    """The day the credit demo was first seeded (from the audit trail), else today."""
    first = (
        AuditEvent.objects.filter(action="credit_record.push", actor_label=ACTOR)
        .order_by("id")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else timezone.localdate()


def demo_entities() -> list[dict]:
    rows = (
        MarketEntity.objects.annotate(org=Substr("uscc", 9, 2))
        .filter(org=DEMO_ORG_PREFIX)
        .order_by("uscc")
        .values("uscc", "industry_code", "region_code", "established_on", "registration_authority__code")
    )
    return [{**r, "authority": r.pop("registration_authority__code")} for r in rows]


def build_plan(*, today: dt.date, depts: dict, entities: list[dict]) -> Planner:
    planner = Planner(today=today, depts=depts)
    for e in entities:
        planner.plan(e)
    return planner


# --- remedies (issue 4 §5): commitments, repair applications and objections -----------------------
#
# A handful of each, on demo entities and records picked with their own RNG from lists that do not
# depend on what the remedies changed (a repaired or revoked record stays a candidate), so a rerun
# picks the same ones. Keys: a commitment by (entity, type, made-on date); a repair application or an
# objection by its record. A row that exists is left as it is; tracking numbers are random.
