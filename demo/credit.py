"""Credit demo data for ``manage.py seed_demo`` (郑州市): ``seed_credit_demo`` pushes the plan
(demo/credit_plan.py) through the services, then the remedies (demo/credit_remedies.py), the other
administrative acts (demo/credit_acts.py) and the list exit applications (demo/credit_exits.py),
expires what is due and grades everyone once. Running it again adds nothing."""

from collections import Counter

from django.db import transaction

from credit.choices import Grade
from credit.evaluation import evaluate
from credit.models import CreditRecord, EntityCredit, ListEntry
from credit.scan import run_risk_scan
from credit.services import credit_records_expire, credit_records_push, list_entry_add, list_entry_remove
from demo.credit_acts import seed_acts
from demo.credit_exits import seed_list_exits
from demo.credit_plan import ACTOR, MARKET, PENALTIES, PUSH_BATCH, build_plan, demo_entities, demo_today
from demo.credit_remedies import seed_remedies
from supervision.models import Department


def seed_credit_demo(*, stdout=None) -> dict:
    """Seed the credit demo through the services; returns what was added. Running it again adds nothing."""
    depts = {d.code: d for d in Department.objects.all()}
    needed = {"ZZSJ", "ZZSWJ", *(d for d in PENALTIES if d != MARKET)}
    if not needed <= set(depts):
        if stdout:
            stdout.write(f"  信用演示数据：缺少部门 {'、'.join(sorted(needed - set(depts)))}，跳过")
        return {}
    entities = demo_entities()
    plan = build_plan(today=demo_today(), depts=depts, entities=entities)
    created = entries_added = 0
    with transaction.atomic():
        for code in sorted(plan.records):
            dept = depts[code]
            rows = plan.records[code]
            existing = set(
                CreditRecord.objects.filter(
                    department=dept, source_ref__in=[r["source_ref"] for r in rows]
                ).values_list("source_ref", flat=True)
            )
            new = [r for r in rows if r["source_ref"] not in existing]
            for i in range(0, len(new), PUSH_BATCH):
                created += credit_records_push(actor=ACTOR, department=dept, records=new[i : i + PUSH_BATCH]).created
        for spec in plan.entries:
            spec = dict(spec)
            remove = spec.pop("remove", None)
            dept = depts[spec.pop("department")]
            if ListEntry.objects.filter(
                entity_id=spec["entity_uscc"], list_type=spec["list_type"], decision_no=spec["decision_no"]
            ).exists():
                continue
            if (
                remove is None
                and ListEntry.objects.filter(
                    entity_id=spec["entity_uscc"], list_type=spec["list_type"], removed_on__isnull=True
                ).exists()
            ):
                continue  # one active entry per entity and list
            entry = list_entry_add(actor=ACTOR, department=dept, **spec)
            if remove:
                list_entry_remove(actor=ACTOR, entry=entry, **remove)
            entries_added += 1
        remedies = seed_remedies(today=plan.today, entities=entities, depts=depts)
        if acts := seed_acts(today=plan.today, entities=entities, depts=depts):  # /acts/ (issue 12 §2)
            remedies["acts"] = acts
        remedies["list_exits"] = seed_list_exits(entities=entities)  # issue 12 §4: an exit application at each state
        credit_records_expire(actor=ACTOR)
        result = evaluate()
    scan = None
    if created or entries_added or remedies:
        # The inbox and the proposals are what an official opens first: fill them as the nightly scan would.
        scan = run_risk_scan(trigger="seed_demo")
    grades = Counter(
        EntityCredit.objects.filter(entity_id__in=[e["uscc"] for e in entities]).values_list("grade", flat=True)
    )
    stats = {
        "records_created": created,
        "records_total": CreditRecord.objects.count(),
        "list_entries_created": entries_added,
        "list_entries_total": ListEntry.objects.count(),
        "grades": dict(grades),
        "evaluated": result.evaluated,
        "commitments_created": remedies["commitments"],
        "repair_applications_created": remedies["repair_applications"],
        "objections_created": remedies["objections"],
        "list_exit_applications_created": remedies["list_exits"],
        "acts_created": remedies["acts"],
    }
    if stdout:
        total = sum(grades.values()) or 1
        stdout.write("信用演示数据已就绪：")
        stdout.write(f"  信用记录：新增 {created}，共 {stats['records_total']}")
        stdout.write(f"  名单记录：新增 {entries_added}，共 {stats['list_entries_total']}")
        stdout.write(
            f"  信用承诺：新增 {remedies['commitments']}；信用修复申请：新增 {remedies['repair_applications']}；"
            f"异议申诉：新增 {remedies['objections']}；其他行政行为：新增 {remedies['acts']}"
        )
        stdout.write(
            "  信用等级："
            + "、".join(
                f"{Grade(g).label} {grades.get(g, 0)}（{grades.get(g, 0) * 100 / total:.1f}%）" for g in Grade.values
            )
        )
        stdout.write(f"  评价用时 {result.seconds} 秒（{result.evaluated} 个主体）")
        if scan is not None:
            warnings = sum((scan.counts.get("warnings") or {}).values())
            stdout.write(
                f"  风险扫描：{scan.get_state_display()}，预警 {warnings} 条，名单列入建议 {scan.counts.get('list_proposals', 0)} 条"
            )
    return stats
