"""双随机、一公开 demo data for ``manage.py seed_demo`` (郑州市, issue 5 §5).

``manage.py seed_demo`` (demo/) calls ``seed_inspections_demo`` after the credit
demo, so the entities are graded and the draw has its strata. Every write goes through
``inspections.services``, as an official's would:

- two approved 2026 plans: 郑州市市场监督管理局 alone (餐饮服务, industry H), and a joint plan it leads with
  郑州市应急管理局 participating (制造业企业: 产品质量 + 安全生产, 进一次门、查多项事);
- for each, a draw with teams and tasks, then results entered by every department of the task in
  several categories (with their follow-ups: 经营异常名录 proposals, correction orders, case
  flags), most of them approved and published (``results_publish``) as credit records, and a few
  left 待审核 or not yet inspected, so the officials' lists and the risk scan have something to show.

Deterministic and idempotent:
- Each plan's draw seed is the SHA-256 of ``"<year>:<name>"``, so the same roster gives the same
  draw. (A real draw uses a fresh ``secrets`` seed; the demo's is public and reproducible anyway.)
- Plans are keyed by ``(name, year)``. An existing plan is left as it is, so a rerun adds nothing.

Issue 12 §5 adds ``KEY_PLAN``: 物业服务企业 with a 重点监管 item (电梯使用单位, full coverage of its
scope, no sampling) beside a sampled item (即时公示信息, drawn at the plan's ratios), so its tasks
show that a task carries only the items that apply to it. Every demo plan is drafted by one
official (``zzsj``, 陈静) and approved by another (``admin``) when those logins exist (two-person rule).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.workdays import is_working_day
from credit.scan import run_risk_scan
from inspections import services
from inspections.choices import CorrectionState, ResultCategory, ResultState, TaskState
from inspections.models import CorrectionOrder, InspectionPlan, InspectionResult, TeamMember
from supervision.models import Department, SupervisionItem

ACTOR = "task:seed_demo"
YEAR = 2026
PENDING_REVIEW = 2  # per plan, the last results entered stay 待审核 (the inbox shows them)
NOT_INSPECTED_EVERY = 4  # every 4th task is not inspected yet

C = ResultCategory


@dataclass(frozen=True)
class PlanSpec:
    name: str
    lead: str
    items: tuple  # (department code, item name)
    starts_on: dt.date
    ends_on: dt.date
    description: str
    joint: tuple = ()
    scope: dict = field(default_factory=dict)
    # Per department code: the results entered in turn, as (categories, findings); cycled over the tasks.
    results: dict = field(default_factory=dict)


PLANS = [
    PlanSpec(
        name="2026年度餐饮服务食品安全“双随机、一公开”抽查",
        lead="ZZSJ",
        items=(("ZZSJ", "对餐饮服务提供者的监督检查"),),
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 10, 30),
        scope={"scope_industry": "H"},
        description="依据《中华人民共和国食品安全法》和《食品生产经营监督检查管理办法》，按信用风险分类确定抽查比例，"
        "对全市住宿和餐饮业市场主体开展餐饮服务食品安全随机抽查。",
        results={
            "ZZSJ": [
                ([C.NO_PROBLEM], ""),
                (
                    [C.NOT_PUBLISHED],
                    "经核查，当事人未按规定通过国家企业信用信息公示系统公示食品经营许可取得信息，已责令限期公示。",
                ),
                (
                    [C.PROBLEM_CORRECTED],
                    "后厨部分餐用具未按规定清洗消毒，1名从业人员健康证明过期，已当场责令改正，当事人当日完成整改。",
                ),
                (
                    [C.UNREACHABLE],
                    "检查人员按登记的住所实地核查，该场所已改作他用，电话联系登记的联系人未果，通过登记的住所（经营场所）无法联系。",
                ),
                ([C.NO_PROBLEM], ""),
                (
                    [C.PROBLEM_PENDING],
                    "现场发现冷藏柜内存放超过保质期的预包装食品2种，涉嫌违反《中华人民共和国食品安全法》第三十四条，"
                    "已对涉案食品先行登记保存，移交执法稽查机构调查处理。",
                ),
                ([C.NO_PROBLEM], ""),
                (
                    [C.FALSE_INFO, C.PROBLEM_PENDING],
                    "当事人2025年度报告公示的从业人数和经营场所信息与实际情况不符，隐瞒真实情况；"
                    "现场另发现未公示食品原料进货查验记录，移交执法稽查机构调查处理。",
                ),
                ([C.NO_ACTIVITY], "检查时当事人已停止餐饮经营活动，未发现开展本次抽查涉及的经营活动。"),
                ([C.NO_PROBLEM], ""),
            ]
        },
    ),
    PlanSpec(
        name="2026年度制造业企业产品质量和安全生产部门联合“双随机、一公开”抽查",
        lead="ZZSJ",
        joint=("ZZYJ",),
        items=(("ZZSJ", "对重点工业产品生产企业的监督检查"), ("ZZYJ", "对工贸企业安全生产的监督检查")),
        starts_on=dt.date(2026, 5, 6),
        ends_on=dt.date(2026, 11, 30),
        scope={"scope_industry": "C", "scope_entity_types": ["enterprise"]},
        description="郑州市市场监督管理局牵头、郑州市应急管理局参与，对全市制造业企业开展产品质量和安全生产部门联合抽查，"
        "进一次门、查多项事；各部门分别抽取本部门执法检查人员，分别录入并公示本部门的检查结果。",
        results={
            "ZZSJ": [
                ([C.NO_PROBLEM], ""),
                ([C.PROBLEM_CORRECTED], "原材料进货查验记录不完整，已当场责令改正，当事人已补齐查验记录。"),
                ([C.NO_PROBLEM], ""),
                ([C.NOT_PUBLISHED], "经核查，当事人未按规定公示工业产品生产许可证变更信息，已责令限期公示。"),
                (
                    [C.PROBLEM_PENDING],
                    "抽查产品标识未标注生产日期和执行标准，涉嫌违反《中华人民共和国产品质量法》第二十七条，移交执法稽查机构调查处理。",
                ),
                ([C.NO_PROBLEM], ""),
            ],
            "ZZYJ": [
                ([C.NO_PROBLEM], ""),
                ([C.NO_PROBLEM], ""),
                ([C.PROBLEM_CORRECTED], "有限空间作业场所未设置安全警示标志，已当场责令改正，当事人已完成整改。"),
                ([C.NO_PROBLEM], ""),
                (
                    [C.PROBLEM_PENDING],
                    "未按规定对从业人员进行安全生产教育和培训，涉嫌违反《中华人民共和国安全生产法》第二十八条，移交执法支队立案调查。",
                ),
                ([C.OTHER_RULES], "粉尘防爆安全管理制度未建立，违反《工贸企业粉尘防爆安全规定》，已责令限期整改。"),
            ],
        },
    ),
]


# Issue 12 §5: a key item (full coverage of its scope) beside a sampled one, in one plan.
KEY_PLAN = PlanSpec(
    name="2026年度物业服务企业电梯安全重点监管和即时公示信息抽查",
    lead="ZZSJ",
    items=(("ZZSJ", "对电梯使用单位的监督检查"), ("ZZSJ", "对企业即时公示信息的抽查")),
    starts_on=dt.date(2026, 9, 1),
    ends_on=dt.date(2026, 12, 31),
    scope={"scope_industry": "K7020", "scope_entity_types": ["enterprise"]},
    description="电梯使用单位的监督检查属重点监管事项，对范围内物业服务企业全覆盖检查、不抽样；"
    "企业即时公示信息按信用风险分类比例随机抽查。每个检查任务只包含适用于该主体的事项。",
    results={
        "ZZSJ": [
            ([C.NO_PROBLEM], ""),
            ([C.PROBLEM_CORRECTED], "电梯维护保养记录不完整，已当场责令改正，当事人已补齐维保记录。"),
            ([C.NO_PROBLEM], ""),
        ]
    },
)


def officials() -> tuple:
    """(drafter, approver): two different demo logins, or the seeding actor when they do not exist."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("zzsj", "admin"))}
    return users.get("zzsj", ACTOR), users.get("admin", ACTOR)


