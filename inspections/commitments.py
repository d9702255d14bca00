"""``hmac-sha256-v2`` draws (DOMAIN §4, issue 11 §4): the platform commits before it can know its luck.

1. Approval (``plan_approve``): the platform fixes a secret 256-bit seed share and publishes a
   commitment: SHA-256 of the population file and SHA-256 of the share's 32 bytes. The approval names
   a public random value that does not exist yet (default: the 双色球 numbers of a named future date).
2. The draw (``commitment_reveal``): once the value is public, an official other than the plan's
   drafter enters it (two-person rule). The seed is HMAC-SHA256(share, value as UTF-8); the draw then
   runs as in v1 on the committed population file.

Decisions (written up in the README's inspection section):
- The approver may enter the value. The value is announced by a third party before anyone can know it
  and anyone can check it against that announcement, so entering it gives no choice; the drafter, who
  set the scope and ratios, may not.
- The draw uses the population file committed at approval, byte for byte (its hash is re-checked).
  The roster and the risk classes are re-graded nightly, so a population recomputed at draw time
  would almost never match the commitment; an entity that closed since approval is still inspected
  (its result is 注销/迁出/…), one registered since is left to the next plan. The differences are
  counted in the draw's audit event.
- A new commitment (a redraw, or a value source that failed) needs a reason; the old commitment and
  the old draw stay public. Writes are keyword-only services that own their transaction and audit.
"""

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from inspections import draw as draw_algo
from inspections import services
from inspections.choices import PlanState
from inspections.models import Draw, DrawCommitment, InspectionPlan, InspectionResult

LOTTERY_WEEKDAYS = (1, 3, 6)  # 中国福利彩票“双色球” is drawn on Tuesday, Thursday and Sunday evenings
PUBLIC_VALUE_MAX = 300


def next_lottery_date(after: dt.date) -> dt.date:
    """The first 双色球 draw day strictly after ``after`` (a value that does not exist yet)."""
    day = after + dt.timedelta(days=1)
    while day.weekday() not in LOTTERY_WEEKDAYS:
        day += dt.timedelta(days=1)
    return day


def default_public_value_source(on: dt.date) -> str:
    """The default named public random value (DOMAIN §4), with the exact text format to enter."""
    return (
        f"{on.year}年{on.month}月{on.day}日开奖的中国福利彩票“双色球”开奖号码："
        "按开奖公告顺序的 6 个红球号码和 1 个蓝球号码，每个两位数字，以一个空格分隔（例如 03 11 17 22 28 31 09）"
    )


def open_commitment(plan: InspectionPlan):
    """The commitment waiting for its public value, if any."""
    return plan.commitments.filter(withdrawn=False, draw__isnull=True).order_by("-committed_at", "-id").first()


@transaction.atomic
def plan_approve(
    *, actor, plan: InspectionPlan, public_value_source: str = "", public_value_date: dt.date | None = None
) -> DrawCommitment:
    """审批 with the v2 commitment, in one transaction: the plan is published with its commitment."""
    plan = services.plan_approve(actor=actor, plan=plan)
    return draw_commit(
        actor=actor, plan=plan, public_value_source=public_value_source, public_value_date=public_value_date
    )


