"""Writes of 双随机、一公开: draws (摇号), their tasks and teams, and the verification of a draw."""

import heapq
import multiprocessing
import os
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from inspections import coverage as coverage_rules
from inspections import draw as draw_algo
from inspections.choices import (
    PUBLIC_INFO_FLOOR,
    PlanState,
    TaskState,
)
from inspections.models import (
    Draw,
    DrawCommitment,
    DrawSelection,
    InspectionPlan,
    InspectionResult,
    InspectionTask,
    TeamMember,
)
from inspections.services.plans import population_bytes, scope_sql
from supervision.models import Inspector, InspectorConflict


@transaction.atomic
def draw_run(*, actor, plan: InspectionPlan, reason: str = "", seed: str | None = None) -> Draw:
    """Draw entities (verifiable), create one task per entity with every department's items, and
    draw each department's inspectors. A redraw needs a reason; the old draw stays visible."""
    plan = InspectionPlan.objects.select_for_update().select_related("lead_department").get(pk=plan.pk)
    previous = plan.draws.filter(superseded=False).first()
    if plan.state not in (PlanState.APPROVED, PlanState.DRAWN):
        raise ValidationError(f"计划须已审批且尚未开始实施才能摇号（当前：{plan.get_state_display()}）")
    if previous is not None:
        if not reason.strip():
            raise ValidationError({"reason": "重新摇号须说明理由，原摇号记录保留并公开"})
        if InspectionResult.objects.filter(task__draw=previous).exists():
            raise ValidationError("已有检查结果录入，不能重新摇号")
    if DrawCommitment.objects.filter(plan=plan).exists():
        # A v2 plan: the platform may not draw its own seed (issue 11 §4); every draw of it is v2.
        raise ValidationError(
            "本计划采用 hmac-sha256-v2 摇号：须公布摇号承诺，待公开随机数公布后由起草人以外的工作人员录入并摇号"
        )
    population = population_bytes(plan)  # = draw_algo.population_file(population_rows(plan))
    coverage = key_coverage(plan)
    if not population and not coverage:
        raise ValidationError("计划范围内没有市场主体")
    seed = seed or draw_algo.new_seed()
    outcome = draw_algo.draw(seed, population, plan.ratios())
    check_public_info_floor(plan, outcome.strata)
    return record_draw(
        actor=actor,
        plan=plan,
        previous=previous,
        algorithm=draw_algo.ALGORITHM,
        seed=seed,
        population=population,
        outcome=outcome,
        coverage=coverage,
        reason=reason,
        audit_after={"seed": seed},
    )


def key_coverage(plan: InspectionPlan) -> bytes:
    """The key coverage file (inspections/draw.py, step 7): every entity in each key item's scope, now."""
    where, params = scope_sql(plan)
    return coverage_rules.key_coverage(coverage_rules.plan_items(plan)[1], where, params)


def check_public_info_floor(plan: InspectionPlan, strata: list) -> None:
    """公示信息抽查: at least 3% overall of the sampled population (DOMAIN §4), compared exactly
    (a float share of exactly 3% is below Decimal("0.03")). Depends on sizes and ratios only."""
    size = sum(s["size"] for s in strata)
    selected = sum(s["selected"] for s in strata)
    if plan.is_public_info_check and size and Decimal(selected) < PUBLIC_INFO_FLOOR * size:
        raise ValidationError(f"公示信息抽查总体比例不得低于3%：按当前比例只抽取 {selected / size:.2%}，请调高各类比例")