def draw_seed(spec: PlanSpec) -> str:
    """The demo's fixed seed: SHA-256 of ``"<year>:<name>"`` (64 lower-case hex characters)."""
    return hashlib.sha256(f"{YEAR}:{spec.name}".encode()).hexdigest()


def _working_day_between(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    """The nearest working day to ``day`` within [low, high] (forward first)."""
    for candidate in (
        *(day + dt.timedelta(days=k) for k in range(10)),
        *(day - dt.timedelta(days=k) for k in range(1, 10)),
    ):
        if low <= candidate <= high and is_working_day(candidate):
            return candidate
    return min(max(day, low), high)


def _seed_plan(spec: PlanSpec, depts: dict, today: dt.date) -> dict:
    drafter, approver = officials()
    plan = services.plan_save(
        actor=drafter,
        departments=[depts[code] for code in spec.joint],
        name=spec.name,
        year=YEAR,
        lead_department=depts[spec.lead],
        description=spec.description,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        **spec.scope,
    )
    for code, name in spec.items:
        services.plan_item_add(
            actor=drafter, plan=plan, item=SupervisionItem.objects.get(department=depts[code], name=name)
        )
    services.plan_approve(actor=approver, plan=plan)
    draw = services.draw_run(actor=ACTOR, plan=plan, seed=draw_seed(spec))
    tasks = list(draw.tasks.filter(state=TaskState.ASSIGNED).order_by("entity"))
    last_day = min(spec.ends_on, today)
    span = max((last_day - spec.starts_on).days, 0)
    entered, visits = [], 0
    for i, task in enumerate(tasks):
        if i % NOT_INSPECTED_EVERY == NOT_INSPECTED_EVERY - 1:
            continue
        inspected_on = _working_day_between(
            spec.starts_on + dt.timedelta(days=span * (i + 1) // (len(tasks) + 1)), spec.starts_on, last_day
        )
        n, visits = visits, visits + 1
        going = set(task.team.values_list("department_id", flat=True))  # only the departments of the task's items
        for department in (
            d for d in plan.all_departments() if d.pk in going
        ):  # one visit, each department enters its own result
            categories, findings = spec.results[department.code][n % len(spec.results[department.code])]
            entered.append(
                services.result_submit(
                    actor=ACTOR,
                    task=task,
                    department=department,
                    categories=list(categories),
                    findings=findings,
                    inspected_on=inspected_on,
                )
            )
    review = {r.pk for r in entered[-PENDING_REVIEW:]}
    for result in entered:
        if result.pk not in review:
            services.result_approve(actor=ACTOR, result=result)
            for member in TeamMember.objects.filter(task=result.task, department=result.department):
                services.team_confirm(actor=ACTOR, member=member)
    # One entity published the missing information in time; the others are left to the risk scan.
    order = (
        CorrectionOrder.objects.filter(result__task__draw=draw, state=CorrectionState.OPEN).order_by("entity").first()
    )
    if order is not None:
        services.correction_mark_corrected(actor=ACTOR, order=order, corrected_on=min(order.due_on, today))
    return {
        "tasks": len(tasks),
        "results": len(entered),
        "unstaffed": draw.tasks.filter(state=TaskState.UNSTAFFED).count(),
    }


def seed_inspections_demo(*, stdout=None) -> dict:
    """Seed the demo plans through the services; returns what was added. Running it again adds nothing."""
    needed = {spec.lead for spec in PLANS} | {code for spec in PLANS for code in spec.joint}
    depts = {d.code: d for d in Department.objects.filter(code__in=needed)}
    if set(depts) != needed:
        if stdout:
            stdout.write(f"  双随机抽查演示数据：缺少部门 {'、'.join(sorted(needed - set(depts)))}，跳过")
        return {}
    today = timezone.localdate()
    added = {}
    with transaction.atomic():
        for spec in [*PLANS, KEY_PLAN]:
            if not InspectionPlan.objects.filter(name=spec.name, year=YEAR).exists():
                added[spec.name] = _seed_plan(spec, depts, today)
        published = services.results_publish(actor=ACTOR) if added else 0
    if added:
        # The inbox and the proposals (overdue corrections, results nearing their deadline) as the nightly scan leaves them.
        run_risk_scan(trigger="seed_demo")
    stats = {
        "plans_created": len(added),
        "plans_total": InspectionPlan.objects.filter(year=YEAR, name__in=[s.name for s in (*PLANS, KEY_PLAN)]).count(),
        "tasks_created": sum(a["tasks"] for a in added.values()),
        "results_created": sum(a["results"] for a in added.values()),
        "results_published": published,
        "unstaffed": sum(a["unstaffed"] for a in added.values()),
    }
    if stdout:
        stdout.write("双随机抽查演示数据已就绪：")
        stdout.write(
            f"  抽查计划：新增 {stats['plans_created']}，共 {stats['plans_total']}（其中部门联合 1 个，含重点监管事项 1 个）"
        )
        stdout.write(
            f"  检查任务：新增 {stats['tasks_created']}；检查结果：新增 {stats['results_created']}，本次公示 {published}"
        )
        results = InspectionResult.objects.filter(
            task__plan__year=YEAR, task__plan__name__in=[s.name for s in (*PLANS, KEY_PLAN)]
        )
        stdout.write(
            f"  检查结果共 {results.count()}，其中已公示 {results.filter(state=ResultState.PUBLISHED).count()}"
        )
        if stats["unstaffed"]:
            stdout.write(f"  无法配齐检查人员的任务：{stats['unstaffed']}")
    return stats
