"""Enforcement demo data for ``manage.py seed_demo`` (郑州市, issue 6 §5).

``manage.py seed_demo`` (demo/) calls ``seed_enforcement_demo`` last, after the credit and
inspections demos. Every write goes through ``enforcement.services`` as an official's would (benchmarks in
demo/enforcement_standards.py, cases planned in demo/enforcement_plans.py and seeded in demo/enforcement_cases.py,
公示 rules in demo/enforcement_disclosure.py):

- discretion benchmarks (自由裁量基准) of 郑州市市场监督管理局 (食品安全法, 广告法, 价格法, 电子商务法) and
  郑州市卫生健康委员会 (公共场所卫生, 医疗机构管理);
- cases at every stage (立案 → 调查取证 → 案件审核 → 法制审核 → 告知 → 决定 → 送达 → 执行 → 结案), the major
  ones reviewed by a 法制审核人员 login, closed ones with every outcome (移送司法机关, 不予处罚, 首违不罚 for an
  entity in an observation period, 移送其他行政机关, 撤销立案); their sources are monitoring, transfers,
  routine checks, the 双随机 results that proposed a case, and complaints;
- the numbering continues after the decisions the credit demo already pushed (``郑市监罚〔2026〕N号``),
  so no document number is used twice;
- about 50 penalty decisions dated over the last five months and published by
  ``disclosures_publish`` (so each is also a credit record), a few warning-only, simplified-procedure
  and minor-party ones that are never published, one revoked on administrative review (withdrawn
  with its reason), and a few 曝光台 cases with their 评析;
- about 60 complaints (网站, 12345, 12315) in every state: some verified (credit records, one entity
  three times, so the 投诉举报激增 warning fires), some converted to cases.

Deterministic and idempotent:
- Every choice comes from ``random.Random(SEED …)`` over the demo roster in USCC order; dates count
  back from the day of the run. Cases are keyed by ``(department, party, 案由)``, complaints by their
  text, benchmarks by ``(department, code)``, logins by username: what exists is left as it is, so a
  rerun adds nothing.
- The services stamp each step with the time of the run: the 全程记录, the complaints' 登记时间 and the
  公示时间 show the seeding time, while the dates of the record itself (立案, 决定, 结案) are spread over
  the months before. About 7 seconds (94 cases, 57 decisions, 57 complaints, all through the services).
"""

import datetime as dt
import random
import re
import time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from credit.models import CreditRecord
from credit.scan import run_risk_scan
from demo import enforcement_disclosure as demo_disclosure
from demo.city import person_name
from demo.enforcement_cases import FEATURE_NOTES, FEATURED_CODES, _seed_case
from demo.enforcement_plans import Plan, Roster, _case_key, _inspection_plans, _plans, _working_day, seed_logins
from demo.enforcement_standards import ACTOR, DEPARTMENTS, SEED, STANDARDS, seed_standards
from enforcement import services
from enforcement.choices import (
    CaseStage,
    ComplaintChannel,
    ComplaintKind,
    ComplaintState,
    ComplaintVerdict,
    DisclosureState,
)
from enforcement.models import Case, Complaint, PenaltyDecision, PenaltyDisclosure
from supervision.models import Department, Inspector

# --- complaints --------------------------------------------------------------------------------

