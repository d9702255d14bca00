"""Annual reports (企业年度报告, issue 14 §3) for the demo roster, seeded set-based.

``manage.py seed_demo`` calls ``seed_annual_reports`` right after the supervision roster and BEFORE the
credit demo: the credit, inspections and enforcement demos each run the nightly risk scan, and from
1 July the scan proposes 经营异常名录 for every enterprise without last year's report
(``credit.annual_report_rules.NoAnnualReport``). So the reports must be there first.

- Every demo entity that owes a report (``supervision.annual_reports.must_report``) gets one for each
  year the entity side lists (the due year and the ``BACKFILL_YEARS`` before it), filed on time between
  January and June, as ``annual_report_file`` would write it: the same fields and shapes, ``late`` set
  by ``is_late``, the legal representative as the filer. One ``bulk_create`` and ONE summary audit
  event (``annual_report.seed``), like the roster's ``entity.seed``; no per-entity service call.
- Consistent with the credit demo's plan (``demo.credit_plan.build_plan``): an entity listed on
  经营异常名录 for a missing report has no report for that year and after; one listed and removed
  after filing filed that report late, on the day its duty was fulfilled.
- ``MISSING``: a few enterprises deliberately left without the due year's report (the scan proposes
  them); ``LATE``: a few that filed it after 30 June (补报, marked late); ``CORRECTED``: a few with a
  correction (更正) published with its date; about a third chose to publish their asset figures.

Deterministic (``random.Random(SEED)`` over the roster in USCC order) and idempotent: an (entity, year)
that has a report is left as it is. The rows go in with one ``INSERT … SELECT FROM json_populate_recordset``.
"""

import datetime as dt
import json
import random
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.functions import Substr
from django.utils import timezone

from core import audit
from credit.choices import ListGround, ListType
from demo.credit_plan import ACTOR, DEMO_ORG_PREFIX, build_plan, demo_entities, demo_today
from supervision.annual_reports import (
    BACKFILL_YEARS,
    FILING_DEADLINE,
    OWING_STATUSES,
    REPORTING_TYPES,
    SOCIAL_INSURANCE,
    due_year,
    filing_deadline,
    filing_opens_on,
    is_late,
)
from supervision.choices import EntityType
from supervision.models import AnnualReport, Department, MarketEntity
from supervision.models_reports import AnnualReportKind, OperatingStatus

SEED = "enterprise-demo-v1:reports"
MISSING = 12  # enterprises without the due year's report: the nightly scan proposes 经营异常名录 for them
LATE = 12  # filed after 30 June (补报)
CORRECTED = 8  # corrected before 30 June, the correction published with its date
ASSETS_PUBLIC_SHARE = 0.35
TZ = ZoneInfo("Asia/Shanghai")
POSTAL_CODES = {"410102": "450007", "410103": "450052", "410104": "450000", "410105": "450008", "410108": "450044"}
LISTED_FOR_REPORT = (EntityType.ENTERPRISE, EntityType.COOPERATIVE)  # credit.annual_report_rules.LISTED_TYPES


def roster() -> list[dict]:
    """The demo entities that owe reports, in USCC order."""
    return list(
        MarketEntity.objects.annotate(org=Substr("uscc", 9, 2))
        .filter(org=DEMO_ORG_PREFIX, entity_type__in=REPORTING_TYPES, status__in=OWING_STATUSES)
        .order_by("uscc")
        .values(
            "uscc",
            "name",
            "entity_type",
            "established_on",
            "registered_address",
            "contact_phone",
            "legal_representative",
            "registered_capital",
            "region_code",
        )
    )


def report_years(today: dt.date) -> list[int]:
    first = due_year(today)
    return [y for y in range(first, first - BACKFILL_YEARS - 1, -1) if filing_opens_on(y) <= today]


def listed_for_no_report(today: dt.date) -> tuple[dict, dict]:
    """From the credit demo's plan: {uscc: first unfiled year} for 经营异常名录 entries still in force on the
    ground of a missing report, and {(uscc, year): filed on} for those removed after filing it late."""
    depts = {d.code: d for d in Department.objects.all()}
    if not {"ZZSJ", "ZZSWJ"} <= set(depts):
        return {}, {}
    try:
        plan = build_plan(today=today, depts=depts, entities=demo_entities())
    except KeyError:  # a department the plan needs is missing: the credit demo will skip itself too
        return {}, {}
    unfiled, late = {}, {}
    for spec in plan.entries:
        if spec["list_type"] != ListType.ABNORMAL or spec.get("ground") != ListGround.NO_ANNUAL_REPORT:
            continue
        year = spec["ground_established_on"].year - 1
        remove = spec.get("remove")
        if remove is None:
            unfiled[spec["entity_uscc"]] = min(year, unfiled.get(spec["entity_uscc"], year))
        else:
            late[(spec["entity_uscc"], year)] = remove["duty_fulfilled_on"]
    return unfiled, late