def record_draw(
    *,
    actor,
    plan,
    previous,
    algorithm: str,
    seed: str,
    population: bytes,
    outcome,
    coverage: bytes,
    reason: str,
    audit_after: dict,
    commitment=None,
) -> Draw:
    """Store a computed draw (v1 or v2) and its key coverage: supersede the previous one, create one
    task per selected or covered entity with only its items, draw the teams (inspections/draw.py).
    Called inside the caller's transaction, with the plan locked."""
    sampled, key = coverage_rules.plan_items(plan)
    if previous is not None:
        InspectionTask.objects.filter(draw=previous).delete()
        previous.superseded = True
        previous.save(update_fields=["superseded"])
    record = Draw.objects.create(
        plan=plan,
        algorithm=algorithm,
        seed=seed,
        population_sha256=outcome.population_sha256,
        population=population.decode("ascii"),
        population_size=sum(s["size"] for s in outcome.strata),
        strata=outcome.strata,
        reason=reason.strip(),
        drawn_at=timezone.now(),
        drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        commitment=commitment,
        key_supervision=bool(key),
        key_coverage=coverage.decode("ascii"),
        key_coverage_sha256=draw_algo.population_hash(coverage) if key else "",
        key_coverage_size=len(draw_algo.parse_coverage(coverage)),
    )
    # Set-based writes: one INSERT … SELECT FROM unnest(arrays) per table (bulk_create built tens of
    # thousands of model objects and VALUES rows; bench/README.md, the draw).
    insert_rows(
        DrawSelection,
        ["draw", "entity", "stratum", "rank", "digest"],
        [
            [record.pk] * len(outcome.selected),
            *(list(column) for column in zip(*outcome.selected, strict=True)),
        ]
        if outcome.selected
        else [[], [], [], [], []],
    )
    selected = [code for code, *_ in outcome.selected]
    items = coverage_rules.task_items(selected=selected, coverage=coverage, sampled=sampled, key=key)
    drawn = set(selected)
    codes = sorted(items)
    ids = insert_rows(
        InspectionTask,
        ["plan", "draw", "entity", "due_on", "drawn", "state", "unstaffed_reason"],
        [
            [plan.pk] * len(codes),
            [record.pk] * len(codes),
            codes,
            [plan.ends_on] * len(codes),
            [code in drawn for code in codes],
            [TaskState.ASSIGNED.value] * len(codes),
            [""] * len(codes),
        ],
        returning=("pk", "entity"),
    )
    pk_of = {code: pk for pk, code in ids}
    tasks = [NewTask(pk_of[code], code) for code in codes]
    pairs = [(t.pk, i.pk) for t in tasks for i in items[t.entity_id]]
    insert_rows(
        InspectionTask.items.through,
        ["inspectiontask", "planitem"],
        [[task for task, _ in pairs], [item for _, item in pairs]],
    )
    report = assign_teams(
        plan=plan,
        draw=record,
        tasks=tasks,
        departments_of={code: {i.department_id for i in its} for code, its in items.items()},
    )
    plan.state = PlanState.DRAWN
    plan.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="draw.run" if previous is None else "draw.redraw",
        target=record,
        after={
            **audit_after,
            "algorithm": algorithm,
            "population_sha256": record.population_sha256,
            "strata": outcome.strata,
            "key_coverage_sha256": record.key_coverage_sha256,
            "key_coverage_size": record.key_coverage_size,
            "tasks": len(tasks),
            "reason": record.reason,
            "unstaffed": report["unstaffed"],
            "superseded": previous.pk if previous else None,
        },
    )
    return record


@dataclass(slots=True)
class NewTask:
    """A task just inserted: what ``assign_teams`` reads and marks, without a model instance for each
    of 30,000 tasks (1.1 s at 1,000,000 entities; issue 16 §4)."""

    pk: int
    entity_id: str
    state: str = TaskState.ASSIGNED.value
    unstaffed_reason: str = ""


def insert_rows(model, fields: list[str], columns: list[list], *, returning: tuple = ()) -> list:
    """``INSERT INTO <model's table> (<fields' columns>) SELECT … FROM unnest(<one array per column>)``:
    one statement for any number of rows, in the arrays' order. Returns the ``returning`` fields of
    the new rows (e.g. ``("pk", "entity")``), as tuples."""
    if not columns or not columns[0]:
        return []
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    types = [(t.target_field if t.is_relation else t).db_type(connection).split("(")[0] for t in targets]
    aliases = [f"c{i}" for i in range(len(targets))]
    back = [meta.pk if name == "pk" else meta.get_field(name) for name in returning]
    sql = (
        f"INSERT INTO {meta.db_table} ({', '.join(t.column for t in targets)}) "  # noqa: S608 - names from the model
        f"SELECT {', '.join(aliases)} FROM unnest({', '.join(f'%s::{db_type}[]' for db_type in types)}) "
        f"WITH ORDINALITY AS u({', '.join(aliases)}, n) ORDER BY n"
    )
    if back:
        sql += f" RETURNING {', '.join(f.column for f in back)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
        return cursor.fetchall() if back else []