COMPLAINT_TOPICS = {
    "ZZSJ": [
        ("H62", "在该店就餐时发现菜品中有头发和苍蝇，后厨卫生状况很差，要求店家赔偿并请监管部门查处。"),
        ("F5212", "在该超市购买的酸奶已过保质期三天，货架上还有多盒同批次产品在售，要求退一赔十。"),
        ("F52", "该店商品不明码标价，结账时收取的价格明显高于口头报价，店员拒绝出示价目表。"),
        ("F5232", "该店“双十一”促销标注原价899元现价299元，但从未以原价销售过，涉嫌虚构原价。"),
        ("O8040", "办理了5000元的美容储值卡后，门店以装修为由停止营业，无法联系到负责人，余额无法退还。"),
        ("L72", "该公司在短视频平台发布广告，宣称其产品可以“根治糖尿病”，涉嫌虚假宣传。"),
        ("F5251", "该药店向消费者推销保健食品时宣称可以替代降压药，并诱导老人高价购买。"),
        ("I6432", "在该平台下单的社区团购生鲜商品缺斤少两，客服不予处理。"),
        ("H6291", "该早餐店从业人员未戴口罩、手套直接用手拿取包子，也没有健康证公示。"),
        ("F5261", "购车时被强制要求购买指定保险和装饰套餐，否则不予交车。"),
    ],
    "ZZWJ": [
        ("O8051", "该浴池的池水浑浊有异味，更衣室毛巾重复使用未消毒。"),
        ("Q8425", "该诊所的坐诊人员没有医师执业证书，却给病人输液、开处方。"),
        ("O8040", "该美容店在店内给顾客注射玻尿酸，操作人员不是医生，店里也没有医疗机构执业许可证。"),
        ("H6121", "入住该酒店时发现床单有污渍、毛发，明显未更换，卫生间杯具没有消毒。"),
        ("R8930", "该健身房的游泳池水质浑浊，长期没有换水，游泳后皮肤瘙痒。"),
    ],
}
OUTCOMES = {
    ComplaintVerdict.VERIFIED: "经现场核查，反映的问题属实。已责令当事人立即改正，并依法处理；当事人已整改到位。",
    ComplaintVerdict.PARTLY: "经现场核查，反映的问题部分属实：现场发现部分问题并已责令当事人改正；其余问题未发现相关证据。",
    ComplaintVerdict.UNFOUNDED: "经现场核查和调取相关记录，未发现反映的问题，投诉举报内容不属实。",
    ComplaintVerdict.OUT_OF_SCOPE: "经核实，反映的问题不属于本部门职责范围，已告知向有管辖权的部门反映。",
}
# (state, verdict or "", how many) per channel mix below; converted complaints become cases.
COMPLAINT_MIX = (
    [(ComplaintState.RECEIVED, "")] * 14
    + [(ComplaintState.HANDLING, "")] * 14
    + [(ComplaintState.CLOSED, ComplaintVerdict.VERIFIED)] * 7
    + [(ComplaintState.CLOSED, ComplaintVerdict.PARTLY)] * 4
    + [(ComplaintState.CLOSED, ComplaintVerdict.UNFOUNDED)] * 8
    + [(ComplaintState.CLOSED, ComplaintVerdict.OUT_OF_SCOPE)] * 4
    + [(ComplaintState.CLOSED, ComplaintVerdict.CONVERTED)] * 6
)
SPIKE = 3  # verified complaints about one entity (issue 6 §1: ≥3 in 30 days warns)


def _reporter(rng: random.Random) -> dict:
    """A plausible, made-up reporter: confidential, never shown publicly."""
    name = person_name(rng) if rng.random() < 0.8 else ""
    phone = (
        f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 9999):04d}{rng.randint(0, 9999):04d}"
        if rng.random() < 0.9
        else ""
    )
    email = f"user{rng.randint(1000, 9999)}@example.com" if rng.random() < 0.3 else ""
    return {"reporter_name": name, "contact_phone": phone, "contact_email": email}