def _filed_at(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=TZ)


def _on_time_day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    opens, deadline = filing_opens_on(year), min(filing_deadline(year), today)
    # Most file in the last two months before the deadline, as in the real statistics.
    span = (deadline - opens).days
    return opens + dt.timedelta(days=int(rng.triangular(0, span, span * 0.85)))


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _fields(rng: random.Random, e: dict, year: int, n: int) -> dict:
    """The report's content, in the shapes ``supervision.annual_reports.clean_report`` produces."""
    individual = e["entity_type"] == EntityType.INDIVIDUAL
    region = e["region_code"]
    phone = e["contact_phone"] or f"0371-6{int(e['uscc'][10:17], 36) % 10_000_000:07d}"
    fields = {
        "kind": AnnualReportKind.INDIVIDUAL if individual else AnnualReportKind.ENTERPRISE,
        "postal_address": e["registered_address"] or f"郑州市（{region}）",
        "postal_code": POSTAL_CODES.get(region, "450000"),
        "phone": phone,
        "email": f"qy{e['uscc'][-8:].lower()}@example.com" if rng.random() < 0.4 else "",
        "operating_status": OperatingStatus.OPEN,
        "assets_public": rng.random() < ASSETS_PUBLIC_SHARE,
        "filed_by": (e["legal_representative"] or "")[:100],
    }
    growth = 1 + 0.08 * (year - 2022)
    if individual:
        revenue = rng.uniform(8, 120) * growth
        fields.update(
            employees=rng.randint(1, 8),
            revenue=_money(revenue),
            tax_paid=_money(revenue * rng.uniform(0.005, 0.02)),
            websites=[{"kind": "网店", "name": e["name"][-12:], "url": f"https://shop{n}.example.com"}]
            if rng.random() < 0.1
            else [],
        )
        return fields
    capital = e["registered_capital"] or Decimal(rng.choice([10, 50, 100, 200, 500]))
    assets = float(capital) * rng.uniform(0.8, 4.0) * growth
    liabilities = assets * rng.uniform(0.1, 0.7)
    revenue = assets * rng.uniform(0.5, 2.5)
    profit = revenue * rng.uniform(-0.05, 0.12)
    employees = rng.randint(3, 80)
    insured = max(1, int(employees * rng.uniform(0.6, 1.0)))
    established = e["established_on"] or dt.date(2015, 1, 1)
    fields.update(
        employees=employees,
        total_assets=_money(assets),
        total_liabilities=_money(liabilities),
        owners_equity=_money(assets - liabilities),
        revenue=_money(revenue),
        main_revenue=_money(revenue * rng.uniform(0.85, 1.0)),
        total_profit=_money(profit),
        net_profit=_money(profit * 0.75 if profit > 0 else profit),
        tax_paid=_money(max(revenue * rng.uniform(0.01, 0.05), 0)),
        capital=[
            {
                "shareholder": e["legal_representative"] or "股东",
                "subscribed": str(capital),
                "subscribed_on": established.replace(
                    year=established.year + 20, day=min(established.day, 28)
                ).isoformat(),
                "subscribed_form": "货币",
                "paid_in": str(capital if rng.random() < 0.4 else Decimal(0)),
                "paid_in_on": established.isoformat(),
                "paid_in_form": "货币",
            }
        ],
        websites=[{"kind": "网站", "name": e["name"][:30], "url": f"https://www.qy{n}.example.com"}]
        if rng.random() < 0.15
        else [],
        social_insurance={key: insured for key, _label in SOCIAL_INSURANCE},
    )
    return fields