def eligible_inspectors(plan: InspectionPlan) -> dict:
    """Per department: active inspectors whose certificate is valid on every inspection date."""
    by_department = defaultdict(list)
    qs = Inspector.objects.filter(
        active=True,
        department__in=plan.all_departments(),
        certificate_valid_from__lte=plan.starts_on,
        certificate_valid_to__gte=plan.ends_on,
    ).order_by("certificate_no")
    for inspector in qs:
        by_department[inspector.department_id].append(inspector)
    return by_department


def assign_teams(*, plan: InspectionPlan, draw: Draw, tasks: list, departments_of: dict | None = None) -> dict:
    """Each department draws its own inspectors for each task (DOMAIN §4, 行政处罚法 第42–43条):
    at least ``min_team_size`` each, valid certificates, nobody with a declared conflict, nobody from
    the entity's previous team unless no one else qualifies (then the reason is recorded), workload
    balanced. Ranked by HMAC-SHA256(seed, USCC + ":" + certificate no.), so it can be verified.
    An entity that cannot be staffed is reported with the reason, never dropped. Only the departments
    of a task's items (``departments_of``: USCC → department ids; default every department) go."""
    departments = plan.all_departments()
    pool = eligible_inspectors(plan)
    codes = [t.entity_id for t in tasks]
    conflicts = set(
        InspectorConflict.objects.filter(entity_uscc__in=codes, inspector__department__in=departments).values_list(
            "inspector_id", "entity_uscc"
        )
    )
    previous = defaultdict(set)
    last_task = {}
    for member in (
        TeamMember.objects.filter(task__entity__in=codes, task__draw__superseded=False)
        .exclude(task__plan=plan)
        .values("task__entity", "task_id", "task__plan__starts_on", "inspector_id")
        .order_by("task__plan__starts_on", "task_id")
    ):
        code = member["task__entity"]
        if last_task.get(code) != member["task_id"]:
            last_task[code], previous[code] = member["task_id"], set()
        previous[code].add(member["inspector_id"])
    # Plain (pk, certificate no. bytes) pairs; the HMAC key is set up once (draw_algo.KeyedHmac).
    pools = {d.pk: [(i.pk, i.certificate_no.encode("utf-8")) for i in pool.get(d.pk, [])] for d in departments}
    conflicted = defaultdict(set)
    for inspector_id, code in conflicts:
        conflicted[code].add(inspector_id)
    n = plan.min_team_size
    ordered = sorted(tasks, key=lambda t: t.entity_id)

    def goes(department, code) -> bool:
        return departments_of is None or department.pk in departments_of.get(code, ())

    # 1. Whether a task can be staffed depends on who is eligible, not on anyone's workload: so it is
    #    known before anyone is drawn. A task that cannot be staffed takes nobody in any department.
    unstaffed, staffed = [], []
    for task in ordered:
        code = task.entity_id
        reasons = []
        for department in departments:
            if goes(department, code):
                pool_ = pools[department.pk]
                eligible = sum(1 for pk, _ in pool_ if pk not in conflicted[code]) if code in conflicted else len(pool_)
                if eligible < n:
                    reasons.append(_short_of(department, eligible, n))
        if reasons:
            task.state, task.unstaffed_reason = TaskState.UNSTAFFED, "；".join(reasons)[:500]
            unstaffed.append({"uscc": code, "reason": task.unstaffed_reason})
        else:
            staffed.append(task)
    # 2. Each department draws for its tasks in USCC order. Its inspectors are its own, so its workload
    #    and choices do not depend on the other departments': they may draw at the same time.
    jobs = [
        _DepartmentDraw(
            department=department.pk,
            name=department.name,
            pool=pools[department.pk],
            tasks=[(t.pk, t.entity_id) for t in staffed if goes(department, t.entity_id)],
            conflicted={c: conflicted[c] for c in codes if conflicted.get(c)},
            previous={c: previous[c] for c in codes if previous.get(c)},
            n=n,
            seed=draw.seed,
        )
        for department in departments
    ]
    by_task = defaultdict(list)  # task pk → members, departments in plan order
    for chosen in _run_department_draws(jobs):
        for member in chosen:
            by_task[member[0]].append(member)
    members = [member for task in staffed for member in by_task[task.pk]]
    insert_rows(
        TeamMember,
        ["task", "inspector", "department", "digest", "repeat_reason"],
        [list(column) for column in zip(*members, strict=True)],
    )
    if unstaffed:
        InspectionTask.objects.bulk_update(
            [
                InspectionTask(pk=t.pk, state=t.state, unstaffed_reason=t.unstaffed_reason)
                for t in tasks
                if t.state == TaskState.UNSTAFFED
            ],
            ["state", "unstaffed_reason"],
            batch_size=5000,
        )
    return {"members": len(members), "unstaffed": unstaffed}