def seed_complaints(ctx: dict) -> dict:
    rng = random.Random(f"{SEED}:complaints")
    roster, depts = ctx["roster"], ctx["depts"]
    channels = [ComplaintChannel.WEB, ComplaintChannel.HOTLINE_12345, ComplaintChannel.HOTLINE_12315]
    added = closed = converted = 0
    spike = {"entity": None, "text": "", "count": 0}  # the first verified ZZSJ entity is verified SPIKE times
    for n, (state, verdict) in enumerate(COMPLAINT_MIX):
        spiking = verdict == ComplaintVerdict.VERIFIED and 0 < spike["count"] < SPIKE
        dept = "ZZSJ" if spiking or verdict == ComplaintVerdict.VERIFIED else "ZZWJ" if n % 4 == 3 else "ZZSJ"
        channel = channels[n % 3] if dept == "ZZSJ" else (ComplaintChannel.WEB, ComplaintChannel.HOTLINE_12345)[n % 2]
        industry, text = COMPLAINT_TOPICS[dept][(n * 7) % len(COMPLAINT_TOPICS[dept])]
        if spiking:
            entity, text = spike["entity"], spike["text"]
        else:
            entity = roster.entity((industry,), exclude_prefixes=("I6450",))
        if entity is None:
            continue
        if verdict == ComplaintVerdict.VERIFIED and spike["entity"] is None:
            spike.update(entity=entity, text=text)
        if verdict == ComplaintVerdict.VERIFIED and spike["entity"] is entity:
            spike["count"] += 1
        content = f"{text}（涉及门店：{entity.name}）"
        if spiking:
            content = f"{text}（涉及门店：{entity.name}。此前已反映过，问题依旧，第{spike['count']}次反映）"
        if Complaint.objects.filter(entity_name=entity.name, content=content).exists():
            continue
        external = ""
        if channel == ComplaintChannel.HOTLINE_12345:
            external = f"ZZ12345-2026{rng.randint(10, 11):02d}{rng.randint(100000, 999999)}"
        elif channel == ComplaintChannel.HOTLINE_12315:
            external = f"1410100{rng.randint(2026000000000, 2026999999999)}"
        actor = ctx["officials"].get(dept) or ACTOR
        complaint, _code = services.complaint_file(
            actor=ACTOR if channel == ComplaintChannel.WEB else actor,
            entity_name=entity.name,
            entity_uscc=entity.uscc,
            content=content,
            kind=ComplaintKind.REPORT if n % 5 == 1 else ComplaintKind.COMPLAINT,
            channel=channel,
            department=depts[dept],
            external_no=external,
            whistleblower=n % 17 == 6,
            **_reporter(rng),
        )
        added += 1
        if state == ComplaintState.RECEIVED:
            continue
        services.complaint_accept(actor=actor, complaint=complaint, note="已受理，安排执法人员核查。")
        if state == ComplaintState.HANDLING:
            continue
        if verdict == ComplaintVerdict.CONVERTED:
            spec = next(
                (
                    s
                    for s in STANDARDS[dept]
                    if s.industries and any(entity.industry_code.startswith(i) for i in s.industries)
                ),
                STANDARDS[dept][0],
            )
            stage = (CaseStage.FILED, CaseStage.INVESTIGATION, CaseStage.REVIEW)[converted % 3]
            _seed_case(
                Plan(
                    dept=dept,
                    standard=spec,
                    entity=entity,
                    target=stage,
                    filed_on=timezone.localdate(),
                    extra={"complaint": complaint},
                ),
                ctx,
            )
            converted += 1
        else:
            services.complaint_close(actor=actor, complaint=complaint, verdict=verdict, outcome=OUTCOMES[verdict])
        closed += 1
    return {"added": added, "closed": closed, "converted": converted}


# --- the whole demo ----------------------------------------------------------------------------


def _continue_numbering(depts: dict, years) -> None:
    """Decisions already pushed to credit (the credit demo's ``郑市监罚〔2026〕N号``) keep their numbers;
    the new ones continue after them."""
    for dept in depts.values():
        for year in years:
            prefix = f"{dept.short_name or dept.name}罚〔{year}〕"
            pattern = re.compile(rf"{re.escape(prefix)}(\d+)号")
            used = CreditRecord.objects.filter(department=dept, source_ref__startswith=prefix).values_list(
                "source_ref", flat=True
            )
            top = max((int(m.group(1)) for ref in used if (m := pattern.fullmatch(ref))), default=0)
            if top:
                services.document_sequence_continue(actor=ACTOR, department=dept, kind="罚", year=year, last_number=top)


def _feature(ctx: dict) -> int:
    by_kind = {}
    for p, decision in ctx["decisions"]:
        if p.target == "published" and p.standard is not None:
            by_kind.setdefault(p.standard.code, []).append(decision)
    featured = 0
    for key, note in zip(FEATURED_CODES, FEATURE_NOTES, strict=True):
        for decision in by_kind.get(key, []):
            disclosure = PenaltyDisclosure.objects.get(decision=decision)
            if disclosure.state == DisclosureState.PUBLISHED:
                services.disclosure_feature(
                    actor=ctx["officials"].get(decision.department.code) or ACTOR,
                    disclosure=disclosure,
                    featured=True,
                    note=note,
                )
                featured += 1
                break
    return featured


