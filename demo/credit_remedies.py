"""Credit demo remedies (issue 4 §5): commitments of each type in each state, and a few repair
applications and objections at each stage, through the commitment, repair and objection services."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from credit.choices import CommitmentType, ObjectionOutcome, Polarity, RecordCategory, RecordState, Severity
from credit.models import CreditCommitment, CreditRecord, Objection, RepairApplication
from credit.services import (
    COMMITMENT_TEMPLATES,
    commitment_break,
    commitment_fulfil,
    commitment_make,
    objection_accept,
    objection_decide,
    objection_file,
    objection_refuse,
    repair_apply,
    repair_approve,
    repair_problems,
    repair_reject,
)
from demo.credit_plan import ACTOR, MARKET, SEED, Planner
from supervision.models import MarketEntity

#
# A handful of each, on demo entities and records picked with their own RNG from lists that do not
# depend on what the remedies changed (a repaired or revoked record stays a candidate), so a rerun
# picks the same ones. Keys: a commitment by (entity, type, made-on date); a repair application or an
# objection by its record. A row that exists is left as it is; tracking numbers are random.

REMEDY_SEED = f"{SEED}:remedies"
APPROVAL_MATTERS = [
    ("食品经营许可", MARKET),
    ("公共场所卫生许可", "ZZWJ"),
    ("道路运输经营许可", "ZZJT"),
    ("住所（经营场所）登记", MARKET),
]
SELF_DISCIPLINE_BODIES = [
    "郑州市餐饮与饭店行业协会",
    "郑州市物业管理协会",
    "河南省电子商务协会",
    "郑州市美容美发行业协会",
]
# Per type: (state, made this many days before the demo day, due this many days after made, resolved this many days before the demo day).
COMMITMENT_PLAN = [
    ("in_progress", 40, 180, None),
    ("in_progress", 200, 150, None),  # due 50 days ago and still 履约中: the scan's COMMITMENT_OVERDUE warns
    ("fulfilled", 300, 180, 150),
    ("broken", 250, 120, 100),
]
COMMITMENT_NOTES = {
    "fulfilled": {
        "approval_substitute": "已按承诺期限补交全部材料，经核查与承诺内容一致，认定已履约。",
        "voluntary": "承诺期内按时公示年度报告，未发现违法失信行为，认定已履约。",
        "repair": "修复承诺期内未再发生同类违法失信行为，认定已履约。",
        "self_discipline": "经行业组织评议，承诺期内遵守行业自律公约，认定已履约。",
    },
    "broken": {
        "approval_substitute": "经核查，当事人逾期未补交承诺的材料，实际情况与承诺内容不符，认定违诺。",
        "voluntary": "经核查，当事人未按承诺公示年度报告，认定违诺。",
        "repair": "信用修复后再次发生同类违法行为，违反信用修复承诺，认定违诺。",
        "self_discipline": "经行业组织通报，当事人以虚假宣传方式招揽客户，违反自律公约，认定违诺。",
    },
}
REPAIR_PLAN = ["submitted", "submitted", "approved", "approved", "rejected"]
REPAIR_DECISIONS = {
    "approved": "经审核，当事人已履行行政处罚决定、纠正违法行为，最短公示期已满，并已作出信用修复承诺，同意修复，停止公示。",
    "rejected": "经核查，当事人提交的罚款缴纳凭证与处罚决定书载明的金额不一致，未能证明已全部履行行政处罚义务，不予修复。",
}
# (stage, outcome, applicant's reason)
OBJECTION_PLAN = [
    ("submitted", "", "该行政处罚决定已被行政复议机关撤销，请求停止公示。"),
    ("accepted", "", "公示的违法事实与处罚决定书不一致，请求核查更正。"),
    ("refused", "", "本单位从未受过处罚，请求删除该信息。"),
    ("decided", "upheld", "罚款已缴纳，请求停止公示。"),
    ("decided", "corrected", "公示的罚款金额与处罚决定书不一致，请求更正。"),
    ("decided", "revoked", "该行政处罚决定已被人民法院判决撤销，请求撤销公示。"),
]
OBJECTION_REASONS = {
    "accept": "材料齐全，予以受理。",
    "refuse": "经核查，该信息系依据已生效的行政处罚决定书公示，申请人未提供任何证明材料，不予受理。",
    "upheld": "经核查，公示信息与生效的行政处罚决定书一致；缴纳罚款不影响最短公示期，可在期满后申请信用修复。维持。",
    "corrected": "经核对行政处罚决定书原件，公示的罚款金额录入有误，予以更正。",
    "revoked": "经核查，该行政处罚决定已被人民法院生效判决撤销，撤销该条公示信息。",
}


def _phone(n: int) -> str:
    return f"1390371{n:04d}"


def seed_remedies(*, today: dt.date, entities: list[dict], depts: dict) -> Counter:
    """Commitments of every type in every state, repair applications and objections at each stage, all
    through the services. Returns what was added."""
    added = Counter()
    rng = random.Random(REMEDY_SEED)
    by_code = {e["uscc"]: e for e in entities}
    market = Planner(today=today, depts=depts).market
    people = dict(MarketEntity.objects.filter(uscc__in=list(by_code)).values_list("uscc", "legal_representative"))
    enterprises = [
        e
        for e in entities
        if e["uscc"][:2] == "91" and (e["established_on"] or dt.date(2000, 1, 1)) < today - dt.timedelta(days=400)
    ]
    negative = (
        CreditRecord.objects.filter(
            entity_id__in=list(by_code),
            category=RecordCategory.PENALTY,
            polarity=Polarity.NEGATIVE,
            severity=Severity.GENERAL,
            penalty_types=[],
        )
        .select_related("department")
        .order_by("entity_id", "source_ref")
    )

    # -- commitments: four types × (running, overdue, fulfilled, broken) ----------------------------
    old_records = list(negative.filter(decided_on__lte=today - dt.timedelta(days=400)))
    picks = rng.sample(enterprises, min(len(enterprises), 3 * len(COMMITMENT_PLAN)))
    related = rng.sample(old_records, min(len(old_records), len(COMMITMENT_PLAN)))
    n = 0
    for kind in CommitmentType.values:
        for i, (state, made_ago, due_after, resolved_ago) in enumerate(COMMITMENT_PLAN):
            n += 1
            made_on = today - dt.timedelta(days=made_ago)
            matter, record = "", None
            if kind == CommitmentType.REPAIR:
                if i >= len(related):
                    continue
                record = related[i]
                e, dept = by_code[record.entity_id], record.department
            else:
                if not picks:
                    continue
                e = picks.pop()
                dept = depts[market(e)]
                if kind == CommitmentType.APPROVAL_SUBSTITUTE:
                    matter, dept_code = APPROVAL_MATTERS[i % len(APPROVAL_MATTERS)]
                    dept = depts[market(e) if dept_code == MARKET else dept_code]
                elif kind == CommitmentType.SELF_DISCIPLINE:
                    matter = SELF_DISCIPLINE_BODIES[i % len(SELF_DISCIPLINE_BODIES)]
            if CreditCommitment.objects.filter(entity_id=e["uscc"], commitment_type=kind, made_on=made_on).exists():
                continue
            due_on = made_on + dt.timedelta(days=due_after)
            content = COMMITMENT_TEMPLATES[kind].format(matter=matter, due_on=f"{due_on:%Y年%m月%d日}")
            commitment, _code = commitment_make(
                actor=ACTOR,
                entity_uscc=e["uscc"],
                commitment_type=kind,
                department=dept,
                content=content,
                signatory=people.get(e["uscc"]) or "法定代表人",
                due_on=due_on,
                made_on=made_on,
                matter=matter,
                related_record=record,
                contact_phone=_phone(n),
                channel="web" if n % 2 else "admin",
            )
            resolved_on = today - dt.timedelta(days=resolved_ago) if resolved_ago is not None else None
            if state == "fulfilled":
                commitment_fulfil(
                    actor=ACTOR, commitment=commitment, resolved_on=resolved_on, note=COMMITMENT_NOTES[state][kind]
                )
            elif state == "broken":
                commitment_break(
                    actor=ACTOR, commitment=commitment, resolved_on=resolved_on, note=COMMITMENT_NOTES[state][kind]
                )
            added["commitments"] += 1

    # -- repair applications: 一般 penalties past their 3-month minimum, repairable types only -----------
    recent = list(
        negative.filter(decided_on__gt=today - dt.timedelta(days=300), decided_on__lte=today - dt.timedelta(days=100))
    )
    chosen = rng.sample(recent, min(len(recent), len(REPAIR_PLAN) + len(OBJECTION_PLAN)))
    for i, (state, record) in enumerate(zip(REPAIR_PLAN, chosen[: len(REPAIR_PLAN)], strict=False)):
        if RepairApplication.objects.filter(record=record).exists() or repair_problems(
            record, commitment_accepted=True
        ):
            continue
        amount = f"罚款人民币{record.amount:.0f}元" if record.amount else "行政处罚决定"
        application, _code = repair_apply(
            actor=ACTOR,
            record=record,
            applicant_name=people.get(record.entity_id) or "法定代表人",
            contact_phone=_phone(100 + i),
            reason=f"本单位已于处罚决定送达后15日内履行{amount}，并已对“{record.title}”问题整改完毕，最短公示期已满，特申请信用修复。",
            commitment_accepted=True,
        )
        if state == "approved":
            repair_approve(actor=ACTOR, application=application, reason=REPAIR_DECISIONS[state])
        elif state == "rejected":
            repair_reject(actor=ACTOR, application=application, reason=REPAIR_DECISIONS[state])
        added["repair_applications"] += 1

    # -- objections: 待受理, 已受理, 不予受理, 已办结（维持、更正、撤销） ---------------------------------
    for i, ((stage, outcome, reason), record) in enumerate(
        zip(OBJECTION_PLAN, chosen[len(REPAIR_PLAN) :], strict=False)
    ):
        if Objection.objects.filter(record=record).exists() or record.state != RecordState.ACTIVE:
            continue
        objection, _code = objection_file(
            actor=ACTOR,
            applicant_name=people.get(record.entity_id) or "法定代表人",
            contact_phone=_phone(200 + i),
            reason=reason,
            record=record,
        )
        if stage == "refused":
            objection_refuse(actor=ACTOR, objection=objection, reason=OBJECTION_REASONS["refuse"])
        elif stage in ("accepted", "decided"):
            objection_accept(actor=ACTOR, objection=objection, reason=OBJECTION_REASONS["accept"])
        if stage == "decided":
            corrections = None
            if outcome == ObjectionOutcome.CORRECTED:
                corrections = (
                    {"amount": (record.amount / 10).quantize(Decimal(1))}
                    if record.amount
                    else {"title": f"{record.title}（已更正）"}
                )
            objection_decide(
                actor=ACTOR,
                objection=objection,
                outcome=outcome,
                reason=OBJECTION_REASONS[outcome],
                corrections=corrections,
            )
        added["objections"] += 1
    return added