@dataclass(slots=True)
class _DepartmentDraw:
    """One department's share of ``assign_teams``: plain data, so that it can run in another process."""

    department: int
    name: str
    pool: list  # (inspector pk, certificate no. bytes)
    tasks: list  # (task pk, USCC), in USCC order, every one staffable
    conflicted: dict  # USCC → inspector pks with a declared conflict
    previous: dict  # USCC → inspector pks of the entity's previous team
    n: int
    seed: str


# A draw at least this big (tasks × inspectors in the pools) is shared out among processes, one
# department each (issue 16 §4: 30,000 tasks × 630 inspectors hashed about 11 million HMACs in 9 s).
PARALLEL_MIN_WORK = 2_000_000


def _run_department_draws(jobs: list) -> list:
    work = sum(len(j.tasks) * len(j.pool) for j in jobs)
    processes = min(len(jobs), os.cpu_count() or 1)
    # A daemonic process (a Celery prefork child) may not start processes; there the draw runs here.
    if work >= PARALLEL_MIN_WORK and processes > 1 and not multiprocessing.current_process().daemon:
        # fork: the children only hash (no database, no cache); each exits with os._exit.
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as executor:
            return list(executor.map(_department_draw, jobs))
    return [_department_draw(job) for job in jobs]


def _department_draw(job: _DepartmentDraw) -> list:
    """The members one department draws, task by task: ``(task pk, inspector pk, department pk, digest
    hex, repeat reason)``. Lowest workload first, then lowest HMAC; nobody with a conflict; the
    entity's previous team only for a shortfall, with the reason."""
    loads = _Workload({job.department: job.pool})
    keyed = draw_algo.KeyedHmac(bytes.fromhex(job.seed))
    none = frozenset()
    members = []
    for task_pk, code in job.tasks:
        prefix = keyed.then(f"{code}:".encode("ascii"))
        conflicted, previous = job.conflicted.get(code, none), job.previous.get(code, none)
        repeat_reason = ""
        if not conflicted and not previous:
            # Almost always: the whole pool is eligible and fresh.
            chosen = loads.lowest(job.department, job.n, prefix)
        else:
            eligible = [i for i in job.pool if i[0] not in conflicted]
            fresh = [i for i in eligible if i[0] not in previous]
            # Fresh inspectors first; only the shortfall comes from the entity's previous team.
            chosen = _lowest(fresh, job.n, loads.load, prefix)
            if len(chosen) < job.n:
                repeat_reason = f"{job.name}除上次检查该主体的人员外，符合条件的执法人员不足 {job.n} 名"
                again = [i for i in eligible if i[0] in previous]
                chosen += _lowest(again, job.n - len(chosen), loads.load, prefix)
        for _load, mac, inspector_id in chosen:
            loads.move(inspector_id, 1)
            members.append(
                (task_pk, inspector_id, job.department, mac.hex(), repeat_reason if inspector_id in previous else "")
            )
    return members


def _short_of(department, eligible: int, n: int) -> str:
    return f"{department.name}符合条件的执法人员仅 {eligible} 名（需 {n} 名；已排除证件过期、回避申报）"


class _Workload:
    """Each inspector's load (tasks drawn so far) and, per department, its inspectors grouped by load,
    so that the lowest loads are found without scanning the whole pool for every task."""

    def __init__(self, pools: dict):
        self.load = Counter()
        self.department_of = {pk: dept for dept, pairs in pools.items() for pk, _ in pairs}
        self.levels = {dept: ({0: dict(pairs)} if pairs else {}) for dept, pairs in pools.items()}

    def move(self, pk, delta: int) -> None:
        levels, before = self.levels[self.department_of[pk]], self.load[pk]
        certificate_no = levels[before].pop(pk)
        if not levels[before]:
            del levels[before]
        levels.setdefault(before + delta, {})[pk] = certificate_no
        self.load[pk] = before + delta

    def lowest(self, department, k: int, prefix) -> list:
        """``_lowest`` over the department's whole pool: hash the lowest load levels until they hold
        ``k`` inspectors (exactly those with a load up to the ``k``-th lowest), then rank them. Within a
        level only digests are compared (they are distinct), not (load, digest, pk) tuples."""
        chosen, levels, mac = [], self.levels[department], prefix.mac
        for level in sorted(levels):
            need = k - len(chosen)
            if need <= 0:
                break
            by_digest = {mac(certificate_no): pk for pk, certificate_no in levels[level].items()}
            best = heapq.nsmallest(need, by_digest) if need < len(by_digest) else sorted(by_digest)
            chosen.extend((level, digest, by_digest[digest]) for digest in best)
        return chosen