def plan_reports(today: dt.date) -> tuple[list[dict], dict]:
    """Every report the demo wants (dicts of AnnualReport fields), and the deliberate exceptions."""
    rng = random.Random(SEED)
    entities = roster()
    years = report_years(today)
    due = years[0] if years else None
    unfiled, listed_late = listed_for_no_report(today)
    owes = {
        e["uscc"]: [y for y in years if e["established_on"] is None or e["established_on"] <= dt.date(y, 12, 31)]
        for e in entities
    }
    # The deliberate exceptions: enterprises that owed the due year's report and are not on the list for it.
    pool = [
        e["uscc"]
        for e in entities
        if e["entity_type"] in LISTED_FOR_REPORT and due in owes[e["uscc"]] and e["uscc"] not in unfiled
    ]
    picked = rng.sample(pool, min(len(pool), MISSING + LATE + CORRECTED))
    missing, late, corrected = (
        set(picked[:MISSING]),
        set(picked[MISSING : MISSING + LATE]),
        set(picked[MISSING + LATE :]),
    )
    rows = []
    for n, e in enumerate(entities):
        for year in owes[e["uscc"]]:
            if e["uscc"] in unfiled and year >= unfiled[e["uscc"]]:
                continue
            if year == due and e["uscc"] in missing:
                continue
            fields = _fields(rng, e, year, n)
            on = _on_time_day(rng, year, today)
            if (e["uscc"], year) in listed_late:
                on = listed_late[(e["uscc"], year)]
            elif year == due and e["uscc"] in late:
                deadline = filing_deadline(year)
                on = deadline + dt.timedelta(days=rng.randint(10, max(11, (today - deadline).days - 5)))
            corrections = []
            if year == due and e["uscc"] in corrected and fields["postal_address"]:
                on = min(on, dt.date(year + 1, 4, 30))
                fixed_on = on + dt.timedelta(days=rng.randint(5, 40))
                old_phone = fields["phone"]
                fields["phone"] = f"0371-6{rng.randint(0, 9_999_999):07d}"
                corrections = [
                    {
                        "on": fixed_on.isoformat(),
                        "changes": [
                            {"field": "phone", "label": "联系电话", "before": old_phone, "after": fields["phone"]}
                        ],
                    }
                ]
            rows.append(
                {
                    "entity_id": e["uscc"],
                    "year": year,
                    "filed_at": _filed_at(rng, on),
                    "late": is_late(year, on),
                    "corrections": corrections,
                    **fields,
                }
            )
    return rows, {"due_year": due, "missing": missing, "late": late, "corrected": corrected, "unfiled": unfiled}


def insert(rows: list[dict]) -> None:
    """One ``INSERT … SELECT FROM json_populate_recordset``: the rows travel as one JSON document (about 4 times
    faster than ``bulk_create`` here). Every concrete column but the id, with the model's defaults filled in."""
    if not rows:
        return
    fields = [f for f in AnnualReport._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.attname: f.get_default() for f in fields}
    defaults["updated_at"] = now
    payload = [{f.column: {**defaults, **row}[f.attname] for f in fields} for row in rows]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(AnnualReport._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM json_populate_recordset(NULL::{table}, %s)",  # noqa: S608 (model names)
            [json.dumps(payload, cls=DjangoJSONEncoder)],
        )


def seed_annual_reports(*, stdout=None) -> dict:
    """Bulk-load the demo's annual reports; returns what was added. Running it again adds nothing."""
    started = time.monotonic()
    today = demo_today()
    rows, plan = plan_reports(today)
    with transaction.atomic():
        existing = set(
            AnnualReport.objects.filter(entity_id__in={r["entity_id"] for r in rows}).values_list("entity_id", "year")
        )
        new = [r for r in rows if (r["entity_id"], r["year"]) not in existing]
        insert(new)
        if new:
            by_year = {}
            for report in new:
                by_year[report["year"]] = by_year.get(report["year"], 0) + 1
            audit.record(
                actor=ACTOR,
                action="annual_report.seed",
                target=("supervision.annualreport", "bulk"),
                target_label=f"演示数据：年度报告 {len(new)} 份",
                after={
                    "count": len(new),
                    "by_year": {str(y): c for y, c in sorted(by_year.items())},
                    "late": sum(1 for r in new if r["late"]),
                },
            )
    stats = {"added": len(new), "total": AnnualReport.objects.count(), **plan}
    stats["seconds"] = round(time.monotonic() - started, 2)
    if stdout:
        due = plan["due_year"]
        stdout.write(
            f"年度报告演示数据（用时 {stats['seconds']} 秒）：新增 {len(new)}，共 {stats['total']}；{due}年度未报送 {len(plan['missing'])} 户，"
            f"逾期补报 {len(plan['late'])} 户，有更正 {len(plan['corrected'])} 户（截止日 {FILING_DEADLINE[0]}月{FILING_DEADLINE[1]}日）"
        )
    return stats