def seed_enforcement_demo(*, stdout=None) -> dict:
    """Seed the enforcement demo through the services; returns what was added. Running it again adds nothing."""
    depts = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENTS)}
    if set(depts) != set(DEPARTMENTS):
        if stdout:
            stdout.write(f"  执法监管演示数据：缺少部门 {'、'.join(sorted(set(DEPARTMENTS) - set(depts)))}，跳过")
        return {}
    started = time.monotonic()
    today = timezone.localdate()
    rng = random.Random(SEED)
    stats = {}
    decisions_before = PenaltyDecision.objects.count()
    with transaction.atomic():
        roster = Roster(rng, depts, today, today - dt.timedelta(days=220))
        logins = seed_logins(depts, roster)
        User = get_user_model()
        officials = {code: User.objects.filter(username=code.lower()).first() for code in DEPARTMENTS}
        ctx = {
            "depts": depts,
            "roster": roster,
            "rng": rng,
            "cases": [],
            "decisions": [],
            "officials": {k: v for k, v in officials.items() if v is not None},
            "reviewers": {"ZZSJ": logins["users"]["fzsh"], "ZZWJ": logins["users"]["wjfzsh"]},
            "heads": {"ZZSJ": logins["users"]["sjfzr"], "ZZWJ": logins["users"]["wjfzr"]},
            "officer": Inspector.objects.filter(user=logins["users"]["zfry"]).first(),
        }
        seeded = seed_standards(depts)
        ctx["standards"], stats["standards_added"] = seeded["standards"], seeded["added"]
        plans = _plans(rng, roster, today) + _inspection_plans(roster, today)
        # Issued in date order, so the gap-free numbers (立 and 罚) rise with the dates as they would have.
        plans.sort(key=lambda p: (p.decided_on or p.filed_on, p.filed_on))
        _continue_numbering(depts, sorted({p.decided_on.year for p in plans if p.decided_on}))
        for p in plans:
            party, title = _case_key(p)
            if Case.objects.filter(department=depts[p.dept], party_name=party, title=title).exists():
                continue
            _seed_case(p, ctx)
        demo_disclosure.seed_disclosure_rules(depts)  # 总局令第45号 for the market regulators, before publishing
        published = services.disclosures_publish(actor=ACTOR) if ctx["decisions"] else {"published": 0, "withdrawn": 0}
        for p, decision in ctx["decisions"]:
            if p.target == "revoked":
                services.decision_revoke(
                    actor=ctx["officials"].get(p.dept) or ACTOR,
                    decision=decision,
                    revoked_on=_working_day(p.decided_on + dt.timedelta(days=45), today),
                    reason="当事人申请行政复议，郑州市人民政府以认定违法所得的证据不足为由撤销该处罚决定（郑政复决〔2026〕58号），本机关将依法重新调查处理。",
                )
        stats["featured"] = _feature(ctx) if ctx["decisions"] else 0
        stats["complaints"] = seed_complaints(ctx)
        stats["early_stop"] = demo_disclosure.seed_early_stop(today)
    stats.update(
        logins_added=logins["added"],
        cases_added=len(ctx["cases"]),
        decisions_added=PenaltyDecision.objects.count() - decisions_before,
        published=published["published"],
        withdrawn=published["withdrawn"],
    )
    if ctx["cases"] or stats["complaints"]["added"]:
        run_risk_scan(trigger="seed_demo")  # the 投诉举报激增 warning, as the nightly scan leaves it
    stats["seconds"] = round(time.monotonic() - started, 1)
    if stdout:
        _report(stdout, stats)
    return stats


def _report(stdout, stats: dict) -> None:
    cases = Case.objects.filter(department__code__in=DEPARTMENTS)
    by_stage = dict(cases.values_list("stage").annotate(n=Count("id")).order_by())
    labels = dict(CaseStage.choices)
    stdout.write(f"执法监管演示数据已就绪（用时 {stats['seconds']} 秒）：")
    stdout.write(
        f"  执法案件：新增 {stats['cases_added']}，共 {cases.count()}（"
        + "，".join(f"{labels[s]} {by_stage.get(s, 0)}" for s in labels)
        + "）"
    )
    public = PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED)
    stdout.write(
        f"  处罚决定：新增 {stats['decisions_added']}，本次公示 {stats['published']}；"
        f"已公示共 {public.count()}，其中曝光台 {public.filter(featured=True).count()}"
    )
    complaints = Complaint.objects.all()
    stdout.write(
        f"  投诉举报：新增 {stats['complaints']['added']}，共 {complaints.count()}（办结 {complaints.filter(state=ComplaintState.CLOSED).count()}）"
    )
    stdout.write(
        "  演示账号：zfry / demo12345（执法人员）；fzsh / demo12345（法制审核人员，市场监管）；wjfzsh / demo12345（法制审核人员，卫生健康）；"
        "sjfzr / wjfzr / demo12345（部门负责人）"
    )