def _lowest(candidates: list, k: int, load: Counter, prefix) -> list:
    """The ``k`` candidates with the lowest (workload, HMAC digest). Only those whose load is at most
    the k-th lowest load can be chosen, so only they are hashed (same result, far fewer HMACs). The raw
    digest ranks as its hex does; 执法证号 may carry a province character (豫A…), hashed as UTF-8."""
    if k <= 0 or not candidates:
        return []
    threshold = heapq.nsmallest(k, (load[pk] for pk, _ in candidates))[-1]
    ranked = []
    for pk, certificate_no in candidates:
        if load[pk] <= threshold:
            ranked.append((load[pk], prefix.mac(certificate_no), pk))
    return heapq.nsmallest(k, ranked)


def verify_draw(draw: Draw) -> dict:
    """Recompute a draw from its seed and population file; report any difference."""
    population = draw.population.encode("ascii")
    problems = []
    if draw_algo.population_hash(population) != draw.population_sha256:
        problems.append("名录文件哈希与记录不一致")
    commitment = draw.commitment if draw.commitment_id else None
    if draw.algorithm == draw_algo.ALGORITHM_V2 and commitment is None:
        problems.append("hmac-sha256-v2 摇号缺少摇号承诺")
    if commitment is not None:
        # v2 (DOMAIN §4): the commitment published at approval, then seed = HMAC(share, public value).
        if draw_algo.share_commitment(commitment.seed_share) != commitment.seed_share_sha256:
            problems.append("种子份额与公布的承诺值（SHA-256）不一致")
        if commitment.population_sha256 != draw.population_sha256:
            problems.append("摇号所用名录文件哈希与审批时承诺的不一致")
        if draw_algo.derive_seed(commitment.seed_share, commitment.public_value) != draw.seed:
            problems.append("摇号种子不等于 HMAC-SHA256(种子份额, 公开随机数)")
    ratios = {s["stratum"]: s["ratio"] for s in draw.strata}
    outcome = draw_algo.draw(draw.seed, population, ratios)
    recorded = set(draw.selections.values_list("entity", "stratum"))
    recomputed = {(code, stratum) for code, stratum, *_ in outcome.selected}
    if recorded != recomputed:
        problems.append(
            f"摇中主体不一致：记录 {len(recorded)} 个，重算 {len(recomputed)} 个，差异 {len(recorded ^ recomputed)} 个"
        )
    if [dict(s) for s in outcome.strata] != [dict(s) for s in draw.strata]:
        problems.append("各层数量与记录不一致")
    # Key coverage (inspections/draw.py, step 7): a recorded addition; the tasks are the selection plus it.
    coverage = draw.key_coverage.encode("ascii")
    if draw.key_coverage_sha256 and draw_algo.population_hash(coverage) != draw.key_coverage_sha256:
        problems.append("重点监管全覆盖名单哈希与记录不一致")
    tasks = set(draw.tasks.values_list("entity", flat=True))
    if tasks and tasks != {code for code, _ in recorded} | set(draw_algo.parse_coverage(coverage)):
        problems.append("检查任务与摇中主体及重点监管全覆盖名单不一致")
    for member in TeamMember.objects.filter(task__draw=draw).select_related("task", "inspector").iterator():
        if draw_algo.digest(draw.seed, f"{member.task.entity_id}:{member.inspector.certificate_no}") != member.digest:
            problems.append(f"检查人员 {member.inspector.certificate_no} 的 HMAC 值不一致")
            break
    return {"ok": not problems, "problems": problems, "selected": len(recomputed), "population": draw.population_size}
