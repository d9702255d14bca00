"""Time one credit report (issue 4 §6): ``report_issue`` for an entity with 200 public records.

    python bench/credit_report.py                  # push 200 records for one demo entity (once), then time 10 reports
    python bench/credit_report.py --runs 20        # more runs
    python bench/credit_report.py --reset          # delete the bench records and reports again

It uses the database ``manage.py`` uses (``DATABASE_URL`` or the embedded one); run
``manage.py seed_demo`` first. The records go through ``credit.services.credit_records_push``,
as a department's system would push them, so their publicity windows are the service's own. They
are deterministic (one seed) and marked by ``source_ref`` ``BENCH-RPT-…``; the reports the bench
issues are marked ``requested_via="bench"``. ``--reset`` deletes both and re-grades the entity
(their audit events stay: the trail is append-only). ``bench/credit.py --reset`` also removes the
records, as they start with ``BENCH-``.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from credit.evaluation import evaluate  # noqa: E402
from credit.models import CreditRecord, CreditReport  # noqa: E402
from credit.reports import facts_hash, render_pdf, report_facts, report_issue, report_verify  # noqa: E402
from credit.services import credit_records_push  # noqa: E402
from supervision.models import Department, MarketEntity  # noqa: E402

MARK = "BENCH-RPT-"
SEED = 20_261_122
VIA = "bench"

# (category, polarity, severity, title, legal basis); weights give a record mix an inspector would recognise.
KINDS = [
    (
        40,
        "administrative_licence",
        "positive",
        "",
        "准予行政许可：食品经营许可证",
        "《中华人民共和国食品安全法》第三十五条",
    ),
    (25, "inspection_result", "neutral", "", "“双随机、一公开”抽查：未发现问题", "国发〔2019〕5号"),
    (15, "administrative_penalty", "negative", "general", "未按规定明码标价", "《中华人民共和国价格法》第十三条"),
    (
        8,
        "administrative_penalty",
        "negative",
        "serious",
        "销售不符合食品安全标准的食品",
        "《中华人民共和国食品安全法》第一百二十四条",
    ),
    (7, "award", "positive", "", "纳税信用A级纳税人", "《纳税信用管理办法（试行）》"),
    (5, "tax_arrears", "negative", "general", "欠缴税款逾期未缴", "《中华人民共和国税收征收管理法》第三十二条"),
]


def pick_entity(code: str | None) -> MarketEntity:
    qs = MarketEntity.objects.order_by("uscc")
    entity = qs.filter(uscc=code).first() if code else qs.filter(entity_type="enterprise").first() or qs.first()
    if entity is None:
        sys.exit("名录库为空：请先运行 manage.py seed_demo")
    return entity


def build_records(code: str, n: int, today: dt.date) -> list[dict]:
    """``n`` records decided within the last 11 months, so the published ones are all public today."""
    rng = random.Random(SEED)
    weights = [k[0] for k in KINDS]
    records = []
    for i in range(n):
        _w, category, polarity, severity, title, basis = rng.choices(KINDS, weights)[0]
        record = {
            "source_ref": f"{MARK}{i:04d}",
            "uscc": code,
            "category": category,
            "polarity": polarity,
            "severity": severity,
            "title": title,
            "decided_on": str(today - dt.timedelta(days=rng.randint(1, 330))),
            "legal_basis": basis,
            "content": f"基准测试记录第{i + 1}条。",
        }
        if category == "administrative_penalty":
            record["amount"] = f"{rng.randint(1, 200) * 500}.00"
            record["penalty_types"] = ["fine"]
        records.append(record)
    return records


def load(entity: MarketEntity, n: int) -> None:
    existing = CreditRecord.objects.filter(entity_id=entity.uscc, source_ref__startswith=MARK).count()
    if existing >= n:
        print(f"已有 {existing} 条基准记录（{entity.uscc}），直接计时")
        return
    department = Department.objects.filter(code="ZZSJ").first() or Department.objects.order_by("id").first()
    started = time.perf_counter()
    result = credit_records_push(
        actor="bench", department=department, records=build_records(entity.uscc, n, timezone.localdate())
    )
    evaluate([entity.uscc])
    print(
        f"推送 {n} 条记录（新增 {result.created}，更新 {result.updated}）并重新评价：{time.perf_counter() - started:.2f} s"
    )


def reset() -> None:
    with transaction.atomic():
        reports, _ = CreditReport.objects.filter(requested_via=VIA).delete()
        usccs = sorted(
            set(CreditRecord.objects.filter(source_ref__startswith=MARK).values_list("entity_id", flat=True))
        )
        records, _ = CreditRecord.objects.filter(source_ref__startswith=MARK).delete()
    if usccs:
        evaluate(usccs)
    print(f"已删除基准记录 {records} 条、基准报告 {reports} 份")


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description="信用报告出具耗时（200 条信用记录的主体）")
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--uscc", help="主体的统一社会信用代码（默认：按代码排序的第一个企业）")
    parser.add_argument("--reset", action="store_true", help="删除基准记录（BENCH-RPT-…）和基准报告")
    args = parser.parse_args()
    if args.reset:
        reset()
        return
    entity = pick_entity(args.uscc)
    load(entity, args.records)

    facts = report_facts(entity=entity)
    print(
        f"主体 {entity.uscc} {entity.name}：公示记录 {len(facts['records'])} 条，名单 {len(facts['list_entries'])} 条，"
        f"承诺 {len(facts['commitments'])} 条，等级变化 {len(facts['history'])} 次"
    )
    report_issue(entity=entity, requested_via=VIA)  # warm-up: font, imports, connection
    issue, facts_t, render_t, verify_t = [], [], [], []
    size = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        report, pdf = report_issue(entity=entity, requested_via=VIA)
        issue.append(time.perf_counter() - t0)
        size = len(pdf)
        t0 = time.perf_counter()
        facts = report_facts(entity=entity)
        facts_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        render_pdf(facts=facts, serial=report.serial, issued_at=report.issued_at, content_hash=facts_hash(facts))
        render_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assert report_verify(serial=report.serial, pdf_bytes=pdf).current
        verify_t.append(time.perf_counter() - t0)
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")
    print(f"report_issue（{args.runs} 次）：{ms(issue)}；PDF {size / 1024:.0f} KiB，{pages} 页")
    print(f"  其中 report_facts：{ms(facts_t)}；render_pdf：{ms(render_t)}")
    print(f"report_verify（含重算内容哈希）：{ms(verify_t)}")


if __name__ == "__main__":
    main()