@transaction.atomic
def draw_commit(
    *,
    actor,
    plan: InspectionPlan,
    public_value_source: str = "",
    public_value_date: dt.date | None = None,
    reason: str = "",
) -> DrawCommitment:
    """Fix a secret seed share and publish the commitment and the named future public value."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state not in (PlanState.APPROVED, PlanState.DRAWN):
        raise ValidationError(f"计划须已审批且尚未开始实施才能公布摇号承诺（当前：{plan.get_state_display()}）")
    current = plan.draws.filter(superseded=False).first()
    pending = open_commitment(plan)
    if (current is not None or pending is not None) and not reason.strip():
        raise ValidationError({"reason": "重新摇号须说明理由，原摇号承诺和摇号记录保留并公开"})
    if current is not None and InspectionResult.objects.filter(task__draw=current).exists():
        raise ValidationError("已有检查结果录入，不能重新摇号")
    today = timezone.localdate()
    public_value_date = public_value_date or next_lottery_date(today)
    if public_value_date <= today:
        raise ValidationError({"public_value_date": "公开随机数须在承诺公布之后的日期产生（不能是今天或已经公布的值）"})
    source = (public_value_source or default_public_value_source(public_value_date)).strip()
    rows = services.population_rows(plan)
    if not rows and not services.key_coverage(plan):
        raise ValidationError("计划范围内没有市场主体")
    population = draw_algo.population_file(rows)
    services.check_public_info_floor(plan, draw_algo.strata_counts(population, plan.ratios()))
    if pending is not None:
        pending.withdrawn = True
        pending.save(update_fields=["withdrawn"])
    share = draw_algo.new_seed()
    commitment = DrawCommitment.objects.create(
        plan=plan,
        seed_share=share,
        seed_share_sha256=draw_algo.share_commitment(share),
        population=population.decode("ascii"),
        population_sha256=draw_algo.population_hash(population),
        population_size=len(rows),
        public_value_source=source[:300],
        public_value_date=public_value_date,
        reason=reason.strip(),
        committed_at=timezone.now(),
        committed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The share itself stays out of the audit trail (it is secret until an auditor asks for it).
    audit.record(
        actor=actor,
        action="draw.commit",
        target=commitment,
        after={
            "plan": plan.pk,
            "seed_share_sha256": commitment.seed_share_sha256,
            "population_sha256": commitment.population_sha256,
            "population_size": commitment.population_size,
            "public_value_source": source,
            "public_value_date": public_value_date,
            "reason": commitment.reason,
            "withdrawn": pending.pk if pending else None,
        },
    )
    return commitment


def _scope_codes(plan: InspectionPlan) -> set:
    where, params = services.scope_sql(plan)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.uscc FROM supervision_marketentity e WHERE {where}", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def reveal_check(*, actor, plan: InspectionPlan, public_value: str) -> tuple:
    """Everything ``commitment_reveal`` refuses, without drawing (the admin asks for confirmation
    only once these pass): ``(commitment, value, population bytes, previous draw)``."""
    if not getattr(actor, "is_authenticated", False):
        raise ValidationError("公开随机数须由工作人员登录后本人录入")
    if plan.state not in (PlanState.APPROVED, PlanState.DRAWN):
        raise ValidationError(f"计划须已审批且尚未开始实施才能摇号（当前：{plan.get_state_display()}）")
    commitment = open_commitment(plan)
    if commitment is None:
        raise ValidationError("本计划没有待录入公开随机数的摇号承诺，请先公布摇号承诺")
    if actor.pk in services.plan_drafters(plan):
        raise ValidationError("计划起草人不能录入公开随机数：须由另一名工作人员录入（两人规则）")  # DOMAIN §4
    if timezone.localdate() < commitment.public_value_date:
        raise ValidationError(
            {"public_value": f"公开随机数定于 {commitment.public_value_date:%Y年%m月%d日} 产生，不能提前录入"}
        )
    value = (public_value or "").strip()
    if not value:
        raise ValidationError({"public_value": "请按承诺时公布的来源和格式录入公开随机数"})
    if len(value) > PUBLIC_VALUE_MAX:
        raise ValidationError({"public_value": f"公开随机数不能超过 {PUBLIC_VALUE_MAX} 个字符"})
    population = commitment.population.encode("ascii")
    if hashlib.sha256(population).hexdigest() != commitment.population_sha256:
        raise ValidationError("承诺的名录文件与公布的哈希不一致，不能摇号；请联系监督人员核查")
    previous = plan.draws.filter(superseded=False).first()
    if previous is not None and InspectionResult.objects.filter(task__draw=previous).exists():
        raise ValidationError("已有检查结果录入，不能重新摇号")
    return commitment, value, population, previous


@transaction.atomic
def commitment_reveal(*, actor, plan: InspectionPlan, public_value: str) -> Draw:
    """A second official enters the public value; the draw runs with HMAC-SHA256(share, value)."""
    plan = InspectionPlan.objects.select_for_update().select_related("lead_department").get(pk=plan.pk)
    commitment, value, population, previous = reveal_check(actor=actor, plan=plan, public_value=public_value)
    seed = draw_algo.derive_seed(commitment.seed_share, value)
    outcome = draw_algo.draw(seed, population, plan.ratios())
    # Key coverage is no lottery (inspections/draw.py, step 7): everyone in each key item's scope now.
    coverage = services.key_coverage(plan)
    commitment.public_value, commitment.public_value_by, commitment.public_value_at = value, actor, timezone.now()
    commitment.save(update_fields=["public_value", "public_value_by", "public_value_at"])
    committed = {line.split(",", 1)[0] for line in commitment.population.splitlines()}
    in_scope = _scope_codes(plan)
    return services.record_draw(
        actor=actor,
        plan=plan,
        previous=previous,
        algorithm=draw_algo.ALGORITHM_V2,
        seed=seed,
        population=population,
        outcome=outcome,
        coverage=coverage,
        reason=commitment.reason,
        commitment=commitment,
        audit_after={
            "commitment": commitment.pk,
            "seed_share_sha256": commitment.seed_share_sha256,
            "public_value": value,
            "public_value_source": commitment.public_value_source,
            "roster_since_commitment": {
                "left_scope": len(committed - in_scope),
                "joined_scope": len(in_scope - committed),
            },
        },
    )
